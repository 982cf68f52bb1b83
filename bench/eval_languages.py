"""Score the German, French and Spanish analysis on the synthetic set of tests/languages/*.toml.

Usage:
    .venv/bin/python bench/eval_languages.py

Each case is a base policy and one labeled edit of it (material with categories, or noise: re-layout,
reordered sections, a typo, a term moved, a new date), judged as `policy-monitor diff OLD NEW --json`
does (gate.judge_pair). Prints material precision/recall, category recall and quiet noise per language,
the wrong cases, the held-out cases ([[heldout1]] … [[heldout4]]) apart, and the time to judge a ~60,000-character pair in each language. The set was written
with the phrasebooks: read its figures as a development score, not as what an unseen policy gets.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from language_cases import LANGUAGES, LanguageCase, load  # noqa: E402
from monitor.engine.gate import judge_pair  # noqa: E402


def _score(cases: list[LanguageCase]) -> tuple[dict[str, tuple[int, int]], list[str]]:
    tp = fp = positives = cat_hit = cat_total = quiet = noise = 0
    wrong = []
    for case in cases:
        j = judge_pair(case.old, case.new)
        got = set(j.comparison.categories) if j.material and j.comparison else set()
        positives += case.material
        tp += j.material and case.material
        fp += j.material and not case.material
        if case.material:
            cat_total += len(case.categories)
            cat_hit += len(set(case.categories) & got)
        else:
            noise += 1
            quiet += not j.material
        if j.material != case.material or not set(case.categories) <= got:
            wrong.append(f"  {case.id}: labeled {'material ' + ','.join(case.categories) if case.material else 'noise'}"
                         f", got {'material ' + ','.join(sorted(got)) if j.material else 'not material'}: {j.verdict}")
    figures = {"precision": (tp, tp + fp), "recall": (tp, positives), "category recall": (cat_hit, cat_total),
               "quiet noise": (quiet, noise)}
    return figures, wrong


def _figure(hits: int, total: int) -> str:
    return f"{hits / total:.3f} ({hits}/{total})" if total else "n/a"


def _long_pair(case: LanguageCase, chars: int = 30_000) -> tuple[str, str]:
    """A ~60,000-character pair: the case's texts repeated under numbered headings."""
    reps = max(1, chars // len(case.old))
    old = "".join(f"# Teil {k}\n\n{case.old}\n" for k in range(reps))
    new = "".join(f"# Teil {k}\n\n{case.new if k == reps // 2 else case.old}\n" for k in range(reps))
    return old, new


def main() -> int:
    everything: list[LanguageCase] = []
    print("synthetic set: tests/languages/*.toml, each pair judged by gate.judge_pair (as `diff --json`)")
    for lang in LANGUAGES:
        cases = load(lang)
        everything += cases
        figures, wrong = _score(cases)
        print(f"{lang}: {len(cases)} pairs  " + "  ".join(f"{k} {_figure(*v)}" for k, v in figures.items()))
        for line in wrong:
            print(line)
        old, new = _long_pair(cases[0])
        times = []
        for variant in ("", "\n\nEin Satz mehr. Une phrase de plus. Una frase más.\n"):
            start = time.perf_counter()
            judge_pair(old, new + variant)
            times.append(time.perf_counter() - start)
        print(f"  {len(old) + len(new):,}-character pair judged in {times[1]:.3f} s "
              f"({times[0]:.3f} s for the first, which compiles the phrasebook)")
    figures, _ = _score(everything)
    print(f"all: {len(everything)} pairs  " + "  ".join(f"{k} {_figure(*v)}" for k, v in figures.items()))
    for part, what in (("heldout1", "written after the phrasebooks, first scored 9/12 recall; fixes came from its misses"),
                       ("heldout2", "written after those, first scored 9/12 recall; fixes came from its misses"),
                       ("heldout3", "written before heldout2's fixes, first scored 10/12 recall; fixes in the sixth round"),
                       ("heldout4", "written in the sixth round before any fix for it")):
        print(f"\n{part}: {what}")
        held: list[LanguageCase] = []
        for lang in LANGUAGES:
            cases = load(lang, part)
            held += cases
            figures, wrong = _score(cases)
            print(f"{lang}: {len(cases)} pairs  " + "  ".join(f"{k} {_figure(*v)}" for k, v in figures.items()))
            for line in wrong:
                print(line)
        figures, _ = _score(held)
        print(f"all: {len(held)} pairs  " + "  ".join(f"{k} {_figure(*v)}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
