"""How long commands take to answer, as whole processes: start-up and imports included.

    .venv/bin/python bench/startup.py [--repeat 5]

Prints the median wall time of `--help`, `history --json` on a small database, `diff` of two small
files, and a bare `python -c pass` for reference (the interpreter's own start-up on this machine).
Each command imports only what it needs when it runs (monitor/cli/base.py), so `--help` loads
typer and nothing of the store, the engine or rich.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

POLICY = """# Privacy policy

## Sharing

We do not sell your personal information. We share it only with processors bound by contract.

## Retention

We keep account records for 30 days after an account is closed.
"""


def _seed(folder: Path) -> Path:
    """A database with one document and two versions, written through the store."""
    from monitor.clock import utcnow
    from monitor.engine.compare import compare
    from monitor.store.store import DocumentInfo, Observation, Store

    db = folder / "pm.db"
    store = Store.open(db)
    store.sync_documents([DocumentInfo("acme/privacy", "acme", "Acme", "privacy", "https://acme.example/privacy")])
    run = store.start_run("check")
    newer = POLICY.replace("30 days", "2 years")
    store.record(run, Observation("acme/privacy", "new", utcnow(), text=POLICY, url="https://acme.example/privacy"))
    store.record(run, Observation("acme/privacy", "changed", utcnow(), text=newer, comparison=compare(POLICY, newer)))
    store.finish_run(run, {"new": 1, "changed": 1})
    store.close()
    return db


def _median(command: list[str], repeat: int, cwd: Path) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, capture_output=True, timeout=120)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode()[-500:]}")
    return statistics.median(times)


def _compile_bytecode(python: str = sys.executable) -> None:
    """Write the package's .pyc files first, as `pip install` does. These machines set
    PYTHONDONTWRITEBYTECODE, so an editable checkout would otherwise compile every module it
    changed on every run, and the figures would time the compiler."""
    subprocess.run([python, "-m", "compileall", "-q", str(ROOT / "monitor")], check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    _compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = _seed(folder)
        (folder / "old.md").write_text(POLICY)
        (folder / "new.md").write_text(POLICY.replace("do not sell", "may sell"))
        cli = [sys.executable, "-m", "monitor"]
        cases = {
            "python -c pass (reference)": [sys.executable, "-c", "pass"],
            "policy-monitor --help": [*cli, "--help"],
            "policy-monitor history DOC --json": [*cli, "--db", str(db), "history", "acme/privacy", "--json"],
            "policy-monitor changes --json": [*cli, "--db", str(db), "changes", "--json"],
            "policy-monitor diff OLD NEW": [*cli, "diff", "old.md", "new.md"],
        }
        print(f"load average {os.getloadavg()[0]:.2f}, median of {args.repeat} runs")
        print(f"{'command':<40} {'wall s':>8}")
        for name, command in cases.items():
            print(f"{name:<40} {_median(command, args.repeat, folder):>8.3f}")


if __name__ == "__main__":
    main()
