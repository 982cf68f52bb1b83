"""Work sent to the analysis workers beyond reading and judging a page: kept apart from check.py so a
worker imports only this (and what it needs), never the HTTP client or the ORM.
"""

from __future__ import annotations

from monitor.engine.gate import judge_page
from monitor.store.blobs import Packed, pack
from monitor.text.quality import Problem


def judge_new_page(text: str, raw: bytes | None, kind: str = "privacy") -> tuple[Problem | None, tuple[Packed, ...]]:
    """A first version: the quality gate, and, if it passes, its text and raw page packed for the store."""
    problem, _ = judge_page(text, None, kind)
    if problem is not None:
        return problem, ()
    blobs = (pack(text.encode("utf-8")),)
    return None, blobs + ((pack(raw),) if raw is not None else ())
