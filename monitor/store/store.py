"""The store: every SQL statement policy-monitor runs, behind methods that take and return records.

SQLite (the embedded default, `sqlite.py`) or PostgreSQL (`postgres.py`), chosen by the URL given to
`Store.open`. Every write that belongs together is one transaction. Knows nothing of HTTP or parsing:
it takes values (`Observation`) and returns frozen records (`records.py`).

    store.py     opening, runs, one check's result
    reads.py     documents, versions, texts, changes, runs and checks, as records
    captures.py  archived captures put in time order (backfill)
    outbox.py    outbox events and their deliveries (notifications)
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import datetime
from typing import Callable, Iterator

from sqlalchemy import func, text
from sqlalchemy import insert as sa_insert
from sqlalchemy import update as sa_update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel, select

from monitor.clock import utcnow
from monitor.engine.result import Comparison
from monitor.errors import StoreError
from monitor.store import migrations, sql
from monitor.store.captures import CapturesMixin
from monitor.store.claims import LEASE_SECONDS, ClaimsMixin
from monitor.store.models import Check, Document, Run, SchemaInfo, Version
from monitor.store.outbox import OutboxMixin
from monitor.store.queries import sqlite_param, stored_time
from monitor.store.fast import FastPathMixin
from monitor.store.reads import ReadsMixin
from monitor.store.reviews import ReviewMethods
from monitor.store.records import (  # noqa: F401 - the store's API: callers import records from here
    CaptureRecord,
    DocumentInfo,
    DocumentState,
    NotFound,
    Observation,
)
from monitor.store.urls import backend_for

sha256 = sql.sha256  # kept importable from here (jobs hash texts the way the store keys blobs)


class Store(ReadsMixin, CapturesMixin, OutboxMixin, ClaimsMixin, ReviewMethods, FastPathMixin):
    def __init__(self, engine: Engine, backend=None) -> None:  # noqa: ANN001 - a backend from urls.py
        self.engine = engine
        self.backend = backend
        self.worker = f"{os.uname().nodename}:{os.getpid()}"

    # --- opening -------------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | os.PathLike[str], *, create: bool = True, migrate: bool = True,
             verify: bool | None = None) -> Store:
        """Open `sqlite:///path`, a bare path, or `postgresql://user@host/db`.

        `create=False` (query commands) refuses a missing or empty SQLite file instead of making a
        new database there. Migrating is its own step (`migrate`), run here unless told not to.
        `verify` (default: when the caller may write, `create`) runs the backend's check on open:
        SQLite's quick_check reads the whole file (0.17 s at 124 MiB), worth it before a run stores
        alerts, not before every query, which meets a damaged page as a one-line "corrupt" anyway.
        """
        backend = backend_for(url)
        if not create and not backend.exists():
            raise StoreError(
                f"{backend.label}: no policy-monitor database there (missing or empty)",
                "check --db / settings.database, or run `policy-monitor check` to create one",
            )
        engine = backend.engine()
        store = cls(engine, backend)
        if create if verify is None else verify:
            backend.check_on_open(engine)
        if migrate:
            store.migrate()
        return store

    def migrate(self) -> int:
        """Bring the schema to this program's version in place (see migrations.py); returns it."""
        with self._faults():
            return migrations.upgrade(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    @property
    def label(self) -> str:
        """The database as it may be printed: a path, or a URL without its password."""
        return self.backend.label if self.backend is not None else str(self.engine.url)

    def schema_version(self) -> int:
        with self._read() as session:
            return session.get(SchemaInfo, 1).version

    def run_lock(self, wait: float = 0.0, shared: bool = False) -> AbstractContextManager[None]:
        """One run at a time on SQLite (a lock file). On PostgreSQL `check` takes it `shared` (workers
        join one run) and `backfill` alone, so a backfill never interleaves with checks."""
        return self.backend.run_lock(wait, self.engine, shared=shared)

    def run_in_progress(self) -> bool:
        return self.backend.run_in_progress(self.engine)

    def integrity_check(self) -> str:
        return self.backend.integrity_check(self.engine)

    def iter_tables(self) -> Iterator[str]:
        return iter(sorted(SQLModel.metadata.tables))

    # --- sessions: every database fault leaves here as one line -------------------------------------
    @contextmanager
    def _faults(self) -> Iterator[None]:
        try:
            yield
        except DBAPIError as exc:
            if self.backend is None:
                raise
            error = self.backend.translate(exc)
            if error is not None:
                raise error from None
            # Not a fault we know: still one line, never the SQL and its parameters (--debug shows the chain).
            orig = getattr(exc, "orig", exc)
            first = (str(orig).strip().splitlines() or [""])[0]
            raise StoreError(f"{self.label}: database error: {type(orig).__name__}: {first}") from exc

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._faults(), Session(self.engine) as session, session.begin():
            yield session

    def _serialize(self, session: Session) -> None:
        """Workers sharing a PostgreSQL database take turns for this transaction (SQLite: one writer anyway)."""
        if self.backend.shared:
            from monitor.store.postgres import COORDINATION_KEY

            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": COORDINATION_KEY})

    def _select(self, sql: str, **params: object) -> list[dict]:
        """queries.py's statements, through the engine (SQLite: times as the text it stores)."""
        if self.backend is not None and self.backend.name == "sqlite":
            params = {k: sqlite_param(v) for k, v in params.items()}
        else:
            params = {k: stored_time(v) if isinstance(v, datetime) else v for k, v in params.items()}
        with self._faults(), self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(text(sql), params)]

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._faults(), Session(self.engine) as session:
            yield session

    # --- documents and runs --------------------------------------------------------------------
    def sync_documents(self, documents: list[DocumentInfo]) -> None:
        """Create or update watched documents; a moved URL keeps its history (it hangs on the id)."""
        now = utcnow()
        with self._tx() as session:
            self._serialize(session)  # workers starting together register each new document once
            # In chunks, reading only the compared columns: 10,000 ORM rows at once were the largest
            # transient allocation of a large run (bench/check_memory.py).
            for start in range(0, len(documents), SYNC_CHUNK):
                _sync_chunk(session, documents[start:start + SYNC_CHUNK], now)

    def start_run(self, kind: str) -> int:
        with self._tx() as session:
            run = Run(kind=kind, started_at=utcnow(), pid=os.getpid())
            session.add(run)
            session.flush()
            return run.id

    def mark_interrupted_runs(self) -> int:
        """Runs left 'running' by a process that died (killed, rebooted). Call while holding the run lock."""
        with self._tx() as session:
            query = select(Run).where(Run.status == "running")
            if self.backend.shared:  # a shared run with a live worker is running, not stale
                self._serialize(session)
                dead = text(
                    "NOT EXISTS (SELECT 1 FROM worker WHERE worker.run_id = run.id AND heartbeat_at > now() - make_interval(secs => :lease))"
                ).bindparams(lease=LEASE_SECONDS)
                query = query.where(dead)
            stale = list(session.exec(query))
            for run in stale:
                run.status = "interrupted"
            return len(stale)

    def finish_run(self, run_id: int, counts: dict[str, int]) -> None:
        status = "partial" if counts.get("failed") else "ok"
        with self._tx() as session:
            run = session.get(Run, run_id)
            run.finished_at = utcnow()
            run.status = status
            for key in ("new", "changed", "unchanged", "failed"):
                setattr(run, key, counts.get(key, 0))

    def fail_run(self, run_id: int, error: str) -> None:
        """A run stopped by a database fault: recorded as failed with its one line, when the database lets us."""
        try:
            with self._tx() as session:
                session.execute(
                    sa_update(Run).where(Run.id == run_id).values(status="failed", finished_at=utcnow(), error=error[:500])
                )
        except StoreError:
            pass  # the disk is still full: the next run marks it interrupted, as for a killed one

    # --- one check's result --------------------------------------------------------------------
    def record(self, run_id: int, obs: Observation, compare: Callable[[str, str], Comparison] | None = None) -> int | None:
        """Store one document's result in one transaction; returns the new version number, if any.

        When another writer stored a different version since `obs` was compared (its `base_sha256`),
        the change is computed again, with `compare` (the clause engine), against the version it follows.

        The common outcomes (unchanged, failed) are plain UPDATE/INSERT statements: a run of hundreds
        of documents spends its time fetching, not building ORM objects.
        """
        if obs.outcome in ("unchanged", "failed"):
            return self._record_plain(run_id, obs)
        with self._tx() as session:
            latest = session.exec(
                select(Version.id, Version.number, Version.sha256)
                .where(Version.document_id == obs.document_id)
                .order_by(Version.number.desc())
                .limit(1)
            ).first()
            if latest is not None and obs.text is not None and latest.sha256 == sha256(obs.text.encode("utf-8")):
                # An overlapping run stored this very text since we looked: not a second version.
                obs = replace(obs, outcome="unchanged", comparison=None)
            elif latest is not None and obs.text is not None and compare is not None and latest.sha256 != obs.base_sha256:
                previous = sql.text_in(session, latest.sha256)
                obs = replace(obs, outcome="changed", comparison=compare(previous, obs.text), reverts_to=None)
            number = None
            if obs.outcome in ("new", "changed"):
                number = self._add_version(session, obs, latest.number if latest else None)
            elif obs.outcome == "unchanged" and latest is not None:
                session.execute(sa_update(Version).where(Version.id == latest.id).values(last_seen=obs.checked_at))
            if session.execute(sql.document_update(obs)).rowcount != 1:
                raise NotFound(f"document {obs.document_id!r} is not in the database", "document", obs.document_id)
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
                    suspect_kind=obs.suspect_kind,
                    worker=self.worker,
                )
            )
            if self.backend.shared:
                self._claim_done(session, run_id, obs.document_id)
            return number

    def _record_plain(self, run_id: int, obs: Observation) -> None:
        """unchanged / failed: three prebuilt statements in one transaction, no ORM objects."""
        params = {"document": obs.document_id, "at": obs.checked_at}
        with self._faults(), self.engine.begin() as conn:
            if obs.outcome == "unchanged":
                conn.execute(sql.TOUCH_LATEST, params)
            plain = obs.outcome == "unchanged" and obs.etag is None and obs.last_modified is None and obs.fingerprint is None
            # Most checks take the prebuilt statement; the others build theirs.
            updated = conn.execute(sql.TOUCH_DOCUMENT, params) if plain else conn.execute(sql.document_update(obs))
            if updated.rowcount != 1:
                raise NotFound(f"document {obs.document_id!r} is not in the database", "document", obs.document_id)
            conn.execute(
                sql.INSERT_CHECK,
                params | {
                    "run": run_id, "outcome": obs.outcome, "status": obs.http_status, "error": obs.error,
                    "ms": obs.duration_ms, "suspect": obs.suspect_sha256, "kind": obs.suspect_kind,
                    "worker": self.worker,
                },
            )
            if self.backend.shared:
                self._claim_done(conn, run_id, obs.document_id)
        return None

    def _add_version(self, session: Session, obs: Observation, latest_number: int | None) -> int:
        number = (latest_number + 1) if latest_number else 1
        sql.add_version(session, obs, number)
        if latest_number is not None and obs.comparison is not None:
            sql.add_change(
                session, obs.document_id, latest_number, number, obs.comparison, obs.checked_at,
                notify=obs.notify and (obs.reverts_to is None or obs.comparison.material), reverts_to=obs.reverts_to,
            )
        return number

    def run_state(self, keys: list[str] | None = None) -> dict[str, DocumentState]:
        """What a check needs to know of every document (or of those in `keys`) before fetching, in one query."""
        latest = select(Version.document_id, func.max(Version.number).label("number"))
        if keys is not None:
            latest = latest.where(Version.document_id.in_(keys))
        latest = latest.group_by(Version.document_id).subquery()
        query = (
            select(
                Document.id, Document.etag, Document.last_modified, Version.number, Version.sha256,
                Document.page_fingerprint, Document.fingerprint_sha256,
            )
            .outerjoin(latest, latest.c.document_id == Document.id)
            .outerjoin(Version, (Version.document_id == Document.id) & (Version.number == latest.c.number))
        )
        if keys is not None:
            query = query.where(Document.id.in_(keys))
        with self._read() as session:
            return {row[0]: DocumentState(*row[1:]) for row in session.exec(query)}

    def recent_suspects(self, document_id: str, limit: int) -> list[str | None]:
        """suspect_sha256 of the document's last `limit` checks, newest first (None: not suspect)."""
        with self._read() as session:
            query = select(Check.suspect_sha256).where(Check.document_id == document_id).order_by(Check.id.desc()).limit(limit)
            return list(session.exec(query))


SYNC_CHUNK = 500  # documents registered per query; well under SQLite's limit on bound parameters


def _sync_chunk(session: Session, chunk: list[DocumentInfo], now) -> None:  # noqa: ANN001
    known = {row[0]: tuple(row[1:]) for row in session.execute(
        select(Document.id, Document.url, Document.vendor_name, Document.kind).where(Document.id.in_([i.id for i in chunk]))
    )}
    for info in chunk:
        old = known.get(info.id)
        if old is None:
            session.add(Document(**info.__dict__, created_at=now))
        elif old != (info.url, info.vendor_name, info.kind):
            values = {"url": info.url, "vendor_name": info.vendor_name, "kind": info.kind}
            if old[0] != info.url:
                values.update(etag=None, last_modified=None)  # validators belong to the old URL
            session.execute(sa_update(Document).where(Document.id == info.id).values(**values))
    session.flush()
    session.expunge_all()
