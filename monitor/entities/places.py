"""Locations as sets of countries: "USA", "U.S." and "United States of America" are one country.

A sub-processor list names where each company processes data in free text ("US, Ireland", "EU/EEA",
"United States and Canada"); comparing the sets, not the strings, makes a respelling no change and a
new country a change.

    >>> countries("USA, Ireland and the U.K.")
    ('United States', 'Ireland', 'United Kingdom')
"""

from __future__ import annotations

import re

# Spellings seen on vendor pages → one name. Keys are folded (see `_fold`).
_ALIASES = {
    "us": "United States", "usa": "United States", "u s": "United States", "u s a": "United States",
    "united states": "United States", "united states of america": "United States", "america": "United States",
    "uk": "United Kingdom", "u k": "United Kingdom", "united kingdom": "United Kingdom",
    "great britain": "United Kingdom", "gb": "United Kingdom", "england": "United Kingdom",
    "eu": "European Union", "european union": "European Union", "eea": "EEA", "european economic area": "EEA",
    "eu eea": "EEA", "uae": "United Arab Emirates", "south korea": "South Korea", "korea": "South Korea",
    "republic of korea": "South Korea", "czech republic": "Czechia", "holland": "Netherlands",
    "the netherlands": "Netherlands", "prc": "China", "hong kong sar": "Hong Kong", "worldwide": "Global",
    "global": "Global", "international": "Global",
}
_COUNTRIES = (
    "Argentina Australia Austria Belgium Brazil Bulgaria Canada Chile China Colombia Croatia Cyprus Czechia "
    "Denmark Egypt Estonia Finland France Germany Greece Hungary Iceland India Indonesia Ireland Israel Italy "
    "Japan Kenya Latvia Liechtenstein Lithuania Luxembourg Malaysia Malta Mexico Morocco Netherlands Nigeria "
    "Norway Pakistan Peru Philippines Poland Portugal Romania Russia Serbia Singapore Slovakia Slovenia Spain "
    "Sweden Switzerland Taiwan Thailand Turkey Ukraine Uruguay Vietnam"
).split() + ["New Zealand", "Saudi Arabia", "South Africa", "Hong Kong", "Costa Rica", "United Arab Emirates",
            "Sri Lanka", "South Korea", "United States", "United Kingdom", "European Union", "EEA"]
_KNOWN = {**{c.lower(): c for c in _COUNTRIES}, **_ALIASES}
_SPLIT = re.compile(r"\s*(?:[,;/&+]|\band\b|\bor\b)\s*", re.I)
_NOISE = re.compile(r"^(?:the|in|data (?:centers?|centres?) in|servers? in|hosted in)\s+", re.I)


def _fold(s: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", s.lower()).split())


def place(token: str) -> str | None:
    """The country or region a token names, or None when it is no place this module knows."""
    folded = _fold(_NOISE.sub("", token.strip()))
    return _KNOWN.get(folded) or _KNOWN.get(folded.removeprefix("the "))


def countries(location: str) -> tuple[str, ...]:
    """The places a location text names, in order, each once; unknown parts are kept as written."""
    found: list[str] = []
    for part in _SPLIT.split(location.strip().rstrip(".")):
        if not part.strip():
            continue
        name = place(part) or " ".join(part.split())
        if name not in found:
            found.append(name)
    return tuple(found)


def is_location(text: str) -> bool:
    """Every part of the text names a known place ("Ireland", "US and EU"): a location column or field."""
    parts = [p for p in _SPLIT.split(text.strip().rstrip(".")) if p.strip()]
    return bool(parts) and all(place(p) for p in parts)
