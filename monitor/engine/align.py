"""Alignment of old and new clauses: unchanged, moved, modified (incl. split/merged), added, removed.

Cheap first, expensive last, so a 130 KB policy aligns in tens of milliseconds:
1. clauses with equal keys (case, punctuation, numbering folded) in the same order are unchanged
   (a longest-common-subsequence over key ids);
2. equal keys left over are the same text in another place: moved; keys equal but for their numbers
   and dates, and table rows or "Label: …" items with the same label, are one clause modified;
3. only the clauses still unpaired are compared by similarity. An inverted index on their words
   proposes candidates, token-set Jaccard filters them, and a word-sequence ratio scores the few that
   remain; pairs are taken greedily, best first, preferring the same section;
4. a modified pair grows over adjacent unpaired clauses while that raises its similarity: a sentence
   split in two, or two items merged into one;
5. a long unpaired clause that nearly contains a short one seeds a pair that grows the same way: a
   sentence listing things turned into a bulleted list, or the reverse;
6. last, a removed and an added clause in the same slot (between the same paired neighbours, in the
   same section) are one clause rewritten when they share real content words (slots.py), though too
   few for a similarity match: "We delete usage logs after 30 days." → "We keep usage logs for 2 years.".
   Only where the slot is unambiguous: one pair in it stands clearly above any rival.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Sequence

from monitor.engine.clauses import HEADING, MONTH_PATTERN, Clause, is_date_notice, normalize_key
from monitor.engine.sequence import matching_pairs, ratio
from monitor.engine.slots import slot_score

UNCHANGED, MOVED, MODIFIED, ADDED, REMOVED = "unchanged", "moved", "modified", "added", "removed"

MIN_JACCARD = 0.25  # prefilter: below this share of common words two clauses are not one edited
MIN_SCORE = 0.5  # word-sequence similarity needed to call a pair "modified" rather than removed+added
SAME_SECTION_BONUS = 0.05
COMMON_WORD_LIMIT = 40  # words in more unpaired clauses than this propose no candidates (the, we, data)
MAX_CANDIDATES = 6
LABEL_MAX_CHARS = 60  # "Label: text" — a colon this early marks a label
LABEL_MAX_WORDS = 6
MIN_SEED_WORDS = 4  # a clause shorter than this is too common to say where it came from
MIN_CONTAINMENT = 0.8  # share of a short clause's words found in a long one to try them as one
GROW_GAIN = 0.02  # similarity an extra clause must add to join a split or merged pair
MAX_GROWN = 60
JACCARD_SPREAD = 0.25  # candidates this far below the best word overlap are not worth a ratio
# same-slot pairing (stage 6): far weaker evidence than MIN_SCORE, so only inside one narrow gap
SLOT_MAX_CLAUSES = 6  # per side: a wider gap is a passage rewritten, which clause became which a guess
SLOT_MARGIN = 0.15  # a pair must beat every rival for either of its clauses by this much

@dataclass(frozen=True)
class Pair:
    type: str  # unchanged | moved | modified | added | removed
    old: tuple[int, ...]  # indices into the old clauses (several when merged)
    new: tuple[int, ...]  # indices into the new clauses (several when split)
    score: float = 1.0

    @property
    def shape(self) -> str:
        if len(self.old) > 1 and len(self.new) == 1:
            return "merged"
        if len(self.new) > 1:
            return "split" if len(self.old) == 1 else "rewritten"
        return ""


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Word-sequence similarity in [0, 1] (difflib ratio on word lists)."""
    return ratio(a, b)


def _ids(old: Sequence[Clause], new: Sequence[Clause]) -> tuple[list[int], list[int]]:
    table: dict[str, int] = {}
    return (
        [table.setdefault(c.key, len(table)) for c in old],
        [table.setdefault(c.key, len(table)) for c in new],
    )


