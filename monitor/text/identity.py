"""What names a document, apart from its clauses: its title and the date it says it took effect.

Pure. The quality gate reads these when a new text kept few of the previous version's clauses, to
tell a rewrite of the same document (same title, a later date) from another document served in its
place: a regional notice, a superseded version, a terms page.

    >>> document_title("Acme Privacy Policy\\n==========\\n\\nLast updated: May 2, 2024\\n\\nWe collect...")
    'acme privacy policy'
    >>> stated_date("Effective as of 28 March 2025. We collect...")
    datetime.date(2025, 3, 28)
    >>> speaking_party('This policy explains how Acme Europe B.V. ("we", "us") handles your data.')
    'Acme Europe B.V.'
"""

from __future__ import annotations

import re
from datetime import date

# The title is read from the head of the page: a heading further down names a section, not the document.
TITLE_WINDOW = 600
DATE_WINDOW = 20000

_HEADING = re.compile(r"^\s{0,3}#{1,6}[ \t]+(\S.*)$|^(\S.*)\n\s{0,3}(?:=+|-+)[ \t]*$", re.M)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_WORDS = re.compile(r"[^\W\d_]+")

_MONTHS = "january february march april may june july august september october november december".split()
_MONTH = "|".join(_MONTHS + [m[:3] for m in _MONTHS])
# "Last updated: May 2, 2024", "Effective as of 28 March 2025", "updated on 2024-05-02".
_STATED = re.compile(
    r"(?:last (?:updated|modified|revised)|effective(?: date| as of| from| on)?|updated(?: on)?|revised(?: on)?)"
    rf"\W{{0,6}}(?:({_MONTH})\.? (\d{{1,2}})(?:st|nd|rd|th)?,? (\d{{4}})|(\d{{1,2}})(?:st|nd|rd|th)? ({_MONTH})\.?,? (\d{{4}})"
    r"|(\d{4})-(\d{2})-(\d{2}))",
    re.I,
)


def document_title(text: str) -> str:
    """The first heading at the head of the page, else its first line: words only, lower case.

    Digits go: a title that carries its date ("Privacy Policy, last modified 2023-05-25") is the same title
    after the next update.
    """
    head = text.lstrip()[:TITLE_WINDOW]
    found = _HEADING.search(head)
    line = (found.group(1) or found.group(2)) if found else head.split("\n", 1)[0]
    return " ".join(_WORDS.findall(_LINK.sub(r"\1", line).lower()))


def stated_date(text: str) -> date | None:
    """The first date the text says it was updated or took effect, or None."""
    m = _STATED.search(text[:DATE_WINDOW])
    if not m:
        return None
    g = m.groups()
    try:
        if g[0]:
            return date(int(g[2]), _month(g[0]), int(g[1]))
        if g[4]:
            return date(int(g[5]), _month(g[4]), int(g[3]))
        return date(int(g[6]), int(g[7]), int(g[8]))
    except ValueError:  # "February 30"
        return None


# The company a policy speaks for is the one it names as "we": 'Acme, Inc. ("Acme", "we", "us")'.
# The name is the run of capitalised words, legal forms and bracketed parts that ends at the bracket.
PARTY_WINDOW = 40000
_WE_DEFINED = re.compile(
    r"\([ \t]*(?:(?:collectively|together|hereinafter|individually)\b[ \t,]*)?"
    r"(?:(?:the[ \t]+)?[\"“”'‘’][^\"“”'‘’\n)]{1,40}[\"“”'‘’][ \t,;]*(?:or|and)?[ \t]*)*?"
    r"[\"“”'‘’](?:we|us|our)\b",
    re.I,
)
NAME_REACH = 160
# Trailing affiliates ("PayPal, Inc. and our subsidiaries") are not part of the name.
_AFFILIATES = re.compile(r"\s+(?:and|together with|along with|as well as)\s+(?:its|our|their)\b.*$", re.I)
_MARKUP = re.compile(r"[*_`]|\[([^\]]*)\]\([^)]*\)")
_CONNECTORS = {"&", "et", "de", "du", "des", "of", "und", "y"}
_LEADING = {"we", "we're", "we’re", "we are", "&", "et", "de", "du", "des", "of", "und", "y", "the"}


def speaking_party(text: str) -> str | None:
    """The company the text names as "we", in its own words; None when it names none."""
    flat = _MARKUP.sub(lambda m: m.group(1) or "", text[:PARTY_WINDOW])
    m = _WE_DEFINED.search(flat)
    if not m:
        return None
    before = flat[max(0, m.start() - NAME_REACH):m.start()].rsplit("\n", 1)[-1]
    words: list[str] = []
    for token in reversed(_AFFILIATES.sub("", before).split()):
        bare = token.strip(",;:")
        if not bare or not (bare[0].isupper() or bare[0].isdigit() or bare.lower() in _CONNECTORS
                            or (bare.startswith("(") and bare.endswith(")"))):
            break
        words.insert(0, token)
    while words and words[0].strip(",;:").lower() in _LEADING:
        words.pop(0)
    name = " ".join(words).strip(" ,;:")
    return name if _WORDS.search(name) else None


def same_party(one: str, other: str) -> bool:
    """Whether two speaking_party names can be one company: the shorter one's words all in the longer.

    "Bluesky" and "Bluesky Social, PBC" are one; "PayPal, Inc." and "PayPal (Europe) S.à r.l." are two.
    """
    a, b = sorted((set(_WORDS.findall(one.lower())), set(_WORDS.findall(other.lower()))), key=len)
    return a <= b


def _month(name: str) -> int:
    return [m[:3] for m in _MONTHS].index(name.lower()[:3]) + 1
