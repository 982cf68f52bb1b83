"""The command line: parse, call the core, print. Every MonitorError becomes one line on stderr
(`Error: what went wrong — how to fix it`) and its exit code, here and nowhere else.

Exit codes: 0 ok; 1 unexpected error; 2 usage or configuration error; 3 the run finished but some
documents failed or a notification could not be delivered (`status`: something needs attention).
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Optional

import typer
from rich.console import Console
from rich import box
from rich.table import Table
from typer.core import TyperGroup

from monitor import __version__
from monitor.config import DEFAULT_DATABASE, DEFAULT_WATCHLIST, Watchlist, database_path, load_watchlist
from monitor.errors import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, MonitorError, UsageError
from monitor.clock import iso
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
            settings = self.watchlist().settings
            return settings.database if "://" in settings.database else str(database_path(self.watchlist_path, settings))
        return DEFAULT_DATABASE

    def store(self, create: bool = False) -> Store:
        """Query commands read an existing database; `check` and `backfill` create one (create=True)."""
        store = Store.open(self.db_url(), create=create)
        self._stores.append(store)
        return store

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
def _closing(store: Store) -> Iterator[Store]:
    try:
        yield store
    finally:
        store.close()


def _state(ctx: typer.Context) -> State:
    return ctx.obj


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _console() -> Console:
    return Console(highlight=False)


# --- check -------------------------------------------------------------------------------------
@app.command()
def check(
    ctx: typer.Context,
    documents: list[str] = typer.Argument(None, help="Vendor ids or 'vendor/document' ids (default: all)."),
    as_json: bool = typer.Option(False, "--json", help="Print the run as JSON."),
    wait: float = typer.Option(0.0, "--wait", help="If another run holds the database, wait this many seconds for it."),
) -> None:
    """Fetch every watched document, store new versions and report what changed.

    Exit code 0 when every document was checked, 3 when some failed.

    Example: policy-monitor check acme/privacy
    """
    from monitor.jobs.check import run_check

    state = _state(ctx)
    watchlist = state.watchlist()
    selected = _selected(watchlist, documents)
    store = state.store(create=True)
    with _closing(store), store.run_lock(wait=wait, shared=True):
        progress = None
        if not as_json and sys.stderr.isatty():
            progress = _progress_bar(len(selected))
        try:
            store.mark_interrupted_runs()
            report = run_check(watchlist, store, documents or (), on_result=progress.advance if progress else None)
        finally:
            if progress:
                progress.stop()
    if as_json:
        _print_json(report.to_dict())
    else:
        _print_check_summary(report, verbose=sys.stdout.isatty())
    raise typer.Exit(EXIT_PARTIAL if report.needs_attention else EXIT_OK)


def _selected(watchlist: Watchlist, ids: list[str] | None) -> list:
    from monitor.jobs.check import select_documents

    return select_documents(watchlist, ids or ())


class _ProgressBar:
    def __init__(self, total: int) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.fields[last]}"), console=Console(stderr=True), transient=True,
        )
        self._task = self._progress.add_task("check", total=total, last="")
        self._progress.start()

    def advance(self, result: Any) -> None:
        self._progress.update(self._task, advance=1, last=f"{result.document}: {result.outcome}")

    def stop(self) -> None:
        self._progress.stop()


def _progress_bar(total: int) -> _ProgressBar:
    return _ProgressBar(total)


def _print_check_summary(report: Any, verbose: bool) -> None:
    counts = report.counts
    material = sum(1 for r in report.results if r.change is not None and r.change.material)
    changed = f"{counts['changed']} changed" + (f" ({material} material)" if material else "")
    typer.echo(
        f"checked {len(report.results)} documents in {report.seconds:.1f}s: {counts['new']} new, {changed}, "
        f"{counts['unchanged']} unchanged, {counts['failed']} failed"
    )
    delivery = report.delivery
    if delivery is not None and (delivery.delivered or delivery.failed):
        typer.echo(f"notifications: {delivery.delivered} delivered, {len(delivery.failed)} failed, {delivery.pending} pending")
    if delivery is not None:
        for label, error in delivery.failed:
            typer.echo(f"notification to {label} failed: {error}", err=True)
    if not verbose:
        return
    for result in report.results:
        if result.outcome == "changed" and result.change is not None:
            typer.echo(f"  changed  {result.document} v{result.version - 1}→v{result.version}: "
                       f"{result.change.severity}, {result.change.reason}")
        elif result.outcome == "failed":
            typer.echo(f"  failed   {result.document}: {result.error}")


# --- backfill ----------------------------------------------------------------------------------
@app.command()
def backfill(
    ctx: typer.Context,
    documents: list[str] = typer.Argument(None, help="Vendor ids or 'vendor/document' ids."),
    all_documents: bool = typer.Option(False, "--all", help="Every document in the watchlist."),
    since: Optional[datetime] = typer.Option(None, "--since", formats=["%Y-%m-%d"], help="Only captures from this day on."),
    until: Optional[datetime] = typer.Option(None, "--until", formats=["%Y-%m-%d"], help="Only captures up to this day, included."),
    notify: bool = typer.Option(False, "--notify", help="Also notify about historical changes (off: they are only recorded)."),
    as_json: bool = typer.Option(False, "--json", help="Print the run as JSON."),
    wait: float = typer.Option(0.0, "--wait", help="If another run holds the database, wait this many seconds for it."),
) -> None:
    """Import a document's past from a web archive ([archive] in the watchlist; the Wayback Machine by
    default), oldest first, through the same pipeline as check. Safe to interrupt and to rerun.

    Example: policy-monitor backfill acme/privacy --since 2020-01-01
    """
    from monitor.jobs.backfill import run_backfill

    if not documents and not all_documents:
        raise UsageError("name the documents to backfill", "give vendor or 'vendor/document' ids, or --all")
    state = _state(ctx)
    watchlist = state.watchlist()
    _selected(watchlist, documents)  # unknown ids fail before anything is fetched
    store = state.store(create=True)
    with _closing(store), store.run_lock(wait=wait):
        progress = _BackfillBar() if not as_json and sys.stderr.isatty() else None
        try:
            store.mark_interrupted_runs()
            report = run_backfill(
                watchlist, store, documents or (),
                since=since.date() if since else None, until=until.date() if until else None,
                notify=notify, on_progress=progress.update if progress else None,
            )
            if notify:
                from monitor.delivery.notify import deliver_pending

                deliver_pending(store, watchlist)
        finally:
            if progress:
                progress.stop()
    if as_json:
        _print_json(report.to_dict())
    else:
        _print_backfill_summary(report)
    raise typer.Exit(EXIT_PARTIAL if report.failed else EXIT_OK)


class _BackfillBar:
    """One bar per document: captures done / total and the rate."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:.1f} captures/s"), TimeElapsedColumn(),
            console=Console(stderr=True), transient=True,
        )
        self._tasks: dict[str, Any] = {}
        self._progress.start()

    def update(self, event: Any) -> None:
        task = self._tasks.get(event.document)
        if task is None:
            task = self._tasks[event.document] = self._progress.add_task(event.document, total=event.total, rate=0.0)
        self._progress.update(task, completed=event.done, total=event.total, rate=event.rate)

    def stop(self) -> None:
        self._progress.stop()


