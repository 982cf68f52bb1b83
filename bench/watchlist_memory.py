"""How much memory a watchlist of N documents takes to load, alone, in a fresh process.

Usage:
    .venv/bin/python bench/watchlist_memory.py [N ...]        # default: 1000 10000

For each N, a child process writes a synthetic watchlist of N vendors (one document each, loopback
URLs), loads it with `monitor.config.load_watchlist` as `check` does, and prints the growth of its
resident set (VmRSS, Linux) over the load. Compared with `check_throughput.py --scale`, it tells how
much of a run's growth with N is the watchlist itself. Figures only; nothing is fetched.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CHILD = r"""
import gc, sys
n, path = int(sys.argv[1]), sys.argv[2]
lines = ["[settings]"]
for i in range(1, n + 1):
    lines += ["", "[[vendors]]", f'id = "vendor-{i:05d}"', f'name = "Vendor {i:05d}"', "[[vendors.documents]]",
              'id = "privacy"', 'kind = "privacy"', f'url = "http://127.0.{i // 250}.{i % 250 + 2}:8080/v{i:05d}/privacy"']
open(path, "w", encoding="utf-8").write("\n".join(lines) + "\n")
import monitor.config as config

def rss_kib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1])

before = rss_kib()
watchlist = config.load_watchlist(path)
documents = watchlist.documents()
gc.collect()
print(len(documents), rss_kib() - before)
"""


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [1000, 10000]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            out = subprocess.run([sys.executable, "-c", CHILD, str(n), str(Path(tmp) / f"w{n}.toml")],
                                 capture_output=True, text=True, cwd=REPO, check=True).stdout.split()
            rows.append((n, int(out[1])))
    print(f"{'N':>7} {'RSS growth KiB':>15} {'per document B':>15}")
    for n, kib in rows:
        print(f"{n:>7} {kib:>15,} {kib * 1024 / n:>15,.0f}")
    if len(rows) > 1:
        (n0, k0), (n1, k1) = rows[0], rows[-1]
        print(f"from {n0:,} to {n1:,}: {k1 - k0:,} KiB more, {(k1 - k0) * 1024 / (n1 - n0):,.0f} bytes a document")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
