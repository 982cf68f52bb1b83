"""Classification of one clause change: categories, severity, reason, direction.

Pure and offline: rules and lexicons (monitor/lexicon.py) over normalized text. The judgement
compares what the old and the new clause *say*, not which words they share: each side is reduced
to features by monitor/classifier/features.py (promises such as "does not sell", recipients, data types,
purposes, transfer mechanisms, rights, periods, ages, how changes are announced) and only a
difference in features is material. Rewording the same practice ("birthday" → "date of birth") is minor.

    >>> judge("modified", "We do not sell your data.", "We may sell your data.").reason
    "sale: 'do not sell' became 'may sell'"
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from monitor.classifier import CATEGORIES, lexicon as lx
from monitor.classifier.features import Features, Table, features, names, normalize, own_words, recipients_named, shared_with, strip_markdown
from monitor.classifier.moves import Terms, document_mechanisms, document_terms
from monitor.classifier.moves import moved_reason as _moved_reason, unmoved as _unmoved
from monitor.classifier.signals import EXPANDS, MIXED, RESTRICTS, Signal
from monitor.classifier.signals import mechanism_terms as _mechanisms, only as _only, quote as _q
from monitor.classifier.signals import quantity_signals as _quantity_signals, transfer_signals as _transfer_signals
from monitor.classifier.statements import change_log, collection_source, notice_limit, sale_for_value, scope_extension

__all__ = ["CATEGORIES", "Terms", "Verdict", "categorize", "document_mechanisms", "document_terms", "judge",
           "normalize"]

MATERIAL, MINOR = "material", "minor"


@dataclass(frozen=True)
class Verdict:
    categories: tuple[str, ...]
    severity: str  # "minor" | "material" (noise is decided upstream by the cosmetic filter)
    reason: str
    direction: str = "none"  # expands | restricts | mixed | none


_CAT_TEXT = Table({c: p for c, p in lx.CATEGORY_TERMS.items() if c != "scope_contact"})
_CAT_CONTACT = re.compile(lx.CATEGORY_TERMS["scope_contact"])  # "@", "[at]": not at a word start
_CAT_SECTION = {c: re.compile(p) for c, p in lx.SECTION_TERMS.items()}
_PURPOSE_CAT = {name: cat for name, (cat, _) in lx.PURPOSES.items()}
_BOILER = re.compile(lx.BOILERPLATE)
# A sentence that only sends the reader elsewhere ("For more information on our ad services, see here.")
# names a topic; what is done with data is stated on the page it points to, compared there.
_POINTER = re.compile(
    r"(?:for (?:further|more|additional) (?:information|details)|to (?:learn|find out|read) more|more information)"
    r"\b[^.;!?]{0,200}?\b(?:see|visit|read|refer to|navigate|go to|click|available|found)\b[^.;!?]{0,80}"
    r"(?:\bhere|\bbelow|\bpage|\bpolicy|\bnotice|\bsite)\W*$"
)
# A sentence that defines a term ("*Means any public authority ...", "“Partners” means ...") says what a word
# in the policy covers; the practice is stated where the word is used, and judged there.
_DEFINITION = re.compile(r"\W*(?:[\"'][^\"']{1,60}[\"']\s*)?(?:means|refers to|shall mean)\b")
# "We have updated our policy to add ...": the edits it lists are compared where they were made
_CHANGE_LOG_REASON = "a note on the policy's own revision: its edits are judged where they were made"
_HOLE = re.compile(r"\s[,.;:)](?!\w)|\(\s*\)|\s{2,}")
_WORD = re.compile(r"\w+")
_END = re.compile(r"[.!;:)\]\"']$")


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


# --- signals: monitor/classifier/signals.py holds the context-free ones ------------------------

def _flipped(neg_before: list[str], neg_after: list[str], aff_before: list[str], aff_after: list[str]) -> tuple[str, str] | None:
    """A negation of the practice gone and an affirmation of it come, in one clause that keeps another
    negation of it: "we do not sell X; we have no knowledge of selling Y" → "we may sell X; ...".
    Counted as multisets, so a promise repeated or reworded elsewhere in the clause does not count."""
    gone = list(Counter(neg_before) - Counter(neg_after))
    came = list(Counter(aff_after) - Counter(aff_before))
    if gone and came and len(neg_after) < len(neg_before) and len(aff_after) > len(aff_before):
        return gone[0], came[0]
    return None


def _disclosure_signals(fo: Features, fn: Features) -> list[Signal]:
    """A disclosure the law compelled, now left to the company's judgement, or the other way round."""
    if not (fo.sharing_ctx and fn.sharing_ctx):
        return []
    if fo.compelled and not fo.discretion and fn.discretion and not fn.compelled:
        return [Signal("sharing", EXPANDS, f"sharing: disclosure {_q(fo.compelled)} now {_q(fn.discretion)}")]
    if fo.discretion and not fo.compelled and fn.compelled and not fn.discretion:
        return [Signal("sharing", RESTRICTS, f"sharing: disclosure {_q(fo.discretion)} now only {_q(fn.compelled)}")]
    return []


