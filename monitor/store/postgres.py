"""Everything PostgreSQL: the engine (psycopg 3), fault translation, and the locks runs and workers share.

The password comes from libpq's own sources (PGPASSWORD, ~/.pgpass, a service file): a URL holding
one works, but the password is never printed (`label`) nor stored. Sessions run in UTC so stored
times never depend on the server's time zone.
"""

from __future__ import annotations

import time
import zlib
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError

from monitor.errors import StoreError
from monitor.store.lock import RunInProgress

POLL_SECONDS = 0.2
# Advisory lock keys (one 64-bit namespace per database): one for exclusive runs (backfill, and
# checks when joining is off), one that serializes raising incidents and starting a shared run.
RUN_LOCK_KEY = 0x706D_0001
COORDINATION_KEY = 0x706D_0002
HOST_SLOT_BASE = 0x706D_1000_0000  # + crc32(host) * 64 + slot


class PostgresBackend:
    name = "postgresql"
    shared = True  # several `check` processes, on several machines, share one run

    def __init__(self, url: str) -> None:
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise StoreError(f"not a database URL: {exc}") from None
        self.url = parsed.set(drivername="postgresql+psycopg")
        self.label = self.url.set(drivername="postgresql").render_as_string(hide_password=True)

    def exists(self) -> bool:
        return True  # a server database: `migrate` creates the schema in an empty one

    def engine(self) -> Engine:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise StoreError(
                "PostgreSQL needs the psycopg driver", "install policy-monitor[postgres] (pip install 'policy-monitor[postgres]')"
            ) from None
        return create_engine(
            self.url,
            pool_size=16,  # documents in flight each hold a connection while they wait for a host slot
            max_overflow=64,
            connect_args={"options": "-c timezone=UTC", "connect_timeout": 10, "application_name": "policy-monitor"},
            pool_pre_ping=True,
        )

    def check_on_open(self, engine: Engine) -> None:
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001 - the server down, a wrong password, no such database
            raise self.translate(exc) or StoreError(f"{self.label}: cannot connect: {_first_line(exc)}") from None

    def integrity_check(self, engine: Engine) -> str:
        return "ok"  # the server checks its own pages (data checksums); nothing to ask it here

    def translate(self, exc: BaseException) -> StoreError | None:
        import psycopg

        orig = getattr(exc, "orig", exc)
        if not isinstance(orig, psycopg.Error):
            return None
        state = getattr(orig, "sqlstate", None) or ""
        if state == "53100":
            return StoreError(f"{self.label}: disk full — free space; nothing was lost")
        if state.startswith("08") or isinstance(orig, psycopg.OperationalError):
            return StoreError(
                f"{self.label}: cannot connect: {_first_line(orig)}",
                "is the server up? a password goes in PGPASSWORD or ~/.pgpass, never in the watchlist",
            )
        if state in ("XX001", "XX002"):
            return StoreError(f"{self.label}: corrupt ({_first_line(orig)})", "restore the database from a backup")
        return None

    # --- locks -----------------------------------------------------------------------------------
    @contextmanager
    def run_lock(self, wait: float = 0.0, engine: Engine | None = None, shared: bool = False) -> Iterator[None]:
        """A session advisory lock, dropped by the server if we die: checks share it, a backfill holds it alone."""
        with self.advisory(engine, RUN_LOCK_KEY, wait, shared):
            yield

    @contextmanager
    def advisory(self, engine: Engine, key: int, wait: float = 0.0, shared: bool = False) -> Iterator[None]:
        mode = "_shared" if shared else ""
        with engine.connect() as conn:
            conn.commit()  # the lock lives in the session, outside any transaction
            deadline = time.monotonic() + wait
            while not conn.execute(text(f"SELECT pg_try_advisory_lock{mode}(:k)"), {"k": key}).scalar_one():
                conn.commit()
                if time.monotonic() >= deadline:
                    raise RunInProgress(
                        f"another policy-monitor run is using {self.label}; not starting a second one",
                        "it will be checked again on the next run; use --wait SECONDS to queue behind it",
                    )
                time.sleep(POLL_SECONDS)
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text(f"SELECT pg_advisory_unlock{mode}(:k)"), {"k": key})
                conn.commit()

    def run_in_progress(self, engine: Engine) -> bool:
        query = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :k AND granted")
        with engine.connect() as conn:
            return bool(conn.execute(query, {"k": RUN_LOCK_KEY & 0xFFFF_FFFF}).scalar_one())


def host_slot_key(host: str, slot: int) -> int:
    return HOST_SLOT_BASE + zlib.crc32(host.encode("utf-8")) * 64 + slot


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
