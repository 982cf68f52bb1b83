"""One `check` run: every selected document fetched concurrently, each ending as
new / changed / unchanged / failed and stored in its own transaction.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit

import httpx

from monitor.engine.gate import compare
from monitor.jobs.observe import Page, accept, observe, persists_as_real
from monitor.jobs.report import refresh_report
from monitor.jobs.workers import Workers, analysis_budget, worker_count
from monitor.jobs.batch import UnchangedBatch
from monitor.config import Settings, Vendor, Watchlist, WatchedDocument, document_key
from monitor.engine.result import Comparison
from monitor.errors import ContentError, FetchError, StoreError, UsageError
from monitor.sources.hosts import host_lanes, host_of, run_lanes
from monitor.sources.vendor import Fetcher
from monitor.delivery.notify import DeliveryReport, deliver_pending, raise_operational_events
from monitor.clock import aware, iso, utcnow
from monitor.store.store import DocumentInfo, DocumentState, Observation, Store

log = logging.getLogger("monitor.jobs.check")

OUTCOMES = ("new", "changed", "unchanged", "failed")


@dataclass(frozen=True, slots=True)  # one per document, held until the run's report is printed
class DocumentResult:
    document: str
    url: str
    outcome: str
    version: int | None = None
    http_status: int | None = None
    error: str | None = None
    change: Comparison | None = None
    seconds: float = 0.0

    def to_dict(self) -> dict:
        data = {
            "document": self.document,
            "url": self.url,
            "outcome": self.outcome,
            "version": self.version,
            "http_status": self.http_status,
            "error": self.error,
            "seconds": round(self.seconds, 3),
        }
        if self.change is not None:
            data["change"] = {k: v for k, v in self.change.to_dict().items() if k != "clauses"}
        return data


@dataclass
class RunReport:
    run_id: int
    started_at: str
    results: list[DocumentResult] = field(default_factory=list)
    seconds: float = 0.0
    delivery: DeliveryReport | None = None  # notifications sent after the documents were stored

    @property
    def counts(self) -> dict[str, int]:
        counter = Counter(r.outcome for r in self.results)
        return {outcome: counter.get(outcome, 0) for outcome in OUTCOMES}

    @property
    def failed(self) -> list[DocumentResult]:
        return [r for r in self.results if r.outcome == "failed"]

    @property
    def needs_attention(self) -> bool:
        """Exit 3: a document failed, or a notification could not be delivered."""
        return bool(self.failed) or (self.delivery is not None and not self.delivery.ok)

    def to_dict(self) -> dict:
        data = {
            "run_id": self.run_id,
            "started_at": self.started_at,
            "seconds": round(self.seconds, 3),
            "counts": self.counts,
            "documents": [r.to_dict() for r in self.results],
        }
        if self.delivery is not None:
            data["notifications"] = self.delivery.to_dict()
        return data


def select_documents(watchlist: Watchlist, ids: Iterable[str] = ()) -> list[tuple[Vendor, WatchedDocument]]:
    """All documents, or those named: 'vendor/document' picks one, 'vendor' picks all of a vendor's."""
    everything = watchlist.documents()
    wanted = list(ids)
    if not wanted:
        return everything
    chosen: list[tuple[Vendor, WatchedDocument]] = []
    for name in wanted:
        matches = [(v, d) for v, d in everything if document_key(v, d) == name or v.id == name]
        if not matches:
            raise UsageError(f"{name!r} is not in the watchlist", "use a vendor id or 'vendor/document' as listed there")
        chosen.extend(m for m in matches if m not in chosen)
    return chosen


def register(store: Store, documents: list[tuple[Vendor, WatchedDocument]]) -> None:
    store.sync_documents(
        [DocumentInfo(document_key(v, d), v.id, v.display_name, d.kind, d.url) for v, d in documents]
    )


class StateInChunks:
    """Documents' states read `chunk` at a time, in the order the documents are handed out, and
    dropped once taken: what is in memory stays near `chunk` plus the lanes in flight, whatever N."""

    def __init__(self, store: Store, order: list[str], chunk: int = 500) -> None:
        self._store, self._order, self._chunk = store, order, chunk
        self._next = 0
        self._ready: dict[str, DocumentState] = {}

    def pop(self, key: str) -> DocumentState:
        # Lanes are taken in order, so a document asked for is at most a few chunks ahead.
        while key not in self._ready and self._next < len(self._order):
            keys = self._order[self._next:self._next + self._chunk]
            self._next += len(keys)
            self._ready.update(self._store.run_state(keys))
        return self._ready.pop(key)


