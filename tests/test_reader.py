"""The query commands' read path (monitor/store/reader.py): sqlite3 alone, the store's answers.

`Reader` runs the statements of monitor/store/queries.py without SQLAlchemy; `Store` runs the same
statements through its engine. These tests hold the two to the same records, show when the CLI
falls back to the store, and that a query never waits behind a run that is writing.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from monitor.cli.app import app
from monitor.engine.compare import compare
from monitor.store.reader import Reader
from monitor.store.store import DocumentInfo, Observation, Store
from guards import hang_guard

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 3, 1, 9, 30, 15, 250000, tzinfo=timezone.utc)

V1 = """# Privacy notice

## Sharing

We share contact details only with the payment processor that bills you.

## Retention

We keep support tickets for 90 days.
"""
V2 = V1.replace("only with the payment processor that bills you", "with advertising partners")
V3 = V2.replace("90 days", "5 years")


def _seed(path: Path) -> Path:
    """Two documents; one has three versions, two changes (one material) and review decisions."""
    store = Store.open(path)
    store.sync_documents([
        DocumentInfo("acme/privacy", "acme", "Acme", "privacy", "https://acme.test/privacy"),
        DocumentInfo("zeta/privacy", "zeta", "Zeta", "privacy", "https://zeta.test/privacy"),
    ])
    run = store.start_run("check")
    store.record(run, Observation("acme/privacy", "new", T0, text=V1, url="https://acme.test/privacy"))
    store.record(run, Observation("acme/privacy", "changed", T0 + timedelta(days=3), text=V2, comparison=compare(V1, V2)))
    store.record(run, Observation("acme/privacy", "changed", T0 + timedelta(days=40), text=V3, comparison=compare(V2, V3)))
    store.finish_run(run, {"new": 1, "changed": 2})
    store.record_review("acme/privacy", 2, "acknowledged", "alice", "asked the vendor", at=T0 + timedelta(days=4))
    store.record_review("acme/privacy", 2, "reviewed", "bob", at=T0 + timedelta(days=5))
    store.close()
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return _seed(tmp_path / "pm.db")


def _both(db: Path):
    store, reader = Store.open(db, create=False), Reader.open(db)
    assert reader is not None, "a SQLite database at this schema version is the Reader's to read"
    return store, reader


def test_the_reader_hands_back_the_stores_records(db: Path) -> None:
    store, reader = _both(db)
    try:
        for name, args, kwargs in [
            ("documents", (), {}),
            ("document", ("acme/privacy",), {}),
            ("versions", ("acme/privacy",), {}),
            ("versions", ("zeta/privacy",), {}),
            ("version", ("acme/privacy",), {}),
            ("version", ("acme/privacy", 2), {}),
            ("changes", (), {}),
            ("changes", ("acme/privacy",), {"material": True}),
            ("changes", (), {"since": T0 + timedelta(days=10)}),
            ("changes", (), {"category": "retention"}),
            ("reviews", (), {}),
            ("reviews", ("zeta/privacy",), {}),
        ]:
            assert getattr(reader, name)(*args, **kwargs) == getattr(store, name)(*args, **kwargs), name
        latest = reader.version("acme/privacy")
        assert (latest.number, reader.text(latest.sha256)) == (3, V3)
        assert latest.captured_at == T0 + timedelta(days=40)  # aware, to the microsecond
        assert [c.to_version for c in reader.changes(since=T0 + timedelta(days=3))] == [2, 3]
        assert [c.to_version for c in reader.changes(since=T0 + timedelta(days=3, microseconds=1))] == [3]
        assert [r.decided_by for r in reader.reviews()[("acme/privacy", 2)]] == ["alice", "bob"]
    finally:
        store.close()
        reader.close()


def test_a_query_command_imports_no_sqlalchemy(db: Path) -> None:
    probe = (
        "import sys, json\n"
        "from typer.testing import CliRunner\n"
        "from monitor.cli.app import app\n"
        f"result = CliRunner().invoke(app, ['--db', {str(db)!r}, 'history', 'acme/privacy', '--json'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(len(json.loads(result.output)))\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    count, heavy = (result.stdout + "\n").split("\n")[:2]
    assert count == "3"
    assert heavy == "", f"loaded: {heavy}"


def test_history_answers_while_a_run_holds_the_write_lock(db: Path) -> None:
    """The store takes SQLite's write lock for every transaction; the reader reads the WAL snapshot."""
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE document SET last_error = 'mid-run' WHERE id = 'acme/privacy'")
    try:
        with hang_guard(20, "history during a run"):
            result = CliRunner().invoke(app, ["--db", str(db), "changes", "acme/privacy", "--json"])
        assert result.exit_code == 0, result.output
        assert '"to_version": 3' in result.output
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_an_older_schema_goes_through_the_store_which_upgrades_it(tmp_path: Path) -> None:
    older = tmp_path / "v1.db"  # a database the first release wrote (see test_store_upgrade.py)
    with sqlite3.connect(older) as conn:
        conn.executescript((Path(__file__).parent / "fixtures" / "schema_v1.sql").read_text("utf-8"))
    assert Reader.open(older) is None
    result = CliRunner().invoke(app, ["--db", str(older), "history", "acme/privacy", "--json"])
    assert result.exit_code == 0, result.output
    assert '"version": 2' in result.output
    upgraded = Reader.open(older)  # the store migrated it on the way: the next query is the reader's
    assert upgraded is not None
    assert [v.number for v in upgraded.versions("acme/privacy")] == [1, 2]
    upgraded.close()


