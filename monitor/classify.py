"""Classification of one clause change: categories, severity, reason, direction.

Pure and offline: rules and lexicons (monitor/lexicon.py) over normalized text. The judgement
compares what the old and the new clause *say*, not which words they share: each side is reduced
to features (promises such as "does not sell", recipients, data types, purposes, transfer
mechanisms, rights, periods, ages, how changes are announced) and only a difference in features
is material. Rewording the same practice ("birthday" → "date of birth") is minor.

    >>> judge("modified", "We do not sell your data.", "We may sell your data.").reason
    "sale: 'do not sell' became 'may sell'"
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from monitor import lexicon as lx

CATEGORIES = (
    "sharing", "sale", "tracking_ads", "collection", "use", "retention", "transfer", "children",
    "rights", "change_notice", "security", "scope_contact", "other",
)
MATERIAL, MINOR = "material", "minor"
EXPANDS, RESTRICTS, MIXED, NONE = "expands", "restricts", "mixed", "none"


@dataclass(frozen=True)
class Verdict:
    categories: tuple[str, ...]
    severity: str  # "minor" | "material" (noise is decided upstream by the cosmetic filter)
    reason: str
    direction: str = "none"  # expands | restricts | mixed | none


# --- normalization -------------------------------------------------------------------------------
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)|^#+\s*|^\s*(?:[*+-]|\d+\.)\s+|`", re.M)
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": " - ", "–": " - ", "\u00a0": " "})
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def strip_markdown(text: str) -> str:
    """Light markdown out, case kept: `[text](url)` → text, emphasis and list markers dropped."""
    text = _LINK.sub(r"\1", text)
    return _SPACE.sub(" ", _MARKUP.sub("", text.translate(_QUOTES))).strip()


def normalize(text: str) -> str:
    """The form every lexicon pattern is written for: markdown stripped, lower case, plain quotes."""
    return strip_markdown(text).lower()


# --- compiled lexicons ---------------------------------------------------------------------------
def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# Patterns are compiled to start only where a word starts: Python's regex engine then rejects
# most positions at once, which makes the scans several times faster.
_WORD_START = r"(?<!\w)(?=\w)"


def _w(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"{_WORD_START}(?:{pattern})")


class _Table:
    """One alternation for a {canonical: pattern} table: a single scan finds every term.

    Named groups would say which entry matched but slow every scan; instead the few matches
    are attributed afterwards by re-matching the entries at the match position.
    """

    def __init__(self, table: dict[str, str]):
        self.names = list(table)
        self.parts = [re.compile(p) for p in table.values()]
        self.rx = _w("|".join(f"(?:{p})" for p in table.values()))

    def which(self, text: str, m: re.Match[str]) -> str:
        """The entry that produced match `m`."""
        for name, part in zip(self.names, self.parts):
            hit = part.match(text, m.start())
            if hit and hit.end() == m.end():
                return name
        return self.names[0]  # unreachable: some entry produced the match

    def find(self, text: str) -> dict[str, str]:
        """canonical name → first surface form found."""
        found: dict[str, str] = {}
        for m in self.rx.finditer(text):
            found.setdefault(self.which(text, m), m.group(0).strip(" ,;:"))
        return found


_CAT_TEXT = _Table({c: p for c, p in lx.CATEGORY_TERMS.items() if c != "scope_contact"})
_CAT_CONTACT = _c(lx.CATEGORY_TERMS["scope_contact"])  # "@", "[at]": not at a word start
_CAT_SECTION = {c: _c(p) for c, p in lx.SECTION_TERMS.items()}
_VERBS = _Table({c: rf"(?:{p})\b" for c, p in lx.PRACTICE_VERBS.items()})
_AUX = frozenset("do does did will would shall should can could may might must".split())
_NEG = _c(rf"\b(?:{lx.NEGATION})\b")
_NEG_BREAK = _c(rf"[.;:!?]|\b(?:{lx.NEGATION_BREAK})\b")
_CONSENT = _w(lx.CONSENT_LIMITS)
_RECIPIENTS = _Table(lx.RECIPIENTS)
_GENERIC = _w(lx.GENERIC_RECIPIENTS)
_SHARING_CTX = _w(lx.SHARING_CONTEXT)
_DATA = _Table(lx.DATA_TYPES)
_COLLECTION_CTX = _w(lx.COLLECTION_CONTEXT)
_PURPOSES = _Table({name: p for name, (_, p) in lx.PURPOSES.items()})
_PURPOSE_CAT = {name: cat for name, (cat, _) in lx.PURPOSES.items()}
_MECHANISMS = _Table(lx.MECHANISMS)
_SCOPES = _c(lx.MECHANISM_SCOPES)
_COUNTRIES = _Table(lx.COUNTRIES)
_STATEMENT = _c(lx.STATEMENT_VERBS)
_GRANT = _c(lx.RIGHT_GRANT)
_TRANSFER_CTX = _w(lx.TRANSFER_CONTEXT)
_RIGHTS = _Table(lx.RIGHTS)
_NOTICE_CTX = _w(lx.NOTICE_CONTEXT)
_NOTICE = _Table(lx.NOTICE_METHODS)
_RETENTION_CTX = _w(lx.RETENTION_CONTEXT)
_CHILD_CTX = _w(lx.CHILD_CONTEXT)
_NUM = "|".join(sorted(lx.NUMBER_WORDS, key=len, reverse=True))
_DURATION = _c(lx.DURATION.format(numbers=_NUM))
_INDEFINITE = _c(lx.INDEFINITE)
_AGE = _c(lx.AGE)
_BOILER = _c(lx.BOILERPLATE)
_DATE = _c(lx.DATE)
_NAME_RUN = re.compile(r"\b(?:with|to) ((?:[A-Z][\w+&'.-]*)(?: (?:[A-Z][\w+&'.-]*|of|&|and))*)")
_SENTENCE = re.compile(r"[^.!?;|]+")
_PAREN = re.compile(r"\([^()]*\)")
_HOLE = re.compile(r"\s[,.;:)](?!\w)|\(\s*\)|\s{2,}")
_WORD = re.compile(r"\w+")
_END = re.compile(r"[.!;:)\]\"']$")


# --- features of one clause ----------------------------------------------------------------------
@dataclass
class Features:
    text: str
    negated: dict[str, str] = field(default_factory=dict)  # category → "does not sell"
    affirmed: dict[str, str] = field(default_factory=dict)  # category → "may sell"
    consent: str = ""
    recipients: dict[str, str] = field(default_factory=dict)
    generic_recipient: str = ""
    data: dict[str, str] = field(default_factory=dict)
    purposes: dict[str, str] = field(default_factory=dict)
    mechanisms: dict[str, str] = field(default_factory=dict)
    scopes: frozenset[str] = frozenset()
    countries: dict[str, str] = field(default_factory=dict)
    rights: dict[str, str] = field(default_factory=dict)
    notice: dict[str, str] = field(default_factory=dict)
    durations: dict[float, str] = field(default_factory=dict)
    ages: dict[int, str] = field(default_factory=dict)
    sharing_ctx: bool = False
    collection_ctx: bool = False


def _polarity(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """Practice verbs split into negated ("we do not sell") and affirmed ("we may sell") uses."""
    negated: dict[str, str] = {}
    affirmed: dict[str, str] = {}
    for m in _VERBS.rx.finditer(text):
        cat = _VERBS.which(text, m)
        before = text[max(0, m.start() - 60): m.start()]
        cut = None
        for cut in _NEG_BREAK.finditer(before):
            pass
        if cut is not None:
            before = before[cut.end():]
        words = before.split()[-6:]
        neg = None
        window = " ".join(words)
        for neg in _NEG.finditer(window):
            pass
        if neg is not None:
            # keep the auxiliary in the quote: "does not sell", "will not share"
            head = [w for w in window[:neg.start()].split()[-1:] if w in _AUX]
            span = " ".join([*head, window[neg.start():].strip(), m.group(0)])
            negated.setdefault(cat, _SPACE.sub(" ", span).strip())
        else:
            lead = " ".join(words[-1:])
            affirmed.setdefault(cat, f"{lead} {m.group(0)}".strip())
    return negated, affirmed


def _durations(text: str) -> dict[float, str]:
    found: dict[float, str] = {}
    for m in _DURATION.finditer(text):
        n = m.group(1)
        count = int(n) if n.isdigit() else lx.NUMBER_WORDS[n]
        found.setdefault(count * lx.UNIT_DAYS[m.group(2)], m.group(0))
    for m in _INDEFINITE.finditer(text):
        found.setdefault(float("inf"), m.group(0))
    return found


def _ages(text: str) -> dict[int, str]:
    found: dict[int, str] = {}
    for m in _AGE.finditer(text):
        age = int(m.group(1) or m.group(2))
        if 8 <= age <= 21:
            found.setdefault(age, m.group(0))
    return found


def features(text: str) -> Features:
    """Reduce one clause (raw, may carry markdown) to the features the judgement compares."""
    t = normalize(text)
    f = Features(t)
    f.negated, f.affirmed = _polarity(t)
    if m := _CONSENT.search(t):
        f.consent = m.group(0)
    f.sharing_ctx = bool(_SHARING_CTX.search(t))
    if f.sharing_ctx:
        f.recipients = _RECIPIENTS.find(t)
        if m := _GENERIC.search(t):
            f.generic_recipient = m.group(0)
    f.data = _DATA.find(t)
    f.collection_ctx = bool(_COLLECTION_CTX.search(t))
    f.purposes = _PURPOSES.find(t)
    f.mechanisms = _MECHANISMS.find(t)
    if f.mechanisms:
        f.scopes = frozenset(m.group(1) for m in _SCOPES.finditer(t))
    if _TRANSFER_CTX.search(t):
        f.countries = _COUNTRIES.find(t)
    f.rights = _RIGHTS.find(t)
    if _NOTICE_CTX.search(t) and not _DATE.search(t):
        f.notice = _NOTICE.find(t)
    if _RETENTION_CTX.search(t):
        f.durations = _durations(t)
    if _CHILD_CTX.search(t):
        f.ages = _ages(t)
    return f


# --- categories ----------------------------------------------------------------------------------
def _order(cats) -> tuple[str, ...]:
    rank = {c: i for i, c in enumerate(CATEGORIES)}
    return tuple(sorted(set(cats), key=rank.__getitem__))


def categorize(text: str, section: str = "") -> tuple[str, ...]:
    """Categories a clause's text touches (may be several; ("other",) when none).

    >>> categorize("We may share your location with advertisers.", "How we share information")
    ('sharing', 'tracking_ads')
    """
    t = normalize(text)
    found = set(_CAT_TEXT.find(t))
    if _CAT_CONTACT.search(t):
        found.add("scope_contact")
    return _order(found | _section_categories(section)) or ("other",)


@lru_cache(maxsize=1024)
def _section_categories(section: str) -> frozenset[str]:
    """A document has few headings and each is asked about for every clause under it."""
    s = normalize(section)
    return frozenset(c for c, rx in _CAT_SECTION.items() if rx.search(s))


# --- signals -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Signal:
    category: str
    direction: str
    reason: str


def _q(s: str) -> str:
    return f"'{s.strip()}'"


def _only(a: dict, b: dict) -> list:
    """Keys of `a` missing from `b`, in `a`'s (lexicon) order: reasons must not depend on hashing."""
    return [k for k in a if k not in b]


