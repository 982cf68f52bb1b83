"""A DPA compared by its promises: the clause engine, then what each promise became.

The clause engine judges wording; a DPA's weight is in a few promises it may weaken with small edits:
how fast a breach is reported ("within 72 hours" → "without undue delay"), how much notice a new
sub-processor gets ("30 days" → "10 days"), whether the customer may audit, and which transfer
mechanism covers data leaving the EEA. Each is read from the whole document, so a promise moved to
another section is no change; a weakened one makes the clause that carried it material, with the
clause before and after.

    >>> old = "# Breach\\n\\nWe notify you of a Personal Data Breach within 72 hours."
    >>> compare_dpa(old, old.replace("within 72 hours", "without undue delay")).reason
    "security: breach notice 'within 72 hours' became 'without undue delay'"
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from monitor.engine.clauses import segment
from monitor.engine.result import ClauseChange, Comparison
from monitor.entities import dpa_terms as t


@dataclass(frozen=True)
class Promise:
    topic: str  # breach | notice | audit | mechanism:<name>
    strength: float  # higher is a stronger promise for the customer
    quote: str  # the words that make it
    clause: str  # the clause text that carries it


def _number(raw: str, words: dict[str, int]) -> int:
    return int(raw) if raw.isdigit() else words[raw.lower()]


def promises(text: str) -> dict[str, Promise]:
    """The strongest promise per topic in a document."""
    found: dict[str, Promise] = {}

    def keep(p: Promise) -> None:
        if p.topic not in found or p.strength > found[p.topic].strength:
            found[p.topic] = p

    for clause in segment(text):
        s = clause.text
        if t.BREACH.search(s):
            bound = t.BREACH_BOUND.search(s)
            if bound:
                hours = _number(bound.group("n"), t.WORD_NUMBERS)
                hours *= 1 if bound.group("unit").lower().startswith("hour") else 24
                keep(Promise("breach", 1000.0 / hours, bound.group(0), s))
            elif (vague := t.UNDUE_DELAY.search(s)) is not None:
                keep(Promise("breach", 0.0, vague.group(0), s))
        if t.SUBPROCESSOR.search(s) and (days := t.NOTICE_DAYS.search(s)) is not None:
            keep(Promise("notice", float(_number(days.group("n"), t.DAY_WORDS)), days.group(0), s))
        if t.AUDIT.search(s) and t.AUDIT_RIGHT.search(s) and not t.AUDIT_DENIED.search(s):
            keep(Promise("audit", 1.0, s if len(s) <= 120 else s[:117] + "...", s))
        for name, rx in t.MECHANISMS.items():
            if (m := rx.search(s)) is not None:
                keep(Promise(f"mechanism:{name}", 1.0, m.group(0), s))
    return found


_CATEGORY = {"breach": "security", "notice": "change_notice", "audit": "rights"}


def weakened(old: dict[str, Promise], new: dict[str, Promise]) -> list[tuple[Promise, Promise | None, str, str]]:
    """(old promise, new promise or None, category, reason) for each promise the new text weakens."""
    out = []
    for topic, was in old.items():
        now = new.get(topic)
        if now is not None and now.strength >= was.strength:
            continue
        if topic.startswith("mechanism:"):
            if any(k.startswith("mechanism:") for k in new):
                kept = ", ".join(k.split(":", 1)[1] for k in new if k.startswith("mechanism:"))
                reason = f"transfer: mechanism {was.quote!r} dropped (still relies on {kept})"
            else:
                reason = f"transfer: mechanism {was.quote!r} dropped; no transfer mechanism left"
            out.append((was, None, "transfer", reason))
            continue
        category = _CATEGORY[topic]
        what = {"breach": "breach notice", "notice": "sub-processor notice", "audit": "audit right"}[topic]
        if now is None and topic == "breach" and (vague := _vague_breach(new)) is not None:
            now = vague
        if now is None:
            reason = f"{category}: {what} {was.quote!r} removed"
        else:
            reason = f"{category}: {what} {was.quote!r} became {now.quote!r}"
        out.append((was, now, category, reason))
    return out


def _vague_breach(new: dict[str, Promise]) -> Promise | None:
    p = new.get("breach")
    return p if p is not None and p.strength == 0.0 else None


def compare_dpa(old_text: str, new_text: str) -> Comparison:
    """The clause engine's Comparison, with each weakened DPA promise made material on its clause."""
    from monitor.engine.compare import compare, summarize

    base = compare(old_text, new_text)
    if not base.clauses:
        return base
    findings = weakened(promises(old_text), promises(new_text))
    if not findings:
        return base
    clauses = list(base.clauses)
    for was, now, category, reason in findings:
        i = _carrier(clauses, was, now)
        if i is None:
            continue
        c = clauses[i]
        categories = tuple(dict.fromkeys((category, *(k for k in c.categories if k != "other"))))
        clauses[i] = replace(c, severity="material", categories=categories, reason=reason, direction="expands")
    return replace(summarize(clauses), kept=base.kept, entities=base.entities, notice=base.notice)


def _carrier(clauses: list[ClauseChange], was: Promise, now: Promise | None) -> int | None:
    """The changed clause that held the old promise (or, failing that, states the new one)."""
    for i, c in enumerate(clauses):
        if c.type in ("modified", "removed") and c.old and (was.quote in c.old or was.clause in c.old):
            return i
    for i, c in enumerate(clauses):
        if now is not None and c.new and now.quote in c.new:
            return i
    return None
