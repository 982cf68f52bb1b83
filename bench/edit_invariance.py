"""Edits that change no practice stay quiet; captures cut short are held: label-free, on every corpus version.

Usage:
    .venv/bin/python bench/edit_invariance.py [CORPUS_DIR] [--limit N] [--show] [--only EDIT] [--set heldout|removals]

A companion to relayout_invariance.py, for the other classes of false alarm the tracker names: a term
or a clause that only moved, typography, renumbering, and captures that stopped loading. No labels are
read: each distinct version text of both corpus sets (the newer side of every labeled pair, error pages
left out) is judged, as `diff` does, against itself edited one way at a time:

Quiet expected (not material, not held):
- list items reversed: the items of every list in the opposite order;
- sentences swapped: the first two sentences of every paragraph of three or more change places;
- sections swapped: every second pair of neighbouring top-level sections (a heading, its text and its
  sub-sections) change places;
- sentence moved: the first sentence of a paragraph a quarter of the way in ends one three quarters in;
- paragraph moved: a paragraph a quarter of the way in moves, whole, to three quarters in;
- typography: straight quotes curled, " - " an en dash, double spaces, non-breaking spaces after stops;
- sections renumbered: every number at the head of a heading or a numbered item goes up by one;
- terms renamed: "personal information" becomes "personal data", "Privacy Policy" "Privacy Notice",
  "e-mail" "email" (an editorial sweep);
- contractions: "do not" becomes "don't", "will not" "won't", "cannot" "can't" (negations kept);
- plain words: "disclose" becomes "share", "retain" "keep", "such as" "like",
  "third parties" "third-party companies" (the same practices in plainer words);
- date changed: the first year near the head of the text goes up by one (a "last updated" line alone);
- page chrome around it: a cookie banner, a menu and a language switcher above, a footer below;
- tracking parameters: every link target gains "?utm_source=...".

Held expected (a capture, not a version):
- cut at 60% / 80%: the text stops at a block boundary 60% or 80% of the way in;
- cut mid-sentence: the text stops in the middle of the block at 70%;
- came back from a cut: the 60% cut is the *old* side, the whole text the new (the policy came back).
  Quiet is as good as held here: nothing new was said;
- page given twice: the whole text twice, as an extractor that caught two renderings of the page gives
  it (quiet or held).

`--set heldout` runs instead a second batch, written in the sixth round before any rule was changed for
it (its first score is in the README), all quiet expected:
- company renamed: the company's name (the first word of the name it gives as "we", else of the title)
  becomes "Zentrix" throughout, as after a rebrand (the rubric calls a renamed company editorial);
- headings in capitals: every heading's text upper-cased, as a stylesheet's text-transform is captured;
- British spelling: "organize" becomes "organise", "personalized" "personalised", "behavior" "behaviour";
- periods in words: "30 days" becomes "thirty (30) days", as legal drafting writes them;
- paragraphs split: every paragraph of four sentences or more splits in two at its middle sentence.

`--set removals`, a third batch written later in the sixth round (first score in the README), all quiet
expected, the rubric's editorial removals and contact edits:
- table of contents removed: a run of three or more list items linking to "#anchors", and a
  "contents" heading just above it;
- date line removed: the "last updated" / "effective" line near the head of the text;
- e-mail addresses changed: every address becomes privacy@zentrix.example;
- images removed: every markdown image (its alt text with it).

Prints, for each edit, how many texts come out as expected and the first few that do not, with the
reason. Skipped cleanly when the corpus is absent. Figures only.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import eval_corpus  # noqa: E402
from relayout_invariance import _HEADING, _ITEM, _blocks  # noqa: E402

from monitor.engine.gate import Judgement, judge_pair  # noqa: E402
from monitor.text.identity import speaking_party  # noqa: E402

_SENTENCE = re.compile(r"(?<=[a-z0-9)][.!?])\s+(?=[A-Z])")


def list_items_reversed(text: str) -> str:
    out = []
    for b in _blocks(text):
        lines = [ln for ln in b.splitlines() if ln.strip()]
        if len(lines) > 1 and all(_ITEM.match(ln) and not ln.startswith((" ", "\t")) for ln in lines):
            out.append("\n".join(reversed(lines)))
        else:
            out.append(b)
    return "\n\n".join(out)


def sentences_swapped(text: str) -> str:
    out = []
    for b in _blocks(text):
        first = b.lstrip()
        if _HEADING.match(first) or first.startswith("|") or _ITEM.match(first):
            out.append(b)
            continue
        parts = _SENTENCE.split(" ".join(b.split()))
        if len(parts) >= 3:
            parts[0], parts[1] = parts[1], parts[0]
        out.append(" ".join(parts))
    return "\n\n".join(out)


def sections_swapped(text: str) -> str:
    blocks = _blocks(text)
    levels = [len(m.group(1)) for b in blocks[1:] if (m := _HEADING.match(b))]
    if not levels:
        return text
    top = min(levels)  # sections at the top level below the title move with their sub-sections
    sections: list[list[str]] = [[]]
    for b in blocks:
        m = _HEADING.match(b)
        if m and len(m.group(1)) == top and sections[-1]:
            sections.append([])
        sections[-1].append(b)
    head, rest = sections[:1], sections[1:]
    for k in range(0, len(rest) - 1, 4):  # every second neighbouring pair: 1<->2, 5<->6, ...
        rest[k], rest[k + 1] = rest[k + 1], rest[k]
    return "\n\n".join(b for s in head + rest for b in s)


def _prose(blocks: list[str]) -> list[int]:
    """Indexes of the paragraphs of prose: not headings, tables or list items."""
    return [k for k, b in enumerate(blocks)
            if not (_HEADING.match(b.lstrip()) or b.lstrip().startswith("|") or _ITEM.match(b.lstrip()))]


def sentence_moved(text: str) -> str:
    """The first sentence of a paragraph a quarter of the way in joins the end of one three quarters in."""
    blocks = _blocks(text)
    prose = [k for k in _prose(blocks) if len(_SENTENCE.split(" ".join(blocks[k].split()))) >= 2]
    if len(prose) < 4:
        return text
    src, dst = prose[len(prose) // 4], prose[3 * len(prose) // 4]
    first, *rest = _SENTENCE.split(" ".join(blocks[src].split()))
    blocks[src] = " ".join(rest)
    blocks[dst] = " ".join(blocks[dst].split()) + " " + first
    return "\n\n".join(blocks)


def paragraph_moved(text: str) -> str:
    """A paragraph a quarter of the way in moves, whole, to three quarters in: another section."""
    blocks = _blocks(text)
    prose = _prose(blocks)
    if len(prose) < 4:
        return text
    src, dst = prose[len(prose) // 4], prose[3 * len(prose) // 4]
    moved = blocks[src]
    blocks.insert(dst + 1, moved)
    del blocks[src]
    return "\n\n".join(blocks)


def typography(text: str) -> str:
    text = re.sub(r"(\w)'(\w)", "\\1\u2019\\2", text)
    text = re.sub(r'"(\w[^"\n]{0,80}?)"', "\u201c\\1\u201d", text)
    text = text.replace(" - ", " \u2013 ")
    return re.sub(r"(?<=[a-z]\.) (?=[A-Z])", "\u00a0 ", text)


_RENAMES = (("personal information", "personal data"), ("Personal Information", "Personal Data"),
            ("Privacy Policy", "Privacy Notice"), ("privacy policy", "privacy notice"), ("e-mail", "email"),
            ("web site", "website"), ("utilize", "use"))


def terms_renamed(text: str) -> str:
    """Editorial renames a policy makes in one sweep: "personal information" → "personal data"..."""
    for before, after in _RENAMES:
        text = text.replace(before, after)
    return text


_SYNONYMS = ((r"\bdisclose\b", "share"), (r"\bretain\b", "keep"),
             (r"\bprior to\b", "before"), (r"\bin order to\b", "to"), (r"\bsuch as\b", "like"),
             (r"\bthird parties\b", "third-party companies"), (r"\bat any time\b", "whenever you like"))


def verbs_reworded(text: str) -> str:
    """Plain-language rewording in one sweep: "disclose" → "share", "retain" → "keep", "such as" → "like"..."""
    for before, after in _SYNONYMS:
        text = re.sub(before, after, text)
    return text


_CONTRACTIONS = (("do not", "don't"), ("does not", "doesn't"), ("will not", "won't"), ("cannot", "can't"),
                 ("is not", "isn't"), ("are not", "aren't"), ("we are", "we're"), ("We are", "We're"))


def contracted(text: str) -> str:
    """The same policy in a plainer voice: "do not" → "don't", "will not" → "won't"..."""
    for before, after in _CONTRACTIONS:
        text = re.sub(rf"\b{before}\b", after, text)
    return text


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def date_changed(text: str) -> str:
    """The "last updated" / "effective" line says another date, nothing else changes: the first year in the
    first 3,000 characters goes up by one (a date line stands at the head of a policy)."""
    m = _YEAR.search(text[:3000])
    return text if not m else text[: m.start()] + str(int(m.group(0)) + 1) + text[m.end():]


_BANNER = ("We use cookies to make this site work, to understand how it is used and to personalise ads. "
           "You can accept all cookies, reject the optional ones or choose which to allow.\n\n"
           "Accept all\n\nReject optional cookies\n\nCookie settings")
_CHROME = ("* [Home](/)\n* [Products](/products)\n* [Pricing](/pricing)\n* [Blog](/blog)\n* [Sign in](/login)",
           "English · Deutsch · Français · Español · 日本語 · Português",
           "© 2026 All rights reserved. [Privacy](/privacy) · [Terms](/terms) · [Cookies](/cookies) · [Status](/status)")


def page_chrome(text: str) -> str:
    """What an extractor may catch around the policy: a cookie banner, a menu and a language switcher
    above, a footer below."""
    menu, languages, footer = _CHROME
    return f"{_BANNER}\n\n{menu}\n\n{languages}\n\n{text}\n\n{footer}"


def tracking_parameters(text: str) -> str:
    """Every link target gains campaign parameters, as sites add them per visit."""
    return re.sub(r"\]\((https?://[^)\s?#]+)\)", r"](\1?utm_source=site&utm_medium=footer&ref=pp)", text)


_LEADING_NUMBER = re.compile(r"^(#{1,6} |\s*)(\d+)(?=[.)] )", re.M)


def renumbered(text: str) -> str:
    return _LEADING_NUMBER.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + 1}", text)


def _cut_blocks(text: str, share: float) -> str:
    blocks = _blocks(text)
    return "\n\n".join(blocks[: max(1, round(share * len(blocks)))])


def cut_60(text: str) -> str:
    return _cut_blocks(text, 0.6)


def cut_80(text: str) -> str:
    return _cut_blocks(text, 0.8)


def cut_mid_sentence(text: str) -> str:
    blocks = _blocks(text)
    at = max(1, round(0.7 * len(blocks)))
    if at >= len(blocks):
        return text
    last = blocks[at]
    return "\n\n".join(blocks[:at] + [last[: len(last) // 2].rstrip()])


# name -> (edit, which side is edited, what is expected: "quiet" or "held")
EDITS: dict[str, tuple[Callable[[str], str], str, str]] = {
    "list items reversed": (list_items_reversed, "new", "quiet"),
    "sentences swapped": (sentences_swapped, "new", "quiet"),
    "sections swapped": (sections_swapped, "new", "quiet"),
    "sentence moved": (sentence_moved, "new", "quiet"),
    "paragraph moved": (paragraph_moved, "new", "quiet"),
    "typography": (typography, "new", "quiet"),
    "sections renumbered": (renumbered, "new", "quiet"),
    "terms renamed": (terms_renamed, "new", "quiet"),
    "contractions": (contracted, "new", "quiet"),
    "plain words": (verbs_reworded, "new", "quiet"),
    "date changed": (date_changed, "new", "quiet"),
    "page chrome around it": (page_chrome, "new", "quiet"),
    "tracking parameters": (tracking_parameters, "new", "quiet"),
    "cut at 60%": (cut_60, "new", "held"),
    "cut at 80%": (cut_80, "new", "held"),
    "cut mid-sentence": (cut_mid_sentence, "new", "held"),
    "came back from a cut": (cut_60, "old", "quiet or held"),
    "page given twice": (lambda t: f"{t}\n\n{t}", "new", "quiet or held"),
}


_GENERIC = frozenset("privacy policy notice statement our the global data protection cookie your "
                     "datenschutzerklärung datenschutzhinweise datenschutzrichtlinie politique confidentialité "
                     "política privacidad aviso".split())


def company_renamed(text: str) -> str:
    party = speaking_party(text) or ""
    words = [w for w in re.findall(r"[A-Z][\w&-]+", party) if w.lower() not in _GENERIC]
    if not words:
        head = re.findall(r"[A-Z][\w&-]+", text.lstrip()[:300].split("\n", 1)[0])
        words = [w for w in head if w.lower() not in _GENERIC]
    if not words or len(words[0]) < 3:
        return text
    return re.sub(rf"\b{re.escape(words[0])}\b", "Zentrix", text)


_ATX = re.compile(r"^(#{1,6}[ \t]+)(.+)$", re.M)
_SETEXT = re.compile(r"^(\S.*)\n(?=\s{0,3}(?:=+|-+)[ \t]*$)", re.M)


def headings_in_capitals(text: str) -> str:
    upper = lambda m: m.group(1) + _links_kept(m.group(2))  # noqa: E731
    text = _ATX.sub(upper, text)
    return _SETEXT.sub(lambda m: _links_kept(m.group(1)) + "\n", text)


def _links_kept(heading: str) -> str:
    """The heading's words in capitals, a link target left as it was."""
    parts = re.split(r"(\]\([^)]*\))", heading)
    return "".join(part if part.startswith("](") else part.upper() for part in parts)


