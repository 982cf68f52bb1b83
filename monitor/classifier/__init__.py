"""The classifier, pure: what a clause change does to a practice (categories, polarity, quantities, severity)."""

# The clause categories, the default material ones first (DESIGN.md, corpus/RUBRIC.md). Here, not in
# classify.py, so the config and the CLI can validate a category without loading the classifier.
CATEGORIES = (
    "sharing", "sale", "tracking_ads", "collection", "use", "retention", "transfer", "children",
    "rights", "change_notice", "security", "scope_contact", "other",
)
