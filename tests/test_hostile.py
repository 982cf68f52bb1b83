"""Hostile pages: bombs, redirects into this machine, broken Locations, and analysis that never ends.

Each one fails its own document with a one-line reason; the good page beside it is stored.
"""

from __future__ import annotations

import gzip
import json

import pytest

from monitor.sources.http import BodyTooLarge, address_kind, content_codings, hop_allowed, inflate
from pages import policy_html

FAST = {"retries": 1, "retry_backoff": 0, "timeout": 2.0, "max_bytes": 1024 * 1024}


@pytest.fixture
def site(server, make_watchlist):
    server.set("/acme/privacy", policy_html(vendor="Acme"))
    server.set("/bad/privacy", policy_html(vendor="Bad"))

    def configure(**settings):
        make_watchlist({"acme/privacy": server.url("/acme/privacy"), "bad/privacy": server.url("/bad/privacy")},
                       {**FAST, **settings})

    configure()
    server.configure = configure
    return server


def run(cli) -> tuple[int, dict]:
    result = cli("check", "--json")
    return result.exit_code, {d["document"]: d for d in json.loads(result.stdout)["documents"]}


def _gzip_gzip_bomb(size: int) -> bytes:
    return gzip.compress(gzip.compress(b"<p>" + b" " * size, compresslevel=9), compresslevel=9)


HOSTILE = [
    pytest.param(_gzip_gzip_bomb(64 * 1024 * 1024), {"Content-Encoding": "gzip, gzip"}, 200,
                 "inflates to more than 1048576 bytes", id="gzip-gzip-bomb"),
    pytest.param(b"\x1b\xff\xff", {"Content-Encoding": "br"}, 200, "Content-Encoding 'br'", id="brotli-refused"),
    pytest.param(b"x", {"Content-Encoding": "gzip, gzip, gzip"}, 200, "at most 2 stacked", id="three-codings"),
    pytest.param(b"", {"Location": "http://10.11.12.13/admin"}, 302, "a private address: not followed",
                 id="redirect-to-private"),
    pytest.param(b"", {"Location": "http://169.254.169.254/latest/meta-data/"}, 302, "a link-local address",
                 id="redirect-to-cloud-metadata"),
    pytest.param(b"", {"Location": "file:///etc/passwd"}, 302, "not an http(s) URL", id="redirect-to-file"),
]


@pytest.mark.parametrize("body, headers, status, error", HOSTILE)
def test_a_hostile_answer_fails_only_its_document(site, cli, body, headers, status, error):
    site.set("/bad/privacy", body, status=status, headers=headers)
    code, docs = run(cli)
    assert code == 3
    assert docs["acme/privacy"]["outcome"] == "new"
    assert docs["bad/privacy"]["outcome"] == "failed" and error in docs["bad/privacy"]["error"], docs
    assert "internal error" not in docs["bad/privacy"]["error"]


def test_a_redirect_within_the_watched_url_s_own_network_is_followed(site, cli, server):
    with type(server)() as other:  # another port on loopback: where the watched URL already is
        other.set("/moved", policy_html(vendor="Bad"))
        site.set("/bad/privacy", b"", status=301, headers={"Location": other.url("/moved")})
        code, docs = run(cli)
    assert code == 0 and docs["bad/privacy"]["outcome"] == "new"
    assert docs["bad/privacy"]["url"] == server.url("/bad/privacy")


def test_an_over_long_location_is_retried_as_transient(site, cli):
    site.set("/bad/privacy", b"", status=302, headers={"Location": "/" + "a" * 20_000})
    code, docs = run(cli)
    assert docs["bad/privacy"]["outcome"] == "failed"
    assert "a Location header of 20,001 characters" in docs["bad/privacy"]["error"]
    assert site.hits["/bad/privacy"] == 2  # retried once (retries = 1), not final at the first answer


def test_analysis_over_its_budget_is_stopped_and_the_run_goes_on(site, cli):
    site.configure(analysis_budget=2.0, max_bytes=16 * 1024 * 1024)
    site.set("/bad/privacy", "<main>" + "<p>word</p>" * 1_000_000 + "</main>")
    code, docs = run(cli)
    assert code == 3 and docs["acme/privacy"]["outcome"] == "new"
    error = docs["bad/privacy"]["error"]
    assert error.startswith("analysis took over 2 s (settings.analysis_budget): a 11.0 MB page"), error
    assert docs["bad/privacy"]["seconds"] < 30  # stopped, not waited for (a hang guard, not a speed test)
    site.set("/bad/privacy", policy_html(vendor="Bad"))
    assert run(cli)[1]["bad/privacy"]["outcome"] == "new"  # the next run is as healthy


