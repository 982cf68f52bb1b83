"""The pair gate that `diff` shares with `check`: junk is held and says why; a language the engine
has no lexicon for is reported as not analysed, never as a minor change."""

from __future__ import annotations

import json

import pytest

from typer.testing import CliRunner

from monitor.cli.app import app
from monitor.engine.gate import judge_pair

SECTIONS = {
    "Information we collect": "We collect your name, email address and billing details when you sign up. "
    "We record which features you use so that we can fix errors.",
    "How we share it": "We share data with payment processors that charge your card. We never sell your "
    "personal information to anyone.",
    "Retention": "We keep support tickets for two years. Server logs are deleted after 30 days.",
    "Your choices": "You can export or delete your account at any time from the settings page. You may "
    "unsubscribe from marketing email with the link in each message.",
    "Changes": "We will post any change to this policy on this page and email you before it applies.",
}


def policy(sections: dict[str, str] = SECTIONS, where: str = "in region", **replace: str) -> str:
    """A policy of some length, each sentence once: the same sections for several regions."""
    body = {**sections, **replace}
    return "\n\n".join(
        f"# {title} {where} {k}\n\n{text.replace('.', f' {where} {k}.')}"
        for k in range(10) for title, text in body.items()
    )


def test_an_outage_page_as_new_version_is_held_not_material():
    v = judge_pair(policy(), "# Service unavailable\n\nOur servers are under maintenance. Try again later.")
    assert not v.material and v.held
    assert v.quality["problem"] == "outage" and "unavailable" in v.quality["evidence"]
    assert v.verdict.startswith("not reported: ")


def test_an_old_side_error_page_is_held_too():
    v = judge_pair("Just a moment... Checking your browser before accessing the site.", policy())
    assert v.quality["problem"] == "wall" and not v.material


def test_a_capture_cut_off_mid_policy_is_truncated():
    full = policy()
    v = judge_pair(full, full[: int(len(full) * 0.6)])
    assert v.quality["problem"] == "truncated" and not v.material
    assert "where the previous version goes on" in v.quality["evidence"]


def test_a_cut_capture_of_a_page_that_repeats_a_passage_is_still_truncated():
    # the passage the capture stops on is given again near the end: the cut is at the first copy
    passage = "# In short\n\n" + " ".join(SECTIONS.values())
    full = f"{policy()}\n\n{passage}\n\n{policy(where='in zone')}\n\n{passage}\n\nWrite to us with questions."
    cut = full[: full.index(passage) + len(passage)]
    assert judge_pair(full, cut).quality["problem"] == "truncated"


def test_a_text_that_stops_mid_sentence_is_truncated_though_it_lost_little():
    full = "\n\n".join(policy(where=f"in region {w}") for w in "abcdefgh")
    cut = full[: int(len(full) * 0.96)].rstrip(" .")
    assert len(full) - len(cut) > 2000 and not cut.endswith(".")
    assert judge_pair(full, cut).quality["problem"] == "truncated"
    # the same loss ending on a full stop is an edit that removed the end: it is judged
    ended = cut[: cut.rindex(".") + 1]
    assert judge_pair(full, ended).quality["problem"] == "none"


def test_the_last_sections_swapped_lose_nothing():
    # the text now ends where the other goes on, but what followed there is still here, earlier
    rights = "# Your rights\n\n" + " ".join(f"You may ask us to correct record {k} at any time." for k in range(60))
    kept = "# Storage\n\n" + " ".join(f"Backup set {k} is kept for ninety days." for k in range(60))
    v = judge_pair(f"{policy()}\n\n{rights}\n\n{kept}", f"{policy()}\n\n{kept}\n\n{rights}")
    assert not v.held and not v.material, v.quality


def test_an_address_given_at_the_top_and_at_the_end_is_no_cut():
    # the old text ends on its contact block, without a full stop, and the same block heads the page;
    # the new one rewords the block at the end: the old text's last words are found only at the top
    contact = ("Example Chat Ltd, Data Protection Officer, 1 Harbour Street, Port Town, Ruritania, "
               "privacy desk open on working days, write to privacy at example dot test, "
               "registered office 2 Market Square, Old Town, company number 0042")
    old = f"{contact}\n\n{policy()}\n\n{contact}"
    new = f"{contact}\n\n{policy()}\n\n{contact.replace('company number', 'company no.')}"
    assert judge_pair(old, new).quality["problem"] == "none"


