"""The outbox and its deliveries: what notifications read and write (delivery/notify.py decides and sends).

Each mark is its own short transaction, written after the send: a crash between the two repeats that
one message on the next run, and drops nothing.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Callable

from sqlalchemy import func
from sqlmodel import select

from monitor.clock import aware, utcnow
from monitor.store import models as m
from monitor.store import records as r
from monitor.store.records import to_record


class OutboxMixin:
    def open_events(self) -> list[r.OutboxEvent]:
        """Outbox rows not yet closed, oldest first, with their document and change."""
        query = (
            select(m.Outbox, m.Change, m.Document)
            .join(m.Document, m.Document.id == m.Outbox.document_id)
            .join(m.Change, m.Change.id == m.Outbox.change_id, isouter=True)
            .where(m.Outbox.closed_at.is_(None))
            .order_by(m.Outbox.id)
        )
        with self._read() as session:
            return [
                r.OutboxEvent(
                    id=o.id, kind=o.kind, created_at=aware(o.created_at), severity=o.severity,
                    payload=json.loads(o.payload or "{}"), document=to_record(r.Document, d),
                    change=to_record(r.Change, c) if c is not None else None,
                )
                for o, c, d in session.exec(query)
            ]

    def ensure_deliveries(self, wanted: dict[int, list[str]]) -> None:
        """One delivery per (outbox id, target key) wanted; existing ones are kept as they are."""
        now = utcnow()
        with self._tx() as session:
            self._serialize(session)  # two workers routing one event make one delivery each target
            for outbox_id, keys in wanted.items():
                have = set(session.exec(select(m.Delivery.target_key).where(m.Delivery.outbox_id == outbox_id)))
                for key in keys:
                    if key not in have:
                        session.add(m.Delivery(outbox_id=outbox_id, target_key=key, updated_at=now))

    def pending_deliveries(self, target_key: str) -> list[r.Delivery]:
        query = (
            select(m.Delivery)
            .where(m.Delivery.target_key == target_key, m.Delivery.status == "pending")
            .order_by(m.Delivery.outbox_id)
        )
        with self._read() as session:
            return [to_record(r.Delivery, row) for row in session.exec(query)]

    def mark_delivery(self, delivery_id: int, error: str | None, max_attempts: int, retry_for: timedelta) -> str:
        """Record one send's outcome in its own transaction; returns the delivery's status.

        Given up only after `max_attempts` tries *and* `retry_for` since the event: a target down for a
        day or two (a few runs a day) still gets every alert when it comes back.
        """
        with self._tx() as session:
            row = session.get(m.Delivery, delivery_id, with_for_update=True)
            if row.status != "pending":  # an overlapping run settled it first
                return row.status
            row.attempts += 1
            row.updated_at = utcnow()
            if error is None:
                row.status, row.delivered_at, row.last_error = "delivered", row.updated_at, None
            else:
                row.last_error = error
                created = aware(session.get(m.Outbox, row.outbox_id).created_at)
                old_enough = row.updated_at - created >= retry_for
                row.status = "failed" if row.attempts >= max_attempts and old_enough else "pending"
            return row.status

    def close_settled(self, keys: set[str]) -> None:
        """Close open outbox rows with no pending delivery; deliveries to removed targets are given up."""
        now = utcnow()
        with self._tx() as session:
            self._serialize(session)
            for outbox in session.exec(select(m.Outbox).where(m.Outbox.closed_at.is_(None))):
                rows = list(session.exec(
                    select(m.Delivery).where(m.Delivery.outbox_id == outbox.id, m.Delivery.status == "pending")
                ))
                if any(d.target_key in keys for d in rows):
                    continue
                for orphan in rows:
                    orphan.status, orphan.last_error, orphan.updated_at = "failed", "target removed from the watchlist", now
                outbox.closed_at = now

    def count_pending(self, keys: set[str] | None = None) -> int:
        with self._read() as session:
            found = session.exec(select(m.Delivery.target_key).where(m.Delivery.status == "pending"))
            return sum(1 for k in found if keys is None or k in keys)

    def count_unrouted(self) -> int:
        """Open events with no delivery yet (no target wanted them, or no pass has run since)."""
        with self._read() as session:
            routed = select(m.Delivery.outbox_id)
            query = select(func.count()).select_from(m.Outbox).where(m.Outbox.closed_at.is_(None), m.Outbox.id.not_in(routed))
            return session.exec(query).one()

    def failed_deliveries(self, limit: int = 50) -> list[r.FailedDelivery]:
        """Deliveries given up, newest first."""
        query = (
            select(m.Delivery, m.Outbox)
            .join(m.Outbox, m.Outbox.id == m.Delivery.outbox_id)
            .where(m.Delivery.status == "failed")
            .order_by(m.Delivery.updated_at.desc(), m.Delivery.id.desc())
            .limit(limit)
        )
        with self._read() as session:
            return [
                r.FailedDelivery(to_record(r.Delivery, d), o.document_id, o.change_id, o.kind)
                for d, o in session.exec(query)
            ]

    def raise_incidents(self, decide: Callable[[r.Document, dict], dict | None]) -> int:
        """Queue the operational events `decide` asks for, given each document and its last incident payload.

        Read and write in one transaction: overlapping runs raise an incident once.
        """
        now = utcnow()
        raised = 0
        with self._tx() as session:
            self._serialize(session)
            # The latest operational event of every document, in one query rather than one per document.
            newest = (
                select(func.max(m.Outbox.id)).where(m.Outbox.kind == "operational").group_by(m.Outbox.document_id).scalar_subquery()
            )
            last = {o.document_id: o for o in session.exec(select(m.Outbox).where(m.Outbox.id.in_(newest)))}
            # Streamed: every document's row at once was the largest allocation at the end of a
            # 10,000-document run (bench/check_memory.py).
            for doc in session.exec(select(m.Document).execution_options(yield_per=500)):
                previous = json.loads(last[doc.id].payload) if doc.id in last else {}
                payload = decide(to_record(r.Document, doc), previous)
                if payload is not None:
                    raised += 1
                    session.add(
                        m.Outbox(
                            created_at=now, kind="operational", document_id=doc.id, change_id=None,
                            severity="operational", payload=json.dumps(payload, ensure_ascii=False),
                        )
                    )
        return raised
