"""Commands that run a job: check, backfill, status."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Optional

import typer

from monitor.cli.base import app, closing, print_json, state_of
from monitor.errors import EXIT_OK, EXIT_PARTIAL, UsageError

if TYPE_CHECKING:
    from monitor.config import Watchlist


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

    state = state_of(ctx)
    watchlist = state.watchlist()
    selected = _selected(watchlist, documents)
    store = state.store(create=True)
    with closing(store), store.run_lock(wait=wait, shared=True):
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
        print_json(report.to_dict())
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
            TextColumn("{task.fields[last]}"), console=_stderr_console(), transient=True,
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
    state = state_of(ctx)
    watchlist = state.watchlist()
    _selected(watchlist, documents)  # unknown ids fail before anything is fetched
    store = state.store(create=True)
    with closing(store), _backfill_lock(store.run_lock(wait=wait)):
        progress = _BackfillBar() if not as_json and sys.stderr.isatty() else None
        try:
            store.mark_interrupted_runs()
            report = run_backfill(
                watchlist, store, documents or (),
                since=since.date() if since else None, until=until.date() if until else None,
                notify=notify, on_progress=progress.update if progress else None,
            )
        finally:
            if progress:
                progress.stop()
    if as_json:
        print_json(report.to_dict())
    else:
        _print_backfill_summary(report)
    raise typer.Exit(EXIT_PARTIAL if report.failed else EXIT_OK)


@contextmanager
def _backfill_lock(lock: Any) -> Iterator[None]:
    """The run lock, with the advice that fits a backfill (it is not re-run by the timer)."""
    from monitor.store.lock import RunInProgress

    try:
        lock.__enter__()
    except RunInProgress as exc:
        exc.hint = "rerun the backfill once that run is done (it resumes where it stopped), or use --wait SECONDS"
        raise
    try:
        yield
    finally:
        lock.__exit__(None, None, None)


class _BackfillBar:
    """One bar per document: captures done / total and the rate."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:.1f} captures/s"), TimeElapsedColumn(),
            console=_stderr_console(), transient=True,
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

    state = state_of(ctx)
    watchlist = state.watchlist() if state.watchlist_path.exists() else None
    settings = watchlist.settings if watchlist is not None else Settings()
    store = state.store(verify=True)  # the health probe: a damaged file is something that needs attention
    try:
        report = collect(store, watchlist, settings.failure_alert_after, running_now=store.run_in_progress())
    finally:
        store.close()
    if as_json:
        print_json(report)
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




def _stderr_console():  # noqa: ANN202 - a rich Console, imported on use
    from rich.console import Console

    return Console(stderr=True)
