"""Commands for the people who act on a change: `report` (the static web pages), `review` (record a
decision) and `export` (the evidence records). Registered on the app by one import in app.py.
"""

from __future__ import annotations

import getpass
import re
import sys
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from monitor.cli.base import app, print_json, state_of
from monitor.errors import UsageError

_CHANGE_REF = re.compile(r"^(?P<document>[^@\s]+)@(?P<number>\d+)$")


class ReviewStatus(str, Enum):
    reviewed = "reviewed"
    acknowledged = "acknowledged"
    dismissed = "dismissed"


class ExportFormat(str, Enum):
    csv = "csv"
    jsonl = "jsonl"
    zip = "zip"


def _watchlist(ctx: typer.Context):  # noqa: ANN202 - Watchlist or None: a report needs only the database
    state = state_of(ctx)
    return state.watchlist() if state.watchlist_path.exists() else None


# --- report ------------------------------------------------------------------------------------
@app.command()
def report(
    ctx: typer.Context,
    out: Optional[Path] = typer.Option(None, "--out", help="Folder to write the site into (default: [report] dir in the watchlist)."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="Where the site will be served (default: [report] base_url); feeds link to it."),
    as_json: bool = typer.Option(False, "--json", help="Print what was written as JSON."),
) -> None:
    """Write the static web report: an index with filters, a page per document, version and change,
    and Atom feeds. Only files whose content changed are rewritten; any web server (or a file browser)
    can show it, and it loads nothing from anywhere else.

    Example: policy-monitor report --out site && xdg-open site/index.html
    """
    from monitor.jobs.report import build_site, vendor_tags

    watchlist = _watchlist(ctx)
    settings = watchlist.report if watchlist is not None else None
    folder = out or (Path(settings.dir) if settings is not None and settings.dir else None)
    if folder is None:
        raise UsageError("where should the report go?", "give --out DIR, or set dir in the watchlist's [report]")
    if base_url is not None and not re.match(r"^https?://[^/\s]+", base_url):
        raise UsageError(f"--base-url {base_url!r} is not an http(s) URL", "e.g. --base-url https://intranet.example/policies")
    base = (base_url or (settings.base_url if settings is not None else None) or "").rstrip("/") or None
    store = state_of(ctx).store()
    try:
        try:
            result = build_site(store, folder, base, vendor_tags(watchlist))
        except OSError as exc:
            raise UsageError(f"{folder}: cannot write the report: {exc.strerror or exc}", "choose another --out folder") from None
    finally:
        store.close()
    if as_json:
        print_json(result.to_dict())
        return
    typer.echo(
        f"report: {_n(result.documents, 'document')}, {_n(result.changes, 'change')}; {_n(len(result.written), 'file')} written, "
        f"{result.unchanged} unchanged, in {result.seconds:.1f}s"
    )
    typer.echo(f"open {folder / 'index.html'}")


# --- review ------------------------------------------------------------------------------------
@app.command()
def review(
    ctx: typer.Context,
    change: str = typer.Argument(..., help="The change, as vendor/document@N: the change into version N."),
    status: ReviewStatus = typer.Option(..., "--status", help="reviewed, acknowledged or dismissed."),
    note: str = typer.Option("", "--note", help="Why: what was decided, a ticket number..."),
    by: Optional[str] = typer.Option(None, "--by", help="Who decided (default: your login name)."),
    as_json: bool = typer.Option(False, "--json", help="Print the decision as JSON."),
) -> None:
    """Record a decision on a change: who decided what and when. Every decision is kept; the last one is
    the change's state, shown in the report and the export. The report is refreshed when [report] is set.

    Example: policy-monitor review acme/privacy@4 --status reviewed --note "legal: OK, DPA covers it" --by alice
    """
    from monitor.clock import iso
    from monitor.jobs.report import refresh_report

    match = _CHANGE_REF.match(change)
    if match is None:
        raise UsageError(f"{change!r} is not a change", "write vendor/document@N, e.g. acme/privacy@4 (see `policy-monitor changes`)")
    document, number = match["document"], int(match["number"])
    who = by or _login()
    store = state_of(ctx).store()
    try:
        store.document(document)
        row = store.record_review(document, number, status.value, who, note)
        watchlist = _watchlist(ctx)
        if watchlist is not None:
            refresh_report(watchlist, store, [document])
    finally:
        store.close()
    if as_json:
        print_json({"change": change, "status": row.status, "by": row.decided_by, "at": iso(row.decided_at), "note": row.note})
        return
    typer.echo(f"{change}: {row.status} by {row.decided_by} at {iso(row.decided_at)}" + (f" — {row.note}" if row.note else ""))


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "unknown"


# --- export ------------------------------------------------------------------------------------
@app.command()
def export(
    ctx: typer.Context,
    since: Optional[datetime] = typer.Option(None, "--since", formats=["%Y-%m-%d"], help="Only changes detected on or after this day (UTC; default: all)."),
    fmt: ExportFormat = typer.Option(ExportFormat.jsonl, "--format", help="jsonl (one record a line), csv, or zip (both, with the raw snapshots and texts)."),
    out: Optional[Path] = typer.Option(None, "--out", help="File to write (default: standard output; for zip, policy-monitor-evidence-DATE.zip)."),
) -> None:
    """Export an evidence record per change: document, URL, capture times, sha256 of each raw page and
    text, the classification, the clauses before and after, and the review decisions with their authors.

    Example: policy-monitor export --since 2026-11-01 --format zip --out evidence-november.zip
    """
    from monitor.jobs.evidence import export_text, export_zip

    moment = since.replace(tzinfo=timezone.utc) if since else None
    watchlist = _watchlist(ctx)
    base = watchlist.report.base_url if watchlist is not None else None
    store = state_of(ctx).store()
    try:
        if fmt is ExportFormat.zip:
            target = out or Path(f"policy-monitor-evidence-{since.date().isoformat() if since else 'all'}.zip")
            count = export_zip(store, moment, target, base)
            typer.echo(f"wrote {_n(count, 'evidence record')}, with their snapshots, to {target}", err=True)
            return
        text, count = export_text(store, moment, fmt.value, base)
    finally:
        store.close()
    if out is None:
        sys.stdout.write(text)
        return
    out.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {_n(count, 'evidence record')} to {out}", err=True)
