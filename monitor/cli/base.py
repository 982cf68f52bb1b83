"""The command line's frame: the Typer app, its global options, and the one error boundary.

Every MonitorError becomes one line on stderr (`Error: what went wrong — how to fix it`) and its
exit code, here and nowhere else. Exit codes: 0 ok; 1 unexpected error; 2 usage or configuration
error; 3 the run finished but some documents failed or a notification could not be delivered
(`status`: something needs attention).

Start-up time matters (`--help` should answer at once): this module and the command modules import
only typer at the top; each command imports the store, the engine or rich when it runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer
from typer.core import TyperGroup

from monitor import DEFAULT_DATABASE, DEFAULT_WATCHLIST, __version__
from monitor.errors import EXIT_ERROR, MonitorError

if TYPE_CHECKING:
    from rich.console import Console

    from monitor.config import Watchlist
    from monitor.store.reader import Reader
    from monitor.store.store import Store


class _ErrorBoundary(TyperGroup):
    """The one place where errors become messages and exit codes."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):  # typer's own: exit codes and usage errors
            raise
        except MonitorError as exc:
            _fail(ctx, f"Error: {_with_hint(exc)}", exc.exit_code)
        except BrokenPipeError:  # `policy-monitor changes --json | head`: the reader has all it wanted
            import os
            import sys

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit's flush
            raise typer.Exit(141) from None  # 128 + SIGPIPE, as a shell reports a program stopped by the pipe
        except Exception as exc:  # noqa: BLE001 - the boundary: anything unexpected is exit 1
            _fail(ctx, f"Error: unexpected {type(exc).__name__}: {exc} — rerun with --debug for the traceback", EXIT_ERROR)
        finally:
            if isinstance(ctx.obj, State):
                ctx.obj.close_stores()  # a server database's connections end with the command


def _with_hint(exc: MonitorError) -> MonitorError:
    """The store says what is missing; the CLI says where to look."""
    from monitor.store.records import NotFound

    if isinstance(exc, NotFound) and exc.hint is None:
        exc.hint = (
            f"see `policy-monitor history {exc.document_id}`" if exc.what == "version"
            else "see document ids with `policy-monitor status`, or run `check` first"
        )
    return exc


def _fail(ctx: typer.Context, message: str, code: int) -> None:
    state = ctx.obj if isinstance(ctx.obj, State) else None
    if state is not None and state.debug:
        import traceback

        traceback.print_exc()
    typer.echo(message, err=True)
    raise typer.Exit(code)


app = typer.Typer(
    cls=_ErrorBoundary,
    help="Watch vendors' privacy policies and report the clauses that changed.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


@dataclass
class State:
    watchlist_path: Path
    db_option: str | None
    debug: bool
    _watchlist: Watchlist | None = field(default=None, init=False)
    _stores: list[Store] = field(default_factory=list, init=False)

    def watchlist(self) -> Watchlist:
        if self._watchlist is None:
            from monitor.config import load_watchlist

            self._watchlist = load_watchlist(self.watchlist_path)
        return self._watchlist

    def db_url(self) -> str:
        """--db / POLICY_MONITOR_DB, else the watchlist's settings, else ./policy-monitor.db.

        A path or a URL (sqlite:///path, postgresql://user@host/db); a relative path in the watchlist
        is relative to the watchlist's folder.
        """
        if self.db_option:
            return self.db_option
        if self.watchlist_path.exists():
            from monitor.config import database_path

            settings = self.watchlist().settings
            return settings.database if "://" in settings.database else str(database_path(self.watchlist_path, settings))
        return DEFAULT_DATABASE

    def store(self, create: bool = False, verify: bool | None = None) -> Store:
        """Query commands read an existing database; `check` and `backfill` create one (create=True).

        Writers and `status` (the health probe) verify the file on open; history, show and changes
        skip that whole-file read to answer at once."""
        from monitor.store.store import Store

        store = Store.open(self.db_url(), create=create, verify=verify)
        self._stores.append(store)
        return store

    def reader(self) -> Reader | Store:
        """For the read-only commands: a `Reader` (sqlite3 alone, no SQLAlchemy to import) when the
        database is SQLite at this schema version, else the `Store`, which migrates or explains."""
        from monitor.store.reader import Reader

        reader = Reader.open(self.db_url())
        if reader is None:
            return self.store()
        self._stores.append(reader)
        return reader

    def close_stores(self) -> None:
        for store in self._stores:
            store.close()
        self._stores.clear()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"policy-monitor {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    watchlist: Path = typer.Option(
        DEFAULT_WATCHLIST, "--watchlist", "-w", envvar="POLICY_MONITOR_WATCHLIST", help="The watchlist file."
    ),
    db: Optional[str] = typer.Option(
        None, "--db", envvar="POLICY_MONITOR_DB", help="Database: a SQLite file or postgresql://user@host/db (default: the watchlist's settings.database)."
    ),
    debug: bool = typer.Option(False, "--debug", help="Verbose logs and tracebacks."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """Watch vendors' privacy policies and report the clauses that changed.

    Example: policy-monitor check && policy-monitor changes --material
    """
    from monitor import logs

    logs.setup(debug)
    ctx.obj = State(watchlist, db, debug)


@contextmanager
def closing(store: Store) -> Iterator[Store]:
    try:
        yield store
    finally:
        store.close()


def state_of(ctx: typer.Context) -> State:
    return ctx.obj


def print_json(data: Any) -> None:
    """Streamed, a few KiB at a time: `check --json` on 10,000 documents is megabytes of text that
    need not all be in memory at once."""
    out = typer.get_text_stream("stdout")
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")
    out.flush()


def console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def text_table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """Columns padded to their widest cell, under a rule: plain text that pipes and greps, and costs
    no import (rich's table is a tenth of a query command's time)."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(headers), "  ".join("─" * w for w in widths), *(line(r) for r in rows)])


def short_time(moment: str | None) -> str:
    """'2026-11-22T06:06:33+00:00' → '2026-11-22 06:06' (UTC): the JSON keeps the full value."""
    return moment[:16].replace("T", " ") if moment else "-"
