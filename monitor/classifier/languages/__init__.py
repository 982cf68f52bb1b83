"""German, French and Spanish policies judged by the English classifier, through a phrasebook.

The method: while a document in one of these languages is compared (`reading("de")`), every text the
classifier normalizes is rendered into the canonical English vocabulary its lexicons are written for
(monitor/classifier/lexicon.py): verbs of sharing, selling, collecting, keeping and transferring,
negations, data types, recipients, periods ("30 Tage" → "30 days"), ages, rights, mechanisms, how
changes are announced. Words a phrasebook lacks pass through unchanged (names, addresses, numbers).
The rendering is no translation a reader would want: it only has to put the practice words where the
English rules look for them. So German's late negation ("wir verkaufen Ihre Daten nicht") is moved in
front of the verb it denies ("we not sell your data"), and separable verbs ("geben … weiter") are
read as one.

Why this and not a table per feature: the English classifier (promises, conditions, recipients, term
moves, periods) is the part that carries the judgement, and it keeps improving; one rendering step
lets every language gain from it, and a language costs one data table (de.py, fr.py, es.py), no code.

Alerts quote the document's own words: `localize` maps each quoted English span of a reason back to
the source words it was rendered from ("'not sell'" → "'verkaufen ihre daten nicht'").

The alignment, the word diff and the cosmetic filter run on the original text: a typo in a German
word is judged as the typo it is, not as a word the phrasebook stopped recognizing.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Iterator

from monitor.classifier.languages.phrasebook import Phrasebook, Rendering

# Languages with a phrasebook; any other is reported "not analysed" by the gate.
SUPPORTED = ("de", "fr", "es")

_ACTIVE: ContextVar[str | None] = ContextVar("policy_language", default=None)


@lru_cache(maxsize=None)
def phrasebook(lang: str) -> Phrasebook:
    from importlib import import_module

    module = import_module(f"monitor.classifier.languages.{lang}")
    return Phrasebook(module.PHRASES, module.LATE_NEGATIONS, module.NEGATIONS, getattr(module, "VERB_FINAL", False))


def active() -> str | None:
    return _ACTIVE.get()


@contextmanager
def reading(lang: str) -> Iterator[None]:
    """Judge clauses as text in `lang` while inside. The classifier's caches keyed by raw text are
    emptied on the way in and out, so no English text is ever judged by a German rendering, or back."""
    if lang not in SUPPORTED:
        raise ValueError(f"no phrasebook for language {lang!r}: one of {', '.join(SUPPORTED)}")
    _clear_caches()
    token = _ACTIVE.set(lang)
    try:
        yield
    finally:
        _ACTIVE.reset(token)
        _clear_caches()


def _clear_caches() -> None:
    from monitor.classifier import classify

    classify.document_terms.cache_clear()
    classify._section_categories.cache_clear()


def to_english(normalized: str) -> str:
    """The hook in features.normalize: the English rendering when a language is being read, else as is."""
    lang = _ACTIVE.get()
    if lang is None:
        return normalized
    return render(lang, normalized).english


@lru_cache(maxsize=8192)
def render(lang: str, normalized: str) -> Rendering:
    return phrasebook(lang).render(normalized)


_QUOTED = re.compile(r"'([^']+)'")


def localize(lang: str, reason: str, old: str | None, new: str | None) -> str:
    """`reason` with each quoted English span replaced by the words of `old` or `new` it came from.

    >>> localize("de", "retention: '30 days' became '2 years'", "Logs: 30 Tage.", "Logs: 2 Jahre.")
    "retention: '30 tage' became '2 jahre'"
    """
    from monitor.classifier.features import strip_markdown

    sides = [strip_markdown(s).lower() for s in (new, old) if s]
    renderings = [(src, render(lang, src)) for src in sides]

    def source(m: re.Match[str]) -> str:
        quote = m.group(1)
        for src, r in renderings:
            words = r.source_of(quote, src)
            if words:
                return f"'{words}'"
        return m.group(0)

    return _QUOTED.sub(source, reason)
