"""A phrasebook: normalized text of one language → the canonical English the lexicons read, with a
map back from every English word to the source words it came from.

A table is {source pattern: English}: patterns are regular expressions over normalized (lower-case)
text matched at word boundaries, the longest pattern first, so "personenbezogene daten" wins over
"daten". An empty English drops the words (French "pas" once "ne" carries the negation).

    >>> book = Phrasebook({"wir": "we", "verkaufen": "sell", "nicht": "not", "daten": "data"}, r"nicht")
    >>> book.render("wir verkaufen daten nicht.").english
    'we not sell data .'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# English words of practice: a late negation is moved in front of the nearest one before it.
PRACTICE = frozenset("sell rent share disclose transfer collect store keep retain use process track train provide".split())
# Pieces that end the reach of a negation: punctuation, and words that open another clause.
_STOP = re.compile(r"[.;:!?,]")
_BREAKS = frozenset("but however except unless if when where while that because".split())
_PIECE = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")
# A phrase ends at a word's end, or at an elision's apostrophe ("n'utilisons", "l'adresse").
_END = r"(?:(?<=')|(?!\w))"
MAX_SOURCE_QUOTE = 160  # characters: a quote mapped back stays a quote, not a paragraph


@dataclass
class Piece:
    start: int  # span in the source text
    end: int
    out: str
    late_negation: bool = False

    @property
    def practice(self) -> bool:
        words = self.out.split()
        return bool(words) and words[0] in PRACTICE

    @property
    def stop(self) -> bool:
        return bool(_STOP.fullmatch(self.out)) or self.out in _BREAKS


@dataclass(frozen=True)
class Rendering:
    english: str
    spans: tuple[tuple[int, int, int, int], ...]  # (english start, end, source start, end)
    dropped: tuple[tuple[int, int], ...] = ()  # source spans of words rendered as nothing

    def source_of(self, quote: str, source: str) -> str | None:
        """The source words a quoted piece of the English rendering was made from, or None."""
        at = _find_words(self.english, quote.lower())
        if at < 0:
            return None
        end = at + len(quote)
        hit = [(s, e) for a, b, s, e in self.spans if a < end and b > at]
        if not hit:
            return None
        stop = max(e for _, e in hit)
        for s, e in self.dropped:  # "ne vendons" + "pas": words read into the quote's own ones
            if s >= stop and not source[stop:s].strip():
                stop = e
        words = _SPACE.sub(" ", source[min(s for s, _ in hit): stop]).strip(" ,;:")
        if len(words) > MAX_SOURCE_QUOTE:
            return None
        return words


def _find_words(text: str, quote: str) -> int:
    for m in re.finditer(re.escape(quote), text):
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        if not (before.isalnum() or after.isalnum()):
            return m.start()
    return -1


class Phrasebook:
    def __init__(self, phrases: dict[str, str], late_negations: str = "", negations: str = "",
                 verb_final: bool = False):
        self.verb_final = verb_final
        # each alternative on its own, the longest first: "menores de" before "menores"
        split = [(alt, english) for p, english in phrases.items() for alt in _alternatives(p)]
        ordered = sorted(split, key=lambda kv: len(kv[0]), reverse=True)
        self.rx = re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p, _ in ordered) + rf"){_END}")
        # entries by first letter: finding which one matched must not try them all
        self.entries: dict[str, list[tuple[re.Pattern[str], str]]] = {}
        for p, english in ordered:
            key = p[0] if p[0].isalpha() else ""
            self.entries.setdefault(key, []).append((re.compile(rf"(?:{p}){_END}"), english))
        self.late = re.compile(rf"(?:{late_negations})") if late_negations else None
        del negations  # documented in the tables; the English rules find them once rendered

    def render(self, text: str) -> Rendering:
        pieces = self._pieces(text)
        if self.late is not None:
            pieces = _move_late_negations(pieces)
        if self.verb_final:
            pieces = _purpose_verbs_first(pieces)
            pieces = _subject_first(pieces)
        return _build(pieces)

    def _english(self, m: re.Match[str]) -> str:
        for rx, english in self.entries.get(m.group(0)[0], []) + self.entries.get("", []):
            hit = rx.match(m.string, m.start())
            if hit and hit.end() == m.end():
                return english
        return m.group(0)  # unreachable: some entry produced the match

    def _pieces(self, text: str) -> list[Piece]:
        out: list[Piece] = []
        at = 0
        for m in self.rx.finditer(text):
            out.extend(_passthrough(text, at, m.start()))
            late = bool(self.late and self.late.fullmatch(m.group(0)))
            out.append(Piece(m.start(), m.end(), self._english(m), late))
            if m.group(0).endswith(("'", "’")):  # "d'accéder": the elided word ends at its apostrophe
                out.append(Piece(m.end(), m.end(), " "))
            at = m.end()
        out.extend(_passthrough(text, at, len(text)))
        return out


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern ("a|b(?:c|d)" → "a", "b(?:c|d)")."""
    out, depth, start, k = [], 0, 0, 0
    while k < len(pattern):
        ch = pattern[k]
        if ch == "\\":
            k += 2
            continue
        depth += ch == "("
        depth -= ch == ")"
        if ch == "|" and depth == 0:
            out.append(pattern[start:k])
            start = k + 1
        k += 1
    return out + [pattern[start:]]


