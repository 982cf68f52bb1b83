"""Signals: one difference between what two clauses state, with its category, direction and reason.

The kinds of difference that need no context beyond the two clauses' features: transfer mechanisms,
destinations, retention periods and ages. classify.py reads the rest (promises, recipients, purposes,
rights, data) and decides which signals make a change material.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.classifier.features import Features

EXPANDS, RESTRICTS, MIXED, NONE = "expands", "restricts", "mixed", "none"


@dataclass(frozen=True)
class Signal:
    category: str
    direction: str
    reason: str
    # a signal that only says a term (data, purpose, recipient) appears or vanishes: the terms and the
    # side ("old"/"new") whose clause states them. Such a signal is dropped when the other version
    # names every one of those terms elsewhere: the term moved, the practice did not change.
    terms: frozenset[tuple[str, str]] = frozenset()
    side: str = ""


def quote(s: str) -> str:
    return f"'{s.strip()}'"


def only(a: dict, b: dict) -> list:
    """Keys of `a` missing from `b`, in `a`'s (lexicon) order: reasons must not depend on hashing."""
    return [k for k in a if k not in b]


def mechanism_terms(names) -> frozenset[tuple[str, str]]:
    return frozenset(("mechanism", n) for n in names)


def transfer_signals(fo: Features, fn: Features) -> list[Signal]:
    out = []
    gone = only(fo.mechanisms, fn.mechanisms)
    new = only(fn.mechanisms, fo.mechanisms)
    # terms: the mechanisms relied on anew (side "new") and those given up ("old"), for _unmoved to
    # ask whether the other version already names them elsewhere
    if gone and new:
        out.append(Signal("transfer", MIXED, f"transfer: {quote(', '.join(sorted(gone)))} replaced by "
                                             f"{quote(', '.join(sorted(new)))}", mechanism_terms(new), "new"))
    elif new:
        out.append(Signal("transfer", RESTRICTS, f"transfer: now relies on {quote(', '.join(sorted(new)))}",
                          mechanism_terms(new), "new"))
    elif gone:
        out.append(Signal("transfer", EXPANDS, f"transfer: no longer relies on {quote(', '.join(sorted(gone)))}",
                          mechanism_terms(gone), "old"))
    elif fo.mechanisms and fn.scopes != fo.scopes:
        added = sorted(fn.scopes - fo.scopes)
        what = f"{quote(', '.join(s + '-u.s.' for s in added))} framework added" if added else "framework scope narrowed"
        out.append(Signal("transfer", MIXED, f"transfer: {what}"))
    for c in only(fn.countries, fo.countries):
        if fo.countries or fo.mechanisms or fo.transfer_ctx:
            out.append(Signal("transfer", EXPANDS, f"transfer: new destination {quote(c)}",
                              frozenset({("country", c)}), "new"))
    return out


def quantity_signals(fo: Features, fn: Features) -> list[Signal]:
    out = []
    if fo.durations.keys() != fn.durations.keys() and fo.durations and fn.durations:
        old_max, new_max = max(fo.durations), max(fn.durations)
        d = EXPANDS if new_max > old_max else RESTRICTS if new_max < old_max else MIXED
        out.append(Signal("retention", d, f"retention: {quote(fo.durations[old_max])} became {quote(fn.durations[new_max])}"
                          if old_max != new_max else "retention: periods changed"))
    elif fn.durations and not fo.durations and fo.retention_ctx:
        p = max(fn.durations)
        out.append(Signal("retention", EXPANDS, f"retention: period {quote(fn.durations[p])} added"))
    elif fo.durations and not fn.durations:
        p = max(fo.durations)
        out.append(Signal("retention", EXPANDS, f"retention: period {quote(fo.durations[p])} removed"))
    if fo.ages and fn.ages and fo.ages.keys() != fn.ages.keys():
        old_a, new_a = sorted(fo.ages), sorted(fn.ages)
        d = RESTRICTS if new_a[-1] > old_a[-1] or new_a[0] > old_a[0] else EXPANDS
        out.append(Signal("children", d, f"children: age {quote(', '.join(map(str, old_a)))} became "
                                         f"{quote(', '.join(map(str, new_a)))}"))
    elif fo.ages and not fn.ages and fn.child_ctx:
        out.append(Signal("children", EXPANDS, f"children: age rule {quote(next(iter(fo.ages.values())))} removed"))
    elif fn.ages and not fo.ages and fo.child_ctx:
        out.append(Signal("children", MIXED, f"children: age rule {quote(next(iter(fn.ages.values())))} added"))
    return out
