"""The run lock's refusal, shared by every backend (`Store.run_lock`: a lock file for SQLite)."""

from __future__ import annotations

from monitor.errors import MonitorError


class RunInProgress(MonitorError):
    """Another run holds the database; not an error of this run, so it exits 0."""

    exit_code = 0
