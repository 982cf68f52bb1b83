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

from dataclasses import replace
from typing import Sequence

from monitor.classifier import classify
from monitor.engine import cosmetic
from monitor.engine import worddiff
from monitor.engine.result import RANK, ClauseChange, Comparison
from monitor.engine.align import MOVED, UNCHANGED, Pair, align
from monitor.engine.clauses import HEADING, Clause, segment



def compare(old_text: str, new_text: str) -> Comparison:
    """Compare two policy texts (canonical text or markdown) and judge what changed."""
    if old_text == new_text:
        return Comparison(False, "noise", (), "none", "no change")
    old, new = segment(old_text), segment(new_text)
    ctx = cosmetic.context(old, new)
    pairs = align(old, new)
    judged: dict[tuple, ClauseChange | None] = {}
    changes = [c for p in pairs if (c := _change_once(p, old, new, ctx, judged)) is not None]
    kept = sum(len(p.old) for p in pairs if p.type in (UNCHANGED, MOVED))
    return replace(summarize(changes), kept=round(kept / len(old), 3) if old else float(not new))


def _section(clause: Clause) -> str:
    return " > ".join(clause.section)


def _change_once(p: Pair, old: Sequence[Clause], new: Sequence[Clause], ctx: cosmetic.Context,
                 judged: dict[tuple, ClauseChange | None]) -> ClauseChange | None:
    """`_change`, judged once per distinct clause text and place: a page of 200,000 equal sentences
    costs one judgement, not 200,000."""
    key = (p.type, p.shape, tuple(_identity("old", old[i], ctx) for i in p.old),
           tuple(_identity("new", new[j], ctx) for j in p.new))
    if key not in judged:
        judged[key] = _change(p, old, new, ctx)
    return judged[key]


def _identity(side: str, c: Clause, ctx: cosmetic.Context) -> tuple:
    """Everything of a clause its judgement reads, its position aside."""
    return (c.text, c.kind, c.level, c.section, c.nav, c.links, (side, c.block, c.key) in ctx.repeated)


def _change(p: Pair, old: Sequence[Clause], new: Sequence[Clause], ctx: cosmetic.Context) -> ClauseChange | None:
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
    verdict = classify.judge(ctype, old_s, new_s, section)
    severity, why = verdict.severity, verdict.reason
    if severity == "material" and all(c.kind == HEADING for c in (*olds, *news)):
        # a title names a section; what the section says is judged in its own clauses
        severity, why = "minor", f"heading only: {why}"
    return ClauseChange(
        ctype, section, old_s, new_s, diff, tuple(verdict.categories), severity, why, verdict.direction, p.shape
    )


def _importance(c: ClauseChange) -> tuple[int, int]:
    return (len(c.categories), len(c.diff))


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
    order = {cat: i for i, cat in enumerate(classify.CATEGORIES)}
    categories = tuple(sorted(found, key=lambda cat: (order.get(cat, len(order)), cat)))
    directions = {c.direction for c in top if c.direction != "none"}
    direction = directions.pop() if len(directions) == 1 else ("mixed" if directions else "none")
    lead = max(top, key=_importance)
    reason = lead.reason
    if len(top) > 1:
        reason += f" (and {len(top) - 1} more {severity} change{'s' if len(top) > 2 else ''})"
    return Comparison(severity == "material", severity, categories, direction, reason, clauses)
