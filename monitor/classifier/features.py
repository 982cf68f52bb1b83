"""What one clause says: the features the classifier (classify.py) compares between two versions.

Pure and offline: the lexicons of monitor/lexicon.py, compiled once, read over normalized text. A
clause is reduced to its promises ("does not sell") and practices ("may sell"), the conditions on
them ("only with your consent"), recipients, data types, purposes, transfer mechanisms and
destinations, rights, how changes are announced, retention periods and age thresholds.

    >>> f = features("We do **not** sell your email address, and we keep logs for 30 days.")
    >>> f.negated, list(f.data), f.durations
    ({'sale': 'do not sell'}, ['email address', 'log data'], {30: '30 days'})
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from monitor.classifier import lexicon as lx
from monitor.classifier.languages import to_english

# --- normalization -------------------------------------------------------------------------------
# no bracket in a link's text and no parenthesis or space in its target: every scan stops at the next
# one, so 50,000 unclosed "[a](" stay linear ("anything but )" rescanned the rest from each)
_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()\s]*\)")
_MARKUP = re.compile(r"\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)|^#+[ \t]*|^[ \t]*(?:[*+-]|\d+\.)[ \t]+|`", re.M)
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": " - ", "–": " - ", "\u00a0": " "})
_SPACE = re.compile(r"\s+")
# What is left of a link whose text began in another clause ("...](https://x/?utm_content=Video)") and
# bare addresses: the words of a URL state no practice ("video", "ads" in a tracking parameter).
_URL = re.compile(r"\]?\(?\b(?:https?://|www\.)(?:[^\s()\[\]]*[^\s()\[\].,;:!?])?\)?")


@lru_cache(maxsize=4096)
def strip_markdown(text: str) -> str:
    """Light markdown out, case kept: `[text](url)` → text, emphasis and list markers dropped."""
    text = _URL.sub(" ", _LINK.sub(r"\1", text))
    return _SPACE.sub(" ", _MARKUP.sub("", text.translate(_QUOTES))).strip()


# "don't", "won't", "isn't", "can't": the lexicons' negations are written in full ("not discriminate")
_CONTRACTED = re.compile(r"\b(?:(wo|ca|sha)|(\w+))n't\b")
_FULL = {"wo": "will not", "ca": "cannot", "sha": "shall not"}


def _expand(text: str) -> str:
    return _CONTRACTED.sub(lambda m: _FULL[m.group(1)] if m.group(1) else f"{m.group(2)} not", text)


def own_words(reason: str, raw: str) -> str:
    """`reason` with each contraction `raw` uses put back where normalize wrote it out ("do not sell" in
    a reason about "we don't sell"), unless `raw` also has the full form."""
    if "n't" in raw or "n\u2019t" in raw:
        lowered = raw.lower().translate(_QUOTES)
        for short in {m.group(0) for m in _CONTRACTED.finditer(lowered)}:
            full = _expand(short)
            if full not in lowered:
                reason = re.sub(rf"\b{full}\b", short, reason)
    return reason


def normalize(text: str) -> str:
    """The form every lexicon pattern is written for: markdown stripped, lower case, plain quotes,
    contractions written out."""
    lowered = strip_markdown(text).lower()
    # a German, French or Spanish document is read in the lexicons' English (classifier/languages)
    return to_english(_expand(lowered) if "n't" in lowered else lowered)


# --- compiled lexicons ---------------------------------------------------------------------------
# Patterns are compiled to start only where a word starts: Python's regex engine then rejects
# most positions at once, which makes the scans several times faster.
_WORD_START = r"(?<!\w)(?=\w)"


def at_words(pattern: str) -> re.Pattern[str]:
    """Compile a lexicon pattern to match only where a word starts."""
    return re.compile(rf"{_WORD_START}(?:{pattern})")


class Table:
    """One alternation for a {canonical: pattern} table: a single scan finds every term.

    Named groups would say which entry matched but slow every scan; instead the few matches
    are attributed afterwards by re-matching the entries at the match position.
    """

    def __init__(self, table: dict[str, str]):
        self.names = list(table)
        self.parts = [re.compile(p) for p in table.values()]
        self.rx = at_words("|".join(f"(?:{p})" for p in table.values()))

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


_VERBS = Table({c: rf"(?:{p})\b" for c, p in lx.PRACTICE_VERBS.items()})
_AUX = frozenset("do does did will would shall should can could may might must".split())
_NEG = re.compile(rf"\b(?:{lx.NEGATION})\b")
_NEG_BREAK = re.compile(rf"[.;:!?]|\b(?:{lx.NEGATION_BREAK})\b")
_CONSENT = at_words(lx.CONSENT_LIMITS)
_RECIPIENTS = Table(lx.RECIPIENTS)
_GENERIC = at_words(lx.GENERIC_RECIPIENTS)
SHARING_CTX = at_words(lx.SHARING_CONTEXT)
_DATA = Table(lx.DATA_TYPES)
_DATA_SHORT = Table(lx.DATA_SHORT_FORMS)
_COLLECTION_CTX = at_words(lx.COLLECTION_CONTEXT)
_PURPOSES = Table({name: p for name, (_, p) in lx.PURPOSES.items()})
_MECHANISMS = Table(lx.MECHANISMS)


def mechanisms(normalized: str) -> dict[str, str]:
    """Transfer mechanisms named in a normalized text."""
    return _MECHANISMS.find(normalized)
_SCOPES = re.compile(lx.MECHANISM_SCOPES)
_COUNTRIES = Table(lx.COUNTRIES)
_STATEMENT = re.compile(lx.STATEMENT_VERBS)
_GRANT = re.compile(lx.RIGHT_GRANT)
_TRANSFER_CTX = at_words(lx.TRANSFER_CONTEXT)
_RIGHTS = Table(lx.RIGHTS)
_NOTICE_CTX = at_words(lx.NOTICE_CONTEXT)
_NOTICE = Table(lx.NOTICE_METHODS)
_NOTICE_WAIVER = re.compile(lx.NOTICE_WAIVER)
_COMPELLED = at_words(lx.LEGAL_COMPULSION)
_DISCRETION = at_words(lx.DISCRETION)
_AD_SURFACES = Table(lx.AD_SURFACES)
_RETENTION_CTX = at_words(lx.RETENTION_CONTEXT)
_CHILD_CTX = at_words(lx.CHILD_CONTEXT)
_NUM = "|".join(sorted(lx.NUMBER_WORDS, key=len, reverse=True))
_DURATION = re.compile(lx.DURATION.format(numbers=_NUM))
_INDEFINITE = re.compile(lx.INDEFINITE)
_AGE = re.compile(lx.AGE)
_AGE_WORDS = re.compile(lx.AGE_WORDS.format(numbers=_NUM))
_DATE = re.compile(lx.DATE)
_NAME_RUN = re.compile(r"\b(?:with|to) ((?:[A-Z][\w+&'.-]*)(?: (?:[A-Z][\w+&'.-]*|of|&|and))*)")
_SENTENCE = re.compile(r"[^.!?;|]+")
_PAREN = re.compile(r"\([^()]*\)")


# --- features of one clause ----------------------------------------------------------------------
@dataclass
class Features:
    text: str  # normalized
    negated: dict[str, str] = field(default_factory=dict)  # category → "does not sell"
    affirmed: dict[str, str] = field(default_factory=dict)  # category → "may sell"
    # every use, in order: a clause may promise "we do not sell" and also "we do not ... sell" elsewhere
    negations: dict[str, list[str]] = field(default_factory=dict)
    affirmations: dict[str, list[str]] = field(default_factory=dict)
    consent: str = ""
    compelled: str = ""  # a disclosure limited to what the law compels ("when required by law")
    discretion: str = ""  # ... or left to the company's judgement ("when we believe in good faith")
    ad_surfaces: dict[str, str] = field(default_factory=dict)  # where ads are shown, in a clause about ads
    recipients: dict[str, str] = field(default_factory=dict)
    generic_recipient: str = ""
    data: dict[str, str] = field(default_factory=dict)
    # data the clause names, in any form: the `data` keys plus those named only by a short form
    # ("your email" names the data "email address")
    data_named: frozenset[str] = frozenset()
    purposes: dict[str, str] = field(default_factory=dict)
    mechanisms: dict[str, str] = field(default_factory=dict)
    scopes: frozenset[str] = frozenset()
    countries: dict[str, str] = field(default_factory=dict)
    rights: dict[str, str] = field(default_factory=dict)
    notice: dict[str, str] = field(default_factory=dict)
    notice_waived: str = ""  # changes made "without notice"
    durations: dict[float, str] = field(default_factory=dict)
    ages: dict[int, str] = field(default_factory=dict)
    sharing_ctx: bool = False  # says data goes to someone
    collection_ctx: bool = False  # says data is gathered or held
    transfer_ctx: bool = False  # says where data goes or is processed
    retention_ctx: bool = False  # talks about keeping or deleting
    child_ctx: bool = False  # talks about children or ages

    @cached_property
    def states_practice(self) -> bool:
        """A verb of practice outside brackets: "(see how we use cookies)" does not make a label a statement."""
        return bool(_STATEMENT.search(_PAREN.sub(" ", self.text)))

    @cached_property
    def grants_right(self) -> bool:
        """A right stated as such ("you can", "right to"), not a mere mention of "appeal"."""
        return bool(_GRANT.search(self.text))


def _polarity(text: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Practice verbs split into negated ("we do not sell") and affirmed ("we may sell") uses, each
    category's in the order they come."""
    negated: dict[str, list[str]] = {}
    affirmed: dict[str, list[str]] = {}
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
            negated.setdefault(cat, []).append(_SPACE.sub(" ", span).strip())
        else:
            lead = " ".join(words[-1:])
            affirmed.setdefault(cat, []).append(f"{lead} {m.group(0)}".strip())
    return negated, affirmed