def _ad_surface_signals(fo: Features, fn: Features) -> list[Signal]:
    """Ads now shown where the old clause did not say: on other sites, apps, TVs, across devices."""
    if not (fo.purposes.keys() & {"advertising", "targeted advertising"}):
        return []
    return [Signal("tracking_ads", EXPANDS, f"tracking_ads: ads now also {_q(fn.ad_surfaces[name])}",
                   frozenset({("ad surface", name)}), "new")
            for name in _only(fn.ad_surfaces, fo.ad_surfaces)]


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
        elif was and now:  # both clauses negate somewhere: did one of the promises turn round?
            flipped = _flipped(fo.negations[cat], fn.negations[cat], fo.affirmations.get(cat, []), fn.affirmations.get(cat, []))
            back = _flipped(fn.negations[cat], fo.negations[cat], fn.affirmations.get(cat, []), fo.affirmations.get(cat, []))
            if flipped and not back:
                add(Signal(cat, EXPANDS, f"{cat}: {_q(flipped[0])} became {_q(flipped[1])}"))
            elif back and not flipped:
                add(Signal(cat, RESTRICTS, f"{cat}: {_q(back[1])} became {_q(back[0])}"))
    # A consent condition limits a practice ("we share it only with your consent") but makes an exception
    # to a promise ("we do not sell it unless you agree"): added, the one narrows and the other widens.
    if fo.consent and not fn.consent:
        cat = _main_practice(fo)
        if _promise_only(fo, cat):
            add(Signal(cat, RESTRICTS, f"{cat}: exception {_q(fo.consent)} to {_q(fo.negated[cat])} dropped"))
        else:
            add(Signal(cat, EXPANDS, f"{cat}: condition {_q(fo.consent)} dropped"))
    elif fn.consent and not fo.consent:
        cat = _main_practice(fn)
        if _promise_only(fn, cat):
            add(Signal(cat, EXPANDS, f"{cat}: exception {_q(fn.consent)} added to {_q(fn.negated[cat])}"))
        else:
            add(Signal(cat, RESTRICTS, f"{cat}: condition {_q(fn.consent)} added"))
    out.extend(_disclosure_signals(fo, fn))
    out.extend(_ad_surface_signals(fo, fn))
    out.extend(_quantity_signals(fo, fn))
    out.extend(_transfer_signals(fo, fn))
    out.extend(_statement_signals(fo.text, fn.text))
    if fo.notice and fn.notice:  # both announce changes: does the new one announce fewer of them?
        was, now = notice_limit(fo.text), notice_limit(fn.text)
        if now and not was:
            add(Signal("change_notice", EXPANDS, f"change_notice: notice now only {_q(now)}"))
        elif was and not now:
            add(Signal("change_notice", RESTRICTS, f"change_notice: notice no longer only {_q(was)}"))

    if fn.sharing_ctx or fo.sharing_ctx:
        for name in _only(fn.recipients, fo.recipients):
            if fn.sharing_ctx:
                add(Signal("sharing", EXPANDS, f"sharing: new recipient {_q(fn.recipients[name])}",
                           frozenset({("recipient", name)}), "new"))
        for name in _only(fo.recipients, fn.recipients):
            if fo.sharing_ctx:
                add(Signal("sharing", RESTRICTS, f"sharing: recipient {_q(fo.recipients[name])} removed",
                           frozenset({("recipient", name)}), "old"))
        if fn.generic_recipient and not (fo.generic_recipient or fo.recipients) and fn.sharing_ctx:
            add(Signal("sharing", EXPANDS, f"sharing: now with {_q(fn.generic_recipient)}"))
        out.extend(_name_signals(old_raw, new_raw))

    new_p = _only(fn.purposes, fo.purposes)
    if "targeted advertising" in fo.purposes and "advertising" in new_p:
        new_p.remove("advertising")  # already about ads; the generic word adds nothing
    for name in new_p:
        add(Signal(_PURPOSE_CAT[name], EXPANDS, f"{_PURPOSE_CAT[name]}: new purpose {_q(fn.purposes[name])}",
                   frozenset({("purpose", name)}), "new"))
    for name in _only(fo.purposes, fn.purposes):
        if name == "advertising" and "targeted advertising" in fn.purposes:
            continue
        add(Signal(_PURPOSE_CAT[name], RESTRICTS, f"{_PURPOSE_CAT[name]}: purpose {_q(fo.purposes[name])} removed",
                   frozenset({("purpose", name)}), "old"))

    for name in _only(fo.rights, fn.rights):
        add(Signal("rights", EXPANDS, f"rights: {name} removed ({_q(fo.rights[name])})",
                   frozenset({("right", name)}), "old"))
    for name in _only(fn.rights, fo.rights):
        add(Signal("rights", RESTRICTS, f"rights: {name} added ({_q(fn.rights[name])})",
                   frozenset({("right", name)}), "new"))
    for name in _only(fo.notice, fn.notice):
        add(Signal("change_notice", EXPANDS, f"change_notice: {name} dropped ({_q(fo.notice[name])})"))
    for name in _only(fn.notice, fo.notice):
        add(Signal("change_notice", RESTRICTS, f"change_notice: {name} added ({_q(fn.notice[name])})"))
    if fn.notice_waived and not fo.notice_waived:
        add(Signal("change_notice", EXPANDS, f"change_notice: changes now made {_q(fn.notice_waived)}"))
    elif fo.notice_waived and not fn.notice_waived:
        add(Signal("change_notice", RESTRICTS, f"change_notice: changes no longer made {_q(fo.notice_waived)}"))

    # data types last: the weakest signal, often a list reordered or an example added. Data the
    # other side names in a short form ("email" for "email address") is the same data.
    for name in _only(fn.data, fo.data):
        if name not in fo.data_named:
            add(Signal("collection", EXPANDS, f"collection: new data {_q(fn.data[name])}",
                       frozenset({("data", name)}), "new"))
    for name in _only(fo.data, fn.data):
        if name not in fn.data_named:
            add(Signal("collection", RESTRICTS, f"collection: data {_q(fo.data[name])} no longer listed",
                       frozenset({("data", name)}), "old"))
    return out


