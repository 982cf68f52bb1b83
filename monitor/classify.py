"""Classification of one clause change: categories, severity, reason, direction.

STUB: replaced by the rule/lexicon classifier. The `Verdict` shape and `judge()` signature are the
contract engine.py relies on.
"""

from __future__ import annotations

from dataclasses import dataclass

CATEGORIES = (
    "sharing", "sale", "tracking_ads", "collection", "use", "retention", "transfer", "children",
    "rights", "change_notice", "security", "scope_contact", "other",
)


@dataclass(frozen=True)
class Verdict:
    categories: tuple[str, ...]
    severity: str  # "minor" | "material" (noise is decided upstream by the cosmetic filter)
    reason: str
    direction: str = "none"  # expands | restricts | mixed | none


def categorize(text: str, section: str = "") -> tuple[str, ...]:
    """Categories a clause's text touches (may be several; ("other",) when none)."""
    return ("other",)


def judge(change_type: str, old: str | None, new: str | None, section: str = "") -> Verdict:
    """Judge one non-cosmetic clause change. change_type: added | removed | modified | moved."""
    return Verdict(categorize(new or old or "", section), "minor", f"clause {change_type}")
