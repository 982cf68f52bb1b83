"""Signals that might tell a real rewrite from another document, on the corpus pairs that keep few clauses.

Usage:
    .venv/bin/python bench/replaced_signals.py [CORPUS_DIR] [--dates]

For every labeled pair whose new text keeps under 30% of the old clauses (the gate holds under 10% as
"replaced"), prints the share kept and what the two texts still share: section headings, vocabulary
(Jaccard of words), contact e-mail addresses, web and mail domains, policy words on both sides. A signal
is worth adopting only if it separates the substantive rewrites from the error_page captures on the
whole corpus; skipped cleanly when the corpus is absent. `--dates` lists instead the pairs whose stated
date ("last updated", "effective") goes back: an older version served again would.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import eval_corpus  # noqa: E402
from monitor.engine.gate import judge_pair  # noqa: E402
from monitor.text.identity import stated_date  # noqa: E402
from monitor.text.quality import POLICY_WORDS, _sections  # noqa: E402

_WORDS = re.compile(r"[a-z]{3,}")
_MAIL = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
_HOST = re.compile(r"https?://(?:www\.)?([\w-]+(?:\.[\w-]+)+)")
LOW_KEPT = 0.30


def _signals(old: str, new: str) -> dict[str, str]:
    ho, hn = ({t for _, t, _ in _sections(x)} for x in (old, new))
    wo, wn = (set(_WORDS.findall(x.lower())) for x in (old, new))
    mo, mn = (set(re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", x.lower())) for x in (old, new))
    do, dn = (set(_MAIL.findall(x.lower())) | set(_HOST.findall(x.lower())) for x in (old, new))
    po, pn = (len(POLICY_WORDS & w) for w in (wo, wn))
    return {"headings": f"{len(ho & hn)}/{len(ho)}", "words": f"{len(wo & wn) / max(1, len(wo | wn)):.2f}",
            "mails": f"{len(mo & mn)}/{len(mo)}", "domains": f"{len(do & dn)}/{len(do)}", "policy words": f"{po}|{pn}"}


def _dates_back(cases) -> None:
    both = 0
    for case in cases:
        old, new = (stated_date(t) for t in case.texts())
        if old and new:
            both += 1
            if new < old:
                print(f"{case.label['id'][:34]:34} {case.label['kind']:11} material {case.label['material']!s:5} "
                      f"{old} -> {new}")
    print(f"pairs stating a date on both sides: {both} of {len(cases)}")


def main(argv: list[str]) -> int:
    dates = "--dates" in argv
    argv = [a for a in argv if a != "--dates"]
    corpus = eval_corpus._corpus_dir(argv[0] if argv else None)
    if not corpus.is_dir():
        print(f"no corpus at {corpus}: skipped")
        return 0
    cases = eval_corpus._platform_cases(corpus)[0] + eval_corpus._vendor_cases(corpus)
    if dates:
        _dates_back(cases)
        return 0
    print(f"pairs keeping under {LOW_KEPT:.0%} of their clauses (old side over 3,000 characters)")
    for case in cases:
        old, new = case.texts()
        judgement = judge_pair(old, new)
        if judgement.comparison is None or judgement.comparison.kept >= LOW_KEPT or len(old) < 3000:
            continue
        held = judgement.problem.kind if judgement.problem else "-"
        figures = "  ".join(f"{k} {v}" for k, v in _signals(old, new).items())
        print(f"{case.label['id'][:34]:34} {case.label['kind']:11} kept {judgement.comparison.kept:.3f} "
              f"held {held:8} {figures}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
