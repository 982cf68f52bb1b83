"""Terms that moved: a data type, purpose, recipient, country, right or transfer mechanism that left one changed
clause and is named by another is no change of practice. classify.py asks this module which of its
signals only say a term appeared or vanished where the other version names it elsewhere.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from monitor.classifier.features import (
    _AD_SURFACES, _COUNTRIES, _DATA, _DATA_SHORT, _PURPOSES, _RECIPIENTS, _RIGHTS, normalize,
)
from monitor.classifier.features import mechanisms as features_mechanisms
from monitor.classifier.signals import Signal
from monitor.classifier.statements import collection_source, sale_for_value, scope_extension


# "old"/"new" → (kind, name) → how many of that side's changed clauses name the term
Terms = dict[str, Counter]


@lru_cache(maxsize=4096)  # a page may repeat one sentence thousands of times
def document_terms(text: str) -> frozenset[tuple[str, str]]:
    """Every data type, purpose, recipient, country, right and place ads are shown that a whole text names,
    and the statements of statements.py it makes, wherever it names them."""
    t = normalize(text)
    found = {("data", n) for n in _DATA.find(t)} | {("data", n) for n in _DATA_SHORT.find(t)}
    purposes = _PURPOSES.find(t)
    found |= {("purpose", n) for n in purposes}
    if purposes.keys() & {"advertising", "targeted advertising"}:
        found |= {("ad surface", n) for n in _AD_SURFACES.find(t)}
    found |= {("recipient", n) for n in _RECIPIENTS.find(t)}
    found |= {("country", n) for n in _COUNTRIES.find(t)}
    found |= {("right", n) for n in _RIGHTS.find(t)}
    if scope_extension(t):
        found.add(("statement", "the policy's scope"))
    if collection_source(t):
        found.add(("statement", "collection from another source"))
    if sale_for_value(t):
        found.add(("statement", "data handed over for value"))
    return frozenset(found)


def document_mechanisms(text: str) -> Counter:
    """The transfer mechanisms a whole version names, wherever it names them."""
    return Counter(("mechanism", n) for n in features_mechanisms(normalize(text)))


def unmoved(signals: list[Signal], terms: Terms | None) -> tuple[list[Signal], list[Signal]]:
    """(signals kept, term signals that only moved). A term moved when the other side's changed clauses
    name it at least as often as this side's do: it left one sentence or list for another, and no
    statement of it was gained or lost overall."""
    if terms is None:
        return signals, []
    kept, moved = [], []
    for sig in signals:
        own, other = terms.get(sig.side, Counter()), terms.get("old" if sig.side == "new" else "new", Counter())
        if sig.terms and all(kind == "country" for kind, _ in sig.terms):
            # a destination one of the other side's changed clauses names too is no new destination,
            # however many sentences now repeat it: the statement was split or restated
            (moved if all(other[t] for t in sig.terms) else kept).append(sig)
            continue
        if sig.terms and all(kind == "mechanism" for kind, _ in sig.terms):
            # a transfer mechanism the other version already relies on, anywhere in it, is no new
            # reliance nor a lost one: a stale reference brought in line, or one restated
            whole = terms.get(("old" if sig.side == "new" else "new") + " document", Counter())
            (moved if all(whole[t] for t in sig.terms) else kept).append(sig)
            continue
        (moved if sig.terms and all(other[t] >= own[t] for t in sig.terms) else kept).append(sig)
    return kept, moved


def moved_reason(moved: list[Signal]) -> str:
    names = sorted({name for sig in moved for _, name in sig.terms})
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"terms moved, not changed: {shown} named elsewhere in the other version"