def _compare(fo: Features, fn: Features, old_raw: str, new_raw: str) -> list[Signal]:
    """What the new clause says differently from the old one, strongest signals first."""
    out: list[Signal] = []
    add = out.append
    for cat in ("sale", "sharing", "tracking_ads", "collection", "use", "retention"):
        was, now = fo.negated.get(cat), fn.negated.get(cat)
        if was and not now:
            if cat in fn.affirmed:
                add(Signal(cat, EXPANDS, f"{cat}: {_q(was)} became {_q(fn.affirmed[cat])}"))
            else:
                add(Signal(cat, EXPANDS, f"{cat}: promise {_q(was)} dropped"))
        elif now and not was:
            if cat in fo.affirmed:
                add(Signal(cat, RESTRICTS, f"{cat}: {_q(fo.affirmed[cat])} became {_q(now)}"))
            else:
                add(Signal(cat, RESTRICTS, f"{cat}: new promise {_q(now)}"))
    if fo.consent and not fn.consent:
        cat = _main_practice(fo)
        add(Signal(cat, EXPANDS, f"{cat}: condition {_q(fo.consent)} dropped"))
    elif fn.consent and not fo.consent:
        cat = _main_practice(fn)
        add(Signal(cat, RESTRICTS, f"{cat}: condition {_q(fn.consent)} added"))
    out.extend(_quantity_signals(fo, fn))
    out.extend(_transfer_signals(fo, fn))

    if fn.sharing_ctx or fo.sharing_ctx:
        for name in _only(fn.recipients, fo.recipients):
            if fn.sharing_ctx:
                add(Signal("sharing", EXPANDS, f"sharing: new recipient {_q(fn.recipients[name])}"))
        for name in _only(fo.recipients, fn.recipients):
            if fo.sharing_ctx:
                add(Signal("sharing", RESTRICTS, f"sharing: recipient {_q(fo.recipients[name])} removed"))
        if fn.generic_recipient and not (fo.generic_recipient or fo.recipients) and fn.sharing_ctx:
            add(Signal("sharing", EXPANDS, f"sharing: now with {_q(fn.generic_recipient)}"))
        out.extend(_name_signals(old_raw, new_raw))

    new_p = _only(fn.purposes, fo.purposes)
    if "targeted advertising" in fo.purposes and "advertising" in new_p:
        new_p.remove("advertising")  # already about ads; the generic word adds nothing
    for name in new_p:
        add(Signal(_PURPOSE_CAT[name], EXPANDS, f"{_PURPOSE_CAT[name]}: new purpose {_q(fn.purposes[name])}"))
    for name in _only(fo.purposes, fn.purposes):
        if name == "advertising" and "targeted advertising" in fn.purposes:
            continue
        add(Signal(_PURPOSE_CAT[name], RESTRICTS, f"{_PURPOSE_CAT[name]}: purpose {_q(fo.purposes[name])} removed"))

    for name in _only(fo.rights, fn.rights):
        add(Signal("rights", EXPANDS, f"rights: {name} removed ({_q(fo.rights[name])})"))
    for name in _only(fn.rights, fo.rights):
        add(Signal("rights", RESTRICTS, f"rights: {name} added ({_q(fn.rights[name])})"))
    for name in _only(fo.notice, fn.notice):
        add(Signal("change_notice", EXPANDS, f"change_notice: {name} dropped ({_q(fo.notice[name])})"))
    for name in _only(fn.notice, fo.notice):
        add(Signal("change_notice", RESTRICTS, f"change_notice: {name} added ({_q(fn.notice[name])})"))

    # data types last: the weakest signal, often a list reordered or an example added
    for name in _only(fn.data, fo.data):
        add(Signal("collection", EXPANDS, f"collection: new data {_q(fn.data[name])}"))
    for name in _only(fo.data, fn.data):
        add(Signal("collection", RESTRICTS, f"collection: data {_q(fo.data[name])} no longer listed"))
    return out


