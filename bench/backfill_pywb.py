"""How long `backfill` takes for N archived captures on a loopback pywb, and how many requests it makes.

A real pywb (`wayback`, in a child process on 127.0.0.1) serves one collection built with `wb-manager`
from a WARC written here with warcio: N captures of one synthetic privacy policy, a month apart, each
a different version (the retention period changes every time, sharing and age now and then), so every
capture goes the whole way: fetch, extract, normalize, quality gate, version, clause diff, store.

Two runs over the same archive:

    first    empty database: every capture imported
    again    the same backfill once more: nothing fetched, nothing added (resume / idempotence)

Rates are lifted (the archive is on loopback): the figures are the pipeline's, not the politeness
limits'. With the defaults (20 CDX requests and 30 captures a minute) N captures take at least
(N - 1) × 2 seconds, which the last line prints for comparison.

Usage (from the repository root):

    .venv/bin/python bench/backfill_pywb.py            # N = 50
    .venv/bin/python bench/backfill_pywb.py --n 200 --keep
    .venv/bin/python bench/backfill_pywb.py --no-keepalive   # a connection per request (see below)

Keep-alive: pywb's gevent server answers requests on a kept-alive connection about 40 ms late on
loopback (consistent with small writes meeting delayed ACKs), against about 5 ms on a fresh
connection. With keep-alive (the default, right for a remote archive) that latency dominates the first
run; `--no-keepalive` shows the pipeline's own pace.

Nothing but 127.0.0.1 is contacted. Figures only, no asserts.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the archive fixtures: WARC writing and the pywb runner

from archive_fixtures import Pywb, Record, policy_text_html, write_warc  # noqa: E402

from monitor.jobs.backfill import run_backfill  # noqa: E402
from monitor.config import ArchiveConfig, parse_watchlist  # noqa: E402
from monitor.store.store import Store  # noqa: E402

URL = "http://bench-vendor.test/privacy"


def captures(n: int) -> list[Record]:
    start = datetime(2015, 1, 1, tzinfo=timezone.utc)
    return [Record(URL, start.replace(year=2015 + i // 12, month=1 + i % 12), body=policy_text_html(i)) for i in range(n)]


def one_run(label: str, collection_url: str, db: Path, keepalive: bool = True) -> None:
    watchlist = parse_watchlist({
        "archive": {"kind": "pywb", "url": collection_url, "cdx_per_minute": 1e9, "captures_per_minute": 1e9},
        "vendors": [{"id": "bench", "documents": [{"id": "privacy", "url": URL}]}],
    })
    store = Store.open(db)
    try:
        started = time.perf_counter()
        # pywb's server answers a kept-alive connection ~40 ms late (small writes meeting delayed
        # ACKs); --no-keepalive shows the pipeline's own pace with a connection per request.
        transport = None if keepalive else httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
        report = run_backfill(watchlist, store, ["bench"], transport=transport)
        wall = time.perf_counter() - started
        versions = len(store.versions("bench/privacy"))
        changes = len(store.changes("bench/privacy"))
    finally:
        store.close()
    counts = report.counts
    fetched = report.requests.get("capture", 0)
    total = sum(report.requests.values())
    print(f"{label:<6} {wall:7.2f} s  {fetched / wall if fetched else 0:7.1f} captures/s  "
          f"requests: {total} (cdx {report.requests.get('cdx', 0)}, capture {fetched}, retry {report.requests.get('retry', 0)})  "
          f"listed {counts['listed']}, already {counts['already']}, imported {counts['imported']}, "
          f"duplicate {counts['duplicate']}, skipped {counts['skipped']}, failed {counts['failed']}  "
          f"→ {versions} versions, {changes} changes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=50, help="archived captures (default 50)")
    parser.add_argument("--no-keepalive", action="store_true", help="a new connection per request")
    parser.add_argument("--keep", action="store_true", help="keep bench/.work/backfill-pywb afterwards")
    args = parser.parse_args()

    work = ROOT / "bench" / ".work" / "backfill-pywb"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    warc = write_warc(work / "bench.warc.gz", captures(args.n))
    started = time.perf_counter()
    with Pywb(work / "pywb", "bench", [warc]) as pywb:
        print(f"pywb ready in {time.perf_counter() - started:.1f} s at {pywb.collection_url} "
              f"({args.n} captures, {warc.stat().st_size // 1024} KB of WARC)")
        db = work / "bench.db"
        one_run("first", pywb.collection_url, db, not args.no_keepalive)
        one_run("again", pywb.collection_url, db, not args.no_keepalive)
    defaults = ArchiveConfig()
    floor = (args.n - 1) * 60 / defaults.captures_per_minute  # the first request of each kind goes at once
    print(f"with the default rates ({defaults.cdx_per_minute:g} CDX, {defaults.captures_per_minute:g} captures "
          f"a minute) the first run could not take less than {floor:.0f} s")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
