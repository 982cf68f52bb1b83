"""Segmentation: markdown and canonical text → blocks → clauses."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.engine.clauses import (
    HEADING,
    ITEM,
    PARA,
    ROW,
    normalize_key,
    parse_blocks,
    segment,
    split_sentences,
    strip_inline,
)

SENTENCE_CASES = [
    ("plain", "We collect data. We share it.", ["We collect data.", "We share it."]),
    ("e.g.", "We share data, e.g. with vendors. We do not sell it.",
     ["We share data, e.g. with vendors.", "We do not sell it."]),
    ("i.e. before capital", "Local data, i.e. Files you keep, stays here.",
     ["Local data, i.e. Files you keep, stays here."]),
    ("Inc.", "Example Widgets Inc. Processes the data for us.", ["Example Widgets Inc. Processes the data for us."]),
    ("U.S.", "Data goes to the U.S. Where it is kept.", ["Data goes to the U.S. Where it is kept."]),
    ("numbered start", "1. Introduction to the policy.", ["1. Introduction to the policy."]),
    ("decimal", "Fees rise 2.5 percent. Nothing else changes.", ["Fees rise 2.5 percent.", "Nothing else changes."]),
    ("url", "Visit example.org/a.b for more. Then write to us.",
     ["Visit example.org/a.b for more.", "Then write to us."]),
    ("question", "Who sees it? Only you!", ["Who sees it?", "Only you!"]),
    ("quote closes", 'He said "stop." We stopped.', ['He said "stop."', "We stopped."]),
    ("lowercase next", "See sec. three for details.", ["See sec. three for details."]),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in SENTENCE_CASES], ids=[c[0] for c in SENTENCE_CASES])
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


INLINE_CASES = [
    ("bold", "We **never** sell it", "We never sell it", False),
    ("em underscore", "We _may_ share it", "We may share it", False),
    ("snake case survives", "the ad_id value", "the ad_id value", False),
    ("link", "See [our policy](https://x.test/p?a=(1)) now", "See our policy now", False),
    ("link only", "[Contact us](#contact)", "Contact us", True),
    ("image dropped", "Logo ![alt text](img.png) here", "Logo here", False),
    ("escape", r"1\. Scope \*not\* here", "1. Scope *not* here", False),
    ("break tag", "one<br>two", "one two", False),
    ("zero width", "Link\u200bedIn", "LinkedIn", False),
    ("script kept", "a <script>x</script> b", "a <script>x</script> b", False),
]


@pytest.mark.parametrize("raw,text,link_only", [c[1:] for c in INLINE_CASES], ids=[c[0] for c in INLINE_CASES])
def test_strip_inline(raw: str, text: str, link_only: bool) -> None:
    assert strip_inline(raw) == (text, link_only)


def test_blocks_from_markdown() -> None:
    md = (
        "Privacy Notice\n==============\n\n"
        "Intro line one\ncontinues here.\n\n"
        "1\\. Sharing\n-----------\n\n"
        "* first item\n    * nested item\n2. numbered item\n\n"
        "| Data | Purpose |\n| --- | --- |\n| Email | Login |\n\n"
        "* * *\n\n"
        "### Retention\n\nWe keep it."
    )
    blocks = parse_blocks(md)
    assert [(b.kind, b.text) for b in blocks] == [
        (HEADING, "Privacy Notice"),
        (PARA, "Intro line one continues here."),
        (HEADING, "1. Sharing"),
        (ITEM, "first item"),
        (ITEM, "nested item"),
        (ITEM, "numbered item"),
        (ROW, "Data | Purpose"),
        (ROW, "Email | Login"),
        (HEADING, "Retention"),
        (PARA, "We keep it."),
    ]
    assert blocks[4].level > blocks[3].level
    assert blocks[-1].section == ("Privacy Notice", "Sharing", "Retention")
    assert blocks[3].section == ("Privacy Notice", "Sharing")  # numbering stripped from the path


def test_blocks_from_canonical_text() -> None:
    text = "# Scope\n\nWe act as controller.\n\n- one\n  - two\n\nName | Value\nAge | 13"
    blocks = parse_blocks(text)
    assert [(b.kind, b.text, b.level) for b in blocks] == [
        (HEADING, "Scope", 1),
        (PARA, "We act as controller.", 0),
        (ITEM, "one", 0),
        (ITEM, "two", 1),
        (ROW, "Name | Value", 0),
        (ROW, "Age | 13", 0),
    ]


def test_link_broken_over_blank_lines_is_rejoined() -> None:
    blocks = parse_blocks("[Learn more\n\n](https://x.test/a)\n\nNext paragraph.")
    assert [b.text for b in blocks] == ["Learn more", "Next paragraph."]


def test_navigation_runs_are_marked() -> None:
    clauses = segment("## Contents\n\n- [Scope](#scope)\n- [Rights](#rights)\n\n[Back](#top)\n\n## Scope\n\nText here.")
    nav = {c.text: c.nav for c in clauses}
    assert nav == {"Contents": False, "Scope": False, "Rights": True, "Back": True, "Text here.": False}


KEY_CASES = [
    ("case and punctuation", "We DON'T sell “data”.", "we don t sell data"),
    ("numbering", "5. Your Rights", "your rights"),
    ("lettered", "(b) Your Rights", "your rights"),
    ("roman", "IV. Your Rights", "your rights"),
    ("number kept inside", "Keep for 30 days", "keep for 30 days"),
]


@pytest.mark.parametrize("text,key", [c[1:] for c in KEY_CASES], ids=[c[0] for c in KEY_CASES])
def test_normalize_key(text: str, key: str) -> None:
    assert normalize_key(text) == key


_WORDS = st.sampled_from(
    ["we", "share", "data", "e.g.", "Inc.", "U.S.", "1.", "2.5", "example.org/x.y", "Data.", "It", "sells?",
     "Yes!", "No", "(see", "below).", "“quoted.”", "i.e.", "Section", "A."]
)


@settings(deadline=None, max_examples=150)
@given(st.lists(_WORDS, min_size=1, max_size=40))
def test_sentences_join_back_to_the_paragraph(words: list[str]) -> None:
    text = " ".join(words)
    parts = split_sentences(text)
    assert " ".join(parts) == text
    assert all(p and p == p.strip() for p in parts)


_BLOCK_TEXT = st.lists(_WORDS, min_size=1, max_size=25).map(" ".join)


@settings(deadline=None, max_examples=60)
@given(st.lists(st.tuples(st.sampled_from(["# ", "- ", ""]), _BLOCK_TEXT), min_size=1, max_size=8))
def test_segment_then_join_keeps_each_block(blocks: list[tuple[str, str]]) -> None:
    """Segmentation keeps the text: per block, the clause texts joined by one space are the block text."""
    doc = "\n\n".join(prefix + body for prefix, body in blocks)
    by_block: dict[int, list[str]] = {}
    for c in segment(doc):
        by_block.setdefault(c.block, []).append(c.text)
    assert [" ".join(parts) for parts in by_block.values()] == [b.text for b in parse_blocks(doc)]


def test_date_line_styled_as_heading_opens_no_section() -> None:
    clauses = segment("# Policy\n\n#### Last updated: May 1, 2024\n\nWe keep it.\n\n## Scope\n\nAll of it.")
    assert [(c.text, c.section) for c in clauses] == [
        ("Policy", ()),
        ("Last updated: May 1, 2024", ("Policy",)),
        ("We keep it.", ("Policy",)),
        ("Scope", ("Policy",)),
        ("All of it.", ("Policy", "Scope")),
    ]