_BRITISH = ((re.compile(r"\b(organi|personali|recogni|authori|minimi|customi|optimi|categori|summari|priori"
                        r"|anonymi|pseudonymi|utili|standardi|characteri|emphasi)z(e|es|ed|ing|ation|ations)\b"), r"\1s\2"),
            (re.compile(r"\b(Organi|Personali|Recogni|Authori|Anonymi|Pseudonymi|Customi)z(e|es|ed|ing|ation|ations)\b"), r"\1s\2"),
            (re.compile(r"\b(analy)z(e|es|ed|ing)\b"), r"\1s\2"),
            (re.compile(r"\b(behavi|fav|hon|col)or(s|al|ed|ing)?\b"), r"\1our\2"),
            (re.compile(r"\bcenter(s)?\b"), r"centre\1"))


def british_spelling(text: str) -> str:
    for rx, repl in _BRITISH:
        text = rx.sub(repl, text)
    return text


_IN_WORDS = {1: "one", 2: "two", 3: "three", 5: "five", 6: "six", 7: "seven", 10: "ten", 12: "twelve",
             13: "thirteen", 14: "fourteen", 16: "sixteen", 18: "eighteen", 24: "twenty-four", 30: "thirty",
             60: "sixty", 90: "ninety"}
_PERIOD = re.compile(r"\b(\d{1,2}) (days?|weeks?|months?|years?)\b")


