"""One `backfill` run: each selected document's archived captures, oldest first, through the same
extract → normalize → quality → version → clause-diff pipeline as `check`.

Each capture ends as imported (a new version, in time order among the live ones), duplicate (the same
text as its neighbour in time), skipped (not the policy: the reason is stored) or failed (the archive
failed now; not stored, so the next backfill tries it again). Captures a previous run stored are not
fetched again: an interrupted backfill resumes, and a second one adds nothing.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import httpx

from monitor.sources.archive import Archive, ArchiveBlocked, ArchiveRefused, CaptureSkipped, Memento, open_archive
from monitor.sources.cdx import Capture
from monitor.config import Vendor, WatchedDocument, Watchlist, document_key
from monitor.engine.gate import compare
from monitor.engine.result import Comparison
from monitor.jobs.observe import Page, Verdict, observe
from monitor.errors import ArchiveError, ContentError, StoreError
from monitor.delivery.notify import DeliveryReport, deliver_pending
from monitor.jobs.check import register, select_documents
from monitor.jobs.report import refresh_report
from monitor.jobs.workers import AnalysisTimeout, Workers, analysis_budget, describe_text, worker_count
from monitor.clock import aware, iso, utcnow
from monitor.store.store import CaptureRecord, Observation, Store, sha256

log = logging.getLogger("monitor.jobs.backfill")

OUTCOMES = ("imported", "duplicate", "skipped", "failed")


@dataclass(frozen=True)
class BackfillProgress:
    """What `on_progress` receives: after a document's captures are listed, then after each capture."""

    document: str
    done: int  # this document's captures dealt with, those imported by earlier runs included
    total: int  # captures the archive lists for this document (within --since/--until)
    outcome: str | None  # the last capture's: imported | duplicate | skipped | failed; None when just listed
    rate: float  # captures fetched per second over the whole run so far


@dataclass
class DocumentBackfill:
    document: str
    url: str
    listed: int = 0  # captures the archive lists (status 200, identical neighbours collapsed)
    already: int = 0  # stored by an earlier backfill: not fetched again
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    skipped: list[dict[str, str]] = field(default_factory=list)  # {timestamp, reason}
    failed: list[dict[str, str]] = field(default_factory=list)  # {timestamp, error}
    error: str | None = None  # the archive could not list (or stopped serving) this document
    blocked: bool = False  # ... because it excludes the site
    refused: bool = False  # ... because it kept answering 429: the run stopped here
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {
            "document": self.document,
            "url": self.url,
            "listed": self.listed,
            "already": self.already,
            **self.counts,
            "error": self.error,
            "blocked": self.blocked,
            "refused": self.refused,
            "skipped_captures": self.skipped,
            "failed_captures": self.failed,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class BackfillReport:
    run_id: int
    started_at: str
    archive: str
    documents: list[DocumentBackfill] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=dict)  # cdx, capture, retry
    not_started: list[str] = field(default_factory=list)  # documents left for later (the archive refused)
    seconds: float = 0.0
    delivery: DeliveryReport | None = None  # notifications sent after the captures were stored, as `check` does

    @property
    def counts(self) -> dict[str, int]:
        totals = {key: sum(d.counts[key] for d in self.documents) for key in OUTCOMES}
        return {"listed": sum(d.listed for d in self.documents), "already": sum(d.already for d in self.documents),
                **totals, "documents_failed": sum(1 for d in self.documents if d.error)}

    @property
    def failed(self) -> bool:
        """Something to retry: a capture or a whole document failed (exit code 'partial')."""
        undelivered = self.delivery is not None and not self.delivery.ok
        return undelivered or bool(self.not_started) or any(d.error or d.counts["failed"] for d in self.documents)

    def to_dict(self) -> dict:
        return {
            "run_id": self.run_id,
            "started_at": self.started_at,
            "archive": self.archive,
            "seconds": round(self.seconds, 3),
            "counts": self.counts,
            "requests": self.requests,
            "documents": [d.to_dict() for d in self.documents],
            "not_started": self.not_started,
            **({"notifications": self.delivery.to_dict()} if self.delivery is not None else {}),
        }