def _main_practice(f: Features) -> str:
    for cat in ("sale", "sharing", "tracking_ads", "use", "collection", "retention"):
        if cat in f.affirmed or cat in f.negated:
            return cat
    return "rights"


def _transfer_signals(fo: Features, fn: Features) -> list[Signal]:
    out = []
    gone = _only(fo.mechanisms, fn.mechanisms)
    new = _only(fn.mechanisms, fo.mechanisms)
    if gone and new:
        out.append(Signal("transfer", MIXED, f"transfer: {_q(', '.join(sorted(gone)))} replaced by "
                                             f"{_q(', '.join(sorted(new)))}"))
    elif new:
        out.append(Signal("transfer", RESTRICTS, f"transfer: now relies on {_q(', '.join(sorted(new)))}"))
    elif gone:
        out.append(Signal("transfer", EXPANDS, f"transfer: no longer relies on {_q(', '.join(sorted(gone)))}"))
    elif fo.mechanisms and fn.scopes != fo.scopes:
        added = sorted(fn.scopes - fo.scopes)
        what = f"{_q(', '.join(s + '-u.s.' for s in added))} framework added" if added else "framework scope narrowed"
        out.append(Signal("transfer", MIXED, f"transfer: {what}"))
    for c in _only(fn.countries, fo.countries):
        if fo.countries or fo.mechanisms or _TRANSFER_CTX.search(fo.text):
            out.append(Signal("transfer", EXPANDS, f"transfer: new destination {_q(c)}"))
    return out


