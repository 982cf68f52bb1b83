"""The classifier, pure: what a clause change does to a practice (categories, polarity, quantities, severity)."""
