"""Writing the static report: read the store, render pages and feeds (monitor.report), write the files.

A full build renders everything; a refresh (after `check`, `backfill` or `review`) renders only the
pages of the documents it touched, plus the index and the feeds. Either way a file is written only
when its bytes differ, each by rename so a web server never serves half a page, and nothing is ever
deleted: a permalink sent in a notification keeps working.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from monitor.clock import aware
from monitor.config import Watchlist
from monitor.report import assets, feeds, pages
from monitor.report import records as R
from monitor.report.change_page import change_page
from monitor.report.records import ChangeRecord, DocumentHistory, DocumentRecord, ReviewRecord, VersionRecord
from monitor.store.store import Store

log = logging.getLogger("monitor.jobs.report")


@dataclass
class SiteReport:
    out: Path
    written: list[str] = field(default_factory=list)  # site paths rewritten (or created) by this build
    unchanged: int = 0  # files rendered (or present) with the same bytes: left alone
    documents: int = 0
    changes: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {"out": str(self.out), "written": len(self.written), "unchanged": self.unchanged,
                "documents": self.documents, "changes": self.changes, "seconds": round(self.seconds, 3)}


def build_site(store: Store, out: Path, base_url: str | None = None, tags: dict[str, tuple[str, ...]] | None = None,
               documents: Iterable[str] | None = None) -> SiteReport:
    """Write the report into `out`. `documents`: refresh only their pages (None: every document's)."""
    started = time.monotonic()
    out = Path(out)
    writer = _Writer(out)
    histories = histories_of(store, tags or {})
    touched = set(histories) if documents is None else {d for d in documents if d in histories}
    writer.put(R.CSS, assets.CSS)
    writer.put(R.JS, assets.JS)
    writer.put(R.ICON, assets.ICON)
    for document_id in sorted(touched):
        _document_pages(store, writer, histories[document_id])
    writer.put(R.INDEX, pages.index_page(histories.values()))
    _feeds(writer, list(histories.values()), touched, base_url)
    report = SiteReport(out, writer.written, writer.unchanged, len(histories),
                        sum(len(h.changes) for h in histories.values()))
    report.seconds = time.monotonic() - started
    return report


def refresh_report(watchlist: Watchlist, store: Store, documents: Iterable[str]) -> SiteReport | None:
    """The hook at the end of `check` and `backfill`: bring the pages of `documents` up to date.

    Does nothing without `[report] dir`. A report that cannot be written is logged, never a failed run.
    """
    if watchlist.report.dir is None:
        return None
    try:
        return build_site(store, Path(watchlist.report.dir), watchlist.report.base_url, vendor_tags(watchlist), list(documents))
    except (OSError, ValueError) as exc:
        log.warning("the report in %s was not refreshed: %s", watchlist.report.dir, exc)
        return None


def vendor_tags(watchlist: Watchlist | None) -> dict[str, tuple[str, ...]]:
    return {v.id: v.tags for v in watchlist.vendors} if watchlist is not None else {}


def change_url(base_url: str | None, document_id: str, key: str | None) -> str | None:
    """The absolute URL of a change's page, when the site's base URL is known."""
    if not base_url or key is None:
        return None
    return R.absolute(base_url, R.change_page(document_id, key))


# --- reading --------------------------------------------------------------------------------------
def histories_of(store: Store, tags: dict[str, tuple[str, ...]]) -> dict[str, DocumentHistory]:
    """Every document with its changes (versions and texts are read per document, when rendered)."""
    keys = store.change_keys()
    reviews = store.reviews()
    by_doc: dict[str, list[ChangeRecord]] = {}
    for c in store.changes():
        by_doc.setdefault(c.document_id, []).append(ChangeRecord(
            document_id=c.document_id, from_version=c.from_version, to_version=c.to_version,
            key=keys.get((c.document_id, c.to_version), f"v{c.to_version}"), detected_at=aware(c.detected_at),
            material=c.material, severity=c.severity, categories=tuple(c.categories), direction=c.direction,
            reason=c.reason, clauses=tuple(c.clauses), reverts_to=c.reverts_to,
            reviews=tuple(ReviewRecord(r.status, r.decided_by, aware(r.decided_at), r.note)
                          for r in reviews.get((c.document_id, c.to_version), ())),
        ))
    out = {}
    for d in store.documents():
        try:
            R.document_dir(d.id)
        except ValueError as exc:  # not an id the watchlist allows: no page rather than a bad path
            log.warning("report: skipping %s", exc)
            continue
        doc = DocumentRecord(
            d.id, d.vendor_id, d.vendor_name, d.kind, d.url, tags.get(d.vendor_id, ()),
            aware(d.last_checked_at) if d.last_checked_at else None, d.last_outcome, d.last_error,
            d.consecutive_failures, aware(d.failing_since) if d.failing_since else None,
        )
        out[d.id] = DocumentHistory(doc, (), tuple(sorted(by_doc.get(d.id, ()), key=lambda c: c.to_version)))
    return out


def with_versions(store: Store, history: DocumentHistory, texts: bool = True) -> DocumentHistory:
    rows = store.versions(history.document.id)
    versions = tuple(
        VersionRecord(v.number, v.sha256, aware(v.captured_at), v.source, v.url, v.snapshot_sha256, v.content_type)
        for v in sorted(rows, key=lambda v: v.number)
    )
    by_sha = {sha: data.decode("utf-8") for sha, data in store.blobs(v.sha256 for v in versions).items()} if texts else {}
    return DocumentHistory(history.document, versions, history.changes, by_sha)


# --- writing --------------------------------------------------------------------------------------
def _document_pages(store: Store, writer: _Writer, history: DocumentHistory) -> None:
    history = with_versions(store, history)
    doc_id = history.document.id
    writer.put(R.document_page(doc_id), pages.document_page(history))
    for sha in {v.sha256 for v in history.versions}:
        writer.put(R.version_page(doc_id, sha), pages.version_page(history, sha))
    # Content-addressed: a snapshot once written never changes, so only the missing ones are read.
    missing = {R.snapshot_file(doc_id, v.snapshot_sha256, v.content_type): v.snapshot_sha256
               for v in history.versions if v.snapshot_sha256}
    missing = {path: sha for path, sha in missing.items() if not writer.exists(path)}
    raw = store.blobs(missing.values()) if missing else {}
    for path, sha in missing.items():
        writer.put(path, raw[sha])
    for change in history.changes:
        writer.put(R.change_page(doc_id, change.key), change_page(history, change))


def _feeds(writer: _Writer, histories: list[DocumentHistory], touched: set[str], base_url: str | None) -> None:
    entries = [(c, h.document) for h in histories for c in h.changes]
    writer.put(R.ALL_FEED, feeds.atom(R.ALL_FEED, "policy-monitor: all changes", entries, base_url))
    material = [e for e in entries if e[0].material]
    writer.put(R.MATERIAL_FEED, feeds.atom(R.MATERIAL_FEED, "policy-monitor: material changes", material, base_url))
    vendors = {h.document.vendor_id for h in histories if h.document.id in touched}
    for vendor in sorted(vendors):
        mine = [e for e in entries if e[1].vendor_id == vendor]
        name = next(h.document.vendor_name for h in histories if h.document.vendor_id == vendor)
        writer.put(R.vendor_feed(vendor), feeds.atom(R.vendor_feed(vendor), f"policy-monitor: {name}", mine, base_url))
    for h in histories:
        if h.document.id in touched:
            path = R.document_feed(h.document.id)
            title = f"policy-monitor: {pages.where(h.document)}"
            writer.put(path, feeds.atom(path, title, [(c, h.document) for c in h.changes], base_url))


class _Writer:
    """Writes a site path only when its bytes differ, by rename (readers see the old or the new file)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: list[str] = []
        self.unchanged = 0
        self._folders: set[Path] = set()

    def put(self, path: str, content: str | bytes) -> None:
        data = content.encode("utf-8", "replace") if isinstance(content, str) else content
        target = self.root / path
        try:
            if target.read_bytes() == data:
                self.unchanged += 1
                return
        except FileNotFoundError:
            pass
        self._write(target, data)
        self.written.append(path)

    def exists(self, path: str) -> bool:
        found = (self.root / path).exists()
        self.unchanged += found
        return found

    def _write(self, target: Path, data: bytes) -> None:
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")  # same folder: the rename is atomic
        try:
            tmp.write_bytes(data)
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
