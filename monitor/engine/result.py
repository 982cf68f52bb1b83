"""What a comparison of two policy texts returns: plain values, shared by the engine that makes
them and the store, notifier and renderers that keep and show them (which need not load the engine).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime

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
    # Sub-processor lists (monitor.entities): one dict per entity change ({"change": "added", "name",
    # "purpose", "location", ...}), the notice the page states ({"days": 30} / {"effective": ...}),
    # and the day an objection must be sent by, once the day the change was seen is known (`dated`).
    entities: tuple[dict, ...] = ()
    notice: dict | None = None
    objection_deadline: str | None = None

    def dated(self, seen: datetime | date) -> Comparison:
        """With the objection deadline, counted from `seen` when the page gives a period, not a date."""
        if not any(e.get("severity") == "material" for e in self.entities):
            return self
        from monitor.entities.notice import deadline

        day = seen.date() if isinstance(seen, datetime) else seen
        stated = sorted(e["effective_date"] for e in self.entities if e.get("effective_date"))
        return replace(self, objection_deadline=deadline(self.notice, day, stated[0] if stated else None))

    @property
    def changed(self) -> bool:
        return bool(self.clauses)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["categories"] = list(self.categories)
        data["clauses"] = [
            {**asdict(c), "categories": list(c.categories)} for c in self.clauses
        ]
        data["entities"] = list(self.entities)
        if data["objection_deadline"] is None:  # unknown until dated, not "none": the store dates it
            del data["objection_deadline"]
        return data
