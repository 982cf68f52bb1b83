"""Rendering a Comparison in a terminal: order, summaries, and vendor text that must arrive as text,
not markup. Chat and e-mail rendering (messages.py) is tested in test_notify.py; the escapers here."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from monitor.engine.compare import ClauseChange, Comparison, compare
from monitor.render.markup import BIDI_CONTROLS, escape_html, escape_markdown, escape_text
from monitor.render.terminal import render_rich, render_text, select

EVIL_OLD = "Contact us at <script>alert(1)</script> or by post."
EVIL_NEW = "Contact [click](http://evil.test) or <img src=x onerror=y> **now** # at once."


def _cmp(*clauses: ClauseChange) -> Comparison:
    top = max(clauses, key=lambda c: ("noise", "minor", "material").index(c.severity))
    return Comparison(top.severity == "material", top.severity, top.categories, top.direction, top.reason, clauses)


def _clause(
    severity: str,
    old: str | None = "We keep logs for 30 days.",
    new: str | None = "We keep logs for 2 years.",
    type_: str = "modified",
    reason: str = "retention longer",
) -> ClauseChange:
    cats = ("retention",) if severity != "noise" else ()
    return ClauseChange(type_, "Retention", old, new, "", cats, severity, reason)


EVIL = _cmp(_clause("material", EVIL_OLD, EVIL_NEW, reason="contact [x](http://evil.test) <b>changed</b>"))


def _rich_plain(renderable) -> str:
    console = Console(width=200, record=True, force_terminal=False, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_markdown_escapes_links_and_markup() -> None:
    out = escape_markdown(EVIL_NEW + " " + EVIL_OLD)
    assert "[click](http://evil.test)" not in out
    assert not re.search(r"(?<!\\)\]\(", out)  # no unescaped "](" anywhere: no link can form
    assert "\\[click\\]\\(`http://evil.test`\\)" in out  # the one escaper: URLs fenced in code spans
    assert "<script>" not in out and "\\<script\\>" in out
    assert "\\*\\*now\\*\\*" in out


@pytest.mark.parametrize(
    "text",
    ["[a](http://x)", "![img](http://x)", "*em* _u_ `code`", "# heading", "- item", "1. item", "<b>x</b>", "a|b",
     "> quote"],
)
def test_escaped_markdown_has_no_active_syntax(text: str) -> None:
    escaped = escape_markdown(text)
    unescaped = re.sub(r"\\(.)", "", escaped)  # drop every escaped character: what is left is inert
    unescaped = re.sub(r"`[^`]*`", "", unescaped)  # ... and URLs fenced in code spans, literal by definition
    assert not re.search(r"[\[\]()*_`#<>|]", unescaped)
    assert not re.match(r"\s*(?:[-+]|\d+\.)\s", unescaped)


def test_text_and_rich_show_vendor_text_literally() -> None:
    text = render_text(EVIL)
    assert "<script>alert(1)</script>" in text and "[click](http://evil.test)" in text
    rich = _rich_plain(render_rich(EVIL))
    assert "<script>alert(1)</script>" in rich and "[click](http://evil.test)" in rich


def test_material_first_and_noise_summarized() -> None:
    cmp = _cmp(
        _clause("noise", "Same words.", "same words", reason="case, punctuation or numbering only"),
        _clause("minor", reason="contact changed"),
        _clause("noise", "Moved words.", "Moved words.", type_="moved", reason="same text moved"),
        _clause("material", reason="retention longer"),
    )
    assert [c.severity for c in select(cmp).shown] == ["material", "minor"]
    text = render_text(cmp)
    assert text.index("[material]") < text.index("[minor]")
    assert text.rstrip().endswith("2 cosmetic edits hidden; --all shows them")
    assert "cosmetic edits hidden" not in render_text(cmp, show_all=True)
    assert "2 cosmetic edits hidden; --all shows them" in _rich_plain(render_rich(cmp))


def test_max_clauses_summarizes_the_rest_without_cutting_a_clause() -> None:
    long_old = "We keep " + "very " * 80 + "old logs."
    long_new = "We keep " + "very " * 80 + "new logs."
    cmp = _cmp(*(_clause("material", long_old, long_new) for _ in range(5)))
    text = render_text(cmp, max_clauses=2)
    assert "and 3 more changes" in text
    assert text.count("[material]") == 2
    assert text.count(long_old.replace("old", "[-old-]")) == 2  # each shown clause whole


def test_before_and_after_mark_changed_words() -> None:
    cmp = _cmp(_clause("material"))
    assert "before: We keep logs for [-30 days-]." in render_text(cmp)
    assert "after:  We keep logs for {+2 years+}." in render_text(cmp)


def test_added_and_removed_clauses_show_one_side() -> None:
    cmp = _cmp(
        _clause("material", None, "We sell data.", type_="added"),
        _clause("minor", "Old words.", None, type_="removed"),
    )
    text = render_text(cmp)
    assert "after:  {+We sell data.+}" in text and "before: [-Old words.-]" in text
    assert text.count("before:") == 1 and text.count("after:") == 1


def test_no_change() -> None:
    cmp = Comparison(False, "noise", (), "none", "no change")
    assert render_text(cmp) == "No change: no change"
    assert "No change" in _rich_plain(render_rich(cmp))


_MARKUP = st.sampled_from(
    list("ab \n#*-_[]()|!\\.:1`<>") + ["\n\n", "http://x.test", "**", "1. ", "---", "| a | b |", "not", "sell"]
)


@settings(deadline=None, max_examples=60)
@given(st.lists(_MARKUP, max_size=40).map("".join), st.lists(_MARKUP, max_size=40).map("".join))
def test_any_comparison_renders_in_every_format(old: str, new: str) -> None:
    cmp = compare(old, new)
    assert isinstance(render_text(cmp, show_all=True), str)
    assert _rich_plain(render_rich(cmp, show_all=True))


HOSTILE_TEXT = "\u202eTrojan\u2066 <!here> <!channel> <@U024BE7LH> @channel @everyone <https://evil.example|Click to verify>"


@pytest.mark.parametrize("escape", [escape_text, escape_markdown, escape_html], ids=["text", "markdown", "html"])
def test_untrusted_text_is_neutral_in_every_format(escape) -> None:
    out = escape(HOSTILE_TEXT)
    assert not any(ch in out for ch in BIDI_CONTROLS)
    for active in ("<!here>", "<!channel>", "<@U024BE7LH>", "@channel", "@everyone", "<https://"):
        assert active not in out, (active, out)
    assert "Trojan" in out and "Click to verify" in out  # the words themselves are still shown


def test_one_escaper_serves_every_renderer() -> None:
    from monitor.render import messages, terminal

    assert not hasattr(terminal, "render_markdown") and not hasattr(terminal, "render_html")  # one stack
    assert messages.RENDERERS["markdown"].untrusted(HOSTILE_TEXT) == escape_markdown(HOSTILE_TEXT)
    assert messages.RENDERERS["text"].untrusted(HOSTILE_TEXT) == escape_text(HOSTILE_TEXT)
    assert messages.RENDERERS["html"].untrusted(HOSTILE_TEXT) == escape_html(HOSTILE_TEXT)