def _promised(text: str, waiver: re.Match[str]) -> bool:
    """A "without notice" under a negation earlier in its sentence ("we will not ... without notice")."""
    if not waiver.group(0).startswith(("without", "with no")):
        return False
    sentence = re.split(r"[.;!?]", text[:waiver.start()])[-1]
    return bool(re.search(r"\b(?:not|never)\b", sentence))


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
    for m in _AGE_WORDS.finditer(text):
        age = lx.NUMBER_WORDS[m.group(1) or m.group(2)]
        if 8 <= age <= 21:
            found.setdefault(age, m.group(0))
    return found


# A quoted Title Case run is the name of a link or button ("the “Do Not Sell or Share My Personal
# Information” link"): renaming it changes a label, not what the sentence around it says is done.
_UI_LABEL = re.compile(
    r"[“\"][A-Z][\w'’-]*(?:[ \t]+(?:[A-Z][\w'’-]*|or|and|of|to|the|a|my|for|in|on)){1,9}[ \t]*[”\"]"
)


# "Ads" capitalized after a capitalized word names a product ("Example Ads"), not advertising itself:
# a product renamed to one is no new purpose.
_PRODUCT_ADS = re.compile(r"\b([A-Z][\w.&-]*) Ads\b")
# "Use the following e-mail address to ask..." names a channel to reach the company, not data it takes.
_CHANNEL = re.compile(r"\b(?:the following|this|that|our|the below|a dedicated|a separate) e-?mail address(?:es)?\b", re.I)


