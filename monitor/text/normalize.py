"""Canonical text → normalized text: what is hashed to decide "new version", and what the clause engine reads.

The aim is that only a change of wording makes a new version. Typography a CMS may flip between two
renderings (curly/straight quotes, NBSP/space, soft hyphens, zero-width characters, CRLF, trailing
spaces, extra blank lines) is folded away. Idempotent: normalize_text(normalize_text(x)) == normalize_text(x).

Decisions:
- Hyphens U+2010 and U+2011 become '-'; the dashes U+2012-U+2015 (figure, en, em, bar) stay. A hyphen
  is a hyphen whatever its code point, but turning "data—including" into "data-including" would glue
  two words together in an alert; and the clause engine's matching keys ignore punctuation, so a dash
  swap never reads as a clause change anyway.
- Leading indentation is kept only on list-item lines (`- x`, `* x`, `1. x`): it carries their
  nesting. Elsewhere it is layout, and is dropped.
- Random-looking tokens (>= 24 characters of base64/hex alphabet, mixing letters and digits, see
  `_is_random`) are dropped from visible text. Pages print session ids, request ids and cache keys
  ("Reference: 9f8c...") that change on every request; if kept, every fetch would be a new version.
  No policy wording looks like that, so dropping them costs nothing.
- Empty input (or input with nothing visible) gives "", not "\\n": "no text" stays detectable.

    >>> normalize_text("“We don’t sell”\\u00a0data.\\r\\n\\r\\n\\r\\n-  item  \\n  - sub\\n")
    '"We don\\'t sell" data.\\n\\n- item\\n  - sub\\n'
"""

from __future__ import annotations

import re
import unicodedata

# Applied before and after NFKC: NFKC itself can produce some of these (U+2011 → U+2010).
_CHARS = {
    **dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b"), "'"),
    **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f"), '"'),
    **dict.fromkeys(map(ord, "\u2010\u2011"), "-"),
    # zero-width and invisible formatting characters, soft hyphen, BOM
    **dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f"), None),
    # bidi embeddings, overrides and isolates, and the Arabic letter mark: they reorder what a reader
    # sees ("Trojan Source"), so vendor text never carries them into a version, an alert or a terminal
    **dict.fromkeys(map(ord, "\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), None),
    # line and paragraph separators (and NEL) break lines like LF
    **dict.fromkeys(map(ord, "\u2028\u2029\x85"), "\n"),
    # other control characters read as a space (vertical tab, form feed, C1 controls...); tabs stay
    # until indentation is measured
    **dict.fromkeys((c for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)] if c not in (0x09, 0x0A, 0x85)), " "),
}
# str.translate looks up every character; a regex visits only the few that need replacing.
_SPECIAL = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_CHARS)) + "]")


def _replace(text: str) -> str:
    return _SPECIAL.sub(lambda m: _CHARS[ord(m.group())] or "", text)


_ITEM = re.compile(r"(?:[-*+\u2022]|\d{1,3}[.)]) ")
# A maximal run of the base64 / base64url / hex alphabet (with base64 padding).
_TOKEN = re.compile(r"[A-Za-z0-9+/_-]{24,}={0,2}")
_SEPARATORS = frozenset("+/_=-")


def _is_random(token: str) -> bool:
    """Whether a token looks machine-made: letters and digits interleaved, not a hyphenated phrase.

    Counts letter↔digit switches, restarting at separators: 'a3f9c2...' or 'Zk8qP2...' switch often,
    while 'ISO-27001-certified-data-centers' or 'covid19-guidance-2021-update' barely do.
    """
    switches = 0
    prev = ""  # "a" letter, "d" digit, "" after a separator
    upper = lower = digit = False
    for ch in token:
        if ch in _SEPARATORS:
            prev = ""
            continue
        kind = "d" if ch.isdigit() else "a"
        digit |= kind == "d"
        upper |= ch.isupper()
        lower |= ch.islower()
        if prev and kind != prev:
            switches += 1
        prev = kind
    if switches >= 3:
        return True
    # Long mixed-case base64 with few digits (the digits happened to cluster).
    return len(token) >= 32 and upper and lower and digit and switches >= 1


def _drop_tokens(line: str) -> str:
    if len(line) < 24 or not _TOKEN.search(line):
        return line
    return _TOKEN.sub(lambda m: "" if _is_random(m.group(0)) else m.group(0), line)


def _line(line: str) -> str:
    dropped = _drop_tokens(line)
    if dropped != line:
        # What was either side of the token is now adjacent, and may compose (u + U+0308 + U+0301 → ǘ).
        line = unicodedata.normalize("NFKC", dropped)
    body = " ".join(line.split())
    if not body:
        return ""
    if _ITEM.match(body):
        # Indentation carries a list item's nesting (two spaces a level; a tab counts as two levels).
        return line[: len(line) - len(line.lstrip(" \t"))].expandtabs(4) + body
    return body


def normalize_text(text: str) -> str:
    """Fold typography and volatile noise away; one blank line between blocks; ends with one newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFKC", _replace(text))
    text = _replace(text)
    out: list[str] = []
    blank = False
    for raw in text.split("\n"):
        line = _line(raw)
        if not line:
            blank = bool(out)
            continue
        if blank:
            out.append("")
            blank = False
        out.append(line)
    return "\n".join(out) + "\n" if out else ""
