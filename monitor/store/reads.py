"""Reads: documents, versions, texts, changes, runs and checks, as frozen records (records.py)."""

from __future__ import annotations

import json

import zlib
from datetime import datetime

from sqlalchemy import func
from sqlmodel import select

from monitor.store import models as m
from monitor.store import records as r
from monitor.store.records import NotFound, to_record
from monitor.store.sql import latest_version


class ReadsMixin:
    def document(self, document_id: str) -> r.Document:
        with self._read() as session:
            row = session.get(m.Document, document_id)
            if row is None:
                raise NotFound(f"no document {document_id!r} in the database", "document", document_id)
            return to_record(r.Document, row)

    def documents(self) -> list[r.Document]:
        with self._read() as session:
            return [to_record(r.Document, row) for row in session.exec(select(m.Document).order_by(m.Document.id))]

    def latest_version(self, document_id: str) -> r.Version | None:
        with self._read() as session:
            row = latest_version(session, document_id)
            return to_record(r.Version, row) if row is not None else None

    def versions(self, document_id: str) -> list[r.Version]:
        self.document(document_id)
        with self._read() as session:
            query = select(m.Version).where(m.Version.document_id == document_id).order_by(m.Version.captured_at, m.Version.number)
            return [to_record(r.Version, row) for row in session.exec(query)]

    def version(self, document_id: str, number: int | None = None) -> r.Version:
        self.document(document_id)
        with self._read() as session:
            if number is None:
                row = latest_version(session, document_id)
            else:
                row = session.exec(
                    select(m.Version).where(m.Version.document_id == document_id, m.Version.number == number)
                ).first()
            if row is None:
                which = f"version {number}" if number is not None else "version yet"
                raise NotFound(f"{document_id} has no {which}", "version", document_id)
            return to_record(r.Version, row)

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

    def text(self, sha: str) -> str:
        return self.blob(sha).decode("utf-8")

    def blob(self, sha: str) -> bytes:
        with self._read() as session:
            row = session.get(m.Blob, sha)
            if row is None:
                raise NotFound(f"blob {sha} is missing from the database", "blob")
            return zlib.decompress(row.data)

    def changes(
        self,
        document_id: str | None = None,
        since: datetime | None = None,
        material: bool | None = None,
        category: str | None = None,
    ) -> list[r.Change]:
        query = select(m.Change).order_by(m.Change.detected_at, m.Change.id)
        if document_id is not None:
            self.document(document_id)
            query = query.where(m.Change.document_id == document_id)
        if since is not None:
            query = query.where(m.Change.detected_at >= since)
        if material is not None:
            query = query.where(m.Change.material == material)
        if category is not None:  # a JSON list of names: the quoted name is a prefilter in SQL, checked exactly below
            query = query.where(m.Change.categories.contains(json.dumps(category)))
        with self._read() as session:
            rows = [to_record(r.Change, row) for row in session.exec(query)]
        if category is not None:
            rows = [c for c in rows if category in c.categories]
        return rows

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
