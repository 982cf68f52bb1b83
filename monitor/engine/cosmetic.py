"""Cosmetic filter: clause changes a reader of the policy would not call a change (severity "noise").

Whitespace, emphasis, images and link targets never reach this module: segmentation drops them. What is
left to recognise here: case, punctuation, quotes and spacing; a heading's level or a block's type; a
date on its own ("Last updated …", "Effective as of …"); spelling-size edits of long clauses (a word
swapped for a near-identical one, a doubled or filler word dropped; never a word of substance added or
removed, never a negation, modal verb or number); duplicated lines and paragraphs; table-of-contents and
navigation entries; sentences an extractor cut off or stripped of their link text.

`reason(...)` returns why a change is cosmetic, or None when it must be judged.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from monitor.engine import worddiff
from monitor.engine.clauses import HEADING, Clause, is_date_notice, mask_dates, normalize_key

# a change of these words is never a typo, however few characters it takes
_SENSITIVE = frozenset(
    "not no never nor neither none nothing without except unless only cannot can't don't won't doesn "
    "didn isn aren t all any some may might will shall must should can could would sell sold share "
    "shared disclose opt consent before after within days weeks months years".split()
)
# words whose insertion or removal changes no meaning ("suggest {+that+} you might like")
_FILLER = frozenset("a an the that which who whom also please just then".split())
TYPO_MIN_CHARS = 60  # a clause must be this long before a small edit counts as a typo fix
TYPO_SHARE = 0.02  # share of the clause's characters a typo fix may touch (at least 3)
TYPO_MAX_WORDS = 6  # words removed plus added
DOUBLED_WORD_CHARS = 16  # a dropped doubled word may shorten a clause by this much
NAV_MAX_WORDS = 12
# a cut-off sentence longer than this is not looked for as the start of another: the prefix search
# then costs a bounded number of lookups per clause, not one per word (quadratic on a huge clause)
STUB_MAX_WORDS = 60
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_TERMINAL = re.compile(r"[.!?:;)\]\"'”’]\s*$")


@dataclass(frozen=True)
class Context:
    """What a clause's neighbourhood says: the keys of both versions and their section titles."""

    old_keys: Counter[str]
    new_keys: Counter[str]
    headings: frozenset[str]
    old_sorted: tuple[str, ...] = ()
    new_sorted: tuple[str, ...] = ()
    repeated: frozenset[tuple[str, int, str]] = frozenset()  # (side, block, key) of repeated text
    stubs: frozenset[tuple[str, str]] = frozenset()  # (side, key) of vanished unterminated sentences
    placed: frozenset[tuple[str, tuple[str, ...], str]] = frozenset()  # (side, section, key) of every clause
    banner: frozenset[tuple[str, int, str]] = frozenset()  # (side, block, key) of a cookie banner's clauses

    def completes_stub(self, side: str, key: str) -> bool:
        """Is `key` a sentence whose opening words stood alone, cut off, in the `side` version?"""
        words = key.split(" ", STUB_MAX_WORDS + 1)[:STUB_MAX_WORDS + 1]
        return any((side, " ".join(words[:k])) in self.stubs for k in range(2, len(words)))

    def has_prefix(self, side: str, prefix: str) -> bool:
        """Does a clause of `side` ("old"/"new") start with `prefix` and go on?"""
        keys = self.old_sorted if side == "old" else self.new_sorted
        i = bisect.bisect_left(keys, prefix + " ")
        return i < len(keys) and keys[i].startswith(prefix + " ")


def _repeated(side: str, clauses: Sequence[Clause]) -> set[tuple[str, int, str]]:
    """Clauses repeated within one version: a line twice in a row, or a whole paragraph twice.
    The same list item in two different lists is not repetition: the lists may mean different things."""
    out: set[tuple[str, int, str]] = set()
    for a, b in zip(clauses, clauses[1:]):
        if a.key and a.key == b.key:
            out.update({(side, a.block, a.key), (side, b.block, b.key)})
    paragraphs: dict[int, list[str]] = {}
    for c in clauses:
        if c.kind != "item" and c.kind != "row":
            paragraphs.setdefault(c.block, []).append(c.key)
    seen = Counter(" ".join(keys) for keys in paragraphs.values())
    for block, keys in paragraphs.items():
        if seen[" ".join(keys)] > 1:
            out.update((side, block, k) for k in keys)
    return out


