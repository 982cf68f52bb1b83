"""How long comparing two versions of a long sub-processor list takes (monitor.entities).

Prints figures, asserts nothing. The list is synthetic and deterministic from --seed: N entities as an
HTML table, extracted and normalized as `check` does; the new version re-sorts the table, adds 5
entities, drops 5 and moves 5 to another country. Each figure is the best of --repeat runs.

    $ .venv/bin/python bench/entities.py --n 500
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitor.engine.gate import compare  # noqa: E402
from monitor.entities.read import read  # noqa: E402
from monitor.text.extract import extract_text  # noqa: E402
from monitor.text.normalize import normalize_text  # noqa: E402

PURPOSES = ["Cloud hosting", "Email delivery", "Payment processing", "Customer support", "Error monitoring",
            "Product analytics", "Data warehousing", "SMS notifications", "Content delivery", "Backups"]
PLACES = ["United States", "Ireland", "Germany", "France", "Japan", "Singapore", "Canada", "Brazil", "India",
          "United States, Ireland", "Netherlands", "Australia"]


def rows(n: int, rng: random.Random) -> list[tuple[str, str, str]]:
    return [(f"Vendor {i:04d} {rng.choice(['Inc.', 'Ltd', 'GmbH', 'SAS'])}", rng.choice(PURPOSES), rng.choice(PLACES))
            for i in range(n)]


def page(entries: list[tuple[str, str, str]]) -> str:
    body = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in entries)
    return ("<main><h1>Sub-processors</h1><p>We notify customers 30 days before a new sub-processor is engaged.</p>"
            f"<table><tr><th>Name</th><th>Purpose</th><th>Location</th></tr>{body}</table></main>")


def best(repeat: int, fn) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    old_rows = rows(args.n, rng)
    new_rows = sorted(old_rows[5:], key=lambda r: (r[2], r[0]))
    new_rows = [(a, b, "Mexico") if i < 5 else (a, b, c) for i, (a, b, c) in enumerate(new_rows)]
    new_rows += [(f"Newcomer {i} LLC", "Fraud detection", "Israel") for i in range(5)]
    old = normalize_text(extract_text(page(old_rows), "html"))
    new = normalize_text(extract_text(page(new_rows), "html"))
    cmp = compare(old, new, "subprocessors")
    counts: dict[str, int] = {}
    for e in cmp.entities:
        counts[e["change"]] = counts.get(e["change"], 0) + 1
    print(f"entities: {args.n} old, {len(read(new).entities)} new; text {len(old) // 1024} KB")
    print(f"found: {counts}  severity: {cmp.severity}  reason: {cmp.reason}")
    print(f"read one list:          {best(args.repeat, lambda: read(new)) * 1000:8.1f} ms")
    print(f"compare two lists:      {best(args.repeat, lambda: compare(old, new, 'subprocessors')) * 1000:8.1f} ms")
    resorted = normalize_text(extract_text(page(sorted(old_rows, reverse=True)), "html"))
    print(f"re-sorted only (noise): {best(args.repeat, lambda: compare(old, resorted, 'subprocessors')) * 1000:8.1f} ms")
    print(f"clause engine, same pair (kind=privacy): {best(args.repeat, lambda: compare(old, new)) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
