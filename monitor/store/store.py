"""The store: SQLite (WAL) through SQLModel. Every write that belongs together is one transaction.

Knows nothing of HTTP or parsing: it takes values (`Observation`) and returns rows.
"""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import bindparam, case
from sqlalchemy import insert as sa_insert
from sqlalchemy import update as sa_update
from sqlalchemy import event, func, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel, create_engine, select
from sqlmodel.sql.sqltypes import UTCDateTime

from monitor.clock import aware, utcnow
from monitor.store import migrations
from monitor.store.blobs import Packed
from monitor.engine.result import Comparison
from monitor.errors import StoreError, UsageError
from monitor.store.models import ArchiveCapture, Blob, Change, Check, Document, Outbox, Run, SchemaInfo, Version

# A second writer waits this long for the first to commit before giving up (overlapping runs).
BUSY_TIMEOUT_MS = 60_000


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class DocumentInfo:
    """What the store needs to know about a watched document (from the watchlist)."""

    id: str
    vendor_id: str
    vendor_name: str
    kind: str
    url: str


@dataclass(frozen=True)
class DocumentState:
    """A document as a check starts: its HTTP validators and its latest version."""

    etag: str | None
    last_modified: str | None
    latest_number: int | None
    latest_sha256: str | None
    fingerprint: str | None = None  # of the last page read in full...
    fingerprint_sha256: str | None = None  # ...and the sha256 of the text it gave


@dataclass(frozen=True)
class Observation:
    """One document's check result, ready to be stored in one transaction."""

    document_id: str
    outcome: str  # new | changed | unchanged | failed
    checked_at: datetime
    http_status: int | None = None
    error: str | None = None
    text: str | None = None  # normalized text, for new/changed
    raw: bytes | None = None  # page as fetched, for new/changed
    content_type: str | None = None
    url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    comparison: Comparison | None = None  # old → new, for changed
    duration_ms: int | None = None
    source: str = "live"
    notify: bool = True  # queue an outbox event for the change (backfill: only with --notify)
    suspect_sha256: str | None = None  # failed because the quality gate held this text back
    reverts_to: int | None = None  # the text is that of this earlier version: a flip back, not news
    fingerprint: tuple[str, str] | None = None  # (page fingerprint, sha256 of its text) after a full read
    packed: tuple[Packed, ...] = ()  # text, then raw page, already packed by a worker (record_new)


