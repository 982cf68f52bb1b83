"""Sequence matching with a bounded cost: difflib where the inputs are policy-sized, cheaper exact
methods past that, so no input (200,000 equal sentences, a 2 MB sentence) makes alignment quadratic.

difflib's SequenceMatcher costs up to len(a)·len(b) steps. Every caller here goes through MAX_CELLS:
below it the result is difflib's, unchanged; above it a method linear (or n log n) in the input is used.

    >>> matching_pairs([1, 2, 3, 4], [1, 3, 4, 5])
    [(0, 0), (2, 1), (3, 2)]
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from difflib import SequenceMatcher
from typing import Hashable, Sequence

# len(a)·len(b) up to which difflib runs: a 60,000-character policy has about 600 clauses a side.
MAX_CELLS = 1_000_000


def ratio(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """difflib's ratio; past MAX_CELLS the multiset Dice coefficient (order ignored), which equals it
    for texts that differ only by inserted or deleted runs and is close otherwise."""
    if not a and not b:
        return 1.0
    if len(a) * len(b) <= MAX_CELLS:
        return SequenceMatcher(None, a, b, autojunk=False).ratio()
    common = sum((Counter(a) & Counter(b)).values())
    return 2.0 * common / (len(a) + len(b))


def longest_run(a: Sequence[Hashable], b: Sequence[Hashable]) -> tuple[int, int, int]:
    """(start in a, start in b, length) of the longest common run; past MAX_CELLS only the first
    words of each side are searched (a phrase shared by two huge clauses is found there or not at all)."""
    limit = int(MAX_CELLS ** 0.5)
    a, b = a[:limit] if len(a) * len(b) > MAX_CELLS else a, b[:limit] if len(a) * len(b) > MAX_CELLS else b
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.a, m.b, m.size


def matching_pairs(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[int, int]]:
    """Index pairs of a common subsequence of `a` and `b`, in order: difflib's (the longest blocks
    first) for policy-sized gaps; for larger ones the common prefix and suffix, then anchors on the
    elements that occur once on each side (patience diff), each gap between them solved the same way."""
    out: list[tuple[int, int]] = []
    _match(a, b, 0, len(a), 0, len(b), out)
    out.sort()
    return out


def _match(a, b, alo: int, ahi: int, blo: int, bhi: int, out: list[tuple[int, int]]) -> None:
    while alo < ahi and blo < bhi and a[alo] == b[blo]:
        out.append((alo, blo))
        alo, blo = alo + 1, blo + 1
    while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
        ahi, bhi = ahi - 1, bhi - 1
        out.append((ahi, bhi))
    if alo >= ahi or blo >= bhi:
        return
    if (ahi - alo) * (bhi - blo) <= MAX_CELLS:
        matcher = SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
        for block in matcher.get_matching_blocks():
            out.extend((alo + block.a + k, blo + block.b + k) for k in range(block.size))
        return
    anchors = _unique_anchors(a, b, alo, ahi, blo, bhi)
    # with no element unique on both sides the gap stays unmatched: its equal elements are paired
    # later as moved, which costs one pass, not a quadratic search
    prev_a, prev_b = alo, blo
    for i, j in anchors:
        _match(a, b, prev_a, i, prev_b, j, out)
        out.append((i, j))
        prev_a, prev_b = i + 1, j + 1
    if anchors:
        _match(a, b, prev_a, ahi, prev_b, bhi, out)


def _unique_anchors(a, b, alo: int, ahi: int, blo: int, bhi: int) -> list[tuple[int, int]]:
    """Elements once in a[alo:ahi] and once in b[blo:bhi], as (i, j), the longest run increasing in both."""
    count_a = Counter(a[alo:ahi])
    count_b = Counter(b[blo:bhi])
    where_b = {b[j]: j for j in range(blo, bhi) if count_b[b[j]] == 1}
    pairs = [(i, where_b[a[i]]) for i in range(alo, ahi) if count_a[a[i]] == 1 and a[i] in where_b]
    return _longest_increasing(pairs)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest subsequence of `pairs` (sorted by i) whose j increase too: O(n log n)."""
    tails: list[int] = []  # tails[k]: the smallest j ending an increasing run of length k + 1
    tail_at: list[int] = []  # index into pairs of that run's end
    back: list[int] = [-1] * len(pairs)
    for idx, (_, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_at.append(idx)
        else:
            tails[k] = j
            tail_at[k] = idx
        back[idx] = tail_at[k - 1] if k else -1
    run, idx = [], tail_at[-1] if tail_at else -1
    while idx >= 0:
        run.append(pairs[idx])
        idx = back[idx]
    return run[::-1]
