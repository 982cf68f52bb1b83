"""What a comparison of two policy texts returns: plain values, shared by the engine that makes
them and the store, notifier and renderers that keep and show them (which need not load the engine).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SEVERITIES = ("noise", "minor", "material")
# The one severity ladder: higher is more serious (routing, sorting and the overall verdict all read it).
RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}


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
    shape: str = ""  # "" | split | merged | rewritten


@dataclass(frozen=True)
class Comparison:
    material: bool
    severity: str
    categories: tuple[str, ...]
    direction: str
    reason: str
    clauses: tuple[ClauseChange, ...] = field(default_factory=tuple)
    # share of the old clauses found word for word in the new text (unchanged or moved). Near 0 means
    # "another document" (a wrong capture, another language) or a wholesale rewrite: the quality gate's
    # call, which the engine cannot make from two texts alone.
    kept: float = 1.0

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
