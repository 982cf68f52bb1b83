"""The page reader on hostile pages: text kept at any depth, sizes capped, PDF limits as content errors."""

from __future__ import annotations

import pytest

from hostile_pages import deep_html, pdf_flate_bomb, pdf_many_page_refs, pdf_page_tree_bomb
from monitor.errors import ContentError
from monitor.text.fingerprint import fingerprint
from monitor.text.reader import MAX_BLOCKS, page_text


@pytest.mark.parametrize("depth", [10, 300, 3000, 50_000])
def test_text_is_kept_at_any_depth(depth):
    text = page_text(deep_html(depth).encode(), "text/html")
    assert text == "# Privacy\n\nWe never sell data.\n\nWe keep request logs for thirty days.\n"


def test_deep_pages_that_differ_have_different_fingerprints():
    a, b = deep_html(5000), deep_html(5000).replace("thirty", "ninety")
    assert fingerprint(a.encode(), "text/html", "p", None, ()) != fingerprint(b.encode(), "text/html", "p", None, ())


def test_too_many_paragraphs_fail_instead_of_being_cut():
    page = "<main>" + "".join(f"<p>Clause {i}.</p>" for i in range(MAX_BLOCKS + 1)) + "</main>"
    with pytest.raises(ContentError, match="50,001 paragraphs, over the 50,000"):
        page_text(page.encode(), "text/html")


@pytest.mark.parametrize("pdf, error", [
    pytest.param(pdf_many_page_refs(100_000), "PDF of 100,000 pages", id="100k-page-refs"),
    pytest.param(pdf_flate_bomb(256 << 20), "pypdf's safety limits", id="flate-bomb"),
    pytest.param(pdf_page_tree_bomb(), "pypdf's safety limits", id="page-tree-bomb"),
])
def test_hostile_pdfs_are_content_errors(pdf, error):
    with pytest.raises(ContentError, match=error):
        page_text(pdf, "application/pdf")
