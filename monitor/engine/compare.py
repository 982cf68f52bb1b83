r"""The clause engine's entry point: compare two policy texts, clause by clause.

segment (clauses.py) → align (align.py) → word diff (worddiff.py) → cosmetic filter (cosmetic.py) →
judge (classify.py) → one Comparison. Pure and deterministic: text in, values out.

    >>> cmp = compare("# Retention\n\nWe keep logs for 30 days.", "# Retention\n\nWe keep logs for 2 years.")
    >>> cmp.clauses[0].diff
    'We keep logs for [-30 days-]{+2 years+}.'

`ClauseChange.type` is added | removed | modified | moved; `shape` says when a modified clause was
split into several ("split"), several were merged ("merged") or both ("rewritten"). Severity is
"noise" (cosmetic: `reason` says why), "minor" or "material"; the Comparison takes the highest.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Sequence

from monitor.classifier import classify
from monitor.engine import cosmetic
from monitor.engine import worddiff
from monitor.engine.result import RANK, ClauseChange, Comparison
from monitor.engine.align import ADDED, MOVED, REMOVED, UNCHANGED, Pair, align
from monitor.engine.clauses import HEADING, Clause, normalize_key, segment
from monitor.engine.entries import named_entries
from monitor.engine.pictures import pictured_rows



def compare(old_text: str, new_text: str) -> Comparison:
    """Compare two policy texts (canonical text or markdown) and judge what changed."""
    if old_text == new_text:
        return Comparison(False, "noise", (), "none", "no change")
    old, new = segment(old_text), segment(new_text)
    ctx = cosmetic.context(old, new)
    pairs = align(old, new)
    terms = _changed_terms(pairs, old, new)
    judged: dict[tuple, ClauseChange | None] = {}
    repeats = _repeated_passages(pairs, old, new)
    entries = named_entries(pairs, old, new)
    entries.update(pictured_rows(old_text, new_text, pairs, new))
    changes = [
        entries[id(p)] if id(p) in entries else _repeat_change(p, old, new) if id(p) in repeats else c
        for p in pairs if (c := _change_once(p, old, new, ctx, judged, terms)) is not None
    ]
    changes = _relayout(changes)
    kept = sum(len(p.old) for p in pairs if p.type in (UNCHANGED, MOVED))
    return replace(summarize(changes), kept=round(kept / len(old), 3) if old else float(not new))


# Words a re-layout may add or drop while regrouping the same sentences ("and" joining two bullets).
_JOINERS = frozenset("and or the a an of to as such including include includes e g i eg ie etc".split())
RELAYOUT_MAX_JOINERS = 6


def _relayout(changes: list[ClauseChange]) -> list[ClauseChange]:
    """Every clause change together moves the same words: the text was regrouped (a table became a list,
    sections merged or split, bullets joined), not changed. All of it is then noise."""
    judged = [c for c in changes if c.severity != "noise"]
    if not judged:
        return changes
    removed: Counter[str] = Counter()
    added: Counter[str] = Counter()
    for c in changes:
        removed.update(normalize_key(c.old or "").split())
        added.update(normalize_key(c.new or "").split())
    for c in changes:  # a moved clause is on both sides already
        if c.type == MOVED:
            removed.subtract(normalize_key(c.new or "").split())
            added.subtract(normalize_key(c.new or "").split())
    difference = (removed - added) + (added - removed)
    if sum(difference.values()) > RELAYOUT_MAX_JOINERS or set(difference) - _JOINERS:
        return changes
    return [c if c.severity == "noise" else replace(c, categories=(), severity="noise", direction="none",
                                                    reason="re-layout: the same words regrouped")
            for c in changes]


# A passage this long (clauses) dropped or added whole while the other version holds the same sentences
# in the same order is a copy; one clause alone may be an item taken out of one of two lists.
MIN_REPEATED_PASSAGE = 2


def _repeated_passages(pairs: Sequence[Pair], old: Sequence[Clause], new: Sequence[Clause]) -> set[int]:
    """ids of removed (added) pairs in a run of consecutive clauses the other version has in the same
    order, contiguous, under the same headings: a duplicated passage dropped (or a passage repeated)."""
    out: set[int] = set()
    for kind, side, other in ((REMOVED, old, new), (ADDED, new, old)):
        by_index = {(p.old if kind == REMOVED else p.new)[0]: p for p in pairs if p.type == kind}
        starts: dict[str, list[int]] = {}
        for k, c in enumerate(other):
            starts.setdefault(c.key, []).append(k)
        run: list[int] = []
        for i in sorted(by_index) + [-2]:
            if run and i == run[-1] + 1:
                run.append(i)
                continue
            if len(run) >= MIN_REPEATED_PASSAGE and _contiguous_in([side[k] for k in run], other, starts):
                out.update(id(by_index[k]) for k in run)
            run = [i]
        out.update(id(by_index[k]) for k in _surplus_runs(side, other) if k in by_index)
    return out


# Clauses in a row, each given more often under its heading than the other version gives it, and at
# least once there: a copy of a block (a page holding the policy twice), whichever copy the alignment
# matched. Three at least: one item added to a second list under the same heading is a change.
MIN_SURPLUS_RUN = 3


def _surplus_runs(side: Sequence[Clause], other: Sequence[Clause]) -> list[int]:
    here = Counter((c.key, c.section) for c in side)
    there = Counter((c.key, c.section) for c in other)
    surplus = [bool(c.key) and here[(c.key, c.section)] > there[(c.key, c.section)] > 0 for c in side]
    out: list[int] = []
    start = None
    for k, flag in enumerate(surplus + [False]):
        if flag and start is None:
            start = k
        elif not flag and start is not None:
            if k - start >= MIN_SURPLUS_RUN:
                out.extend(range(start, k))
            start = None
    return out


def _contiguous_in(run: list[Clause], other: Sequence[Clause], starts: dict[str, list[int]]) -> bool:
    """Does `other` hold the run's clauses in order, under the same headings? (The same two items in the
    adults' list and in the teens' list are two statements, not a copy.)"""
    for at in starts.get(run[0].key, [])[:50]:  # a bounded number of tries: the check stays linear
        if at + len(run) <= len(other) and all(
            (other[at + n].key, other[at + n].section) == (c.key, c.section) for n, c in enumerate(run)
        ):
            return True
    return False


def _repeat_change(p: Pair, old: Sequence[Clause], new: Sequence[Clause]) -> ClauseChange:
    clause = old[p.old[0]] if p.old else new[p.new[0]]
    text = clause.text
    diff = f"[-{text}-]" if p.old else f"{{+{text}+}}"
    return ClauseChange(p.type, _section(clause), text if p.old else None, None if p.old else text, diff, (),
                        "noise", "a repeated passage: the other version holds the same sentences in order", "none")


def _clauses_of(p: Pair, old: Sequence[Clause], new: Sequence[Clause]) -> list[Clause]:
    return [old[i] for i in p.old] + [new[j] for j in p.new]


def _changed_terms(pairs: Sequence[Pair], old: Sequence[Clause], new: Sequence[Clause]) -> classify.Terms:
    """How many changed clauses of each side name each term. A term gone from one changed clause and
    named by another on the other side moved (a list re-laid out, a sentence split): no change of
    practice. Unchanged text is left out: a term named only there did not move into the edit."""
    changed = [p for p in pairs if p.type not in (UNCHANGED, MOVED)]
    counts: classify.Terms = {"old": Counter(), "new": Counter()}
    # The mechanisms a whole version names matter only to a mechanism a changed clause names: reading
    # both whole texts for them is a third of a small edit's cost, so only then.
    if any(classify.document_mechanisms(c.text) for p in changed for c in _clauses_of(p, old, new)):
        counts["old document"] = classify.document_mechanisms(" ".join(c.text for c in old))
        counts["new document"] = classify.document_mechanisms(" ".join(c.text for c in new))
    for p in changed:
        if p.old:
            counts["old"].update(classify.document_terms(" ".join(old[i].text for i in p.old)))
        if p.new:
            counts["new"].update(classify.document_terms(" ".join(new[j].text for j in p.new)))
    return counts


def _section(clause: Clause) -> str:
    return " > ".join(clause.section)


def _change_once(p: Pair, old: Sequence[Clause], new: Sequence[Clause], ctx: cosmetic.Context,
                 judged: dict[tuple, ClauseChange | None], terms: classify.Terms) -> ClauseChange | None:
    """`_change`, judged once per distinct clause text and place: a page of 200,000 equal sentences
    costs one judgement, not 200,000."""
    key = (p.type, p.shape, tuple(_identity("old", old[i], ctx) for i in p.old),
           tuple(_identity("new", new[j], ctx) for j in p.new))
    if key not in judged:
        judged[key] = _change(p, old, new, ctx, terms)
    return judged[key]


def _identity(side: str, c: Clause, ctx: cosmetic.Context) -> tuple:
    """Everything of a clause its judgement reads, its position aside."""
    return (c.text, c.kind, c.level, c.section, c.nav, c.links, c.context, (side, c.block, c.key) in ctx.repeated)


def _change(p: Pair, old: Sequence[Clause], new: Sequence[Clause], ctx: cosmetic.Context,
            terms: classify.Terms | None = None) -> ClauseChange | None:
    olds = [old[i] for i in p.old]
    news = [new[j] for j in p.new]
    section = _section(news[0] if news else olds[0])
    if p.type == UNCHANGED:
        o, n = olds[0], news[0]
        if o.text == n.text and (o.kind, o.level) == (n.kind, n.level):
            return None
    old_s = " ".join(c.text for c in olds) if olds else None
    new_s = " ".join(c.text for c in news) if news else None
    ctype = "modified" if p.type == UNCHANGED else p.type
    if ctype == MOVED:
        ops: worddiff.Ops = [(worddiff.EQUAL, new_s or "")]
    else:
        ops = worddiff.diff(old_s or "", new_s or "")
    diff = worddiff.mark(ops)
    why = cosmetic.reason(ctype, olds, news, ctx, ops)
    if why is not None:
        return ClauseChange(ctype, section, old_s, new_s, diff, (), "noise", why, "none", p.shape)
    # a table row changed in place is read with its header, the same on both sides: "5 years" in a
    # "Retention" column is a retention period though the row never says "keep"
    headers = {c.context for c in (*olds, *news)}
    context = headers.pop() if ctype == "modified" and len(headers) == 1 else ""
    verdict = classify.judge(ctype, old_s, new_s, section, terms, context)
    severity, why = verdict.severity, verdict.reason
    if severity == "material" and all(c.kind == HEADING for c in (*olds, *news)):
        # a title names a section; what the section says is judged in its own clauses
        severity, why = "minor", f"heading only: {why}"
    return ClauseChange(
        ctype, section, old_s, new_s, diff, tuple(verdict.categories), severity, why, verdict.direction, p.shape
    )


def _importance(c: ClauseChange) -> tuple[int, int]:
    return (len(c.categories), len(c.diff))


ASIDE = "scope_contact"


def summarize(changes: Sequence[ClauseChange]) -> Comparison:
    """Aggregate clause changes: highest severity wins; categories and direction of the clauses at it."""
    clauses = tuple(changes)
    if not clauses:
        return Comparison(False, "noise", (), "none", "formatting only; no wording change")
    severity = max((c.severity for c in clauses), key=RANK.__getitem__)
    if severity == "noise":
        n = len(clauses)
        return Comparison(False, "noise", (), "none", f"{n} cosmetic edit{'s' if n > 1 else ''} only", clauses)
    top = [c for c in clauses if c.severity == severity]
    found = {cat for c in top for cat in c.categories}
    if severity == "material" and any(ASIDE in c.categories for c in clauses if c.severity == "minor"):
        # who the policy covers and how to reach them is never material alone, so no material clause
        # names it; a reviewer of a material change still wants to know that it moved with it
        found.add(ASIDE)
    order = {cat: i for i, cat in enumerate(classify.CATEGORIES)}
    categories = tuple(sorted(found, key=lambda cat: (order.get(cat, len(order)), cat)))
    directions = {c.direction for c in top if c.direction != "none"}
    direction = directions.pop() if len(directions) == 1 else ("mixed" if directions else "none")
    lead = max(top, key=_importance)
    reason = lead.reason
    if len(top) > 1:
        reason += f" (and {len(top) - 1} more {severity} change{'s' if len(top) > 2 else ''})"
    return Comparison(severity == "material", severity, categories, direction, reason, clauses)
