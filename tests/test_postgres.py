"""PostgreSQL specifics: the URL, the password never printed, one-line faults. (The command suite runs
on PostgreSQL too: see BACKENDS in test_check.py and the parametrized store fixtures.)"""

from __future__ import annotations

import pytest

from monitor.errors import StoreError
from monitor.store import migrations
from monitor.store.store import Store


def test_a_postgresql_url_opens_at_the_latest_schema(pg_url):
    store = Store.open(pg_url)
    try:
        assert store.schema_version() == migrations.LATEST
        assert store.label == pg_url
    finally:
        store.close()


def test_the_password_is_never_printed(postgres_server):
    url = f"postgresql://postgres:hunter2-secret@127.0.0.1:{postgres_server.port}/no_such_database"
    with pytest.raises(StoreError) as caught:
        Store.open(url)
    assert "hunter2-secret" not in str(caught.value)
    assert "cannot connect" in str(caught.value) and "no_such_database" in str(caught.value)


def test_a_server_that_is_down_is_one_line(postgres_server):
    with pytest.raises(StoreError) as caught:
        Store.open("postgresql://postgres@127.0.0.1:9/pm")
    assert "\n" not in str(caught.value) and "cannot connect" in str(caught.value)


def test_the_cli_takes_a_url_from_the_environment(pg_url, cli, make_watchlist, server):
    server.set("/acme/privacy", "<main><h1>Privacy</h1><p>" + "We keep your account data while you use the service. " * 20 + "</p></main>")
    make_watchlist({"acme/privacy": server.url("/acme/privacy")})
    result = cli("check", "--json", env={"POLICY_MONITOR_DB": pg_url})
    assert result.exit_code == 0, result.output
    assert [v["version"] for v in cli.json("--db", pg_url, "history", "acme/privacy")] == [1]
