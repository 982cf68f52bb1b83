"""Alignment of old and new clauses, and the word diff inside modified ones."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.engine import worddiff
from monitor.engine.align import ADDED, MODIFIED, MOVED, REMOVED, UNCHANGED, align
from monitor.engine.clauses import segment


def _summary(old: str, new: str) -> list[tuple[str, list[str], list[str]]]:
    a, b = segment(old), segment(new)
    return [(p.type, [a[i].text for i in p.old], [b[j].text for j in p.new]) for p in align(a, b)]


def test_identical_texts_are_unchanged() -> None:
    text = "# Data\n\nWe collect your e-mail address. We keep it safe."
    assert {t for t, _, _ in _summary(text, text)} == {UNCHANGED}


def test_reordered_paragraphs_are_moved() -> None:
    old = "Alpha clause about storage.\n\nBeta clause about cookies.\n\nGamma clause about rights."
    new = "Gamma clause about rights.\n\nAlpha clause about storage.\n\nBeta clause about cookies."
    kinds = sorted(t for t, _, _ in _summary(old, new))
    assert kinds == [MOVED, UNCHANGED, UNCHANGED]


def test_renumbered_headings_are_unchanged() -> None:
    old = "## 5. Sharing\n\nWe share with carriers."
    new = "## 6. Sharing\n\nWe share with carriers."
    assert all(t == UNCHANGED for t, _, _ in _summary(old, new))


def test_modified_added_removed() -> None:
    old = "We keep logs for thirty days after your last visit.\n\nWe use a fax line for support requests."
    new = "We keep logs for two years after your last visit.\n\nWe may transfer data to partners abroad."
    result = _summary(old, new)
    assert (MODIFIED, [segment(old)[0].text], [segment(new)[0].text]) in result
    assert (REMOVED, ["We use a fax line for support requests."], []) in result
    assert (ADDED, [], ["We may transfer data to partners abroad."]) in result


def test_sentence_split_in_two_is_one_modified_pair() -> None:
    old = "We share your profile with service providers, and they must protect it under contract."
    new = "We share your profile with service providers. They must protect it under contract."
    result = _summary(old, new)
    assert len(result) == 1
    kind, olds, news = result[0]
    assert kind == MODIFIED and len(olds) == 1 and len(news) == 2


def test_removed_clause_is_placed_where_it_was() -> None:
    old = "First stays.\n\nSecond goes away entirely now.\n\nThird stays."
    new = "First stays.\n\nThird stays."
    assert [t for t, _, _ in _summary(old, new)] == [UNCHANGED, REMOVED, UNCHANGED]


def test_every_clause_is_paired_exactly_once() -> None:
    old = "\n\n".join(f"Clause number {i} says item {i % 7} is kept." for i in range(60))
    new = "\n\n".join(f"Clause number {i} says item {i % 5} is kept." for i in range(0, 60, 2))
    a, b = segment(old), segment(new)
    pairs = align(a, b)
    assert sorted(i for p in pairs for i in p.old) == list(range(len(a)))
    assert sorted(j for p in pairs for j in p.new) == list(range(len(b)))


DIFF_CASES = [
    ("quantity", "We keep data for 30 days.", "We keep data for 2 years.", "We keep data for [-30 days-]{+2 years+}."),
    ("negation", "We do not sell data.", "We sell data.", "We [-do not -]sell data."),
    ("added words", "We share data.", "We share data with advertisers.", "We share data{+ with advertisers+}."),
    ("same", "Same text.", "Same text.", "Same text."),
]


@pytest.mark.parametrize("old,new,marked", [c[1:] for c in DIFF_CASES], ids=[c[0] for c in DIFF_CASES])
def test_word_diff_marks(old: str, new: str, marked: str) -> None:
    assert worddiff.mark(worddiff.diff(old, new)) == marked


def test_word_diff_never_cuts_a_word() -> None:
    ops = worddiff.diff("We retain records.", "We retrain recorders.")
    assert ops == [(0, "We "), (-1, "retain records"), (1, "retrain recorders"), (0, ".")]


_TOKENS = ["a", "b", " ", "cd", ".", ",", "\n", "share", "sell", " not ", "éß", "📎"]
_TEXT = st.lists(st.sampled_from(_TOKENS), max_size=40).map("".join)


@settings(deadline=None, max_examples=200)
@given(_TEXT, _TEXT)
def test_word_diff_applied_to_old_gives_new(old: str, new: str) -> None:
    ops = worddiff.diff(old, new)
    assert worddiff.apply(old, ops) == new
    assert "".join(t for op, t in ops if op != worddiff.INSERT) == old


def test_apply_rejects_a_foreign_diff() -> None:
    with pytest.raises(ValueError):
        worddiff.apply("something else", worddiff.diff("We share.", "We sell."))


def test_sentence_turned_into_a_list_is_one_modified_pair() -> None:
    old = (
        "The categories are contact details (such as name and postal address); payment details (such as card "
        "numbers and billing history); device details (such as model and operating system); and usage details "
        "(such as pages viewed and search terms)."
    )
    new = (
        "The categories are:\n\n- Contact details (such as name and postal address);\n"
        "- Payment details (such as card numbers and billing history);\n"
        "- Device details (such as model and operating system);\n"
        "- Usage details (such as pages viewed and search terms)."
    )
    result = _summary(old, new)
    assert [(t, len(o), len(n)) for t, o, n in result] == [(MODIFIED, 1, 5)]


def test_same_words_other_dates_pair_as_modified() -> None:
    result = _summary("Version of 3 May 2024.\n\nBody text stays.", "Version of 9 June 2025.\n\nBody text stays.")
    assert result[0] == (MODIFIED, ["Version of 3 May 2024."], ["Version of 9 June 2025."])


def test_table_row_with_the_same_label_pairs_as_modified() -> None:
    old = "Data | Kept\nLogs | 30 days\nPhotos | until deleted"
    new = "Data | Kept\nLogs | 2 years\nPhotos | until deleted"
    assert _summary(old, new)[1] == (MODIFIED, ["Logs | 30 days"], ["Logs | 2 years"])


def test_labelled_items_pair_only_when_the_label_is_unique() -> None:
    old = "- Email: used to sign in\n- Phone: used for recovery"
    new = "- Email: kept for marketing too\n- Phone: sold to brokers"
    assert [t for t, _, _ in _summary(old, new)] == [MODIFIED, MODIFIED]
    twice = "- Note: logs kept\n- Note: nothing sold"
    assert {t for t, _, _ in _summary(twice, "- Note: photos public\n- Note: cookies expire")} == {ADDED, REMOVED}


# Same-slot pairing: a removed and an added clause between the same neighbours are one clause rewritten
# when they share real content, though too little for a similarity match; otherwise they stay apart.
_BEFORE = "# Sharing\n\nWe hand parcels to couriers.\n\n"
_AFTER = "\n\n# Contact\n\nWrite to the front desk."
SLOT_CASES = [
    ("promise reversed",
     "We do not sell your personal information, and we do not share it with third parties for their advertising.",
     "We may sell your personal information to advertising partners and data brokers.",
     [MODIFIED]),
    ("period rewritten", "We delete usage logs after 30 days.", "We keep usage logs for 2 years.", [MODIFIED]),
    ("unrelated sentences", "We use a fax line for support requests.", "We may transfer data to partners abroad.",
     [REMOVED, ADDED]),
    ("only generic words shared", "We use personal information to run the service.",
     "Personal information about users is shown on the account page.", [REMOVED, ADDED]),
    ("only a date shared", "The lobby was repainted by 30 May 2020.", "Fees for gardeners and cleaners rose in 2020 from 30 May.",
     [REMOVED, ADDED]),
    ("clear best pair of two", "We delete usage logs after 30 days. We answer letters within a week.",
     "We keep usage logs for 2 years. Billing records go to our auditors.", [MODIFIED, REMOVED, ADDED]),
    ("two equally good rewrites", "We delete usage logs after 30 days. We anonymize usage logs after 90 days.",
     "We keep usage logs for 2 years.", [REMOVED, REMOVED, ADDED]),
]


@pytest.mark.parametrize("old,new,kinds", [c[1:] for c in SLOT_CASES], ids=[c[0] for c in SLOT_CASES])
def test_same_slot_pairing(old: str, new: str, kinds: list[str]) -> None:
    result = _summary(_BEFORE + old + _AFTER, _BEFORE + new + _AFTER)
    assert [t for t, _, _ in result if t != UNCHANGED] == kinds


def test_same_slot_needs_the_same_neighbours() -> None:
    old = "We hand parcels to couriers.\n\nWe delete usage logs after 30 days.\n\nWrite to the front desk."
    new = "We keep usage logs for 2 years.\n\nWe hand parcels to couriers.\n\nWrite to the front desk."
    assert sorted(t for t, _, _ in _summary(old, new) if t != UNCHANGED) == [ADDED, REMOVED]
