"""Word-level diff of two clauses with diff-match-patch, and its format-neutral marked form.

Words are mapped to single characters (diff-match-patch's linesToChars trick, applied to word tokens), so
`diff_main` + `diff_cleanupSemantic` work on words and never cut one in half.

    >>> mark(diff("We keep data for 30 days.", "We keep data for 2 years."))
    'We keep data for [-30 days-]{+2 years+}.'
"""

from __future__ import annotations

import re

from diff_match_patch import diff_match_patch

EQUAL, DELETE, INSERT = 0, -1, 1
Ops = list[tuple[int, str]]

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_DMP = diff_match_patch()
_DMP.Diff_Timeout = 0  # a timeout would make the diff depend on the machine's speed


def _char(i: int) -> str:
    # skip the surrogate block so every token maps to a valid code point
    return chr(i + 0x100 if i + 0x100 < 0xD800 else i + 0x100 + 0x800)


def _encode(tokens: list[str], table: dict[str, str]) -> str:
    out = []
    for t in tokens:
        c = table.get(t)
        if c is None:
            c = table[t] = _char(len(table))
        out.append(c)
    return "".join(out)


# Tokens (old × new, after the common ends are cut) past which the diff is coarse: the common prefix
# and suffix kept, the middle one deletion and one insertion. diff_main's cost grows with
# length × edits, and with no timeout (above) two huge clauses that differ throughout are quadratic.
MAX_CELLS = 4_000_000


def diff(old: str, new: str) -> Ops:
    """Word diff: a list of (op, text) with op in EQUAL, DELETE, INSERT."""
    table: dict[str, str] = {}
    a = _encode(_TOKEN.findall(old), table)
    b = _encode(_TOKEN.findall(new), table)
    head = _DMP.diff_commonPrefix(a, b)
    tail = _DMP.diff_commonSuffix(a[head:], b[head:])
    if (len(a) - head - tail) * (len(b) - head - tail) > MAX_CELLS:
        ops = [(EQUAL, a[:head]), (DELETE, a[head:len(a) - tail]), (INSERT, b[head:len(b) - tail]),
               (EQUAL, a[len(a) - tail:])]
    else:
        ops = _DMP.diff_main(a, b, False)
        _DMP.diff_cleanupSemantic(ops)
    token = {c: t for t, c in table.items()}
    merged: Ops = []
    for op, chars in ops:
        text = "".join(token[c] for c in chars)
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        elif text:
            merged.append((op, text))
    return merged


def apply(old: str, ops: Ops) -> str:
    """Apply a diff to the old text; `apply(old, diff(old, new)) == new`. Raises on a mismatch."""
    pos, out = 0, []
    for op, text in ops:
        if op != INSERT:
            if old[pos : pos + len(text)] != text:
                raise ValueError(f"diff does not apply at offset {pos}")
            pos += len(text)
        if op != DELETE:
            out.append(text)
    if pos != len(old):
        raise ValueError("diff does not cover the old text")
    return "".join(out)


def mark(ops: Ops) -> str:
    """Format-neutral markers: removed words as `[-…-]`, added words as `{+…+}`."""
    parts = []
    for op, text in ops:
        if op == DELETE:
            parts.append(f"[-{text}-]")
        elif op == INSERT:
            parts.append(f"{{+{text}+}}")
        else:
            parts.append(text)
    return "".join(parts)


def changed_words(ops: Ops) -> tuple[list[str], list[str]]:
    """The word tokens removed and added."""
    removed = [w for op, t in ops if op == DELETE for w in re.findall(r"\w+", t)]
    added = [w for op, t in ops if op == INSERT for w in re.findall(r"\w+", t)]
    return removed, added


def char_distance(old: str, new: str) -> int:
    """Levenshtein distance in characters (diff-match-patch's, on a character diff)."""
    return _DMP.diff_levenshtein(_DMP.diff_main(old, new, False))
