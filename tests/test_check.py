"""`check` end to end against a loopback vendor server and a real SQLite file."""

from __future__ import annotations

import sqlite3

import pytest

BACKENDS = ("sqlite", "postgresql")  # conftest.py: every watchlist test runs on both

POLICY = """<!doctype html><html><head><script nonce="{{nonce}}">var t = "{{nonce}}";</script></head>
<body><nav><a href="/">Home</a></nav><main>
<h1>Example Privacy Policy</h1>
<p>We collect your email address and company name when you sign up for an account.</p>
<p>We use this information to provide the service and to answer your support requests.</p>
<h2>Sharing</h2>
<p>We do not sell your personal information.</p>
<p>We share data only with the hosting providers that run our servers on our behalf.</p>
<h2>Retention</h2>
<p>We delete server logs after thirty days and account data when you close your account.</p>
<form><input type="hidden" name="csrf" value="{{nonce}}"></form>
</main><footer>Copyright 2026</footer></body></html>"""

BETA = """# Beta privacy notice

Beta keeps the messages you send through its widget for as long as your workspace exists.

- We record the browser language and an approximate location for each visitor.
- We keep access logs for thirty days, then delete them for good.
- We never show advertising inside the widget or to the people who use it.
"""

CHANGED = POLICY.replace("We do not sell your personal information.", "We may sell your personal information to data brokers.")


@pytest.fixture
def two_vendors(server, make_watchlist, cli):
    server.set("/acme/privacy", POLICY)
    server.set("/beta/privacy", BETA, content_type="text/markdown")
    make_watchlist({"acme/privacy": server.url("/acme/privacy"), "beta/privacy": server.url("/beta/privacy")})
    return server


def outcomes(run: dict) -> dict[str, str]:
    return {d["document"]: d["outcome"] for d in run["documents"]}


def test_first_check_stores_a_version_per_document(two_vendors, cli, tmp_path):
    run = cli.json("check")
    assert outcomes(run) == {"acme/privacy": "new", "beta/privacy": "new"}
    assert run["counts"] == {"new": 2, "changed": 0, "unchanged": 0, "failed": 0}
    shown = cli.json("show", "acme/privacy", "--version", "1")
    assert shown["document"] == "acme/privacy" and shown["version"] == 1
    assert "We do not sell your personal information." in shown["text"]
    assert "Home" not in shown["text"] and "Copyright" not in shown["text"] and "var t" not in shown["text"]


def test_unchanged_page_with_fresh_nonces_is_not_a_new_version(two_vendors, cli, tmp_path):
    cli.json("check")
    blobs_before = _count(cli, "blob")
    run = cli.json("check")
    assert outcomes(run) == {"acme/privacy": "unchanged", "beta/privacy": "unchanged"}
    assert [v["version"] for v in cli.json("history", "acme/privacy")] == [1]
    assert _count(cli, "blob") == blobs_before  # no second copy of the page
    assert two_vendors.hits["/acme/privacy"] == 2


def test_a_changed_page_becomes_version_2_and_a_change(two_vendors, cli):
    cli.json("check")
    two_vendors.set("/acme/privacy", CHANGED)
    run = cli.json("check")
    assert outcomes(run) == {"acme/privacy": "changed", "beta/privacy": "unchanged"}
    history = cli.json("history", "acme/privacy")
    assert [v["version"] for v in history] == [1, 2]
    assert {"version", "sha256", "first_seen", "last_seen", "source", "captured_at"} <= set(history[0])
    assert history[0]["source"] == "live" and history[0]["sha256"] != history[1]["sha256"]
    changes = cli.json("changes")
    assert len(changes) == 1
    change = changes[0]
    assert (change["document"], change["from_version"], change["to_version"]) == ("acme/privacy", 1, 2)
    assert {"detected_at", "material", "severity", "categories", "clauses"} <= set(change)
    assert "data brokers" in cli.json("show", "acme/privacy")["text"]


def test_a_failing_site_is_recorded_and_the_run_goes_on(two_vendors, make_watchlist, cli, tmp_path):
    make_watchlist({
        "acme/privacy": two_vendors.url("/acme/privacy"),
        "gone/privacy": two_vendors.url("/nothing-here"),
    })
    result = cli("check", "--json")
    assert result.exit_code == 3
    import json

    run = json.loads(result.stdout)
    assert outcomes(run) == {"acme/privacy": "new", "gone/privacy": "failed"}
    failed = next(d for d in run["documents"] if d["outcome"] == "failed")
    assert failed["http_status"] == 404 and "HTTP 404" in failed["error"]
    cli("check")
    assert _query(cli, "SELECT consecutive_failures FROM document WHERE id = 'gone/privacy'") == [(2,)]
    assert _query(cli, "SELECT status FROM run ORDER BY id") == [("partial",), ("partial",)]


