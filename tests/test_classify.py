"""Clause-change classification: table-driven cases plus invariants of the judgement."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.classifier.classify import CATEGORIES, Verdict, categorize, judge, normalize

CASES = tomllib.loads((Path(__file__).parent / "cases" / "classify_cases.toml").read_text("utf-8"))["case"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case: dict) -> None:
    v = judge(case["change_type"], case.get("old"), case.get("new"), case.get("section", ""))
    assert v.severity == case["severity"], v
    missing = set(case.get("categories", [])) - set(v.categories)
    assert not missing, f"missing categories {missing}: {v}"
    if "direction" in case:
        assert v.direction == case["direction"], v
    if "reason" in case:
        assert case["reason"] in v.reason, v
    if v.severity == "minor":
        assert v.direction == "none", v


def test_case_ids_unique() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))


def test_markdown_is_stripped_for_matching() -> None:
    v = judge(
        "modified",
        "We **do not** sell your data. See [our partners](https://example.org/partners).",
        "We **may** sell your data. See [our partners](https://example.org/p2).",
    )
    assert v.severity == "material" and "sale" in v.categories


def test_normalize() -> None:
    assert normalize("We **don’t** [sell](http://x.y/z)  it.") == "we do not sell it."  # contractions written out
    assert normalize("We won't, and can't. It isn't.") == "we will not, and cannot. it is not."


@pytest.mark.parametrize(
    ("text", "section", "expected"),
    [
        ("We may share your location with advertisers.", "", {"sharing", "tracking_ads"}),
        ("We keep logs for 90 days.", "Data retention", {"retention"}),
        ("Children under 13 may not use the service.", "", {"children"}),
        ("Hello there.", "", {"other"}),
    ],
)
def test_categorize(text: str, section: str, expected: set[str]) -> None:
    assert expected <= set(categorize(text, section))


def test_reason_is_one_line() -> None:
    v = judge("modified", "We do not sell data.\nWe keep logs for 30 days.", "We may sell data.\nWe keep logs for 2 years.")
    assert "\n" not in v.reason and v.severity == "material"


_words = st.sampled_from(
    "we you may share sell collect data brokers partners location email 30 days years opt out not never "
    "with your consent only and the to for advertising children under 13 rights privacy shield".split()
)
_clause = st.lists(_words, min_size=0, max_size=25).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(["added", "removed", "modified", "moved"]), old=_clause, new=_clause, section=_clause)
def test_verdict_shape(kind: str, old: str, new: str, section: str) -> None:
    v = judge(kind, None if kind == "added" else old, None if kind == "removed" else new, section)
    assert isinstance(v, Verdict)
    assert v.severity in ("minor", "material")
    assert v.direction in ("expands", "restricts", "mixed", "none")
    assert v.categories and set(v.categories) <= set(CATEGORIES)
    assert v.reason and "\n" not in v.reason


@settings(max_examples=100, deadline=None)
@given(text=_clause, section=_clause)
def test_unchanged_wording_is_minor(text: str, section: str) -> None:
    assert judge("modified", text, text, section).severity == "minor"


def test_a_term_that_moved_to_another_changed_clause_is_no_change() -> None:
    from monitor.classifier.classify import document_terms

    old = "We collect your name, email address and location to run the service."
    new = "We collect your name and email address to run the service."
    alone = judge("modified", old, new, "Information we collect")
    assert alone.severity == "material" and "location" in alone.reason
    from collections import Counter

    elsewhere = {"old": Counter(document_terms(old)), "new": Counter(document_terms(new))}
    elsewhere["new"].update(document_terms("Location data is also collected."))  # another changed clause
    moved = judge("modified", old, new, "Information we collect", elsewhere)
    assert moved.severity == "minor" and moved.reason.startswith("terms moved, not changed: ")


def test_a_new_practice_term_stays_material_when_the_other_side_never_named_it() -> None:
    from monitor.classifier.classify import document_terms

    new = "We collect the contents of your messages to train our models."
    from collections import Counter

    terms = {"old": Counter(document_terms("We collect your name.")), "new": Counter(document_terms(new))}
    assert judge("added", None, new, "Information we collect", terms).severity == "material"


def test_words_of_a_url_state_no_practice():
    old = "Join the launch webinar](https://example.test/webinars/register/?utm_content=Video&src=mail)"
    new = "Watch the recording any time](https://example.test/webinars/ondemand/)"
    assert judge("modified", old, new).severity == "minor"


def test_a_renamed_link_label_is_not_a_changed_promise():
    old = "You can opt out of such sharing with the “Do Not Sell or Share My Personal Information” link below."
    new = "You can opt out of such sharing with the “Your Privacy Choices” link below."
    assert judge("modified", old, new).severity == "minor"
    assert judge("modified", "We do not sell your personal information.", "We may sell your personal information.").severity == "material"


def test_a_sentence_that_only_points_elsewhere_is_minor():
    v = judge("removed", "For further information on our advertising partner services, see here.", None, "Partners")
    assert v.severity == "minor" and v.reason.startswith("pointer to another page")
    assert judge("removed", "We share your browsing history with advertising partners.", None, "Partners").severity == "material"


def test_recording_what_visitors_type_is_a_tracking_practice():
    old = ("We may collect what you submit in our forms. We may also use third party analytics scripts to "
           "record your input into these fields before you submit it.")
    new = "We may collect what you submit in our forms."
    v = judge("modified", old, new, "Information we collect")
    assert v.severity == "material" and "tracking_ads" in v.categories


def test_a_product_renamed_to_something_ads_is_no_new_purpose():
    old = "Partners help us deliver features to you, such as Talent Branding."
    new = "Partners help us deliver features to you, such as Example Ads."
    assert judge("modified", old, new).severity == "minor"


def test_a_new_route_to_a_regulator_for_complaints_is_a_right():
    v = judge("added", None, "Under the framework we commit to cooperate with the panel of the data protection "
              "authorities with regard to unresolved complaints about our handling of your data.", "Transfers")
    assert v.severity == "material" and "rights" in v.categories and "unresolved complaints" in v.reason


def test_an_address_to_write_to_is_a_channel_not_collected_data():
    v = judge("added", None, "Use the following e-mail address to request the data we saved about you in the "
              "events app: events-privacy@example.test", "Your rights")
    assert "collection" not in v.categories or v.severity != "material" or "e-mail" not in v.reason
    assert judge("added", None, "We collect your e-mail address when you register for an event.",
                 "Information we collect").severity == "material"


def test_declaring_itself_a_data_broker_states_a_sale():
    v = judge("added", None, "The company that runs this website is a data broker under state law.", "Consumer notice")
    assert v.severity == "material" and v.categories[0] == "sale" and "data broker" in v.reason
    assert judge("added", None, "We are not a data broker.", "Consumer notice").severity == "minor"


def test_a_footnote_defining_a_term_is_minor_unless_it_names_data_flowing():
    v = judge("added", None, "*Means any public body or administration that a law or a regulation entitles to receive "
              "personal information.", "How we use data")
    assert v.severity == "minor" and v.reason.startswith("definition of a term")
    flow = judge("added", None, '"Partners" means the advertisers that receive your browsing history from us.', "Definitions")
    assert flow.severity == "material"


@pytest.mark.parametrize("text, found", [
    ("we share your personal data with partners in exchange for a fee.", True),
    ("personal information may be disclosed to advertisers for monetary or other valuable consideration.", True),
    ("we never provide your information to anyone in exchange for money.", False),
    ("we do not disclose personal data to partners for monetary consideration.", False),
    ("you may receive rewards in exchange for sharing your information with us.", False),
])
def test_a_sale_in_other_words_and_its_denial(text: str, found: bool) -> None:
    from monitor.classifier.statements import sale_for_value

    assert bool(sale_for_value(text)) is found
