"""How fast `history`, `show` and `changes` answer on a large database, as whole processes.

Builds (once, cached under bench/.work/) a database of --docs documents with --versions versions each
(default 10,000 x 10 = 100,000 versions and 90,000 changes), straight through the store's engine in
a few bulk transactions, then runs each command --runs times (default 5) and prints the median wall
time of the whole process, start-up included. `--version` is timed first: it imports the CLI and
exits, the floor every command pays, so `query s` = median - `--version` median. `--help` is timed
too (the lead's target: under 0.25 s).

The texts are synthetic (a few sentences per version, one retention period changing per version).
Figures only, no asserts; nothing leaves the machine.

    .venv/bin/python bench/query_latency.py
    .venv/bin/python bench/query_latency.py --docs 1000 --versions 10 --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import zlib
from datetime import datetime, timedelta, timezone
from hashlib import sha256
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
ROOT = HERE.parent
START = datetime(2024, 1, 1, tzinfo=timezone.utc)
CATEGORIES = ("retention", "sharing", "tracking_ads", "rights", "transfer")
PERIODS = ("30 days", "90 days", "6 months", "12 months", "24 months", "3 years", "5 years")


def version_text(doc: int, number: int) -> str:
    return (
        f"Privacy notice of vendor {doc}.\n\n## Information we collect\n\nWe collect contact details when you sign up.\n\n"
        f"## How long we keep information\n\nWe keep usage logs for {PERIODS[number % len(PERIODS)]} "
        f"(revision {number}).\n\n## Your rights\n\nYou can ask for a copy of your information.\n"
    )


def doc_id(doc: int) -> str:
    return f"vendor-{doc:05d}/privacy"


def build(path: Path, docs: int, versions: int, python: str) -> None:
    """Through the store: Store.open creates the schema at the latest migration, then bulk inserts."""
    code = f"""