def _quantity_signals(fo: Features, fn: Features) -> list[Signal]:
    out = []
    if fo.durations.keys() != fn.durations.keys() and fo.durations and fn.durations:
        old_max, new_max = max(fo.durations), max(fn.durations)
        d = EXPANDS if new_max > old_max else RESTRICTS if new_max < old_max else MIXED
        out.append(Signal("retention", d, f"retention: {_q(fo.durations[old_max])} became {_q(fn.durations[new_max])}"
                          if old_max != new_max else "retention: periods changed"))
    elif fn.durations and not fo.durations and _RETENTION_CTX.search(fo.text):
        p = max(fn.durations)
        out.append(Signal("retention", EXPANDS, f"retention: period {_q(fn.durations[p])} added"))
    elif fo.durations and not fn.durations:
        p = max(fo.durations)
        out.append(Signal("retention", EXPANDS, f"retention: period {_q(fo.durations[p])} removed"))
    if fo.ages and fn.ages and fo.ages.keys() != fn.ages.keys():
        old_a, new_a = sorted(fo.ages), sorted(fn.ages)
        d = RESTRICTS if new_a[-1] > old_a[-1] or new_a[0] > old_a[0] else EXPANDS
        out.append(Signal("children", d, f"children: age {_q(', '.join(map(str, old_a)))} became "
                                         f"{_q(', '.join(map(str, new_a)))}"))
    elif fo.ages and not fn.ages and _CHILD_CTX.search(fn.text):
        out.append(Signal("children", EXPANDS, f"children: age rule {_q(next(iter(fo.ages.values())))} removed"))
    elif fn.ages and not fo.ages and _CHILD_CTX.search(fo.text):
        out.append(Signal("children", MIXED, f"children: age rule {_q(next(iter(fn.ages.values())))} added"))
    return out


