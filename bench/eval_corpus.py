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
import json
import os
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from monitor.engine.gate import Judgement, judge_pair  # noqa: E402

TARGETS = {"precision": 0.95, "recall": 0.95, "category recall": 0.92, "quiet noise": 1.0, "quiet error_page": 1.0}


def _corpus_dir(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    env = os.environ.get("POLICY_MONITOR_CORPUS")
    if env:
        return Path(env)
    # next to the repository, or next to the folder of worktrees it sits in
    near = [up / "shared" / "corpus" for up in (REPO.parent, REPO.parent.parent)]
    return next((p for p in near if p.is_dir()), near[0])


def versions_or_skip(corpus_arg: str | None) -> tuple[Path, list[tuple[Path, str]]] | None:
    """The corpus folder and its distinct versions for a label-free benchmark; None (said once) when
    the corpus is absent, so the benchmark skips cleanly."""
    corpus = _corpus_dir(corpus_arg)
    if not corpus.is_dir():
        print(f"no corpus at {corpus}: skipped")
        return None
    return corpus, distinct_versions(corpus)


def distinct_versions(corpus: Path) -> list[tuple[Path, str]]:
    """Each distinct version text of both sets (the newer side of every labeled pair), error pages left
    out, sorted by path: what the label-free benchmarks edit. Labels are read only to leave junk out."""
    texts: dict[Path, str] = {}
    for case in _platform_cases(corpus)[0] + _vendor_cases(corpus):
        if case.label["kind"] != "error_page":  # a junk side says nothing of how the policy is judged
            texts.setdefault(case.new_path, case.texts()[1])
    return sorted(texts.items())


@dataclass(frozen=True)
class Case:
    set: str  # "platforms" | "vendors"
    org: str  # the platform or vendor: the unit left out in leave-one-vendor-out
    label: dict
    old_path: Path
    new_path: Path

    def texts(self) -> tuple[str, str]:
        return self.old_path.read_text(encoding="utf-8"), self.new_path.read_text(encoding="utf-8")


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _platform_cases(corpus: Path) -> tuple[list[Case], list[str]]:
    if not (corpus / "labels.jsonl").is_file() or not (corpus / "histories.jsonl").is_file():
        return [], []
    versions = {(r["platform"], r["commit"][:8]): r for r in _jsonl(corpus / "histories.jsonl")}
    cases, skipped = [], []
    for label in _jsonl(corpus / "labels.jsonl"):
        platform, old_c, new_c = label["id"].rsplit("-", 2)
        old_v, new_v = versions.get((platform, old_c)), versions.get((platform, new_c))
        if not old_v or not new_v or not old_v.get("file") or not new_v.get("file"):
            skipped.append(label["id"])
            continue
        cases.append(Case("platforms", platform, label, corpus / old_v["file"], corpus / new_v["file"]))
    return cases, skipped


def _vendor_cases(corpus: Path) -> list[Case]:
    folder = corpus / "vendors"
    if not (folder / "labels.jsonl").is_file() or not (folder / "pairs.jsonl").is_file():
        return []
    pairs = {p["id"]: p for p in _jsonl(folder / "pairs.jsonl")}
    return [
        Case("vendors", pairs[lab["id"]]["vendor"], lab, folder / pairs[lab["id"]]["old"], folder / pairs[lab["id"]]["new"])
        for lab in _jsonl(folder / "labels.jsonl") if lab["id"] in pairs
    ]



@dataclass
class Row:
    case: Case
    judgement: Judgement
    seconds: float
    chars: int

    @property
    def predicted(self) -> bool:
        return self.judgement.material

    @property
    def categories(self) -> tuple[str, ...]:
        cmp = self.judgement.comparison
        return cmp.categories if cmp is not None and self.predicted else ()


def _evaluate(case: Case) -> Row:
    old_text, new_text = case.texts()
    start = time.perf_counter()
    judgement = judge_pair(old_text, new_text)
    return Row(case, judgement, time.perf_counter() - start, len(old_text) + len(new_text))


def metrics(rows: list[Row]) -> dict[str, tuple[int, int]]:
    """(hits, total) per figure: precision, recall, category recall, quiet per kind."""
    tp = sum(1 for r in rows if r.predicted and r.case.label["material"])
    fp = sum(1 for r in rows if r.predicted and not r.case.label["material"])
    positives = sum(1 for r in rows if r.case.label["material"])
    hit = total = 0
    for r in rows:
        if r.case.label["material"]:
            for cat in r.case.label["categories"]:
                total += 1
                hit += cat in r.categories
    # of the categories given to true alerts, how many the label names: recall alone rewards naming all
    given = sum(len(r.categories) for r in rows if r.predicted and r.case.label["material"])
    right = sum(len(set(r.categories) & set(r.case.label["categories"]))
                for r in rows if r.predicted and r.case.label["material"])
    out = {"precision": (tp, tp + fp), "recall": (tp, positives), "category recall": (hit, total),
           "category precision": (right, given)}
    for kind in ("noise", "editorial", "error_page"):
        of_kind = [r for r in rows if r.case.label["kind"] == kind]
        out[f"quiet {kind}"] = (sum(1 for r in of_kind if not r.predicted), len(of_kind))
    return out


def _figure(pair: tuple[int, int]) -> str:
    num, den = pair
    return f"{num / den:.3f} ({num}/{den})" if den else "n/a"


def _print_metrics(title: str, rows: list[Row]) -> None:
    print(f"{title}: {len(rows)} pairs")
    for name, pair in metrics(rows).items():
        target = TARGETS.get(name)
        print(f"  {name + ':':18} {_figure(pair):>18}" + (f"   target >= {target}" if target else ""))


def _per_vendor(rows: list[Row]) -> None:
    print(f"{'set':10} {'organisation':16} {'pairs':>5} {'mat':>4} {'tp':>3} {'fp':>3} {'fn':>3} {'cat':>7} "
          f"{'noise q':>8} {'err q':>6}")
    for set_, org in sorted({(r.case.set, r.case.org) for r in rows}):
        mine = [r for r in rows if (r.case.set, r.case.org) == (set_, org)]
        m = metrics(mine)
        tp = m["precision"][0]
        fp = m["precision"][1] - tp
        fn = m["recall"][1] - m["recall"][0]
        cat = "{}/{}".format(*m["category recall"])
        print(f"{set_:10} {org[:16]:16} {len(mine):5} {m['recall'][1]:4} {tp:3} {fp:3} {fn:3} {cat:>7} "
              f"{'{}/{}'.format(*m['quiet noise']):>8} {'{}/{}'.format(*m['quiet error_page']):>6}")


def _show(row: Row) -> None:
    j = row.judgement
    cmp = j.comparison
    print(f"\n== {row.case.label['id']} ({row.case.label['summary']}): {j.verdict}  quality={j.quality['problem']}")
    if cmp is None:
        return
    print(f"   {cmp.severity} {list(cmp.categories)} {cmp.direction} kept {cmp.kept:.0%}")
    for c in cmp.clauses:
        if c.severity != "noise":
            print(f"  [{c.severity}] {c.type}{'/' + c.shape if c.shape else ''} {list(c.categories)} "
                  f"{c.direction} @ {c.section[:60]!r}: {c.reason}")
            print(f"      {c.diff[:400]}")
    noise = Counter(c.reason for c in cmp.clauses if c.severity == "noise")
    if noise:
        print("  noise: " + "; ".join(f"{n}x {r}" for r, n in noise.most_common(6)))


def _held_material(rows: list[Row]) -> None:
    """Material pairs the quality gate held, and what the clause engine alone says of them: tells a gap
    the gate makes from one the engine makes."""
    from monitor.engine.compare import compare

    held = [r for r in rows if r.judgement.held and r.case.label["material"]]
    if not held:
        return
    hit = total = found = 0
    for r in held:
        cmp = compare(*r.case.texts())
        found += cmp.material
        total += len(r.case.label["categories"])
        hit += len(set(r.case.label["categories"]) & set(cmp.categories)) if cmp.material else 0
    print(f"material pairs the gate held: {len(held)}; the engine alone calls {found} material, "
          f"with {hit}/{total} of their categories")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?")
    parser.add_argument("--show", action="append", default=[], help="print the clause changes of this pair id")
    parser.add_argument("--only", help="evaluate only pair ids containing this text")
    parser.add_argument("--set", choices=("platforms", "vendors", "all"), default="all")
    parser.add_argument("--wrong", action="store_true", help="print the clause changes of every wrong pair")
    args = parser.parse_args(argv)

    corpus = _corpus_dir(args.corpus)
    platform_cases, skipped = _platform_cases(corpus)
    cases = [c for c in platform_cases + _vendor_cases(corpus) if args.set in ("all", c.set)]
    cases = [c for c in cases if not args.only or args.only in c.label["id"]]
    if not cases:
        print(f"corpus not found at {corpus} (set POLICY_MONITOR_CORPUS or pass a path); skipping evaluation")
        return 0
    rows = [_evaluate(c) for c in cases]

    print(f"corpus: {corpus}; each pair judged as `policy-monitor diff OLD NEW --json` does (gate.judge_pair)")
    print("nothing is learned from these labels (no weight or threshold searched): leave-one-vendor-out = pooled "
          "figures; the rules were written after reading wrong pairs, so read them as an upper bound")
    for set_ in ("platforms", "vendors"):
        mine = [r for r in rows if r.case.set == set_]
        if mine:
            _print_metrics(set_, mine)
    _print_metrics("all", rows)
    _per_vendor(rows)

    hit, total = Counter(), Counter()
    for r in rows:
        if r.case.label["material"]:
            for cat in r.case.label["categories"]:
                total[cat] += 1
                hit[cat] += cat in r.categories
    print("category recall per category: " + ", ".join(f"{c} {hit[c]}/{total[c]}" for c, _ in total.most_common()))
    problems = Counter(r.judgement.quality["problem"] for r in rows)
    print("quality gate: " + ", ".join(f"{k} {n}" for k, n in problems.most_common()))

    durations = sorted(r.seconds for r in rows)
    largest = max(rows, key=lambda r: r.chars)
    worst = max(rows, key=lambda r: r.seconds)
    print(f"judge_pair() time per pair: median {statistics.median(durations) * 1000:.1f} ms, worst "
          f"{worst.seconds * 1000:.1f} ms ({worst.case.label['id']}, {worst.chars:,} chars), largest pair "
          f"{largest.seconds * 1000:.1f} ms ({largest.case.label['id']}, {largest.chars:,} chars)")

    near = sorted((r.seconds, r.case.label["id"]) for r in rows if 50_000 <= r.chars <= 70_000)
    if near:
        print(f"pairs of 50,000-70,000 characters (both sides): {len(near)}, median "
              f"{statistics.median(t for t, _ in near) * 1000:.0f} ms, max {near[-1][0] * 1000:.0f} ms ({near[-1][1]})"
              f"   target < 500 ms")
    wrong = [r for r in rows if r.predicted != r.case.label["material"]]
    print(f"misclassified: {len(wrong)}")
    for r in wrong:
        lab, j = r.case.label, r.judgement
        cmp = j.comparison
        got = f"{cmp.severity} {list(cmp.categories)}" if cmp else "held"
        print(f"  {lab['id']}: label {lab['kind']}/{'material' if lab['material'] else 'quiet'} "
              f"{lab['categories']}, predicted {got} — {j.verdict[:150]}")
    _held_material(rows)
    missed_cat = [r for r in rows if r.predicted and r.case.label["material"]
                  and set(r.case.label["categories"]) - set(r.categories)]
    print(f"material, some category missed: {len(missed_cat)}")
    for r in missed_cat:
        print(f"  {r.case.label['id']}: label {r.case.label['categories']}, predicted {list(r.categories)}")
    for r in rows:
        if r.case.label["id"] in args.show or (args.wrong and r in wrong):
            _show(r)
    if skipped:
        print("skipped (missing file): " + ", ".join(skipped))
    return 0


if __name__ == "__main__":
    sys.exit(main())
