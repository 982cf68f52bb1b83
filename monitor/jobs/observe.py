"""One observation pipeline for a fetched page, live or archived:

    page bytes ─► read (fingerprint, extract, normalize) ─► gate (is it the policy?) ─► compare with
    the version before it ─► second gate (did it keep enough of it?) ─► a Verdict

`check` and `backfill` both call `observe`; they differ only in where the page comes from, which
version is "before" (the latest one, or the one before the capture in time) and how a suspect page
proves it persists (the last checks of this document, or the captures after it). The rule itself is
one: `persists_as_real`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from monitor.engine.gate import compare, judge_page
from monitor.engine.result import Comparison
from monitor.jobs.pagework import judge_new_page
from monitor.jobs.workers import Workers, describe_page, describe_text
from monitor.store.blobs import Packed
from monitor.text.fingerprint import read_page
from monitor.text.quality import Problem

# Quality problems that can be real: a policy truly shortened, moved to another language, or rewritten.
# Walls and error pages never become versions, however long they stay.
ACCEPTABLE_WHEN_PERSISTENT = frozenset({"truncated", "language", "replaced"})


@dataclass(frozen=True)
class Page:
    """What a source hands the pipeline: a vendor response or an archived capture."""

    body: bytes
    content_type: str | None
    url: str
    select: str | None = None
    remove: Sequence[str] = ()
    kind: str = "privacy"  # the document's kind picks the comparison (engine/gate.py)


@dataclass(frozen=True)
class Verdict:
    """What the pipeline made of one page."""

    same: bool  # the text is the latest version's: nothing to store but "seen again"
    text: str | None
    text_sha: str
    fingerprint: str
    problem: Problem | None = None  # held back by the quality gate
    comparison: Comparison | None = None  # previous → text, when there was a previous text
    packed: tuple[Packed, ...] = ()  # a first version's text and page, compressed by the worker

    @property
    def suspect(self) -> bool:
        return self.problem is not None

    @property
    def may_persist(self) -> bool:
        """Held back now, but a version if it stays: see `persists_as_real`."""
        return self.problem is not None and self.problem.kind in ACCEPTABLE_WHEN_PERSISTENT


def persists_as_real(problem: Problem, text_sha: str, earlier_shas: Sequence[str | None], needed: int) -> bool:
    """A suspect text seen `needed` times in a row (this one and the `needed - 1` before it) is the policy.

    `earlier_shas` are the suspect texts' hashes of the observations just before this one, nearest
    first (None where an observation was not suspect).
    """
    if problem.kind not in ACCEPTABLE_WHEN_PERSISTENT:
        return False
    earlier = list(earlier_shas)[: needed - 1]
    return len(earlier) == needed - 1 and all(sha == text_sha for sha in earlier)


async def observe(
    workers: Workers,
    page: Page,
    load_previous: Callable[[], str | None],
    previous_sha: str | None = None,
    known_fingerprint: str | None = None,
    budget: dict | None = None,
) -> Verdict:
    """Read and judge one page against the version before it (`load_previous()`, hash `previous_sha`).

    The previous text is loaded only when the page's text differs from it. With `known_fingerprint`
    (the fingerprint that gave the previous version) an unchanged page is not even extracted. The
    CPU-bound steps run in `workers`, within `budget` (workers.analysis_budget: one deadline for all
    of a page's analysis; past it the worker is killed and AnalysisTimeout says why).
    """
    budget = budget or {}
    text, text_sha, fingerprint = await workers.run(
        read_page, page.body, page.content_type, page.url, page.select, tuple(page.remove), previous_sha, known_fingerprint,
        **budget, about=describe_page(page.body),
    )
    if text is None:  # the previous version's very text
        return Verdict(True, None, text_sha, fingerprint)
    previous = load_previous()
    if previous is None:  # a first version: the worker also packs its blobs, off the event loop
        (problem, packed) = await workers.run(judge_new_page, text, page.body, page.kind, **budget, about=describe_text(text))
        return Verdict(False, text, text_sha, fingerprint, problem, None, packed)
    problem, comparison = await workers.run(judge_page, text, previous, page.kind, **budget, about=describe_text(text))
    return Verdict(False, text, text_sha, fingerprint, problem, comparison)


async def accept(
    workers: Workers, verdict: Verdict, previous: str | None, kind: str = "privacy", budget: dict | None = None
) -> Verdict:
    """The verdict for a held page found to persist: a version, compared with the one before it."""
    comparison = verdict.comparison
    if comparison is None and previous is not None:  # the gate held it before the engine ran
        comparison = await workers.run(compare, previous, verdict.text, kind, **(budget or {}), about=describe_text(verdict.text))
    return Verdict(False, verdict.text, verdict.text_sha, verdict.fingerprint, None, comparison)
