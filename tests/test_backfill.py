"""`backfill`: archived captures through the whole pipeline, against a real pywb serving WARC files
written here, and against the Internet Archive's dialect on a loopback stub.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from archive_fixtures import (
    LOGIN_HTML, OUTAGE_HTML, Pywb, Record, Scripted, WaybackStub, at, needs_pywb, policy_text_html, write_warc,
)
from monitor.jobs.backfill import BackfillProgress, run_backfill
from monitor.config import parse_watchlist
from monitor.store.models import ArchiveCapture, Outbox
from monitor.text.reader import page_text
from monitor.store.store import Observation, Store

URL = "http://acme.test/privacy"
DOC = "acme/privacy"
FAST = {"cdx_per_minute": 1e6, "captures_per_minute": 1e6}  # no real waiting in tests


# The policy's archived life: versions 1, 3 and 5, with what archives really hold in between.
HISTORY = [
    Record(URL, at(2019, 1), body=policy_text_html(1)),
    Record(URL, at(2019, 2), body=policy_text_html(1)),  # the same bytes again: collapsed by the listing
    Record(URL, at(2019, 3), status=404, body="<p>Not here</p>"),  # not listed (status 200 only)
    Record(URL, at(2019, 4), status=302, headers=(("Location", "http://acme.test/login"),)),  # not listed
    Record("http://acme.test/login", at(2019, 4, second=5), body=LOGIN_HTML),  # another URL: not listed
    Record(URL, at(2019, 5), body=OUTAGE_HTML),  # a 200 outage page: skipped by the quality gate
    Record(URL, at(2019, 6), body=policy_text_html(3)),
    Record(URL, at(2019, 7), body=LOGIN_HTML),  # the login page served as the policy: skipped
    Record(URL, at(2019, 8), body=policy_text_html(5)),
    Record(URL, at(2019, 9), body=policy_text_html(5, nonce="x")),  # other bytes, same text: duplicate
]
LISTED = ["20190101000000", "20190501000000", "20190601000000", "20190701000000", "20190801000000", "20190901000000"]


def watchlist(archive_url: str, kind: str = "pywb", urls: dict[str, str] | None = None, **settings):
    vendors: dict[str, list[dict]] = {}
    for key, url in (urls or {DOC: URL}).items():
        vendor, doc = key.split("/")
        vendors.setdefault(vendor, []).append({"id": doc, "url": url})
    return parse_watchlist({
        "settings": {"retry_backoff": 0, **settings},
        "archive": {"kind": kind, "url": archive_url, **FAST},
        "vendors": [{"id": v, "documents": docs} for v, docs in vendors.items()],
    })


@pytest.fixture(scope="module")
def pywb(tmp_path_factory):
    root = tmp_path_factory.mktemp("pywb-backfill")
    warc = write_warc(root / "acme.warc.gz", HISTORY)
    with Pywb(root / "pywb", "acme", [warc]) as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def store(tmp_path, request):
    store = Store.open(request.getfixturevalue("pg_url") if request.param == "postgresql" else tmp_path / "pm.db")
    yield store
    store.close()


def texts(store: Store) -> list[tuple[int, str, str]]:
    return [(v.number, v.source, v.captured_at.strftime("%Y-%m")) for v in store.versions(DOC)]


def outbox(store: Store) -> list[Outbox]:
    with Session(store.engine) as session:
        return list(session.exec(select(Outbox)))


# --- pywb -------------------------------------------------------------------------------------------------
@needs_pywb
def test_backfill_imports_the_policy_and_skips_what_is_not_it(pywb, store):
    events: list[BackfillProgress] = []
    report = run_backfill(watchlist(pywb.collection_url), store, ["acme"], on_progress=events.append)

    assert report.counts == {"listed": 6, "already": 0, "imported": 3, "duplicate": 1, "skipped": 2, "failed": 0,
                             "documents_failed": 0}
    assert report.requests == {"cdx": 1, "capture": 6}
    assert texts(store) == [(1, "archive", "2019-01"), (2, "archive", "2019-06"), (3, "archive", "2019-08")]
    assert store.versions(DOC)[2].last_seen.strftime("%Y-%m") == "2019-09"  # the duplicate widened it
    assert store.text(store.versions(DOC)[1].sha256) == page_text(policy_text_html(3).encode(), "text/html")
    changes = store.changes(DOC)
    assert [(c.from_version, c.to_version, c.severity) for c in changes] == [(1, 2, "material"), (2, 3, "material")]
    # 3 -> 5: the period, and the minimum age ("not meant for anyone under 13" -> 16)
    assert "sharing" in changes[0].categories and {"retention", "children"} <= set(changes[1].categories)
    assert outbox(store) == []  # historical changes notify nobody unless asked

    reasons = {s["timestamp"]: s["reason"] for s in report.documents[0].skipped}
    assert reasons["20190501000000"].startswith("quality: error page")
    assert reasons["20190701000000"].startswith("quality: login wall")
    with Session(store.engine) as session:
        stored = {c.timestamp: (c.outcome, c.reason) for c in session.exec(select(ArchiveCapture))}
    assert sorted(stored) == LISTED
    assert stored["20190701000000"][0] == "skipped" and "login wall" in stored["20190701000000"][1]

    assert (events[0].outcome, events[0].done, events[0].total) == (None, 0, 6)
    assert [e.done for e in events[1:]] == [1, 2, 3, 4, 5, 6]
    assert events[-1].rate > 0
    assert json.loads(json.dumps(report.to_dict()))["counts"]["imported"] == 3


@needs_pywb
def test_a_second_backfill_adds_nothing_and_fetches_nothing(pywb, store):
    run_backfill(watchlist(pywb.collection_url), store, [DOC])
    before = (texts(store), len(store.changes(DOC)))
    again = run_backfill(watchlist(pywb.collection_url), store, [DOC])
    assert again.counts["already"] == 6 and again.counts["imported"] == again.counts["skipped"] == 0
    assert again.requests == {"cdx": 1}
    assert (texts(store), len(store.changes(DOC))) == before


@needs_pywb
def test_an_interrupted_backfill_resumes_where_it_stopped(pywb, store):
    class Interrupted(Exception):
        pass

    def stop_after_three(event: BackfillProgress) -> None:
        if event.done == 3:
            raise Interrupted

    with pytest.raises(Interrupted):
        run_backfill(watchlist(pywb.collection_url), store, [DOC], on_progress=stop_after_three)
    resumed = run_backfill(watchlist(pywb.collection_url), store, [DOC])
    assert resumed.counts["already"] == 3
    assert resumed.requests == {"cdx": 1, "capture": 3}  # only what was not done
    assert texts(store) == [(1, "archive", "2019-01"), (2, "archive", "2019-06"), (3, "archive", "2019-08")]


@needs_pywb
def test_live_and_archived_versions_interleave_in_time(pywb, store):
    from monitor.jobs.check import register, select_documents

    wl = watchlist(pywb.collection_url)
    register(store, select_documents(wl))
    live = page_text(policy_text_html(4).encode(), "text/html")
    store.record(store.start_run("check"), Observation(DOC, "new", at(2019, 7, 15), text=live, url=URL))
    run_backfill(wl, store, [DOC])
    assert texts(store) == [(1, "archive", "2019-01"), (2, "archive", "2019-06"), (3, "live", "2019-07"), (4, "archive", "2019-08")]
    assert [(c.from_version, c.to_version) for c in store.changes(DOC)] == [(1, 2), (2, 3), (3, 4)]


@needs_pywb
def test_since_and_until_bound_the_import(pywb, store):
    report = run_backfill(watchlist(pywb.collection_url), store, [DOC], since=at(2019, 6).date(), until=at(2019, 7).date())
    assert report.counts["listed"] == 2  # 2019-06 and the login page of 2019-07
    assert texts(store) == [(1, "archive", "2019-06")]


@needs_pywb
def test_notify_queues_the_historical_changes(pywb, store):
    run_backfill(watchlist(pywb.collection_url), store, [DOC], notify=True)
    assert len(outbox(store)) == 2


# --- the Internet Archive's dialect ------------------------------------------------------------------------
def test_wayback_backfill_reports_a_blocked_site_and_goes_on(store):
    other = "http://blocked.test/privacy"
    with WaybackStub(HISTORY + [Record(other, at(2019, 1), body=policy_text_html(1))]) as stub:
        stub.blocked_hosts.add("blocked.test")
        stub.script("/cdx", Scripted(429, "", {"Retry-After": "0"}))  # honoured, then the listing goes on
        report = run_backfill(watchlist(stub.url, kind="wayback", urls={DOC: URL, "blocked/privacy": other}), store)
    acme, blocked = report.documents
    assert (acme.counts["imported"], acme.counts["skipped"]) == (3, 2)
    assert blocked.blocked and blocked.error.startswith("blocked.test is excluded from the Internet Archive")
    assert report.failed and report.counts["documents_failed"] == 1
    assert report.requests["retry"] == 1


def test_a_capture_the_archive_fails_to_serve_is_retried_next_time(store):
    with WaybackStub(HISTORY) as stub:
        stub.script("/web/20190601000000id_/", Scripted(503, "busy"), Scripted(503, "busy"))
        wl = watchlist(stub.url, kind="wayback", retries=1)
        first = run_backfill(wl, store)
        assert first.counts["failed"] == 1 and first.failed
        assert first.documents[0].failed[0]["timestamp"] == "20190601000000"
        assert texts(store) == [(1, "archive", "2019-01"), (2, "archive", "2019-08")]
        second = run_backfill(wl, store)
    assert (second.counts["already"], second.counts["imported"]) == (5, 1)
    assert texts(store) == [(1, "archive", "2019-01"), (2, "archive", "2019-06"), (3, "archive", "2019-08")]
    assert [(c.from_version, c.to_version) for c in store.changes(DOC)] == [(1, 2), (2, 3)]



def test_an_archive_that_keeps_refusing_stops_the_run_for_later(store):
    other = "http://beta.test/privacy"
    with WaybackStub(HISTORY + [Record(other, at(2019, 1), body=policy_text_html(1))]) as stub:
        stub.script("/web/20190601000000id_/", Scripted(429, "", {"Retry-After": "600"}))
        report = run_backfill(watchlist(stub.url, kind="wayback", urls={DOC: URL, "beta/privacy": other}), store)
        assert stub.count("/cdx/search/cdx?") == 1  # beta was never asked for
        assert stub.count("/web/") == 3  # 2019-01, 2019-05, then the refused one: nothing after it
    (acme,) = report.documents
    assert acme.refused and "HTTP 429" in acme.error
    assert report.not_started == ["beta/privacy"] and report.failed


# --- the persistence rule, as in `check` ------------------------------------------------------------------
CUT_URL = "http://acme.test/short"
CUT_DOC = "acme/short"


def cut_policy_html(nonce: str) -> str:
    """The policy really cut to its first section: a third of its length or less."""
    html = policy_text_html(1, nonce)
    return html[: html.index("<h2>How we use information</h2>")] + "</main></body></html>"


CUT_HISTORY = [Record(CUT_URL, at(2020, 1), body=policy_text_html(1))] + [
    Record(CUT_URL, at(2020, month), body=cut_policy_html(nonce=str(month))) for month in (2, 3, 4, 5)
]


@pytest.fixture(scope="module")
def cut_pywb(tmp_path_factory):
    root = tmp_path_factory.mktemp("pywb-cut")
    warc = write_warc(root / "cut.warc.gz", CUT_HISTORY)
    with Pywb(root / "pywb", "cut", [warc]) as server:
        yield server


def _cut_versions(store: Store) -> list[tuple[int, str]]:
    return [(v.number, v.captured_at.strftime("%Y-%m")) for v in store.versions(CUT_DOC)]


@needs_pywb
def test_a_short_capture_confirmed_by_the_captures_after_it_is_imported(cut_pywb, store):
    report = run_backfill(watchlist(cut_pywb.collection_url, urls={CUT_DOC: CUT_URL}), store, [CUT_DOC])
    assert report.counts["imported"] == 2 and report.counts["duplicate"] == 3, report.to_dict()
    assert _cut_versions(store) == [(1, "2020-01"), (2, "2020-02")]  # imported at its own time
    assert store.versions(CUT_DOC)[1].last_seen.strftime("%Y-%m") == "2020-05"


@needs_pywb
def test_a_held_capture_is_judged_again_by_the_next_backfill(cut_pywb, store):
    wl = watchlist(cut_pywb.collection_url, urls={CUT_DOC: CUT_URL})
    first = run_backfill(wl, store, [CUT_DOC], until=at(2020, 3, 15).date())
    assert _cut_versions(store) == [(1, "2020-01")]
    reasons = [s["reason"] for s in first.documents[0].skipped]
    assert len(reasons) == 2 and all("truncated" in r and "judged again" in r for r in reasons), reasons

    second = run_backfill(wl, store, [CUT_DOC])
    assert second.counts["already"] == 1  # only the January capture was settled
    assert _cut_versions(store) == [(1, "2020-01"), (2, "2020-02")]
    again = run_backfill(wl, store, [CUT_DOC])
    assert again.counts["already"] == 5 and again.requests == {"cdx": 1}
