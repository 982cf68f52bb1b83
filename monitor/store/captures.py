"""Archived captures (backfill): each one stored in time order, once, in one transaction."""

from __future__ import annotations

from typing import Callable

from sqlmodel import Session, select

from monitor.clock import aware, utcnow
from monitor.engine.result import Comparison
from monitor.store.models import ArchiveCapture, Change, Outbox, Version
from monitor.store.records import CaptureRecord, Observation
from monitor.store.reviews import shift_reviews
from monitor.store.sql import add_change, add_version, sha256, text_in


class CapturesMixin:
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
        with self._tx() as session:
            done = session.exec(
                select(ArchiveCapture).where(
                    ArchiveCapture.document_id == capture.document_id, ArchiveCapture.timestamp == capture.timestamp
                )
            ).first()
            if done is not None and not judged_again(done):  # imported by an earlier run: idempotent
                return done.outcome, done.version_number
            if done is not None:  # held back by the quality gate before: this run's verdict replaces it
                session.delete(done)
                session.flush()
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
        add_version(session, obs, number)
        session.flush()
        if prev is not None:
            add_change(session, obs.document_id, prev.number, number, compare(text_in(session, prev.sha256), obs.text), moment, obs.notify)
        if nxt is not None:
            into_next = add_change(
                session, obs.document_id, number, nxt.number, compare(obs.text, text_in(session, nxt.sha256)),
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
        shift_reviews(session, document_id, number)  # a decision follows its change
        return events


def judged_again(capture: ArchiveCapture) -> bool:
    """A capture the gate held back for a reason that can be real ("held"): a later backfill, which
    sees the captures after it, judges it again."""
    return capture.outcome == "held"