# A run of capitalized words inside a sentence is a proper name ("through our Employer Branding offer",
# "the Health Connect app"): a data word inside it names a product, not data the product takes. Runs a
# data term spans whole, words such as "Data" or "Information" aside, are the policy's defined terms
# ("Device Information", "Precise Location Data") and stay data.
_TITLE_RUN = re.compile(r"(?<=[a-z0-9,;:)] )[A-Z][a-z][\w&'-]*(?: [A-Z][a-z][\w&'-]*)+")
_DEFINED_TAIL = frozenset(
    "data information info details address addresses number numbers id ids identifier identifiers records history "
    "content categories files logs".split()
)


def _product_names(text: str) -> str:
    return _TITLE_RUN.sub(_unname, text)


def _unname(m: re.Match[str]) -> str:
    run = m.group(0)
    low = run.lower()
    spans = [d.span() for d in _DATA.rx.finditer(low)]
    if not spans:
        return run
    covered = set()
    for a, b in spans:
        covered.update(range(a, b))
    rest = [w for w in re.finditer(r"\S+", low) if w.start() not in covered and w.group(0) not in _DEFINED_TAIL]
    return "the product" if rest else run


def recipients_named(normalized: str) -> dict[str, str]:
    """The specific recipients a text names, with no sharing verb needed (a heading may say it)."""
    return _RECIPIENTS.find(normalized)