@dataclass(frozen=True)
class CaptureRecord:
    """One archived capture `backfill` looked at, and what became of it."""

    document_id: str
    timestamp: str  # 14 digits, the archive's key
    captured_at: datetime
    outcome: str  # imported | skipped (duplicate is decided by the store)
    digest: str | None = None
    reason: str | None = None


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- opening -------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Store:
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create its folder: {exc}") from None
        engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate)
        store = cls(engine)
        try:
            migrations.upgrade(engine)
        except OperationalError as exc:
            raise StoreError(f"{path}: not a usable policy-monitor database ({exc.orig})") from None
        return store

    def close(self) -> None:
        self.engine.dispose()

    def schema_version(self) -> int:
        with Session(self.engine) as session:
            return session.get(SchemaInfo, 1).version

    # --- writes --------------------------------------------------------------------------------
    def sync_documents(self, documents: list[DocumentInfo]) -> None:
        """Create or update watched documents; a moved URL keeps its history (it hangs on the id)."""
        now = utcnow()
        with Session(self.engine) as session, session.begin():
            existing = {row.id: row for row in session.exec(select(Document))}
            for info in documents:
                row = existing.get(info.id)
                if row is None:
                    session.add(Document(**info.__dict__, created_at=now))
                    continue
                if row.url != info.url:
                    row.etag = row.last_modified = None  # validators belong to the old URL
                if (row.url, row.vendor_name, row.kind) != (info.url, info.vendor_name, info.kind):
                    row.url, row.vendor_name, row.kind = info.url, info.vendor_name, info.kind

    def start_run(self, kind: str) -> int:
        with Session(self.engine) as session, session.begin():
            run = Run(kind=kind, started_at=utcnow(), pid=os.getpid())
            session.add(run)
            session.flush()
            return run.id

    def mark_interrupted_runs(self) -> int:
        """Runs left 'running' by a process that died (killed, rebooted). Call while holding the run lock."""
        with Session(self.engine) as session, session.begin():
            stale = list(session.exec(select(Run).where(Run.status == "running")))
            for run in stale:
                run.status = "interrupted"
            return len(stale)

    def finish_run(self, run_id: int, counts: dict[str, int]) -> None:
        status = "partial" if counts.get("failed") else "ok"
        with Session(self.engine) as session, session.begin():
            run = session.get(Run, run_id)
            run.finished_at = utcnow()
            run.status = status
            for key in ("new", "changed", "unchanged", "failed"):
                setattr(run, key, counts.get(key, 0))

    def record(self, run_id: int, obs: Observation) -> int | None:
        """Store one document's result in one transaction; returns the new version number, if any.

        The common outcomes (unchanged, failed) are plain UPDATE/INSERT statements: a run of hundreds
        of documents spends its time fetching, not building ORM objects.
        """
        if obs.outcome in ("unchanged", "failed"):
            return self._record_plain(run_id, obs)
        with Session(self.engine) as session, session.begin():
            latest = session.exec(
                select(Version.id, Version.number, Version.sha256)
                .where(Version.document_id == obs.document_id)
                .order_by(Version.number.desc())
                .limit(1)
            ).first()
            if obs.outcome in ("new", "changed") and latest is not None and obs.text is not None \
                    and latest.sha256 == sha256(obs.text.encode("utf-8")):
                # An overlapping run stored this very text since we looked: not a second version.
                obs = replace(obs, outcome="unchanged", comparison=None)
            number = None
            if obs.outcome in ("new", "changed"):
                number = self._add_version(session, obs, latest.number if latest else None)
            elif obs.outcome == "unchanged" and latest is not None:
                session.execute(sa_update(Version).where(Version.id == latest.id).values(last_seen=obs.checked_at))
            if session.execute(_document_update(obs)).rowcount != 1:
                raise StoreError(f"document {obs.document_id!r} is not in the database")
            session.execute(
                sa_insert(Check).values(
                    run_id=run_id,
                    document_id=obs.document_id,
                    checked_at=obs.checked_at,
                    outcome=obs.outcome,
                    http_status=obs.http_status,
                    error=obs.error,
                    version_number=number or (latest.number if latest else None),
                    duration_ms=obs.duration_ms,
                    suspect_sha256=obs.suspect_sha256,
                )
            )
            return number

    def _record_plain(self, run_id: int, obs: Observation) -> None:
        """unchanged / failed: three prebuilt statements in one transaction, no ORM objects."""
        params = {"document": obs.document_id, "at": obs.checked_at}
        with self.engine.begin() as conn:
            if obs.outcome == "unchanged":
                conn.execute(_TOUCH_LATEST, params)
            plain = obs.outcome == "unchanged" and obs.etag is None and obs.last_modified is None and obs.fingerprint is None
            # Most checks take the prebuilt statement; the others build theirs.
            updated = conn.execute(_TOUCH_DOCUMENT, params) if plain else conn.execute(_document_update(obs))
            if updated.rowcount != 1:
                raise StoreError(f"document {obs.document_id!r} is not in the database")
            conn.execute(
                _INSERT_CHECK,
                params | {
                    "run": run_id, "outcome": obs.outcome, "status": obs.http_status, "error": obs.error,
                    "ms": obs.duration_ms, "suspect": obs.suspect_sha256,
                },
            )
        return None

    def record_new(self, run_id: int, obs: Observation) -> int | None:
        """`record` for a document's first version, in prebuilt statements with blobs packed by a worker.

        A first run stores every page: the ORM's per-object work and the compression on the event
        loop were most of its time. Anything unusual (another run stored a version meanwhile, no
        packed blobs) takes the ordinary path.
        """
        if obs.outcome != "new" or obs.text is None or not obs.packed:
            return self.record(run_id, obs)
        text_blob, raw_blob = obs.packed[0], (obs.packed[1] if len(obs.packed) > 1 else None)
        with self.engine.begin() as conn:
            if conn.execute(_HAS_VERSION, {"document": obs.document_id}).first() is None:
                self._insert_first_version(conn, run_id, obs, text_blob, raw_blob)
                return 1
        return self.record(run_id, obs)

    @staticmethod
    def _insert_first_version(conn, run_id: int, obs: Observation, text_blob: Packed, raw_blob: Packed | None) -> None:  # noqa: ANN001
        at = {"document": obs.document_id, "at": obs.checked_at}
        conn.execute(_INSERT_BLOB, [b.as_row() for b in (text_blob, raw_blob) if b is not None])
        conn.execute(_INSERT_VERSION, at | {
            "sha": text_blob.sha256, "raw": raw_blob.sha256 if raw_blob else None,
            "type": obs.content_type, "url": obs.url or "", "source": obs.source,
        })
        fingerprint = obs.fingerprint or (None, None)
        document = at | {"etag": obs.etag, "modified": obs.last_modified, "page": fingerprint[0], "page_sha": fingerprint[1]}
        if conn.execute(_FIRST_VERSION_DOCUMENT, document).rowcount != 1:
            raise StoreError(f"document {obs.document_id!r} is not in the database")
        conn.execute(_INSERT_CHECK, at | {
            "run": run_id, "outcome": "new", "status": obs.http_status, "error": None,
            "ms": obs.duration_ms, "suspect": None,
        })

    def record_unchanged_many(self, run_id: int, observations: list[Observation]) -> None:
        """Many plain unchanged checks (no validators, no fingerprint: `_record_plain`'s prebuilt case)
        in one transaction, each statement run once for all of them."""
        rows = [
            {"document": o.document_id, "at": o.checked_at, "run": run_id, "outcome": "unchanged",
             "status": o.http_status, "error": None, "ms": o.duration_ms, "suspect": None}
            for o in observations
        ]
        with self.engine.begin() as conn:
            conn.execute(_TOUCH_LATEST, rows)
            if conn.execute(_TOUCH_DOCUMENT, rows).rowcount != len(rows):
                raise StoreError("a checked document is not in the database")
            conn.execute(_INSERT_CHECK, rows)

    def run_state(self) -> dict[str, DocumentState]:
        """What a check needs to know of every document before fetching, in one query."""
        latest = (
            select(Version.document_id, func.max(Version.number).label("number"))
            .group_by(Version.document_id)
            .subquery()
        )
        query = (
            select(
                Document.id, Document.etag, Document.last_modified, Version.number, Version.sha256,
                Document.page_fingerprint, Document.fingerprint_sha256,
            )
            .outerjoin(latest, latest.c.document_id == Document.id)
            .outerjoin(Version, (Version.document_id == Document.id) & (Version.number == latest.c.number))
        )
        with Session(self.engine) as session:
            return {row[0]: DocumentState(*row[1:]) for row in session.exec(query)}

    def _add_version(self, session: Session, obs: Observation, latest_number: int | None) -> int:
        assert obs.text is not None
        text_bytes = obs.text.encode("utf-8")
        text_sha = _put_blob(session, text_bytes)
        raw_sha = _put_blob(session, obs.raw) if obs.raw is not None else None
        number = (latest_number + 1) if latest_number else 1
        session.add(
            Version(
                document_id=obs.document_id,
                number=number,
                sha256=text_sha,
                snapshot_sha256=raw_sha,
                content_type=obs.content_type,
                url=obs.url or "",
                source=obs.source,
                captured_at=obs.checked_at,
                first_seen=obs.checked_at,
                last_seen=obs.checked_at,
            )
        )
        if latest_number is not None and obs.comparison is not None:
            _add_change(
                session, obs.document_id, latest_number, number, obs.comparison, obs.checked_at,
                notify=obs.notify and obs.reverts_to is None, reverts_to=obs.reverts_to,
            )
        return number

    def record_capture(
        self,
        run_id: int,
        capture: CaptureRecord,
        obs: Observation | None,
        compare: Callable[[str, str], Comparison],
    ) -> tuple[str, int | None]:
        """Store one archived capture in one transaction; returns (outcome, version number).

        Versions stay numbered in time order: a capture older than stored versions is inserted
        before them and later numbers (and their changes) shift up by one. The change that spanned
        the gap is replaced by the two around the new version. A capture holding the same text as a
        neighbour only widens that version's first/last seen ("duplicate"). `compare` is the clause
        engine, passed in so the store stays free of it.
        """
        with Session(self.engine) as session, session.begin():
            done = session.exec(
                select(ArchiveCapture).where(
                    ArchiveCapture.document_id == capture.document_id, ArchiveCapture.timestamp == capture.timestamp
                )
            ).first()
            if done is not None:  # imported by an earlier run: idempotent
                return done.outcome, done.version_number
            outcome, number = capture.outcome, None
            if obs is not None and obs.text is not None:
                outcome, number = self._insert_in_time(session, obs, compare)
            session.add(
                ArchiveCapture(
                    document_id=capture.document_id,
                    timestamp=capture.timestamp,
                    digest=capture.digest,
                    captured_at=capture.captured_at,
                    outcome=outcome,
                    reason=capture.reason,
                    version_number=number,
                    recorded_at=utcnow(),
                )
            )
            return outcome, number

    def _insert_in_time(self, session: Session, obs: Observation, compare) -> tuple[str, int]:  # noqa: ANN001
        moment = obs.checked_at
        doc_versions = select(Version).where(Version.document_id == obs.document_id)
        # Only the neighbour before and the versions after: a backfill goes oldest first, so "after" is
        # the few live versions, and each capture costs the same however long the history grows.
        prev = session.exec(
            doc_versions.where(Version.captured_at <= moment).order_by(Version.captured_at.desc(), Version.number.desc()).limit(1)
        ).first()
        after = list(session.exec(doc_versions.where(Version.captured_at > moment).order_by(Version.number)))
        nxt = after[0] if after else None
        text_sha = sha256(obs.text.encode("utf-8"))
        if prev is not None and prev.sha256 == text_sha:
            prev.last_seen = max(aware(prev.last_seen), moment)
            return "duplicate", prev.number
        if nxt is not None and nxt.sha256 == text_sha:
            nxt.captured_at = nxt.first_seen = moment
            return "duplicate", nxt.number
        number = prev.number + 1 if prev else 1
        events = self._shift_up(session, obs.document_id, number, after) if nxt is not None else []
        _put_blob(session, obs.text.encode("utf-8"))
        raw_sha = _put_blob(session, obs.raw) if obs.raw is not None else None
        session.add(
            Version(
                document_id=obs.document_id, number=number, sha256=text_sha, snapshot_sha256=raw_sha,
                content_type=obs.content_type, url=obs.url or "", source=obs.source,
                captured_at=moment, first_seen=moment, last_seen=moment,
            )
        )
        session.flush()
        if prev is not None:
            _add_change(session, obs.document_id, prev.number, number, compare(self._text_in(session, prev.sha256), obs.text), moment, obs.notify)
        if nxt is not None:
            into_next = _add_change(
                session, obs.document_id, number, nxt.number, compare(obs.text, self._text_in(session, nxt.sha256)),
                aware(nxt.captured_at), notify=obs.notify and not events,
            )
            for event in events:
                event.change_id = into_next.id
        return "imported", number

    @staticmethod
    def _shift_up(session: Session, document_id: str, number: int, later: list[Version]) -> list[Outbox]:
        """Make room for version `number`: later versions and their changes move up by one.

        The change across the gap is replaced by the two around the new version; its outbox events
        (and their deliveries, sent or pending) are returned, to be re-pointed at the change into
        the same later version: an alert already queued or sent is never dropped.
        """
        events: list[Outbox] = []
        gap = session.exec(select(Change).where(Change.document_id == document_id, Change.to_version == number)).first()
        if gap is not None:
            events = list(session.exec(select(Outbox).where(Outbox.change_id == gap.id)))
            for event in events:
                event.change_id = None
            session.flush()
            session.delete(gap)
            session.flush()
        changes = session.exec(
            select(Change).where(Change.document_id == document_id, Change.to_version >= number).order_by(Change.to_version.desc())
        )
        for change in changes:  # highest first, so the unique (document, number) keys never collide
            change.from_version, change.to_version = change.from_version + 1, change.to_version + 1
            session.flush()
        for version in sorted(later, key=lambda v: v.number, reverse=True):
            version.number += 1
            session.flush()
        return events

    @staticmethod
    def _text_in(session: Session, sha: str) -> str:
        return zlib.decompress(session.get(Blob, sha).data).decode("utf-8")

    def version_with_text(self, document_id: str, sha: str) -> Version | None:
        """The latest version of this document holding exactly this text, if any."""
        with Session(self.engine) as session:
            query = (
                select(Version)
                .where(Version.document_id == document_id, Version.sha256 == sha)
                .order_by(Version.number.desc())
                .limit(1)
            )
            return session.exec(query).first()

    def recent_suspects(self, document_id: str, limit: int) -> list[str | None]:
        """suspect_sha256 of the document's last `limit` checks, newest first (None: not suspect)."""
        with Session(self.engine) as session:
            query = (
                select(Check.suspect_sha256)
                .where(Check.document_id == document_id)
                .order_by(Check.id.desc())
                .limit(limit)
            )
            return list(session.exec(query))

    def captures_seen(self, document_id: str) -> set[str]:
        """Timestamps of the captures `backfill` already looked at for this document."""
        with Session(self.engine) as session:
            return set(session.exec(select(ArchiveCapture.timestamp).where(ArchiveCapture.document_id == document_id)))

    # --- reads ---------------------------------------------------------------------------------
    def document(self, document_id: str) -> Document:
        with Session(self.engine) as session:
            doc = session.get(Document, document_id)
        if doc is None:
            raise UsageError(f"no document {document_id!r} in the database", "see `policy-monitor history` ids with `status`, or run `check` first")
        return doc

    def documents(self) -> list[Document]:
        with Session(self.engine) as session:
            return list(session.exec(select(Document).order_by(Document.id)))

    def latest_version(self, document_id: str) -> Version | None:
        with Session(self.engine) as session:
            return _latest(session, document_id)

    def versions(self, document_id: str) -> list[Version]:
        self.document(document_id)
        with Session(self.engine) as session:
            query = select(Version).where(Version.document_id == document_id).order_by(Version.captured_at, Version.number)
            return list(session.exec(query))

    def version(self, document_id: str, number: int | None = None) -> Version:
        self.document(document_id)
        with Session(self.engine) as session:
            if number is None:
                row = _latest(session, document_id)
            else:
                row = session.exec(
                    select(Version).where(Version.document_id == document_id, Version.number == number)
                ).first()
        if row is None:
            which = f"version {number}" if number is not None else "any version"
            raise UsageError(f"{document_id} has no {which}", f"see `policy-monitor history {document_id}`")
        return row

    def text(self, sha: str) -> str:
        return self.blob(sha).decode("utf-8")

    def blob(self, sha: str) -> bytes:
        with Session(self.engine) as session:
            row = session.get(Blob, sha)
        if row is None:
            raise StoreError(f"blob {sha} is missing from the database")
        return zlib.decompress(row.data)

    def changes(
        self,
        document_id: str | None = None,
        since: datetime | None = None,
        material: bool | None = None,
        category: str | None = None,
    ) -> list[Change]:
        query = select(Change).order_by(Change.detected_at, Change.id)
        if document_id is not None:
            self.document(document_id)
            query = query.where(Change.document_id == document_id)
        if since is not None:
            query = query.where(Change.detected_at >= since)
        if material is not None:
            query = query.where(Change.material == material)
        if category is not None:  # a JSON list of names: the quoted name is a prefilter in SQL, checked exactly below
            query = query.where(Change.categories.contains(json.dumps(category)))
        with Session(self.engine) as session:
            rows = list(session.exec(query))
        if category is not None:
            rows = [r for r in rows if category in json.loads(r.categories)]
        return rows

    def runs(self, limit: int = 10) -> list[Run]:
        with Session(self.engine) as session:
            return list(session.exec(select(Run).order_by(Run.id.desc()).limit(limit)))

    def checks(self, run_id: int) -> list[Check]:
        with Session(self.engine) as session:
            return list(session.exec(select(Check).where(Check.run_id == run_id).order_by(Check.id)))

    def blob_count(self) -> int:
        with Session(self.engine) as session:
            return session.exec(select(func.count()).select_from(Blob)).one()

    def integrity_check(self) -> str:
        with self.engine.connect() as conn:
            return conn.execute(text("PRAGMA integrity_check")).scalar_one()

    def iter_tables(self) -> Iterator[str]:
        return iter(sorted(SQLModel.metadata.tables))


