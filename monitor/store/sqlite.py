"""Everything SQLite: the engine and its pragmas, BEGIN IMMEDIATE, the run lock file, the checks on open.

One process runs at a time per database (the lock file beside it); readers never block it (WAL).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from monitor.errors import StoreError
from monitor.store.lock import RunInProgress

if TYPE_CHECKING:  # SQLAlchemy is imported where an engine is made: `Reader` uses this module without it
    from sqlalchemy.engine import Engine

# A second writer waits this long for the first to commit before giving up (overlapping runs).
BUSY_TIMEOUT_MS = 60_000
POLL_SECONDS = 0.2
CORRUPT_HINT = "restore it from a backup, or rescue what is left with `sqlite3 FILE .recover`"


class SqliteBackend:
    name = "sqlite"
    shared = False  # one run at a time: a second `check` exits (or waits), it never joins

    def __init__(self, path: Path) -> None:
        self.path = path
        self.label = str(path)

    def exists(self) -> bool:
        return self.path.exists() and self.path.stat().st_size > 0

    def engine(self) -> Engine:
        from sqlalchemy import create_engine, event

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create its folder: {exc}") from None
        engine = create_engine(f"sqlite:///{self.path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _pragmas)
        event.listen(engine, "begin", _begin_immediate)
        return engine

    def check_on_open(self, engine: Engine) -> None:
        """`quick_check` (seconds on a large file, unlike integrity_check): garbage found now, not at alert time."""
        from sqlalchemy import text

        if not self.exists():
            return
        try:
            with engine.connect() as conn:
                verdict = conn.execute(text("PRAGMA quick_check(1)")).scalar_one()
        except Exception as exc:  # noqa: BLE001 - a file that is not a database at all
            raise self.translate(exc) or StoreError(f"{self.label}: cannot be read: {exc}") from None
        if verdict != "ok":  # SQLite's report spans lines: one line here, as every error is
            raise StoreError(f"{self.label}: corrupt ({' '.join(verdict.split())[:200]})", CORRUPT_HINT)

    def integrity_check(self, engine: Engine) -> str:
        from sqlalchemy import text

        with engine.connect() as conn:
            return conn.execute(text("PRAGMA integrity_check")).scalar_one()

    def translate(self, exc: BaseException) -> StoreError | None:
        """A database fault as one line (disk full, corrupt, read-only), or None when it is not one."""
        orig = getattr(exc, "orig", exc)
        if not isinstance(orig, sqlite3.Error):
            return None
        message = str(orig).lower()
        if "disk is full" in message or "database or disk is full" in message or "no space" in message:
            return StoreError(f"{self.label}: disk full — free space; nothing was lost")
        if "malformed" in message or "not a database" in message or "file is encrypted" in message:
            return StoreError(f"{self.label}: corrupt ({orig})", CORRUPT_HINT)
        if "readonly" in message or "read-only" in message:
            return StoreError(f"{self.label}: read-only ({orig})", "give policy-monitor write access to the file and its folder")
        if "unable to open" in message:
            return StoreError(f"{self.label}: cannot be opened ({orig})")
        return None

    # --- one run at a time: an advisory lock file beside the database -------------------------------
    @contextmanager
    def run_lock(self, wait: float = 0.0, engine: Engine | None = None, shared: bool = False) -> Iterator[None]:
        """Wait up to `wait` seconds for a running run, then give up with one line.

        The kernel drops the lock when its process dies, even by SIGKILL, so a crashed run never
        blocks the next one.
        """
        path = Path(f"{self.path}.lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
                    os.close(fd)
                    raise RunInProgress(
                        f"another policy-monitor run (pid {holder}) is using {self.path}; not starting a second one",
                        "it will be checked again on the next run; use --wait SECONDS to queue behind it",
                    ) from None
                time.sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def run_in_progress(self, engine: Engine | None = None) -> bool:
        """Whether a run holds the database now (for `status`: a 'running' run nobody holds was killed)."""
        path = Path(f"{self.path}.lock")
        if not path.exists():
            return False
        fd = os.open(path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        finally:
            os.close(fd)


def _pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API connection
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