def _exact(old: Sequence[Clause], new: Sequence[Clause]) -> tuple[list[Pair], set[int], set[int]]:
    a, b = _ids(old, new)
    pairs: list[Pair] = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    for i, j in matching_pairs(a, b):
        pairs.append(Pair(UNCHANGED, (i,), (j,)))
        used_old.add(i)
        used_new.add(j)
    waiting: dict[int, deque[int]] = defaultdict(deque)  # popleft: 200k equal keys stay linear
    for i, key in enumerate(a):
        if i not in used_old:
            waiting[key].append(i)
    for j, key in enumerate(b):
        if j not in used_new and waiting.get(key):
            i = waiting[key].popleft()
            pairs.append(Pair(MOVED, (i,), (j,)))
            used_old.add(i)
            used_new.add(j)
    return pairs, used_old, used_new


def _by_shape_or_label(
    old: Sequence[Clause], new: Sequence[Clause], used_old: set[int], used_new: set[int]
) -> list[Pair]:
    """Short clauses a similarity score cannot pair, though plainly one clause edited."""
    pairs: list[Pair] = []
    # same words, other numbers or dates: "updated May 1, 2024" → "updated June 2, 2025"
    shaped: dict[str, deque[int]] = defaultdict(deque)
    for i, c in enumerate(old):
        if i not in used_old:
            shaped[_shape(c.key)].append(i)
    for j, c in enumerate(new):
        if j not in used_new and shaped.get(_shape(c.key)):
            i = shaped[_shape(c.key)].popleft()
            pairs.append(Pair(MODIFIED, (i,), (j,), 0.9))
            used_old.add(i)
            used_new.add(j)
    # a table row or a "Label: text" item keeps its label while its content changes:
    # "Logs | 30 days" → "Logs | 2 years"; only labels unique on both sides are trusted
    labels_old = _labels(old, used_old)
    for key, j in _labels(new, used_new).items():
        if j is not None and labels_old.get(key) is not None:
            i = labels_old[key]
            pairs.append(Pair(MODIFIED, (i,), (j,), 0.8))
            used_old.add(i)
            used_new.add(j)
    return pairs


def _labels(clauses: Sequence[Clause], used: set[int]) -> dict[tuple, int | None]:
    """(kind, section, label) → index of the free clause with it; None when several share it."""
    out: dict[tuple, int | None] = {}
    for i, c in enumerate(clauses):
        if i in used:
            continue
        if c.kind == "row" and " | " in c.text:
            label = c.text.split(" | ", 1)[0]
        elif c.kind == "item" and ":" in c.text[:LABEL_MAX_CHARS]:
            label = c.text.split(":", 1)[0]
        else:
            continue
        key = (c.kind, c.section, normalize_key(label))
        if key[2] and len(key[2].split()) <= LABEL_MAX_WORDS:
            out[key] = None if key in out else i
    return out


_NUMBERISH = re.compile(rf"\b(?:\d+(?:st|nd|rd|th)?|{MONTH_PATTERN})\b")


def _shape(key: str) -> str:
    """A key with numbers and month names blanked, when it has any; else a key no other matches."""
    shape, n = _NUMBERISH.subn("#", key)
    return shape if n and shape.strip("# ") else f"\0{key}"


def _candidates(
    old: Sequence[Clause], new: Sequence[Clause], left_old: list[int], left_new: list[int]
) -> list[tuple[float, int, int]]:
    words_old = {i: old[i].key.split() for i in left_old}
    sets_old = {i: set(w) for i, w in words_old.items()}
    index: dict[str, list[int]] = defaultdict(list)
    for i in left_old:
        for w in sets_old[i]:
            index[w].append(i)
    scored: list[tuple[float, int, int]] = []
    for j in left_new:
        words_new = new[j].key.split()
        set_new = set(words_new)
        if not set_new:
            continue
        shared: dict[int, int] = defaultdict(int)
        for w in set_new:
            posting = index.get(w, ())
            if len(posting) <= COMMON_WORD_LIMIT:
                for i in posting:
                    shared[i] += 1
        jaccard = []
        for i in shared:
            inter = len(set_new & sets_old[i])
            jac = inter / (len(set_new) + len(sets_old[i]) - inter)
            if jac >= MIN_JACCARD:
                jaccard.append((jac, i))
        jaccard.sort(reverse=True)
        for jac, i in jaccard[:MAX_CANDIDATES]:
            if jac < jaccard[0][0] - JACCARD_SPREAD:
                break
            score = ratio(words_old[i], words_new)
            if old[i].section == new[j].section:
                score += SAME_SECTION_BONUS
            if score >= MIN_SCORE:
                scored.append((score, i, j))
    return scored


