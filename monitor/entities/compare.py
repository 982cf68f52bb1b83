r"""Two versions of a sub-processor list compared entity by entity, not line by line.

Each entity ends as added, removed, renamed (the same company under a new name), moved to other
countries ("location") or given another purpose ("purpose"); the same entities in another order or
another layout (a table turned into a list) are no change. What the page says around the list (the
notice it gives, how to object) goes through the clause engine, with the DPA's promises recognised.

Materiality, as a privacy team reads a list: a new company receiving data is material (sharing), and
so is a new country for an entity (transfer), above all one the list never named before; a removal
restricts who gets data (minor); a purpose is material when it widens what the entity does.

    >>> old = "Name | Purpose | Location\nStripe | Payments | US\n"
    >>> compare_lists(old, old + "Acme Analytics | Product analytics | United States\n").reason
    'new sub-processor: Acme Analytics (product analytics; United States)'
"""

from __future__ import annotations

import re
from dataclasses import replace

from monitor.classifier.classify import categorize
from monitor.engine.result import ClauseChange, Comparison
from monitor.entities.notice import date_in, notice_of
from monitor.entities.read import Entity, Listing, _fold, merge, name_key, read

SECTION = "Sub-processors"
MATERIAL, MINOR = "material", "minor"
_PURPOSE_SPLIT = re.compile(r"\s*(?:[,;/&+]|\band\b)\s*", re.I)
_GENERIC = frozenset("services service data cloud group global international technologies technology solutions "
                     "systems software labs platform online holdings".split())  # fmt: skip
# Fewer entities than this in a version and the page is not read as a list.
MIN_ENTITIES = 2


def compare_lists(old_text: str, new_text: str) -> Comparison:
    """Entities first, then the prose through the DPA-aware clause engine; one Comparison."""
    from monitor.entities.dpa import compare_dpa

    old, new = read(old_text), read(new_text)
    if len(old.entities) < MIN_ENTITIES and len(new.entities) < MIN_ENTITIES:
        return compare_dpa(old_text, new_text)  # no list on either side: a plain document
    entity_changes = diff_entities(old.entities, new.entities)
    prose = compare_dpa(old.prose_text(), new.prose_text())
    clauses = tuple(c for _, c in entity_changes) + prose.clauses
    notice = notice_of(new.prose_text()) or notice_of(new_text)
    entities = tuple(d for d, _ in entity_changes)
    kept = _kept(old, new, prose.kept)
    if not clauses:
        n = len(new.entities)
        reason = "no change" if old_text == new_text else f"the same {n} sub-processors, re-ordered or re-laid out"
        return Comparison(False, "noise", (), "none", reason, (), kept, notice=notice)
    summary = _summarize(clauses)
    return replace(summary, kept=kept, entities=entities, notice=notice)


def _summarize(clauses: tuple[ClauseChange, ...]) -> Comparison:
    from monitor.engine.compare import summarize

    return summarize(clauses)


def _kept(old: Listing, new: Listing, prose_kept: float) -> float:
    """Share of the old version found again: entities by identity, prose by the engine's measure."""
    keys = {e.key for e in new.entities}
    same = sum(1 for e in old.entities if e.key in keys)
    total = len(old.entities) + len(old.prose)
    return round((same + prose_kept * len(old.prose)) / total, 3) if total else 1.0


# --- entity by entity ---------------------------------------------------------------------------
def diff_entities(old: list[Entity], new: list[Entity]) -> list[tuple[dict, ClauseChange]]:
    if any(e.serves for e in old) != any(e.serves for e in new):
        # One list became lists per product (or the reverse): a layout, so compare companies alone.
        old, new = _flat(old), _flat(new)
    before = {e.key: e for e in old}
    after = {e.key: e for e in new}
    known_countries = {c for e in old for c in e.countries}
    added = [e for k, e in after.items() if k not in before]
    removed = [e for k, e in before.items() if k not in after]
    out: list[tuple[dict, ClauseChange]] = []
    renamed = _renames(removed, added)
    for o, n in renamed:
        out.append(_renamed(o, n))
        out.extend(_changed(o, n, known_countries))
    paired_new = {id(n) for _, n in renamed}
    paired_old = {id(o) for o, _ in renamed}
    for key, n in after.items():
        if key in before:
            out.extend(_changed(before[key], n, known_countries))
        elif id(n) not in paired_new:
            out.append(_added(n, known_countries))
    out.extend(_removed(o) for o in removed if id(o) not in paired_old)
    return out


def _flat(entities: list[Entity]) -> list[Entity]:
    return merge(Listing([replace(e, serves="") for e in entities])).entities


def _significant(name: str) -> set[str]:
    return {w for w in name_key(name).split() if w not in _GENERIC and len(w) > 2}


