"""Commands that read the history: history, show, changes, diff. Each has --json."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from monitor.cli.base import app, console, print_json, short_time, state_of, text_table
from monitor.clock import iso
from monitor.errors import UsageError

if TYPE_CHECKING:
    from monitor.store.reader import Reader
    from monitor.store.store import Store


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
    store = state_of(ctx).reader()
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
        print_json(rows)
        return
    if not rows:
        typer.echo(f"{document}: no versions yet (run `policy-monitor check {document}`)")
        return
    typer.echo(document)
    typer.echo(text_table(
        ("version", "first seen (UTC)", "last seen (UTC)", "source", "sha256"),
        [(str(r["version"]), short_time(r["first_seen"]), short_time(r["last_seen"]), r["source"], r["sha256"][:12]) for r in rows],
    ))


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
    store = state_of(ctx).reader()
    row = store.version(document, version)
    text = store.text(row.sha256)
    if as_json:
        print_json(
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
    unreviewed: bool = typer.Option(False, "--unreviewed", help="Only changes nobody has reviewed yet (see `review`)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List detected changes, oldest first.

    Example: policy-monitor changes acme/privacy --since 2026-03-01 --category sharing
    """
    from monitor.classifier import CATEGORIES

    if category is not None and category not in CATEGORIES:
        raise UsageError(f"unknown category {category!r}", f"use one of: {', '.join(CATEGORIES)}")
    store = state_of(ctx).reader()
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
            "entities": list(c.entities),
            "notice": c.notice,
            "objection_deadline": (c.notice or {}).get("objection_deadline"),
        }
        for c in store.changes(document, since=since.replace(tzinfo=timezone.utc) if since else None, material=True if material else None, category=category)
    ]
    decided = store.reviews(document)
    for row in rows:  # the latest decision is the change's review state; every decision is kept
        latest = (decided.get((row["document"], row["to_version"])) or [None])[-1]
        row["review"] = None if latest is None else {
            "status": latest.status, "by": latest.decided_by, "at": iso(latest.decided_at), "note": latest.note,
        }
    if unreviewed:
        rows = [r for r in rows if r["review"] is None]
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo("no changes recorded" + (" matching those filters" if (since or material or category or unreviewed) else ""))
        return
    # One line a change, then its reason: greppable, and readable at any terminal width. Written
    # at once: ten thousand changes are forty thousand lines.
    lines = []
    for row in rows:
        categories = ", ".join(row["categories"]) or "-"
        lines.append(
            f"{short_time(row['detected_at'])}  {row['document']}  v{row['from_version']}→v{row['to_version']}  "
            f"{row['severity']}  [{categories}]"
        )
        lines.append(f"    {row['reason']}")
        if row["review"]:
            lines.append(f"    {row['review']['status']} by {row['review']['by']}" + (f": {row['review']['note']}" if row["review"]["note"] else ""))
        if row["objection_deadline"]:
            lines.append(f"    object by {row['objection_deadline']}")
    typer.echo("\n".join(lines))


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
    kind: Optional[str] = typer.Option(None, "--kind", help="Compare as this document kind: subprocessors (entity by entity), dpa (by its promises); default: the stored document's, else privacy."),
) -> None:
    """Compare two files, or two stored versions of a document, clause by clause.

    Exits 0 whether or not the texts differ.

    Example: policy-monitor diff old.html new.html   |   policy-monitor diff acme/privacy --from 3 --to 4
    |   policy-monitor diff old.html new.html --kind subprocessors
    """
    from typing import get_args

    from monitor.config import DocumentKind
    from monitor.engine.gate import judge_pair

    kinds = get_args(DocumentKind)
    if kind is not None and kind not in kinds:
        raise UsageError(f"unknown document kind {kind!r}", f"use one of: {', '.join(kinds)}")
    if new is not None:
        old_text, new_text = _file_text(old), _file_text(new)
    else:
        store = state_of(ctx).reader()
        old_text, new_text = _stored_pair(store, old, from_version, to_version)
        kind = kind or store.document(old).kind  # a sub-processor list is compared entity by entity
    _print_judgement(judge_pair(old_text, new_text, kind or "privacy"), as_json, show_all)


def _print_judgement(judgement, as_json: bool, show_all: bool) -> None:  # noqa: ANN001 - a gate.Judgement
    """The quality gate's word first (why a pair is not reported), then the clause changes."""
    comparison = judgement.comparison
    if as_json:
        data = comparison.to_dict() if comparison is not None else {"material": False, "severity": "noise",
                                                                     "categories": [], "direction": "none",
                                                                     "clauses": [], "kept": None}
        data["reason"] = judgement.verdict
        print_json({**data, "material": judgement.material, "quality": judgement.quality})
        return
    if judgement.problem is not None:
        typer.echo(judgement.verdict)
    if comparison is not None:
        from monitor.render.terminal import print_comparison

        print_comparison(console(), comparison, show_all=show_all)


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
