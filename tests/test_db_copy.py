"""`db copy`: a SQLite history moved to PostgreSQL whole, verified, and a second copy adds nothing."""

from __future__ import annotations

import json

from monitor.store.store import Store
from pages import RETENTION, SALE, policy_html


def test_db_copy_round_trip(server, make_watchlist, cli, tmp_path, pg_url):
    server.set("/acme/privacy", policy_html(RETENTION))
    server.set("/beta/privacy", policy_html(RETENTION, SALE))
    make_watchlist({"acme/privacy": server.url("/acme/privacy"), "beta/privacy": server.url("/beta/privacy")})
    cli.json("check")
    server.set("/acme/privacy", policy_html(RETENTION, SALE))
    cli.json("check")

    first = cli("db", "copy", "--to", pg_url, "--json")
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["copied"]["version"] == 3 and report["copied"]["change"] == 1 and report["copied"]["outbox"] == 1
    assert report["copied"] == report["total"] and report["blobs_verified"] == report["total"]["blob"]

    again = json.loads(cli("db", "copy", "--to", pg_url, "--json").stdout)
    assert sum(again["copied"].values()) == 0

    # The commands read the same history from the copy.
    for command in (["history", "acme/privacy"], ["changes"], ["show", "acme/privacy"]):
        assert cli.json("--db", pg_url, *command) == cli.json(*command)
    # And the copy goes on: a new run there numbers its rows after the copied ones.
    server.set("/beta/privacy", policy_html(RETENTION))
    run = cli.json("--db", pg_url, "check")
    assert {d["document"]: d["outcome"] for d in run["documents"]}["beta/privacy"] == "changed"
    store = Store.open(pg_url)
    try:
        assert [c.to_version for c in store.changes("beta/privacy")] == [2]
        assert store.runs(1)[0].id == 3
    finally:
        store.close()