def _print_backfill_summary(report: Any) -> None:
    c = report.counts
    typer.echo(
        f"backfilled {len(report.documents)} documents from {report.archive} in {report.seconds:.1f}s: "
        f"{c['listed']} captures listed, {c['already']} done before, {c['imported']} imported, "
        f"{c['duplicate']} duplicate, {c['skipped']} skipped, {c['failed']} failed"
    )
    for doc in report.documents:
        if doc.error:
            typer.echo(f"  {doc.document}: {doc.error}", err=True)
    if report.not_started:
        typer.echo(f"  not started (the archive asked us to slow down): {', '.join(report.not_started)}; rerun later", err=True)


# --- status ------------------------------------------------------------------------------------
@app.command()
def status(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show the last run, failing documents, suspect pages and undelivered notifications.

    Exit code 0 when all is well, 3 when something needs attention (usable as a monitoring probe).

    Example: policy-monitor status || echo "policy-monitor needs attention"
    """
    from monitor.config import Settings
    from monitor.jobs.status import collect

    state = _state(ctx)
    watchlist = state.watchlist() if state.watchlist_path.exists() else None
    settings = watchlist.settings if watchlist is not None else Settings()
    store = state.store()
    try:
        report = collect(store, watchlist, settings.failure_alert_after, running_now=store.run_in_progress())
    finally:
        store.close()
    if as_json:
        _print_json(report)
    else:
        _print_status(report)
    raise typer.Exit(EXIT_PARTIAL if report["attention"] else EXIT_OK)


def _print_status(report: dict) -> None:
    last = report["last_run"]
    if last is None:
        typer.echo("no run recorded yet: run `policy-monitor check`")
    else:
        c = last["counts"]
        typer.echo(
            f"last run #{last['id']} ({last['kind']}) {last['status']}, started {last['started_at']}: "
            f"{c['new']} new, {c['changed']} changed, {c['unchanged']} unchanged, {c['failed']} failed"
        )
    typer.echo(f"{report['documents']} documents watched, {len(report['failing'])} failing")
    for w in report.get("workers", []):
        typer.echo(f"  worker {w['name']}: {w['checked']} checked, last heartbeat {w['heartbeat_at']}")
    for f in report["failing"]:
        typer.echo(f"  {f['document']}: {f['consecutive_failures']} failed runs since {f['since']}: {f['error']}")
    d = report["deliveries"]
    typer.echo(f"notifications: {d['pending']} pending, {d['queued']} queued, {len(d['failed'])} failed")
    for f in d["failed"]:
        typer.echo(f"  {f['document']} → {f['target']}: gave up after {f['attempts']} attempts: {f['error']}")
    for line in report["attention"]:
        typer.echo(f"attention: {line}")


# --- history / show ----------------------------------------------------------------------------
@app.command()
def history(
    ctx: typer.Context,
    document: str = typer.Argument(..., help="Document id, 'vendor/document'."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List a document's versions, oldest first.

    Example: policy-monitor history acme/privacy --json
    """
    store = _state(ctx).store()
    rows = [
        {
            "version": v.number,
            "sha256": v.sha256,
            "first_seen": iso(v.first_seen),
            "last_seen": iso(v.last_seen),
            "source": v.source,
            "captured_at": iso(v.captured_at),
            "url": v.url,
        }
        for v in store.versions(document)
    ]
    if as_json:
        _print_json(rows)
        return
    if not rows:
        typer.echo(f"{document}: no versions yet (run `policy-monitor check {document}`)")
        return
    table = Table("version", "first seen (UTC)", "last seen (UTC)", "source", "sha256", title=document, box=box.SIMPLE)
    for row in rows:
        table.add_row(str(row["version"]), _short(row["first_seen"]), _short(row["last_seen"]), row["source"], row["sha256"][:12])
    _console().print(table)


def _short(moment: str | None) -> str:
    """'2026-11-22T06:06:33+00:00' → '2026-11-22 06:06' (UTC): the JSON keeps the full value."""
    return moment[:16].replace("T", " ") if moment else "-"


@app.command()
def show(
    ctx: typer.Context,
    document: str = typer.Argument(..., help="Document id, 'vendor/document'."),
    version: Optional[int] = typer.Option(None, "--version", "-v", help="Version number (default: the latest)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Print the normalized text of one version.

    Example: policy-monitor show acme/privacy --version 2
    """
    store = _state(ctx).store()
    row = store.version(document, version)
    text = store.text(row.sha256)
    if as_json:
        _print_json(
            {
                "document": document,
                "version": row.number,
                "sha256": row.sha256,
                "source": row.source,
                "url": row.url,
                "captured_at": iso(row.captured_at),
                "first_seen": iso(row.first_seen),
                "last_seen": iso(row.last_seen),
                "text": text,
            }
        )
        return
    typer.echo(text, nl=not text.endswith("\n"))


# --- changes -----------------------------------------------------------------------------------
@app.command()
def changes(
    ctx: typer.Context,
    document: Optional[str] = typer.Argument(None, help="Document id (default: all documents)."),
    since: Optional[datetime] = typer.Option(None, "--since", formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"], help="Only changes detected on or after this date (UTC)."),
    material: bool = typer.Option(False, "--material", help="Only material changes."),
    category: Optional[str] = typer.Option(None, "--category", help="Only changes touching this category (sharing, sale, retention...)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List detected changes, oldest first.

    Example: policy-monitor changes acme/privacy --since 2026-03-01 --category sharing
    """
    from monitor.classifier.classify import CATEGORIES

    if category is not None and category not in CATEGORIES:
        raise UsageError(f"unknown category {category!r}", f"use one of: {', '.join(CATEGORIES)}")
    store = _state(ctx).store()
    rows = [
        {
            "document": c.document_id,
            "from_version": c.from_version,
            "to_version": c.to_version,
            "detected_at": iso(c.detected_at),
            "material": c.material,
            "severity": c.severity,
            "categories": list(c.categories),
            "direction": c.direction,
            "reason": c.reason,
            "reverts_to": c.reverts_to,
            "clauses": c.clauses,
        }
        for c in store.changes(document, since=since.replace(tzinfo=timezone.utc) if since else None, material=True if material else None, category=category)
    ]
    if as_json:
        _print_json(rows)
        return
    if not rows:
        typer.echo("no changes recorded" + (" matching those filters" if (since or material or category) else ""))
        return
    # One line a change, then its reason: greppable, and readable at any terminal width.
    for row in rows:
        categories = ", ".join(row["categories"]) or "-"
        typer.echo(
            f"{_short(row['detected_at'])}  {row['document']}  v{row['from_version']}→v{row['to_version']}  "
            f"{row['severity']}  [{categories}]"
        )
        typer.echo(f"    {row['reason']}")


# --- diff --------------------------------------------------------------------------------------
@app.command()
def diff(
    ctx: typer.Context,
    old: str = typer.Argument(..., help="A file (HTML, markdown or text), or a document id."),
    new: Optional[str] = typer.Argument(None, help="The newer file, when comparing two files."),
    from_version: Optional[int] = typer.Option(None, "--from", help="Older version (default: the one before --to)."),
    to_version: Optional[int] = typer.Option(None, "--to", help="Newer version (default: the latest)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    show_all: bool = typer.Option(False, "--all", help="Also show cosmetic edits."),
) -> None:
    """Compare two files, or two stored versions of a document, clause by clause.

    Exits 0 whether or not the texts differ.

    Example: policy-monitor diff old.html new.html   |   policy-monitor diff acme/privacy --from 3 --to 4
    """
    from monitor.engine.compare import compare

    if new is not None:
        old_text, new_text = _file_text(old), _file_text(new)
    else:
        old_text, new_text = _stored_pair(_state(ctx).store(), old, from_version, to_version)
    comparison = compare(old_text, new_text)
    if as_json:
        _print_json(comparison.to_dict())
        return
    from monitor.render.terminal import print_comparison

    print_comparison(_console(), comparison, show_all=show_all)


def _file_text(name: str) -> str:
    from monitor.text.reader import page_text

    path = Path(name)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{name}: no such file", "give two files, or one document id with --from/--to") from None
    except OSError as exc:
        raise UsageError(f"{name}: cannot read: {exc}") from None
    return page_text(raw, None, path.name)


def _stored_pair(store: Store, document: str, from_version: int | None, to_version: int | None) -> tuple[str, str]:
    newer = store.version(document, to_version)
    older_number = from_version if from_version is not None else newer.number - 1
    if older_number < 1:
        raise UsageError(f"{document} has only version {newer.number}", "nothing to compare yet")
    older = store.version(document, older_number)
    return store.text(older.sha256), store.text(newer.sha256)


# --- notify ------------------------------------------------------------------------------------
notify_app = typer.Typer(help="Notification targets ([[notify]] in the watchlist).", no_args_is_help=True)
app.add_typer(notify_app, name="notify")
app.add_typer(__import__("monitor.cli.db", fromlist=["db_app"]).db_app, name="db")  # monitor/cli/db.py


@notify_app.command("test")
def notify_test(
    ctx: typer.Context,
    target: Optional[int] = typer.Option(None, "--target", help="Only this target (1 = the first [[notify]] entry)."),
) -> None:
    """Send a sample message to each notification target and report, per target, delivered or the error.

    Example: policy-monitor notify test --target 2
    """
    from monitor.delivery.notify import send_test

    watchlist = _state(ctx).watchlist()
    if not watchlist.notify:
        raise UsageError("the watchlist has no [[notify]] targets", "add one, e.g. url = \"mailto://...\"")
    if target is not None and not 1 <= target <= len(watchlist.notify):
        raise UsageError(f"there is no target {target}", f"targets are numbered 1 to {len(watchlist.notify)}")
    results = send_test(watchlist, target)
    for label, delivered, error in results:
        typer.echo(f"{label}: delivered" if delivered else f"{label}: failed — {error}")
    raise typer.Exit(EXIT_OK if all(ok for _, ok, _ in results) else EXIT_PARTIAL)


# --- demo --------------------------------------------------------------------------------------
@app.command()
def demo(
    directory: Optional[Path] = typer.Option(None, "--dir", help="Where to keep the demo's watchlist and database (default: a new temporary folder)."),
) -> None:
    """Run an offline demonstration: serve synthetic vendor policies on loopback, check them,
    change one in a way that matters, check again, and show what a user would be told.

    Example: policy-monitor demo --dir ./demo
    """
    from monitor.demo import run_demo

    run_demo(directory, _console())


def main() -> None:
    app()
