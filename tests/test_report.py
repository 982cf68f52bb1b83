"""The web report, reviews and the evidence export, from a real history checked on loopback.

What a browser shows is tested in test_report_browser.py; here: the files, their links, the feeds
(parsed by feedparser), the escaping of hostile vendor text, what a refresh rewrites, reviews that
survive a backfill, the export, and the link in each notification.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import feedparser
import pytest
from lxml import etree, html

from monitor.config import parse_watchlist
from monitor.errors import ConfigError
from monitor.report.records import change_keys, safe_link
from monitor.store.store import DocumentInfo, Observation, Store
from report_site import History, hostile_page  # noqa: F401 - hostile_page documents the fixture

SITE_LINK_ATTRS = ("href", "src")


@pytest.fixture
def history(tmp_path, server):
    h = History(tmp_path, server)
    h.build()
    return h


def site_files(root: Path) -> dict[str, tuple[int, bytes]]:
    """site path → (inode, bytes): a rewrite by rename changes the inode even when the bytes are the same."""
    return {p.relative_to(root).as_posix(): (p.stat().st_ino, p.read_bytes()) for p in root.rglob("*") if p.is_file()}


def pages_of(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


# --- the site -------------------------------------------------------------------------------------
def test_report_writes_every_page_with_working_relative_links(history, tmp_path):
    out = tmp_path / "site"
    result = history.report(out)
    assert "2 documents, 3 changes" in result.stdout and f"open {out / 'index.html'}" in result.stdout
    changes = history.cli.json("changes")
    for change in changes:  # every change has its page, linked from the index and its document page
        pages = list((out / change["document"] / "changes").glob("*.html"))
        assert pages
    for page in pages_of(out):
        tree = html.parse(str(page))
        assert tree.find(".//main") is not None and tree.find(".//header") is not None and tree.find(".//h1") is not None
        assert tree.find(".//meta[@name='viewport']") is not None
        for element in tree.iter():
            for attr in SITE_LINK_ATTRS:
                target = element.get(attr)
                if target is None or target.startswith(("http://", "https://", "#")):
                    continue
                assert (page.parent / target.split("#")[0]).resolve().is_file(), f"{page}: broken link {target}"


def test_a_second_report_rewrites_nothing(history, tmp_path):
    out = tmp_path / "site"
    history.report(out)
    before = site_files(out)
    again = history.cli.json("report", "--out", str(out))
    assert again["written"] == 0 and site_files(out) == before


def test_the_change_page_shows_the_reason_and_the_marked_words(history, tmp_path):
    out = tmp_path / "site"
    history.report(out)
    sale = next(c for c in history.cli.json("changes") if c["document"] == "acme/privacy" and c["to_version"] == 2)
    (page,) = [p for p in (out / "acme/privacy/changes").glob("*.html") if "version 1 → 2" in p.read_text()]
    tree = html.parse(str(page))
    assert tree.findtext(".//dd[@class='reason']") == sale["reason"]
    assert [d.text for d in tree.iterfind(".//p[@class='inline']//del")] == ["do not"]
    assert "may" in [i.text for i in tree.iterfind(".//p[@class='inline']//ins")]
    assert tree.find(".//div[@class='side']//del") is not None  # the side-by-side view too
    assert "unreviewed" in tree.findtext(".//dd[@class='review']/span")


def test_hostile_vendor_text_cannot_run_or_inject(history, tmp_path):
    out = tmp_path / "site"
    history.report(out)
    evil = list((out / "evil").rglob("*.html"))
    assert evil and any("window.__pwned" in p.read_text() for p in evil)  # the text is shown...
    for page in pages_of(out):
        tree = html.parse(str(page))
        scripts = tree.findall(".//script")
        assert [s.get("src").rsplit("/", 1)[-1] for s in scripts] == ["report.js"] and not any(s.text for s in scripts)
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            assert element.tag not in ("img", "iframe", "object", "embed", "form") or element.get("id") == "filters"
            assert not [a for a in element.attrib if a.lower().startswith("on")], f"{page}: event handler"
            for attr in SITE_LINK_ATTRS:
                assert not (element.get(attr) or "").strip().lower().startswith(("javascript:", "data:")), page
    # ...and the raw snapshot, real <script> included, is kept as text, never as a page of ours.
    snapshots = list((out / "evil/privacy/snapshots").iterdir())
    assert snapshots and all(p.suffix == ".txt" for p in snapshots)
    assert any(b"<script>window.__pwned = 6</script>" in p.read_bytes() for p in snapshots)


def test_feeds_are_valid_atom_with_one_entry_per_change(history, tmp_path):
    out = tmp_path / "site"
    history.report(out, "--base-url", "https://policies.example/report/")
    expected = {"feeds/all.atom": 3, "feeds/material.atom": 2, "acme/feed.atom": 2, "acme/privacy/feed.atom": 2,
                "evil/feed.atom": 1, "evil/privacy/feed.atom": 1}
    for path, count in expected.items():
        feed = feedparser.parse((out / path).read_bytes())
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        assert feed.version == "atom10" and len(feed.entries) == count, path
        for entry in feed.entries:
            assert entry.link.startswith("https://policies.example/report/")
            local = out / entry.link.removeprefix("https://policies.example/report/")
            assert local.is_file()
            assert entry.id.startswith("tag:policy-monitor,2026:")
    evil = feedparser.parse((out / "evil/privacy/feed.atom").read_bytes()).entries[0]
    content = html.fromstring(evil.content[0].value)
    assert content.find(".//script") is None and "<script>" in content.text_content()
    raw = etree.parse(str(out / "evil/privacy/feed.atom"))  # well-formed XML
    assert raw.getroot().tag == "{http://www.w3.org/2005/Atom}feed"


def test_links_only_to_http_and_stable_keys():
    assert safe_link("javascript:alert(1)") is None and safe_link(" JavaScript:alert(1)") is None
    assert safe_link("data:text/html,x") is None and safe_link("https://a.example/p") == "https://a.example/p"
    keys = change_keys([("d/x", 1, "a" * 64), ("d/x", 2, "b" * 64), ("d/x", 3, "a" * 64), ("d/x", 4, "b" * 64)])
    assert list(keys.values()) == ["a" * 12, "b" * 12, "a" * 12 + "-3", "b" * 12 + "-4"]


# --- refresh: only what the change touched --------------------------------------------------------
def test_a_check_refreshes_only_that_changes_pages_the_document_page_the_index_and_feeds(tmp_path, server):
    out = tmp_path / "site"
    h = History(tmp_path, server, report={"dir": "site"})
    h.build()  # [report] dir: every check already kept the site up to date
    before = site_files(out)
    assert "index.html" in before and len([p for p in before if "/changes/" in p]) == 3
    server.set("/evil/privacy", hostile_page(("We do not sell", "We may sell")))
    h.check()
    after = site_files(out)
    rewritten = {p for p in after if before.get(p) != after[p]}
    (new_change,) = [p for p in after if "/changes/" in p and p not in before]
    (new_version,) = [p for p in after if "/versions/" in p and p not in before]
    (new_snapshot,) = [p for p in after if "/snapshots/" in p and p not in before]
    assert new_change.startswith("evil/privacy/") and new_version.startswith("evil/privacy/")
    assert rewritten == {
        new_change, new_version, new_snapshot, "evil/privacy/index.html", "index.html",
        "feeds/all.atom", "feeds/material.atom", "evil/feed.atom", "evil/privacy/feed.atom",
    }
    unchanged = h.cli("check")  # nothing changed: only the index (its "last check" times)
    assert unchanged.exit_code == 0
    assert {p for p, v in site_files(out).items() if after.get(p) != v} == {"index.html"}


# --- reviews --------------------------------------------------------------------------------------
def test_review_is_recorded_shown_and_filters_changes(tmp_path, server):
    h = History(tmp_path, server, report={"dir": "site"})
    h.build()
    assert len(h.cli.json("changes", "--unreviewed")) == 3
    done = h.cli("review", "acme/privacy@2", "--status", "reviewed", "--note", "legal: fine <b>really</b>", "--by", "alice")
    assert done.exit_code == 0 and done.stdout.startswith("acme/privacy@2: reviewed by alice at ")
    h.cli("review", "evil/privacy@2", "--status", "dismissed", "--by", "bob")
    left = h.cli.json("changes", "--unreviewed")
    assert [(c["document"], c["to_version"]) for c in left] == [("acme/privacy", 3)]
    assert left[0]["review"] is None
    decided = {(c["document"], c["to_version"]): c["review"] for c in h.cli.json("changes")}
    assert decided[("acme/privacy", 2)]["status"] == "reviewed" and decided[("acme/privacy", 2)]["by"] == "alice"
    assert decided[("evil/privacy", 2)]["status"] == "dismissed"
    assert "reviewed by alice: legal: fine" in h.cli("changes", "acme/privacy").stdout
    # The report was refreshed by `review`: the change page shows the state and the note, escaped.
    page = next(p for p in (tmp_path / "site/acme/privacy/changes").glob("*.html") if "version 1 → 2" in p.read_text())
    review = html.parse(str(page)).find(".//dd[@class='review']")
    assert review.findtext("span") == "reviewed" and "by alice: legal: fine <b>really</b>" in review.text_content()
    assert review.find(".//b") is None
    index = html.parse(str(tmp_path / "site/index.html"))
    assert [r.get("data-unreviewed") for r in index.iterfind(".//table[@id='changes']/tbody/tr")].count("yes") == 1


@pytest.mark.parametrize("ref, message", [
    ("acme/privacy", "is not a change"), ("acme/privacy@9", "has no change into version 9"),
    ("nobody/privacy@2", "no document 'nobody/privacy'"),
])
def test_review_of_an_unknown_change_is_a_usage_error(history, ref, message):
    result = history.cli("review", ref, "--status", "reviewed")
    assert result.exit_code == 2 and message in result.stderr


def test_a_bad_status_is_refused(history):
    assert history.cli("review", "acme/privacy@2", "--status", "approved").exit_code == 2


def _at(day: int) -> datetime:
    return datetime(2026, 1, day, tzinfo=timezone.utc)


def test_a_review_follows_its_change_when_backfill_renumbers(tmp_path):
    """Live versions A (v1) and C (v2), C reviewed; backfill finds B between them: C is now v3, and the
    decision on "the change into C" is on acme/privacy@3, with the same permalink."""
    from monitor.engine.compare import compare
    from monitor.store.store import CaptureRecord

    store = Store.open(tmp_path / "pm.db")
    store.sync_documents([DocumentInfo("acme/privacy", "acme", "Acme", "privacy", "https://acme.example/p")])
    run = store.start_run("check")
    store.record(run, Observation("acme/privacy", "new", _at(1), text="# S\n\nWe do not sell data.\n", url="https://acme.example/p"))
    store.record(run, Observation("acme/privacy", "changed", _at(20), text="# S\n\nWe sell data.\n", url="https://acme.example/p",
                                  comparison=compare("# S\n\nWe do not sell data.\n", "# S\n\nWe sell data.\n")))
    key_before = store.change_keys()[("acme/privacy", 2)]
    store.record_review("acme/privacy", 2, "reviewed", "alice", "ok")
    obs = Observation("acme/privacy", "new", _at(10), text="# S\n\nWe rarely sell data.\n", url="https://archive/x", source="archive", notify=False)
    outcome = store.record_capture(store.start_run("backfill"), CaptureRecord("acme/privacy", "20260110000000", _at(10), "imported"), obs, compare)
    assert outcome == ("imported", 2)
    assert list(store.reviews()) == [("acme/privacy", 3)]
    assert store.change_keys()[("acme/privacy", 3)] == key_before
    store.close()


# --- export ---------------------------------------------------------------------------------------
def test_export_jsonl_and_csv_hold_the_evidence(history, tmp_path):
    history.cli("review", "acme/privacy@2", "--status", "acknowledged", "--by", "carol", "--note", "=HYPERLINK(\"x\")")
    lines = history.cli("export", "--since", "2020-01-01").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert sorted((r["document"], r["to_version"]) for r in records) == [("acme/privacy", 2), ("acme/privacy", 3), ("evil/privacy", 2)]
    assert [r["detected_at"] for r in records] == sorted(r["detected_at"] for r in records)  # oldest first
    first = next(r for r in records if r["change"] == "acme/privacy@2")
    assert first["review"]["status"] == "acknowledged" and first["review"]["by"] == "carol"
    assert first["url"].startswith("http://127.0.0.1") and first["severity"] == "material"
    assert len(first["before"]["text_sha256"]) == 64 and len(first["after"]["raw_sha256"]) == 64
    assert any(c["before"] and "do not sell" in c["before"] for c in first["clauses"])
    rows = list(csv.DictReader(io.StringIO(history.cli("export", "--format", "csv").stdout)))
    (row,) = [r for r in rows if r["change"] == "acme/privacy@2"]
    assert len(rows) == 3 and row["review_note"] == "'=HYPERLINK(\"x\")"  # no formula for a spreadsheet
    assert history.cli("export", "--since", "2999-01-01").stdout == ""


def test_export_zip_holds_snapshots_and_a_manifest_that_verifies(history, tmp_path):
    target = tmp_path / "evidence.zip"
    result = history.cli("export", "--format", "zip", "--out", str(target))
    assert result.exit_code == 0 and "wrote 3 evidence records" in result.stderr
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        manifest = archive.read("MANIFEST.sha256").decode().splitlines()
        for line in manifest:
            digest, name = line.split("  ", 1)
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest
        records = [json.loads(line) for line in archive.read("evidence.jsonl").decode().splitlines()]
        for r in records:
            for side in (r["before"], r["after"]):
                raw = f"documents/{r['document']}/snapshots/{side['raw_sha256']}.txt"
                assert raw in names and hashlib.sha256(archive.read(raw)).hexdigest() == side["raw_sha256"]
                assert f"documents/{r['document']}/texts/{side['text_sha256']}.txt" in names


# --- notifications and configuration -------------------------------------------------------------
def test_every_notification_links_to_its_change_page(tmp_path, server, monkeypatch):
    from apprise.plugins.base import NotifyBase
    from receivers import JsonReceiver

    monkeypatch.setattr(NotifyBase, "request_rate_per_sec", 0)
    with JsonReceiver() as hook:
        h = History(tmp_path, server, report={"dir": "site", "base_url": "https://policies.example/r"},
                    notify=[{"url": hook.url(), "min_severity": "minor"}])
        h.build()
        assert len(hook.posts) == 3
        for post in hook.posts:
            link = next(w for w in post["message"].split() if w.startswith("https://policies.example/r/"))
            assert (tmp_path / "site" / link.removeprefix("https://policies.example/r/")).is_file(), link


@pytest.mark.parametrize("fmt, link", [
    ("text", "Open the change: https://r.example/acme/privacy/changes/abc.html"),
    ("markdown", "[Open the change](https://r.example/acme/privacy/changes/abc.html)"),
    ("html", '<a href="https://r.example/acme/privacy/changes/abc.html">Open the change</a>'),
])
def test_a_message_carries_the_link_in_each_format(fmt, link):
    from monitor.render.messages import Event, render_change, render_digest

    event = Event(1, "change", "acme/privacy", "acme", "Acme", "privacy", "material", ("sale",), "may sell",
                  from_version=1, to_version=2, url="https://r.example/acme/privacy/changes/abc.html")
    assert link in render_change(event, fmt).body and link in render_digest([event], fmt).body
    assert "Open the change" not in render_change(replace(event, url=""), fmt).body


def test_report_configuration_errors_name_the_field(tmp_path, history):
    with pytest.raises(ConfigError, match=r"report.base_url: .*not an http\(s\) URL"):
        parse_watchlist({"report": {"base_url": "javascript:alert(1)"}})
    with pytest.raises(ConfigError, match=r"report.folder: unknown key"):
        parse_watchlist({"report": {"folder": "x"}})
    nowhere = history.cli("report")
    assert nowhere.exit_code == 2 and "give --out DIR" in nowhere.stderr