def _statement_signals(old: str, new: str) -> list[Signal]:
    """A scope extension, a collection source or a sale in other words one side states and the other does not."""
    out = []
    for find, cat, what in ((scope_extension, "scope_contact", "the policy's scope"),
                            (collection_source, "collection", "collection from another source"),
                            (sale_for_value, "sale", "data handed over for value")):
        was, now = find(old), find(new)
        # the statement as a term: one the other side's changed clauses make too only moved
        term = frozenset({("statement", what)})
        if now and not was:
            out.append(Signal(cat, EXPANDS, f"{cat}: {what} added ({_q(now)})", term, "new"))
        elif was and not now:
            out.append(Signal(cat, RESTRICTS, f"{cat}: {what} removed ({_q(was)})", term, "old"))
    return out


def _promise_only(f: Features, cat: str) -> bool:
    """Does the clause only deny the practice ("we do not sell"), never state it ("we may sell")?"""
    return cat in f.negated and cat not in f.affirmed


def _main_practice(f: Features) -> str:
    for cat in ("sale", "sharing", "tracking_ads", "use", "collection", "retention"):
        if cat in f.affirmed or cat in f.negated:
            return cat
    return "rights"


def _name_signals(old_raw: str, new_raw: str) -> list[Signal]:
    """A company name newly appearing in a sentence that shares data is a new recipient.

    Only runs made entirely of new words count: "Acme" → "Acme Social" is a rename, and when
    names both appear and vanish the edit is treated as a rename too.
    """
    old, new = names(old_raw), names(new_raw)
    old_words = set().union(*old.values()) if old else set()
    new_words = set().union(*new.values()) if new else set()
    added = [r for r, ws in new.items() if not ws & old_words]
    gone = [r for r, ws in old.items() if not ws & new_words]
    if added and gone:
        return []
    out = []
    for runs, raw, d, verb in ((added, new_raw, EXPANDS, "new recipient"), (gone, old_raw, RESTRICTS, "recipient")):
        for r in runs:
            if shared_with(raw, r):
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
    side = "new" if added else "old"
    stated = f.states_practice
    out.extend(_statement_signals("", f.text) if added else _statement_signals(f.text, ""))
    for cat, span in f.negated.items():
        out.append(Signal(cat, promise, f"{cat}: {verb} promise {_q(span)}"))
    if f.consent and (f.affirmed or f.negated):
        out.append(Signal(_main_practice(f), promise, f"{_main_practice(f)}: {verb} condition {_q(f.consent)}"))
    rights = f.rights if (f.grants_right or "rights" in section_cats) else {}
    if not rights and "complaint to a regulator" in f.rights:
        # a route to a regulator for complaints is a right however it is worded ("we commit to cooperate
        # with the authorities on unresolved complaints")
        rights = {"complaint to a regulator": f.rights["complaint to a regulator"]}
    for name, span in rights.items():
        out.append(Signal("rights", promise, f"rights: {name} {'added' if added else 'removed'} ({_q(span)})"))
    for name, span in f.notice.items():
        out.append(Signal("change_notice", promise, f"change_notice: {verb} {name} ({_q(span)})"))
    if f.notice_waived:  # a clause that lets changes come unannounced: added is worse
        out.append(Signal("change_notice", practice, f"change_notice: {verb} clause making changes {_q(f.notice_waived)}"))
    for name, span in f.mechanisms.items():
        out.append(Signal("transfer", promise, f"transfer: {verb} reliance on {_q(span)}",
                          _mechanisms([name]), side))
    if f.durations:
        p = max(f.durations)
        out.append(Signal("retention", EXPANDS, f"retention: {verb} period {_q(f.durations[p])}"))
    if f.ages:
        a = next(iter(f.ages.values()))
        out.append(Signal("children", MIXED if added else EXPANDS, f"children: {verb} age rule {_q(a)}"))
    if "sale" in f.affirmed and "sale" not in f.negated:
        # selling is stated outright, whatever else the clause lists ("we may sell", "is a data broker")
        out.append(Signal("sale", practice, f"sale: {verb} statement {_q(f.affirmed['sale'])}"))
    if (f.negated or rights) and not f.affirmed.keys() - f.negated.keys():
        return out  # a promise or a right: its data terms say what is promised, not a new practice
    listed = not stated and section_cats & {"collection", "sharing", "tracking_ads", "use"}
    if not (stated or listed):
        return out  # a label or a topic list: names things, states no practice
    for name, span in f.recipients.items():
        out.append(Signal("sharing", practice, f"sharing: {verb} clause names recipient {_q(span)}",
                          frozenset({("recipient", name)}), side))
    if f.sharing_ctx and f.generic_recipient and f.data and not f.recipients:
        span = next(iter(f.data.values()))
        out.append(Signal("sharing", practice, f"sharing: {verb} sharing of {_q(span)} with {_q(f.generic_recipient)}"))
    if added:
        out.extend(s for s in _name_signals("", raw))
    if f.data and (f.collection_ctx or listed) and (added or "collection" in section_cats or len(f.data) > 1):
        span = ", ".join(list(f.data.values())[:3])
        out.append(Signal("collection", practice, f"collection: {verb} clause covers {_q(span)}",
                          frozenset(("data", name) for name in f.data), side))
    for name, span in f.purposes.items():
        cat = _PURPOSE_CAT[name]
        out.append(Signal(cat, practice, f"{cat}: {verb} purpose {_q(span)}", frozenset({("purpose", name)}), side))
    for c in f.countries:
        out.append(Signal("transfer", practice, f"transfer: {verb} destination {_q(c)}",
                          frozenset({("country", c)}), side))
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
def judge(change_type: str, old: str | None, new: str | None, section: str = "",
          terms: Terms | None = None, context: str = "") -> Verdict:
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
        return _in_own_words(_judge_modified(old, new, section, terms, context), old, new)
    raw = new if change_type == "added" else old
    if raw is None:
        return _minor(text, section, f"clause {change_type}")
    return _in_own_words(_judge_clause(change_type == "added", raw, section, terms), raw)


