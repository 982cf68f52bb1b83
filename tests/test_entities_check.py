"""Sub-processor lists and DPAs through `check` on a loopback vendor site, as a user runs it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from entity_pages import ACME, ROWS, bulleted_list, dpa, html_table
from monitor.clock import utcnow
from monitor.store import migrations
from monitor.store.store import Store
from receivers import JsonReceiver


@pytest.fixture
def hook():
    with JsonReceiver() as receiver:
        yield receiver


def write_watchlist(path, server, hook, docs: dict[str, str]) -> None:
    lines = ['[settings]', 'database = "pm.db"', 'retry_backoff = 0', '',
             '[[vendors]]', 'id = "tallyhoo"', 'name = "Tallyhoo"', '']
    for kind, route in docs.items():
        lines += ['[[vendors.documents]]', f'id = "{kind}"', f'kind = "{kind}"', f'url = "{server.url(route)}"', '']
    lines += ['[[notify]]', f'url = "{hook.url()}"', 'min_severity = "minor"', '']
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture
def site(server, cli, hook):
    server.set("/subprocessors", html_table())
    server.set("/dpa", dpa(), content_type="text/markdown; charset=utf-8")
    write_watchlist(cli.watchlist, server, hook, {"subprocessors": "/subprocessors", "dpa": "/dpa"})
    first = cli.json("check")
    assert {d["document"]: d["outcome"] for d in first["documents"]} == {
        "tallyhoo/subprocessors": "new", "tallyhoo/dpa": "new"}
    return server


def check(cli, document: str = "tallyhoo/subprocessors") -> dict:
    report = cli.json("check")
    return next(d for d in report["documents"] if d["document"] == document)


def last_change(cli, document: str = "tallyhoo/subprocessors") -> dict:
    return cli.json("changes", document)[-1]


def test_a_row_added_is_material_and_the_message_says_who_what_where_and_by_when(site, cli, hook):
    site.set("/subprocessors", html_table(ROWS + [ACME]))
    doc = check(cli)
    assert doc["outcome"] == "changed" and doc["change"]["severity"] == "material"
    change = last_change(cli)
    assert change["reason"] == "new sub-processor: Acme Analytics (product analytics; United States)"
    assert change["entities"] == [{
        "change": "added", "name": "Acme Analytics", "purpose": "Product analytics", "location": "United States",
        "severity": "material", "categories": ["sharing"], "reason": change["reason"],
    }]
    today = utcnow().date()
    from datetime import timedelta

    assert change["notice"]["days"] == 30
    assert change["objection_deadline"] == (today + timedelta(days=30)).isoformat()
    message = hook.posts[-1]
    assert message["title"] == "Tallyhoo subprocessors: material change (sharing)"
    body = message["message"]
    assert "Why: new sub-processor: Acme Analytics (product analytics; United States)" in body
    assert f"Object by: {change['objection_deadline']} (the page gives 30 days' notice)" in body
    assert "Added: Acme Analytics — Product analytics — United States" in body


def test_a_row_removed_is_minor(site, cli):
    site.set("/subprocessors", html_table(ROWS[:-1]))
    assert check(cli)["change"]["severity"] == "minor"
    change = last_change(cli)
    assert [e["change"] for e in change["entities"]] == ["removed"] and change["objection_deadline"] is None


def test_a_country_changed_is_a_material_transfer(site, cli):
    moved = [(n, p, "Singapore" if n.startswith("Zendesk") else c) for n, p, c in ROWS]
    site.set("/subprocessors", html_table(moved))
    assert check(cli)["change"]["categories"] == ["transfer"]
    entity = last_change(cli)["entities"][0]
    assert (entity["change"], entity["location"], entity["old_location"], entity["new_countries"]) == (
        "location", "Singapore", "Ireland", ["Singapore"])


@pytest.mark.parametrize("page", [html_table(sorted(ROWS, reverse=True)), bulleted_list()], ids=["re-sorted", "table-to-list"])
def test_a_re_sorted_or_re_laid_out_list_is_noise_and_nobody_is_told(site, cli, hook, page):
    site.set("/subprocessors", page)
    doc = check(cli)
    assert doc["outcome"] == "changed" and doc["change"]["severity"] == "noise"
    assert hook.posts == []


def test_the_notice_period_shortened_in_the_dpa_is_material_with_the_clause_before_and_after(site, cli, hook):
    site.set("/dpa", dpa(notice=10), content_type="text/markdown; charset=utf-8")
    doc = check(cli, "tallyhoo/dpa")
    assert doc["change"]["material"] and "change_notice" in doc["change"]["categories"]
    change = last_change(cli, "tallyhoo/dpa")
    assert change["reason"] == "change_notice: sub-processor notice '30 days before' became '10 days before'"
    clause = next(c for c in change["clauses"] if c["severity"] == "material")
    assert "at least 30 days before" in clause["old"] and "at least 10 days before" in clause["new"]
    assert "Before:" in hook.posts[-1]["message"] and "After:" in hook.posts[-1]["message"]


def test_the_notice_period_shortened_on_the_list_page_is_material(site, cli):
    site.set("/subprocessors", html_table(notice=10))
    doc = check(cli)
    assert doc["change"]["material"], doc
    assert last_change(cli)["reason"].startswith("change_notice: sub-processor notice '30 days before' became '10 days before'")


def test_a_short_list_naming_ddos_protection_is_stored(server, cli, hook):
    server.set("/subprocessors", html_table())
    write_watchlist(cli.watchlist, server, hook, {"subprocessors": "/subprocessors"})
    doc = check(cli)
    assert doc["outcome"] == "new", doc["error"]


def test_a_database_from_before_entities_is_upgraded_in_place(tmp_path):
    """A database the first release wrote (tests/fixtures/schema_v1.sql) gains the entity columns."""
    path = tmp_path / "pm.db"
    with sqlite3.connect(path) as db:
        db.executescript((Path(__file__).parent / "fixtures" / "schema_v1.sql").read_text(encoding="utf-8"))
    store = Store.open(path)
    assert store.schema_version() == migrations.LATEST
    store.close()
    with sqlite3.connect(path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(change)")]
    assert {"entities", "notice"} <= set(columns)


def test_changes_json_carries_entities_for_scripts(site, cli):
    site.set("/subprocessors", html_table(ROWS + [ACME]))
    check(cli)
    raw = cli("changes", "tallyhoo/subprocessors", "--json").stdout
    assert json.loads(raw)[-1]["entities"][0]["name"] == "Acme Analytics"
    text = cli("changes", "tallyhoo/subprocessors").stdout
    assert "new sub-processor: Acme Analytics (product analytics; United States)" in text and "object by " in text


def test_diff_compares_two_files_as_a_kind(tmp_path, cli):
    old, new = tmp_path / "old.html", tmp_path / "new.html"
    old.write_text(html_table(), encoding="utf-8")
    new.write_text(html_table(ROWS + [ACME]), encoding="utf-8")
    result = cli("diff", str(old), str(new), "--kind", "subprocessors")
    assert result.exit_code == 0 and "new sub-processor: Acme Analytics (product analytics; United States)" in result.stdout
    wrong = cli("diff", str(old), str(new), "--kind", "contract")
    assert wrong.exit_code == 2 and "unknown document kind 'contract'" in wrong.output
