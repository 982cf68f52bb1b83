"""Where a `check` run's memory goes, per step, with tracemalloc: the watchlist, registering the
documents, the run itself and its JSON report, for one N.

`check_throughput.py --latency S --scale ...` gives the whole process's peak RSS; this says which step
holds the bytes that grow with N. It runs the steps of `policy-monitor check --json` in this process
(the same calls the command makes), against the latency server of bench/latency_mode.py, a first run
then the unchanged run, and prints for each step the bytes still held after it and the peak during it,
with the lines that allocated most of what is held at the end of the run.

    .venv/bin/python bench/check_memory.py --n 3000 --latency 0.05
    .venv/bin/python bench/check_memory.py --n 3000 --latency 0.05 --top 25

tracemalloc slows Python down several times: the times printed are not throughput figures. Only
loopback addresses are contacted.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import check_throughput as ct
import latency_mode as lm

KIB = 1024


def _step(label: str, action, rows: list):  # noqa: ANN001
    tracemalloc.reset_peak()
    started = time.perf_counter()
    value = action()
    held, peak = tracemalloc.get_traced_memory()
    rows.append((label, held, peak, time.perf_counter() - started))
    return value


def one_run(watchlist_path: Path, db: Path, n: int, phase: str, top: int) -> None:
    from monitor.config import load_watchlist
    from monitor.jobs.check import register, run_check, select_documents
    from monitor.store.store import Store

    rows: list = []
    tracemalloc.start(1)
    base, _ = tracemalloc.get_traced_memory()
    watchlist = _step("load the watchlist", lambda: load_watchlist(watchlist_path), rows)
    _step("select the documents", lambda: select_documents(watchlist, ()), rows)
    store = _step("open the store", lambda: Store.open(str(db), create=True), rows)
    documents = select_documents(watchlist, ())
    _step("  register (alone)", lambda: register(store, documents), rows)
    _step("  run_state (alone)", store.run_state, rows)
    del documents
    before_run = tracemalloc.take_snapshot()
    midway: list = []
    seen = [0]

    def on_result(_result) -> None:  # noqa: ANN001
        seen[0] += 1
        if seen[0] == n // 2:
            midway.append(tracemalloc.take_snapshot())

    near_peak = _PeakWatcher()
    with near_peak:
        report = _step("run_check", lambda: run_check(watchlist, store, (), on_result=on_result), rows)
    held_by_run = tracemalloc.take_snapshot()
    text = _step("report as JSON", lambda: json.dumps(report.to_dict(), indent=2, ensure_ascii=False), rows)
    store.close()
    tracemalloc.stop()
    print(f"\n{phase} run, N={n}: counts {report.counts}, JSON {len(text) / KIB:,.0f} KiB")
    print(f"  {'step':<22} {'held KiB':>10} {'per doc B':>10} {'peak KiB':>10} {'s':>7}")
    for label, held, peak, seconds in rows:
        print(f"  {label:<22} {(held - base) / KIB:10,.0f} {(held - base) / n:10,.0f} {(peak - base) / KIB:10,.0f} {seconds:7.1f}")
    _print_sites(f"largest allocation sites still held after run_check (top {top}):", held_by_run.statistics("lineno"), top)
    if midway:
        _print_sites(f"grown since the run started, halfway through it (top {top}):",
                     midway[0].compare_to(before_run, "lineno"), top)
    if near_peak.snapshot is not None:
        _print_sites(f"grown since the run started, near its peak ({near_peak.held / KIB:,.0f} KiB held, "
                     f"at {near_peak.at:.1f} s; top {top}):", near_peak.snapshot.compare_to(before_run, "lineno"), top)


class _PeakWatcher:
    """A snapshot taken from a thread whenever the traced memory passes its last high mark by 5%."""

    def __init__(self) -> None:
        self.snapshot, self.held, self.at = None, 0, 0.0
        self._stop = threading.Event()

    def __enter__(self) -> _PeakWatcher:
        self._started = time.perf_counter()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        mark = tracemalloc.get_traced_memory()[0]
        while not self._stop.wait(0.02):
            held = tracemalloc.get_traced_memory()[0]
            if held > mark * 1.05:
                self.snapshot, self.held, self.at = tracemalloc.take_snapshot(), held, time.perf_counter() - self._started
                mark = held


def _print_sites(title: str, stats: list, top: int) -> None:
    print(f"  {title}")
    for stat in stats[:top]:
        frame = stat.traceback[0]
        size = getattr(stat, "size_diff", stat.size)
        count = getattr(stat, "count_diff", stat.count)
        print(f"    {size / KIB:9,.0f} KiB {count:8,} blocks  {frame.filename.split('/site-packages/')[-1]}:{frame.lineno}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=3000, help="documents (default 3000), on N/10 loopback hosts")
    p.add_argument("--latency", type=float, default=0.05, help="seconds before each response (default 0.05)")
    p.add_argument("--top", type=int, default=12, help="allocation sites to print (default 12)")
    p.add_argument("--seed", type=int, default=20240601)
    args = p.parse_args(argv)
    if not 1 <= args.n <= 10_000:
        p.error("--n must be between 1 and 10000")
    print(f"before: {ct.load_line()}")
    ct.WORK.mkdir(exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="memory-", dir=ct.WORK))
    pm = ct.PolicyMonitor(sys.executable, workdir, 10)
    pm.settings_extra = {}  # the shipped defaults
    hosts = max(1, args.n // lm.DOCS_PER_HOST_AT_SCALE)
    try:
        with lm.LatencySite(args.n, hosts, args.latency, args.seed, frozenset()) as site:
            watchlist, db = pm.write_watchlist(site, args.n, "memory")
            for phase in ("first", "unchanged"):
                one_run(watchlist, db, args.n, phase, args.top)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"\nafter: {ct.load_line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