def test_link_targets_are_markup_a_capture_without_them_lost_nothing():
    linked = policy().replace("settings page", "[settings page](https://example.test/account/settings/privacy)")
    assert judge_pair(linked, linked.replace("(https://example.test/account/settings/privacy)", "")).quality["problem"] == "none"


def test_an_old_capture_that_stopped_mid_table_is_truncated():
    rows = "\n".join(f"| Purpose {k} | Contact data<br>Billing data | Consent | {k} months |" for k in range(80))
    full = policy() + f"\n\n# What we process\n\n| Purpose | Data | Basis | Kept |\n|---|---|---|---|\n{rows}\n"
    cut = full[: full.index("| Purpose 10 ")].rstrip()
    v = judge_pair(cut, full)
    assert v.quality["problem"] == "truncated" and not v.material
    assert "the previous version stops mid-text" in v.quality["evidence"] and "<br>" not in v.quality["evidence"]


def test_a_section_that_did_not_load_is_truncated_not_a_new_section():
    choices = " ".join(f"You may turn off feature {k} in the settings page at any time." for k in range(40))
    full = policy(**{"Your choices": choices})
    title = "# Your choices in region 3"
    start = full.index(title) + len(title)
    end = full.index("# Changes in region 3")
    hollow = full[:start] + "\n\n" + full[end:]
    v = judge_pair(hollow, full)
    assert v.quality["problem"] == "truncated" and "is empty in the previous version" in v.quality["evidence"]
    # text that moved under another heading is not a loss: the same emptied section, its words kept
    later = hollow.index("# Changes in region 5")
    moved = hollow[:later] + "# Elsewhere\n\n" + full[start:end] + hollow[later:]
    assert judge_pair(moved, full).quality["problem"] == "none"


def test_a_heading_given_twice_once_empty_loses_no_section():
    # a label heading above the section it names, then the section; laid out anew as one section that
    # also takes in the next one's text: text moved, none lost
    label = "# Disclosures for residents of Ruritania"
    tail = "We collected contact details and device data last year. " * 60
    old = f"{policy()}\n\n{label}\n\n{label}\n\nThis part adds notes.\n\n# Categories we collected\n\n{tail}"
    new = f"{policy()}\n\n{label}\n\nThis part adds notes. {tail}"
    v = judge_pair(old, new)
    assert not v.held, v.quality


def test_a_real_change_passes_the_gate_and_alerts():
    v = judge_pair(policy(), policy(**{"How we share it": "We share data with payment processors that "
                                       "charge your card. We may sell your personal information to data brokers."}))
    assert v.quality == {"problem": "none", "kind": None, "evidence": None, "held": False}
    assert v.material and "sale" in v.comparison.categories


def test_a_language_without_lexicon_is_not_analysed_never_minor():
    ja_old = "当社は、お客様の個人情報を適切に管理します。" * 20
    ja_new = "当社は、お客様の個人情報を第三者に販売することがあります。" * 20
    v = judge_pair(ja_old, ja_new)
    assert v.quality["problem"] == "language" and v.quality["evidence"] == "language ja: not analysed"
    assert not v.held and not v.material
    assert "language ja: not analysed" in v.verdict


def test_diff_prints_why_a_pair_is_not_reported(tmp_path):
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    old.write_text(policy(), encoding="utf-8")
    new.write_text("# 503 Service Unavailable\n\nThe service is temporarily unavailable.\n", encoding="utf-8")
    text = CliRunner().invoke(app, ["diff", str(old), str(new)])
    assert text.exit_code == 0
    assert text.stdout.startswith("not reported: error page: the page says ")
    data = json.loads(CliRunner().invoke(app, ["diff", str(old), str(new), "--json"]).stdout)
    assert data["material"] is False and data["quality"]["problem"] == "outage"
    assert data["quality"]["held"] is True and "unavailable" in data["quality"]["evidence"]


