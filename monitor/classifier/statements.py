"""Statements the term tables cannot see: what a whole sentence says about the policy itself.

Four shapes of plain-words statement that change what a policy covers, where data comes from or
whether it is sold, one that narrows how changes are announced, and one that only reports on the
policy's own history:

- a scope extension: "this policy also applies to the new Widgets app", "see the addendum for users in
  Ruritania" — a new product or jurisdiction whose data the policy now governs (scope_contact);
- a collection source: "we may obtain personal data from recruiting platforms" — data now taken from
  someone other than the user (collection);
- a sale in other words: personal data made available "in exchange for payment", "for monetary or other
  valuable consideration" (the CCPA's definition of a sale), with no form of "sell" in it (sale);
- a notice confined to some changes: "we will notify you of material changes" where every change
  was announced before (change_notice);
- a change log: "We have updated our March 2025 policy to add ..." — it summarizes edits that are
  compared, and judged, in the clauses where they were made.

    >>> scope_extension("as of today this policy also applies to the widgets app.")
    'policy also applies to'
    >>> collection_source("we may collect personal information through third-party services.")
    'collect personal information through third-party'
    >>> sale_for_value("we provide your personal data to partners in return for a fee.")
    'provide your personal data to partners in return for a fee'
"""

from __future__ import annotations

import re

# "this policy also applies to ...", "the notice now covers ...", "an addendum applicable to users in ..."
_SCOPE_EXTENSION = re.compile(
    r"\b(?:policy|notice|statement)\b(?: [\w,()-]+){0,3}? (?:also|now|further|additionally) (?:applies|apply"
    r"|covers|cover|governs|extends)(?: to\b)?"
    r"|\b(?:addend(?:um|a)|supplement(?:al (?:notice|policy|terms))?|annex)\b(?: \w+){0,3}? "
    r"(?:applicable|applies|that applies|for) (?:to )?(?:users|residents|individuals|consumers|people|customers)"
    r" (?:in|of|from|located)\b"
)
# whose data: "personal data", "pii", "information about you"; the source: someone other than the user
_PERSONAL = (r"(?:personal(?:ly identifiable)? (?:data|information)|\bpii\b|information about (?:you|individuals"
             r"|candidates|users)|(?:your|such|this) (?:data|information))")
_SOURCE = (r"(?:third[- ]part(?:y|ies)|(?:other|external|public(?:ly available)?) (?:sources?|services|platforms"
           r"|databases)|data (?:brokers?|providers?|vendors?)|(?:vendor|partner|social media|recruiting) "
           r"platforms?|our partners|business partners|publicly available)")
_COLLECTION_SOURCE = re.compile(
    rf"\b(?:collect|obtain|receive|acquire|source|buy|purchase|license)\w* (?:\w+ ){{0,3}}?{_PERSONAL}"
    rf" (?:\w+ ){{0,3}}?(?:from|through|via|by way of) (?:\w+ ){{0,2}}?{_SOURCE}"
)
# personal data handed over for something of value: "make personal information available to partners in
# exchange for payment", "disclose your data for monetary or other valuable consideration"
_HAND_OVER = (r"(?:shar|disclos|provid|transfer|licens|rent|give|giv|hand|mak|made|send|sent)\w*")
_VALUE = (r"(?:(?:for|against) (?:\w+ ){0,3}?(?:monetary|valuable|financial) consideration"
          r"|(?:in exchange|in return) for (?:\w+ ){0,3}?(?:payments?|money|a fee|fees|compensation|remuneration"
          r"|(?:monetary|valuable|financial) consideration|(?:other )?benefits|something of value|revenue)"
          r"|for (?:money|a fee|payment|cash)\b)")
_VALUE_RX = re.compile(_VALUE)
_HAND_OVER_RX = re.compile(rf"\b{_HAND_OVER}")
# any order: "we make usage data available to partners for a fee", "some usage data we make available ..."
_DATA_NOUN = re.compile(r"\b(?:data|information|details|pii)\b")
_DENIAL = re.compile(r"\b(?:not|never|no longer|neither|nor|without)\b")
# "We have updated our July 2024 Privacy Policy to ...", "This version of our notice changes ..."
_CHANGE_LOG = re.compile(
    r"^(?:\W*)(?:we(?:'ve| have)?|this (?:update|version)) (?:\w+ ){0,2}?(?:updated|changed|revised|amended|modified)"
    r" (?:[\w,./-]+ ){0,8}?(?:policy|notice|statement)\b(?: \w+){0,3}? (?:to|in order to|with|by)\b"
)

# "we will notify you of material changes": notice promised only for some changes, not for every one
# ("privacy notice" is the document's name, not a notice given)
_NOTICE_LIMIT = re.compile(
    r"\b(?:(?<!privacy )notice|notif\w*|inform\w*|tell|email|e-mail|alert)\w* (?:\w+ ){0,4}?(?:of|about|regarding|for|if|when|where)"
    r" (?:\w+ ){0,3}?(?:material|significant|substantial|substantive|important|major)\b"
    r"|\b(?:material|significant|substantial|substantive|important|major) (?:changes?|updates?|revisions?"
    r"|modifications?|amendments?) (?:\w+ ){0,6}?(?:(?<!privacy )notice|notif\w*|inform\w*|tell you|email you|let you know)"
)
_LIMIT_WORD = re.compile(r"\b(?:material|significant|substantial|substantive|important|major)\b")

def scope_extension(text: str) -> str:
    """The words that extend what the policy covers, or "". `text` is normalized (lower case)."""
    m = _SCOPE_EXTENSION.search(text)
    return m.group(0).strip() if m else ""


def collection_source(normalized: str) -> str:
    """The words saying personal data is obtained from a third party or other source, or ""."""
    m = _COLLECTION_SOURCE.search(normalized)
    return m.group(0).strip() if m else ""


def sale_for_value(normalized: str) -> str:
    """The words handing personal data over for payment or other value, or "": in one sentence a verb of
    handing over, a word for data and the value, in any order. It reads the sale the verbs of selling
    cannot see ("make available ... in exchange for payment"); a clause that also says "sell" is read by
    both."""
    for sentence in re.split(r"(?<=[.;!?])\s+", normalized):
        value = _VALUE_RX.search(sentence)
        if not value:
            continue
        rest = sentence[:value.start()] + " " * len(value.group(0)) + sentence[value.end():]
        verb, data = _HAND_OVER_RX.search(rest), _DATA_NOUN.search(rest)
        if not (verb and data):
            continue
        # "we do not provide your data to anyone in exchange for payment" is a promise, not a sale
        if _DENIAL.search(sentence[:value.start()]):
            continue
        return sentence[min(verb.start(), data.start()):value.end()].strip()
    return ""


def notice_limit(text: str) -> str:
    """The words that confine a notice of changes to some changes ("notify you of material updates"), or "".
    `text` is normalized (lower case)."""
    m = _NOTICE_LIMIT.search(text) if _LIMIT_WORD.search(text) else None
    return m.group(0).strip() if m else ""


def change_log(text: str) -> bool:
    """Does the clause only report how the policy itself was revised?"""
    return bool(_CHANGE_LOG.search(text.lower()))
