"""German, French and Spanish policies get the English analysis, through a phrasebook each
(monitor/classifier/languages): the synthetic set of tests/languages/*.toml, the CLI on a German pair,
and the languages the engine still cannot read."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from language_cases import all_cases
from monitor.classifier import classify
from monitor.classifier.languages import localize, reading, render
from monitor.engine.gate import judge_pair
from monitor.text.quality import language

CASES = all_cases()


def test_the_set_covers_each_language_with_material_and_noise_edits():
    for lang in ("de", "fr", "es"):
        mine = [c for c in CASES if c.lang == lang]
        assert len(mine) >= 10 and any(c.material for c in mine) and any(not c.material for c in mine)
        assert language(mine[0].old) == lang


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_edit_gets_the_verdict_a_reviewer_gives(case):
    judgement = judge_pair(case.old, case.new)
    assert judgement.quality["problem"] == "none"
    assert judgement.material is case.material, judgement.verdict
    if case.material:
        assert set(case.categories) <= set(judgement.comparison.categories), judgement.verdict


def test_german_late_negation_is_read_as_a_promise():
    assert render("de", "wir geben ihre daten nicht an dritte weiter.").english.startswith("we not share your data")
    with reading("de"):
        verdict = classify.judge("modified", "Wir verkaufen Ihre Daten nicht.", "Wir verkaufen Ihre Daten.")
    assert verdict.severity == "material" and verdict.categories[0] == "sale" and verdict.direction == "expands"


def test_reasons_quote_the_documents_own_words():
    old, new = "Wir speichern Protokolle für 30 Tage.", "Wir speichern Protokolle für 2 Jahre."
    with reading("de"):
        verdict = classify.judge("modified", old, new, "Speicherdauer")
    assert verdict.reason == "retention: '30 days' became '2 years'"
    assert localize("de", verdict.reason, old, new) == "retention: '30 tage' became '2 jahre'"
    old, new = "Nous ne vendons pas vos données.", "Nous pouvons vendre vos données."
    with reading("fr"):
        verdict = classify.judge("modified", old, new)
    assert localize("fr", verdict.reason, old, new) == "sale: 'ne vendons pas' became 'pouvons vendre'"


def test_a_phrasebook_reads_only_inside_its_document():
    """The classifier's caches are keyed by raw text: a German reading must not outlive its document."""
    text = "Wir verkaufen Ihre Daten an Datenhändler."
    with reading("de"):
        assert ("recipient", "data brokers") in classify.document_terms(text)
    assert ("recipient", "data brokers") not in classify.document_terms(text)
    with reading("de"):
        classify.categorize("Wir verkaufen keine Daten.", "Weitergabe")
    assert classify.categorize("Wir verkaufen keine Daten.", "Weitergabe") == ("other",)


def test_a_mostly_english_page_with_a_german_passage_stays_english():
    english = ("We collect your email address and we do not sell your personal data to anyone. "
               "You can delete your account at any time in the settings of the app. ") * 6
    german = "Wir verkaufen Ihre Daten nicht an Dritte und speichern sie nur so lange wie nötig. " * 2
    assert language(english + german) == "en"


def test_a_language_without_a_phrasebook_is_still_not_analysed():
    ru_old = "Мы не продаём ваши персональные данные третьим лицам и храним их тридцать дней. " * 10
    ru_new = "Мы можем продавать ваши персональные данные третьим лицам и храним их два года. " * 10
    v = judge_pair(ru_old, ru_new)
    assert v.quality["evidence"] == "language ru: not analysed" and not v.material
    assert "not analysed" in v.verdict


def test_diff_on_a_german_pair_with_a_new_sale_clause(tmp_path):
    (case,) = [c for c in CASES if c.id == "de-sale"]
    old, new = tmp_path / "alt.md", tmp_path / "neu.md"
    old.write_text(case.old, encoding="utf-8")
    new.write_text(case.new, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "monitor", "diff", str(old), str(new), "--json"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode in (0, 3), run.stderr
    data = json.loads(run.stdout)
    assert data["material"] is True and "sale" in data["categories"]
    assert data["quality"]["problem"] == "none"
    sale = [c for c in data["clauses"] if c["severity"] == "material" and "sale" in c["categories"]]
    assert any("datenhändler verkaufen" in c["reason"] for c in sale), [c["reason"] for c in sale]


@pytest.mark.parametrize("text, sentences", [
    ("Wir verarbeiten Daten gemäß Art. 6 Abs. 1 lit. f DSGVO. Wir verkaufen nichts.", 2),
    ("Wir erheben Daten, z. B. Ihren Namen. Wir verkaufen nichts.", 2),
    ("Nous collectons des données, p. ex. votre nom. Nous ne vendons rien.", 2),
    ("Recopilamos datos, p. ej. su nombre. ¿Vendemos datos? No vendemos nada.", 3),
    ("Мы не продаём ваши данные. Мы храним их тридцать дней.", 2),
])
def test_sentences_of_other_languages_are_split_where_they_end(text, sentences):
    from monitor.engine.clauses import split_sentences

    parts = split_sentences(text)
    assert len(parts) == sentences and " ".join(parts) == text


@pytest.mark.parametrize("module", ["monitor.classifier.languages", "monitor.classifier.languages.phrasebook"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted and not result.failed