ADDRESSES = [
    ("127.0.0.1", "loopback"), ("127.0.0.2", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"),
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"), ("fd00::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1%eth0", "link-local"), ("0.0.0.0", "reserved"),
    ("224.0.0.1", "reserved"), ("93.184.216.34", "public"), ("2606:4700::1111", "public"),
]


@pytest.mark.parametrize("address, kind", ADDRESSES, ids=[a for a, _ in ADDRESSES])
def test_address_kinds(address, kind):
    assert address_kind(address) == kind


@pytest.mark.parametrize("watched, hop, allowed", [
    ({"public"}, {"public"}, True),
    ({"public"}, {"loopback"}, False),  # a vendor site redirecting to this machine's services
    ({"public"}, {"public", "private"}, False),  # a name that resolves to both is refused
    ({"public"}, {"link-local"}, False),  # cloud metadata
    ({"loopback"}, {"loopback"}, True),  # a policy served on this machine may move within it
    ({"loopback"}, {"private"}, False),
    ({"private"}, {"private", "public"}, True),  # an intranet policy, moved within the intranet
    ({"public"}, set(), True),  # does not resolve: the connection fails on its own
])
def test_where_a_redirect_may_lead(watched, hop, allowed):
    assert hop_allowed(watched, hop) is allowed


def test_inflate_is_bounded_at_every_layer():
    page = b"<p>We do not sell data.</p>" * 1000
    assert inflate(gzip.compress(gzip.compress(page)), content_codings("gzip, gzip"), len(page)) == page
    with pytest.raises(BodyTooLarge):
        inflate(gzip.compress(gzip.compress(page)), ["gzip", "gzip"], len(page) - 1)
    assert content_codings("identity") == [] and content_codings("zstd") is None


# --- backfill: the same bounds per capture -----------------------------------------------------------
def _backfill(records, tmp_path, **settings):
    from archive_fixtures import WaybackStub
    from monitor.config import parse_watchlist
    from monitor.jobs.backfill import run_backfill
    from monitor.store.store import Store

    store = Store.open(tmp_path / "pm.db")
    try:
        with WaybackStub(records) as stub:
            wl = parse_watchlist({
                "settings": {"retry_backoff": 0, **settings},
                "archive": {"kind": "wayback", "url": stub.url, "cdx_per_minute": 1e6, "captures_per_minute": 1e6},
                "vendors": [{"id": "acme", "documents": [{"id": "privacy", "url": "http://acme.test/privacy"}]}],
            })
            return run_backfill(wl, store).documents[0], len(store.versions("acme/privacy"))
    finally:
        store.close()


def test_a_capture_over_its_analysis_budget_fails_for_now_and_the_backfill_goes_on(tmp_path):
    from archive_fixtures import Record, at, policy_text_html

    url = "http://acme.test/privacy"
    records = [Record(url, at(2019, 1), body=policy_text_html(1)),
               Record(url, at(2019, 6), body="<main>" + "<p>word</p>" * 1_000_000 + "</main>"),
               Record(url, at(2019, 8), body=policy_text_html(5))]
    doc, versions = _backfill(records, tmp_path, analysis_budget=2.0, max_bytes=16 * 1024 * 1024)
    assert (doc.counts["imported"], doc.counts["failed"], versions) == (2, 1, 2), doc.failed
    assert doc.failed[0]["error"].startswith("analysis took over 2 s (settings.analysis_budget)")


def test_a_capture_over_the_size_cap_is_skipped_for_good(tmp_path):
    from archive_fixtures import Record, at, policy_text_html

    url = "http://acme.test/privacy"
    records = [Record(url, at(2019, 1), body=policy_text_html(1)), Record(url, at(2019, 6), body="x" * 8000)]
    doc, versions = _backfill(records, tmp_path, max_bytes=4096)
    assert (doc.counts["imported"], doc.counts["skipped"], doc.counts["failed"]) == (1, 1, 0)
    assert "is 8000 bytes, over the 4096-byte cap" in doc.skipped[0]["reason"]
