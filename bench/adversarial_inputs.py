"""Time the clause engine and the quality gate on inputs built to make regexes and alignment super-linear.

Usage:
    .venv/bin/python bench/adversarial_inputs.py [--scale 1.0] [--limit SECONDS]

Each input is compared against a short policy (as `policy-monitor diff` does, through
monitor.engine.gate.judge_pair) and the seconds are printed. Every step must stay linear in the input,
so doubling --scale should about double each time. A case over --limit (default 60 s) is cut off by an
alarm and printed as such; the run goes on.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor.engine.gate import judge_pair  # noqa: E402
from monitor.text.quality import assess  # noqa: E402

POLICY = (
    "# Privacy policy\n\nWe collect your email address to run the service. We never sell your data.\n\n"
    "# Retention\n\nWe keep logs for 30 days. You can ask us to delete your account at any time.\n"
)


def inputs(scale: float) -> dict[str, str]:
    n = lambda k: max(1, int(k * scale))  # noqa: E731
    return {
        "one 80k-letter word": "a" * n(80_000),
        "2 MB without punctuation": ("lorem ipsum dolor sit amet " * n(80_000))[: n(2_000_000)],
        "200k one-word sentences": "Word. " * n(200_000),
        "100k dots": "." * n(100_000),
        "100k '['": "[" * n(100_000),
        "50k '!['": "![" * n(50_000),
        "50k '[a](' unclosed": "[a](" * n(50_000),
        "20k equal clauses": "We share data.\n\n" * n(20_000),
        "60k-char policy, every sentence new": " ".join(f"Sentence {i} states practice {i * 7}." for i in range(n(2_400))),
    }


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--limit", type=int, default=60)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGALRM, _alarm)
    print(f"{'input':40} {'chars':>10} {'gate s':>8} {'diff s':>8}")
    for name, text in inputs(args.scale).items():
        times = []
        for step in (lambda: assess(text, POLICY), lambda: judge_pair(POLICY, text)):
            signal.alarm(args.limit)
            start = time.perf_counter()
            try:
                step()
                times.append(f"{time.perf_counter() - start:8.2f}")
            except Timeout:
                times.append(f">{args.limit:7d}")
            finally:
                signal.alarm(0)
        print(f"{name:40} {len(text):10,} {times[0]} {times[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
