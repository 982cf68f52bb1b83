"""Edits that change no practice stay quiet in German, French and Spanish too: label-free.

Usage:
    .venv/bin/python bench/language_invariance.py [--show]

The corpus is English, so edit_invariance.py and relayout_invariance.py say nothing of the phrasebooks.
This takes every distinct text of tests/languages/*.toml (each language's base policy and every edited
version of it, material or not: 40-odd texts per language), and judges each, as `diff` does, against
itself edited by every quiet edit of those two benchmarks that applies to it (list items reversed,
sentences and sections swapped, a sentence or paragraph moved, typography, renumbering, the date,
page chrome, tracking parameters, paragraphs as bullets, bullets as a paragraph, headings one level
down, sections merged, lines re-wrapped, markup stripped; the British spelling, company rename,
headings in capitals and paragraph split of the held-out batch). Expected: quiet every time. Prints,
per language and edit, how many texts stay quiet, and the ones that do not. Figures only.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "tests"))

import edit_invariance  # noqa: E402
import relayout_invariance  # noqa: E402
from language_cases import LANGUAGES, load  # noqa: E402

from monitor.engine.gate import judge_pair  # noqa: E402

PARTS = ("edit", "heldout1", "heldout2", "heldout3", "heldout4")


def quiet_edits() -> dict[str, Callable[[str], str]]:
    edits = {name: fn for name, (fn, side, expected) in {**edit_invariance.EDITS, **edit_invariance.HELDOUT}.items()
             if side == "new" and expected == "quiet"}
    return {**edits, **relayout_invariance.TRANSFORMS}


def texts(lang: str) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for part in PARTS:
        for case in load(lang, part):
            seen.setdefault(case.old, f"{lang} base")
            seen.setdefault(case.new, case.id)
    return [(name, text) for text, name in seen.items()]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="every text that is not quiet, not the first 3")
    args = parser.parse_args(argv)
    edits = quiet_edits()
    total = quiet_total = 0
    for lang in LANGUAGES:
        items = texts(lang)
        print(f"{lang}: {len(items)} distinct texts")
        for name, edit in edits.items():
            judged, loud = 0, []
            for case_id, text in items:
                edited = edit(text)
                if edited == text:
                    continue
                judged += 1
                v = judge_pair(text, edited)
                if v.material or v.held:
                    loud.append(f"    {case_id}: {'held: ' + str(v.problem) if v.held else v.verdict}"[:170])
            if not judged:
                continue
            total += judged
            quiet_total += judged - len(loud)
            print(f"  {name:26} quiet {judged - len(loud):3}/{judged}")
            for line in loud[: None if args.show else 3]:
                print(line)
    if total:
        print(f"all: quiet {quiet_total}/{total} ({quiet_total / total:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
