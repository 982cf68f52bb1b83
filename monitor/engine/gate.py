"""One page judged against the version before it: the quality gate, the clause engine, the second gate.

Pure: texts in, values out. `check`, `backfill` and `diff` judge a pair the same way. The document's
kind picks the comparison: a sub-processor list is compared entity by entity, a DPA by its promises
(monitor.entities), any other document clause by clause.

    >>> v = judge_pair("We keep logs for 30 days. We never sell data. Contact us.", "Service unavailable")
    >>> v.quality["problem"], v.held, v.material
    ('outage', True, False)
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.engine.result import Comparison
from monitor.text.quality import Problem, assess, assess_change, assess_pair, language, rewrite_note

# Languages the classifier reads through a phrasebook (monitor/classifier/languages), English aside.
FOREIGN = frozenset({"de", "fr", "es"})

# The quality object names the problem in the words of `diff --json`: the gate's finer kinds folded.
PROBLEM_NAMES = {
    "error_page": "outage", "empty": "outage", "bot_wall": "wall", "login_wall": "wall", "consent_wall": "wall",
    "truncated": "truncated", "replaced": "replaced", "language": "language", "unreadable": "language",
}


def judge_page(text: str, previous: str | None, kind: str = "privacy") -> tuple[Problem | None, Comparison | None]:
    """The quality gate, then the clause engine against the previous version, then the second gate:
    the gate `diff` applies too (`judge_pair`), without re-judging the stored previous version.

    A text in a language the engine has no lexicon for is compared for the record, never judged.
    """
    if previous is None:
        return _excused(assess(text, None), text, kind), None
    problem = _excused(assess_pair(previous, text), text, kind)
    if problem is not None and problem.kind != "unreadable":
        return problem, None
    comparison = compare(previous, text, kind)
    held = assess_change(comparison.kept, previous, text)
    if held is None and problem is not None:
        comparison = _unjudged(comparison, problem)
    elif problem is None:  # noted even when held: a rewrite cut off is accepted with it once it persists
        comparison = _noted(comparison, rewrite_note(comparison.kept, previous, text))
    return held, comparison


@dataclass(frozen=True)
class Judgement:
    """A pair as `check` would take it: `held` when the gate keeps the new text from alerting."""

    problem: Problem | None
    comparison: Comparison | None

    @property
    def held(self) -> bool:
        return self.problem is not None and self.problem.kind != "unreadable"

    @property
    def material(self) -> bool:
        return self.problem is None and self.comparison is not None and self.comparison.material

    @property
    def quality(self) -> dict:
        if self.problem is None:
            return {"problem": "none", "kind": None, "evidence": None, "held": False}
        return {
            "problem": PROBLEM_NAMES.get(self.problem.kind, self.problem.kind),
            "kind": self.problem.kind,
            "evidence": self.problem.detail,
            "held": self.held,
        }

    @property
    def verdict(self) -> str:
        """One line a reviewer reads first: why this pair alerts, or why it does not."""
        if self.problem is not None and self.problem.kind == "unreadable":
            return f"{self.problem.detail}: no clause was judged"
        if self.problem is not None:
            return f"not reported: {self.problem} (check would hold this version and raise no alert)"
        if self.comparison is None:
            return "no change"
        return self.comparison.reason


def judge_pair(old: str, new: str, kind: str = "privacy") -> Judgement:
    """Both sides through the gate (an old outage page is as much junk as a new one), then the engine.

    A text in a language the engine has no lexicon for is compared for the record but never called
    minor or material: the judgement says so instead.
    """
    problem = _excused(assess(old), old, kind) or _excused(assess_pair(old, new), new, kind)
    if problem is not None and problem.kind != "unreadable":
        return Judgement(problem, None)
    comparison = compare(old, new, kind)
    if problem is None:
        problem = assess_change(comparison.kept, old, new)
        if problem is None:
            comparison = _noted(comparison, rewrite_note(comparison.kept, old, new))
    if problem is not None:
        comparison = _unjudged(comparison, problem)
    return Judgement(problem, comparison)


def _noted(comparison: Comparison, note: str | None) -> Comparison:
    """A rewrite is judged like any version, its reason saying first that little of the old text is left."""
    if note is None or not comparison.changed:
        return comparison
    from dataclasses import replace

    return replace(comparison, reason=f"{note}; {comparison.reason}")


def _unjudged(comparison: Comparison, problem: Problem) -> Comparison:
    from dataclasses import replace

    severity = "noise" if not comparison.changed else "minor"
    return replace(comparison, material=False, severity=severity, categories=(), direction="none",
                   reason=f"not judged: {problem.detail}")


def compare(old: str, new: str, kind: str = "privacy") -> Comparison:
    """The engine for the document's kind, loaded on first use: a run that finds nothing changed never needs it."""
    if kind == "subprocessors":
        from monitor.entities.compare import compare_lists

        return compare_lists(old, new)
    if kind == "dpa":
        from monitor.entities.dpa import compare_dpa

        return compare_dpa(old, new)
    from monitor.engine.compare import compare as engine_compare

    lang = language(new)
    if lang not in FOREIGN or language(old) not in (lang, None):
        return engine_compare(old, new)
    from monitor.classifier.languages import reading

    with reading(lang):
        return _localized(engine_compare(old, new), lang)


def _localized(comparison: Comparison, lang: str) -> Comparison:
    """Reasons quote the document's own words: the English rendering's quotes mapped back to them."""
    from dataclasses import replace

    from monitor.classifier.languages import localize

    mapped = {}
    clauses = []
    for c in comparison.clauses:
        reason = c.reason if c.severity == "noise" else localize(lang, c.reason, c.old, c.new)
        mapped.setdefault(c.reason, reason)
        clauses.append(replace(c, reason=reason))
    lead, sep, rest = comparison.reason.partition(" (and ")
    reason = mapped.get(lead, lead) + sep + rest
    return replace(comparison, clauses=tuple(clauses), reason=reason)


def _excused(problem: Problem | None, text: str, kind: str) -> Problem | None:
    """A list of companies has few sentences, and is all content: not "empty" for a sub-processor list."""
    if problem is not None and kind == "subprocessors" and problem.kind == "empty" and _is_list(text):
        return None
    return problem


def _is_list(text: str) -> bool:
    from monitor.entities.compare import MIN_ENTITIES
    from monitor.entities.read import read

    return len(read(text).entities) >= max(MIN_ENTITIES, 3)
