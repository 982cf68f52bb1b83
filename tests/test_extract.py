"""decode → detect → extract: charset handling, format detection, and the HTML → canonical text rules."""

from __future__ import annotations

import codecs
import doctest
import importlib
from pathlib import Path

import pytest

from monitor.errors import ConfigError, ContentError
from monitor.text.extract import decode_body, detect_format, extract_text, validate_selector
from monitor.text.normalize import normalize_text

FIXTURES = Path(__file__).parent / "fixtures" / "extract"


def page(name: str, **subs: str) -> bytes:
    """A fixture page's bytes, with its {{PLACEHOLDERS}} filled in (nonces, CSRF tokens, request ids)."""
    raw = (FIXTURES / name).read_bytes()
    for key, value in {"NONCE": "n0nce", "CSRF": "csrf", "REQID": "none", **subs}.items():
        raw = raw.replace(b"{{" + key.encode() + b"}}", value.encode())
    return raw


def pipeline(raw: bytes, content_type: str | None = "text/html", **kw: object) -> str:
    text = decode_body(raw, content_type)
    return normalize_text(extract_text(text, detect_format(content_type, "", text[:1024]), **kw))  # type: ignore[arg-type]


# --- decode_body --------------------------------------------------------------------------------

CAFE = "Café « l’été » 20 €"


@pytest.mark.parametrize(
    ("raw", "content_type", "expected"),
    [
        pytest.param(CAFE.encode("utf-8"), "text/html; charset=UTF-8", CAFE, id="header-utf8"),
        pytest.param(CAFE.encode("cp1252"), "text/html; charset=windows-1252", CAFE, id="header-cp1252"),
        pytest.param(CAFE.encode("cp1252"), 'text/html; charset="iso-8859-1"', CAFE, id="latin1-label-means-cp1252"),
        pytest.param("Ça".encode("cp1252"), "text/html; charset=us-ascii", "Ça", id="ascii-label-means-cp1252"),
        pytest.param(codecs.BOM_UTF8 + CAFE.encode(), None, CAFE, id="bom-utf8"),
        pytest.param(codecs.BOM_UTF8 + CAFE.encode(), "text/html; charset=utf-8", CAFE, id="bom-and-header"),
        pytest.param(codecs.BOM_UTF16_LE + CAFE.encode("utf-16-le"), None, CAFE, id="bom-utf16le"),
        pytest.param(codecs.BOM_UTF16_BE + CAFE.encode("utf-16-be"), "text/html; charset=cp1252", CAFE, id="bom-wins"),
        pytest.param(
            b'<html><head><meta charset="windows-1252"></head><body>' + CAFE.encode("cp1252"),
            "text/html",
            '<html><head><meta charset="windows-1252"></head><body>' + CAFE,
            id="meta-charset",
        ),
        pytest.param(
            b"<meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-15'>" + "€".encode("iso8859_15"),
            None,
            "<meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-15'>€",
            id="meta-http-equiv",
        ),
        pytest.param(
            b'<meta charset="utf-16">' + CAFE.encode(), None, '<meta charset="utf-16">' + CAFE, id="meta-utf16-means-utf8"
        ),
        pytest.param(CAFE.encode(), "text/html; charset=x-no-such-charset", CAFE, id="bogus-header-falls-through"),
        pytest.param(CAFE.encode(), "text/html; charset=utf-7", CAFE, id="utf7-refused"),
        pytest.param(CAFE.encode(), "text/html; charset=rot13", CAFE, id="text-transform-codec-refused"),
        pytest.param(CAFE.encode(), "text/html; charset=", CAFE, id="empty-label"),
        pytest.param(b'<meta charset="bogus">' + CAFE.encode(), None, '<meta charset="bogus">' + CAFE, id="bogus-meta"),
        pytest.param(b"", None, "", id="empty"),
        pytest.param(b"caf\xc3", "text/plain", "caf\ufffd", id="truncated-utf8-no-charset"),
    ],
)
def test_decode_body(raw: bytes, content_type: str | None, expected: str) -> None:
    assert decode_body(raw, content_type) == expected


def test_decode_body_detects_an_undeclared_legacy_charset() -> None:
    text = (
        "Nous conservons les données de facturation pendant dix ans, comme l'exige la loi. "
        "Vous pouvez à tout moment demander l'accès, la rectification ou l'effacement de vos données. "
    ) * 4
    assert decode_body(text.encode("cp1252"), None) == text


def test_decode_body_never_raises_on_garbage() -> None:
    assert isinstance(decode_body(bytes(range(256)) * 4, "text/html; charset=\x00;;"), str)


