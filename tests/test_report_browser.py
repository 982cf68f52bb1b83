"""The report as a person sees it: Debian's chromium, headless, driven by Playwright, opening the
generated site from a loopback web server (and from a file browser's file:// URL).

Checks what is on screen (the change's reason, the marked words, a filter that works, with the
keyboard), that a phone gets a page that fits, that hostile vendor text runs nothing, and that no
page asks anything of any other host. Screenshots are kept in the test's tmp dir as artifacts.
"""

from __future__ import annotations

import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from monitor.demo.server import PolicyServer
from report_site import History

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium; .ci/run does)")

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-default-apps"]


class SiteServer:
    """The generated site on loopback, as any static web server would serve it."""

    def __init__(self, root: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> SiteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    with PolicyServer() as vendors:
        history = History(root, vendors, report={"dir": "site"})
        history.build()
        with SiteServer(root / "site") as served:
            yield history, root / "site", served


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
        yield instance
        instance.close()


class Visit:
    """A page with everything it did recorded: requests, dialogs, console errors, script errors."""

    def __init__(self, browser, **context) -> None:  # noqa: ANN001, ANN003
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser):
    opened: list[Visit] = []

    def open_(url: str, **context) -> Visit:  # noqa: ANN003
        v = Visit(browser, **context)
        opened.append(v)
        v.page.goto(url)
        return v

    yield open_
    for v in opened:
        v.close()


def visible_rows(page, table: str) -> int:  # noqa: ANN001
    return page.locator(f"#{table} tbody tr:visible").count()


def only_loopback(v: Visit, base: str) -> None:
    strangers = [u for u in v.requests if not u.startswith((base, "file://"))]
    assert not strangers, f"requests to elsewhere: {strangers}"


