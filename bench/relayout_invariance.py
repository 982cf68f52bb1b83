"""Re-layout alone is noise: every corpus version against itself laid out anew, judged as `diff` does.

Usage:
    .venv/bin/python bench/relayout_invariance.py [CORPUS_DIR] [--limit N] [--show] [--only TRANSFORM]

No labels are read: a policy and the same policy re-laid out say the same thing, so any material
verdict is wrong whatever the pair. Each distinct version text of both corpus sets (the newer side of
every labeled pair) is re-laid out in the ways the issue names, each transformation alone:

- paragraphs as bullets: every paragraph becomes a "* " list item;
- bullets as a paragraph: the items of every list joined into one paragraph ("; " after an item that
  does not end a sentence);
- headings one level down: "#" becomes "##", a setext title an ATX one;
- sections merged: every second heading dropped, its text joining the section before;
- lines re-wrapped: every paragraph hard-wrapped at 60 columns, as a plain-text capture would;
- tables as lists: every table row a list item, its cells joined, the header row dropped;
- markup stripped: links become their text, bold goes, "*" bullets become "-".

Prints, for each transformation, how many texts stay quiet (not material, not held as junk) and the
first few that do not, with the reason. Skipped cleanly when the corpus is absent. Figures only.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import eval_corpus  # noqa: E402
from monitor.engine.gate import judge_pair  # noqa: E402

_HEADING = re.compile(r"^(#{1,6}) ")
_SETEXT = re.compile(r"^(\S.*)\n(=+|-+)[ \t]*$", re.M)
_ITEM = re.compile(r"^\s*(?:[*+-]|\d+\.)\s+")


def _blocks(text: str) -> list[str]:
    return [b for b in re.split(r"\n\s*\n", _SETEXT.sub(lambda m: ("# " if m.group(2)[0] == "=" else "## ") + m.group(1), text)) if b.strip()]


def _is_special(block: str) -> bool:
    """Headings, tables and lists keep their form where a transformation is about paragraphs."""
    first = block.lstrip()
    return bool(_HEADING.match(first)) or first.startswith("|") or bool(_ITEM.match(first))


def paragraphs_as_bullets(text: str) -> str:
    return "\n\n".join(b if _is_special(b) else "* " + " ".join(b.split()) for b in _blocks(text))


def bullets_as_paragraph(text: str) -> str:
    out = []
    for b in _blocks(text):
        lines = b.splitlines()
        if len(lines) > 1 and all(_ITEM.match(ln) for ln in lines if ln.strip()):
            items = [_ITEM.sub("", ln).strip() for ln in lines if ln.strip()]
            # an item that ends a sentence is followed by the next; the others are joined with "; "
            out.append(" ".join(i if i.endswith((".", ";", ":", "!", "?")) else i + ";" for i in items[:-1]) + " " + items[-1])
        else:
            out.append(b)
    return "\n\n".join(out)


def headings_down(text: str) -> str:
    blocks = _blocks(text)
    if any(b.startswith("###### ") for b in blocks):  # no level below six: the nesting would change
        return text
    return "\n\n".join(("#" + b if _HEADING.match(b) else b) for b in blocks)


def sections_merged(text: str) -> str:
    out, seen = [], 0
    for b in _blocks(text):
        if _HEADING.match(b) and not b.startswith("# "):
            seen += 1
            if seen % 2 == 0 and "\n" not in b.strip():
                continue
        out.append(b)
    return "\n\n".join(out)


def rewrapped(text: str) -> str:
    return "\n\n".join(b if _is_special(b) else textwrap.fill(" ".join(b.split()), 60, break_long_words=False, break_on_hyphens=False) for b in _blocks(text))


_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_RULE_ROW = re.compile(r"^\s*\|[\s:|-]+\|\s*$")


def tables_as_lists(text: str) -> str:
    """Every table row a list item, its cells joined ("first: second; third"), the header row dropped."""
    out = []
    for b in _blocks(text):
        lines = [ln for ln in b.splitlines() if ln.strip()]
        if len(lines) > 2 and all(_ROW.match(ln) for ln in lines) and _RULE_ROW.match(lines[1]):
            items = []
            for ln in lines[2:]:
                cells = [" ".join(re.sub(r"<br\s*/?>", " ", c).split()) for c in _ROW.match(ln).group(1).split("|")]
                cells = [c for c in cells if c]
                if cells:
                    items.append("* " + cells[0] + (": " + "; ".join(cells[1:]) if len(cells) > 1 else ""))
            out.append("\n".join(items))
        else:
            out.append(b)
    return "\n\n".join(out)


def markup_stripped(text: str) -> str:
    """Markdown rendered anew as plainer markdown: links become their text, emphasis goes, "*" bullets "-"."""
    text = re.sub(r"\[([^\]\n]*)\]\([^)\s]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    return re.sub(r"^(\s*)[*+]\s+", r"\1- ", text, flags=re.M)


TRANSFORMS: dict[str, Callable[[str], str]] = {
    "paragraphs as bullets": paragraphs_as_bullets,
    "bullets as a paragraph": bullets_as_paragraph,
    "headings one level down": headings_down,
    "sections merged": sections_merged,
    "lines re-wrapped": rewrapped,
    "tables as lists": tables_as_lists,
    "markup stripped": markup_stripped,
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?")
    parser.add_argument("--limit", type=int, default=0, help="at most N texts (0: all)")
    parser.add_argument("--show", action="store_true", help="print every text that alerts, not the first 5")
    parser.add_argument("--only", choices=sorted(TRANSFORMS), help="one transformation")
    args = parser.parse_args(argv)
    found = eval_corpus.versions_or_skip(args.corpus)
    if found is None:
        return 0
    corpus, items = found
    items = items[: args.limit or None]
    print(f"{len(items)} distinct version texts from {corpus}")
    for name, transform in TRANSFORMS.items():
        if args.only and name != args.only:
            continue
        wrong, held, same = [], 0, 0
        for path, text in items:
            relaid = transform(text)
            if relaid == text:
                same += 1
                continue
            v = judge_pair(text, relaid)
            if v.held:
                held += 1
                wrong.append((path, f"held: {v.problem}"))
            elif v.material:
                wrong.append((path, v.verdict))
        judged = len(items) - same
        print(f"{name:24} quiet {judged - len(wrong):4}/{judged:<4} (held {held}, untouched {same})")
        for path, why in wrong[: None if args.show else 5]:
            print(f"    {path.parent.name}/{path.stem}: {why[:150]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