# The statements of the most common outcome, built once (building them per call was most of its cost).
_LATEST_NUMBER = "(SELECT max(number) FROM version WHERE document_id = :document)"
_TOUCH_LATEST = text(
    f"UPDATE version SET last_seen = :at WHERE document_id = :document AND number = {_LATEST_NUMBER}"
).bindparams(bindparam("at", type_=UTCDateTime()))
_TOUCH_DOCUMENT = text(
    "UPDATE document SET last_checked_at = :at, last_outcome = 'unchanged', last_error = NULL,"
    " consecutive_failures = 0, failing_since = NULL WHERE id = :document"
).bindparams(bindparam("at", type_=UTCDateTime()))
_INSERT_CHECK = text(
    "INSERT INTO check_result (run_id, document_id, checked_at, outcome, http_status, error, version_number,"
    " duration_ms, suspect_sha256)"
    f" VALUES (:run, :document, :at, :outcome, :status, :error, {_LATEST_NUMBER}, :ms, :suspect)"
).bindparams(bindparam("at", type_=UTCDateTime()))


_HAS_VERSION = text("SELECT 1 FROM version WHERE document_id = :document LIMIT 1")
_INSERT_BLOB = text("INSERT INTO blob (sha256, size, data) VALUES (:sha256, :size, :data) ON CONFLICT (sha256) DO NOTHING")
_INSERT_VERSION = text(
    "INSERT INTO version (document_id, number, sha256, snapshot_sha256, content_type, url, source, captured_at,"
    " first_seen, last_seen) VALUES (:document, 1, :sha, :raw, :type, :url, :source, :at, :at, :at)"
).bindparams(bindparam("at", type_=UTCDateTime()))