def _words(side: Sequence[Clause], idx: tuple[int, ...]) -> list[str]:
    return " ".join(side[k].key for k in idx).split()


def _grow(pair: Pair, old: Sequence[Clause], new: Sequence[Clause], free_old: set[int], free_new: set[int]) -> Pair:
    """Extend a pair over adjacent free clauses while similarity rises (split, merged). The caller
    takes the clauses of the result out of the free sets."""
    best = pair
    best_score = similarity(_words(old, best.old), _words(new, best.new))
    improved = True
    while improved and len(best.old) + len(best.new) < MAX_GROWN:
        improved = False
        options = []
        for side, idx, free in (("new", best.new, free_new), ("old", best.old, free_old)):
            for k, grown in ((idx[0] - 1, (idx[0] - 1, *idx)), (idx[-1] + 1, (*idx, idx[-1] + 1))):
                if k in free:
                    options.append((side, grown))
        for side, grown in options:
            cand = Pair(MODIFIED, grown, best.new) if side == "old" else Pair(MODIFIED, best.old, grown)
            score = similarity(_words(old, cand.old), _words(new, cand.new))
            if score > best_score + GROW_GAIN:
                best, best_score, improved = cand, score, True
                break
    return Pair(MODIFIED, best.old, best.new, round(best_score, 3))


def _contained(
    long_side: Sequence[Clause], short_side: Sequence[Clause], free_long: set[int], free_short: set[int]
) -> list[tuple[int, int]]:
    """(long, short) seeds: a free short clause whose words nearly all appear in a free long one, as
    when a sentence listing things becomes a bulleted list (or the reverse)."""
    sets = {k: set(short_side[k].key.split()) for k in free_short}
    index: dict[str, list[int]] = defaultdict(list)
    for k, words in sets.items():
        if len(words) >= MIN_SEED_WORDS:
            for w in words:
                index[w].append(k)
    seeds = []
    for i in sorted(free_long):
        words = set(long_side[i].key.split())
        if len(words) < 2 * MIN_SEED_WORDS:
            continue
        shared: dict[int, int] = defaultdict(int)
        for w in words:
            posting = index.get(w, ())
            if len(posting) <= COMMON_WORD_LIMIT:
                for k in posting:
                    shared[k] += 1
        best = [(n, -k) for k, n in shared.items() if n >= MIN_CONTAINMENT * len(sets[k])]
        if best:
            seeds.append((i, -max(best)[1]))
    return seeds


def _pair_contained(
    old: Sequence[Clause], new: Sequence[Clause], free_old: set[int], free_new: set[int]
) -> list[Pair]:
    pairs = []
    for direction in ("split", "merged"):
        if direction == "split":
            seeds = [((i,), (j,)) for i, j in _contained(old, new, free_old, free_new)]
        else:
            seeds = [((i,), (j,)) for j, i in _contained(new, old, free_new, free_old)]
        for o, n in seeds:
            if o[0] not in free_old or n[0] not in free_new:
                continue
            grown = _grow(Pair(MODIFIED, o, n), old, new, free_old, free_new)
            if grown.score >= MIN_SCORE:
                free_old.difference_update(grown.old)
                free_new.difference_update(grown.new)
                pairs.append(grown)
    return pairs


def _neighbours(n: int, anchor: dict[int, int]) -> list[tuple[int, int]]:
    """For each position of one side: (pair before, pair after), as ids of the pairs holding the nearest
    paired clauses on either side of it; -1 at the document's edges."""
    before, last = [], -1
    for k in range(n):
        before.append(last)
        last = anchor.get(k, last)
    after, nxt = [0] * n, -1
    for k in range(n - 1, -1, -1):
        after[k] = nxt
        nxt = anchor.get(k, nxt)
    return list(zip(before, after))


