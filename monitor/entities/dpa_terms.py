"""The promises a DPA makes, as patterns: kept apart from the privacy-policy lexicon (classifier/lexicon.py).

Each pattern finds a promise in one clause. Terms are generic GDPR Art. 28/33 wording, not any
vendor's: "Personal Data Breach", "Sub-processor", "audit", "Standard Contractual Clauses".
"""

from __future__ import annotations

import re

_HOURS = r"(?P<n>\d{1,3}|twenty-four|forty-eight|seventy-two)\s*(?:\(\d{1,3}\)\s*)?(?P<unit>hours?|days?|business days?)"
WORD_NUMBERS = {"twenty-four": 24, "forty-eight": 48, "seventy-two": 72}

# A breach clause, and the bound it promises: "within 72 hours", "no later than 48 hours".
BREACH = re.compile(r"\bbreach", re.I)
BREACH_BOUND = re.compile(r"(?:within|no later than|not later than|in no event later than|at most)\s+" + _HOURS, re.I)
UNDUE_DELAY = re.compile(r"without undue delay|promptly|as soon as (?:reasonably )?practicable", re.I)

# Advance notice of a new sub-processor: "at least 30 days before".
SUBPROCESSOR = re.compile(r"sub-?processor|third[- ]party processor", re.I)
NOTICE_DAYS = re.compile(
    r"(?P<n>\d{1,3}|seven|ten|fourteen|fifteen|thirty|sixty|ninety)\s*(?:\(\d{1,3}\)\s*)?"
    r"(?:calendar |business |working )?days?['’]?\s*(?:(?:prior |advance |written )*notice|before|in advance|prior)",
    re.I,
)
DAY_WORDS = {"seven": 7, "ten": 10, "fourteen": 14, "fifteen": 15, "thirty": 30, "sixty": 60, "ninety": 90}

# The customer's right to audit (or inspect) the processor.
AUDIT = re.compile(r"\b(?:audits?|inspections?|inspect)\b", re.I)
AUDIT_RIGHT = re.compile(
    r"\b(?:may|shall be entitled to|is entitled to|has the right to|have the right to|right to|permit|allow|"
    r"contribute to|submit to|make available)\b",
    re.I,
)
AUDIT_DENIED = re.compile(r"\b(?:no right to|not (?:be )?(?:entitled|permitted)|will not (?:permit|allow)|in lieu of)\b", re.I)

# Transfer mechanisms a DPA relies on for data leaving the EEA.
MECHANISMS = {
    "standard contractual clauses": re.compile(r"standard contractual clauses|\bsccs?\b|model clauses", re.I),
    "binding corporate rules": re.compile(r"binding corporate rules|\bbcrs?\b", re.I),
    "data privacy framework": re.compile(r"data privacy framework|\bdpf\b|privacy shield", re.I),
    "adequacy decision": re.compile(r"adequacy decision", re.I),
    "UK transfer addendum": re.compile(r"international data transfer (?:addendum|agreement)|\bidta\b|uk addendum", re.I),
}
