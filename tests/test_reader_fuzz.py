"""Adversarial input for the page reader (decode → format → extract → normalize, and the fingerprint):
every input ends in an answer or a clean ContentError, never a hang, another exception, or a text that
normalization would still change. Bounded in CI by the example count; an alarm guards against hangs.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guards import hang_guard

from monitor.errors import ContentError
from monitor.render.markup import BIDI_CONTROLS
from monitor.text.extract import decode_body, detect_format
from monitor.text.fingerprint import read_page
from monitor.text.normalize import normalize_text

HANG_GUARD = 20  # seconds for one input: far above any real page, low enough to name the culprit

_PIECES = [
    "<p>", "</p>", "<div>", "</div>", "<main>", "</main>", "<article>", "<table><tr><td>", "</td><td>", "</tr>",
    "<ul><li>", "</li>", "<ol>", "<dl><dt>", "<dd>", "<h2>", "</h2>", "<br>", "<pre>", "</pre>", "<script>",
    "</script>", "<style>", "<template>", "<!--", "-->", "<![CDATA[", "]]>", "<?xml version='1.0'?>",
    "<!doctype html>", "<meta charset='utf-7'>", "<meta charset=\"x-bogus\">", "<html>", "<body>", "&amp;",
    "&#x202e;", "&#0;", "&nbsp;", "&", "<", ">", "\"", "'", "=", "\x00", "\r\n", "\n\n", " ", "\t", "-", "* ",
    "1. ", "# ", "|", "[", "](", "![", "`", ".", "We do not sell data", "a" * 300, "9f8c2a7b" * 5,
    *BIDI_CONTROLS, "\u200b", "\u2028", "\ufeff", "\ud7ff", "é", "\U0001f600", "<p hidden>", "<nav>",
    "<div role=main>", "<div aria-hidden=true>", "<p style='display:none'>", "<div class='cookie-banner'>",
]
_TEXT = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=20)), max_size=80).map("".join)
_DEEP = st.integers(min_value=200, max_value=4000).map(lambda n: "<div>" * n + "policy text" + "</div>" * n)
_ENCODINGS = st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"])
_BODY = st.one_of(
    st.tuples(st.one_of(_TEXT, _DEEP), _ENCODINGS).map(lambda p: p[0].encode(p[1], "replace")),
    st.binary(max_size=400),
    st.binary(max_size=200).map(lambda b: b"%PDF-1.4\n" + b),
    st.binary(max_size=200).map(lambda b: b"\xef\xbb\xbf" + b),
)
_CONTENT_TYPES = st.sampled_from([None, "text/html", "text/html; charset=utf-8", "text/html; charset=utf-7",
                                  "text/plain", "text/markdown", "application/pdf", "application/xhtml+xml",
                                  "text/html; charset=rot13", "image/png"])
_NAMES = st.sampled_from(["", "p.html", "policy.md", "x.txt", "doc.pdf"])



@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_BODY, _CONTENT_TYPES, _NAMES)
def test_the_page_reader_answers_or_fails_cleanly(body, content_type, name):
    with hang_guard(HANG_GUARD, "the page reader"):
        decoded = decode_body(body, content_type)
        assert detect_format(content_type, name, decoded[:1024]) in ("html", "markdown", "text", "pdf")
        try:
            text, digest, page = read_page(body, content_type, name, None, ())
        except ContentError as exc:
            assert str(exc) and "\n" not in str(exc)
            return
    assert text is not None and text.strip() and len(digest) == len(page) == 64
    assert normalize_text(text) == text  # a stored version is a fixed point of normalization
    assert not any(ch in text for ch in BIDI_CONTROLS)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_normalization_is_idempotent_and_bidi_free_on_adversarial_text(text):
    with hang_guard(HANG_GUARD, "the page reader"):
        once = normalize_text(text)
    assert normalize_text(once) == once
    assert not any(ch in once for ch in BIDI_CONTROLS)
