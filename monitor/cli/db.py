"""`policy-monitor db ...`: the database itself (copy a history to another database)."""

from __future__ import annotations

import json

import typer

from monitor.cli.base import app, state_of

db_app = typer.Typer(help="The database: copy a history to another one (SQLite to PostgreSQL).", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("copy")
def copy(
    ctx: typer.Context,
    to: str = typer.Option(..., "--to", help="Target database: postgresql://user@host/db (password from PGPASSWORD or ~/.pgpass), or a path."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Copy every version, text, raw page, change, outbox event and delivery, archive capture, run and
    check from the current database (--db / settings.database) to another, then verify counts and
    hashes. Safe to rerun: a second copy adds nothing.

    Example: policy-monitor db copy --to postgresql://monitor@db.internal/policy_monitor
    """
    from monitor.store.copy import copy_database
    from monitor.store.store import Store

    state = state_of(ctx)
    source = state.store()
    target = Store.open(to, create=True)
    try:
        with target.run_lock(wait=0.0):
            report = copy_database(source, target)
    finally:
        target.close()
    if as_json:
        typer.echo(json.dumps({"from": source.label, "to": target.label, **report.to_dict()}, indent=2))
        return
    added = sum(report.copied.values())
    tables = ", ".join(f"{report.total[t]} {t}" for t in report.total if report.total[t])
    typer.echo(f"copied {added} rows from {source.label} to {target.label} ({tables} in all)")
    typer.echo(f"verified: row counts match in every table; {report.blobs_verified} texts and pages hash to their keys")
