"""Review decisions on changes: who decided what, when, with a note. Every decision is kept (the
last one is the change's state), so the record shows an auditor the whole story.

A decision hangs on its change: (document, to_version), "the change into version N". A backfill that
inserts an older capture renumbers later versions; `shift_reviews` moves the decisions with them, in
the same transaction, as the outbox events are moved: a decision is never lost or re-attached to
another change by a later run.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Index, func, text
from sqlmodel import Field, Session, SQLModel, select

from monitor.clock import utcnow
from monitor.errors import StoreError, UsageError
from monitor.store.models import Blob
from monitor.report.records import REVIEW_STATES, change_keys


class Review(SQLModel, table=True):
    __tablename__ = "review"
    __table_args__ = (Index("ix_review_change", "document_id", "to_version"),)
    id: int | None = Field(default=None, primary_key=True)
    document_id: str = Field(foreign_key="document.id")
    to_version: int  # the change into this version
    status: str  # reviewed | acknowledged | dismissed
    note: str = ""
    decided_by: str
    decided_at: datetime


def shift_reviews(session: Session, document_id: str, number: int) -> None:
    """Versions from `number` on move up by one: so do the decisions on the changes into them."""
    session.execute(
        text("UPDATE review SET to_version = to_version + 1 WHERE document_id = :d AND to_version >= :n"),
        {"d": document_id, "n": number},
    )


class ReviewMethods:
    """Store methods for reviews and the report's reads (mixed into `Store`)."""

    engine = None  # set by Store

    def record_review(self, document_id: str, to_version: int, status: str, by: str, note: str = "",
                      at: datetime | None = None) -> Review:
        if status not in REVIEW_STATES:
            raise UsageError(f"unknown review status {status!r}", f"use one of: {', '.join(REVIEW_STATES)}")
        with Session(self.engine) as session, session.begin():
            from monitor.store.models import Change

            change = session.exec(
                select(Change.id).where(Change.document_id == document_id, Change.to_version == to_version)
            ).first()
            if change is None:
                raise UsageError(
                    f"{document_id} has no change into version {to_version}",
                    f"see `policy-monitor changes {document_id}` for its changes",
                )
            row = Review(document_id=document_id, to_version=to_version, status=status, note=note,
                         decided_by=by, decided_at=at or utcnow())
            session.add(row)
            session.flush()
            session.expunge(row)
            return row

    def change_keys(self, document_id: str | None = None) -> dict[tuple[str, int], str]:
        """The report's permalink name of the change into each version (see monitor.report.records)."""
        from monitor.store.models import Version

        query = select(Version.document_id, Version.number, Version.sha256)
        if document_id is not None:
            query = query.where(Version.document_id == document_id)
        with Session(self.engine) as session:
            return change_keys(session.exec(query))

    def blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """Many blobs in one query (the report reads a document's texts and snapshots together)."""
        wanted = sorted(set(shas))
        out: dict[str, bytes] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):  # SQLite's bound-parameter limit
                chunk = wanted[start:start + 500]
                rows = conn.execute(select(Blob.sha256, Blob.data).where(Blob.sha256.in_(chunk)))
                out.update((sha, zlib.decompress(data)) for sha, data in rows)
        missing = [sha for sha in wanted if sha not in out]
        if missing:
            raise StoreError(f"blob {missing[0]} is missing from the database")
        return out

    def review_count(self) -> int:
        with Session(self.engine) as session:
            return session.exec(select(func.count()).select_from(Review)).one()
