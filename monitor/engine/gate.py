"""One page judged against the version before it: the quality gate, the clause engine, the second gate.

Pure: texts in, values out. `check`, `backfill` and `diff` judge a pair the same way. The document's
kind picks the comparison: a sub-processor list is compared entity by entity, a DPA by its promises
(monitor.entities), any other document clause by clause.
"""

from __future__ import annotations

from monitor.engine.result import Comparison
from monitor.text.quality import Problem, assess, assess_change


def judge_page(text: str, previous: str | None, kind: str = "privacy") -> tuple[Problem | None, Comparison | None]:
    """The quality gate, then the clause engine against the previous version, then the second gate."""
    problem = assess(text, previous)
    if problem is not None and kind == "subprocessors" and problem.kind == "empty" and _is_list(text):
        problem = None  # a list of companies has few sentences, and is all content
    if problem is not None or previous is None:
        return problem, None
    comparison = compare(previous, text, kind)
    return assess_change(comparison.kept, previous), comparison


def compare(old: str, new: str, kind: str = "privacy") -> Comparison:
    """The engine for the document's kind, loaded on first use: a run that finds nothing changed never needs it."""
    if kind == "subprocessors":
        from monitor.entities.compare import compare_lists

        return compare_lists(old, new)
    if kind == "dpa":
        from monitor.entities.dpa import compare_dpa

        return compare_dpa(old, new)
    from monitor.engine.compare import compare as engine_compare

    return engine_compare(old, new)


def _is_list(text: str) -> bool:
    from monitor.entities.compare import MIN_ENTITIES
    from monitor.entities.read import read

    return len(read(text).entities) >= max(MIN_ENTITIES, 3)