def _names(raw: str) -> dict[str, set[str]]:
    """Company-like names that are the object of "with"/"to" ("share it with Acme Labs").

    Runs of capitalized words; a run that opens a sentence is a sentence, not a name.
    """
    text = strip_markdown(raw)
    runs: dict[str, set[str]] = {}
    for m in _NAME_RUN.finditer(text):
        words = [w.removesuffix("'s").rstrip(".") for w in m.group(1).split()]
        if any(w.lower() not in lx.NOT_NAMES for w in words):
            runs[" ".join(words)] = set(words)
    return runs


def _name_signals(old_raw: str, new_raw: str) -> list[Signal]:
    """A company name newly appearing in a sentence that shares data is a new recipient.

    Only runs made entirely of new words count: "Acme" → "Acme Social" is a rename, and when
    names both appear and vanish the edit is treated as a rename too.
    """
    old, new = _names(old_raw), _names(new_raw)
    old_words = set().union(*old.values()) if old else set()
    new_words = set().union(*new.values()) if new else set()
    added = [r for r, ws in new.items() if not ws & old_words]
    gone = [r for r, ws in old.items() if not ws & new_words]
    if added and gone:
        return []
    out = []
    for runs, raw, d, verb in ((added, new_raw, EXPANDS, "new recipient"), (gone, old_raw, RESTRICTS, "recipient")):
        for r in runs:
            sentence = next((s for s in _SENTENCE.findall(strip_markdown(raw)) if r in s), "")
            if _SHARING_CTX.search(sentence.lower()):
                tail = "" if d == EXPANDS else " removed"
                out.append(Signal("sharing", d, f"sharing: {verb} {_q(r)}{tail}"))
    return out


