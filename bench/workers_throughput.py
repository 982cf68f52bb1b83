"""Throughput of 1, 2 and 4 `check` workers sharing one run on one PostgreSQL.

Pages are served on many loopback addresses (127.0.0.2, 127.0.0.3, ...), each answer after a
realistic delay (default 300 ms, as a vendor site far away), so what scales is the design
(claiming, per-host slots, one run) and not a zero-latency loopback. Each worker is a real
`policy-monitor check` process with its own `concurrency`; `per_host` holds across all of them.

For each worker count: a fresh database, N documents all new (first run), then the same N again
(unchanged run), wall seconds from the first worker's start to the last one's exit, documents per
second, the ratio to one worker, the same for the documents phase alone (first fetch started to
last document stored, from check_result: process start-up, which on a loaded machine takes
seconds per process, left out), and the CPU seconds the workers used (on a busy machine the
cores, not the design, may be what stops the scaling). Figures only, no asserts. Starts its own PostgreSQL server
(initdb + pg_ctl, as the `postgres` user when run as root), and stops it.

    .venv/bin/python bench/workers_throughput.py --documents 200 --hosts 20 --delay 0.3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from latency_server import LatencyServers, watchlist_text  # noqa: E402
from pg import PostgresServer, find_binaries  # noqa: E402

WORK = ROOT / "bench" / ".work" / "workers"


def run_workers(watchlist: Path, workers: int) -> tuple[float, float, list[dict]]:
    cpu_before = _children_cpu()
    started = time.monotonic()
    processes = [
        subprocess.Popen([sys.executable, "-m", "monitor", "--watchlist", str(watchlist), "check", "--json"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        for _ in range(workers)
    ]
    reports = []
    for process in processes:
        out, err = process.communicate(timeout=1800)
        if process.returncode not in (0, 3):
            raise SystemExit(f"a worker failed: {err.strip()[-1500:]}")
        reports.append(json.loads(out))
    return time.monotonic() - started, _children_cpu() - cpu_before, reports


def documents_phase(url: str, run_id: int) -> float:
    """Seconds from the run's first fetch started to its last document stored."""
    from sqlalchemy import text

    from monitor.store.store import Store

    store = Store.open(url)
    try:
        with store.engine.connect() as conn:
            return float(conn.execute(text(
                "SELECT extract(epoch FROM max(checked_at) - min(checked_at - make_interval(secs => duration_ms / 1000.0)))"
                " FROM check_result WHERE run_id = :run"), {"run": run_id}).scalar_one())
    finally:
        store.close()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.3, help="seconds before each response")
    parser.add_argument("--concurrency", type=int, default=4, help="documents in flight per worker")
    parser.add_argument("--per-host", type=int, default=2)
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    bin_dir = find_binaries()
    if bin_dir is None:
        raise SystemExit("no PostgreSQL server binaries (initdb, pg_ctl) found: install Debian's postgresql")
    WORK.mkdir(parents=True, exist_ok=True)
    server = PostgresServer(bin_dir).start()
    print(f"{args.documents} documents on {args.hosts} loopback hosts, {args.delay * 1000:.0f} ms per response, "
          f"concurrency {args.concurrency} per worker, per_host {args.per_host} across workers")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    print(f"{'workers':>7} {'run':>10} {'seconds':>8} {'docs/s':>8} {'× one':>6} {'phase s':>8} {'docs/s':>7} {'× one':>6}"
          f" {'cpu s':>6}  documents per worker")
    base: dict[str, float] = {}
    try:
        with LatencyServers(hosts=args.hosts, delay=args.delay) as pages:
            for count in (int(n) for n in args.workers.split(",")):
                watchlist = WORK / f"watchlist-{count}.toml"
                url = server.new_database()
                watchlist.write_text(watchlist_text(pages, args.documents, url,
                                                    concurrency=args.concurrency, per_host=args.per_host), encoding="utf-8")
                for run in ("first", "unchanged"):
                    seconds, cpu, reports = run_workers(watchlist, count)
                    phase = documents_phase(url, reports[0]["run_id"])
                    rate, phase_rate = args.documents / seconds, args.documents / phase
                    base.setdefault(run, rate)
                    base.setdefault(run + " phase", phase_rate)
                    shares = [len(r["documents"]) for r in reports]
                    print(f"{count:>7} {run:>10} {seconds:>8.2f} {rate:>8.1f} {rate / base[run]:>6.2f} {phase:>8.2f}"
                          f" {phase_rate:>7.1f} {phase_rate / base[run + ' phase']:>6.2f} {cpu:>6.1f}  {shares}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