def _renames(removed: list[Entity], added: list[Entity]) -> list[tuple[Entity, Entity]]:
    """A removed and an added entity with a name in common and the same product: one renamed entity.

    Name first: a different company doing the same job in the same place is a new recipient, never
    a rename.
    """
    pairs: list[tuple[Entity, Entity]] = []
    free = list(added)
    for o in removed:
        words = _significant(o.name)
        for n in free:
            if n.key[1] == o.key[1] and words & _significant(n.name):
                pairs.append((o, n))
                free.remove(n)
                break
    return pairs


def _entity_dict(change: str, e: Entity, severity: str, categories: tuple[str, ...], reason: str, **extra) -> dict:
    return {"change": change, **e.to_dict(), **extra, "severity": severity, "categories": list(categories), "reason": reason}


def _clause(ctype: str, old: Entity | None, new: Entity | None, severity: str, categories: tuple[str, ...],
            reason: str, direction: str) -> ClauseChange:
    from monitor.engine import worddiff

    old_s, new_s = (old.line() if old else None), (new.line() if new else None)
    section = " > ".join(p for p in (SECTION, (new or old).serves) if p)  # type: ignore[union-attr]
    diff = worddiff.mark(worddiff.diff(old_s or "", new_s or ""))
    return ClauseChange(ctype, section, old_s, new_s, diff, categories, severity, reason, direction)


def _added(e: Entity, known: set[str]) -> tuple[dict, ClauseChange]:
    fresh = [c for c in e.countries if c not in known]
    categories = ("sharing", "transfer") if fresh else ("sharing",)
    reason = f"new sub-processor: {e.describe()}"
    if e.serves:
        reason += f" for {e.serves}"
    effective = date_in(e.effective) if e.effective else None
    extra = {"new_countries": fresh} if fresh else {}
    if effective:
        extra["effective_date"] = effective
    d = _entity_dict("added", e, MATERIAL, categories, reason, **extra)
    return d, _clause("added", None, e, MATERIAL, categories, reason, "expands")


def _removed(e: Entity) -> tuple[dict, ClauseChange]:
    reason = f"sub-processor removed: {e.describe()}"
    return _entity_dict("removed", e, MINOR, ("sharing",), reason), _clause("removed", e, None, MINOR, ("sharing",), reason, "restricts")


def _renamed(o: Entity, n: Entity) -> tuple[dict, ClauseChange]:
    reason = f"sub-processor renamed: {o.name} → {n.name}"
    d = _entity_dict("renamed", n, MINOR, ("sharing",), reason, old_name=o.name)
    return d, _clause("modified", o, n, MINOR, ("sharing",), reason, "none")


def _changed(o: Entity, n: Entity, known: set[str]) -> list[tuple[dict, ClauseChange]]:
    out = []
    if set(o.countries) != set(n.countries) and n.location:
        out.append(_moved(o, n, known))
    if _purposes(o.purpose) != _purposes(n.purpose) and n.purpose:
        out.append(_repurposed(o, n))
    return out


def _moved(o: Entity, n: Entity, known: set[str]) -> tuple[dict, ClauseChange]:
    gained = [c for c in n.countries if c not in o.countries]
    fresh = [c for c in gained if c not in known]
    if gained:
        severity, direction = MATERIAL, "expands"
        reason = f"{n.name} now processes data in {', '.join(gained)} (was {o.location or 'not stated'})"
        if fresh:
            reason += f"; new to the list: {', '.join(fresh)}"
    else:
        severity, direction = MINOR, "restricts"
        reason = f"{n.name} no longer in {', '.join(c for c in o.countries if c not in n.countries)}"
    extra: dict = {"old_location": o.location, "new_countries": fresh} if fresh else {"old_location": o.location}
    d = _entity_dict("location", n, severity, ("transfer",), reason, **extra)
    return d, _clause("modified", o, n, severity, ("transfer",), reason, direction)


def _purposes(purpose: str) -> frozenset[str]:
    return frozenset(_fold(p) for p in _PURPOSE_SPLIT.split(purpose) if _fold(p))


def widens(old: str, new: str) -> bool:
    """A purpose widens when it adds a job sharing no word with the old ones, or a practice category.

    "Cloud hosting" → "Cloud infrastructure hosting" is rewording; "Hosting" → "Hosting, analytics" or
    "Email delivery" → "Email delivery and advertising" adds what the entity does with data.
    """
    old_words = {w for p in _purposes(old) for w in p.split()}
    if any(not (set(p.split()) & old_words) for p in _purposes(new)):
        return True
    gained = set(categorize(new)) - set(categorize(old)) - {"other"}
    return bool(gained)


def _repurposed(o: Entity, n: Entity) -> tuple[dict, ClauseChange]:
    wider = widens(o.purpose, n.purpose)
    severity, direction = (MATERIAL, "expands") if wider else (MINOR, "none")
    verb = "widened" if wider else "changed"
    reason = f"{n.name}: purpose {verb}: '{o.purpose or 'not stated'}' became '{n.purpose}'"
    d = _entity_dict("purpose", n, severity, ("sharing", "use"), reason, old_purpose=o.purpose)
    return d, _clause("modified", o, n, severity, ("sharing", "use"), reason, direction)

