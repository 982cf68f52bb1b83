"""Faults and junk: a misbehaving site fails its document only; junk never becomes a version."""

from __future__ import annotations

import json

import pytest

from pages import RETENTION, SALE, pdf_bytes, policy_html

FAST = {"retries": 1, "retry_backoff": 0, "timeout": 1.0, "max_bytes": 256 * 1024}


@pytest.fixture
def site(server, make_watchlist):
    """acme/privacy is healthy; bad/privacy is the one the test breaks."""
    server.set("/acme/privacy", policy_html(vendor="Acme"))
    server.set("/bad/privacy", policy_html(vendor="Bad"))

    def configure(**settings):
        make_watchlist(
            {"acme/privacy": server.url("/acme/privacy"), "bad/privacy": server.url("/bad/privacy")},
            {**FAST, **settings},
        )

    configure()
    server.configure = configure
    return server


def run(cli) -> tuple[int, dict]:
    result = cli("check", "--json")
    return result.exit_code, {d["document"]: d for d in json.loads(result.stdout)["documents"]}


FAULTS = [
    pytest.param({"status": 503, "headers": {"Retry-After": "0"}}, "HTTP 503", 2, id="5xx-retried-then-failed"),
    pytest.param({"status": 429, "headers": {"Retry-After": "3600"}}, "HTTP 429", 1, id="429-long-retry-after"),
    pytest.param({"fault": "reset"}, "fetching", 2, id="connection-reset"),
    pytest.param({"fault": "hang"}, "timed out", 2, id="timeout"),
    pytest.param({"fault": "redirect_loop"}, "more than 10 redirects", 11, id="redirect-loop"),
    pytest.param({"fault": "endless"}, "max_bytes", 1, id="endless-body"),
    pytest.param({"body": ""}, "holds no text", 1, id="empty-200"),
    pytest.param({"body": "<html><body><h1>Just a moment...</h1><p>Checking your browser.</p></body></html>"},
                 "suspect page: bot wall", 1, id="bot-wall"),
    pytest.param({"body": "<html><body><main><h1>Sign in</h1><p>Please log in to continue.</p></main></body></html>"},
                 "suspect page: login wall", 1, id="login-wall"),
    pytest.param({"body": "<html><body><h1>503 Service Unavailable</h1><p>Try again later.</p></body></html>"},
                 "suspect page: error page", 1, id="outage-page-200"),
]


@pytest.mark.parametrize("fault, error, requests", FAULTS)
def test_a_faulty_site_fails_only_its_document(site, cli, fault, error, requests):
    body = fault.pop("body", None)
    site.set("/bad/privacy", policy_html(vendor="Bad") if body is None else body, **fault)
    code, docs = run(cli)
    assert code == 3
    assert docs["acme/privacy"]["outcome"] == "new"
    assert docs["bad/privacy"]["outcome"] == "failed"
    assert error in docs["bad/privacy"]["error"]
    assert site.hits["/bad/privacy"] == requests
    result = cli("history", "bad/privacy", "--json")
    assert json.loads(result.stdout) == []


def test_a_slow_site_is_cut_off_by_the_document_deadline(site, cli):
    site.configure(timeout=30.0, document_deadline=0.5)
    site.set("/bad/privacy", "", fault="hang")
    code, docs = run(cli)
    assert code == 3
    assert "gave up after 0.5s" in docs["bad/privacy"]["error"]
    assert docs["acme/privacy"]["outcome"] == "new"


@pytest.mark.parametrize(
    "body, content_type, expected",
    [
        pytest.param(policy_html(vendor="Bad").encode(), "text/html; charset=x-no-such-charset", "We do not sell", id="unknown-charset"),
        pytest.param(
            pdf_bytes(["We do not sell your personal information to anyone.", "We keep request logs for thirty days only.",
                       "You can ask us to delete your account data at any time."]),
            "application/pdf", "We keep request logs for thirty days only.", id="pdf",
        ),
    ],
)
def test_odd_but_valid_pages_are_handled(site, cli, body, content_type, expected):
    site.set("/bad/privacy", body, content_type=content_type)
    code, docs = run(cli)
    assert code == 0 and docs["bad/privacy"]["outcome"] == "new"
    shown = json.loads(cli("show", "bad/privacy", "--json").stdout)
    assert expected in shown["text"]


