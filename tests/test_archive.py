"""Archive clients: CDX parsing and paging, the rate limit, 429/Retry-After, blocked sites, memento
checks, Save Page Now. The Internet Archive's dialect against a loopback stub; pywb for real.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from archive_fixtures import (
    BLOCKED_BODY, LOGIN_HTML, OUTAGE_HTML, Pywb, Record, Scripted, WaybackStub, at, needs_pywb, policy_text_html,
    write_warc,
)
from monitor.sources import cdx
from monitor.sources.archive import ArchiveBlocked, ArchiveRefused, CaptureSkipped, RateLimiter, SavePageNow, open_archive
from monitor.sources.cdx import Capture
from monitor.config import ArchiveConfig, Settings
from monitor.errors import ArchiveError

URL = "http://acme.test/privacy"
FAST = {"cdx_per_minute": 1e6, "captures_per_minute": 1e6}  # no real waiting in tests


class FakeTime:
    """An injected clock: `sleep` advances it and records the wait instead of waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def archive(url: str, kind: str = "wayback", settings: Settings | None = None, **options):
    config = ArchiveConfig(kind=kind, url=url, **{**FAST, **options.pop("rates", {})})
    return open_archive(config, settings or Settings(retry_backoff=0), **options)


async def listing(client, url=URL, **kw):
    async with client:
        return await client.list_captures(url, **kw)


async def fetching(client, capture):
    async with client:
        return await client.fetch_capture(capture)


# --- pure: the CDX dialects --------------------------------------------------------------------------
def test_wayback_text_lines_and_resume_key_are_parsed():
    body = (
        "test,acme)/privacy 20190101000000 http://acme.test/privacy text/html 200 AAAA 100\n"
        "test,acme)/privacy 20190201000000 http://acme.test/privacy text/html 200 BBBB 120\n"
        "\n"
        "test%2Cacme%29%2Fprivacy+20190201000000\n"
    )
    page = cdx.parse_wayback_page(body)
    assert [(c.timestamp, c.digest, c.status) for c in page.captures] == [("20190101000000", "AAAA", 200), ("20190201000000", "BBBB", 200)]
    assert page.resume_key == "test%2Cacme%29%2Fprivacy+20190201000000"
    assert cdx.parse_wayback_page("").captures == []
    with pytest.raises(ArchiveError, match="5 fields instead of 7"):
        cdx.parse_wayback_page("a b c d e\n")


def test_wayback_query_asks_for_200s_collapsed_resumable_and_dated():
    query = cdx.wayback_query("http://x/cdx/search/cdx", URL, "20190101000000", "20191231235959", "KEY", "ua")
    params = parse_qs(urlsplit(query).query)
    assert params["url"] == [URL]
    assert params["filter"] == ["statuscode:200"]
    assert params["collapse"] == ["digest"]
    assert (params["from"], params["to"]) == (["20190101000000"], ["20191231235959"])
    assert (params["showResumeKey"], params["resumeKey"]) == (["true"], ["KEY"])


@pytest.mark.parametrize(
    "captures, kept",
    [
        pytest.param([("3", "A"), ("1", "A"), ("2", "A")], ["1"], id="identical-neighbours-collapse-to-oldest"),
        pytest.param([("1", "A"), ("2", "B"), ("3", "A")], ["1", "2", "3"], id="a-flip-back-is-kept"),
        pytest.param([("1", "A"), ("1", "A")], ["1"], id="one-per-timestamp"),
    ],
)
def test_collapse(captures, kept):
    caps = [Capture(f"2019010100000{ts}", URL, digest) for ts, digest in captures]
    assert [c.timestamp[-1] for c in cdx.collapse(caps)] == kept


def test_collapse_keeps_to_the_range_and_to_200s_even_if_the_archive_did_not():
    caps = [Capture("20180101000000", URL, "A"), Capture("20190101000000", URL, "B", status=404),
            Capture("20190601000000", URL, "C"), Capture("20200101000000", URL, "D")]
    low, high = cdx.day_bounds(at(2019, 1).date(), at(2019, 12, 31).date())
    assert high == "20191231235959"
    assert [c.digest for c in cdx.collapse(caps, low, high)] == ["C"]


