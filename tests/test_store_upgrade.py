"""A database written by the first release (schema v1) upgrades in place and keeps its history.

The fixture is a SQL dump of a database the first release's own code wrote (commit 7223aa0).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from monitor.store import migrations
from monitor.store.records import Change, Version
from monitor.store.store import Store

V1_DUMP = Path(__file__).parent / "fixtures" / "schema_v1.sql"


@pytest.fixture
def v1_database(tmp_path: Path) -> Path:
    path = tmp_path / "v1.db"
    with sqlite3.connect(path) as db:
        db.executescript(V1_DUMP.read_text(encoding="utf-8"))
        assert db.execute("SELECT version FROM schema_info").fetchone() == (1,)
    return path


def test_a_v1_database_upgrades_with_its_history(v1_database: Path):
    store = Store.open(v1_database)
    try:
        assert store.schema_version() == migrations.LATEST
        versions = store.versions("acme/privacy")
        assert [type(v) for v in versions] == [Version, Version]
        assert [v.number for v in versions] == [1, 2]
        assert all(v.captured_at.tzinfo is not None for v in versions)
        assert "may sell" in store.text(versions[1].sha256)
        (change,) = store.changes("acme/privacy")
        assert isinstance(change, Change) and change.material and "sale" in change.categories
        assert isinstance(change.clauses, list) and change.clauses[0]["type"]
        # The suspect kind, written by v1 only as a prefix of the error, is a column now.
        last = store.checks(store.runs(1)[0].id)
        assert [(c.outcome, c.suspect_kind) for c in last] == [("failed", "bot_wall")]
        assert store.document("acme/privacy").suspect_kind == "bot_wall"
        assert [e.change.id for e in store.open_events()] == [change.id]
    finally:
        store.close()


def test_the_commands_read_an_upgraded_v1_database(v1_database: Path, cli):
    history = cli.json("--db", str(v1_database), "history", "acme/privacy")
    assert [row["version"] for row in history] == [1, 2]
    changes = cli.json("--db", str(v1_database), "changes", "acme/privacy")
    assert changes[0]["material"] and "sale" in changes[0]["categories"]
    status = cli("--db", str(v1_database), "status", "--json")
    report = json.loads(status.stdout)
    assert report["failing"][0]["suspect_kind"] == "bot_wall"
