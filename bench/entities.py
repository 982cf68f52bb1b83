"""How long comparing two versions of a long sub-processor list takes (monitor.entities).

Prints figures, asserts nothing. The list is synthetic and deterministic from --seed: N entities as an
HTML table, extracted and normalized as `check` does; the new version re-sorts the table, adds 5
entities, drops 5 and moves 5 to another country. Each figure is the best of --repeat runs. Then, when
the corpus is there ($POLICY_MONITOR_CORPUS, else ../shared/corpus), the bot-wall rule on real texts: how
many distinct policy words the short ones hold (the rule only looks at pages under 3000 characters).

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


import os  # noqa: E402

# As bench/eval_corpus.py: $POLICY_MONITOR_CORPUS, else ../shared/corpus next to the repository.
CORPUS = Path(os.environ.get("POLICY_MONITOR_CORPUS") or Path(__file__).resolve().parents[2] / "shared" / "corpus")


def walls() -> None:
    """The bot-wall rule's margin: distinct policy words in real policies (corpus) and in challenge pages."""
    import re

    from monitor.text import quality

    files = sorted(CORPUS.glob("histories/*/*.md")) + sorted(CORPUS.glob("vendors/versions/**/*.md"))
    if not files:
        print(f"walls: no corpus at {CORPUS}; skipped")
        return
    short, held = [], 0
    for f in files:
        text = normalize_text(f.read_text(encoding="utf-8", errors="replace"))
        problem = quality.assess(text)
        held += bool(problem and problem.kind == "bot_wall")
        if len(text) < quality.SHORT_PAGE:
            words = quality.POLICY_WORDS.intersection(re.findall(r"[a-z]+(?:-[a-z]+)?", text.lower()))
            short.append(len(words))
    print(f"walls: {len(files)} corpus texts, {len(short)} short; distinct policy words in each short one: "
          f"{sorted(short)}; held as bot walls: {held}; threshold: {quality.MIN_POLICY_WORDS}")


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
    walls()


if __name__ == "__main__":
    main()
