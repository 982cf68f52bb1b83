"""One rooted exception tree; the CLI turns each into a one-line error and an exit code.

    MonitorError                 anything policy-monitor reports to a user
    ├── ConfigError              the watchlist or an option is wrong (exit 2)
    ├── UsageError               a command was asked for something that does not exist (exit 2)
    ├── FetchError               one document could not be fetched (recorded, never fatal to a run)
    ├── ContentError             a fetched page holds no usable policy text (selector matched nothing, ...)
    ├── ArchiveError             a web archive refused or failed
    ├── StoreError               the database cannot be opened, is newer than this program, ...
    └── NotifyError              a notification target is misconfigured

Every message says what went wrong; `hint` says how to fix it.
"""

from __future__ import annotations

# Documented exit codes (README "Exit codes").
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3


class MonitorError(Exception):
    exit_code = EXIT_ERROR

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message

    def __reduce__(self):  # noqa: ANN204 - errors cross process boundaries (analysis workers) whole
        return (self.__class__.__new__, (self.__class__,), self.__dict__ | {"args": self.args})

    def __setstate__(self, state: dict) -> None:
        self.args = state.pop("args")
        self.__dict__.update(state)


class ConfigError(MonitorError):
    exit_code = EXIT_USAGE


class UsageError(MonitorError):
    exit_code = EXIT_USAGE


class FetchError(MonitorError):
    """A document could not be fetched; `status` is the HTTP status when there was one."""

    def __init__(self, message: str, hint: str | None = None, status: int | None = None) -> None:
        super().__init__(message, hint)
        self.status = status


class ContentError(MonitorError):
    pass


class ArchiveError(MonitorError):
    pass


class StoreError(MonitorError):
    pass


class NotifyError(MonitorError):
    exit_code = EXIT_USAGE