@pytest.mark.parametrize("content", [b"", b"not a database at all, only words" * 40])
def test_what_the_reader_cannot_read_it_leaves_to_the_store(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "odd.db"
    path.write_bytes(content)
    assert Reader.open(path) is None
    result = CliRunner().invoke(app, ["--db", str(path), "history", "acme/privacy"])
    assert result.exit_code != 0
    assert str(path) in result.output and len(result.output.strip().splitlines()) <= 2
    assert path.read_bytes() == content  # never created, migrated or truncated by a query


def test_postgresql_urls_are_the_stores() -> None:
    assert Reader.open("postgresql://nobody@127.0.0.1:1/none") is None


def test_history_prints_one_aligned_row_a_version(db: Path) -> None:
    result = CliRunner().invoke(app, ["--db", str(db), "history", "acme/privacy"])
    assert result.exit_code == 0, result.output
    title, header, rule, *rows = result.output.splitlines()
    assert title == "acme/privacy" and header.split()[:2] == ["version", "first"]
    assert [row.split()[0] for row in rows] == ["1", "2", "3"]
    assert rows[2].split()[1:3] == ["2026-04-10", "09:30"]  # captured 40 days after 1 March, UTC
    assert header.index("source") == rows[0].index("live") == rows[2].index("live")  # columns line up


def test_a_reader_that_stops_early_gets_no_error(tmp_path: Path) -> None:
    """`policy-monitor show DOC --json | head -c 20`: the pipe closes mid-output; the command stops quietly."""
    store = Store.open(tmp_path / "big.db")
    store.sync_documents([DocumentInfo("acme/privacy", "acme", "Acme", "privacy", "https://acme.test/privacy")])
    run = store.start_run("check")
    long_text = V1 + "".join(f"\n## Part {n}\n\nWe keep record {n} for {n} days.\n" for n in range(6000))
    store.record(run, Observation("acme/privacy", "new", T0, text=long_text, url="https://acme.test/privacy"))
    store.close()
    command = [sys.executable, "-m", "monitor", "--db", str(tmp_path / "big.db"), "show", "acme/privacy", "--json"]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout.read(20).startswith(b"{")
        proc.stdout.close()  # the answer is 250 KB, four times what a pipe holds: the command is mid-write
        stderr = proc.stderr.read().decode()
        code = proc.wait(timeout=60)
    assert "Error" not in stderr and "Traceback" not in stderr, stderr
    assert code == 141
