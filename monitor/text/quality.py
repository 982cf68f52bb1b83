"""The quality gate: is this text the policy at all? Pure; runs before a text may become a version.

Junk is not a version. An outage page, a login/consent/bot wall, a page that lost most of its text,
or one in another language is recorded as a *suspect* check instead, and raises no alert. The rules
are deliberately conservative: wall and error phrases only count on a short page, because a real
policy may well say "access denied" or "page not found" somewhere in its thousands of words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.text.identity import document_title, same_party, speaking_party, stated_date

# A page this short (in characters) is judged by its phrases; a longer one is taken as content.
SHORT_PAGE = 3000
# The new text keeping less than this share of the previous version's length is "truncated".
TRUNCATED_RATIO = 0.5
# Under this share of the previous version's clauses kept word for word, the new text is another
# document (a wrong page, a regional variant) or a wholesale rewrite: the title tells them apart
# (assess_change). On the labeled corpus three rewrites kept 5-7%, under the same title.
MIN_KEPT = 0.10
# A text whose stated date goes back, keeping under this share of the clauses, is an older version of the
# policy served again (a stale cache, a regional server). One that keeps more is an edit whose date line
# was not updated, or a revert worth reading: it is judged. The same share holds a text that speaks for
# another company than the previous one ("PayPal, Inc." where "PayPal (Europe) S.à r.l." was "we"): a
# regional or an affiliate's policy. A text that keeps more and names a new company is a change of
# controller, and alerts.
OLDER_KEPT = 0.30
# A capture cut off: the last TAIL_PROBE letters of its flattened text found in the other version with at
# least MIN_LOST_TAIL characters, and LOST_TAIL_SHARE of that version, still after them. On the labeled
# corpus no pair but an error page ends more than 1,640 characters short of its other side (what
# followed still there aside); captures cut at 60-80% of their blocks (bench/edit_invariance.py) lose 5%
# and more. A real edit that drops a longer last section is held until it persists.
TAIL_PROBE = 200
# A capture's last word may be cut through: its last characters need not match (_cut_under_same_date).
PREFIX_SLACK = 30
MIN_LOST_TAIL = 2000
LOST_TAIL_SHARE = 0.05
# Fewer sentences than this on a short page and there is no policy on it (navigation only).
MIN_SENTENCES = 3

WALL_PHRASES = {
    "bot_wall": (
        "just a moment", "checking your browser", "verify you are human", "are you a robot",
        "enable javascript and cookies", "please enable javascript", "unusual traffic", "captcha",
        "attention required", "access denied", "request blocked", "ray id",
    ),
    "login_wall": ("sign in to continue", "log in to continue", "please log in", "please sign in", "login required"),
    "consent_wall": ("before you continue", "accept cookies to continue", "consent to continue"),
    "error_page": (
        "page not found", "404 not found", "not found", "isn't available right now", "is not available right now",
        "service unavailable", "internal server error", "bad gateway", "gateway timeout", "something went wrong",
        "temporarily unavailable", "under maintenance", "an error occurred", "error 404", "error 500", "error 503",
    ),
}

# A bot wall is a challenge page: challenge wording and nothing of a policy. Words a policy (or a
# sub-processor list) cannot do without; "privacy" and "terms" are not among them, as challenge
# pages link to their own. Product names ("DDoS protection") are no challenge wording: real lists
# name what a CDN does.
POLICY_WORDS = frozenset(
    "personal data information processing processes processor processors subprocessor subprocessors sub-processor "
    "sub-processors controller customer customers collect collects share shares sharing retain retention purpose "
    "purposes transfer transfers third parties vendor vendors hosting location".split()
)
MIN_POLICY_WORDS = 3
_TERM = re.compile(r"[a-z]+(?:-[a-z]+)?")


def has_policy_content(lowered: str) -> bool:
    """Three or more distinct policy words: the page says something about data, so it is no challenge."""
    return len(POLICY_WORDS.intersection(_TERM.findall(lowered))) >= MIN_POLICY_WORDS


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
# A fixed-width look-behind, not "letters+ then a stop": the scan stays linear on a page that is one
# 20,000-letter word (a greedy run retried from every letter was quadratic).
_SENTENCE_END = re.compile(r"(?<=[^\W\d_]{2})[.!?](?=\s|$)|[。！？]")  # CJK stops need no space


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
            if kind == "bot_wall" and has_policy_content(lowered):
                continue
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


# Languages the clause engine reads; any other is compared but not judged. English through the lexicon
# (classifier/lexicon.py), German, French and Spanish through a phrasebook into it (classifier/languages).
ANALYSED = frozenset({"en", "de", "fr", "es"})
# Scripts that name a language on their own, by Unicode block: (first, last, language).
_SCRIPTS = (
    (0x3040, 0x30FF, "ja"), (0xAC00, 0xD7AF, "ko"), (0x4E00, 0x9FFF, "zh"), (0x0400, 0x04FF, "ru"),
    (0x0600, 0x06FF, "ar"), (0x0590, 0x05FF, "he"), (0x0E00, 0x0E7F, "th"), (0x0370, 0x03FF, "el"),
)


def assess_pair(old: str, new: str) -> Problem | None:
    """`assess` for two texts given side by side (`diff`): the new one against the old, and an old
    one that holds under half of the new (a truncated capture the policy came back from). Two texts
    in one language the engine has no lexicon for are 'unreadable': compared, never judged."""
    problem = assess(new, old)
    if problem is not None:
        return problem
    # A text that stops mid-sentence needs a shorter lost tail to show it was cut: a policy ends on a
    # full stop, a capture that stopped loading anywhere.
    lost = _lost_tail(new, old, share=0.0 if _ends_unfinished(new) else LOST_TAIL_SHARE)
    if lost:
        return Problem("truncated", f"the text stops at {lost!r}, where the previous version goes on")
    if _ends_unfinished(old) or _ends_in_table(old):
        lost = _lost_tail(old, new)
        if lost:
            return Problem("truncated", f"the previous version stops mid-text at {lost!r}, where this one goes on")
    for short, full, whose in ((new, old, "the text is"), (old, new, "the previous version is")):
        cut = _cut_under_same_date(short, full)
        if cut:
            return Problem("truncated", f"{whose} the other's first {cut[0]:.0%} word for word, under the same date "
                                        f"({cut[1]}): a capture cut off")
    for short, full, whose in ((new, old, "this version"), (old, new, "the previous version")):
        hollow = _hollow_section(short, full)
        if hollow:
            return Problem("truncated", f"section {hollow!r} is empty in {whose}, where the other has its text")
    lang = language(new) or script_language(new)
    if lang and lang not in ANALYSED:
        return Problem("unreadable", f"language {lang}: not analysed")
    return None


_TOKEN = re.compile(r"\w+")
_TAG = re.compile(r"<[^<>]{0,200}>")  # "<br>" in a table cell is markup, not the word "br"
# Where a link points is markup too: one capture keeps a link's target, another renders only its text.
_LINK_TARGET = re.compile(r"\]\([^()\s]{0,2000}\)|\bhttps?://[^\s)\]>|]{1,2000}")


def _flat(text: str) -> str:
    """Words and numbers only: markup, punctuation and spacing differ between two captures of one page."""
    return " ".join(_TOKEN.findall(_LINK_TARGET.sub(" ", _TAG.sub(" ", text.lower()))))


def _lost_tail(short: str, full: str, share: float = LOST_TAIL_SHARE) -> str | None:
    """The words `short` ends with, when `full` holds them well before its own end: a capture cut off.

    A real policy rarely ends earlier than its last version did; a capture that stopped loading does."""
    a, b = _flat(short), _flat(full)
    tail = a[-TAIL_PROBE:]
    if len(tail) < TAIL_PROBE or len(b) < SHORT_PAGE:
        return None
    at = _nearest(b, tail, len(a) - len(tail))
    # A cut capture's last words sit about where its own text ends; found far earlier, they are a passage
    # the policy gives twice (an address at the top and at the end), not the place it was cut.
    if at < 0 or at < 0.5 * (len(a) - len(tail)):
        return None
    end = at + len(tail)
    if len(b) - end < max(MIN_LOST_TAIL, share * len(b)):
        return None
    follows = b[end:end + TAIL_PROBE]
    if a.count(follows) >= b.count(follows):  # what followed is still there, earlier: sections reordered
        return None
    return " ".join(_TAG.sub(" ", short).split()[-8:])


def _cut_under_same_date(short: str, full: str) -> tuple[float, str] | None:
    """(share kept, the date) when `short` is `full`'s beginning word for word and both state one date.

    A revision that drops a closing section also dates itself anew; a capture that stopped loading
    keeps the date of the page it is part of. What is missing must speak of personal data: a footer or
    a menu that came or went is chrome. On the labeled corpus every pair whose one side is the other's
    beginning under one date is an error page or noise (footers, related-articles menus)."""
    a, b = _flat(short), _flat(full)
    head = a[:-PREFIX_SLACK] if len(a) > PREFIX_SLACK else a
    if len(b) - len(a) < TAIL_PROBE or len(a) < SHORT_PAGE or not b.startswith(head):
        return None
    if not has_policy_content(b[len(a):]):  # a footer or a menu that came or went: page chrome, not a cut
        return None
    then, now = stated_date(short), stated_date(full)
    if then is None or then != now:
        return None
    return len(a) / len(b), then.isoformat()


def _nearest(haystack: str, needle: str, offset: int) -> int:
    """The occurrence of `needle` nearest `offset`, or -1. A page that repeats a passage (a summary
    before the full text) holds a cut capture's last words twice: the cut is at the one where the
    capture's own text ends, not at the last."""
    best, at = -1, haystack.find(needle)
    while at >= 0:
        if best < 0 or abs(at - offset) < abs(best - offset):
            best = at
        at = haystack.find(needle, at + 1)
    return best