import sys; sys.path.insert(0, {str(HERE)!r})
from query_latency import fill
fill({str(path)!r}, {docs}, {versions})
"""
    subprocess.run([python, "-c", code], check=True, cwd=ROOT)


def fill(path: str, docs: int, versions: int) -> None:
    from sqlalchemy import text

    from monitor.store.store import Store

    store = Store.open(path)
    iso = lambda t: t.strftime("%Y-%m-%d %H:%M:%S.%f")  # noqa: E731 - SQLite's stored datetime form
    with store.engine.begin() as conn:
        run = conn.execute(text("INSERT INTO run (kind, started_at, finished_at, status, new, changed, unchanged, failed)"
                                " VALUES ('check', :t, :t, 'ok', 0, 0, 0, 0)"), {"t": iso(START)}).lastrowid
        for first in range(1, docs + 1, 1000):
            block = range(first, min(first + 1000, docs + 1))
            conn.execute(text(
                "INSERT INTO document (id, vendor_id, vendor_name, kind, url, created_at, consecutive_failures,"
                " last_outcome, last_checked_at) VALUES (:id, :vendor, :name, 'privacy', :url, :t, 0, 'unchanged', :t)"),
                [{"id": doc_id(d), "vendor": doc_id(d).split("/")[0], "name": f"Vendor {d}",
                  "url": f"https://vendor-{d}.example/privacy", "t": iso(START)} for d in block])
            blobs, rows, changes, checks = [], [], [], []
            for d in block:
                for n in range(1, versions + 1):
                    body = version_text(d, n).encode()
                    digest = sha256(body).hexdigest()
                    at = START + timedelta(days=30 * (n - 1), minutes=d % 1440)
                    blobs.append({"sha": digest, "size": len(body), "data": zlib.compress(body, 3)})
                    rows.append({"doc": doc_id(d), "n": n, "sha": digest, "t": iso(at), "last": iso(at + timedelta(days=29))})
                    checks.append({"run": run, "doc": doc_id(d), "t": iso(at), "n": n})
                    if n > 1:
                        category = CATEGORIES[(d + n) % len(CATEGORIES)]
                        clause = {"type": "modified", "section": "How long we keep information",
                                  "old": version_text(d, n - 1).splitlines()[6], "new": version_text(d, n).splitlines()[6],
                                  "diff": "[-old-]{+new+}", "categories": [category], "severity": "material",
                                  "reason": "retention period changed", "direction": "expanded", "shape": ""}
                        changes.append({"doc": doc_id(d), "f": n - 1, "to": n, "t": iso(at), "m": (d + n) % 3 == 0,
                                        "sev": "material" if (d + n) % 3 == 0 else "minor",
                                        "cat": json.dumps([category]), "clauses": json.dumps([clause])})
            conn.execute(text("INSERT INTO blob (sha256, size, data) VALUES (:sha, :size, :data)"
                              " ON CONFLICT (sha256) DO NOTHING"), blobs)
            conn.execute(text("INSERT INTO version (document_id, number, sha256, content_type, url, source, captured_at,"
                              " first_seen, last_seen) VALUES (:doc, :n, :sha, 'text/html', 'https://x.example/', 'live',"
                              " :t, :t, :last)"), rows)
            conn.execute(text("INSERT INTO check_result (run_id, document_id, checked_at, outcome, version_number)"
                              " VALUES (:run, :doc, :t, 'changed', :n)"), checks)
            if changes:
                conn.execute(text("INSERT INTO change (document_id, from_version, to_version, detected_at, material,"
                                  " severity, categories, direction, reason, clauses) VALUES (:doc, :f, :to, :t, :m, :sev,"
                                  " :cat, 'expanded', 'retention period changed', :clauses)"), changes)
    with store.engine.connect() as conn:
        conn.execute(text("ANALYZE"))
    store.close()


def timed(cmd: list[str], runs: int) -> tuple[float, int, int]:
    """Median wall seconds of `runs` runs, the exit code and the output size of the last."""
    times, code, size = [], 0, 0
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, env=env, timeout=300, cwd=WORK)
        times.append(time.perf_counter() - started)
        code, size = done.returncode, len(done.stdout)
    return statistics.median(times), code, size


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--docs", type=int, default=10_000)
    p.add_argument("--versions", type=int, default=10, help="versions per document (default 10)")
    p.add_argument("--runs", type=int, default=5, help="runs per command; the median is shown (default 5)")
    p.add_argument("--python", default=sys.executable)
    p.add_argument("--rebuild", action="store_true", help="build the database again even if cached")
    args = p.parse_args(argv)
    if not (1 <= args.docs <= 100_000 and 1 <= args.versions <= 100 and 1 <= args.runs <= 50):
        p.error("--docs 1..100000, --versions 1..100, --runs 1..50")
    # .pyc files first, as `pip install` writes them: these machines set PYTHONDONTWRITEBYTECODE, so an
    # editable checkout would compile every changed module on every run, and we would time the compiler.
    subprocess.run([args.python, "-m", "compileall", "-q", str(ROOT / "monitor")], check=True, capture_output=True)
    WORK.mkdir(exist_ok=True)
    schema = subprocess.run([args.python, "-c", "from monitor.store.migrations import LATEST; print(LATEST)"],
                            capture_output=True, text=True, cwd=ROOT).stdout.strip()
    db = WORK / f"query-{args.docs}x{args.versions}-schema{schema}.db"
    if args.rebuild or not db.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        started = time.perf_counter()
        build(db, args.docs, args.versions, args.python)
        print(f"built {db.name}: {args.docs} documents x {args.versions} versions in {time.perf_counter() - started:.1f} s, "
              f"{db.stat().st_size / 2**20:.0f} MiB")
    one, five, _ = os.getloadavg()
    print(f"database {db} (schema {schema}); load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs")
    middle = doc_id(args.docs // 2)
    since = (START + timedelta(days=30 * (args.versions - 1))).strftime("%Y-%m-%d")
    base = [args.python, "-m", "monitor", "--db", str(db), "--watchlist", str(WORK / "none.toml")]
    commands = [
        ("--version", [args.python, "-m", "monitor", "--version"]),
        ("--help", [args.python, "-m", "monitor", "--help"]),
        (f"history {middle}", base + ["history", middle]),
        (f"history {middle} --json", base + ["history", middle, "--json"]),
        (f"show {middle}", base + ["show", middle]),
        (f"show {middle} --version 3 --json", base + ["show", middle, "--version", "3", "--json"]),
        (f"changes {middle}", base + ["changes", middle]),
        (f"changes {middle} --since {since} --json", base + ["changes", middle, "--since", since, "--json"]),
        (f"changes --since {since} --material --category retention", base + ["changes", "--since", since, "--material",
                                                                        "--category", "retention"]),
        (f"changes --since {since}", base + ["changes", "--since", since]),
    ]
    print(f"{'command':<64} {'median s':>8} {'query s':>8} {'exit':>4} {'out KiB':>8}")
    floor = None
    for label, cmd in commands:
        seconds, code, size = timed(cmd, args.runs)
        floor = seconds if floor is None else floor
        query = f"{seconds - floor:8.3f}" if label != "--version" else f"{'-':>8}"
        print(f"{label:<64} {seconds:8.3f} {query} {code:>4} {size / 1024:8.1f}")
    print(f"(median of {args.runs} whole processes; 'query s' is the time beyond `--version`, which pays the CLI's imports)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