def _clause_signals(f: Features, raw: str, added: bool, section_cats: set[str]) -> list[Signal]:
    """Signals carried by a clause on its own (an added or removed clause)."""
    out: list[Signal] = []
    # what a clause promises or grants: added is better for the user, removed is worse
    promise = RESTRICTS if added else EXPANDS
    # what a clause does with data: added is worse, removed is better
    practice = EXPANDS if added else RESTRICTS
    verb = "new" if added else "removed"
    # a verb inside brackets ("(see how we use cookies)") does not make a label a statement
    stated = bool(_STATEMENT.search(_PAREN.sub(" ", f.text)))
    for cat, span in f.negated.items():
        out.append(Signal(cat, promise, f"{cat}: {verb} promise {_q(span)}"))
    if f.consent and (f.affirmed or f.negated):
        out.append(Signal(_main_practice(f), promise, f"{_main_practice(f)}: {verb} condition {_q(f.consent)}"))
    rights = f.rights if (_GRANT.search(f.text) or "rights" in section_cats) else {}
    for name, span in rights.items():
        out.append(Signal("rights", promise, f"rights: {name} {'added' if added else 'removed'} ({_q(span)})"))
    for name, span in f.notice.items():
        out.append(Signal("change_notice", promise, f"change_notice: {verb} {name} ({_q(span)})"))
    for name, span in f.mechanisms.items():
        out.append(Signal("transfer", promise, f"transfer: {verb} reliance on {_q(span)}"))
    if f.durations:
        p = max(f.durations)
        out.append(Signal("retention", EXPANDS, f"retention: {verb} period {_q(f.durations[p])}"))
    if f.ages:
        a = next(iter(f.ages.values()))
        out.append(Signal("children", MIXED if added else EXPANDS, f"children: {verb} age rule {_q(a)}"))
    if (f.negated or rights) and not f.affirmed.keys() - f.negated.keys():
        return out  # a promise or a right: its data terms say what is promised, not a new practice
    listed = not stated and section_cats & {"collection", "sharing", "tracking_ads", "use"}
    if not (stated or listed):
        return out  # a label or a topic list: names things, states no practice
    for name, span in f.recipients.items():
        out.append(Signal("sharing", practice, f"sharing: {verb} clause names recipient {_q(span)}"))
    if f.sharing_ctx and f.generic_recipient and f.data and not f.recipients:
        span = next(iter(f.data.values()))
        out.append(Signal("sharing", practice, f"sharing: {verb} sharing of {_q(span)} with {_q(f.generic_recipient)}"))
    if added:
        out.extend(s for s in _name_signals("", raw))
    if f.data and (f.collection_ctx or listed) and (added or "collection" in section_cats or len(f.data) > 1):
        span = ", ".join(list(f.data.values())[:3])
        out.append(Signal("collection", practice, f"collection: {verb} clause covers {_q(span)}"))
    for name, span in f.purposes.items():
        cat = _PURPOSE_CAT[name]
        out.append(Signal(cat, practice, f"{cat}: {verb} purpose {_q(span)}"))
    for c in f.countries:
        out.append(Signal("transfer", practice, f"transfer: {verb} destination {_q(c)}"))
    return out


