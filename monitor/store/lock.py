"""One run at a time per database: an advisory lock file beside it.

A second `check` started while one is running (a slow run overlapping the next timer tick) waits up
to `wait` seconds, then gives up with one line. The kernel drops the lock when its process dies,
even by SIGKILL, so a crashed run never blocks the next one.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from monitor.errors import MonitorError

POLL_SECONDS = 0.2


class RunInProgress(MonitorError):
    """Another run holds the database; not an error of this run, so it exits 0."""

    exit_code = 0


class RunLock:
    def __init__(self, database: Path, wait: float = 0.0) -> None:
        self.path = Path(f"{database}.lock")
        self.wait = wait
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
                    os.close(fd)
                    raise RunInProgress(
                        f"another policy-monitor run (pid {holder}) is using {self.path.with_suffix('')}; not starting a second one",
                        "it will be checked again on the next run; use --wait SECONDS to queue behind it",
                    ) from None
                time.sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def run_in_progress(database: Path) -> bool:
    """Whether a run holds the database now (for `status`: a 'running' run nobody holds was killed)."""
    path = Path(f"{database}.lock")
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