# --- the rate limit --------------------------------------------------------------------------------------
def test_rate_limiter_spaces_requests_and_pause_holds_everyone_back():
    fake = FakeTime()
    limiter = RateLimiter(20, fake.clock, fake.sleep)  # one request every 3 seconds

    async def go():
        for _ in range(3):
            await limiter.wait()
        limiter.pause(10)
        await limiter.wait()

    asyncio.run(go())
    assert fake.slept == [3.0, 3.0, 10.0]


def test_default_rates_are_polite():
    config = ArchiveConfig()
    assert config.cdx_per_minute <= 20 and config.captures_per_minute <= 60


# --- the Internet Archive's dialect (loopback stub) --------------------------------------------------------
def records(n: int, url: str = URL) -> list[Record]:
    return [Record(url, at(2019, 1 + i % 12, 1 + i // 12), body=policy_text_html(i)) for i in range(n)]


def test_wayback_listing_follows_the_resume_key(monkeypatch):
    monkeypatch.setattr(cdx, "PAGE_SIZE", 2)
    with WaybackStub(records(5)) as stub:
        captures = asyncio.run(listing(archive(stub.url)))
    assert len(captures) == 5
    assert [c.timestamp for c in captures] == sorted(c.timestamp for c in captures)
    assert stub.count("/cdx/search/cdx") == 3
    assert "resumeKey=4" in stub.requests[-1]


def test_wayback_honours_429_and_retry_after_for_the_whole_endpoint():
    fake = FakeTime()
    with WaybackStub(records(2)) as stub:
        stub.script("/cdx", Scripted(429, "slow down", {"Retry-After": "7"}))
        client = archive(stub.url, settings=Settings(retry_backoff=0, retries=2), clock=fake.clock, sleep=fake.sleep,
                         rates={"cdx_per_minute": 20})
        captures = asyncio.run(listing(client))
    assert len(captures) == 2
    assert fake.slept == [7.0]  # Retry-After, not the 3-second spacing on top of it
    assert client.requests == {"cdx": 2, "retry": 1}


def test_wayback_429_without_retry_after_backs_off_exponentially():
    fake = FakeTime()
    with WaybackStub(records(1)) as stub:
        stub.script("/cdx", Scripted(429), Scripted(429))
        client = archive(stub.url, settings=Settings(retry_backoff=2, retries=3), clock=fake.clock, sleep=fake.sleep)
        asyncio.run(listing(client))
    assert fake.slept == [2.0, 4.0]


def test_a_retry_after_longer_than_allowed_fails_now():
    with WaybackStub(records(1)) as stub:
        stub.script("/cdx", Scripted(429, "", {"Retry-After": "3600"}))
        with pytest.raises(ArchiveRefused, match="HTTP 429 .*asks for a 3600s wait, over settings.max_retry_wait") as caught:
            asyncio.run(listing(archive(stub.url, settings=Settings(max_retry_wait=30))))
    assert stub.count("/cdx") == 1
    assert "run backfill again later" in str(caught.value)


def test_an_archive_still_down_after_the_retries_is_an_error_not_a_refusal():
    with WaybackStub(records(1)) as stub:
        stub.script("/cdx", *[Scripted(502, "bad gateway")] * 3)
        with pytest.raises(ArchiveError, match=r"HTTP 502 .*\(gave up after 3 attempts\)") as caught:
            asyncio.run(listing(archive(stub.url, settings=Settings(retries=2, retry_backoff=0))))
    assert not isinstance(caught.value, ArchiveRefused)


def test_a_blocked_site_is_one_clear_line():
    with WaybackStub(records(1)) as stub:
        stub.script("/cdx", Scripted(403, BLOCKED_BODY, {"Content-Type": "text/plain"}))
        with pytest.raises(ArchiveBlocked) as caught:
            asyncio.run(listing(archive(stub.url)))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("acme.test is excluded from the Internet Archive (blocked site)")


def test_a_robots_exclusion_is_blocked_too():
    with WaybackStub(records(1)) as stub:
        stub.script("/cdx", Scripted(403, "org.archive.wayback.exception.RobotAccessControlException: Blocked By Robots"))
        with pytest.raises(ArchiveBlocked):
            asyncio.run(listing(archive(stub.url)))


def test_wayback_capture_is_fetched_raw_and_checked():
    recs = records(2)
    with WaybackStub(recs) as stub:
        client = archive(stub.url)
        memento = asyncio.run(fetching(client, Capture(recs[1].timestamp, URL)))
        assert memento.body == recs[1].body.encode()
        assert stub.requests[-1] == f"/web/{recs[1].timestamp}id_/{URL}"
        with pytest.raises(CaptureSkipped, match="^redirect: the capture redirects to /web/20190201000000id_/"):
            asyncio.run(fetching(archive(stub.url), Capture("20190201000005", URL)))  # not there: IA redirects
        with pytest.raises(CaptureSkipped, match="not a memento: the Internet Archive has no such capture"):
            asyncio.run(fetching(archive(stub.url), Capture("20190201000000", "http://other.test/")))


def test_an_overloaded_archive_is_retried_but_an_archived_503_is_a_finding():
    rec = Record(URL, at(2019, 1), status=503, body=OUTAGE_HTML)
    with WaybackStub([rec]) as stub:
        stub.script("/web/", Scripted(503, "busy"))  # the archive's own 503: no Memento-Datetime
        with pytest.raises(CaptureSkipped, match="HTTP 503: the site answered 503"):
            asyncio.run(fetching(archive(stub.url), Capture(rec.timestamp, URL)))
        assert stub.count("/web/") == 2


@pytest.mark.parametrize(
    "headers, status, reason",
    [
        pytest.param({"Memento-Datetime": "Tue, 01 Jan 2019 00:00:00 GMT", "Link": "<http://acme.test/login>; rel=\"original\""},
                     200, "another page: x served a capture of http://acme.test/login", id="another-page"),
        pytest.param({"Memento-Datetime": "Wed, 02 Jan 2019 00:00:00 GMT"}, 200, "wrong memento", id="nearest-instead"),
        pytest.param({"Memento-Datetime": "soon"}, 200, "unreadable Memento-Datetime", id="garbled-date"),
        pytest.param({}, 200, "not a memento: x answered HTTP 200 with a page of its own", id="archive-page"),
        pytest.param({"Memento-Datetime": "Tue, 01 Jan 2019 00:00:00 GMT"}, 404, "HTTP 404: the site answered 404", id="archived-404"),
    ],
)
def test_memento_checks(headers, status, reason):
    from monitor.sources.archive import check_memento

    with pytest.raises(CaptureSkipped, match=reason):
        check_memento(Capture("20190101000000", "https://www.acme.test/privacy/"), status, httpx.Headers(headers), "x")


def test_memento_check_accepts_http_https_www_and_a_trailing_slash():
    from monitor.sources.archive import check_memento

    headers = httpx.Headers({"Memento-Datetime": "Tue, 01 Jan 2019 00:00:00 GMT", "Link": "<http://acme.test/privacy>; rel=\"original\""})
    check_memento(Capture("20190101000000", "https://www.acme.test/privacy/"), 200, headers)


# --- Save Page Now ------------------------------------------------------------------------------------------
async def save(stub_url: str, url: str, kind: str = "wayback", **options):
    spn = SavePageNow(ArchiveConfig(kind=kind, url=stub_url), Settings(), **options)
    async with spn:
        return await spn.request_capture(url), spn


def test_save_page_now_returns_the_new_capture():
    with WaybackStub() as stub:
        found, spn = asyncio.run(save(stub.url, URL))
    assert found.startswith(stub.url.removesuffix("/web") + "/web/") and found.endswith("/" + URL)
    assert stub.requests == [f"/save/{URL}"]


def test_save_page_now_429_is_logged_not_raised_and_pauses(caplog):
    fake = FakeTime()
    with WaybackStub() as stub:
        stub.script("/save/", Scripted(429, "", {"Retry-After": "120"}))
        with caplog.at_level(logging.WARNING, logger="monitor.sources.archive"):
            found, spn = asyncio.run(save(stub.url, URL, clock=fake.clock, sleep=fake.sleep))
    assert found is None
    assert "HTTP 429" in caplog.text
    assert spn.limit._next >= fake.now + 120


def test_save_page_now_never_raises_when_the_archive_is_unreachable(caplog):
    from archive_fixtures import free_port

    with caplog.at_level(logging.WARNING, logger="monitor.sources.archive"):
        found, _ = asyncio.run(save(f"http://127.0.0.1:{free_port()}/web", URL))
    assert found is None
    assert "Save Page Now failed" in caplog.text


def test_request_captures_asks_for_each_changed_page_within_the_rate():
    from monitor.sources.archive import request_captures

    fake = FakeTime()
    with WaybackStub() as stub:
        stub.script("/save/http://b.test/", Scripted(500, "oops"))
        found = asyncio.run(request_captures(ArchiveConfig(url=stub.url), Settings(), ["http://a.test/", "http://b.test/"],
                                             clock=fake.clock, sleep=fake.sleep))
    assert found["http://a.test/"].endswith("/http://a.test/") and found["http://b.test/"] is None
    assert fake.slept == [10.0]  # six a minute


def test_save_page_now_is_not_asked_of_a_pywb_archive():
    with WaybackStub() as stub:
        found, spn = asyncio.run(save(stub.url, URL, kind="pywb"))
    assert found is None and stub.requests == []


# --- a real pywb ------------------------------------------------------------------------------------------

PYWB_RECORDS = [
    Record(URL, at(2019, 1), body=policy_text_html(1)),
    Record(URL, at(2019, 2), body=policy_text_html(1)),  # same bytes: collapsed
    Record(URL, at(2019, 3), status=404, body="<p>Not here</p>"),
    Record(URL, at(2019, 4), status=302, headers=(("Location", "http://acme.test/login"),)),
    Record("http://acme.test/login", at(2019, 4, second=5), body=LOGIN_HTML),
    Record(URL, at(2019, 6), body=policy_text_html(2)),
]


@pytest.fixture(scope="module")
def pywb(tmp_path_factory):
    root = tmp_path_factory.mktemp("pywb-archive")
    warc = write_warc(root / "acme.warc.gz", PYWB_RECORDS)
    with Pywb(root / "pywb", "acme", [warc]) as server:
        yield server


@needs_pywb
def test_pywb_lists_200s_collapsed_oldest_first(pywb):
    captures = asyncio.run(listing(archive(pywb.collection_url, kind="pywb")))
    assert [c.timestamp for c in captures] == ["20190101000000", "20190601000000"]


@needs_pywb
def test_pywb_listing_keeps_to_since_and_until(pywb):
    client = archive(pywb.collection_url, kind="pywb")
    captures = asyncio.run(listing(client, since=at(2019, 2).date(), until=at(2019, 5, 31).date()))
    # The 2019-02 capture repeats 2019-01's bytes, but that one is out of range: 02 is the first seen.
    assert [c.timestamp for c in captures] == ["20190201000000"]


@needs_pywb
def test_pywb_listing_pages_on_from_the_last_timestamp(pywb, monkeypatch):
    monkeypatch.setattr(cdx, "PAGE_SIZE", 1)
    client = archive(pywb.collection_url, kind="pywb")
    captures = asyncio.run(listing(client))
    assert [c.timestamp for c in captures] == ["20190101000000", "20190601000000"]
    assert client.requests["cdx"] >= 3


@needs_pywb
@pytest.mark.parametrize(
    "timestamp, original, reason",
    [
        pytest.param("20190301000000", URL, "HTTP 404: the site answered 404", id="archived-404"),
        pytest.param("20190401000000", URL, "redirect: the capture redirects to http://acme.test/login", id="redirect-to-login"),
        pytest.param("20190525000000", URL, "wrong memento: asked for 20190525000000, .* served 20190601000000", id="nearest-served"),
        pytest.param("20190101000000", "http://elsewhere.test/", "not a memento", id="archive-404-page"),
    ],
)
def test_pywb_captures_that_are_not_the_policy_are_skipped(pywb, timestamp, original, reason):
    with pytest.raises(CaptureSkipped, match=reason):
        asyncio.run(fetching(archive(pywb.collection_url, kind="pywb"), Capture(timestamp, original)))


@needs_pywb
def test_pywb_capture_is_the_archived_bytes(pywb):
    memento = asyncio.run(fetching(archive(pywb.collection_url, kind="pywb"), Capture("20190601000000", URL)))
    assert memento.body == policy_text_html(2).encode()
    assert memento.content_type == "text/html; charset=utf-8"