# --- minor shapes --------------------------------------------------------------------------------
def _label_like(t: str) -> bool:
    """Headings, menu entries, link labels, questions: they name a topic, they state nothing."""
    words = len(t.split())
    return t.endswith("?") or words <= 3 or (words <= 12 and not _END.search(t))


def _gap_artefact(old: str, new: str) -> bool:
    """Words only dropped, leaving a hole ("see our ." "Conduct , as"): link text lost in extraction."""
    ow, nw = Counter(_WORD.findall(old.lower())), Counter(_WORD.findall(new.lower()))
    if nw - ow or not ow - nw:
        return False
    return len(_HOLE.findall(new)) > len(_HOLE.findall(old))


def _direction(signals: list[Signal]) -> str:
    ds = {s.direction for s in signals}
    return ds.pop() if len(ds) == 1 else MIXED


def _verdict(signals: list[Signal], text: str, section: str) -> Verdict:
    # the categories the signals are about first, then the ones the clause merely touches
    seen = list(dict.fromkeys([s.category for s in signals] + [c for c in categorize(text, section) if c != "other"]))
    reasons = list(dict.fromkeys(s.reason for s in signals))
    reason = reasons[0] + (f" (+{len(reasons) - 1} more)" if len(reasons) > 1 else "")
    return Verdict(tuple(seen) or ("other",), MATERIAL, reason, _direction(signals))


def _minor(text: str, section: str, reason: str) -> Verdict:
    return Verdict(categorize(text, section), MINOR, reason)


# --- entry point ---------------------------------------------------------------------------------
def judge(change_type: str, old: str | None, new: str | None, section: str = "") -> Verdict:
    """Judge one non-cosmetic clause change. change_type: added | removed | modified | moved.

    >>> judge("modified", "We keep logs for 30 days.", "We keep logs for 2 years.", "Retention").reason
    "retention: '30 days' became '2 years'"
    >>> judge("removed", "You can opt out of personalized ads in your settings.", None).direction
    'expands'
    """
    text = new if new is not None else (old or "")
    if change_type == "moved":
        return _minor(text, section, "moved; wording unchanged")
    if change_type == "modified" and old is not None and new is not None:
        return _judge_modified(old, new, section)
    raw = new if change_type == "added" else old
    if raw is None:
        return _minor(text, section, f"clause {change_type}")
    return _judge_clause(change_type == "added", raw, section)


def _judge_modified(old: str, new: str, section: str) -> Verdict:
    if normalize(old) == normalize(new):
        return _minor(new, section, "markup only")
    if _gap_artefact(old, new):
        return _minor(new, section, "words dropped leaving a gap: extraction artefact")
    fo, fn = features(old), features(new)
    signals = _compare(fo, fn, old, new)
    if not signals:
        return _minor(new, section, "reworded; same practice terms")
    return _verdict(signals, new, section)


def _judge_clause(added: bool, raw: str, section: str) -> Verdict:
    verb = "added" if added else "removed"
    f = features(raw)
    section_cats = set(_section_categories(section))
    # a short added item under a collection or sharing heading ("* Precise geolocation") is a
    # new entry in a list of practices; other labels and headings state nothing
    listed = added and section_cats & {"collection", "sharing", "tracking_ads"} and (f.data or f.recipients)
    if _label_like(f.text) and not listed:
        return _minor(raw, section, f"heading or label {verb}")
    signals = _clause_signals(f, raw, added, section_cats)
    if not signals:
        if _BOILER.search(f.text):
            return _minor(raw, section, f"boilerplate {verb} (contact, dates, pointers)")
        return _minor(raw, section, f"clause {verb}; no concrete practice")
    return _verdict(signals, raw, section)
