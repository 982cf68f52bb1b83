"""The store's other reads (latest version, runs, checks, captures...), as frozen records.

The query commands' reads (documents, versions, texts, changes, reviews) are in queries.py, in
plain SQL, so that `Reader` runs them without SQLAlchemy.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from monitor.store import models as m
from monitor.store import records as r
from monitor.store.queries import QueryReads
from monitor.store.records import to_record
from monitor.store.sql import latest_version


class ReadsMixin(QueryReads):
    def latest_version(self, document_id: str) -> r.Version | None:
        with self._read() as session:
            row = latest_version(session, document_id)
            return to_record(r.Version, row) if row is not None else None

    def version_with_text(self, document_id: str, sha: str) -> r.Version | None:
        """The latest version of this document holding exactly this text, if any."""
        with self._read() as session:
            query = (
                select(m.Version)
                .where(m.Version.document_id == document_id, m.Version.sha256 == sha)
                .order_by(m.Version.number.desc())
                .limit(1)
            )
            row = session.exec(query).first()
            return to_record(r.Version, row) if row is not None else None

    def runs(self, limit: int = 10) -> list[r.Run]:
        with self._read() as session:
            return [to_record(r.Run, row) for row in session.exec(select(m.Run).order_by(m.Run.id.desc()).limit(limit))]

    def checks(self, run_id: int) -> list[r.Check]:
        with self._read() as session:
            query = select(m.Check).where(m.Check.run_id == run_id).order_by(m.Check.id)
            return [to_record(r.Check, row) for row in session.exec(query)]

    def blob_count(self) -> int:
        with self._read() as session:
            return session.exec(select(func.count()).select_from(m.Blob)).one()

    def captures_seen(self, document_id: str) -> set[str]:
        """Timestamps of the captures `backfill` already settled for this document. A capture the
        quality gate held back is not settled: the captures after it may yet show it was real."""
        with self._read() as session:
            query = select(m.ArchiveCapture.timestamp).where(
                m.ArchiveCapture.document_id == document_id, m.ArchiveCapture.outcome != "held"
            )
            return set(session.exec(query))

    def flip_back_told(self, document_id: str, sha: str) -> bool:
        """Whether a flip back to this text was already reported as material (it is told once)."""
        with self._read() as session:
            query = (
                select(m.Change.id)
                .join(m.Version, (m.Version.document_id == m.Change.document_id) & (m.Version.number == m.Change.to_version))
                .where(m.Change.document_id == document_id, m.Change.reverts_to.is_not(None), m.Change.material.is_(True))
                .where(m.Version.sha256 == sha)
                .limit(1)
            )
            return session.exec(query).first() is not None