# --- detect_format ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "name", "head", "expected"),
    [
        pytest.param("text/html; charset=utf-8", "", "", "html", id="media-html"),
        pytest.param("application/xhtml+xml", "", "", "html", id="media-xhtml"),
        pytest.param("text/markdown", "policy.txt", "", "markdown", id="media-wins-over-extension"),
        pytest.param("application/pdf", "", "", "pdf", id="media-pdf"),
        pytest.param("TEXT/PLAIN", "", "Plain words", "text", id="media-text"),
        pytest.param("text/plain", "https://raw.example/legal/PRIVACY.md", "# Privacy", "markdown", id="raw-host-md"),
        pytest.param("text/plain", "", "<!DOCTYPE html><html>", "html", id="mislabelled-html"),
        pytest.param("text/plain", "", "Use <html> tags like this", "text", id="text-mentioning-html"),
        pytest.param(None, "https://example.com/privacy.htm?lang=en#top", "", "html", id="ext-htm-with-query"),
        pytest.param(None, "dpa.markdown", "", "markdown", id="ext-markdown"),
        pytest.param(None, "notes.txt", "<html>", "text", id="ext-txt"),
        pytest.param("application/octet-stream", "terms.pdf", "", "pdf", id="octet-stream-ext-pdf"),
        pytest.param(None, "", "%PDF-1.7\n", "pdf", id="sniff-pdf"),
        pytest.param(None, "https://example.com/privacy", "\ufeff  <!doctype html>", "html", id="sniff-doctype"),
        pytest.param(None, "", "<!-- cached --><html lang=en>", "html", id="sniff-after-comment"),
        pytest.param(None, "", "Privacy policy\n==========", "text", id="default-text"),
    ],
)
def test_detect_format(content_type: str | None, name: str, head: str, expected: str) -> None:
    assert detect_format(content_type, name, head) == expected


# --- validate_selector --------------------------------------------------------------------------


@pytest.mark.parametrize("selector", ["main article", "#policy > .body", "div[data-x='1'], section:not(.ad)"])
def test_validate_selector_accepts(selector: str) -> None:
    assert validate_selector(selector) is None


@pytest.mark.parametrize("selector", ["main >", "div[", "", "  ", "a:no-such-pseudo", "::"])
def test_validate_selector_rejects(selector: str) -> None:
    problem = validate_selector(selector)
    assert problem and isinstance(problem, str)


# --- HTML rules, one snippet at a time ----------------------------------------------------------

