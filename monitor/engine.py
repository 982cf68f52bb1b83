"""The clause engine's entry point: compare two normalized texts, clause by clause.

STUB: the real engine (segment → align → word diff → cosmetic filter → classify) replaces the body of
`compare`; the dataclasses and their `to_dict()` shapes are the contract `check`, `changes`, `diff`
and the notifier rely on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SEVERITIES = ("noise", "minor", "material")


@dataclass(frozen=True)
class ClauseChange:
    type: str  # added | removed | modified | moved
    section: str  # heading path, " > "-joined
    old: str | None
    new: str | None
    diff: str  # format-neutral markers: "[-removed words-]{+added words+}"
    categories: tuple[str, ...] = ()
    severity: str = "minor"
    reason: str = ""
    direction: str = "none"


@dataclass(frozen=True)
class Comparison:
    material: bool
    severity: str
    categories: tuple[str, ...]
    direction: str
    reason: str
    clauses: tuple[ClauseChange, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> bool:
        return bool(self.clauses)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["categories"] = list(self.categories)
        data["clauses"] = [
            {**asdict(c), "categories": list(c.categories)} for c in self.clauses
        ]
        return data


def compare(old_text: str, new_text: str) -> Comparison:
    """Compare two normalized policy texts (see extract.py for the text format)."""
    if old_text == new_text:
        return Comparison(False, "noise", (), "none", "no change")
    change = ClauseChange("modified", "", old_text, new_text, "")
    return Comparison(False, "minor", (), "none", "document changed", (change,))
