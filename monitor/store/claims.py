"""Shared runs: several `check` processes, on one or several machines, share one run on PostgreSQL.

    check ─► check_run(keys): join the running run (a worker of it is alive) or start one, with one
             run_claim row per document ─► drive(): claim free documents (FOR UPDATE SKIP LOCKED, with
             a lease), check them, renew the leases while alive ─► record() marks the claim done in the
             document's own transaction; the run ends in the transaction that stores its last document.

Why rows and SKIP LOCKED rather than a job queue (procrastinate, pgqueuer): a run is a set of documents
known up front, each claimed once and finished in the same transaction as its result; a queue would
add its own tables, a daemon and a second transaction per document, and still need this table to
know when the run ends. Leases use the server's clock (`now()`), so machines' clocks may differ.

A worker killed with SIGKILL stops renewing: its documents are claimed again once the lease runs
out, by the workers still running (they wait for it), or by the next run. On SQLite a run is the
process holding the lock file: `drive` checks every document itself, as before.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager, contextmanager
from typing import AsyncIterator, Iterator

from sqlalchemy import text

from monitor.errors import StoreError
from monitor.store import records as r
from monitor.store.records import to_record

LEASE_SECONDS = float(os.environ.get("POLICY_MONITOR_LEASE_SECONDS", "30"))
SLOT_POLL_SECONDS = 0.02


class CheckRun:
    """The run this process takes part in; `drive` hands it documents, `finish` closes its part."""

    def __init__(self, store, run_id: int, keys: list[str], joined: bool) -> None:  # noqa: ANN001
        self.store, self.run_id, self.keys, self.joined = store, run_id, keys, joined
        self.shared = store.backend.shared
        self.checked = 0

    async def drive(self, check_one: Callable[[str], Awaitable[None]], concurrency: int,
                    local: Callable[[], Awaitable[None]] | None = None) -> None:
        """Check this process's documents; a database fault (disk full...) fails the run with its one line.

        Not shared (SQLite), `local()` checks them all when given (the job's own scheduling, e.g. per-host
        lanes), else every document at once."""
        try:
            if not self.shared:
                await (local() if local is not None else asyncio.gather(*(check_one(key) for key in self.keys)))
                return
            heartbeat = asyncio.create_task(self._beat())
            try:
                await self._claim_loop(check_one, concurrency)
            finally:
                heartbeat.cancel()
        except StoreError as exc:
            self.store.fail_run(self.run_id, exc.message)
            raise

    async def _claim_loop(self, check_one: Callable[[str], Awaitable[None]], concurrency: int) -> None:
        in_flight: set[asyncio.Task] = set()

        async def counted(key: str) -> None:
            await check_one(key)
            self.checked += 1

        while True:
            free = concurrency - len(in_flight)
            claimed = await asyncio.to_thread(self.store.claim_documents, self.run_id, free, self.keys) if free else []
            in_flight |= {asyncio.create_task(counted(key)) for key in claimed}
            if in_flight:
                done, in_flight = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    task.result()  # a store fault stops this worker, as it stops a run
                continue
            wait = await asyncio.to_thread(self.store.next_lease_expiry, self.run_id, self.keys)
            if wait is None:
                return  # every document of the run is stored
            # Documents held by other workers: done when they finish, or ours once their lease runs out.
            await asyncio.sleep(min(max(wait, 0.05), 1.0))

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(LEASE_SECONDS / 3)
            await asyncio.to_thread(self.store.heartbeat, self.run_id, self.checked)

    def finish(self, counts: dict[str, int]) -> None:
        if not self.shared:
            self.store.finish_run(self.run_id, counts)
            return
        self.store.heartbeat(self.run_id, self.checked)
        self.store.finish_shared_run(self.run_id)


class ClaimsMixin:
    def check_run(self, keys: list[str]) -> CheckRun:
        """Start a check run, or on PostgreSQL join the one running now (see the module docstring)."""
        if not self.backend.shared:
            return CheckRun(self, self.start_run("check"), list(keys), joined=False)
        lease = {"lease": LEASE_SECONDS}
        with self._tx() as session:
            self._serialize(session)
            running = session.execute(text(
                "SELECT id FROM run WHERE kind = 'check' AND status = 'running' AND EXISTS (SELECT 1 FROM worker"
                " WHERE worker.run_id = run.id AND heartbeat_at > now() - make_interval(secs => :lease))"
                " ORDER BY id DESC LIMIT 1"
            ), lease).scalar()
            if running is None:
                # Runs whose workers all died: interrupted; their documents are this run's now.
                session.execute(text("UPDATE run SET status = 'interrupted' WHERE kind = 'check' AND status = 'running'"))
                running = session.execute(text(
                    "INSERT INTO run (kind, started_at, status, pid, new, changed, unchanged, failed)"
                    " VALUES ('check', now(), 'running', :pid, 0, 0, 0, 0) RETURNING id"
                ), {"pid": os.getpid()}).scalar_one()
                joined = False
            else:
                joined = True
            session.execute(text(
                "INSERT INTO run_claim (run_id, document_id) SELECT :run, unnest(CAST(:keys AS VARCHAR[]))"
                " ON CONFLICT DO NOTHING"
            ), {"run": running, "keys": list(keys)})
            session.execute(text(
                "INSERT INTO worker (name, run_id, host, pid, started_at, heartbeat_at, checked)"
                " VALUES (:name, :run, :host, :pid, now(), now(), 0) ON CONFLICT (name) DO UPDATE"
                " SET run_id = :run, started_at = now(), heartbeat_at = now(), checked = 0"
            ), {"name": self.worker, "run": running, "host": socket.gethostname(), "pid": os.getpid()})
        return CheckRun(self, running, list(keys), joined)

    def claim_documents(self, run_id: int, limit: int, keys: list[str]) -> list[str]:
        """Up to `limit` of `keys` that no live worker holds, leased to this worker."""
        with self._tx() as session:
            rows = session.execute(text(
                "WITH free AS (SELECT run_id, document_id FROM run_claim WHERE run_id = :run AND done_at IS NULL"
                " AND (worker IS NULL OR lease_until < now()) AND document_id = ANY(CAST(:keys AS VARCHAR[]))"
                " ORDER BY document_id LIMIT :limit FOR UPDATE SKIP LOCKED)"
                " UPDATE run_claim SET worker = :worker, lease_until = now() + make_interval(secs => :lease)"
                " FROM free WHERE run_claim.run_id = free.run_id AND run_claim.document_id = free.document_id"
                " RETURNING run_claim.document_id"
            ), {"run": run_id, "limit": limit, "keys": keys, "worker": self.worker, "lease": LEASE_SECONDS})
            return [row[0] for row in rows]

    def next_lease_expiry(self, run_id: int, keys: list[str]) -> float | None:
        """Seconds until a document of ours held by another worker is free again; None when all are done."""
        with self._read() as session:
            row = session.execute(text(
                "SELECT count(*), EXTRACT(EPOCH FROM min(lease_until) - now()) FROM run_claim WHERE run_id = :run"
                " AND done_at IS NULL AND document_id = ANY(CAST(:keys AS VARCHAR[]))"
            ), {"run": run_id, "keys": keys}).one()
        return None if not row[0] else float(row[1] or 0)

    def heartbeat(self, run_id: int, checked: int) -> None:
        with self._tx() as session:
            params = {"run": run_id, "worker": self.worker, "checked": checked, "lease": LEASE_SECONDS}
            session.execute(text("UPDATE worker SET heartbeat_at = now(), checked = :checked WHERE name = :worker"), params)
            session.execute(text(
                "UPDATE run_claim SET lease_until = now() + make_interval(secs => :lease)"
                " WHERE run_id = :run AND worker = :worker AND done_at IS NULL"
            ), params)

    def _claim_done(self, session, run_id: int, document_id: str) -> None:  # noqa: ANN001
        """In the document's own transaction: its claim done, and the run ended if it was the last."""
        params = {"run": run_id, "document": document_id, "worker": self.worker}
        session.execute(text(
            "UPDATE run_claim SET done_at = now(), worker = :worker WHERE run_id = :run AND document_id = :document"
        ), params)
        self._end_run_if_done(session, run_id)

    def finish_shared_run(self, run_id: int) -> None:
        with self._tx() as session:
            self._end_run_if_done(session, run_id)

    def _end_run_if_done(self, session, run_id: int) -> None:  # noqa: ANN001
        left = session.execute(
            text("SELECT count(*) FROM run_claim WHERE run_id = :run AND done_at IS NULL"), {"run": run_id}
        ).scalar_one()
        if left:
            return
        counts = dict(session.execute(
            text("SELECT outcome, count(*) FROM check_result WHERE run_id = :run GROUP BY outcome"), {"run": run_id}
        ).all())
        session.execute(text(
            "UPDATE run SET status = :status, finished_at = now(), new = :new, changed = :changed,"
            " unchanged = :unchanged, failed = :failed WHERE id = :run AND status = 'running'"
        ), {"run": run_id, "status": "partial" if counts.get("failed") else "ok",
            **{k: counts.get(k, 0) for k in ("new", "changed", "unchanged", "failed")}})

    def workers(self, run_id: int | None = None) -> list[r.Worker]:
        """The workers of a run (default: the latest), last heartbeat first."""
        with self._read() as session:
            if run_id is None:
                run_id = session.execute(text("SELECT max(run_id) FROM worker")).scalar()
            rows = session.execute(
                text("SELECT * FROM worker WHERE run_id = :run ORDER BY heartbeat_at DESC"), {"run": run_id}
            ).all()
            return [to_record(r.Worker, row) for row in rows]

    # --- politeness and delivery across workers ----------------------------------------------------------
    @asynccontextmanager
    async def host_slot(self, host: str, per_host: int) -> AsyncIterator[None]:
        """One of `per_host` slots for requests to `host`, counted over every worker (advisory locks).

        On SQLite there is one process: its own per-host limiter is the bound, and this is free.
        """
        if not self.backend.shared:
            yield
            return
        from monitor.store.postgres import host_slot_key

        conn = await asyncio.to_thread(self.engine.connect)
        try:
            while True:
                slot = await asyncio.to_thread(_try_slots, conn, [host_slot_key(host, i) for i in range(per_host)])
                if slot is not None:
                    break
                await asyncio.sleep(SLOT_POLL_SECONDS)
            try:
                yield
            finally:
                await asyncio.to_thread(_unlock, conn, slot)
        finally:
            await asyncio.to_thread(conn.close)

    @contextmanager
    def delivery_lock(self, target_key: str) -> Iterator[bool]:
        """Whether this process may send to this target now: one sender per target across workers.

        Read the pending deliveries after taking it, so a message another worker just sent is not sent again.
        """
        if not self.backend.shared:
            yield True
            return
        from monitor.store.postgres import host_slot_key

        key = host_slot_key("delivery:" + target_key, 0)
        with self.engine.connect() as conn:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar_one()
            conn.commit()
            try:
                yield bool(got)
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()


def _try_slots(conn, keys: list[int]) -> int | None:  # noqa: ANN001
    for key in keys:
        if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar_one():
            conn.commit()
            return key
    conn.commit()
    return None


def _unlock(conn, key: int) -> None:  # noqa: ANN001
    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
    conn.commit()
