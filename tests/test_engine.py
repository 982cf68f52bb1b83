"""compare(): the engine end to end, with a fake classifier so the cases test the engine alone."""

from __future__ import annotations

import doctest
import importlib
import json
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.classifier import classify
from monitor.engine import compare as engine
from monitor.classifier.classify import Verdict
from monitor.engine.compare import ClauseChange, compare, summarize
from monitor.engine.result import SEVERITIES

CASES = tomllib.loads((Path(__file__).parent / "cases" / "engine_cases.toml").read_text(encoding="utf-8"))["case"]


def fake_judge(change_type: str, old: str | None, new: str | None, section: str = "", terms=None, context: str = "") -> Verdict:
    text = f"{old or ''} {new or ''}".lower()
    if "sell" in text:
        return Verdict(("sale",), "material", f"sale clause {change_type}", "expands")
    if "retain" in text:
        return Verdict(("retention",), "material", f"retention clause {change_type}", "expands")
    return Verdict(("other",), "minor", f"clause {change_type}")


@pytest.fixture(autouse=True)
def _fake_classifier(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(classify, "judge", fake_judge)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_engine_case(case: dict) -> None:
    result = compare(case["old"], case["new"])
    assert [[c.type, c.severity] for c in result.clauses] == case["changes"]
    assert result.severity == case["severity"]
    assert result.material == (case["severity"] == "material")


def test_noise_clauses_say_why() -> None:
    result = compare("Last updated: May 1, 2024", "Last updated: June 2, 2025")
    assert [c.reason for c in result.clauses] == ["date notice only"]


def test_modified_clause_carries_the_marked_diff() -> None:
    result = compare("## Sale\n\nWe never sell data.", "## Sale\n\nWe sometimes sell data.")
    (change,) = result.clauses
    assert change.diff == "We [-never-]{+sometimes+} sell data."
    assert change.section == "Sale"
    assert (change.old, change.new) == ("We never sell data.", "We sometimes sell data.")


def test_clause_rewritten_in_place_carries_the_marked_diff() -> None:
    # too few words in common for a similarity match; the same place and subject make it one clause
    before = "## Sale\n\nWe hand records to couriers.\n\n"
    old = before + "We do not sell your personal information, and we do not share it with others for their ads."
    new = before + "We may sell your personal information to advertising partners and data brokers."
    (change,) = compare(old + "\n\n## Contact", new + "\n\n## Contact").clauses
    assert change.type == "modified"
    assert change.diff == (
        "We [-do not-]{+may+} sell your personal information[-, and we do not share it with others for their ads-]"
        "{+ to advertising partners and data brokers+}."
    )


def test_split_clause_is_reported_once_with_its_shape() -> None:
    result = compare(
        "We keep your uploads on our servers, and we delete them when you close the account.",
        "We keep your uploads on our servers. We delete them when you close the account.",
    )
    (change,) = result.clauses
    assert (change.type, change.shape) == ("modified", "split")


def test_aggregation_of_categories_direction_and_reason() -> None:
    changes = [
        ClauseChange("modified", "", "a", "b", "", ("sale",), "material", "sale widened", "expands"),
        ClauseChange("added", "", None, "c", "", ("retention", "sale"), "material", "retention longer", "restricts"),
        ClauseChange("added", "", None, "d", "", ("security",), "minor", "minor edit"),
        ClauseChange("moved", "", "e", "e", "", (), "noise", "same text moved"),
    ]
    result = summarize(changes)
    assert result.severity == "material" and result.material
    assert result.categories == ("sale", "retention")  # material clauses only, in CATEGORIES order
    assert result.direction == "mixed"
    assert result.reason == "retention longer (and 1 more material change)"


def test_to_dict_is_json_ready() -> None:
    result = compare("We never sell data.", "We sell data.")
    data = json.loads(json.dumps(result.to_dict()))
    assert data["severity"] == "material"
    assert data["clauses"][0]["categories"] == ["sale"]
    assert set(data["clauses"][0]) >= {"type", "section", "old", "new", "diff", "severity", "reason", "direction"}


def test_compare_is_deterministic() -> None:
    old = "\n\n".join(f"Clause {i} about topic {i % 4} and data." for i in range(40))
    new = "\n\n".join(f"Clause {i} about topic {i % 3} and data." for i in range(40))
    assert compare(old, new) == compare(old, new)


def test_engine_uses_the_real_classifier_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    result = engine.compare("We keep logs.", "We keep logs and photos for analysis purposes.")
    assert result.severity in SEVERITIES
    assert all(c.severity in SEVERITIES for c in result.clauses)


@pytest.mark.parametrize(
    "old,new,kept",
    [
        ("One clause here. Two clause here.", "One clause here. Two clause here.", 1.0),
        ("One clause here. Two clause here.", "Two clause here. Something else entirely.", 0.5),
        ("One clause here.", "Nothing in common at all.", 0.0),
        ("", "A brand new text.", 0.0),
    ],
)
def test_kept_share_of_old_clauses(old: str, new: str, kept: float) -> None:
    assert compare(old, new).kept == kept


_PIECES = st.sampled_from(
    ["We share data.", "We never sell it.", "Keep for 30 days.", "# Rights", "## 2. Cookies", "- an item",
     "* [a link](http://x.test)", "| a | b |", "**bold** words here.", "e.g. Inc. stays.", "", "\n",
     "Updated May 1, 2024"]
)
_DOCS = st.lists(_PIECES, max_size=12).map("\n\n".join)


@settings(deadline=None, max_examples=80)
@given(_DOCS, _DOCS)
def test_marked_diff_rebuilds_both_sides(old: str, new: str) -> None:
    for c in compare(old, new).clauses:
        if c.type == "modified":
            assert re.sub(r"\{\+.*?\+\}", "", c.diff).replace("[-", "").replace("-]", "") == c.old
            assert re.sub(r"\[-.*?-\]", "", c.diff).replace("{+", "").replace("+}", "") == c.new


@settings(deadline=None, max_examples=40)
@given(_DOCS)
def test_a_text_compared_with_itself_has_no_change(doc: str) -> None:
    assert compare(doc, doc + "\n").clauses == ()


@pytest.mark.parametrize(
    "module",
    ["engine.clauses", "engine.slots", "engine.worddiff", "classifier.features", "classifier.classify",
     "classifier.statements", "engine.compare", "engine.pictures", "render.terminal"],
)
def test_docstring_examples_run(module: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the examples show the real classifier's verdicts
    mod = importlib.import_module(f"monitor.{module}")
    result = doctest.testmod(mod)
    assert result.attempted and not result.failed


def _tracker_page(names: list[str]) -> str:
    """A list of ad partners as sibling headings, one name each, the same short pointer under each."""
    entries = "\n\n".join(f"### {n}\n\nMore about this partner is on its own site." for n in names)
    return ("# Your data\n\nWe collect your name and email address to run the service.\n\n"
            "## Advertising partners that track your visits\n\nWith your consent these partners set cookies "
            "to measure and target advertising.\n\n" + entries + "\n\n## Contact\n\nWrite to us at the address below.\n")


def test_a_new_party_in_a_list_of_named_parties_is_material_and_quoted():
    before = ["Northwind Ads", "Blue Heron Media", "Quillstone", "Orbit Metrics"]
    cmp = compare(_tracker_page(before), _tracker_page(before[:2] + ["Kestrel Exchange"] + before[2:]))
    assert cmp.material and "tracking_ads" in cmp.categories and "sharing" in cmp.categories
    assert "'Kestrel Exchange'" in cmp.reason and cmp.direction == "expands"
    dropped = compare(_tracker_page(before), _tracker_page(before[1:]))
    assert dropped.material and "'Northwind Ads' no longer named" in dropped.reason


def test_a_party_heading_dropped_over_text_that_stays_is_sections_merged_not_a_party_gone():
    names = ["Northwind Ads", "Blue Heron Media", "Quillstone", "Orbit Metrics"]
    own = {n: f"{n} measures which of our pages you open, on its own servers." for n in names}
    page = _tracker_page(names)
    for n in names:
        page = page.replace(f"### {n}\n\nMore about this partner is on its own site.",
                            f"### {n}\n\nMore about this partner is on its own site. {own[n]}")
    merged = page.replace("### Quillstone\n\n", "")  # its text now sits under Blue Heron Media
    cmp = compare(page, merged)
    assert not any("no longer named" in c.reason for c in cmp.clauses), cmp.reason
    assert not cmp.material, cmp.reason
    # the same heading dropped with its text is a party gone
    gone = page.replace(f"### Quillstone\n\nMore about this partner is on its own site. {own['Quillstone']}\n\n", "")
    assert "'Quillstone' no longer named" in compare(page, gone).reason


def test_topic_headings_and_lists_of_people_are_not_parties():
    page = "# Privacy Policy\n\n" + "\n\n".join(f"## {n}\n\nWrote the article on our blog." for n in
                                                   ["Ada Byron", "Carl Linna", "Dora Ames", "Emil Frost"])
    assert not compare(page, page + "\n\n## Finn Olsen\n\nWrote the article on our blog.\n").material
    topics = _tracker_page(["Northwind Ads", "Blue Heron Media", "Quillstone"])
    assert not compare(topics, topics.replace("## Contact", "### Your Rights\n\nSee below.\n\n## Contact")).material


def test_a_cookie_banner_captured_above_the_policy_is_noise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real classifier would call the banner's cookie sentences material
    body = "# Privacy Policy\n\n## Cookies\n\nWe use cookies to keep you signed in and to count visits.\n"
    banner = ("This site uses cookies to make the service work and to improve your experience.\n\n"
              "By clicking OK or continuing to browse, you agree that we may set these cookies.\n\nOK\n\n")
    cmp = compare(banner + body, body)
    assert not cmp.material and any(c.reason == "cookie banner captured with the page" for c in cmp.clauses)
    # the same words inside the policy are the policy
    assert compare(body, body.replace("count visits.", "count visits. By clicking OK you agree that we may set "
                                      "advertising cookies that track you across sites.")).material


def test_a_stale_mechanism_brought_in_line_with_the_rest_is_not_material(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    transfers = ("# International transfers\n\nWe transfer personal data to the United States under the EU-U.S. "
                 "Data Privacy Framework, to which we are certified.\n\n")
    old = transfers + "# Your rights\n\nQuestions about our Privacy Shield certification go to our privacy team.\n"
    new = transfers + "# Your rights\n\nQuestions about our Data Privacy Framework certification go to our privacy team.\n"
    assert not compare(old, new).material
    # the same swap where the old version relied on nothing else is a change of mechanism
    fresh = compare(old.replace("Data Privacy Framework, to which we are certified", "Privacy Shield"),
                    new.replace("Data Privacy Framework, to which we are certified", "Data Privacy Framework"))
    assert fresh.material and "transfer" in fresh.categories


def test_a_table_that_replaced_an_image_of_it_is_noise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real classifier would call the rows new sharing
    head = "# Notice for residents\n\nThe table below lists what we disclose.\n\n"
    tail = "\n\nWrite to us with any question.\n"
    table = ("| Data | What we do |\n| --- | --- |\n| Email address and device identifiers | We share them with "
             "advertising networks to target ads. |\n| Purchase records | We share them with payment processors. |")
    cmp = compare(head + "![What we disclose](https://img.test/t.png)" + tail, head + table + tail)
    assert not cmp.material and cmp.severity == "noise"
    # the same table where no picture stood is new text
    assert compare(head.rstrip() + tail, head + table + tail).material


def test_a_destination_restated_in_more_sentences_is_no_new_destination(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    head = "# International transfers\n\n"
    old = head + "When we transfer data from the EEA to the United States, we rely on standard contractual clauses.\n"
    new = (head + "When we transfer data from the EEA, we rely on standard contractual clauses.\n\n"
           "This includes every transfer to the United States.\n")
    assert not compare(old, new).material


def test_a_contact_change_beside_a_material_change_is_reported_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    old = ("# Sharing\n\nWe do not sell your personal information.\n\n"
           "# Contact us\n\nWrite to our privacy team at 1 Harbour Road, Portsmouth.\n")
    new = old.replace("do not sell", "may sell").replace("1 Harbour Road", "9 Mill Lane")
    cmp = compare(old, new)
    assert cmp.material and "sale" in cmp.categories and "scope_contact" in cmp.categories
    # alone, the contact change is no alert
    assert not compare(old, old.replace("1 Harbour Road", "9 Mill Lane")).material


def test_a_collection_source_stated_in_another_changed_clause_only_moved(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    old = ("# What we collect\n\nWe collect your name when you sign up, and we obtain personal information "
           "from third-party sources such as event organisers.\n\n# Contact\n\nWrite to us.\n")
    new = ("# What we collect\n\nWe collect your name when you sign up.\n\n# Contact\n\nWrite to us.\n\n"
           "# Other sources\n\nWe obtain personal information from third-party sources such as event organisers.\n")
    assert not compare(old, new).material
    fresh = new.replace("We obtain personal information", "Now and then we obtain personal information")
    assert compare(old.replace(", and we obtain personal information from third-party sources such as event "
                               "organisers", ""), fresh).material


_RETENTION_TABLE = """# Privacy Policy

## What we process

| | | |
|---|---|---|
| Purpose | Data | Retention |
| Support tickets | Name, email address, ticket text | {tickets} after the ticket is closed |
| Invoices | Billing address, amounts | 10 years, as tax law requires |
"""


def test_a_table_cell_is_read_with_its_header_a_period_in_a_retention_column_is_retention(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.undo()  # the real classifier: the header is what it reads
    cmp = compare(_RETENTION_TABLE.format(tickets="2 years"), _RETENTION_TABLE.format(tickets="8 years"))
    assert cmp.material and "retention" in cmp.categories, cmp.reason
    assert "'2 years' became '8 years'" in cmp.reason and cmp.direction == "expands"


def test_a_table_that_opens_with_prose_lends_no_header_to_its_rows(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.undo()
    # a table used for layout: its first row is a paragraph, which says nothing of what the cells below are
    page = ("# Privacy Policy\n\n| We explain below what we keep and why. This table is for reading ease. | |\n|---|---|\n"
            "| Our founders | started the company {n} years ago in a small office |\n")
    assert not compare(page.format(n=5), page.format(n=6)).material


def test_a_page_that_holds_the_policy_twice_is_no_change(monkeypatch: pytest.MonkeyPatch):
    # an extractor that caught two renderings of one page: every list item and party heading twice
    monkeypatch.undo()
    page = _tracker_page(["Northwind Ads", "Blue Heron Media", "Quillstone", "Orbit Metrics"])
    page += ("\n\n## What we collect\n\n* your name and email address\n* the pages you open\n"
             "* your device's IP address\n* the messages you send to support\n")
    cmp = compare(page, f"{page}\n\n{page}")
    assert not cmp.material, cmp.reason
    # one item added to a second list under the same heading is still a change
    second = page + "\n\nFrom partners we receive:\n\n* your name and email address\n"
    assert any(c.severity != "noise" for c in compare(page, second).clauses)