# _document_update's statement for a first version, prebuilt.
_FIRST_VERSION_DOCUMENT = text(
    "UPDATE document SET last_checked_at = :at, last_outcome = 'new', last_error = NULL, consecutive_failures = 0,"
    " failing_since = NULL, etag = :etag, last_modified = :modified,"
    " page_fingerprint = coalesce(:page, page_fingerprint), fingerprint_sha256 = coalesce(:page_sha, fingerprint_sha256)"
    " WHERE id = :document"
).bindparams(bindparam("at", type_=UTCDateTime()))


def _document_update(obs: Observation):  # noqa: ANN202 - an UPDATE statement
    """The document's running state after one check: last outcome, failure streak, validators."""
    values: dict = {"last_checked_at": obs.checked_at, "last_outcome": obs.outcome}
    if obs.outcome == "failed":
        values.update(
            last_error=obs.error,
            consecutive_failures=Document.consecutive_failures + 1,
            failing_since=case((Document.failing_since.is_(None), obs.checked_at), else_=Document.failing_since),
        )
    else:
        values.update(last_error=None, consecutive_failures=0, failing_since=None)
        # A 200 without validators clears them; an unchanged text re-sent without them keeps the old ones.
        if obs.etag is not None or obs.last_modified is not None or obs.outcome != "unchanged":
            values.update(etag=obs.etag, last_modified=obs.last_modified)
        if obs.fingerprint is not None:
            values.update(page_fingerprint=obs.fingerprint[0], fingerprint_sha256=obs.fingerprint[1])
    return sa_update(Document).where(Document.id == obs.document_id).values(**values)