CASES = [
    ("<h1>Title</h1><h3>Sub <small>part</small></h3><h6>Six</h6>", "# Title\n\n### Sub part\n\n###### Six\n", "headings"),
    ('<div role="heading" aria-level="4">Aria</div><div role=heading>Default</div>', "#### Aria\n\n## Default\n", "aria-heading"),
    ("<p>We <b>do</b> <a href='https://x.example/y'>share</a> <span>it</span>.</p>", "We do share it.\n", "inline-dropped"),
    ("<p>  spaced\n\t out   text </p>", "spaced out text\n", "whitespace-collapsed"),
    ("<p>one<br>two<br/><br>three</p>", "one\ntwo\nthree\n", "br-new-line"),
    ("<p>a</p><p>b</p><div>c<div>d</div>e</div>", "a\n\nb\n\nc\n\nd\n\ne\n", "paragraph-blocks"),
    ("<ol><li>First</li><li>Second</li></ol>", "- First\n- Second\n", "ordered-list-dashes"),
    (
        "<ul><li>A<ul><li>B<ol><li>C</li></ol></li></ul></li><li>D</li></ul>",
        "- A\n  - B\n    - C\n- D\n",
        "nested-lists",
    ),
    ("<ul><li><p>Multi</p><p>para<br>item</p></li></ul>", "- Multi para item\n", "item-blocks-inline"),
    ("<ul><li>A<ul><li>B</li></ul>tail</li></ul>", "- A\n  - B\n- tail\n", "text-after-nested-list"),
    ("<ul><li>a</li></ul><ul><li>b</li></ul><p>p</p>", "- a\n\n- b\n\np\n", "adjacent-lists-separate"),
    (
        "<table><caption>Cookies</caption><tr><th>Name</th><th>Use</th></tr>"
        "<tr><td>sid</td><td>login<br>state</td></tr><tr><td></td><td></td></tr><tr><td>x</td><td></td></tr></table>",
        "Cookies\n\nName | Use\nsid | login state\nx |\n",
        "table",
    ),
    (
        "<table><tr><td><h2>Layout</h2><p>Cell text.</p></td><td><p>Other</p></td></tr></table>",
        "## Layout\n\nCell text.\n\nOther\n",
        "layout-table",
    ),
    ("<table><tr><td><ul><li>a</li><li>b</li></ul></td><td>c</td></tr></table>", "a b | c\n", "list-in-cell"),
    ("<dl><dt>Data</dt><dd>Any <i>information</i>.</dd><dt>You</dt><dd>The user.</dd></dl>", "Data\nAny information.\nYou\nThe user.\n", "definition-list"),
    ("<blockquote><p>Quoted</p></blockquote><address>A<br>B</address>", "Quoted\n\nA\nB\n", "blockquote-address"),
    ("<pre>line one\n  line   two\n\nthree</pre>", "line one\nline two\nthree\n", "pre-lines"),
    ("<details><summary>More</summary><p>Hidden body</p></details>", "More\n\nHidden body\n", "details"),
    ("<figure><img src=x alt=pic><figcaption>Caption</figcaption></figure>", "Caption\n", "figcaption-no-alt"),
    ("<p>keep</p><!-- a comment --><script>var n='x'</script><style>p{}</style><p>also</p>", "keep\n\nalso\n", "script-style-comment"),
    ("<p>a<noscript>js off</noscript><template>t</template><svg><text>s</text></svg>b</p>", "ab\n", "invisible-tags"),
    ("<p>x</p><iframe src=y></iframe><object>o</object><canvas>c</canvas>", "x\n", "embeds"),
    ("<p>Name <input value=v><select><option>opt</option></select><textarea>t</textarea><button>Go</button></p>", "Name\n", "form-controls"),
    ("<form><p>Forms wrapping the whole page keep their text.</p></form>", "Forms wrapping the whole page keep their text.\n", "form-kept"),
    ("<p hidden>h</p><p aria-hidden=true>a</p><p style='display: none'>d</p><p style='VISIBILITY:hidden'>v</p><p>ok</p>", "ok\n", "hidden"),
    ("<p hidden=until-found>Found by search</p>", "Found by search\n", "hidden-until-found-kept"),
    (
        "<div role=navigation>n</div><div role=banner>b</div><div role=contentinfo>c</div>"
        "<div role=dialog>d</div><div role=alertdialog>a</div><dialog>x</dialog><p>ok</p>",
        "ok\n",
        "roles",
    ),
    ("<nav>menu</nav><aside>ad</aside><p>ok</p>", "ok\n", "nav-aside"),
    ('<a href="#main">Skip to content</a><a href="#s"><span>Skip navigation</span></a><p>ok</p>', "ok\n", "skip-links"),
    ('<p><a href="#sharing">Sharing</a></p>', "Sharing\n", "anchor-link-kept"),
]
BANNERS = [
    ('<div id="onetrust-banner-sdk">b</div>', "", "onetrust"),
    ('<div id="CybotCookiebotDialog">b</div>', "", "cookiebot"),
    ('<div class="truste_box_overlay">b</div>', "", "truste"),
    ('<div class="cookie-banner">b</div>', "", "cookie-banner"),
    ('<div class="gdpr-notice">b</div>', "", "gdpr-notice"),
    ('<div class="x consentModal">b</div>', "", "consent-modal"),
    ('<section id="cookies"><h2>Cookies</h2></section>', "## Cookies\n", "cookies-section-anchor"),
    ('<section class="cookie-policy-banner">p</section>', "p\n", "cookie-policy-kept"),
    ('<div class="cookies-table-notice">t</div>', "t\n", "cookie-table-kept"),
    ('<div class="banner hero"><h1>Privacy</h1></div>', "# Privacy\n", "plain-banner-kept"),
    ('<section id="consent"><p>Your consent</p></section>', "Your consent\n", "consent-section-kept"),
    ('<div class="sticky-top"><p>Updated</p></div>', "Updated\n", "sticky-is-not-a-cmp-name"),
]


@pytest.mark.parametrize(("html", "expected"), [pytest.param(h, e, id=i) for h, e, i in CASES + BANNERS])
def test_html_rules(html: str, expected: str) -> None:
    assert extract_text(f"<html><body><main>{html}</main></body></html>", "html") == expected


# --- main content choice ------------------------------------------------------------------------

