"""Commands around the main job: notify test, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from monitor.cli.base import app, console, state_of
from monitor.errors import EXIT_OK, EXIT_PARTIAL, UsageError


# --- notify ------------------------------------------------------------------------------------
notify_app = typer.Typer(help="Notification targets ([[notify]] in the watchlist).", no_args_is_help=True)
app.add_typer(notify_app, name="notify")


@notify_app.command("test")
def notify_test(
    ctx: typer.Context,
    target: Optional[int] = typer.Option(None, "--target", help="Only this target (1 = the first [[notify]] entry)."),
) -> None:
    """Send a sample message to each notification target and report, per target, delivered or the error.

    Example: policy-monitor notify test --target 2
    """
    from monitor.delivery.notify import send_test

    watchlist = state_of(ctx).watchlist()
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

    run_demo(directory, console())