def _add_change(
    session: Session,
    document_id: str,
    from_n: int,
    to_n: int,
    cmp: Comparison,
    detected_at: datetime,
    notify: bool,
    reverts_to: int | None = None,
) -> Change:
    """A change row, and in the same transaction its outbox event: an alert is never lost."""
    change = Change(
        document_id=document_id,
        from_version=from_n,
        to_version=to_n,
        detected_at=detected_at,
        material=cmp.material,
        severity=cmp.severity,
        categories=json.dumps(list(cmp.categories)),
        direction=cmp.direction,
        reason=cmp.reason,
        clauses=json.dumps(cmp.to_dict()["clauses"], ensure_ascii=False),
        reverts_to=reverts_to,
    )
    session.add(change)
    session.flush()
    if notify:  # every severity: a target may ask for minor or noise too; routing filters at send time
        session.add(
            Outbox(created_at=utcnow(), kind="change", document_id=document_id, change_id=change.id, severity=cmp.severity, payload="{}")
        )
    return change


def _put_blob(session: Session, data: bytes) -> str:
    digest = sha256(data)
    if session.get(Blob, digest) is None:
        # Level 3: four times faster than the default on policy pages, for about 12% more bytes.
        session.add(Blob(sha256=digest, size=len(data), data=zlib.compress(data, 3)))
        session.flush()
    return digest


def _latest(session: Session, document_id: str) -> Version | None:
    query = select(Version).where(Version.document_id == document_id).order_by(Version.number.desc()).limit(1)
    return session.exec(query).first()


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API connection
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it to the first write,
    # so a read-then-write transaction could interleave with another run's writes).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer, a crash loses nothing committed
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: durable at checkpoints, never corrupt
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _begin_immediate(conn) -> None:  # noqa: ANN001 - SQLAlchemy connection
    # Take the write lock at the start: two overlapping runs serialize per transaction instead of
    # failing with "database is locked" halfway through one.
    conn.exec_driver_sql("BEGIN IMMEDIATE")