def _ends_in_table(text: str) -> bool:
    """The last line is a table row: a policy ends on words (contact, date), a capture that stopped
    loading mid-table ends on a row. Only a sign: the lost tail must be found in the other version too."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return bool(lines) and lines[-1].startswith("|") and lines[-1].endswith("|")


# No lazy title before optional trailing runs: "# a" + 50,000 spaces + "b" stays linear.
_ATX_HEADING = re.compile(r"^\s{0,3}(#{1,6})[ \t]+(\S.*)$")
_SETEXT_RULE = re.compile(r"^\s{0,3}(=+|-+)\s*$")


def _sections(text: str) -> list[tuple[int, str, str]]:
    """(level, title, text up to the next heading) for each markdown heading, in order."""
    out: list[tuple[int, str, list[str]]] = []
    lines = text.splitlines()
    for k, line in enumerate(lines):
        atx = _ATX_HEADING.match(line)
        prev = lines[k - 1].strip() if k else ""
        setext = _SETEXT_RULE.match(line) if prev and not _ATX_HEADING.match(lines[k - 1]) else None
        if atx or setext:
            if setext and out and out[-1][2]:
                out[-1][2].pop()  # the title line was read as text of the section before
            title = atx.group(2).rstrip(" \t#") if atx else prev
            level = len(atx.group(1)) if atx else (1 if setext.group(1)[0] == "=" else 2)
            out.append((level, _flat(title), []))
        elif out and line.strip():
            out[-1][2].append(line)
    return [(level, title, _flat(" ".join(body))) for level, title, body in out]


def _hollow_section(short: str, full: str) -> str | None:
    """A heading with nothing under it (not even sub-headings) where the other version holds at least
    MIN_LOST_TAIL characters under the same heading, found nowhere in this version: a part of the page
    that did not load (text moved under another heading is a re-layout, not a loss)."""
    mine = _sections(short)
    sections = _sections(full)
    theirs: dict[str, str] = {}
    for k, (level, title, body) in enumerate(sections):
        # a section's text includes its sub-sections': up to the next heading of its level or above
        end = next((j for j in range(k + 1, len(sections)) if sections[j][0] <= level), len(sections))
        theirs.setdefault(title, " ".join([body] + [b for _, _, b in sections[k + 1:end]]).strip())
    # a heading given twice, once empty (a table of contents, a label above the section) and once with
    # its text, lost nothing
    filled = {title for k, (level, title, body) in enumerate(mine)
              if body or (k + 1 < len(mine) and mine[k + 1][0] > level)}
    flat = None
    for k, (level, title, body) in enumerate(mine[:-1]):
        if body or mine[k + 1][0] > level or title in filled or len(theirs.get(title, "")) < MIN_LOST_TAIL:
            continue
        flat = flat if flat is not None else _flat(short)
        probe = theirs[title][:TAIL_PROBE]
        if probe not in flat:
            return title
    return None


def _ends_unfinished(text: str) -> bool:
    """The last line stops mid-sentence or is a heading with nothing under it."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip() and not set(ln.strip()) <= set("-=*_ ")]
    if not lines:
        return False
    last = lines[-1]
    return last.startswith("#") or not re.search(r"[.!?:;)\]\"'”’*|]$", last)