def periods_in_words(text: str) -> str:
    def spell(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return f"{_IN_WORDS[n]} ({n}) {m.group(2)}" if n in _IN_WORDS else m.group(0)
    return _PERIOD.sub(spell, text)


def paragraphs_split(text: str) -> str:
    blocks = _blocks(text)
    for k in _prose(blocks):
        sentences = _SENTENCE.split(blocks[k])
        if len(sentences) >= 4:
            half = len(sentences) // 2
            blocks[k] = " ".join(sentences[:half]) + "\n\n" + " ".join(sentences[half:])
    return "\n\n".join(blocks)


HELDOUT: dict[str, tuple[Callable[[str], str], str, str]] = {
    "company renamed": (company_renamed, "new", "quiet"),
    "headings in capitals": (headings_in_capitals, "new", "quiet"),
    "British spelling": (british_spelling, "new", "quiet"),
    "periods in words": (periods_in_words, "new", "quiet"),
    "paragraphs split": (paragraphs_split, "new", "quiet"),
}


_TOC_ITEM = re.compile(r"^\s*(?:[*+-]|\d+\.)\s+\[[^\]]+\]\(#[^)]*\)\s*$")
_CONTENTS = re.compile(r"^(?:#{1,6}\s+)?\**(?:table of contents|contents|on this page|in this (?:policy|notice))\**:?\s*$", re.I)


def toc_removed(text: str) -> str:
    lines = text.split("\n")
    k = 0
    while k < len(lines):
        if _TOC_ITEM.match(lines[k]):
            end = k
            while end < len(lines) and (_TOC_ITEM.match(lines[end]) or not lines[end].strip()):
                end += 1
            if sum(1 for line in lines[k:end] if line.strip()) >= 3:
                start = k
                above = [j for j in range(max(0, k - 3), k) if lines[j].strip()]
                if above and _CONTENTS.match(lines[above[-1]].strip()):
                    start = above[-1]
                return "\n".join(lines[:start] + lines[end:])
            k = end
        k += 1
    return text


_DATE_LINE = re.compile(r"^.{0,40}(?:last (?:updated|modified|revised)|effective (?:date|as of|from|on)).{0,80}$", re.I | re.M)


def date_line_removed(text: str) -> str:
    m = _DATE_LINE.search(text[:3000])
    return text if not m else text[: m.start()] + text[m.end():]


_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def emails_changed(text: str) -> str:
    return _EMAIL.sub("privacy@zentrix.example", text)


def images_removed(text: str) -> str:
    return re.sub(r"!\[[^\]\n]*\]\([^)\n]*\)", "", text)


REMOVALS: dict[str, tuple[Callable[[str], str], str, str]] = {
    "table of contents removed": (toc_removed, "new", "quiet"),
    "date line removed": (date_line_removed, "new", "quiet"),
    "e-mail addresses changed": (emails_changed, "new", "quiet"),
    "images removed": (images_removed, "new", "quiet"),
}


def _outcome(v: Judgement) -> str:
    if v.held:
        return "held"
    return "material" if v.material else "quiet"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?")
    parser.add_argument("--limit", type=int, default=0, help="at most N texts (0: all)")
    parser.add_argument("--show", action="store_true", help="print every text that fails, not the first 5")
    parser.add_argument("--only", choices=sorted(EDITS) + sorted(HELDOUT) + sorted(REMOVALS), help="one edit")
    parser.add_argument("--set", choices=("first", "heldout", "removals"), default="first", help="which batch of edits")
    args = parser.parse_args(argv)
    found = eval_corpus.versions_or_skip(args.corpus)
    if found is None:
        return 0
    corpus, items = found
    items = items[: args.limit or None]
    print(f"{len(items)} distinct version texts from {corpus}")
    batch = {"first": EDITS, "heldout": HELDOUT, "removals": REMOVALS}[args.set]
    for name, (edit, side, expected) in batch.items():
        if args.only and name != args.only:
            continue
        wrong, same, counts = [], 0, {"quiet": 0, "held": 0, "material": 0}
        for path, text in items:
            edited = edit(text)
            if edited == text:
                same += 1
                continue
            v = judge_pair(text, edited) if side == "new" else judge_pair(edited, text)
            outcome = _outcome(v)
            counts[outcome] += 1
            if outcome not in expected.split(" or "):
                why = f"held: {v.problem}" if v.held else v.verdict
                wrong.append((path, outcome, why))
        judged = len(items) - same
        print(f"{name:22} as expected ({expected}) {judged - len(wrong):4}/{judged:<4} "
              f"quiet {counts['quiet']}, held {counts['held']}, material {counts['material']}, untouched {same}")
        for path, outcome, why in wrong[: None if args.show else 5]:
            print(f"    {path.parent.name}/{path.stem}: {outcome}: {why[:150]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
