"""Evaluate the clause engine against the hand-labelled corpus pairs.

Usage:
    .venv/bin/python bench/eval_corpus.py [CORPUS_DIR] [--show ID ...] [--only SUBSTRING]

CORPUS_DIR defaults to $POLICY_MONITOR_CORPUS, else ../shared/corpus next to the repository. When the
corpus is absent the evaluation is skipped (exit 0): it is development data, not part of the project.

Prints material-alert precision/recall, how often noise/editorial/error pages stay quiet, category recall
on material pairs, timings, the misclassified pairs, and an "alert on any change" baseline.
`--show ID` prints every non-noise clause change of that pair, for tuning.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from monitor.classifier import classify  # noqa: E402
from monitor.engine.compare import Comparison, compare  # noqa: E402

_judge_seconds = [0.0]
_real_judge = classify.judge


def _timed_judge(*args, **kwargs):
    """The classifier's share of compare() time, reported apart from the engine's own."""
    start = time.perf_counter()
    try:
        return _real_judge(*args, **kwargs)
    finally:
        _judge_seconds[0] += time.perf_counter() - start

TARGETS = {"precision": 0.90, "recall": 0.95, "category recall": 0.90, "largest pair seconds": 0.5}


def _corpus_dir(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    env = os.environ.get("POLICY_MONITOR_CORPUS")
    return Path(env) if env else REPO.parent / "shared" / "corpus"


def _quality_gate():
    """monitor.text.quality.assess(text) -> problem | None, when the project has one."""
    try:
        module = importlib.import_module("monitor.text.quality")
    except ImportError:
        return None
    return getattr(module, "assess", None)


def _gate(assess, old_text: str, new_text: str):
    """Mirror the product: a version only reaches the engine when it passes the quality gate."""
    try:
        return assess(old_text) or assess(new_text, previous=old_text)
    except TypeError:  # an assess(text) without the previous-version check
        return assess(old_text) or assess(new_text)


def _load(corpus: Path) -> tuple[list[dict], dict[tuple[str, str], dict]]:
    labels = [json.loads(line) for line in (corpus / "labels.jsonl").read_text().splitlines() if line.strip()]
    versions: dict[tuple[str, str], dict] = {}
    for line in (corpus / "histories.jsonl").read_text().splitlines():
        if line.strip():
            rec = json.loads(line)
            versions[(rec["platform"], rec["commit"][:8])] = rec
    return labels, versions


def _ratio(num: float, den: float) -> str:
    return f"{num / den:.3f} ({num:g}/{den:g})" if den else "n/a (0/0)"


def _show(pair_id: str, cmp: Comparison) -> None:
    print(f"\n== {pair_id}: {cmp.severity} {list(cmp.categories)} {cmp.direction} — {cmp.reason}")
    for c in cmp.clauses:
        if c.severity != "noise":
            print(f"  [{c.severity}] {c.type}{'/' + c.shape if c.shape else ''} {list(c.categories)} "
                  f"{c.direction} @ {c.section[:60]!r}: {c.reason}")
            print(f"      {c.diff[:400]}")
    noise = Counter(c.reason for c in cmp.clauses if c.severity == "noise")
    if noise:
        print("  noise: " + "; ".join(f"{n}× {r}" for r, n in noise.most_common()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?")
    parser.add_argument("--show", action="append", default=[], help="print the clause changes of this pair id")
    parser.add_argument("--only", help="evaluate only pair ids containing this text")
    args = parser.parse_args(argv)

    corpus = _corpus_dir(args.corpus)
    if not (corpus / "labels.jsonl").is_file() or not (corpus / "histories.jsonl").is_file():
        print(f"corpus not found at {corpus} (set POLICY_MONITOR_CORPUS or pass a path); skipping evaluation")
        return 0
    labels, versions = _load(corpus)
    assess = _quality_gate()
    assess_change = getattr(importlib.import_module("monitor.text.quality"), "assess_change", None) if assess else None
    classify.judge = _timed_judge

    rows, skipped, times = [], [], []
    for label in labels:
        if args.only and args.only not in label["id"]:
            continue
        platform, old_c, new_c = label["id"].rsplit("-", 2)
        old_v, new_v = versions.get((platform, old_c)), versions.get((platform, new_c))
        if not old_v or not new_v or not old_v.get("file") or not new_v.get("file"):
            skipped.append(label["id"])
            continue
        old_text = (corpus / old_v["file"]).read_text(encoding="utf-8")
        new_text = (corpus / new_v["file"]).read_text(encoding="utf-8")
        problem = _gate(assess, old_text, new_text) if assess else None
        _judge_seconds[0] = 0.0
        start = time.perf_counter()
        cmp = compare(old_text, new_text)
        elapsed = time.perf_counter() - start  # the engine only: the gate is another module's cost
        times.append((elapsed, len(old_text) + len(new_text), label["id"], _judge_seconds[0]))
        if not problem and assess_change is not None:  # the product's second gate, after the engine
            problem = assess_change(cmp.kept, old_text)
        material = cmp.material and not problem
        reason = f"quality gate: {problem}" if problem else cmp.reason
        rows.append((label, cmp, material, reason, old_text != new_text))
        if label["id"] in args.show:
            _show(label["id"], cmp)

    if not rows:
        print("no pairs evaluated")
        return 0
    tp = sum(1 for lab, _, pred, _, _ in rows if pred and lab["material"])
    fp = sum(1 for lab, _, pred, _, _ in rows if pred and not lab["material"])
    fn = sum(1 for lab, _, pred, _, _ in rows if not pred and lab["material"])
    positives = sum(1 for lab, *_ in rows if lab["material"])
    changed = [r for r in rows if r[4]]

    print(f"corpus: {corpus}  pairs: {len(rows)} evaluated, {len(skipped)} skipped (missing file)")
    print(f"quality gate: {'monitor.text.quality.assess' if assess else 'none (monitor/quality.py absent)'}")
    print(f"material precision: {_ratio(tp, tp + fp)}   target ≥ {TARGETS['precision']}")
    print(f"material recall:    {_ratio(tp, positives)}   target ≥ {TARGETS['recall']}")
    changed_material = sum(1 for r in changed if r[0]["material"])
    print(f"baseline alert-on-any-change precision: {_ratio(changed_material, len(changed))}"
          f"  recall: {_ratio(changed_material, positives)}")
    for kind in ("noise", "editorial", "error_page"):
        of_kind = [r for r in rows if r[0]["kind"] == kind]
        print(f"quiet on {kind + ':':11} {_ratio(sum(1 for r in of_kind if not r[2]), len(of_kind))}")

    # independent of the classifier: does the cosmetic filter leave anything to judge?
    for kind in ("noise", "editorial", "error_page", "substantive"):
        of_kind = [r for r in rows if r[0]["kind"] == kind]
        visible = sum(1 for r in of_kind if any(c.severity != "noise" for c in r[1].clauses))
        print(f"engine: {kind} pairs with a non-cosmetic clause change: {_ratio(visible, len(of_kind))}")

    hit, total = Counter(), Counter()
    for lab, cmp, *_ in rows:
        if lab["material"]:
            for cat in lab["categories"]:
                total[cat] += 1
                hit[cat] += cat in cmp.categories
    print(f"category recall (material pairs, micro): {_ratio(sum(hit.values()), sum(total.values()))}"
          f"   target ≥ {TARGETS['category recall']}")
    print("  per category: " + ", ".join(f"{c} {hit[c]}/{total[c]}" for c, _ in total.most_common()))

    durations = [t[0] for t in times]
    largest = max(times, key=lambda t: t[1])
    worst = max(times)
    print(f"compare() time per pair: median {statistics.median(durations) * 1000:.1f} ms, "
          f"worst {worst[0] * 1000:.1f} ms "
          f"({worst[2]}, of which classify.judge {worst[3] * 1000:.0f} ms), largest pair {largest[0] * 1000:.1f} ms "
          f"({largest[2]}, {largest[1]:,} chars, judge {largest[3] * 1000:.0f} ms)"
          f"   target < {TARGETS['largest pair seconds'] * 1000:.0f} ms")

    wrong = [r for r in rows if r[2] != r[0]["material"]]
    print(f"misclassified: {len(wrong)}")
    for lab, cmp, pred, reason, _ in wrong:
        print(f"  {lab['id']}: label {lab['kind']}/{'material' if lab['material'] else 'quiet'}, "
              f"predicted {cmp.severity}{' (gated)' if cmp.material and not pred else ''} "
              f"{list(cmp.categories)} kept {cmp.kept:.0%} — {reason[:140]}")
    if skipped:
        print("skipped: " + ", ".join(skipped))
    return 0


if __name__ == "__main__":
    sys.exit(main())
