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

import httpx

from monitor.engine.gate import compare, judge_page
from monitor.jobs.batch import UnchangedBatch
from monitor.jobs.pagework import judge_new_page
from monitor.jobs.workers import Workers, worker_count
from monitor.text.fingerprint import read_page
from monitor.config import Settings, Vendor, Watchlist, WatchedDocument, document_key
from monitor.engine.result import Comparison
from monitor.errors import ContentError, FetchError, StoreError, UsageError
from monitor.sources.hosts import host_of, run_by_host
from monitor.sources.vendor import Fetcher
from monitor.delivery.notify import DeliveryReport, deliver_pending, raise_operational_events
from monitor.text.quality import Problem
from monitor.clock import aware, iso, utcnow
from monitor.store.store import DocumentInfo, DocumentState, Observation, Store

log = logging.getLogger("monitor.jobs.check")

OUTCOMES = ("new", "changed", "unchanged", "failed")
# Quality problems that can be real: a policy truly shortened, moved to another language, or rewritten.
ACCEPTABLE_WHEN_PERSISTENT = frozenset({"truncated", "language", "replaced"})


@dataclass(frozen=True)
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
            data["notifications"] = {
                "delivered": self.delivery.delivered,
                "pending": self.delivery.pending,
                "failed": [{"target": label, "error": error} for label, error in self.delivery.failed],
            }
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
    # Every change is in the outbox by now (same transaction as the change); tell people.
    raise_operational_events(store, watchlist)
    report.delivery = deliver_pending(store, watchlist)
    return report


async def _check_all(watchlist, store, documents, on_result, transport) -> RunReport:
    started = time.monotonic()
    run_id = store.start_run("check")
    report = RunReport(run_id=run_id, started_at=iso(utcnow()))
    state = store.run_state()
    workers = Workers(worker_count(watchlist.settings.workers, len(documents)))
    batch = UnchangedBatch(store, run_id)
    try:
        async with Fetcher(watchlist.settings, transport=transport) as fetcher:

            async def one(entry: tuple[Vendor, WatchedDocument]) -> None:
                vendor, doc = entry
                key = document_key(vendor, doc)
                result = await _check_one(fetcher, workers, store, run_id, key, doc, state[key], batch)
                report.results.append(result)
                if on_result is not None:
                    on_result(result)

            # The bound is on whole documents, not just requests, so at most `concurrency` pages are in
            # memory at once whatever the size of the watchlist; per-host lanes keep every slot busy.
            settings = watchlist.settings
            await run_by_host(documents, lambda e: host_of(e[1].url), settings.per_host, settings.concurrency, one)
    finally:
        workers.close()
        batch.flush()
    if watchlist.settings.archive_on_change:
        # Evidence of what the page said: Save Page Now, rate-limited; a failure is logged, never fatal.
        changed = [r.url for r in report.results if r.outcome == "changed"]
        if changed:
            from monitor.sources.archive import request_captures  # only when asked for: it pulls in waybackpy

            await request_captures(watchlist.archive, watchlist.settings, changed)
    report.results.sort(key=lambda r: r.document)
    report.seconds = time.monotonic() - started
    store.finish_run(run_id, report.counts)
    return report


async def _check_one(
    fetcher: Fetcher, workers: Workers, store: Store, run_id: int, key: str, doc: WatchedDocument, state: DocumentState,
    batch: UnchangedBatch | None = None,
) -> DocumentResult:
    started = time.monotonic()
    deadline = fetcher.settings.document_deadline
    try:
        # One slow site (endless retries, a drip-fed body) must not hold the whole run.
        async with asyncio.timeout(deadline):
            fetched = await fetcher.fetch(doc.url, etag=state.etag, last_modified=state.last_modified)
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
        batch.add(obs)
    else:
        number = store.record_new(run_id, obs) if obs.outcome == "new" else store.record(run_id, obs)
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
    # The fingerprint that gave the latest version lets an unchanged page skip extraction.
    known = state.fingerprint if state.fingerprint_sha256 == state.latest_sha256 else None
    text, text_sha, page = await workers.run(
        read_page, fetched.body, fetched.content_type, fetched.url, doc.select, doc.remove, state.latest_sha256, known
    )
    if (page, text_sha) != (state.fingerprint, state.fingerprint_sha256):
        common["fingerprint"] = (page, text_sha)
    if text is None:  # the latest version's text
        return Observation(key, "unchanged", now, **common)
    previous = store.text(state.latest_sha256) if state.latest_sha256 is not None else None
    packed = ()
    if previous is None:  # a first version: the worker also packs its blobs, off the event loop
        (problem, packed), comparison = await workers.run(judge_new_page, text, fetched.body), None
    else:
        problem, comparison = await workers.run(judge_page, text, previous)
    if problem is not None and not _persistent(store, key, text_sha, problem, settings):
        common.pop("fingerprint", None)  # a suspect text is not the latest version's: its page proves nothing
        return Observation(key, "failed", now, error=f"suspect page: {problem}", suspect_sha256=text_sha, **common)
    if comparison is None and previous is not None:  # held back before, and accepted now it persists
        comparison = await workers.run(compare, previous, text)
    reverts_to = _flip_back(store, key, text_sha, now, settings) if previous is not None else None
    if reverts_to is not None and comparison is not None:
        comparison = replace(
            comparison, material=False, severity="noise", reason=f"back to version {reverts_to} ({comparison.reason})"
        )
    return Observation(
        key,
        "changed" if previous is not None else "new",
        now,
        text=text,
        raw=fetched.body,
        content_type=fetched.content_type,
        comparison=comparison,
        reverts_to=reverts_to,
        packed=packed,
        **common,
    )


def _persistent(store: Store, key: str, text_sha: str, problem: Problem, settings: Settings) -> bool:
    """A page that is shorter or in another language for several runs in a row is the new policy.

    Walls and error pages never become versions, however long they stay.
    """
    if problem.kind not in ACCEPTABLE_WHEN_PERSISTENT:
        return False
    earlier = store.recent_suspects(key, settings.suspect_accept_after - 1)
    return len(earlier) == settings.suspect_accept_after - 1 and all(sha == text_sha for sha in earlier)


def _flip_back(store: Store, key: str, text_sha: str, now, settings: Settings) -> int | None:  # noqa: ANN001
    """The number of a recent earlier version with this very text: the page flipped back."""
    earlier = store.version_with_text(key, text_sha)
    if earlier is None:
        return None
    last_seen = aware(earlier.last_seen)
    return earlier.number if now - last_seen <= timedelta(days=settings.flap_window_days) else None