def context(old: Sequence[Clause], new: Sequence[Clause]) -> Context:
    headings = frozenset(c.key for c in (*old, *new) if c.kind == HEADING)
    old_keys, new_keys = Counter(c.key for c in old), Counter(c.key for c in new)
    repeated = frozenset(_repeated("old", old) | _repeated("new", new))
    stubs = frozenset(
        (side, c.key)
        for side, clauses, other in (("old", old, new_keys), ("new", new, old_keys))
        for c in clauses
        if c.kind == "para" and 2 <= c.words <= STUB_MAX_WORDS and not other[c.key] and not _TERMINAL.search(c.text)
    )
    return Context(
        old_keys, new_keys, headings, tuple(sorted(old_keys)), tuple(sorted(new_keys)), repeated, stubs,
        frozenset(("old", c.section, c.key) for c in old) | frozenset(("new", c.section, c.key) for c in new),
        frozenset(_banner("old", old) | _banner("new", new)),
    )


# A cookie banner asks for a click: "By clicking OK or continuing to browse, you agree to our cookies".
_BANNER = re.compile(r"\bby (?:clicking|continuing|using|browsing|scrolling|closing)\b|\b(?:accept|allow|reject|agree to) "
                     r"(?:all |our |the )?cookies\b|\bcookie (?:settings|preferences)\b")
BANNER_REACH = 3  # clauses either side of the banner's request that belong to it


def _banner(side: str, clauses: Sequence[Clause]) -> set[tuple[str, int, str]]:
    """The clauses of a cookie banner extracted with the page: above the policy's first heading, a
    request to accept cookies and, next to it, the lines about cookies and the buttons around it.
    Page chrome, not the policy: whether it is captured says nothing of the practice."""
    out: set[tuple[str, int, str]] = set()
    top = [c for c in clauses if not c.section and c.kind != HEADING]
    for k, c in enumerate(top):
        if "cookie" in c.key and _BANNER.search(c.key):
            for near in top[max(0, k - BANNER_REACH):k + BANNER_REACH + 1]:
                if "cookie" in near.key or near.words <= 3:
                    out.add((side, near.block, near.key))
    return out


def is_truncation(short: str, long: str) -> bool:
    """An extraction cut a sentence off: the short text stops mid-sentence and the long one goes on."""
    return bool(short) and not _TERMINAL.search(short) and long.startswith(short) and len(long) > len(short)