def _in_own_words(verdict: Verdict, *raws: str) -> Verdict:
    """The reason quotes contractions as the clause wrote them: they were written out for the lexicons."""
    reason = own_words(verdict.reason, " ".join(raws))
    return verdict if reason == verdict.reason else Verdict(verdict.categories, verdict.severity, reason, verdict.direction)


def _judge_modified(old: str, new: str, section: str, terms: Terms | None = None, context: str = "") -> Verdict:
    if normalize(old) == normalize(new):
        return _minor(new, section, "markup only")
    if _gap_artefact(old, new):
        return _minor(new, section, "words dropped leaving a gap: extraction artefact")
    if change_log(strip_markdown(old)) and change_log(strip_markdown(new)):
        return _minor(new, section, _CHANGE_LOG_REASON)
    # `context` (a table's header row) is read before both sides alike: it adds no difference of its
    # own, only what the cells are about
    fo, fn = (features(f"{context}: {old}"), features(f"{context}: {new}")) if context else (features(old), features(new))
    signals, moved = _unmoved(_compare(fo, fn, old, new), terms)
    if not signals:
        return _minor(new, section, _moved_reason(moved) if moved else "reworded; same practice terms")
    return _verdict(signals, new, section)


def _judge_clause(added: bool, raw: str, section: str, terms: Terms | None = None) -> Verdict:
    verb = "added" if added else "removed"
    f = features(raw)
    section_cats = set(_section_categories(section))
    if "sharing" in section_cats and not f.sharing_ctx:
        # an item under a sharing heading ("* Data brokers") names a recipient: the heading is the verb
        f.recipients = recipients_named(f.text)
    # a short added item under a collection or sharing heading ("* Precise geolocation") is a
    # new entry in a list of practices; other labels and headings state nothing
    listed = added and section_cats & {"collection", "sharing", "tracking_ads"} and (f.data or f.recipients)
    if _label_like(f.text) and not listed:
        return _minor(raw, section, f"heading or label {verb}")
    if change_log(f.text):
        return _minor(raw, section, _CHANGE_LOG_REASON)
    if _POINTER.match(f.text) and not f.negated and f.text.count(". ") == 0:
        return _minor(raw, section, f"pointer to another page {verb}")
    if _DEFINITION.match(f.text) and f.text.count(". ") == 0 and not f.data:  # naming data, it states a flow
        return _minor(raw, section, f"definition of a term {verb}")
    signals, moved = _unmoved(_clause_signals(f, raw, added, section_cats), terms)
    if not signals and moved:
        return _minor(raw, section, _moved_reason(moved))
    if not signals:
        if _BOILER.search(f.text):
            return _minor(raw, section, f"boilerplate {verb} (contact, dates, pointers)")
        return _minor(raw, section, f"clause {verb}; no concrete practice")
    return _verdict(signals, raw, section)