def test_a_german_policy_is_judged_through_its_phrasebook():
    de = ("Wir erheben Ihre E-Mail-Adresse und die Daten, die Sie uns geben. Wir verkaufen Ihre Daten nicht "
          "an Dritte und wir speichern sie nicht länger als nötig. Sie können der Verarbeitung für die "
          "Werbung jederzeit widersprechen und die Löschung Ihrer Daten verlangen. ") * 4
    v = judge_pair(de, de.replace("verkaufen Ihre Daten nicht", "verkaufen Ihre Daten"))
    assert v.quality["problem"] == "none" and v.material and "sale" in v.comparison.categories
    assert "'verkaufen ihre daten nicht' became" in v.verdict


# A rewrite: the same practices (and one new one) in wholly new sentences, under the old title.
REWRITE = {
    "What we gather": "This personal information is what we hold. When you open an account we ask for your name and e-mail and keep a record of your card. "
    "Our product logs which screens you visit, so faults can be traced.",
    "Who receives it": "We share data with few parties. Card processors receive what they need to charge you. Advertising networks now receive "
    "your device identifiers so that they can show you our ads on other sites.",
    "How long": "Tickets are erased after two years; logs after a month.",
    "What you control": "From the settings page you may download or erase everything we hold about you.",
    "Updates": "Updates to this document appear here and reach you by e-mail first.",
}


def titled(title: str, body: str, date: str = "") -> str:
    """`body` under a document title: its sections one level down, so the title heads them all."""
    stated = f"Last updated: {date}\n\n" if date else ""
    body = ("\n" + body).replace("\n# ", "\n## ").lstrip("\n")
    return f"{title}\n{'=' * len(title)}\n\n{stated}{body}"


def rewritten() -> str:
    return policy(REWRITE, "for area")


def test_a_rewrite_under_the_same_title_is_judged_and_says_it_is_a_rewrite():
    v = judge_pair(titled("Acme Privacy Policy", policy()), titled("Acme Privacy Policy", rewritten()))
    assert v.comparison is not None and v.comparison.kept < 0.10
    assert not v.held and v.quality["problem"] == "none"
    assert v.material and "sharing" in v.comparison.categories
    assert v.verdict.startswith("rewritten under the same title: only ")


def test_another_document_under_another_title_is_held_as_replaced():
    v = judge_pair(titled("Acme Privacy Policy", policy()), titled("Acme Regional Privacy Notice", rewritten()))
    assert v.held and not v.material and v.quality["problem"] == "replaced"
    assert "'acme privacy policy' to 'acme regional privacy notice'" in v.quality["evidence"]


def test_a_rewrite_that_stops_on_a_table_row_is_held_until_it_persists():
    rows = "\n".join(f"| Screen use {k} | Device data | Legitimate interest |" for k in range(5))
    cut = titled("Acme Privacy Policy", rewritten() + f"\n\n| Purpose | Data | Basis |\n|---|---|---|\n{rows}")
    v = judge_pair(titled("Acme Privacy Policy", policy()), cut)
    assert v.held and not v.material and v.quality["problem"] == "truncated"
    assert "stops on a table row" in v.quality["evidence"]


def test_an_older_version_served_again_is_held_and_a_later_one_is_judged():
    # The new text keeps some clauses of the old (over MIN_KEPT): only its stated date gives it away.
    old = titled("Acme Privacy Policy", policy(), "October 29, 2025")
    retention = [p for p in policy().split("\n\n") if "Retention" in p or "support tickets" in p]
    body = rewritten() + "\n\n" + "\n\n".join(retention)
    older = titled("Acme Privacy Policy", body, "March 28, 2025")
    v = judge_pair(old, older)
    older_kept = judge_pair(titled("Acme Privacy Policy", policy()), titled("Acme Privacy Policy", body)).comparison.kept
    assert 0.10 <= older_kept < 0.30, older_kept
    assert v.held and not v.material and v.quality["problem"] == "replaced"
    assert "2025-03-28, before the previous version's 2025-10-29" in v.quality["evidence"]
    later = titled("Acme Privacy Policy", body, "December 1, 2025")
    assert judge_pair(old, later).material


LAST_SECTION = ("## Your choices about marketing\n\nYou can object to our use of your personal data for marketing, "
                "and you may withdraw your consent to newsletters at any time from the settings page. We stop the "
                "processing within ten days and retain a record that you objected.")