CHOICE = [
    ("<p>out</p><main><p>in</main></main>", "in\n", "main"),
    ("<p>out</p><main hidden><p>ghost</p></main><main><p>in</p></main>", "in\n", "first-visible-main"),
    ("<template><main><p>tpl</p></main></template><div role=main><p>in</p></div>", "in\n", "main-in-template-ignored"),
    ("<p>out</p><div role='main'><p>in</p></div>", "in\n", "role-main"),
    ("<p>out</p><article><header><h1>T</h1></header><p>in</p><article><p>comment</p></article></article>", "# T\n\nin\n\ncomment\n", "single-article"),
    ("<p>body</p><article><p>one</p></article><article><p>two</p></article>", "body\n\none\n\ntwo\n", "two-articles-body"),
    (
        "<header><p>site</p></header><div><header><p>also site</p></header></div>"
        "<section><header><h2>Kept</h2></header><p>x</p><footer>Section footer</footer></section><footer>site</footer>",
        "## Kept\n\nx\n\nSection footer\n",
        "body-drops-page-header-footer",
    ),
    ("<main><header><h1>Title in main</h1></header><p>x</p><footer>Updated May</footer></main>", "# Title in main\n\nx\n\nUpdated May\n", "main-keeps-header-footer"),
    ("<main class='cookie-banner'><p>main is never dropped</p></main>", "main is never dropped\n", "main-root-not-tested"),
    ("", "", "empty-body"),
]


@pytest.mark.parametrize(("body", "expected"), [pytest.param(b, e, id=i) for b, e, i in CHOICE])
def test_main_content_choice(body: str, expected: str) -> None:
    assert extract_text(f"<!doctype html><html><body>{body}</body></html>", "html") == expected


@pytest.mark.parametrize("text", ["", "   \n", "<!-- only a comment -->"])
def test_empty_documents(text: str) -> None:
    assert extract_text(text, "html") == ""


def test_select_all_matches_in_document_order_without_duplicates() -> None:
    html = "<div class=p id=a><p>one</p><div class=p><p>nested</p></div></div><p>skip</p><div class=p><p>two</p></div>"
    assert extract_text(html, "html", select=".p") == "one\n\nnested\n\ntwo\n"


def test_select_keeps_header_and_footer_inside_the_selection() -> None:
    html = "<header>site</header><div id=doc><header><h1>T</h1></header><p>x</p><footer>f</footer></div>"
    assert extract_text(html, "html", select="#doc") == "# T\n\nx\n\nf\n"


def test_select_matching_nothing_is_a_content_error() -> None:
    with pytest.raises(ContentError) as info:
        extract_text("<main><p>x</p></main>", "html", select="main article")
    assert info.value.message == "selector 'main article' matched nothing on the page"
    assert info.value.hint


def test_select_on_an_empty_page_is_a_content_error() -> None:
    with pytest.raises(ContentError):
        extract_text("", "html", select="main")