def run_check(
    watchlist: Watchlist,
    store: Store,
    ids: Iterable[str] = (),
    on_result: Callable[[DocumentResult], None] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> RunReport:
    documents = select_documents(watchlist, ids)
    register(store, documents)
    report = asyncio.run(_check_all(watchlist, store, documents, on_result, transport))
    # The report's pages first, so the links in the notifications below open on arrival.
    refresh_report(watchlist, store, [r.document for r in report.results if r.version is not None])
    # Every change is in the outbox by now (same transaction as the change); tell people.
    raise_operational_events(store, watchlist)
    report.delivery = deliver_pending(store, watchlist)
    return report


async def _check_all(watchlist, store, documents, on_result, transport) -> RunReport:
    started = time.monotonic()
    # HOOK(issue 12): the store starts the run, or on PostgreSQL joins the one other workers run.
    by_key = {document_key(v, d): (v, d) for v, d in documents}
    run = store.check_run(list(by_key))
    run_id = run.run_id
    report = RunReport(run_id=run_id, started_at=iso(utcnow()))
    lanes = None if run.shared else host_lanes(list(by_key), lambda key: host_of(by_key[key][1].url), watchlist.settings.per_host)
    # A shared run checks what it claims, in no order known here: every state at once. Else in the
    # lanes' order, a chunk at a time (StateInChunks).
    state = store.run_state() if lanes is None else StateInChunks(store, [key for lane in lanes for key in lane])
    workers = Workers(worker_count(watchlist.settings.workers, len(documents)))
    # Plain unchanged checks are written many to a transaction; a shared run closes each document's
    # claim in its own transaction, so it takes the ordinary path.
    batch = None if run.shared else UnchangedBatch(store, run_id)
    try:
        async with Fetcher(watchlist.settings, transport=transport) as fetcher:

            async def one(key: str) -> None:
                # Popped: a document's state is needed once, and the results take its place as the run goes.
                result = await _check_one(fetcher, workers, store, run_id, key, by_key[key][1], state.pop(key), batch)
                report.results.append(result)
                if on_result is not None:
                    on_result(result)

            settings = watchlist.settings

            async def by_host() -> None:
                # The bound is on whole documents, not just requests, so at most `concurrency` pages are
                # in memory at once whatever the size of the watchlist; per-host lanes keep every slot busy.
                await run_lanes(lanes, settings.concurrency, one)

            # HOOK(issue 12): every document on SQLite (in per-host lanes); on PostgreSQL the ones this
            # worker claims.
            await run.drive(one, settings.concurrency, local=by_host)
    finally:
        workers.close()
        if batch is not None:
            batch.flush()
    if watchlist.settings.archive_on_change:
        # Evidence of what the page said: Save Page Now, rate-limited; a failure is logged, never fatal.
        changed = [r.url for r in report.results if r.outcome == "changed"]
        if changed:
            from monitor.sources.savepage import request_captures  # only when asked for

            await request_captures(watchlist.archive, watchlist.settings, changed)
    report.results.sort(key=lambda r: r.document)
    report.seconds = time.monotonic() - started
    run.finish(report.counts)  # HOOK(issue 12): a shared run ends when its last document is stored
    return report


async def _check_one(
    fetcher: Fetcher, workers: Workers, store: Store, run_id: int, key: str, doc: WatchedDocument, state: DocumentState,
    batch: UnchangedBatch | None = None,
) -> DocumentResult:
    # The page's bytes count against settings.memory_budget from before they are read until stored.
    hold = fetcher.hold()
    try:
        return await _check_held(fetcher, workers, store, run_id, key, doc, state, batch, hold)
    finally:
        hold.release()


async def _check_held(
    fetcher: Fetcher, workers: Workers, store: Store, run_id: int, key: str, doc: WatchedDocument, state: DocumentState,
    batch: UnchangedBatch | None, hold,  # noqa: ANN001
) -> DocumentResult:
    started = time.monotonic()
    deadline = fetcher.settings.document_deadline
    try:
        # One slow site (endless retries, a drip-fed body) must not hold the whole run.
        async with asyncio.timeout(deadline):
            # HOOK(issue 12): per-host politeness across workers (free on SQLite).
            async with store.host_slot(urlsplit(doc.url).hostname or "", fetcher.settings.per_host):
                fetched = await fetcher.fetch(doc.url, etag=state.etag, last_modified=state.last_modified, hold=hold)
        obs = await _observe(workers, store, key, doc, fetched, fetcher.settings, state)
    except TimeoutError:
        obs = Observation(key, "failed", utcnow(), error=f"gave up after {deadline:g}s (settings.document_deadline)")
    except (FetchError, ContentError) as exc:
        obs = Observation(key, "failed", utcnow(), http_status=getattr(exc, "status", None), error=str(exc))
    except StoreError:
        raise
    except Exception as exc:  # a bug on one page must not cost the other documents their run
        log.exception("unexpected error checking %s", key)
        obs = Observation(key, "failed", utcnow(), error=f"internal error: {type(exc).__name__}: {exc}")
    seconds = time.monotonic() - started
    obs = replace(obs, duration_ms=int(seconds * 1000))
    if batch is not None and batch.takes(obs):
        number = None
        batch.add(obs)  # plain unchanged checks are written many to a transaction
    elif obs.outcome == "new":
        number = store.record_new(run_id, obs)  # prebuilt statements, blobs packed by the worker
    else:
        # compare: when another writer stored a version first, the change is computed against that one.
        number = store.record(run_id, obs, compare=partial(compare, kind=doc.kind))
    if obs.outcome in ("new", "changed") and number is None:  # an overlapping run stored it first
        obs = replace(obs, outcome="unchanged", comparison=None)
    if obs.outcome == "failed":
        log.warning("%s failed: %s", key, obs.error)
    return DocumentResult(
        document=key,
        url=doc.url,
        outcome=obs.outcome,
        version=number,
        http_status=obs.http_status,
        error=obs.error,
        change=obs.comparison,
        seconds=seconds,
    )


async def _observe(
    workers: Workers, store: Store, key: str, doc: WatchedDocument, fetched, settings: Settings, state: DocumentState  # noqa: ANN001
) -> Observation:
    now = utcnow()
    common = dict(http_status=fetched.status, url=fetched.url, etag=fetched.etag, last_modified=fetched.last_modified)
    if fetched.not_modified:
        return Observation(key, "unchanged", now, **common)
    def previous() -> str | None:  # read from the store only if the page's text changed
        return store.text(state.latest_sha256) if state.latest_sha256 is not None else None

    # The fingerprint that gave the latest version lets an unchanged page skip extraction.
    known = state.fingerprint if state.fingerprint_sha256 == state.latest_sha256 else None
    page = Page(fetched.body, fetched.content_type, fetched.url, doc.select, doc.remove, doc.kind)
    budget = analysis_budget(settings)  # one deadline for all of this document's analysis
    verdict = await observe(workers, page, previous, state.latest_sha256, known, budget)
    if (verdict.fingerprint, verdict.text_sha) != (state.fingerprint, state.fingerprint_sha256):
        common["fingerprint"] = (verdict.fingerprint, verdict.text_sha)
    if verdict.same:
        return Observation(key, "unchanged", now, **common)
    if verdict.suspect:
        earlier = store.recent_suspects(key, settings.suspect_accept_after - 1)
        if not persists_as_real(verdict.problem, verdict.text_sha, earlier, settings.suspect_accept_after):
            common.pop("fingerprint", None)  # a suspect text is not the latest version's: its page proves nothing
            return Observation(
                key, "failed", now, error=f"suspect page: {verdict.problem}", suspect_sha256=verdict.text_sha,
                suspect_kind=verdict.problem.kind, **common,
            )
        verdict = await accept(workers, verdict, previous(), doc.kind, budget)
    comparison = verdict.comparison
    had_version = state.latest_sha256 is not None
    reverts_to = _flip_back(store, key, verdict.text_sha, now, settings) if had_version else None
    if reverts_to is not None and comparison is not None:
        comparison = _as_flip_back(store, key, verdict.text_sha, comparison, reverts_to)
    return Observation(
        key,
        "changed" if had_version else "new",
        now,
        text=verdict.text,
        raw=fetched.body,
        content_type=fetched.content_type,
        comparison=comparison,
        reverts_to=reverts_to,
        base_sha256=state.latest_sha256,
        packed=verdict.packed,
        **common,
    )


def _flip_back(store: Store, key: str, text_sha: str, now, settings: Settings) -> int | None:  # noqa: ANN001
    """The number of a recent earlier version with this very text: the page flipped back."""
    earlier = store.version_with_text(key, text_sha)
    if earlier is None:
        return None
    return earlier.number if now - aware(earlier.last_seen) <= timedelta(days=settings.flap_window_days) else None


def _as_flip_back(store: Store, key: str, text_sha: str, comparison: Comparison, reverts_to: int) -> Comparison:
    """A flip back is noise, unless it brings back a wider practice ("may sell" again): a reviewer wants
    that told, once. Later flips to the same text are noise like any other."""
    reason = f"back to version {reverts_to} ({comparison.reason})"
    if comparison.material and comparison.direction == "expands" and not store.flip_back_told(key, text_sha):
        return replace(comparison, reason=reason)
    return replace(comparison, material=False, severity="noise", reason=reason)
