"""The quality gate: is this text the policy at all? Pure; runs before a text may become a version.

Junk is not a version. An outage page, a login/consent/bot wall, a page that lost most of its text,
or one in another language is recorded as a *suspect* check instead, and raises no alert. The rules
are deliberately conservative: wall and error phrases only count on a short page, because a real
policy may well say "access denied" or "page not found" somewhere in its thousands of words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A page this short (in characters) is judged by its phrases; a longer one is taken as content.
SHORT_PAGE = 3000
# The new text keeping less than this share of the previous version's length is "truncated".
TRUNCATED_RATIO = 0.5
# Under this share of the previous version's clauses kept word for word, the new text is another
# document (a wrong page, a regional variant) or a wholesale rewrite. Real rewrites keep more: on the
# labeled corpus every one kept at least 14%, every other-document capture under 10%.
MIN_KEPT = 0.10
# Fewer sentences than this on a short page and there is no policy on it (navigation only).
MIN_SENTENCES = 3

WALL_PHRASES = {
    "bot_wall": (
        "just a moment", "checking your browser", "verify you are human", "are you a robot",
        "enable javascript and cookies", "please enable javascript", "unusual traffic", "captcha",
        "attention required", "access denied", "request blocked", "ddos protection",
    ),
    "login_wall": ("sign in to continue", "log in to continue", "please log in", "please sign in", "login required"),
    "consent_wall": ("before you continue", "accept cookies to continue", "consent to continue"),
    "error_page": (
        "page not found", "404 not found", "not found", "isn't available right now", "is not available right now",
        "service unavailable", "internal server error", "bad gateway", "gateway timeout", "something went wrong",
        "temporarily unavailable", "under maintenance", "an error occurred", "error 404", "error 500", "error 503",
    ),
}

# Short function words: enough to tell the usual policy languages apart with no model to download.
STOPWORDS = {
    "en": "the and of to we you your our with for that this is are or by in on may not",
    "de": "und der die das wir sie ihre mit für ist nicht von zu den dem auf oder",
    "fr": "et les des vous nous vos pour avec est dans sur une par pas aux ou",
    "es": "y los las de que con para por una sus nuestra como del usted o",
    "pt": "e os as de que com para por uma seus nossa como do você ou não",
    "it": "e il la di che con per una suoi nostra come del sono o non",
    "nl": "en de het van wij u uw met voor dat is zijn niet op of",
}
_STOPWORDS = {lang: frozenset(words.split()) for lang, words in STOPWORDS.items()}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# The end of a sentence: a word, then a full stop, at a space or the end. Menus and link lists have none.
_SENTENCE_END = re.compile(r"[^\W\d_]{2,}[.!?](?=\s|$)")


@dataclass(frozen=True)
class Problem:
    kind: str  # bot_wall | login_wall | consent_wall | error_page | empty | truncated | language | replaced
    detail: str

    def __str__(self) -> str:
        return f"{self.kind.replace('_', ' ')}: {self.detail}"


def assess(text: str, previous: str | None = None) -> Problem | None:
    """None when `text` looks like the policy; else what is wrong with it.

    >>> assess("Just a moment... Checking your browser").kind
    'bot_wall'
    """
    lowered = text.lower()
    if len(text) < SHORT_PAGE:
        for kind, phrases in WALL_PHRASES.items():
            for phrase in phrases:
                if phrase in lowered:
                    return Problem(kind, f"the page says {phrase!r} and holds only {len(text)} characters")
    # Counting sentences is a regex over the whole text: only a short page needs it.
    if len(text) < SHORT_PAGE and (sentences := len(_SENTENCE_END.findall(text))) < MIN_SENTENCES:
        return Problem("empty", f"only {sentences} sentences in {len(text)} characters")
    if previous:
        if len(text) < TRUNCATED_RATIO * len(previous):
            share = len(text) / len(previous)
            return Problem("truncated", f"{len(text)} characters, {share:.0%} of the previous version's {len(previous)}")
        before, after = language(previous), language(text)
        if before and after and before != after:
            return Problem("language", f"the text is in {after!r}, the previous version in {before!r}")
    return None


def assess_change(kept: float, previous: str) -> Problem | None:
    """After the clause engine: a text that kept almost none of the previous version's clauses.

    Held back like a truncated page: a real rewrite stays, and is accepted once it persists.
    """
    if kept < MIN_KEPT and len(previous) >= SHORT_PAGE:
        return Problem("replaced", f"only {kept:.0%} of the previous version's clauses remain: another document, or a rewrite")
    return None


def language(text: str, sample: int = 20000) -> str | None:
    """The likeliest language among STOPWORDS' by function-word hits; None when unclear."""
    words = _WORD.findall(text[:sample].lower())
    if len(words) < 50:
        return None
    scores = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOPWORDS.items()}
    best = max(scores, key=scores.__getitem__)
    ranked = sorted(scores.values(), reverse=True)
    # Clear winner only: mixed-language pages (a bilingual policy) stay undecided.
    if ranked[0] < 0.08 * len(words) or ranked[0] < 1.5 * ranked[1]:
        return None
    return best
