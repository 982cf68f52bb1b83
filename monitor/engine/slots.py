"""How plainly a removed and an added clause are one clause rewritten, by the content words they share.

Alignment's last stage (align.py, stage 6) pairs a removed and an added clause in the same slot
when this score is high enough: "We delete usage logs after 30 days." → "We keep usage logs for 2
years." share "usage logs", too few words for a similarity match, enough to be one clause.
"""

from __future__ import annotations

from typing import Iterable

from monitor.engine.clauses import Clause
from monitor.engine.sequence import longest_run

SLOT_MIN_SHARED = 2  # words of substance both clauses must have (not generic, not numbers) ...
SLOT_MIN_RUN = 3  # ... or one such word in a phrase of this many words both have: "sell your personal data"
SLOT_MIN_DICE = 0.3  # 2·shared / (content words of both): the share of content in common

# Words that carry no content of their own: function words, pronouns, modals and negations (what
# changes when a clause is rewritten, not what it is about).
_STOP = frozenset(
    "a an the and or nor but of to in on at by for with without from as into onto over under about after "
    "before during until within than then there here so if when where while which who whom whose what how "
    "why is are was were be been being am it its this that these those we us our ours you your yours they "
    "them their he she his her i me my do does did doing done not no never may might will would can could "
    "shall should must have has had having any all some such other also only more most each every both "
    "either neither just very too up out e g ie eg etc".split()
)
# Content words too common in a policy to say that two clauses are about the same thing on their own.
_GENERIC = frozenset(
    "information data personal use used using service services user users account accounts privacy "
    "policy notice provide provided product products include including example".split()
)


def _content(clause: Clause) -> frozenset[str]:
    """Content words of a clause, a plural "s" folded: "logs" and "log" are one word."""
    return frozenset(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
        for w in clause.key.split()
        if w not in _STOP
    )


def _substantive(words: Iterable[str]) -> int:
    # dates and numbers ("30 may 2026") and generic words do not make two sentences one
    return sum(1 for w in words if w not in _GENERIC and not w.isdigit())


def _shared_phrase(a: Clause, b: Clause) -> bool:
    """The longest run of words both clauses have is a phrase with content: "sell your personal information"."""
    wa, wb = a.key.split(), b.key.split()
    start, _, size = longest_run(wa, wb)
    run = [w for w in wa[start: start + size] if w not in _STOP]
    return size >= SLOT_MIN_RUN and len(run) >= 2 and _substantive(run) >= 1


def slot_score(a: Clause, b: Clause) -> float:
    """How plainly two clauses are one rewritten, by the content words they share (0 when too few).

    >>> from monitor.engine.clauses import segment
    >>> old, new = segment("We delete usage logs after 30 days. We keep usage logs for 2 years.")
    >>> slot_score(old, new)
    0.4
    """
    wa, wb = _content(a), _content(b)
    shared = wa & wb
    if len(shared) < 2:
        return 0.0
    if _substantive(shared) < SLOT_MIN_SHARED and not (_substantive(shared) and _shared_phrase(a, b)):
        return 0.0
    dice = 2 * len(shared) / (len(wa) + len(wb))
    return round(dice, 3) if dice >= SLOT_MIN_DICE else 0.0
