"""`policy-monitor demo`: the whole main job offline, in a minute.

Three synthetic vendors (HTML, markdown and plain text) are served from a loopback server; the demo
checks them, rewrites Acme's policy the way vendors do (a sale clause, a retention period, a new
recipient, plus a new "last updated" date), checks again and shows what a user would be told.
"""

from __future__ import annotations

import tempfile
from importlib import resources
from pathlib import Path

from rich.console import Console

from monitor.config import load_watchlist
from monitor.demo.server import PolicyServer
from monitor.jobs.check import run_check
from monitor.store.store import Store

VENDORS = (
    # (vendor id, name, page file, content type)
    ("acme", "Acme CRM", "acme-crm.html", "text/html; charset=utf-8"),
    ("chatly", "Chatly live chat", "chatly.md", "text/markdown; charset=utf-8"),
    ("metricly", "Metricly analytics", "metricly.txt", "text/plain; charset=utf-8"),
)

# What Acme changes between the two checks: the kinds of edit nobody reads until it matters.
ACME_EDITS = (
    ("Last updated: March 3, 2026", "Last updated: November 2, 2026"),
    (
        "We do not sell your personal information, and we do not share it with third parties for their advertising.",
        "We may sell your personal information to advertising partners and data brokers.",
    ),
    ("We delete usage logs after 30 days.", "We keep usage logs for 2 years."),
)


def page(name: str) -> str:
    return resources.files("monitor.demo").joinpath("pages", name).read_text(encoding="utf-8")


def edited_acme_page() -> str:
    html = page("acme-crm.html")
    for old, new in ACME_EDITS:
        assert old in html, old  # the demo's own page must hold what it edits
        html = html.replace(old, new)
    return html


def write_watchlist(directory: Path, server: PolicyServer) -> Path:
    lines = ["[settings]", 'database = "policy-monitor.db"', ""]
    for vendor_id, name, _file, _type in VENDORS:
        lines += [
            "[[vendors]]", f'id = "{vendor_id}"', f'name = "{name}"', "",
            "[[vendors.documents]]", 'id = "privacy"', 'kind = "privacy"', f'url = "{server.url(f"/{vendor_id}/privacy")}"', "",
        ]
    path = directory / "watchlist.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def run_demo(directory: Path | None, console: Console) -> None:
    from monitor.render.terminal import print_comparison

    directory = Path(directory or tempfile.mkdtemp(prefix="policy-monitor-demo-"))
    directory.mkdir(parents=True, exist_ok=True)
    with PolicyServer() as server:
        for vendor_id, _name, file, content_type in VENDORS:
            server.set(f"/{vendor_id}/privacy", page(file), content_type=content_type)
        watchlist_path = write_watchlist(directory, server)
        watchlist = load_watchlist(watchlist_path)
        store = Store.open(directory / "policy-monitor.db")
        try:
            console.rule("[bold]1. First check: three vendors, served on loopback")
            first = run_check(watchlist, store)
            for result in first.results:
                console.print(f"  {result.document:18} {result.outcome:9} version {result.version}")

            console.rule("[bold]2. Acme rewrites its privacy policy; the others do not")
            server.set("/acme/privacy", edited_acme_page())
            second = run_check(watchlist, store)
            for result in second.results:
                console.print(f"  {result.document:18} {result.outcome}")

            console.rule("[bold]3. What the privacy team is told")
            for result in second.results:
                if result.change is not None:
                    console.print(f"[bold]{result.document}[/bold] version {result.version - 1} → {result.version}")
                    print_comparison(console, result.change)
        finally:
            store.close()
    console.rule()
    console.print(f"The demo's watchlist and database are in {directory}. Try:", soft_wrap=True)
    for command in ("history acme/privacy", "changes --material", "diff acme/privacy --from 1 --to 2", "show acme/privacy --version 2",
                    f"report --out {directory / 'site'}", "review acme/privacy@2 --status reviewed --note 'checked with legal'"):
        # soft_wrap: a command must stay on one line to be copied.
        console.print(f"  policy-monitor --watchlist {watchlist_path} {command}", soft_wrap=True)