def is_typo_fix(old: str, new: str, ops: worddiff.Ops | None = None) -> bool:
    """Spelling-size edits of a long clause: each change swaps a word for a near-identical one
    ("behavior" → "behaviour", "cookies" → "cookie"), fixes punctuation, or drops a doubled word. Never a
    word added or removed, and never a negation, modal verb or number, however few characters."""
    n = max(len(old), len(new))
    if n < TYPO_MIN_CHARS:
        return False
    limit = max(3, int(n * TYPO_SHARE))
    if abs(len(old) - len(new)) > limit + DOUBLED_WORD_CHARS:
        return False
    ops = ops if ops is not None else worddiff.diff(old, new)
    removed, added = worddiff.changed_words(ops)
    if len(removed) + len(added) > TYPO_MAX_WORDS:
        return False
    if any(w.lower() in _SENSITIVE or any(ch.isdigit() for ch in w) for w in (*removed, *added)):
        return False
    total = 0
    for before, deleted, inserted, after in _runs(ops):
        if deleted and inserted and _ALNUM.search(deleted + inserted):
            distance = worddiff.char_distance(deleted, inserted)
            if distance > max(1, min(len(deleted.strip()), len(inserted.strip())) // 3):
                return False
            total += distance
        elif _ALNUM.search(deleted or inserted):
            words = re.findall(r"\w+", (deleted or inserted).casefold())
            if not (_doubled(deleted or inserted, before, after) or set(words) <= _FILLER):
                return False
            total += 1
        else:
            total += len(deleted) + len(inserted)
    return total <= limit


_ALNUM = re.compile(r"[^\W_]")


def _runs(ops: worddiff.Ops) -> list[tuple[str, str, str, str]]:
    """(text before, deleted, inserted, text after) for each run of changes between equal stretches."""
    runs: list[tuple[str, str, str, str]] = []
    before, deleted, inserted = "", "", ""
    for op, text in (*ops, (worddiff.EQUAL, "")):
        if op == worddiff.DELETE:
            deleted += text
        elif op == worddiff.INSERT:
            inserted += text
        else:
            if deleted or inserted:
                runs.append((before, deleted, inserted, text))
            before, deleted, inserted = text, "", ""
    return runs


def _doubled(change: str, before: str, after: str) -> bool:
    """'and and' → 'and': the words added or dropped repeat their neighbours."""
    words = re.findall(r"\w+", change.casefold())
    near = re.findall(r"\w+", before.casefold())[-len(words):] if words else []
    follow = re.findall(r"\w+", after.casefold())[: len(words)]
    return bool(words) and (words == near or words == follow)


def _only_link_texts_dropped(ops: worddiff.Ops, links: set[str]) -> bool:
    """Every change is the deletion of a link's text, as when an extractor loses anchors."""
    if not links:
        return False
    changed = [(op, normalize_key(t)) for op, t in ops if op != worddiff.EQUAL]
    return bool(changed) and all(op == worddiff.DELETE and (not k or k in links) for op, k in changed) and any(
        k for _, k in changed
    )


def _is_nav(c: Clause, ctx: Context) -> bool:
    if c.kind == HEADING:
        return False
    return c.nav or (c.words <= NAV_MAX_WORDS and c.key in ctx.headings)


def _joined_key(clauses: Sequence[Clause]) -> str:
    return " ".join(c.key for c in clauses if c.key)


def reason(
    change_type: str,
    old: Sequence[Clause],
    new: Sequence[Clause],
    ctx: Context,
    ops: worddiff.Ops | None = None,
) -> str | None:
    """Why this change is cosmetic, or None. `old`/`new` hold several clauses for a split or merge."""
    if change_type == "moved":
        return "same text moved"
    if change_type in ("added", "removed"):
        side, other = (new, ctx.old_keys) if change_type == "added" else (old, ctx.new_keys)
        key = _joined_key(side)
        if not key:
            return "no words, only symbols"
        if key.replace(" ", "").isdigit():
            return "a number on its own (footnote or list marker)"
        name = "new" if change_type == "added" else "old"
        if all(other[c.key] and (name, c.block, c.key) in ctx.repeated for c in side):
            return "duplicate of a clause still present"
        other_name = "old" if change_type == "added" else "new"
        if all(c.kind == "para" and (other_name, c.section, c.key) in ctx.placed for c in side):
            # a sentence present on both sides is no change: here one copy of a text the other version still
            # holds under the same heading (a duplicated block dropped). Items and rows are left out: the
            # same item in two lists (adults, minors) says something of each list
            return "same text still present elsewhere"
        if all(_is_nav(c, ctx) for c in side):
            return "table of contents or navigation entry"
        if all((name, c.block, c.key) in ctx.banner for c in side):
            return "cookie banner captured with the page"
        if is_date_notice(key):
            return "date notice only"
        other_side = "new" if change_type == "removed" else "old"
        if side[-1].kind == "para" and not _TERMINAL.search(side[-1].text) and ctx.has_prefix(other_side, key):
            return "sentence cut off by the extraction"
        if len(side) == 1 and ctx.completes_stub(other_side, key):
            return "sentence cut off by the extraction"
        return None
    old_key, new_key = _joined_key(old), _joined_key(new)
    if old_key == new_key:
        if len(old) == 1 and len(new) == 1 and (old[0].kind, old[0].level) != (new[0].kind, new[0].level):
            if old[0].text == new[0].text:
                return "heading level or block type only"
        return "case, punctuation or numbering only"
    old_text = " ".join(c.text for c in old)
    new_text = " ".join(c.text for c in new)
    if old_key.replace(" ", "") == new_key.replace(" ", "") and _NUMBER.findall(old_text) == _NUMBER.findall(new_text):
        return "spacing only"  # but "2.5%" → "25%" is no spacing fix
    if all(_is_nav(c, ctx) for c in (*old, *new)):
        return "table of contents or navigation entry"
    if mask_dates(old_key) == mask_dates(new_key) and (is_date_notice(old_key) or is_date_notice(new_key)):
        return "date notice only"
    if ops is not None and _only_link_texts_dropped(ops, {k for c in old for k in c.links}):
        return "link text dropped by the extraction"
    sentences = all(c.kind == "para" for c in (*old, *new))  # headings and items end unpunctuated
    if sentences and (is_truncation(old_text, new_text) or is_truncation(new_text, old_text)):
        return "sentence cut off by the extraction"
    if is_typo_fix(old_text, new_text, ops):
        return "typo-size edit"
    return None
