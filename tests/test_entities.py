"""Sub-processor lists read as entities and DPAs read as promises (monitor.entities), in the pure core."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from entity_pages import ACME, ROWS, bulleted_list, dpa, headed_entities, headings_per_product, html_table, markdown_table
from monitor.engine.gate import compare, judge_page
from monitor.entities.compare import widens
from monitor.entities.notice import deadline, notice_of
from monitor.entities.read import read
from monitor.text.extract import extract_text
from monitor.text.normalize import normalize_text
from monitor.text.quality import assess


def text_of(page: str) -> str:
    fmt = "markdown" if page.startswith("#") else "html"
    return normalize_text(extract_text(page, fmt))


def entities(page: str) -> list[tuple[str, str, str]]:
    return sorted((e.name, e.purpose.lower(), e.location) for e in read(text_of(page)).entities)


EXPECTED = sorted((n, p.lower(), c) for n, p, c in ROWS)


@pytest.mark.parametrize("page", [html_table(), markdown_table(), bulleted_list(), headed_entities()],
                         ids=["html-table", "markdown-table", "bulleted-list", "heading-per-entity"])
def test_every_shape_reads_as_the_same_entities(page):
    assert entities(page) == EXPECTED


def test_headings_per_product_name_what_each_entity_serves():
    listing = read(text_of(headings_per_product({"Chat": ROWS[:3], "CRM": ROWS[2:4]})))
    assert {(e.name, e.serves) for e in listing.entities} == {
        ("Amazon Web Services, Inc.", "Chat"), ("Cloudflare, Inc.", "Chat"), ("Stripe, Inc.", "Chat"),
        ("Stripe, Inc.", "CRM"), ("Mailgun Technologies", "CRM"),
    }


def test_sentences_in_a_list_stay_prose():
    listing = read("# Your rights\n\n- You may ask us for a copy of the personal data we hold about you.\n"
                   "- You may ask us to delete it, and we will do so within thirty days of the request.\n")
    assert listing.entities == [] and len(listing.prose) == 3


def judge(old: str, new: str):
    return compare(text_of(old), text_of(new), "subprocessors")


def test_a_new_sub_processor_is_material_and_named_with_purpose_and_place():
    cmp = judge(html_table(), html_table(ROWS + [ACME]))
    assert cmp.material and cmp.categories == ("sharing",)
    assert cmp.reason == "new sub-processor: Acme Analytics (product analytics; United States)"
    assert cmp.entities == ({"change": "added", "name": "Acme Analytics", "purpose": "Product analytics",
                             "location": "United States", "severity": "material", "categories": ["sharing"],
                             "reason": cmp.reason},)


def test_a_new_sub_processor_in_a_country_new_to_the_list_is_also_a_transfer():
    cmp = judge(html_table(), html_table(ROWS + [("Kyoto Render KK", "Image processing", "Japan")]))
    assert cmp.categories == ("sharing", "transfer") and cmp.entities[0]["new_countries"] == ["Japan"]


def test_a_removed_sub_processor_is_minor():
    cmp = judge(html_table(), html_table(ROWS[:-1]))
    assert (cmp.severity, cmp.direction) == ("minor", "restricts")
    assert cmp.reason == "sub-processor removed: Sentry (error monitoring; Germany)"


def test_a_country_added_to_an_entity_is_a_material_transfer():
    moved = [ROWS[0], ROWS[1], (ROWS[2][0], ROWS[2][1], "United States, India"), *ROWS[3:]]
    cmp = judge(html_table(), html_table(moved))
    assert cmp.material and cmp.categories == ("transfer",)
    assert cmp.reason == "Stripe, Inc. now processes data in India (was United States); new to the list: India"
    assert cmp.entities[0]["change"] == "location" and cmp.entities[0]["old_location"] == "United States"


def test_a_country_spelled_another_way_is_no_change():
    respelled = [(n, p, c.replace("United States", "USA")) for n, p, c in ROWS]
    assert judge(html_table(), html_table(respelled)).severity == "noise"


@pytest.mark.parametrize("old, new", [
    (html_table(), html_table(sorted(ROWS, key=lambda r: r[2] + r[0]))),
    (html_table(), bulleted_list()),
    (markdown_table(), html_table(list(reversed(ROWS)))),
], ids=["re-sorted", "table-to-list", "markdown-to-html-reversed"])
def test_a_reordered_or_re_laid_out_list_is_noise(old, new):
    cmp = judge(old, new)
    assert (cmp.severity, cmp.material, cmp.entities) == ("noise", False, ())
    assert "re-ordered or re-laid out" in cmp.reason


def test_a_renamed_entity_is_minor_not_a_new_recipient():
    renamed = [(("Twilio SendGrid" if n.startswith("Twilio") else n), p, c) for n, p, c in ROWS]
    cmp = judge(html_table(), html_table(renamed))
    assert cmp.severity == "minor" and cmp.entities[0]["change"] == "renamed"
    assert cmp.reason == "sub-processor renamed: Twilio Inc. → Twilio SendGrid"


def test_another_company_doing_the_same_job_is_a_new_recipient():
    swapped = [(("Postmark Labs" if n.startswith("Mailgun") else n), p, c) for n, p, c in ROWS]
    changes = {d["change"]: d for d in judge(html_table(), html_table(swapped)).entities}
    assert set(changes) == {"added", "removed"} and changes["added"]["severity"] == "material"


@pytest.mark.parametrize("old, new, wider", [
    ("Email delivery", "Email delivery and advertising", True),
    ("Cloud hosting", "Cloud hosting, analytics", True),
    ("Cloud hosting", "Cloud infrastructure hosting", False),
    ("Payments and fraud prevention", "Payments", False),
])
def test_a_purpose_widens_when_it_adds_a_job(old, new, wider):
    assert widens(old, new) is wider


def test_a_widened_purpose_is_material():
    wider = [(n, ("Transactional email and marketing analytics" if n.startswith("Mailgun") else p), c) for n, p, c in ROWS]
    cmp = judge(html_table(), html_table(wider))
    assert cmp.material and cmp.entities[0]["change"] == "purpose"


def test_the_notice_period_is_recorded_and_dated_from_the_day_seen():
    cmp = judge(html_table(), html_table(ROWS + [ACME])).dated(date(2026, 12, 1))
    assert cmp.notice["days"] == 30 and cmp.objection_deadline == "2026-12-31"


def test_an_effective_date_on_the_page_is_the_deadline():
    page = html_table(ROWS + [ACME]).replace("</p>", " New sub-processors take effect on 15 January 2027.</p>", 1)
    cmp = judge(html_table(), page).dated(date(2026, 12, 1))
    assert cmp.objection_deadline == "2027-01-15"


def test_a_removal_alone_has_no_objection_deadline():
    assert judge(html_table(), html_table(ROWS[:-1])).dated(date(2026, 12, 1)).objection_deadline is None


@pytest.mark.parametrize("text, expected", [
    ("We give at least thirty (30) days' notice before engaging a new sub-processor.", {"days": 30}),
    ("Changes to this list take effect on 1 March 2027.", {"effective": "2027-03-01"}),
    ("New entries are effective March 1.", {"effective": "--03-01"}),
    ("We update this page from time to time.", None),
])
def test_notice_as_stated(text, expected):
    found = notice_of(text)
    if expected is None:
        assert found is None
    else:
        assert {k: found[k] for k in expected} == expected


def test_a_date_with_no_year_is_the_next_one():
    assert deadline({"effective": "--03-01"}, date(2026, 12, 1)) == "2027-03-01"


# --- the quality gate ---------------------------------------------------------------------------
def test_a_short_list_naming_ddos_protection_is_not_a_bot_wall():
    text = text_of(html_table())
    assert len(text) < 3000 and "ddos protection" in text.lower()
    assert assess(text) is None
    assert judge_page(text, None, "subprocessors") == (None, None)


def test_a_list_with_no_sentences_is_content_for_a_sub_processor_list():
    rows = "\n".join(f"{n.split(',')[0].removesuffix(' Inc.')} | {p} | {c}" for n, p, c in ROWS)
    text = f"# Sub-processors\n\nName | Purpose | Location\n{rows}\n"
    assert assess(text) is not None and assess(text).kind == "empty"  # as any page
    assert judge_page(text, None, "subprocessors") == (None, None)  # ... but a list is all content


@pytest.mark.parametrize("page", [
    "Just a moment... Checking your browser before accessing tallyhoo.example. This process is automatic. "
    "Your browser will redirect to your requested content shortly. DDoS protection by Cloudflare. Ray ID: 7a1b2c3d",
    "Attention Required! One more step. Please complete the security check to access the site. Why do I have to "
    "complete a CAPTCHA? Privacy - Terms",
    "Verify you are human by completing the action below. Tallyhoo needs to review the security of your connection.",
], ids=["cdn-challenge", "captcha", "turnstile"])
def test_a_challenge_page_is_still_a_bot_wall(page):
    assert assess(page).kind == "bot_wall"


# --- DPAs ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("new, category, reason", [
    (dpa(breach="without undue delay"), "security", "security: breach notice 'within 72 hours' became 'without undue delay'"),
    (dpa(breach="within 7 days"), "security", "security: breach notice 'within 72 hours' became 'within 7 days'"),
    (dpa(notice=10), "change_notice", "change_notice: sub-processor notice '30 days before' became '10 days before'"),
    (dpa(audit=False), "rights", "rights: audit right"),
    (dpa(scc=False), "transfer", "transfer: mechanism 'Standard Contractual Clauses' dropped; no transfer mechanism left"),
], ids=["breach-undue-delay", "breach-longer", "notice-shortened", "audit-removed", "scc-dropped"])
def test_a_weakened_dpa_promise_is_material_with_the_clause_before_and_after(new, category, reason):
    cmp = compare(dpa(), new, "dpa")
    assert cmp.material and category in cmp.categories and cmp.reason.startswith(reason)
    carrier = next(c for c in cmp.clauses if c.severity == "material")
    assert carrier.old and (carrier.new or carrier.type == "removed")


def test_a_strengthened_dpa_promise_is_not_material():
    assert not compare(dpa(breach="within 72 hours"), dpa(breach="within 48 hours"), "dpa").material
    assert not compare(dpa(notice=30), dpa(notice=45), "dpa").material


def test_a_dpa_promise_moved_to_another_section_is_no_weakening():
    old = dpa()
    moved = old.replace("## Audits\n\nCustomer may audit", "## Audits\n\nTallyhoo") .replace(
        "## Term\n\n", "## Term\n\nCustomer may audit Tallyhoo's compliance with this Addendum once a year on thirty days' notice.\n\n")
    assert "rights: audit right" not in compare(old, moved, "dpa").reason


def test_an_effective_date_column_dates_the_new_entry():
    head = "| Name | Purpose | Location | Effective date |\n|---|---|---|---|\n"
    old = head + "| Stripe | Payments | US | 1 May 2024 |\n| Mailgun | Email | Germany | 1 May 2024 |\n"
    new = old + "| Acme Analytics | Product analytics | United States | 15 February 2027 |\n"
    cmp = compare(old, new, "subprocessors").dated(date(2026, 12, 1))
    added = cmp.entities[0]
    assert (added["effective"], added["effective_date"], cmp.objection_deadline) == ("15 February 2027", "2027-02-15", "2027-02-15")


def test_the_message_says_by_when_to_object_and_why_that_day():
    from monitor.render.messages import Event, render_change

    cmp = judge(html_table(), html_table(ROWS + [ACME])).dated(date(2026, 12, 1))
    event = Event(1, "change", "tallyhoo/subprocessors", "tallyhoo", "Tallyhoo", "subprocessors", cmp.severity,
                  cmp.categories, cmp.reason, tuple(c for c in cmp.to_dict()["clauses"]), 1, 2,
                  entities=cmp.entities, notice={**cmp.notice, "objection_deadline": cmp.objection_deadline})
    body = render_change(event, "markdown").body
    assert "Object by: **2026-12-31** (the page gives 30 days' notice)" in body
    assert "Acme Analytics — Product analytics — United States" in body


def test_one_list_split_into_lists_per_product_is_a_layout_not_new_recipients():
    split = headings_per_product({"Chat": ROWS[:4], "CRM": ROWS[4:]})
    cmp = judge(html_table(), split)
    assert (cmp.material, cmp.entities) == (False, ())  # the new product headings themselves are minor


def test_a_company_added_to_one_product_only_is_new_for_that_product():
    old = headings_per_product({"Chat": ROWS[:4], "CRM": ROWS[2:6]})
    new = headings_per_product({"Chat": ROWS[:4], "CRM": [ROWS[0], *ROWS[2:6]]})
    cmp = judge(old, new)
    assert cmp.reason == "new sub-processor: Amazon Web Services, Inc. (cloud hosting; United States, Ireland) for CRM"


@pytest.mark.parametrize("header", ["Processing location", "Country of processing", "Corporate location"])
def test_a_location_header_in_other_words(header):
    text = f"| Service provider | Purpose of processing | {header} |\n|---|---|---|\n| Stripe | Payments | US |\n| Mailgun | Email | Germany |\n"
    assert [(e.name, e.location) for e in read(text).entities] == [("Stripe", "US"), ("Mailgun", "Germany")]


@settings(max_examples=40, deadline=None)
@given(order=st.permutations(ROWS), as_list=st.booleans())
def test_any_order_in_any_layout_is_noise(order, as_list):
    cmp = judge(html_table(), bulleted_list(list(order)) if as_list else html_table(list(order)))
    assert (cmp.severity, cmp.entities) == ("noise", ())


def test_two_location_columns_are_both_the_entity_s_places():
    text = ("| Sub-processor | Corporate location | Processing location | Purpose |\n|---|---|---|---|\n"
            "| Stripe | United States | Ireland | Payments |\n| Mailgun | United States | Germany | Email |\n")
    assert [e.countries for e in read(text).entities] == [("United States", "Ireland"), ("United States", "Germany")]
