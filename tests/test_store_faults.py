"""Database faults are one line and recoverable: disk full, a corrupt file, a missing or empty one;
large change records compressed; a change computed against the version it follows."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime, timezone

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from monitor.engine.compare import compare
from monitor.errors import StoreError
from monitor.store.records import COMPRESS_OVER
from monitor.store.store import DocumentInfo, Observation, Store
from pages import RETENTION, SALE, policy_html

DOC = DocumentInfo("acme/privacy", "acme", "Acme", "privacy", "https://acme.example/privacy")


@pytest.fixture
def full_disk():
    """SQLite's own limit on the file's pages: writes past it fail with SQLITE_FULL, as on a full disk."""
    limit = {"pages": None}

    def cap(dbapi_connection, _record):  # noqa: ANN001
        if limit["pages"] is not None and "sqlite" in type(dbapi_connection).__module__:
            dbapi_connection.execute(f"PRAGMA max_page_count = {limit['pages']}")

    event.listen(Engine, "connect", cap)
    yield limit
    event.remove(Engine, "connect", cap)


def test_disk_full_is_one_line_the_run_failed_and_the_next_run_fine(server, make_watchlist, cli, tmp_path, full_disk):
    server.set("/acme/privacy", policy_html())
    make_watchlist({"acme/privacy": server.url("/acme/privacy")})
    cli.json("check")
    pages = sqlite3.connect(tmp_path / "pm.db").execute("PRAGMA page_count").fetchone()[0]
    # An appendix that does not compress (each sentence names another record), so it needs new pages.
    appendix = "".join(f"<p>Record {hashlib.sha256(str(n).encode()).hexdigest()} is kept for {n} days.</p>" for n in range(3000))
    server.set("/acme/privacy", policy_html(RETENTION, SALE).replace("</main>", appendix + "</main>"))
    full_disk["pages"] = pages  # no room for the new version's text and page
    result = cli("check")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"Error: {tmp_path / 'pm.db'}: disk full — free space; nothing was lost"]
    with sqlite3.connect(tmp_path / "pm.db") as db:
        assert db.execute("SELECT status, error FROM run ORDER BY id DESC LIMIT 1").fetchone() == (
            "failed", f"{tmp_path / 'pm.db'}: disk full — free space; nothing was lost")
        assert db.execute("SELECT count(*) FROM version").fetchone() == (1,)
    full_disk["pages"] = None  # space again
    run = cli.json("check")
    assert [d["outcome"] for d in run["documents"]] == ["changed"]
    assert [r["version"] for r in cli.json("history", "acme/privacy")] == [1, 2]


def test_a_file_that_is_not_a_database_says_corrupt_in_one_line(tmp_path, cli):
    db = tmp_path / "pm.db"
    Store.open(db).close()
    data = bytearray(db.read_bytes())
    data[:16] = b"garbage garbage!"
    db.write_bytes(bytes(data))
    result = cli("--db", str(db), "status")
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "corrupt" in result.stderr and "sqlite3 FILE .recover" in result.stderr and "SELECT" not in result.stderr


def test_garbage_in_the_last_pages_is_found_on_open(tmp_path):
    db = tmp_path / "pm.db"
    store = Store.open(db)
    store.sync_documents([DocumentInfo(f"v{n}/privacy", f"v{n}", "V", "privacy", "https://v.example/") for n in range(400)])
    store.close()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    page = 4096
    data[-3 * page:-page] = bytes(range(256)) * (2 * page // 256)
    db.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="corrupt") as caught:
        Store.open(db)
    assert "restore it from a backup" in str(caught.value)


def test_status_finds_garbage_in_the_last_pages_though_queries_skip_the_check(tmp_path, cli):
    db = tmp_path / "pm.db"
    store = Store.open(db)
    store.sync_documents([DocumentInfo(f"v{n}/privacy", f"v{n}", "V", "privacy", "https://v.example/") for n in range(400)])
    store.close()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    data[-3 * 4096:-4096] = bytes(range(256)) * (2 * 4096 // 256)
    db.write_bytes(bytes(data))
    assert Store.open(db, create=False).schema_version() >= 1  # a query opens without reading every page
    result = cli("--db", str(db), "status")
    assert result.exit_code == 1 and "corrupt" in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("content", [None, b""], ids=["missing", "empty"])
def test_a_query_on_a_missing_or_empty_file_is_an_error_not_a_new_database(tmp_path, cli, content):
    db = tmp_path / "nothing.db"
    if content is not None:
        db.write_bytes(content)
    result = cli("--db", str(db), "history", "acme/privacy")
    assert result.exit_code == 1 and "no policy-monitor database there (missing or empty)" in result.stderr
    assert not db.exists() or db.stat().st_size == 0


def test_a_large_change_record_is_compressed(tmp_path):
    store = Store.open(tmp_path / "pm.db")
    store.sync_documents([DOC])
    run = store.start_run("check")
    at = datetime(2026, 3, 1, tzinfo=timezone.utc)
    old = "\n\n".join(f"Clause {n}: we keep record {n} for {n} days." for n in range(3000))
    new = "\n\n".join(f"Clause {n}: we keep record {n} for {n + 1} days." for n in range(3000))
    store.record(run, Observation(DOC.id, "new", at, text=old))
    store.record(run, Observation(DOC.id, "changed", at, text=new, comparison=compare(old, new)))
    store.close()
    with sqlite3.connect(tmp_path / "pm.db") as db:
        (stored,) = db.execute("SELECT clauses FROM change").fetchone()
    (change,) = Store.open(tmp_path / "pm.db").changes(DOC.id)
    raw = json.dumps(change.clauses, ensure_ascii=False)
    assert len(raw) > COMPRESS_OVER and stored.startswith("z:") and len(stored) < len(raw) / 4
    assert len(change.clauses) > 1000 and change.clauses[0]["new"].startswith("Clause 0")


def test_a_change_is_computed_against_the_version_another_writer_stored_first(tmp_path):
    store = Store.open(tmp_path / "pm.db")
    store.sync_documents([DOC])
    run = store.start_run("check")
    at = datetime(2026, 3, 1, tzinfo=timezone.utc)
    v1 = "We do not sell your data.\n\nWe keep logs for 30 days.\n"
    theirs = "We do not sell your data.\n\nWe keep logs for 2 years.\n"
    ours = "We may sell your data.\n\nWe keep logs for 30 days.\n"
    store.record(run, Observation(DOC.id, "new", at, text=v1))
    base = store.latest_version(DOC.id).sha256
    store.record(run, Observation(DOC.id, "changed", at, text=theirs, comparison=compare(v1, theirs), base_sha256=base))
    # Ours was compared with v1, but v2 (theirs) is the version it follows now.
    number = store.record(run, Observation(DOC.id, "changed", at, text=ours, comparison=compare(v1, ours), base_sha256=base),
                          compare=compare)
    assert number == 3
    last = store.changes(DOC.id)[-1]
    assert (last.from_version, last.to_version) == (2, 3)
    texts = json.dumps(last.clauses)
    assert "2 years" in texts and "may sell" in texts  # both differences from v2, not only the one from v1
    store.close()