def script_language(text: str, sample: int = 20000) -> str | None:
    """A language told by its script alone (Japanese kana, Hangul, Cyrillic...) when most letters use it."""
    counts: dict[str, int] = {}
    letters = 0
    for ch in text[:sample]:
        if not ch.isalpha():
            continue
        letters += 1
        code = ord(ch)
        if code < 0x0370:
            continue
        for first, last, lang in _SCRIPTS:
            if first <= code <= last:
                counts[lang] = counts.get(lang, 0) + 1
                break
    if not counts or letters < 50:
        return None
    if counts.get("ja") and counts.get("zh"):  # kanji and kana together are Japanese
        counts["ja"] += counts.pop("zh")
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] >= 0.3 * letters else None


def assess_change(kept: float, previous: str, text: str | None = None) -> Problem | None:
    """After the clause engine: a text that kept almost none of the previous version's clauses, or an
    older version of the policy served again.

    Under MIN_KEPT, the title tells a rewrite of the same document (judged like any new version) from
    another document in its place (held like a truncated page: a real one stays, and is accepted once
    it persists). Without the new text, every such page is held.
    """
    if len(previous) < SHORT_PAGE:
        return None
    if kept < MIN_KEPT:
        if text is None:
            return Problem("replaced", f"only {kept:.0%} of the previous version's clauses remain: another document, or a rewrite")
        before, after = document_title(previous), document_title(text)
        if before != after:
            return Problem("replaced", f"only {kept:.0%} of the previous version's clauses remain and the title "
                                       f"changed from {before!r} to {after!r}: another document")
        if not has_policy_content(text.lower()):
            return Problem("replaced", f"only {kept:.0%} of the previous version's clauses remain and the text "
                                       "says nothing of personal data: another document")
        if _ends_in_table(text):
            # Nothing left to find the lost tail in (_lost_tail): a rewrite that stops on a table row
            # may be a capture that stopped loading, and is held until it persists.
            return Problem("truncated", f"only {kept:.0%} of the previous version's clauses remain and the text "
                                        "stops on a table row: a rewrite cut off, or one that ends so")
    if kept < OLDER_KEPT and text is not None:
        before, after = speaking_party(previous), speaking_party(text)
        if before and after and not same_party(before, after):
            return Problem("replaced", f"it keeps {kept:.0%} of the previous version's clauses and speaks for another "
                                       f"company: {after!r} where it was {before!r}: a regional or an affiliate's policy")
        then, now = stated_date(previous), stated_date(text)
        if then and now and now < then:
            return Problem("replaced", f"it states the date {now.isoformat()}, before the previous version's "
                                       f"{then.isoformat()}, and keeps {kept:.0%} of its clauses: an older version served again")
    return None


def rewrite_note(kept: float, previous: str, text: str) -> str | None:
    """Said before the reasons of a new version that kept almost nothing under the same title."""
    if kept < MIN_KEPT and len(previous) >= SHORT_PAGE and document_title(previous) == document_title(text):
        return f"rewritten under the same title: only {kept:.0%} of the previous version's clauses remain"
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
