"""A named party added to, or dropped from, a list of named parties: one heading per provider.

Policies list the trackers, ad partners or processors they use as a run of sibling headings, one name
each, with the same description under every one ("Purpose: ...; legal basis: consent"). A new name in
that run is a new party receiving data, yet its heading is a label and its description a duplicate of
text the page already holds, so clause by clause nothing looks new. Judged here as one change each,
quoting the name, with the categories of what the list's entries say.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Sequence

from monitor.classifier import classify
from monitor.engine.align import ADDED, REMOVED, Pair
from monitor.engine.clauses import HEADING, Clause
from monitor.engine.result import ClauseChange

# A list is this many named sibling headings on the side that did not change; fewer is a document
# that happens to have a heading or two named after products.
MIN_NAMED_SIBLINGS = 3
MAX_NAME_WORDS = 5
MAX_NAME_CHARS = 40
# Lower-case words a company name may hold ("The Trade Desk", "Bank of X").
_NAME_GLUE = frozenset("the of and & de du la von van for".split())
# Capitalized words that open topic headings, not names: "Your Rights", "How We Use Data".
_TOPIC_WORDS = frozenset(
    "your our we us you how what why when where who which information data personal privacy policy notice "
    "cookies cookie rights choices contact changes security retention children overview introduction "
    "definitions scope purposes purpose legal basis other additional general summary table contents "
    "section part appendix annex providers provider partners partner service services business transfers "
    "transfer legal requirements advertising marketing analytics affiliates affiliate vendors third parties "
    "party processors sharing use collection storage account accounts payments communications".split()
)
_PRACTICE = ("sale", "sharing", "tracking_ads", "collection", "use", "retention", "transfer", "rights")
_BODY_SAMPLE = 6000  # characters of the entries' descriptions read for their categories


def is_name(text: str) -> bool:
    """A proper name on its own ("Northwind Ads", "IQ Metrics", "Example.com"), not a topic heading
    ("Service Providers", "Your Rights"). Product names may hold practice words ("... Ads"), so the
    words that rule a heading out are the ones topic headings are made of."""
    words = text.split()
    if not 1 <= len(words) <= MAX_NAME_WORDS or len(text) > MAX_NAME_CHARS or text[-1] in ".:?!;,":
        return False
    if any(w.lower().strip("()") in _TOPIC_WORDS for w in words):
        return False
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in _NAME_GLUE for w in words)


def _named_headings(side: Sequence[Clause]) -> dict[tuple, list[int]]:
    groups: dict[tuple, list[int]] = defaultdict(list)
    for k, c in enumerate(side):
        if c.kind == HEADING and is_name(c.text):
            groups[(c.section, c.level)].append(k)
    return groups


def _description(side: Sequence[Clause], parent: tuple[str, ...], name: str) -> str:
    """The text under one entry's heading (its sub-headings' too)."""
    depth = len(parent)
    return " ".join(c.text for c in side if len(c.section) > depth and c.section[:depth] == parent
                    and c.section[depth] == name)[:_BODY_SAMPLE]


def _heading_alone(side: Sequence[Clause], other: Sequence[Clause], parent: tuple[str, ...], name: str) -> bool:
    """Only the heading came or went: the entry's text is on the other side as often as on this one, or
    it has none (a label such as "Examples" above the entries). Entries share one description, so a
    party dropped takes one copy of it away and a party added brings one; a heading dropped over text
    that stays is two sections merged (one added over text that was there, a section split)."""
    depth = len(parent)
    body = {c.text for c in side if c.kind != HEADING and len(c.section) > depth
            and c.section[:depth] == parent and c.section[depth] == name}
    here = Counter(c.text for c in side if c.kind != HEADING and c.text in body)
    there = Counter(c.text for c in other if c.kind != HEADING and c.text in body)
    return here == there


def _entry_categories(side: Sequence[Clause], parent: tuple[str, ...], name: str) -> tuple[str, ...]:
    """What the list's heading, its introduction and the entry's description say is done with data.
    Empty when the list's own heading names no practice: a list of people or offices under the
    document's title is no list of parties receiving data."""
    if not parent or not [c for c in classify.categorize(parent[-1]) if c in _PRACTICE]:
        return ()
    intro = " ".join(c.text for c in side if c.section == parent and c.kind != HEADING)[:_BODY_SAMPLE]
    text = f"{intro} {_description(side, parent, name)}"
    found = [c for c in classify.categorize(text, " > ".join(parent)) if c in _PRACTICE]
    # a named party that processes data on the page's behalf receives it: sharing, whatever else it does
    return tuple(dict.fromkeys(found[:1] + ["sharing"] + found[1:])) if found else ()


def named_entries(pairs: Sequence[Pair], old: Sequence[Clause], new: Sequence[Clause]) -> dict[int, ClauseChange]:
    """id(pair) -> the change, for each single name heading added to (removed from) a run of named
    sibling headings that the other version already has."""
    out: dict[int, ClauseChange] = {}
    groups = {"old": _named_headings(old), "new": _named_headings(new)}
    for p in pairs:
        if p.type not in (ADDED, REMOVED) or len(p.old) + len(p.new) != 1:
            continue
        added = p.type == ADDED
        side, other = (new, "old") if added else (old, "new")
        clause = side[(p.new if added else p.old)[0]]
        if clause.kind != HEADING or not is_name(clause.text):
            continue
        siblings = groups[other].get((clause.section, clause.level), [])
        if len(siblings) < MIN_NAMED_SIBLINGS:
            continue
        if any((old if added else new)[k].text == clause.text for k in siblings):
            continue  # the other version names this party under the same heading: a copy, not a party come or gone
        cats = _entry_categories(side, clause.section, clause.text)
        if not cats:
            continue
        if _heading_alone(side, old if added else new, clause.section, clause.text):
            continue
        under = clause.section[-1] if clause.section else "the list"
        if added:
            reason = f"{cats[0]}: new party {clause.text!r} added to the {len(siblings)} named under {under!r}"
            diff, direction = f"{{+{clause.text}+}}", "expands"
        else:
            reason = f"{cats[0]}: party {clause.text!r} no longer named under {under!r}"
            diff, direction = f"[-{clause.text}-]", "restricts"
        out[id(p)] = ClauseChange(p.type, " > ".join(clause.section), None if added else clause.text,
                                  clause.text if added else None, diff, cats, "material", reason, direction)
    return out
