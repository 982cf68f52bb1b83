"""Recall on real documents, label-free: one material clause of my own put into each corpus version.

Usage:
    .venv/bin/python bench/injection_recall.py [CORPUS_DIR] [--step K] [--show] [--only NAME] [--set heldout|inplace|removals]

The labeled pairs measure recall on the changes vendors happened to make. This measures whether one
new practice stated in plain words is noticed inside a long, real policy that may already use the same
terms elsewhere (where a term-move rule could swallow it), and whether it gets its category. Each
distinct version text of both corpus sets (every K-th with --step; error pages left out) is judged, as
`diff` does, against itself with one edit:

- an added paragraph, written for this benchmark (no corpus text), put in the middle of the document,
  after a paragraph of prose that ends a sentence, outside link markup;
- edits in place, where the document has the sentence they need: a retention period lengthened, a
  "do not sell" promise turned into "may sell";
- removals: the first sentence of prose, given once in the text, that grants an opt-out or a deletion
  right, promises no sale, or states a retention period, taken out.

`--set heldout` adds instead a second batch of 16 paragraphs in the wording of B2B, SaaS and ad-tech
policies (customer data, enrichment, audiences, session replay), written in the sixth round before any
rule was changed for them: its first score is what wording nobody tuned to gets.

`--set inplace` edits instead what the document already says, the hard case of real revisions (a
clause changed, not added), also written in the sixth round before any fix: a recipient added to the
first sentence that shares "with" someone, a data type to the first "we collect", a purpose to the
first "we use your information", a consent condition dropped from a sharing sentence, a country put
first where data is transferred or stored, a retention period made indefinite, an age threshold
lowered, a recipient added to the first list under a sharing heading, a data type to the first list
under a collection heading.

`--set removals` takes out, as the first batch's removals do, the first sentence that promises
something other than no sale (written after the in-place batch, first score in the README): no
knowing collection from children, notice before changes, no sharing with some recipient, consent
withdrawal or objection, no ad tracking, a transfer safeguard.

Expected: material, with the edit's category among the alert's. Prints, for each edit, how many texts
alert, how many with the category, and the first few that do not, with the reason. Skipped cleanly when
the corpus is absent. Figures only.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import eval_corpus  # noqa: E402
from edit_invariance import _prose  # noqa: E402
from relayout_invariance import _blocks  # noqa: E402

from monitor.engine.gate import judge_pair  # noqa: E402

# (name, category expected, the paragraph added)
ADDED = (
    ("sale to brokers", "sale", "We may sell the personal information we collect to data brokers and other companies."),
    ("sharing for partners' marketing", "sharing",
     "We share your contact details and usage history with our partners so that they can market their own products to you."),
    ("parent company's own use", "sharing",
     "We may disclose your personal information to our parent company, which may use it for its own purposes."),
    ("ten-year retention", "retention", "We keep your account records for ten years after you close your account."),
    ("inactivity deletion", "retention", "If you do not sign in for 18 months, we delete your account and its content."),
    ("transfer abroad", "transfer",
     "Your personal data may be transferred to and stored in countries outside your own, including India, whose laws may protect it less."),
    ("children's data", "children",
     "We knowingly collect personal information from children under the age of 13 when a parent agrees."),
    ("new right", "rights",
     "You may ask us to delete the personal data we hold about you, and we will answer within 30 days."),
    ("ads across sites", "tracking_ads",
     "We let advertising networks place cookies and pixels on our pages so that they can show you personalised ads on other websites."),
    ("new data: location", "collection", "We now collect the precise location of your device whenever the app is open."),
    ("AI training", "use",
     "We use the content you post, including public posts and photos, to train our artificial intelligence models."),
    ("changes without notice", "change_notice",
     "We may change this policy at any time without telling you, and your continued use of the service means you accept the changes."),
)

# The held-out batch: written at once, scored once before any fix (README, "Label-free checks").
HELDOUT = (
    ("customer data for model training", "use",
     "We may use Customer Data, including the files and messages your team uploads, to develop and improve our machine learning features."),
    ("hashed emails to ad platforms", "tracking_ads",
     "We upload hashed email addresses of our users to social media platforms so that we can show them our ads and find similar audiences."),
    ("session replay", "tracking_ads",
     "We use session replay technology that records your clicks, scrolling and keystrokes on our website."),
    ("enrichment from data providers", "collection",
     "We obtain more information about you, such as your job title, company size and social media profiles, from data "
     "enrichment providers and combine it with the information you give us."),
    ("group companies' offers", "sharing",
     "Companies in our corporate group may receive your personal data and use it to send you offers for their own products."),
    ("backups kept two years", "retention",
     "Copies of your data may remain in our backups for up to two years after you delete it."),
    ("processing in the United States", "transfer",
     "We and our service providers may process and store your personal data in the United States and in any other country where we operate."),
    ("teen accounts", "children",
     "Users aged 13 to 15 may create an account, and we collect the same information from them as from adults."),
    ("right to appeal", "rights",
     "If we decline your privacy request, you may appeal our decision by replying to our response, and we will answer within 45 days."),
    ("made available for payment", "sale",
     "We may make personal information available to advertising partners in exchange for payment or other benefits."),
    ("support calls recorded", "collection", "When you call our support line, we record the call and keep the recording."),
    ("updates without contact", "change_notice",
     "Any update to this policy takes effect as soon as we post it here, and we will not contact you about it separately."),
    ("police without an order", "sharing",
     "We may give your information to the police and other government agencies when they ask for it, even without a court order."),
    ("face scan", "collection", "To verify your identity we may scan your face and compare it with the photo on your ID document."),
    ("cross-device linking", "tracking_ads",
     "We link the different browsers and devices you use so that we can recognise you on each of them and measure our ads."),
    ("third-party SDKs in the app", "tracking_ads",
     "Our mobile app includes software from analytics and advertising companies that collects your device identifiers and app activity."),
)

_PERIOD = re.compile(r"\b(\d{1,3}) (days|months|years)\b")
_RETENTION_WORDS = re.compile(r"\b(retain|retained|keep|kept|store|stored|delete|deleted)\b", re.I)
_NO_SALE = re.compile(r"\b(do|does|will) not sell\b")  # lower case: "Do Not Sell" is a name


def _insert(text: str, paragraph: str) -> str:
    blocks = _blocks(text)
    # after a sentence of prose, not inside markup: a link's text can run over several blocks ("[", text, "](url)")
    prose = [k for k in _prose(blocks) if blocks[k].rstrip().endswith(".") and blocks[k].count("[") == blocks[k].count("]")
             and not (k + 1 < len(blocks) and blocks[k + 1].lstrip().startswith("]"))]
    if not prose:
        return text
    at = prose[len(prose) // 2]
    return "\n\n".join(blocks[: at + 1] + [paragraph] + blocks[at + 1:])


def longer_retention(text: str) -> str:
    """The first period ("30 days") in a sentence about keeping or deleting data, made four times longer."""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        m = _PERIOD.search(sentence)
        if m and _RETENTION_WORDS.search(sentence) and not sentence.lstrip().startswith(("|", "#")):
            edited = sentence[: m.start()] + f"{int(m.group(1)) * 4} {m.group(2)}" + sentence[m.end():]
            return text.replace(sentence, edited, 1)
    return text


def sale_promise_dropped(text: str) -> str:
    return _NO_SALE.sub("may sell", text, count=1)


# Sentences a removal takes out: (name, category, what the sentence must say). The first such sentence of
# prose that the text holds once is removed.
REMOVED = (
    ("opt-out sentence removed", "rights", re.compile(r"\b(?:you|users) (?:can|may) (?:\w+ ){0,3}?opt[ -]out\b", re.I)),
    ("deletion right removed", "rights",
     re.compile(r"\b(?:you|users) (?:can|may|have the right to) (?:\w+ ){0,3}?(?:delete|erase|request (?:the )?deletion)\b", re.I)),
    ("no-sale promise removed", "sale", re.compile(r"\bwe (?:do|will) not sell\b", re.I)),
    ("retention period removed", "retention",
     re.compile(r"\b(?:keep|retain|store|delete)\w* (?:\w+ ){0,8}?(?:for|after|within) (?:\w+ ){0,2}?\d+ (?:days|months|years)\b", re.I)),
)


def _remover(pattern: re.Pattern[str]) -> Callable[[str], str]:
    def remove(text: str) -> str:
        blocks = _blocks(text)
        for k in _prose(blocks):
            sentences = re.split(r"(?<=[.!?])\s+", " ".join(blocks[k].split()))
            for j, sentence in enumerate(sentences):
                if pattern.search(sentence) and text.count(sentence) == 1 and sentence.endswith("."):
                    blocks[k] = " ".join(sentences[:j] + sentences[j + 1:])
                    return "\n\n".join(b for b in blocks if b.strip())
        return text
    return remove


EDITS: dict[str, tuple[Callable[[str], str], str]] = {
    **{name: ((lambda t, p=paragraph: _insert(t, p)), category) for name, category, paragraph in ADDED},
    "retention lengthened in place": (longer_retention, "retention"),
    "'do not sell' became 'may sell'": (sale_promise_dropped, "sale"),
    **{name: (_remover(pattern), category) for name, category, pattern in REMOVED},
}

HELDOUT_EDITS: dict[str, tuple[Callable[[str], str], str]] = {
    name: ((lambda t, p=paragraph: _insert(t, p)), category) for name, category, paragraph in HELDOUT
}


def _first_sentence(pattern: re.Pattern[str], change: Callable[[re.Match[str], str], str]) -> Callable[[str], str]:
    """An edit of the first sentence of prose, given once in the text, that `pattern` finds."""
    def edit(text: str) -> str:
        blocks = _blocks(text)
        for k in _prose(blocks):
            if blocks[k].count("[") != blocks[k].count("]"):
                continue
            for sentence in re.split(r"(?<=[.!?])\s+", blocks[k]):
                m = pattern.search(sentence)
                if m and text.count(sentence) == 1 and "](" not in sentence:
                    return text.replace(sentence, change(m, sentence), 1)
        return text
    return edit


def _insert_at(m: re.Match[str], sentence: str, words: str) -> str:
    return sentence[: m.end()] + words + sentence[m.end():]


_LIST_ITEM = re.compile(r"^(\s*)([*+-]|\d+\.)\s+", re.M)


def _list_item_under(heading: re.Pattern[str], item: str) -> Callable[[str], str]:
    """A new first item in the first list under a heading `heading` finds (before the next heading)."""
    def edit(text: str) -> str:
        blocks = _blocks(text)
        under = False
        for k, block in enumerate(blocks):
            head = block.lstrip()
            if head.startswith("#"):
                under = bool(heading.search(head.lower()))
                continue
            m = _LIST_ITEM.match(block)
            if under and m and text.count(block) == 1:
                marker = m.group(2) if not m.group(2)[0].isdigit() else "*"
                new = f"{m.group(1)}{marker} {item}\n{block}" if marker == m.group(2) else f"{m.group(1)}{marker} {item}\n\n{block}"
                return text.replace(block, new, 1)
        return text
    return edit


REMOVED_HELDOUT = (
    ("children promise removed", "children",
     re.compile(r"\b(?:do|does|will) not knowingly (?:collect|solicit|process)\b", re.I)),
    # about changes to the policy: "notify you before a business transfer" is another promise
    ("notice before changes removed", "change_notice",
     re.compile(r"\b(?:chang|updat|revis|modif)\w*\b[^.]{0,120}\b(?:notify|inform|tell|e-?mail) you\b[^.]{0,120}"
                r"\b(?:before|prior to|in advance)\b", re.I)),
    ("no-sharing promise removed", "sharing",
     re.compile(r"\b(?:do|does|will) not (?:share|disclose|rent|trade)\b", re.I)),
    ("withdrawal or objection removed", "rights",
     re.compile(r"\b(?:you|users) (?:can|may|have the right to) (?:\w+ ){0,3}?(?:withdraw|object)\b", re.I)),
    ("no ad tracking promise removed", "tracking_ads",
     re.compile(r"\b(?:do|does|will) not (?:use|allow|permit) (?:\w+ ){0,4}?(?:cookies|tracking|trackers|pixels)"
                r"(?: \w+){0,6}? (?:for|to) (?:\w+ ){0,2}?(?:advertising|ads|target)", re.I)),
    ("transfer safeguard removed", "transfer",
     re.compile(r"\bstandard contractual clauses\b|\bdata privacy framework\b|\badequacy decisions?\b", re.I)),
)


def _named_once(pattern: re.Pattern[str], remove: Callable[[str], str]) -> Callable[[str], str]:
    """Only where the text names the term once: a safeguard named again elsewhere is still relied on."""
    def edit(text: str) -> str:
        found = pattern.findall(text)
        return remove(text) if len(found) == 1 else text
    return edit


REMOVAL_EDITS: dict[str, tuple[Callable[[str], str], str]] = {
    name: ((_named_once(pattern, _remover(pattern)) if category == "transfer" else _remover(pattern)), category)
    for name, category, pattern in REMOVED_HELDOUT
}

_AGES_LOWER = {"13": "10", "16": "13", "18": "16", "21": "18"}

INPLACE_EDITS: dict[str, tuple[Callable[[str], str], str]] = {
    "recipient added in place": (_first_sentence(
        re.compile(r"\b(?:share|shares|disclose|discloses)\b[^.;]{0,120}?\bwith (?=(?:our |certain |trusted |selected )?[a-z])"),
        lambda m, s: _insert_at(m, s, "data brokers and ")), "sharing"),
    "data type added in place": (_first_sentence(
        re.compile(r"\b[Ww]e (?:may |also |automatically )?collect (?=(?:your |the |certain |information|data|personal))"),
        lambda m, s: _insert_at(m, s, "your precise geolocation, ")), "collection"),
    "purpose added in place": (_first_sentence(
        re.compile(r"\b[Ww]e (?:may |also )?use (?:your |this |the |such |that )?(?:personal )?(?:information|data)\b(?= to )"),
        lambda m, s: _insert_at(m, s, " to train our artificial intelligence models and")), "use"),
    "consent dropped in place": (_first_sentence(
        re.compile(r"(?<=\w),? (?:only )?with your (?:prior |express |explicit )?(?:consent|permission)(?=[^.]*)"),
        lambda m, s: s[: m.start()] + s[m.end():] if re.search(r"\b(?:share|shares|disclose|discloses|sell)\b", s) else s),
        "sharing"),
    "country put first in place": (_first_sentence(
        re.compile(r"\b(?:transferred|stored|processed|hosted) (?:to|in) (?=(?:the |other |countries|servers|a |any |[A-Z]))"),
        lambda m, s: _insert_at(m, s, "China, ")), "transfer"),
    "retention made indefinite": (_first_sentence(
        re.compile(r"\b(?:keep|keeps|retain|retains|store|stores|kept|retained|stored)\b[^.;]{0,80}?\b(for (?:up to |a period of )?\d+ (?:days|months|years))\b"),
        lambda m, s: s[: m.start(1)] + "indefinitely" + s[m.end(1):]), "retention"),
    "age lowered": (_first_sentence(
        re.compile(r"\b(?:under|younger than|below) (?:the age of )?(13|16|18|21)\b"),
        lambda m, s: s[: m.start(1)] + _AGES_LOWER[m.group(1)] + s[m.end(1):]), "children"),
    "recipient listed under sharing": (_list_item_under(
        re.compile(r"shar|disclos|recipients|third part"), "Data brokers, who may resell it"), "sharing"),
    "data listed under collection": (_list_item_under(
        re.compile(r"collect|information we|data we|what (?:information|data)"), "Precise geolocation from your device's GPS"), "collection"),
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?")
    parser.add_argument("--step", type=int, default=1, help="every K-th text (1: all)")
    parser.add_argument("--show", action="store_true", help="print every text that fails, not the first 5")
    parser.add_argument("--only", choices=sorted(EDITS) + sorted(HELDOUT_EDITS) + sorted(INPLACE_EDITS) + sorted(REMOVAL_EDITS),
                        help="one edit")
    parser.add_argument("--set", choices=("first", "heldout", "inplace", "removals"), default="first", help="which batch of edits")
    args = parser.parse_args(argv)
    found = eval_corpus.versions_or_skip(args.corpus)
    if found is None:
        return 0
    corpus, items = found
    items = items[:: args.step]
    print(f"{len(items)} distinct version texts from {corpus}")
    totals = [0, 0, 0]
    batch = {"first": EDITS, "heldout": HELDOUT_EDITS, "inplace": INPLACE_EDITS, "removals": REMOVAL_EDITS}[args.set]
    for name, (edit, category) in batch.items():
        if args.only and name != args.only:
            continue
        judged, alerts, right, wrong = 0, 0, 0, []
        for path, text in items:
            edited = edit(text)
            if edited == text:
                continue
            judged += 1
            v = judge_pair(text, edited)
            if v.material:
                alerts += 1
            if v.material and category in v.comparison.categories:
                right += 1
            else:
                why = f"held: {v.problem}" if v.held else v.verdict
                got = ",".join(v.comparison.categories) if v.comparison else ""
                wrong.append((path, f"{'material' if v.material else 'not material'} [{got}]: {why}"))
        for k, n in enumerate((judged, alerts, right)):
            totals[k] += n
        print(f"{name:32} alerts {alerts:4}/{judged:<4} with {category}: {right:4}/{judged:<4}")
        for path, why in wrong[: None if args.show else 5]:
            print(f"    {path.parent.name}/{path.stem}: {why[:160]}")
    judged, alerts, right = totals
    if judged:
        print(f"{'all edits':32} alerts {alerts:4}/{judged:<4} ({alerts / judged:.3f}) with the category: "
              f"{right:4}/{judged:<4} ({right / judged:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
