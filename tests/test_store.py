"""The store: the schema as one string, migrations, content addressing, round trips."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.store import migrations
from monitor.errors import StoreError
from monitor.store.models import Change
from monitor.store.store import DocumentInfo, Observation, Store

# Changing this string means users' databases change: add a migration step (monitor/migrations.py).
SCHEMA = """\
CREATE TABLE archive_capture (
	id INTEGER NOT NULL, 
	document_id VARCHAR NOT NULL, 
	timestamp VARCHAR NOT NULL, 
	digest VARCHAR, 
	captured_at DATETIME NOT NULL, 
	outcome VARCHAR NOT NULL, 
	reason VARCHAR, 
	version_number INTEGER, 
	recorded_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (document_id, timestamp), 
	FOREIGN KEY(document_id) REFERENCES document (id)
)
CREATE TABLE blob (
	sha256 VARCHAR NOT NULL, 
	size INTEGER NOT NULL, 
	data BLOB NOT NULL, 
	PRIMARY KEY (sha256)
)
CREATE TABLE change (
	id INTEGER NOT NULL, 
	document_id VARCHAR NOT NULL, 
	from_version INTEGER NOT NULL, 
	to_version INTEGER NOT NULL, 
	detected_at DATETIME NOT NULL, 
	material BOOLEAN NOT NULL, 
	severity VARCHAR NOT NULL, 
	categories VARCHAR NOT NULL, 
	direction VARCHAR NOT NULL, 
	reason VARCHAR NOT NULL, 
	clauses VARCHAR NOT NULL, 
	reverts_to INTEGER, 
	entities VARCHAR, 
	notice VARCHAR, 
	PRIMARY KEY (id), 
	UNIQUE (document_id, to_version), 
	FOREIGN KEY(document_id) REFERENCES document (id)
)
CREATE TABLE check_result (
	id INTEGER NOT NULL, 
	run_id INTEGER NOT NULL, 
	document_id VARCHAR NOT NULL, 
	checked_at DATETIME NOT NULL, 
	outcome VARCHAR NOT NULL, 
	http_status INTEGER, 
	error VARCHAR, 
	version_number INTEGER, 
	duration_ms INTEGER, 
	suspect_sha256 VARCHAR, 
	suspect_kind VARCHAR, 
	worker VARCHAR, 
	PRIMARY KEY (id), 
	FOREIGN KEY(run_id) REFERENCES run (id), 
	FOREIGN KEY(document_id) REFERENCES document (id)
)
CREATE TABLE delivery (
	id INTEGER NOT NULL, 
	outbox_id INTEGER NOT NULL, 
	target_key VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	attempts INTEGER NOT NULL, 
	last_error VARCHAR, 
	updated_at DATETIME NOT NULL, 
	delivered_at DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE (outbox_id, target_key), 
	FOREIGN KEY(outbox_id) REFERENCES outbox (id)
)
CREATE TABLE document (
	id VARCHAR NOT NULL, 
	vendor_id VARCHAR NOT NULL, 
	vendor_name VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	url VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	etag VARCHAR, 
	last_modified VARCHAR, 
	last_checked_at DATETIME, 
	last_outcome VARCHAR, 
	last_error VARCHAR, 
	consecutive_failures INTEGER NOT NULL, 
	failing_since DATETIME, 
	page_fingerprint VARCHAR, 
	fingerprint_sha256 VARCHAR, 
	suspect_kind VARCHAR, 
	PRIMARY KEY (id)
)
CREATE TABLE outbox (
	id INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	kind VARCHAR NOT NULL, 
	document_id VARCHAR NOT NULL, 
	change_id INTEGER, 
	severity VARCHAR NOT NULL, 
	payload VARCHAR NOT NULL, 
	closed_at DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(document_id) REFERENCES document (id), 
	FOREIGN KEY(change_id) REFERENCES change (id)
)
CREATE TABLE review (
	id INTEGER NOT NULL, 
	document_id VARCHAR NOT NULL, 
	to_version INTEGER NOT NULL, 
	status VARCHAR NOT NULL, 
	note VARCHAR NOT NULL, 
	decided_by VARCHAR NOT NULL, 
	decided_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(document_id) REFERENCES document (id)
)
CREATE TABLE run (
	id INTEGER NOT NULL, 
	kind VARCHAR NOT NULL, 
	started_at DATETIME NOT NULL, 
	finished_at DATETIME, 
	status VARCHAR NOT NULL, 
	pid INTEGER, 
	new INTEGER NOT NULL, 
	changed INTEGER NOT NULL, 
	unchanged INTEGER NOT NULL, 
	failed INTEGER NOT NULL, 
	error VARCHAR, 
	PRIMARY KEY (id)
)
CREATE TABLE run_claim (
	run_id INTEGER NOT NULL, 
	document_id VARCHAR NOT NULL, 
	worker VARCHAR, 
	lease_until DATETIME, 
	done_at DATETIME, 
	PRIMARY KEY (run_id, document_id), 
	FOREIGN KEY(run_id) REFERENCES run (id), 
	FOREIGN KEY(document_id) REFERENCES document (id)
)
CREATE TABLE schema_info (
	id INTEGER NOT NULL, 
	version INTEGER NOT NULL, 
	PRIMARY KEY (id)
)
CREATE TABLE version (
	id INTEGER NOT NULL, 
	document_id VARCHAR NOT NULL, 
	number INTEGER NOT NULL, 
	sha256 VARCHAR NOT NULL, 
	snapshot_sha256 VARCHAR, 
	content_type VARCHAR, 
	url VARCHAR NOT NULL, 
	source VARCHAR NOT NULL, 
	captured_at DATETIME NOT NULL, 
	first_seen DATETIME NOT NULL, 
	last_seen DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (document_id, number), 
	FOREIGN KEY(document_id) REFERENCES document (id), 
	FOREIGN KEY(sha256) REFERENCES blob (sha256), 
	FOREIGN KEY(snapshot_sha256) REFERENCES blob (sha256)
)
CREATE TABLE worker (
	name VARCHAR NOT NULL, 
	run_id INTEGER NOT NULL, 
	host VARCHAR NOT NULL, 
	pid INTEGER NOT NULL, 
	started_at DATETIME NOT NULL, 
	heartbeat_at DATETIME NOT NULL, 
	checked INTEGER NOT NULL, 
	PRIMARY KEY (name), 
	FOREIGN KEY(run_id) REFERENCES run (id)
)"""

DOC = DocumentInfo("acme/privacy", "acme", "Acme", "privacy", "https://acme.example/privacy")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(tmp_path, request):
    s = Store.open(request.getfixturevalue("pg_url") if request.param == "postgresql" else tmp_path / "pm.db")
    s.sync_documents([DOC])
    yield s
    s.close()


def observe(text: str, outcome: str = "new", raw: bytes | None = None) -> Observation:
    return Observation(DOC.id, outcome, datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc), http_status=200, text=text, raw=raw, url=DOC.url)


def test_schema_is_exactly_this(tmp_path):
    Store.open(tmp_path / "pm.db").close()
    with sqlite3.connect(tmp_path / "pm.db") as db:
        tables = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("SELECT version FROM schema_info").fetchone() == (migrations.LATEST,)
    assert "\n".join(sql for (sql,) in tables) == SCHEMA


def test_a_newer_database_is_refused_untouched(tmp_path):
    Store.open(tmp_path / "pm.db").close()
    with sqlite3.connect(tmp_path / "pm.db") as db:
        db.execute("UPDATE schema_info SET version = 99")
    with pytest.raises(StoreError, match="schema version 99, newer than this policy-monitor"):
        Store.open(tmp_path / "pm.db")
    with sqlite3.connect(tmp_path / "pm.db") as db:
        assert db.execute("SELECT version FROM schema_info").fetchone() == (99,)


def test_a_foreign_database_is_refused(tmp_path):
    with sqlite3.connect(tmp_path / "other.db") as db:
        db.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(StoreError, match="no policy-monitor schema"):
        Store.open(tmp_path / "other.db")


def test_versions_number_up_and_share_identical_texts(store):
    run = store.start_run("check")
    assert store.record(run, observe("A\n", raw=b"<p>A</p>")) == 1
    assert store.record(run, observe("B\n", "changed", raw=b"<p>B</p>")) == 2
    assert store.record(run, observe("A\n", "changed", raw=b"<p>A</p>")) == 3  # flipped back
    assert [v.number for v in store.versions(DOC.id)] == [1, 2, 3]
    assert store.blob_count() == 4  # two texts, two pages: the flip back stored nothing new


def test_a_failed_check_keeps_versions_and_counts_failures(store):
    run = store.start_run("check")
    store.record(run, observe("A\n"))
    store.record(run, Observation(DOC.id, "failed", datetime(2026, 11, 22, 9, tzinfo=timezone.utc), error="HTTP 503"))
    store.record(run, Observation(DOC.id, "failed", datetime(2026, 11, 22, 10, tzinfo=timezone.utc), error="HTTP 503"))
    doc = store.document(DOC.id)
    assert (doc.consecutive_failures, doc.last_error, doc.failing_since) == (2, "HTTP 503", datetime(2026, 11, 22, 9, tzinfo=timezone.utc))
    assert store.text(store.latest_version(DOC.id).sha256) == "A\n"
    store.record(run, Observation(DOC.id, "unchanged", datetime(2026, 11, 22, 11, tzinfo=timezone.utc)))
    assert store.document(DOC.id).consecutive_failures == 0
    assert store.latest_version(DOC.id).last_seen == datetime(2026, 11, 22, 11, tzinfo=timezone.utc)


@settings(max_examples=40, deadline=None)
@given(text=st.text(min_size=1))
def test_a_version_round_trips_byte_for_byte(tmp_path_factory, text):
    s = Store.open(tmp_path_factory.mktemp("rt") / "pm.db")
    s.sync_documents([DOC])
    s.record(s.start_run("check"), observe(text))
    assert s.text(s.latest_version(DOC.id).sha256) == text
    s.close()


def at(hour: int) -> datetime:
    return datetime(2020, 1, 1, hour, tzinfo=timezone.utc)


def capture(store, run, hour: int, text: str | None):
    from monitor.engine.compare import compare
    from monitor.store.store import CaptureRecord

    record = CaptureRecord(DOC.id, f"20200101{hour:02d}0000", at(hour), "imported" if text else "skipped", reason=None if text else "HTTP 404")
    obs = Observation(DOC.id, "new", at(hour), text=text, url=DOC.url, source="archive", notify=False) if text else None
    return store.record_capture(run, record, obs, compare)


def test_archived_captures_interleave_in_time_order_and_renumber(store):
    from monitor.store.models import Outbox
    from sqlmodel import Session, select

    run = store.start_run("check")
    store.record(run, Observation(DOC.id, "new", at(20), text="C live\n", url=DOC.url))
    backfill = store.start_run("backfill")
    assert capture(store, backfill, 1, "A old\n") == ("imported", 1)
    assert capture(store, backfill, 5, "B middle\n") == ("imported", 2)
    assert capture(store, backfill, 3, "A old\n") == ("duplicate", 1)
    assert capture(store, backfill, 3, "A old\n") == ("duplicate", 1)  # a rerun adds nothing
    assert capture(store, backfill, 7, None) == ("skipped", None)
    versions = store.versions(DOC.id)
    assert [(v.number, v.source, store.text(v.sha256)) for v in versions] == [
        (1, "archive", "A old\n"), (2, "archive", "B middle\n"), (3, "live", "C live\n"),
    ]
    assert versions[0].last_seen == at(3)
    assert [(c.from_version, c.to_version) for c in store.changes(DOC.id)] == [(1, 2), (2, 3)]
    assert store.captures_seen(DOC.id) == {"2020010101" + "0000", "2020010105" + "0000", "2020010103" + "0000", "2020010107" + "0000"}
    with Session(store.engine) as session:  # historical changes notify nobody unless asked
        assert list(session.exec(select(Outbox))) == []


def test_an_older_database_is_upgraded_in_place_and_keeps_its_history(tmp_path, monkeypatch):
    from sqlalchemy import text as sql

    s = Store.open(tmp_path / "pm.db")
    s.sync_documents([DOC])
    s.record(s.start_run("check"), observe("A\n"))
    s.close()

    def add_note_column(conn):
        conn.execute(sql("ALTER TABLE version ADD COLUMN note VARCHAR"))

    step = migrations.LATEST + 1
    monkeypatch.setattr(migrations, "LATEST", step)
    monkeypatch.setitem(migrations.STEPS, step, add_note_column)
    upgraded = Store.open(tmp_path / "pm.db")
    assert upgraded.schema_version() == step
    assert upgraded.text(upgraded.latest_version(DOC.id).sha256) == "A\n"
    upgraded.close()
    with sqlite3.connect(tmp_path / "pm.db") as db:
        assert "note" in [row[1] for row in db.execute("PRAGMA table_info(version)")]


def test_a_failing_migration_step_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    Store.open(tmp_path / "pm.db").close()

    def broken(conn):
        from sqlalchemy import text as sql

        conn.execute(sql("ALTER TABLE version ADD COLUMN half_done VARCHAR"))
        raise RuntimeError("the step failed halfway")

    current = migrations.LATEST
    monkeypatch.setattr(migrations, "LATEST", current + 1)
    monkeypatch.setitem(migrations.STEPS, current + 1, broken)
    with pytest.raises(RuntimeError):
        Store.open(tmp_path / "pm.db")
    with sqlite3.connect(tmp_path / "pm.db") as db:
        assert db.execute("SELECT version FROM schema_info").fetchone() == (current,)
        assert "half_done" not in [row[1] for row in db.execute("PRAGMA table_info(version)")]


def test_a_capture_between_live_versions_keeps_their_alert_and_its_deliveries(store):
    """Check for a while, then backfill: an archived capture lands between two live versions whose
    change was already alerted (one delivery sent, one pending). The alert must survive, whole."""
    from monitor.engine.result import Comparison
    from monitor.store.models import Delivery, Outbox
    from sqlmodel import Session, select

    run = store.start_run("check")
    store.record(run, Observation(DOC.id, "new", at(1), text="A\n", url=DOC.url))
    material = Comparison(True, "material", ("sale",), "expands", "sale: may sell")
    store.record(run, Observation(DOC.id, "changed", at(20), text="C\n", url=DOC.url, comparison=material))
    with Session(store.engine) as session, session.begin():
        (event,) = session.exec(select(Outbox))
        session.add(Delivery(outbox_id=event.id, target_key="mail", status="delivered", attempts=1, updated_at=at(21)))
        session.add(Delivery(outbox_id=event.id, target_key="chat", status="pending", attempts=1, updated_at=at(21)))
    assert capture(store, store.start_run("backfill"), 10, "B between\n") == ("imported", 2)
    assert [(c.from_version, c.to_version) for c in store.changes(DOC.id)] == [(1, 2), (2, 3)]
    with Session(store.engine) as session:
        (event,) = session.exec(select(Outbox))
        into_latest = session.get(Change, event.change_id)
        assert (into_latest.from_version, into_latest.to_version) == (2, 3)
        assert sorted(d.status for d in session.exec(select(Delivery))) == ["delivered", "pending"]
