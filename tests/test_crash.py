"""kill -9 and overlapping runs, with real `policy-monitor check` processes and a real SQLite file."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from pages import policy_html

DOCS = 6


def start_check(watchlist, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor", "--watchlist", str(watchlist), "check", "--json", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(predicate, what: str, deadline: float = 30.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def stored_checks(db_path) -> int:
    if not db_path.exists():
        return 0
    try:
        with sqlite3.connect(db_path, timeout=5) as db:
            return db.execute("SELECT count(*) FROM check_result").fetchone()[0]
    except sqlite3.OperationalError:  # schema not created yet
        return 0


@pytest.fixture
def vendors(server, make_watchlist, tmp_path):
    """DOCS vendors; the ones a test gates answer only when server.gate is set."""

    def setup(gated: int) -> None:
        for i in range(DOCS):
            fault = "gated" if i >= DOCS - gated else None
            server.set(f"/v{i}/privacy", policy_html(vendor=f"Vendor {i}"), fault=fault)
        make_watchlist({f"v{i}/privacy": server.url(f"/v{i}/privacy") for i in range(DOCS)}, {"concurrency": DOCS, "per_host": DOCS})

    server.setup = setup
    server.db = tmp_path / "pm.db"
    return server


@pytest.mark.parametrize("finished_before_kill", [0, 2, 5])
def test_sigkill_leaves_a_consistent_store_and_the_next_run_completes(vendors, cli, finished_before_kill):
    vendors.setup(gated=DOCS - finished_before_kill)
    proc = start_check(cli.watchlist)
    if finished_before_kill:
        wait_for(lambda: stored_checks(vendors.db) >= finished_before_kill, "the first documents to be stored")
    else:
        wait_for(lambda: sum(vendors.hits.values()) >= DOCS, "every request to be in flight")
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)  # reaps it and closes its pipes

    db = sqlite3.connect(vendors.db)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("SELECT count(*) FROM version").fetchone()[0] == finished_before_kill
    # Every stored version is whole: its text blob is there, and its check row with it.
    assert db.execute("SELECT count(*) FROM version v LEFT JOIN blob b ON b.sha256 = v.sha256 WHERE b.sha256 IS NULL").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM check_result").fetchone()[0] == finished_before_kill
    db.close()

    status = cli("status", "--json")  # before any other run: the killed one must show
    assert status.exit_code == 3
    assert json.loads(status.stdout)["last_run"]["status"] == "interrupted"

    vendors.gate.set()
    result = cli("check", "--json")
    assert result.exit_code == 0, result.stderr
    outcomes = sorted(d["outcome"] for d in json.loads(result.stdout)["documents"])
    assert outcomes == sorted(["unchanged"] * finished_before_kill + ["new"] * (DOCS - finished_before_kill))
    db = sqlite3.connect(vendors.db)
    assert db.execute("SELECT document_id, count(*) FROM version GROUP BY document_id HAVING count(*) > 1").fetchall() == []
    assert [s for (s,) in db.execute("SELECT status FROM run ORDER BY id")] == ["interrupted", "ok"]


def test_a_second_run_exits_cleanly_while_one_is_running(vendors, cli):
    vendors.setup(gated=1)
    first = start_check(cli.watchlist)
    wait_for(lambda: stored_checks(vendors.db) >= DOCS - 1, "the first run to be under way")
    during = json.loads(cli("status", "--json").stdout)
    assert during["last_run"]["status"] == "running"  # held: not mistaken for a killed run
    second = subprocess.run(
        [sys.executable, "-m", "monitor", "--watchlist", str(cli.watchlist), "check"],
        capture_output=True, text=True, timeout=60,
    )
    assert second.returncode == 0
    assert second.stdout == ""
    assert second.stderr.count("\n") == 1 and "another policy-monitor run (pid" in second.stderr
    vendors.gate.set()
    out, _ = first.communicate(timeout=60)
    assert first.returncode == 0
    assert json.loads(out)["counts"]["new"] == DOCS


def test_a_queued_run_waits_then_finds_nothing_new(vendors, cli):
    vendors.setup(gated=1)
    first = start_check(cli.watchlist)
    wait_for(lambda: stored_checks(vendors.db) >= DOCS - 1, "the first run to be under way")
    second = start_check(cli.watchlist, "--wait", "60")
    wait_for(lambda: os.path.exists(f"{vendors.db}.lock"), "the lock file")
    vendors.gate.set()
    first.communicate(timeout=60)
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert json.loads(out)["counts"] == {"new": 0, "changed": 0, "unchanged": DOCS, "failed": 0}
    db = sqlite3.connect(vendors.db)
    assert db.execute("SELECT count(*) FROM version").fetchone() == (DOCS,)
