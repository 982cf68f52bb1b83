"""Work sent to the analysis workers beyond reading and judging a page: kept apart from check.py so a
worker imports only this (and what it needs), never the HTTP client or the ORM.
"""

from __future__ import annotations

from monitor.store.blobs import Packed, pack
from monitor.text.quality import Problem, assess


def judge_new_page(text: str, raw: bytes | None) -> tuple[Problem | None, tuple[Packed, ...]]:
    """A first version: the quality gate, and, if it passes, its text and raw page packed for the store."""
    problem = assess(text, None)
    if problem is not None:
        return problem, ()
    blobs = (pack(text.encode("utf-8")),)
    return None, blobs + ((pack(raw),) if raw is not None else ())