# --- what a person sees ---------------------------------------------------------------------------
def test_the_index_filters_with_the_keyboard_and_keeps_the_filter_in_the_link(site, visit, tmp_path):
    history, _root, served = site
    v = visit(f"{served.base}/index.html")
    page = v.page
    assert page.locator("h1").inner_text() == "Vendor policy changes"
    assert page.locator("#filters").is_visible()  # the script ran
    assert visible_rows(page, "changes") == 3 and visible_rows(page, "documents") == 2
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.focus("#f-material")
    page.keyboard.press("Space")
    assert visible_rows(page, "changes") == 2
    assert page.evaluate("location.hash") == "#material"
    page.focus("#f-category")
    page.select_option("#f-category", "retention")
    assert visible_rows(page, "changes") == 1
    assert page.locator("#filter-status").inner_text() == "Showing 1 of 3 changes and 1 of 2 documents."
    page.focus("#f-tag")
    page.select_option("#f-tag", "crm")
    assert visible_rows(page, "documents") == 1 and "Acme" in page.locator("#documents tbody tr:visible").inner_text()
    page.screenshot(path=str(tmp_path / "index-filtered.png"), full_page=True)
    assert (tmp_path / "index-filtered.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    shared = visit(f"{served.base}/index.html#material&category=retention")  # a colleague opens the link
    assert visible_rows(shared.page, "changes") == 1 and shared.page.is_checked("#f-material")
    assert not v.errors and not v.dialogs
    only_loopback(v, served.base)


def test_unreviewed_filter_follows_a_review(site, visit):
    history, _root, served = site
    assert history.cli("review", "evil/privacy@2", "--status", "dismissed", "--by", "dana").exit_code == 0
    v = visit(f"{served.base}/index.html#unreviewed")
    assert visible_rows(v.page, "changes") == 2
    assert "dismissed by dana" in v.page.locator("#changes").text_content()  # in a row the filter hides


def test_a_change_page_shows_the_reason_and_the_marked_words(site, visit, tmp_path):
    history, _root, served = site
    v = visit(f"{served.base}/index.html")
    page = v.page
    page.locator("#changes tbody tr", has_text="version").first  # noqa: B018 - the rows exist
    row = page.locator("#changes tbody tr", has_text="Acme").filter(has_text="1 → 2")
    row.locator("a").first.click()
    page.wait_for_selector("h1")
    sale = next(c for c in history.cli.json("changes") if c["document"] == "acme/privacy" and c["to_version"] == 2)
    assert page.locator("dd.reason").inner_text() == sale["reason"]
    assert "version 1 → 2" in page.locator("h1").inner_text()
    inline = page.locator("p.inline").first
    assert inline.is_visible() and inline.locator("del").first.inner_text() == "do not"
    assert "may" in inline.locator("ins").all_inner_texts()
    assert not page.locator("div.side").first.is_visible()
    page.focus("#view-inline")
    page.keyboard.press("ArrowRight")  # radios: the arrow keys move the choice
    assert page.is_checked("#view-side")
    assert page.locator("div.side").first.is_visible() and not inline.is_visible()
    assert page.locator("div.side del").first.inner_text() == "do not"
    page.screenshot(path=str(tmp_path / "change-side-by-side.png"), full_page=True)
    cosmetic = page.locator("details summary")
    if cosmetic.count():
        assert "cosmetic" in cosmetic.first.inner_text()
    assert not v.errors and not v.dialogs
    only_loopback(v, served.base)


def test_readable_on_a_phone(site, visit, tmp_path):
    _history, root, served = site
    change = next((root / "acme/privacy/changes").glob("*.html")).relative_to(root).as_posix()
    for path, name in ((change, "phone-change.png"), ("index.html", "phone-index.png")):
        v = visit(f"{served.base}/{path}", viewport={"width": 375, "height": 740}, is_mobile=True, device_scale_factor=2)
        fits = v.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, f"{path} scrolls sideways on a phone"
        assert v.page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16
        v.page.screenshot(path=str(tmp_path / name), full_page=True)


def test_hostile_vendor_text_runs_nothing(site, visit):
    _history, root, served = site
    pages = [p.relative_to(root).as_posix() for p in (root / "evil").rglob("*.html")]
    assert len(pages) >= 4
    for path in pages:
        v = visit(f"{served.base}/{path}")
        assert v.page.evaluate("typeof window.__pwned") == "undefined", path
        assert not v.dialogs and not v.errors, (path, v.dialogs, v.errors)
        assert v.page.locator("img, iframe, object, embed").count() == 0
        hrefs = v.page.eval_on_selector_all("a", "els => els.map(a => a.href)")
        assert not [h for h in hrefs if h.lower().startswith("javascript:")], path
        only_loopback(v, served.base)
    text = visit(f"{served.base}/{pages[0]}").page.locator("main").inner_text()
    assert "<script>" in text or "onerror" in text or "evil" in text.lower()
    snapshot = next((root / "evil/privacy/snapshots").iterdir()).relative_to(root).as_posix()
    raw = visit(f"{served.base}/{snapshot}")
    assert raw.page.evaluate("typeof window.__pwned") == "undefined"  # shown as text, not run


def test_without_javascript_every_row_shows_and_no_dead_control(site, visit):
    _history, root, served = site
    v = visit(f"{served.base}/index.html#material", java_script_enabled=False)
    assert not v.page.locator("#filters").is_visible()
    assert visible_rows(v.page, "changes") == 3
    change = next((root / "acme/privacy/changes").glob("*.html")).relative_to(root).as_posix()
    v.page.goto(f"{served.base}/{change}")
    v.page.focus("#view-inline")
    v.page.keyboard.press("ArrowRight")  # the view switch is CSS only
    assert v.page.locator("div.side").first.is_visible() and not v.page.locator("p.inline").first.is_visible()


def test_the_site_works_from_a_file_browser(site, visit):
    _history, root, _served = site
    v = visit((root / "index.html").as_uri() + "#material")
    assert v.page.locator("#filters").is_visible() and visible_rows(v.page, "changes") == 2
    v.page.locator("#documents a", has_text="privacy").first.click()
    assert "Timeline" in v.page.locator("main").inner_text()
    assert not v.errors
