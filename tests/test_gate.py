"""The pair gate that `diff` shares with `check`: junk is held and says why; a language the engine
has no lexicon for is reported as not analysed, never as a minor change."""

from __future__ import annotations

import json

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


def policy(**replace: str) -> str:
    """A policy of some length, each sentence once: the same five sections for several regions."""
    body = {**SECTIONS, **replace}
    return "\n\n".join(
        f"# {title} in region {k}\n\n{text.replace('.', f' in region {k}.')}"
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