@pytest.mark.parametrize("kw", [{"select": "main >"}, {"remove": ["div["]}], ids=["select", "remove"])
def test_invalid_selectors_are_config_errors(kw: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        extract_text("<main><p>x</p></main>", "html", **kw)  # type: ignore[arg-type]


def test_remove_drops_matches_but_keeps_following_text() -> None:
    html = "<main><p>keep <span class=ad>AD</span>this</p><div class=share>Share</div><p>end</p></main>"
    assert extract_text(html, "html", remove=[".ad", ".share"]) == "keep this\n\nend\n"


def test_remove_may_drop_a_selected_root() -> None:
    html = "<div class=part><p>a</p></div><div class='part old'><p>b</p></div>"
    assert extract_text(html, "html", select=".part", remove=[".old"]) == "a\n"


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_markdown_and_text_pass_through(fmt: str) -> None:
    text = "# Title\r\n\r\n* item\n"
    assert extract_text(text, fmt) == text


def test_pdf_is_a_content_error() -> None:
    with pytest.raises(ContentError):
        extract_text("%PDF-1.7", "pdf")


def test_unknown_format_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        extract_text("x", "docx")


def test_xml_declaration_and_odd_markup_parse() -> None:
    html = '<?xml version="1.0" encoding="utf-8"?><html><body><main><p>x&nbsp;&amp;&unknown; <unknown>y</unknown></p></main></body></html>'
    assert normalize_text(extract_text(html, "html")) == "x &&unknown;\n\ny\n"


def test_deep_nesting_does_not_crash() -> None:
    html = "<main>" + "<div>" * 5000 + "<p>deep</p>" + "</div>" * 5000 + "</main>"
    assert isinstance(extract_text(html, "html"), str)


# --- whole pages --------------------------------------------------------------------------------

RANDOM_REQID = "7f3a9c1e0b5d4f2a8c6e1b9d3f7a5c0e"


@pytest.mark.parametrize(
    "name", ["northwind_privacy", "body_fallback", "role_main", "cafe_cp1252"]
)
def test_fixture_pages(name: str) -> None:
    expected = (FIXTURES / f"{name}.expected.txt").read_text(encoding="utf-8")
    assert pipeline(page(f"{name}.html", REQID=RANDOM_REQID)) == expected


def test_northwind_exact_output() -> None:
    # The full contract on one page, spelled out here so a reviewer can read it without the fixture.
    assert pipeline(page("northwind_privacy.html", REQID=RANDOM_REQID)) == (
        "# Privacy Notice\n\n"
        "Effective: 1 February 2025\n\n"
        'Northwind Parcel Co. ("Northwind", "we") moves boxes, not secrets. This notice explains which details'
        " we keep about senders and recipients, and why.\n\n"
        "## 1. What we collect\n\n"
        "When you book a shipment we record:\n\n"
        "- Contact details: the sender's name, e-mail and phone number.\n"
        "- Delivery details:\n"
        "  - the recipient's address;\n"
        "  - any safe place instructions you give the driver.\n"
        "- Payment status, but never full card numbers.\n\n"
        "## 2. Sharing\n\n"
        "We hand parcel data only to the partners below, and only to get a parcel where it is going."
        " We do not sell personal data.\n\n"
        "Partner | Purpose | Region\n"
        "Last-mile couriers | Final delivery | EU\n"
        "Customs brokers | Cross-border clearance | EU, UK\n\n"
        "## 3. How long we keep it\n\n"
        "- Tracking history: 18 months after delivery.\n"
        "- Invoices: as long as tax law requires.\n\n"
        "### Terms we use\n\n"
        "Consignment\n"
        "One or more parcels sent together under a single booking.\n\n"
        "Short version: we keep what delivery needs, then we let it go.\n\n"
        "Get policy updates by e-mail\n\n"
        "Questions? Write to our privacy team at privacy@northwind.example.\n\n"
        "Page reference:\n"
    )


@pytest.mark.parametrize("name", ["northwind_privacy.html", "body_fallback.html"])
def test_per_request_tokens_never_make_a_new_version(name: str) -> None:
    first = page(name, NONCE="q8Zr2LmX0vTa9KcB", CSRF="Zm9vYmFyMTIzNDU2Nzg5MGFiY2RlZg==", REQID=RANDOM_REQID)
    second = page(name, NONCE="Hw3nP7sJd1Ue5RyQ", CSRF="YWJjMTIzZGVmNDU2Z2hpNzg5amtsMA==", REQID="c91e2b0f7d4a6e3b58f1a0d9c2e7b4a6")
    assert first != second
    # Script nonces and hidden CSRF fields are gone at extraction already...
    assert extract_text(decode_body(first, None), "html").replace(RANDOM_REQID, "") == extract_text(
        decode_body(second, None), "html"
    ).replace("c91e2b0f7d4a6e3b58f1a0d9c2e7b4a6", "")
    # ...and a request id printed in the visible text is gone after normalization.
    assert pipeline(first) == pipeline(second)


@pytest.mark.parametrize(
    "content_type",
    [None, "text/html", "text/html; charset=x-bogus-42", "text/html; charset=utf-7"],
    ids=["no-header", "no-charset", "bogus-charset", "refused-charset"],
)
def test_meta_only_charset_page(content_type: str | None) -> None:
    text = pipeline((FIXTURES / "cafe_cp1252.html").read_bytes(), content_type)
    assert "# Politique de confidentialité\n" in text
    assert "l'adresse e-mail de nos clients fidèles — rien de plus." in text
    assert "20 €..." in text


def test_role_main_page_with_select_and_remove() -> None:
    raw = page("role_main.html")
    assert pipeline(raw, remove=[".share-buttons"]).startswith("# Lumen Weather privacy statement\n\nLumen shows")
    selected = pipeline(raw, select="#policy-body, #policy-extra", remove=["figure", "pre"])
    assert selected.startswith("Lumen shows forecasts")
    assert "Figure 1" not in selected and "Retention" not in selected
    assert selected.endswith("## Changes\n\nWe will tell you in the app before any change takes effect.\n")


@pytest.mark.parametrize("module", ["monitor.text.extract", "monitor.text.normalize", "monitor.text.identity", "monitor.engine.gate"])
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted and not result.failed
