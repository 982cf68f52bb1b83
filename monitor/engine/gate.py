"""One page judged against the version before it: the quality gate, the clause engine, the second gate.

Pure: texts in, values out. `check`, `backfill` and `diff` judge a pair the same way.
"""

from __future__ import annotations

from monitor.engine.result import Comparison
from monitor.text.quality import Problem, assess, assess_change


def judge_page(text: str, previous: str | None) -> tuple[Problem | None, Comparison | None]:
    """The quality gate, then the clause engine against the previous version, then the second gate."""
    problem = assess(text, previous)
    if problem is not None or previous is None:
        return problem, None
    comparison = compare(previous, text)
    return assess_change(comparison.kept, previous), comparison


def compare(old: str, new: str) -> Comparison:
    """The clause engine, loaded on first use: a run that finds nothing changed never needs it."""
    from monitor.engine.compare import compare as engine_compare

    return engine_compare(old, new)