def test_a_capture_that_lost_only_its_last_section_under_the_same_date_is_truncated():
    full = titled("Acme Privacy Policy", policy() + "\n\n" + LAST_SECTION, "May 2, 2025")
    cut = titled("Acme Privacy Policy", policy(), "May 2, 2025")
    assert len(LAST_SECTION) < 2000  # too little lost for the lost-tail rule alone
    v = judge_pair(full, cut)
    assert v.held and not v.material and v.quality["problem"] == "truncated"
    assert "word for word, under the same date (2025-05-02)" in v.quality["evidence"]
    back = judge_pair(cut, full)  # the policy came back from that capture
    assert back.held and "the previous version is the other's first" in back.quality["evidence"]


def test_a_revision_that_drops_its_last_section_and_dates_itself_anew_alerts():
    full = titled("Acme Privacy Policy", policy() + "\n\n" + LAST_SECTION, "May 2, 2025")
    revised = titled("Acme Privacy Policy", policy(), "June 9, 2025")
    v = judge_pair(full, revised)
    assert not v.held and v.material and "rights" in v.comparison.categories


def test_a_footer_that_came_or_went_under_the_same_date_is_no_cut():
    footer = "## Related links\n\n* [About us](/about)\n* [Careers](/jobs)\n* [Blog](/blog)\n* [Press](/press)\n" \
             "* [Status page](/status)\n* [Community forum](/forum)\n* [Developers](/dev)\n\nCopyright 2025 Acme"
    full = titled("Acme Privacy Policy", policy() + "\n\n" + footer, "May 2, 2025")
    bare = titled("Acme Privacy Policy", policy(), "May 2, 2025")
    for old, new in ((full, bare), (bare, full)):
        v = judge_pair(old, new)
        assert not v.held and not v.material, v.verdict


def speaking(party: str, body: str) -> str:
    """`body` under the Acme title, opened by the sentence that names who "we" are."""
    return titled("Acme Privacy Policy", f'{party} ("Acme", "we", "us") explains here how it handles your data.\n\n{body}')


def test_a_policy_that_speaks_for_another_company_is_held_as_a_regional_variant():
    old = speaking("Acme Europe B.V.", policy())
    retention = [p for p in policy().split("\n\n") if "Retention" in p or "support tickets" in p]
    variant = speaking("Acme, Inc.", rewritten() + "\n\n" + "\n\n".join(retention))
    v = judge_pair(old, variant)
    assert v.held and not v.material and v.quality["problem"] == "replaced"
    assert "'Acme, Inc.' where it was 'Acme Europe B.V.'" in v.quality["evidence"]


def test_a_rewrite_that_names_the_company_more_fully_is_judged():
    v = judge_pair(speaking("Acme", policy()), speaking("Acme Software, Inc.", rewritten()))
    assert not v.held and v.material


def test_a_renamed_company_behind_the_same_clauses_is_judged_not_held():
    # Most clauses kept: the same policy under a new name, which the rubric calls editorial.
    v = judge_pair(speaking("Acme Europe B.V.", policy()), speaking("Globex Holdings Ltd.", policy()))
    assert not v.held and v.quality["problem"] == "none" and not v.material


@pytest.mark.parametrize("opening, name", [
    ('Acme, Inc. and its affiliates (collectively, "Acme", "we", "us") respect your privacy.', "Acme, Inc."),
    ("This policy explains how Globex GmbH (\u201cwe\u201d or \u201cus\u201d) processes data.", "Globex GmbH"),
    ('We\u2019re Initech S.p.A. ("Initech", "we", "our").', "Initech S.p.A."),
    ("**Umbrella Ltd.** (the \u201cCompany\u201d, \u201cwe\u201d) runs this site.", "Umbrella Ltd."),
    ("We collect data (see \"Data we collect\" below) to run the service.", None),
])
def test_the_company_a_policy_speaks_for(opening, name):
    from monitor.text.identity import speaking_party

    assert speaking_party(opening) == name


def test_the_check_gate_holds_the_same_pages_as_diff():
    from monitor.engine.gate import judge_page

    old = titled("Acme Privacy Policy", policy())
    held, comparison = judge_page(titled("Acme Privacy Policy", rewritten()), old)
    assert held is None and comparison.material and comparison.reason.startswith("rewritten under the same title")
    held, _ = judge_page(titled("Acme Regional Privacy Notice", rewritten()), old)
    assert held is not None and held.kind == "replaced"