def _passthrough(text: str, start: int, end: int) -> list[Piece]:
    return [Piece(start + m.start(), start + m.end(), m.group(0)) for m in _PIECE.finditer(text[start:end])]


def _move_late_negations(pieces: list[Piece]) -> list[Piece]:
    """German denies a verb after it ("wir geben sie nicht weiter"): put the negation before the
    nearest practice verb earlier in the same clause, where the English rules look for it."""
    out = list(pieces)
    k = 0
    while k < len(out):
        piece = out[k]
        if piece.late_negation:
            verb = _verb_before(out, k)
            if verb is not None:
                neg = Piece(piece.start, piece.end, piece.out)
                out[k] = Piece(piece.start, piece.end, "")
                out[verb:verb] = [neg, Piece(piece.start, piece.start, " ")]
                k += 2
        k += 1
    return out


def _purpose_verbs_first(pieces: list[Piece]) -> list[Piece]:
    """"in order to our models to train" → "in order to train our models": the English purpose
    patterns want the verb before its object."""
    out = list(pieces)
    k = 0
    while k < len(out):
        if out[k].out == "in order to":
            end = next((j for j in range(k + 1, len(out)) if out[j].stop), len(out))
            words = [j for j in range(k + 1, end) if out[j].out.strip()]
            if len(words) >= 3 and out[words[-1]].practice and out[words[-2]].out == "to":
                verb, to = out[words[-1]], out[words[-2]]
                out[words[-1]] = Piece(verb.start, verb.end, "")
                out[words[-2]] = Piece(to.start, to.end, "")
                out[k + 1:k + 1] = [Piece(verb.start, verb.start, " "), verb]
        k += 1
    return out


# Verbs put before their subject when German fronts another part ("Zur Analyse zeichnen wir ... auf").
_INVERTED = PRACTICE | frozenset("record make receive delete anonymize read scan".split())


def _subject_first(pieces: list[Piece]) -> list[Piece]:
    """"for analysis record we the clicks" → "for analysis we record the clicks": German puts the verb
    second, before "wir", when a clause opens on something else; the English patterns want "we record"."""
    out = list(pieces)
    for k in range(len(out) - 2):
        verb, gap, subject = out[k], out[k + 1], out[k + 2]
        if verb.out.split()[:1] and verb.out.split()[0] in _INVERTED and gap.out.isspace() and subject.out == "we":
            out[k], out[k + 2] = subject, verb
    return out


def _verb_before(pieces: list[Piece], k: int) -> int | None:
    for j in range(k - 1, -1, -1):
        p = pieces[j]
        if p.stop:
            return None
        if p.out.split()[:1] in (["not"], ["never"]):
            return None  # the verb is denied already ("nicht verkaufen"): this one is another's
        if p.practice:
            return j
    return None


def _build(pieces: list[Piece]) -> Rendering:
    parts: list[str] = []
    spans: list[tuple[int, int, int, int]] = []
    length = 0
    dropped: list[tuple[int, int]] = []
    for p in pieces:
        if not p.out:
            if p.end > p.start:
                dropped.append((p.start, p.end))
            continue
        if p.out.isspace():
            if parts and not parts[-1].endswith(" "):
                parts.append(" ")
                length += 1
            continue
        parts.append(p.out)
        spans.append((length, length + len(p.out), p.start, p.end))
        length += len(p.out)
    english = "".join(parts)
    stripped = english.rstrip()
    return Rendering(stripped, tuple(spans), tuple(dropped))