@dataclass(frozen=True)
class _Options:
    since: date | datetime | None
    until: date | datetime | None
    notify: bool
    workers: Workers = field(default_factory=lambda: Workers(0))


class _Progress:
    """Turns steps into BackfillProgress events with the run's capture rate."""

    def __init__(self, callback: Callable[[BackfillProgress], None] | None) -> None:
        self.callback = callback
        self.started = time.monotonic()
        self.fetched = 0

    def __call__(self, doc: DocumentBackfill, outcome: str | None) -> None:
        if outcome is not None:
            self.fetched += 1
        if self.callback is None:
            return
        done = doc.already + sum(doc.counts.values())
        rate = self.fetched / max(time.monotonic() - self.started, 1e-9)
        self.callback(BackfillProgress(doc.document, done, doc.listed, outcome, rate))


def run_backfill(
    watchlist: Watchlist,
    store: Store,
    ids: Iterable[str] = (),
    *,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    notify: bool = False,
    on_progress: Callable[[BackfillProgress], None] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> BackfillReport:
    """Import the archived past of the documents named by `ids` (vendor or vendor/doc; none: all)."""
    documents = select_documents(watchlist, ids)
    register(store, documents)
    workers = Workers(worker_count(watchlist.settings.workers, 1))
    options = _Options(since, until, notify, workers)
    archive = open_archive(watchlist.archive, watchlist.settings, transport=transport)
    try:
        report = asyncio.run(_backfill_all(archive, store, documents, options, _Progress(on_progress)))
    finally:
        workers.close()
    # The report's pages first, so the links in the notifications open on arrival.
    refresh_report(watchlist, store, [d.document for d in report.documents if d.counts["imported"]])
    # The same delivery as `check`: whatever is pending (the changes just imported, with --notify).
    report.delivery = deliver_pending(store, watchlist)
    return report


async def _backfill_all(archive: Archive, store: Store, documents: list[tuple[Vendor, WatchedDocument]],
                        options: _Options, progress: _Progress) -> BackfillReport:
    started = time.monotonic()
    run_id = store.start_run("backfill")
    report = BackfillReport(run_id=run_id, started_at=iso(utcnow()), archive=archive.base)
    # One document at a time, one capture at a time: the archive's rate limit is the bound anyway,
    # and politeness to a shared public service matters more than wall time here.
    async with archive:
        for vendor, doc in documents:
            result = await _backfill_one(archive, store, run_id, document_key(vendor, doc), doc, options, progress)
            report.documents.append(result)
            if result.refused:  # asking on after repeated 429s gets a client banned: the rest waits
                report.not_started = [document_key(v, d) for v, d in documents[len(report.documents):]]
                break
    report.requests = dict(archive.requests)
    report.seconds = time.monotonic() - started
    counts = report.counts
    store.finish_run(run_id, {"new": counts["imported"], "unchanged": counts["duplicate"],
                              "failed": counts["failed"] + counts["documents_failed"]})
    return report


async def _backfill_one(archive: Archive, store: Store, run_id: int, key: str, doc: WatchedDocument,
                        options: _Options, progress: _Progress) -> DocumentBackfill:
    result = DocumentBackfill(key, doc.url)
    started = time.monotonic()
    try:
        captures = await archive.list_captures(doc.url, options.since, options.until)
        seen = store.captures_seen(key)  # a capture the gate skipped is not "seen": it is judged again
        todo = [c for c in captures if c.timestamp not in seen]
        result.listed, result.already = len(captures), len(captures) - len(todo)
        progress(result, None)
        importer = _Importer(archive, store, run_id, key, doc, options, _Timeline(store, key))

        def tally(capture: Capture, outcome: str, detail: str) -> None:
            result.counts[outcome] += 1
            if outcome == "skipped":
                result.skipped.append({"timestamp": capture.timestamp, "reason": detail})
            elif outcome == "failed":
                result.failed.append({"timestamp": capture.timestamp, "error": detail})
            progress(result, outcome)

        for capture in todo:
            for done, outcome, detail in await importer.take(capture):
                tally(done, outcome, detail)
        for done, outcome, detail in importer.finish():
            tally(done, outcome, detail)
    except ArchiveError as exc:  # blocked, refused, or the CDX API failing: one line
        result.error, result.blocked, result.refused = str(exc), isinstance(exc, ArchiveBlocked), isinstance(exc, ArchiveRefused)
        log.warning("%s: %s", key, exc)
    result.seconds = time.monotonic() - started
    return result


Outcome = tuple[Capture, str, str]  # (capture, imported | duplicate | skipped | failed, detail)


@dataclass
class _Held:
    capture: Capture
    memento: Memento
    verdict: Verdict


class _Importer:
    """Captures of one document, oldest first, through the same pipeline as `check` (jobs/observe.py).

    A capture the gate holds for a reason that can be real (truncated, another language, rewritten)
    is kept aside, as `check` keeps a suspect page: when the captures after it hold the same text
    (`suspect_accept_after` in a row, itself included), the first of them is imported at its own
    time; a capture that passes the gate first rejects them. Captures still held when the listing
    ends are skipped for now and judged again by the next backfill, which sees the captures after them.
    """

    def __init__(self, archive: Archive, store: Store, run_id: int, key: str, doc: WatchedDocument,
                 options: _Options, timeline: _Timeline) -> None:
        self.archive, self.store, self.run_id, self.key, self.doc = archive, store, run_id, key, doc
        self.options, self.timeline = options, timeline
        self.workers = options.workers  # killable: a capture over its analysis budget is stopped
        self.needed = archive.settings.suspect_accept_after
        self.held: list[_Held] = []

    async def take(self, capture: Capture) -> list[Outcome]:
        deadline = self.archive.settings.document_deadline
        try:
            async with asyncio.timeout(deadline):  # a drip-fed capture must not hold the backfill
                memento = await self.archive.fetch_capture(capture)
            page = Page(memento.body, memento.content_type, capture.original, self.doc.select, self.doc.remove, self.doc.kind)
            budget = analysis_budget(self.archive.settings)  # one budget per capture
            verdict = await observe(self.workers, page, lambda: self.timeline.text_before(capture.captured_at), budget=budget)
        except TimeoutError:
            return [(capture, "failed", f"gave up after {deadline:g}s (settings.document_deadline)")]
        except AnalysisTimeout as exc:  # slow now is not "not the policy": tried again on the next backfill
            return [(capture, "failed", str(exc))]
        except (CaptureSkipped, ContentError) as exc:
            return [self._skip(capture, str(exc))]
        except (ArchiveBlocked, ArchiveRefused):
            raise  # about the whole document (or archive), not this capture
        except ArchiveError as exc:
            log.warning("%s: capture %s failed: %s", self.key, capture.timestamp, exc)
            return [(capture, "failed", str(exc))]
        except StoreError:
            raise
        except Exception as exc:  # a bug on one capture must not cost the others their import
            log.exception("unexpected error importing %s capture %s", self.key, capture.timestamp)
            return [(capture, "failed", f"internal error: {type(exc).__name__}: {exc}")]
        if not verdict.suspect:
            return self._reject_held("a later capture passed the gate") + [await self._import(capture, memento, verdict)]
        if not verdict.may_persist:
            return [self._skip(capture, f"quality: {verdict.problem}")]
        outcomes = []
        if self.held and self.held[0].verdict.text_sha != verdict.text_sha:
            outcomes = self._reject_held("the captures after it hold another text")
        self.held.append(_Held(capture, memento, verdict))
        if len(self.held) >= self.needed:  # confirmed: the policy really changed this way
            held, self.held = self.held, []
            outcomes += [await self._import(h.capture, h.memento, h.verdict) for h in held]
        return outcomes

    def finish(self) -> list[Outcome]:
        why = f"not confirmed yet ({len(self.held)} of {self.needed} captures); judged again on the next backfill"
        return self._reject_held(why, for_good=False)

    def _reject_held(self, why: str, for_good: bool = True) -> list[Outcome]:
        held, self.held = self.held, []
        return [self._skip(h.capture, f"quality: {h.verdict.problem} ({why})", held=not for_good) for h in held]

    async def _import(self, capture: Capture, memento: Memento, verdict: Verdict) -> Outcome:
        obs = Observation(
            self.key, "new", capture.captured_at, text=verdict.text, raw=memento.body, content_type=memento.content_type,
            url=f"{self.archive.base}/{capture.timestamp}/{capture.original}",  # the memento a person can open
            source="archive", notify=self.options.notify,
        )
        try:
            compare_neighbours = await self._comparisons(capture.captured_at, verdict)
        except AnalysisTimeout as exc:  # slow now: tried again on the next backfill
            return capture, "failed", str(exc)
        record = CaptureRecord(self.key, capture.timestamp, capture.captured_at, "imported", capture.digest)
        outcome, _number = self.store.record_capture(self.run_id, record, obs, compare_neighbours)
        self.timeline.add(capture.captured_at, verdict.text)  # imported or duplicate: from here on, this is the text
        return capture, outcome, ""

    async def _comparisons(self, moment: datetime, verdict: Verdict) -> Callable[[str, str], Comparison]:
        """The store compares a capture with the versions around it; both comparisons are made here
        first, in the workers and within the analysis budget (the one before came with the verdict),
        so the store's transaction only looks them up."""
        made: dict[tuple[str, str], Comparison] = {}
        before, after = self.timeline.text_before(moment), self.timeline.text_after(moment)
        if before is not None and verdict.comparison is not None:
            made[(_sha(before), verdict.text_sha)] = verdict.comparison
        if after is not None:
            budget = analysis_budget(self.archive.settings)
            made[(verdict.text_sha, _sha(after))] = await self.workers.run(
                compare, verdict.text, after, self.doc.kind, **budget, about=describe_text(verdict.text)
            )

        def compare_neighbours(old: str, new: str) -> Comparison:
            found = made.get((_sha(old), _sha(new)))
            return found if found is not None else compare(old, new, self.doc.kind)  # a neighbour we did not foresee

        return compare_neighbours

    def _skip(self, capture: Capture, reason: str, held: bool = False) -> Outcome:
        """Recorded as skipped; a `held` one (it may yet prove real) is judged again by the next backfill."""
        stored = "held" if held else "skipped"
        record = CaptureRecord(self.key, capture.timestamp, capture.captured_at, stored, capture.digest, reason)
        self.store.record_capture(self.run_id, record, None, lambda old, new: compare(old, new, self.doc.kind))
        return capture, "skipped", reason


class _Timeline:
    """The document's versions in time, read once and kept up to date as captures are imported, so
    the quality gate can compare each capture with the version before it without a query each time.
    Holds hashes, not texts (a long history would not fit), and the one text last asked for."""

    def __init__(self, store: Store, key: str) -> None:
        self.store = store
        self.versions = sorted(((aware(v.captured_at), v.sha256) for v in store.versions(key)), key=_moment)
        self._cached: tuple[str, str] | None = None  # (sha, text)

    def text_before(self, moment: datetime) -> str | None:
        index = bisect.bisect_right(self.versions, moment, key=_moment)
        if index == 0:
            return None
        sha = self.versions[index - 1][1]
        if self._cached is None or self._cached[0] != sha:
            self._cached = (sha, self.store.text(sha))
        return self._cached[1]

    def text_after(self, moment: datetime) -> str | None:
        """The text of the first version after `moment` (not cached: asked once per imported capture)."""
        index = bisect.bisect_right(self.versions, moment, key=_moment)
        return self.store.text(self.versions[index][1]) if index < len(self.versions) else None

    def add(self, moment: datetime, text: str) -> None:
        digest = sha256(text.encode("utf-8"))
        bisect.insort(self.versions, (moment, digest), key=_moment)
        self._cached = (digest, text)


def _sha(text: str) -> str:
    return sha256(text.encode("utf-8"))


def _moment(entry: tuple[datetime, str]) -> datetime:
    return entry[0]