def test_unreachable_host_fails_that_document_only(server, make_watchlist, cli):
    server.set("/acme/privacy", POLICY)
    make_watchlist({"acme/privacy": server.url("/acme/privacy"), "down/privacy": "http://127.0.0.1:9/privacy"}, {"retries": 0})
    result = cli("check")
    assert result.exit_code == 3
    assert "1 new" in result.stdout and "1 failed" in result.stdout


def test_conditional_get_uses_the_etag(server, make_watchlist, cli):
    server.set("/acme/privacy", POLICY.replace("{{nonce}}", "fixed"), etag=True)
    make_watchlist({"acme/privacy": server.url("/acme/privacy")})
    cli.json("check")
    run = cli.json("check")
    assert outcomes(run) == {"acme/privacy": "unchanged"}
    assert run["documents"][0]["http_status"] == 304
    assert server.requests[-1][1].get("If-None-Match", "").startswith('"')


def test_history_hangs_on_the_id_not_the_url(server, make_watchlist, cli):
    server.set("/old/privacy", POLICY)
    server.set("/new/privacy", CHANGED)
    make_watchlist({"acme/privacy": server.url("/old/privacy")})
    cli.json("check")
    make_watchlist({"acme/privacy": server.url("/new/privacy")})
    assert outcomes(cli.json("check")) == {"acme/privacy": "changed"}
    assert [v["url"] for v in cli.json("history", "acme/privacy")] == [server.url("/old/privacy"), server.url("/new/privacy")]


def test_check_selected_documents_only(two_vendors, cli):
    run = cli.json("check", "beta")
    assert outcomes(run) == {"beta/privacy": "new"}
    assert two_vendors.hits["/acme/privacy"] == 0


def test_unknown_document_is_a_usage_error(two_vendors, cli):
    result = cli("check", "nobody/privacy")
    assert result.exit_code == 2
    assert "'nobody/privacy' is not in the watchlist" in result.stderr


def test_summary_is_one_line_when_not_a_terminal(two_vendors, cli):
    result = cli("check")
    assert result.exit_code == 0
    assert result.stdout.count("\n") == 1
    assert "2 new, 0 changed, 0 unchanged, 0 failed" in result.stdout


@pytest.mark.sqlite_only
def test_database_path_precedence(two_vendors, cli, tmp_path):
    explicit = tmp_path / "explicit.db"
    from_env = tmp_path / "env.db"
    cli("--db", str(explicit), "check")
    cli("check", env={"POLICY_MONITOR_DB": str(from_env)})
    assert explicit.exists() and from_env.exists()
    assert not (tmp_path / "pm.db").exists()


def test_queries_name_what_is_missing(two_vendors, cli):
    cli.json("check")
    result = cli("show", "acme/privacy", "--version", "7")
    assert result.exit_code == 2 and "acme/privacy has no version 7" in result.stderr
    result = cli("history", "nobody/privacy")
    assert result.exit_code == 2 and "no document 'nobody/privacy'" in result.stderr


def test_changes_filters(two_vendors, cli):
    cli.json("check")
    two_vendors.set("/acme/privacy", CHANGED)
    cli.json("check")
    assert len(cli.json("changes", "acme/privacy", "--since", "2000-01-01")) == 1
    assert cli.json("changes", "--since", "2999-01-01") == []
    assert cli.json("changes", "beta/privacy") == []
    result = cli("changes", "--category", "gossip")
    assert result.exit_code == 2 and "unknown category 'gossip'" in result.stderr


def _query(cli, sql: str) -> list[tuple]:
    """Rows from the watchlist's database, whichever backend it is."""
    from sqlalchemy import text

    from monitor.config import database_path, load_watchlist
    from monitor.store.store import Store

    settings = load_watchlist(cli.watchlist).settings
    url = settings.database if "://" in settings.database else database_path(cli.watchlist, settings)
    store = Store.open(url, create=False)
    try:
        with store.engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        store.close()


def _count(cli, table: str) -> int:
    return _query(cli, f"SELECT count(*) FROM {table}")[0][0]


