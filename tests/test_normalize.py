"""normalize_text: typography and volatile noise folded away; idempotent."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from monitor.text.normalize import normalize_text

CASES = [
    ("plain\n", "plain\n", "already-normal"),
    ("no newline", "no newline\n", "adds-final-newline"),
    ("", "", "empty"),
    (" \n\t\n\u00a0\n", "", "only-blank"),
    ("a\r\nb\rc\n", "a\nb\nc\n", "crlf-and-cr"),
    ("\n\n\na\n\n\n\nb\n\n\n", "a\n\nb\n", "blank-runs"),
    ("a  b\t\tc   \n", "a b c\n", "inner-spaces"),
    ("trailing   \nspaces\t\n", "trailing\nspaces\n", "trailing-spaces"),
    ("   indented paragraph\n", "indented paragraph\n", "paragraph-indent-dropped"),
    ("- a\n  - b\n    - c   d\n", "- a\n  - b\n    - c d\n", "item-indent-kept"),
    ("  1. one\n  * two\n", "  1. one\n  * two\n", "other-item-markers"),
    ("\t- tabbed\n", "    - tabbed\n", "tab-indent-expanded"),
    ("\u2018single\u2019 \u201cdouble\u201d \u201elow\u201f \u201bx", "'single' \"double\" \"low\" 'x\n", "curly-quotes"),
    ("\u00ab guillemets \u00bb", "\u00ab guillemets \u00bb\n", "guillemets-kept"),
    ("a\u00a0b\u2009c\u202fd\u3000e\u2003f", "a b c d e f\n", "odd-spaces"),
    ("zero\u200bwidth\u2060joined\ufeff soft\u00adhyphen", "zerowidthjoined softhyphen\n", "invisible-removed"),
    ("e\u2011mail and co\u2010op", "e-mail and co-op\n", "hyphens"),
    ("10\u201320 days \u2014 or not\u2012\u2015", "10\u201320 days \u2014 or not\u2012\u2015\n", "dashes-kept"),
    ("\ufb01le \uff21\uff22 x\u00b2 \u2026", "file AB x2 ...\n", "nfkc"),
    ("cafe\u0301", "caf\u00e9\n", "nfkc-composes"),
    ("a\u2028b\u2029c\x85d", "a\nb\nc\nd\n", "unicode-line-breaks"),
    ("a\x0bb\x0cc\x1fd\x7fe", "a b c d e\n", "control-chars"),
    ("Reference: 9f8c2b7a1e3d4c5b6a7f8e9d0c1b2a3f.", "Reference: .\n", "hex-token-dropped"),
    ("sid=Zk8qP2xW7mRt4LbN9vCs1HdY; ok", "sid=; ok\n", "key-value"),
    ("token Zk8qP2xW7mRt4LbN9vCs1HdY end", "token end\n", "base64-token-dropped"),
    ("key abcDEFghiJKLmnoPQRstuVWXyzABCD1efgh== x", "key x\n", "few-digit-mixed-case-token"),
    ("550e8400-e29b-41d4-a716-446655440000", "", "uuid-only-line"),
    ("ISO-27001-certified-data-centers", "ISO-27001-certified-data-centers\n", "hyphenated-phrase-kept"),
    ("covid19-guidance-2021-update-notes", "covid19-guidance-2021-update-notes\n", "phrase-with-years-kept"),
    ("internationalization-and-localization", "internationalization-and-localization\n", "long-word-kept"),
    ("call 0800123456789012345678901", "call 0800123456789012345678901\n", "digits-only-kept"),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=i) for t, e, i in CASES])
def test_normalize_text(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=i) for t, e, i in CASES])
def test_cases_are_fixed_points(text: str, expected: str) -> None:
    assert normalize_text(expected) == expected


# Text made of the characters normalization cares about, so the search reaches the interesting cases.
_TRICKY = st.sampled_from(
    list(" \t\n\r\u00a0\u2009\u3000\u200b\u00ad\ufeff\u2028\x85\x0c-*1.|#'\"\u2018\u201d\u2011\u2014")
    + ["\u0301", "\u0308", "u", "e", "\ufb01", "\uff21", "- ", "  - ", "1. ", "\r\n", "\n\n\n"]
    + ["Zk8qP2xW7mRt4LbN9vCs1HdY", "9f8c2b7a1e3d4c5b6a7f8e9d", "ISO-27001-certified-data", "\u00fc"]
)
texts = st.one_of(st.text(), st.lists(st.one_of(_TRICKY, st.text(max_size=3)), max_size=40).map("".join))


@settings(max_examples=600, deadline=None)
@given(texts)
@example("\u00fcZk8qP2xW7mRt4LbN9vCs1HdY\u0301")  # token between a letter and a combining mark
@example("  -  ")
def test_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=300, deadline=None)
@given(texts)
def test_output_shape(text: str) -> None:
    out = normalize_text(text)
    if not out:
        return
    assert out.endswith("\n") and not out.endswith("\n\n")
    assert not out.startswith("\n")
    assert "\r" not in out and "\n\n\n" not in out
    assert all(line == line.rstrip() for line in out.split("\n"))
    assert all("  " not in line.lstrip(" ") for line in out.split("\n"))


def test_bidi_controls_never_reach_a_version():
    text = normalize_text("We \u202esell\u202c data \u2066to\u2069 partners\u061c.\n")
    assert text == "We sell data to partners.\n"
