"""Several `check` processes share one run on PostgreSQL: each document once, a killed worker's
documents taken over, each notification delivered once, per-host politeness across workers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from latency_server import LatencyServers, watchlist_text
from monitor.store.store import Store
from receivers import JsonReceiver

pytestmark = pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning")


def start_check(watchlist: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor", "--watchlist", str(watchlist), "check", "--json", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})},
    )


def wait_for(condition, what: str, deadline: float = 60.0) -> None:  # noqa: ANN001
    end = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def rows(url: str, sql: str) -> list[tuple]:
    store = Store.open(url)
    try:
        with store.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        store.close()


def finish(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=120)
    assert process.returncode in (0, 3), err
    return json.loads(out)


def test_three_workers_check_sixty_documents_once_each(tmp_path, pg_url):
    with LatencyServers(hosts=6, delay=0.3) as servers:
        watchlist = tmp_path / "watchlist.toml"
        watchlist.write_text(watchlist_text(servers, 60, pg_url, concurrency=2, per_host=2), encoding="utf-8")
        first = start_check(watchlist)
        wait_for(lambda: rows(pg_url, "SELECT count(*) FROM run_claim WHERE worker IS NOT NULL")[0][0] > 0, "the first claims")
        others = [start_check(watchlist) for _ in range(2)]
        reports = [finish(p) for p in [first, *others]]
    checked = [d["document"] for r in reports for d in r["documents"]]
    assert sorted(checked) == sorted(f"v{n:03d}/privacy" for n in range(60))  # each once, by one worker
    assert {r["run_id"] for r in reports} == {reports[0]["run_id"]}  # the later two joined the run
    assert all(r["documents"] for r in reports)  # ...and each took a share
    assert sorted(servers.hits.values()) == [1] * 60
    assert max(servers.max_in_flight.values()) <= 2  # per_host held across the three workers
    (status, counts) = rows(pg_url, "SELECT status, new FROM run")[0]
    assert (status, counts) == ("ok", 60)


def test_a_killed_workers_documents_are_taken_over(tmp_path, pg_url):
    env = {"POLICY_MONITOR_LEASE_SECONDS": "2"}
    with LatencyServers(hosts=4, delay=0.4) as servers:
        watchlist = tmp_path / "watchlist.toml"
        watchlist.write_text(watchlist_text(servers, 20, pg_url, concurrency=1), encoding="utf-8")
        victim = start_check(watchlist, env=env)
        wait_for(lambda: rows(pg_url, "SELECT count(*) FROM check_result")[0][0] >= 2, "the victim under way")
        survivor = start_check(watchlist, env=env)
        wait_for(lambda: rows(pg_url, "SELECT count(*) FROM worker")[0][0] == 2, "the survivor joining")
        victim.send_signal(signal.SIGKILL)
        victim.communicate(timeout=30)
        report = finish(survivor)
    stored = rows(pg_url, "SELECT document_id FROM check_result")
    assert sorted(d for (d,) in stored) == sorted(f"v{n:03d}/privacy" for n in range(20))  # none lost, none twice
    assert len(report["documents"]) < 20  # the victim's stored ones were not checked again
    assert rows(pg_url, "SELECT status FROM run") == [("ok",)]
    status = subprocess.run([sys.executable, "-m", "monitor", "--db", pg_url, "status", "--json"],
                            capture_output=True, text=True, timeout=60)
    workers = json.loads(status.stdout)["workers"]
    assert len(workers) == 2 and all(w["heartbeat_at"] for w in workers)


def test_a_notification_is_delivered_once_with_two_workers(tmp_path, pg_url):
    with LatencyServers(hosts=2, delay=0.05) as servers, JsonReceiver() as hook:
        watchlist = tmp_path / "watchlist.toml"
        body = watchlist_text(servers, 8, pg_url, concurrency=2)
        watchlist.write_text(body + f'\n[[notify]]\nurl = "{hook.url()}"\nmin_severity = "minor"\n', encoding="utf-8")
        finish(start_check(watchlist))
        for n in range(8):
            servers.edition[n] = 1
        workers = [start_check(watchlist) for _ in range(2)]
        reports = [finish(p) for p in workers]
    changed = [d for r in reports for d in r["documents"] if d["outcome"] == "changed"]
    assert len(changed) == 8
    assert len(hook.posts) == 8  # one message per change, whichever worker sent it
    assert rows(pg_url, "SELECT count(*) FROM delivery WHERE status = 'delivered'") == [(8,)]