def _pair_same_slot(
    old: Sequence[Clause], new: Sequence[Clause], pairs: Sequence[Pair], free_old: set[int], free_new: set[int]
) -> list[Pair]:
    """Stage 6: removed and added clauses between the same paired neighbours, rewritten in place."""
    if not free_old or not free_new:
        return []
    anchor_old = {i: k for k, p in enumerate(pairs) if p.new for i in p.old}
    anchor_new = {j: k for k, p in enumerate(pairs) if p.old for j in p.new}
    slot_old, slot_new = _neighbours(len(old), anchor_old), _neighbours(len(new), anchor_new)
    slots: dict[tuple[int, int], tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for i in sorted(free_old):
        slots[slot_old[i]][0].append(i)
    for j in sorted(free_new):
        slots[slot_new[j]][1].append(j)
    out = []
    for olds, news in slots.values():
        if not olds or not news or len(olds) > SLOT_MAX_CLAUSES or len(news) > SLOT_MAX_CLAUSES:
            continue
        # a date notice ("Last updated …") is judged on its own by the cosmetic filter
        olds = [i for i in olds if not is_date_notice(old[i].key)]
        news = [j for j in news if not is_date_notice(new[j].key)]
        scored = sorted(
            ((score, i, j) for i in olds for j in news
             if old[i].section == new[j].section and (old[i].kind == HEADING) == (new[j].kind == HEADING)
             and (score := slot_score(old[i], new[j])) > 0),
            key=lambda t: (-t[0], t[1], t[2]),
        )
        for score, i, j in scored:
            if i not in free_old or j not in free_new:
                continue
            rivals = [s for s, a, b in scored if (a == i) != (b == j) and a in free_old and b in free_new]
            if rivals and max(rivals) > score - SLOT_MARGIN:
                continue  # two rewrites fit about as well: which clause became which is a guess
            free_old.discard(i)
            free_new.discard(j)
            out.append(Pair(MODIFIED, (i,), (j,), score))
    return out


def align(old: Sequence[Clause], new: Sequence[Clause]) -> list[Pair]:
    """Pair old and new clauses; every clause appears in exactly one pair. Ordered as in the new text,
    removed clauses placed after the new position of their nearest preceding old neighbour."""
    pairs, used_old, used_new = _exact(old, new)
    pairs += _by_shape_or_label(old, new, used_old, used_new)
    left_old = [i for i in range(len(old)) if i not in used_old]
    left_new = [j for j in range(len(new)) if j not in used_new]
    free_old, free_new = set(left_old), set(left_new)
    fuzzy: list[Pair] = []
    for score, i, j in sorted(_candidates(old, new, left_old, left_new), key=lambda t: (-t[0], t[1], t[2])):
        if i in free_old and j in free_new:
            free_old.discard(i)
            free_new.discard(j)
            fuzzy.append(Pair(MODIFIED, (i,), (j,), score))
    for p in fuzzy:
        grown = _grow(p, old, new, free_old, free_new)
        free_old.difference_update(grown.old)
        free_new.difference_update(grown.new)
        pairs.append(grown)
    pairs.extend(_pair_contained(old, new, free_old, free_new))
    pairs.extend(_pair_same_slot(old, new, pairs, free_old, free_new))
    pairs.extend(Pair(REMOVED, (i,), ()) for i in sorted(free_old))
    pairs.extend(Pair(ADDED, (), (j,)) for j in sorted(free_new))
    return _order(pairs, len(old))


def _order(pairs: list[Pair], n_old: int) -> list[Pair]:
    new_pos: list[float] = [-1.0] * n_old
    for p in pairs:
        if p.new:
            for i in p.old:
                new_pos[i] = p.new[0]
    last = -1.0
    for i in range(n_old):
        if new_pos[i] < 0:
            new_pos[i] = last + 0.5
        else:
            last = new_pos[i]

    def key(p: Pair) -> tuple[float, int]:
        return (float(p.new[0]), 0) if p.new else (new_pos[p.old[0]], p.old[0])

    return sorted(pairs, key=key)