def test_check_tells_a_webhook_once_and_retries_a_target_that_was_down(server, make_watchlist, cli):
    from pages import RETENTION, SALE, policy_html
    from receivers import JsonReceiver

    with JsonReceiver() as hook:
        server.set("/acme/privacy", policy_html(vendor="Acme"))
        path = make_watchlist({"acme/privacy": server.url("/acme/privacy")})
        path.write_text(path.read_text() + f'\n[[notify]]\nurl = "{hook.url()}"\n', encoding="utf-8")
        assert cli("check").exit_code == 0
        assert hook.posts == []  # a first version is not news

        server.set("/acme/privacy", policy_html(SALE, RETENTION, vendor="Acme"))
        hook.status = 503
        down = cli("check")
        assert down.exit_code == 3
        assert "notification to json://127.0.0.1" in down.stderr
        assert hook.posts == []

        hook.status = 200
        assert cli("check").exit_code == 0
        assert len(hook.posts) == 1
        body = hook.posts[0]["message"]
        assert "acme/privacy" in hook.posts[0]["title"] + body
        assert "data brokers" in body and "policy-monitor diff acme/privacy --from 1 --to 2" in body
        assert cli("check").exit_code == 0
        assert len(hook.posts) == 1  # never twice


def test_worker_processes_give_the_same_results_as_one_process(server, make_watchlist, cli):
    """settings.workers forces the process pool on a small run; errors cross the process boundary whole."""
    from pages import SALE, policy_html

    pages = {f"v{i}/privacy": policy_html(vendor=f"Vendor {i}") for i in range(6)}
    for key, html in pages.items():
        server.set(f"/{key}", html)
    server.set("/empty/privacy", "")  # a ContentError raised in a worker
    urls = {key: server.url(f"/{key}") for key in [*pages, "empty/privacy"]}
    make_watchlist(urls, {"workers": 2})
    first = cli.json("check")
    assert first["counts"] == {"new": 6, "changed": 0, "unchanged": 0, "failed": 1}
    failed = next(d for d in first["documents"] if d["outcome"] == "failed")
    assert "holds no text" in failed["error"]
    server.set("/v3/privacy", policy_html(SALE, vendor="Vendor 3"))
    second = cli.json("check")
    assert second["counts"] == {"new": 0, "changed": 1, "unchanged": 5, "failed": 1}
    changed = next(d for d in second["documents"] if d["outcome"] == "changed")
    assert changed["document"] == "v3/privacy" and changed["change"]["material"] is True


GERMAN = """# Datenschutzerklärung

## Weitergabe

Wir geben Ihre Daten nicht an Dritte weiter, und wir verkaufen sie nicht. Die Daten werden nur für den Betrieb des Dienstes genutzt.

## Speicherdauer

Wir speichern die Protokolle für {days} Tage und löschen sie dann. Sie können die Löschung Ihrer Daten jederzeit verlangen.

## Ihre Rechte

Sie haben das Recht auf Auskunft und auf Berichtigung der Daten, die wir über Sie speichern. Wenden Sie sich dazu an den Kundendienst.
"""


def test_a_german_policy_is_judged_like_an_english_one(server, make_watchlist, cli):
    """Read through the German phrasebook: a longer retention period alerts, quoting the German words."""
    server.set("/de/privacy", GERMAN.format(days=30), content_type="text/markdown")
    make_watchlist({"de/privacy": server.url("/de/privacy")})
    assert cli.json("check")["counts"]["new"] == 1
    server.set("/de/privacy", GERMAN.format(days=730), content_type="text/markdown")
    run = cli.json("check")
    assert run["counts"]["changed"] == 1
    (change,) = cli.json("changes", "de/privacy")
    assert change["material"] is True and change["categories"] == ["retention"]
    assert "'30 tage' became '730 tage'" in change["reason"]


def test_document_states_are_read_a_chunk_at_a_time_and_registration_keeps_moved_urls_apart(tmp_path):
    """1,200 documents: registered in chunks, a moved URL loses its validators and only that one;
    their states read 500 at a time in the order asked for, each the store's own."""
    from dataclasses import replace

    from monitor.jobs.check import StateInChunks
    from monitor.store.store import DocumentInfo, Store

    store = Store.open(str(tmp_path / "pm.db"), create=True)
    try:
        infos = [DocumentInfo(f"v{n:04d}/privacy", f"v{n:04d}", f"Vendor {n}", "privacy", f"https://v{n}.example/p")
                 for n in range(1200)]
        store.sync_documents(infos)
        with store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE document SET etag = 'e1'")
        moved = 1100  # in the third chunk of the registration
        infos[moved] = replace(infos[moved], url="https://elsewhere.example/p")
        store.sync_documents(infos)
        everything = store.run_state()
        order = [i.id for i in reversed(infos)]
        queries = []
        original = store.run_state
        store.run_state = lambda keys=None: queries.append(len(keys)) or original(keys)
        chunks = StateInChunks(store, order, chunk=500)
        states = {key: chunks.pop(key) for key in order}
    finally:
        store.close()
    assert states == everything and len(states) == 1200
    assert queries == [500, 500, 200]
    assert [k for k, s in everything.items() if s.etag is None] == [infos[moved].id]