def features(text: str) -> Features:
    """Reduce one clause (raw, may carry markdown) to the features the judgement compares."""
    named = _product_names(_PRODUCT_ADS.sub(r"\1 product", _UI_LABEL.sub("the link", text)))
    t = normalize(_CHANNEL.sub("this channel", named))
    f = Features(t)
    f.negations, f.affirmations = _polarity(t)
    f.negated = {cat: uses[0] for cat, uses in f.negations.items()}
    f.affirmed = {cat: uses[0] for cat, uses in f.affirmations.items()}
    if m := _CONSENT.search(t):
        f.consent = m.group(0)
    f.sharing_ctx = bool(SHARING_CTX.search(t))
    if f.sharing_ctx:
        f.recipients = _RECIPIENTS.find(t)
        if m := _GENERIC.search(t):
            f.generic_recipient = m.group(0)
        if m := _COMPELLED.search(t):
            f.compelled = m.group(0)
        if m := _DISCRETION.search(t):
            f.discretion = m.group(0)
    f.data = _DATA.find(t)
    f.data_named = frozenset(f.data) | frozenset(_DATA_SHORT.find(t))
    f.collection_ctx = bool(_COLLECTION_CTX.search(t))
    f.purposes = _PURPOSES.find(t)
    if "advertising" in f.purposes or "targeted advertising" in f.purposes:
        f.ad_surfaces = _AD_SURFACES.find(t)
    f.mechanisms = _MECHANISMS.find(t)
    if f.mechanisms:
        f.scopes = frozenset(m.group(1) for m in _SCOPES.finditer(t))
    f.transfer_ctx = bool(_TRANSFER_CTX.search(t))
    if f.transfer_ctx:
        f.countries = _COUNTRIES.find(t)
    f.rights = _RIGHTS.find(t)
    if _NOTICE_CTX.search(t) and not _DATE.search(t):
        waiver = _NOTICE_WAIVER.search(t)
        if waiver and _promised(t, waiver):
            # "we will not make changes without notifying you": notice promised, not waived
            f.notice = _NOTICE.find(t)
            f.notice.setdefault("direct notice", waiver.group(0))
        else:
            f.notice_waived = waiver.group(0) if waiver else ""
            f.notice = _NOTICE.find(_NOTICE_WAIVER.sub(" ", t) if waiver else t)
        if "notice by email" in f.notice:
            # "emailed to the last email address you gave us": the address is how notice reaches you,
            # not data the clause collects; its loss is the notice's, said once.
            f.data.pop("email address", None)
    f.retention_ctx = bool(_RETENTION_CTX.search(t))
    if f.retention_ctx:
        f.durations = _durations(t)
    f.child_ctx = bool(_CHILD_CTX.search(t))
    if f.child_ctx:
        f.ages = _ages(t)
    return f


# --- named recipients ----------------------------------------------------------------------------
def names(raw: str) -> dict[str, set[str]]:
    """Company-like names that are the object of "with"/"to" ("share it with Acme Labs"): run → its words.

    Runs of capitalized words; a run that opens a sentence is a sentence, not a name.
    """
    text = strip_markdown(raw)
    runs: dict[str, set[str]] = {}
    for m in _NAME_RUN.finditer(text):
        words = [w.removesuffix("'s").rstrip(".") for w in m.group(1).split()]
        if any(w.lower() not in lx.NOT_NAMES for w in words):
            runs[" ".join(words)] = set(words)
    return runs


def shared_with(raw: str, name: str) -> bool:
    """Does the sentence naming `name` say that data goes to someone?"""
    sentence = next((s for s in _SENTENCE.findall(strip_markdown(raw)) if name in s), "")
    return bool(SHARING_CTX.search(sentence.lower()))