def test_failures_count_up_and_reset_on_recovery(site, cli, tmp_path):
    import sqlite3

    site.set("/bad/privacy", "", status=500)
    for _ in range(3):
        run(cli)
    db = sqlite3.connect(tmp_path / "pm.db")
    assert db.execute("SELECT consecutive_failures FROM document WHERE id='bad/privacy'").fetchone() == (3,)
    status = cli("status", "--json")
    assert status.exit_code == 3
    assert "bad/privacy failed 3 runs in a row" in json.loads(status.stdout)["attention"]
    site.set("/bad/privacy", policy_html(vendor="Bad"))
    assert run(cli)[1]["bad/privacy"]["outcome"] == "new"
    assert db.execute("SELECT consecutive_failures FROM document WHERE id='bad/privacy'").fetchone() == (0,)
    assert cli("status").exit_code == 0


def test_a_wall_after_a_good_version_keeps_the_version_and_raises_nothing(site, cli):
    run(cli)
    site.set("/bad/privacy", "<html><body><p>Access denied. Request blocked.</p></body></html>")
    code, docs = run(cli)
    assert docs["bad/privacy"]["outcome"] == "failed"
    assert [v["version"] for v in json.loads(cli("history", "bad/privacy", "--json").stdout)] == [1]
    assert json.loads(cli("changes", "--json").stdout) == []


def test_a_shortened_policy_is_accepted_only_once_it_persists(site, cli):
    run(cli)
    site.set("/bad/privacy", policy_html(vendor="Bad", drop_sections=3))
    first, second, third = (run(cli)[1]["bad/privacy"] for _ in range(3))
    assert [first["outcome"], second["outcome"]] == ["failed", "failed"]
    assert "suspect page: truncated" in first["error"]
    assert third["outcome"] == "changed" and third["version"] == 2


def test_a_flapping_page_records_reverts_and_tells_the_return_of_a_wider_practice_once(site, cli):
    run(cli)
    a, b = policy_html(vendor="Bad"), policy_html(SALE, RETENTION, vendor="Bad")
    for page in (b, a, b, a, b):
        site.set("/bad/privacy", page)
        run(cli)
    changes = json.loads(cli("changes", "bad/privacy", "--json").stdout)
    assert [(c["from_version"], c["to_version"]) for c in changes] == [(1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]
    assert [c["reverts_to"] for c in changes] == [None, 1, 2, 3, 4]  # the latest identical version
    # "may sell" arrives (material), goes (a flip back: noise), and comes back: a reviewer is told
    # that return once; every later flip is noise.
    assert [c["material"] for c in changes] == [True, False, True, False, False]
    assert [c["severity"] for c in changes] == ["material", "noise", "material", "noise", "noise"]
    assert changes[1]["reason"].startswith("back to version 1")
    assert changes[2]["reason"].startswith("back to version 2") and changes[2]["direction"] == "expands"


def test_another_document_in_place_of_the_policy_is_held_until_it_persists(site, cli):
    policy = "# Privacy\n\n" + "\n\n".join(
        f"We use the record of type {i} only to run the feature it belongs to. We delete it after {i + 10} days."
        for i in range(40)
    )
    terms = "# Terms of Service\n\n" + "\n\n".join(
        f"Section {i}. The customer shall pay every invoice within {i} business days of its date of issue." for i in range(40)
    )
    site.set("/bad/privacy", policy, content_type="text/markdown")
    run(cli)
    site.set("/bad/privacy", terms, content_type="text/markdown")
    first, second, third = (run(cli)[1]["bad/privacy"] for _ in range(3))
    assert "suspect page: replaced: only 0% of the previous version's clauses remain" in (first["error"] or ""), first
    assert second["outcome"] == "failed"
    assert third["outcome"] == "changed"


def test_a_rewrite_under_the_same_title_alerts_on_its_first_run(site, cli):
    policy = "# Bad Privacy Policy\n\n" + "\n\n".join(
        f"We use the record of type {i} only to run the feature it belongs to. We delete it after {i + 10} days."
        for i in range(40)
    )
    rewrite = "# Bad Privacy Policy\n\n" + "\n\n".join(
        f"Personal information of kind {i} is collected from your browser and shared with advertising partners "
        f"for {i + 1} purposes." for i in range(40)
    )
    site.set("/bad/privacy", policy, content_type="text/markdown")
    run(cli)
    site.set("/bad/privacy", rewrite, content_type="text/markdown")
    _, docs = run(cli)
    change = docs["bad/privacy"]["change"]
    assert docs["bad/privacy"]["outcome"] == "changed" and change["material"], docs["bad/privacy"]
    assert change["reason"].startswith("rewritten under the same title: only ") and "advertising partners" in change["reason"]
