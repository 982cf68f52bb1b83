"""Notifications end to end: real outbox rows, real apprise, real receivers on loopback (SMTP, JSON)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from itertools import count

import pytest
from sqlmodel import Session, select

from monitor.render import messages
from monitor.config import parse_watchlist
from monitor.engine.compare import ClauseChange, Comparison
from monitor.errors import UsageError
from monitor.store.models import Delivery, Outbox
from monitor.delivery.notify import Channel, deliver_pending, delivery_status, raise_operational_events, send_test, target_label
from monitor.store.store import DocumentInfo, Observation, Store
from receivers import JsonReceiver, SmtpReceiver

# apprise's e-mail plugin imports the stdlib's imghdr (deprecated in 3.11, shimmed by apprise for 3.13):
# a warning about apprise's own import, not about our use of it.
pytestmark = pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning")

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)
VENDORS = [
    {"id": "acme", "name": "Acme", "tags": ["crm"], "documents": [{"id": "privacy", "url": "https://acme.example/privacy"}]},
    {"id": "globex", "name": "Globex", "documents": [{"id": "privacy", "url": "https://globex.example/privacy"}]},
]

SELL = ClauseChange(
    "modified", "Sharing", "We do not sell your data.", "We may sell your data.",
    "We [-do not-]{+may+} sell your data.", ("sale",), "material", "may now sell data", "worse",
)
TYPO = ClauseChange("modified", "Contact", "Email us", "E-mail us", "[-Email-]{+E-mail+} us", (), "minor", "wording")


def comparison(*clauses: ClauseChange, reason: str = "may now sell data") -> Comparison:
    top = max(clauses, key=lambda c: messages.RANK[c.severity])
    cats = tuple(sorted({cat for c in clauses if c.severity == top.severity for cat in c.categories}))
    return Comparison(top.severity == "material", top.severity, cats, "worse", reason, clauses)


class World:
    """A store with two watched documents, and helpers that write rows the way a run does."""

    def __init__(self, database) -> None:  # noqa: ANN001 - a SQLite path or a PostgreSQL URL
        self.store = Store.open(database)
        self.store.sync_documents(
            [DocumentInfo(f"{v['id']}/privacy", v["id"], v["name"], "privacy", v["documents"][0]["url"]) for v in VENDORS]
        )
        self.run = self.store.start_run("check")
        self._clock = count()
        self._versions: dict[str, int] = {}

    def _at(self) -> datetime:
        return T0 + timedelta(hours=next(self._clock))

    def change(self, doc: str, cmp: Comparison) -> None:
        """A change to `doc`: its first version if needed, then a new one with `cmp` (change + outbox)."""
        n = self._versions.get(doc, 0)
        if n == 0:
            self.store.record(self.run, Observation(doc, "new", self._at(), text="v0", url="https://x.example/"))
        n += 1
        self._versions[doc] = n
        self.store.record(self.run, Observation(doc, "changed", self._at(), text=f"v{n}", url="https://x.example/", comparison=cmp))

    def fail(self, doc: str, error: str = "HTTP 503") -> None:
        self.store.record(self.run, Observation(doc, "failed", self._at(), error=error))

    def ok(self, doc: str) -> None:
        self.store.record(self.run, Observation(doc, "unchanged", self._at()))


@pytest.fixture(autouse=True)
def no_throttle(monkeypatch):
    """apprise waits 5.5 s between two messages to one service (politeness to real providers); the
    loopback receivers need no such pause, and tests do not sleep."""
    from apprise.plugins.base import NotifyBase

    monkeypatch.setattr(NotifyBase, "request_rate_per_sec", 0)


@pytest.fixture(params=["sqlite", "postgresql"])
def world(tmp_path, request):
    w = World(request.getfixturevalue("pg_url") if request.param == "postgresql" else tmp_path / "pm.db")
    yield w
    w.store.close()


@pytest.fixture
def smtp():
    with SmtpReceiver() as receiver:
        yield receiver


@pytest.fixture
def hook():
    with JsonReceiver() as receiver:
        yield receiver


def watchlist(*targets: dict, **settings: object):
    return parse_watchlist({"settings": settings, "vendors": VENDORS, "notify": list(targets)})


def parts(message) -> tuple[str, str]:  # noqa: ANN001 - email.message.EmailMessage
    """(html, text) of a multipart/alternative e-mail."""
    return message.get_body(("html",)).get_content(), message.get_body(("plain",)).get_content()


def deliveries(store: Store) -> list[Delivery]:
    with Session(store.engine) as s:
        return list(s.exec(select(Delivery).order_by(Delivery.id)))


def open_outbox(store: Store) -> int:
    with Session(store.engine) as s:
        return len(list(s.exec(select(Outbox.id).where(Outbox.closed_at.is_(None)))))


# --- the cases ----------------------------------------------------------------------------
def test_a_material_change_reaches_email_and_webhook_once(world, smtp, hook):
    wl = watchlist({"url": smtp.url()}, {"url": hook.url()})
    world.change("acme/privacy", comparison(SELL, TYPO))

    report = deliver_pending(world.store, wl)

    assert (report.delivered, report.failed, report.pending, report.ok) == (2, [], 0, True)
    [mail], [post] = smtp.messages, hook.posts
    assert mail["Subject"] == "Acme privacy: material change (sale)"
    html, text = parts(mail)
    assert "<del" in html and "do not" in html and "<ins" in html
    assert "Before: We [-do not-] sell your data." in text and "After: We {+may+} sell your data." in text
    assert "and 1 more change" in text and "policy-monitor diff acme/privacy --from 1 --to 2" in text
    assert post["title"] == "Acme privacy: material change (sale)" and post["type"] == "warning"
    assert "Why: may now sell data" in post["message"] and "Before: We [-do not-] sell" in post["message"]
    assert open_outbox(world.store) == 0
    assert deliver_pending(world.store, wl).delivered == 0  # never twice
    assert (len(smtp.messages), len(hook.posts)) == (1, 1)


def test_a_scoped_target_hears_nothing_of_other_vendors(world, hook):
    with JsonReceiver() as everything:
        wl = watchlist({"url": hook.url(), "vendors": ["acme"]}, {"url": everything.url()})
        world.change("globex/privacy", comparison(SELL))
        world.fail("globex/privacy"), world.fail("globex/privacy"), world.fail("globex/privacy")
        raise_operational_events(world.store, wl)

        deliver_pending(world.store, wl)

        assert hook.posts == []
        assert [p["title"] for p in everything.posts] == [
            "Globex privacy: material change (sale)",
            "Globex privacy: checks failing",
        ]
        assert open_outbox(world.store) == 0


def test_routing_by_severity_category_and_tag(world, hook):
    with JsonReceiver() as minor, JsonReceiver() as retention, JsonReceiver() as crm:
        wl = watchlist(
            {"url": hook.url()},
            {"url": minor.url(), "min_severity": "minor"},
            {"url": retention.url(), "categories": ["retention"]},
            {"url": crm.url(), "tags": ["crm"]},
        )
        world.change("globex/privacy", comparison(TYPO, reason="wording"))
        world.change("acme/privacy", comparison(SELL))

        deliver_pending(world.store, wl)

        assert [p["title"] for p in hook.posts] == ["Acme privacy: material change (sale)"]
        assert len(minor.posts) == 2 and retention.posts == []
        assert [p["title"] for p in crm.posts] == ["Acme privacy: material change (sale)"]


def test_a_target_down_for_one_run_gets_it_exactly_once_on_the_next(world, smtp, hook):
    wl = watchlist({"url": smtp.url()}, {"url": hook.url()})
    world.change("acme/privacy", comparison(SELL))
    hook.status = 503

    first = deliver_pending(world.store, wl)

    assert (first.delivered, first.pending, first.ok) == (1, 1, False)
    [(label, error)] = first.failed
    assert label == target_label(wl.notify[1]) and "503" in error
    assert delivery_status(world.store, wl)["pending"] == 1 and open_outbox(world.store) == 1

    hook.status = 200
    second = deliver_pending(world.store, wl)

    assert (second.delivered, second.pending, second.ok) == (1, 0, True)
    assert len(hook.posts) == 1 and len(smtp.messages) == 1  # the e-mail was not sent again
    assert open_outbox(world.store) == 0
    assert [(d.status, d.attempts) for d in deliveries(world.store)] == [("delivered", 1), ("delivered", 2)]


def test_a_target_that_keeps_failing_is_given_up_visibly_and_blocks_nobody(world, hook):
    wl = watchlist({"url": "json://127.0.0.1:1/nobody-listens"}, {"url": hook.url()})
    world.change("acme/privacy", comparison(SELL))
    world.change("globex/privacy", comparison(SELL))

    reports = [deliver_pending(world.store, wl, max_attempts=2, retry_for=timedelta(0)) for _ in range(5)]

    assert [r.ok for r in reports] == [False, False, False, False, True]
    assert "1 more waiting for the next run" in reports[0].failed[0][1]  # one timeout per run, not one per event
    assert "gave up on 1 after 2 attempts" in reports[1].failed[0][1]
    assert len(hook.posts) == 2  # the other target had both at once
    status = delivery_status(world.store, wl)
    assert status["pending"] == 0 and open_outbox(world.store) == 0
    assert [(f["document"], f["target"], f["attempts"], f["change_id"]) for f in status["failed"]] == [
        ("globex/privacy", "json://127.0.0.1:1", 2, 2),
        ("acme/privacy", "json://127.0.0.1:1", 2, 1),
    ]
    assert all("Connection error" in f["error"] for f in status["failed"])


def test_markup_from_a_policy_arrives_escaped(world, smtp, hook):
    evil = ClauseChange(
        "modified", "Sharing <img src=x onerror=alert(1)>",
        "We share data with <b>partners</b>.",
        'We share data with <a href="https://evil.example">partners</a> and [you](https://evil.example) @everyone.',
        "", ("sharing",), "material", "shares more", "worse",
    )
    wl = watchlist({"url": smtp.url()}, {"url": hook.url() + "?format=markdown"})
    world.change("acme/privacy", comparison(evil, reason="shares <script>x</script>"))

    assert deliver_pending(world.store, wl).ok

    html, text = parts(smtp.messages[0])
    assert "<a href" not in html and "<img" not in html and "<script" not in html and "<b>partners" not in html
    assert 'href=&quot;https://evil.example&quot;&gt;partners&lt;/a&gt;' in html and "&lt;script&gt;" in html
    assert 'href="https://evil.example">partners</a>' in text  # the plain part shows the page's words, inert
    markdown = hook.posts[0]["message"]
    assert "\\[you\\]\\(`https://evil.example`\\)" in markdown and "\\@\u200beveryone" in markdown
    assert "\\<img src=x onerror=alert\\(1\\)\\>" in markdown


def test_a_plain_text_webhook_gets_no_mention_link_or_bidi_control(world, hook):
    """Found in review: the json:// default (text) delivered `<!here>` and `<https://x|label>` verbatim."""
    evil = ClauseChange(
        "modified", "Sharing \u202eecnetnes",
        "We share data with partners.",
        "<!here> <!channel> <@U1> @channel @everyone: verify at <https://evil.example|Click to verify> \u2066now\u2069.",
        "", ("sharing",), "material", "shares more", "worse",
    )
    wl = watchlist({"url": hook.url()})
    world.change("acme/privacy", comparison(evil, reason="shares more"))

    assert deliver_pending(world.store, wl).ok

    body = hook.posts[0]["message"]
    for active in ("<!here>", "<!channel>", "<@U1>", "@channel", "@everyone", "<https://", "\u202e", "\u2066"):
        assert active not in body, (active, body)
    assert "Click to verify" in body and "ecnetnes" in body


def test_digest_sends_one_message_per_run(world, hook, smtp):
    wl = watchlist({"url": hook.url(), "digest": True, "min_severity": "minor"}, {"url": smtp.url()})
    world.change("acme/privacy", comparison(SELL))
    world.change("globex/privacy", comparison(SELL))
    world.change("acme/privacy", comparison(TYPO, reason="wording"))

    report = deliver_pending(world.store, wl)

    assert report.ok and report.delivered == 3 + 2
    [post] = hook.posts
    assert post["title"] == "policy-monitor: 3 changes"
    body = post["message"]
    assert body.index("Acme — privacy: material") < body.index("Globex — privacy: material") < body.index("Acme — privacy: minor")
    assert "policy-monitor diff globex/privacy --from 1 --to 2" in body
    assert len(smtp.messages) == 2  # the non-digest target: one per material change
    assert deliver_pending(world.store, wl).delivered == 0 and len(hook.posts) == 1


def test_operational_alerts_are_sent_once_per_incident_and_once_on_recovery(world, hook):
    wl = watchlist({"url": hook.url()}, failure_alert_after=2)

    def run(outcome) -> None:  # noqa: ANN001
        outcome("acme/privacy")
        raise_operational_events(world.store, wl)
        deliver_pending(world.store, wl)

    world.ok("acme/privacy")
    run(world.fail)
    assert hook.posts == []  # one failure is not an incident yet
    run(lambda d: world.fail(d, "suspect page: bot wall: the page says 'just a moment'"))
    run(world.fail)
    run(world.fail)
    assert [p["title"] for p in hook.posts] == ["Acme privacy: page looks like a bot wall"]
    assert "outage, login or bot wall" in hook.posts[0]["message"] and hook.posts[0]["type"] == "failure"
    run(world.ok)
    run(world.ok)
    assert [p["title"] for p in hook.posts][1:] == ["Acme privacy: recovered"]
    assert hook.posts[1]["type"] == "success"
    run(world.fail), run(world.fail)
    assert [p["title"] for p in hook.posts][2:] == ["Acme privacy: checks failing"]  # a new incident


def test_digest_summarizes_what_does_not_fit():
    events = [
        messages.Event(i, "change", f"v{i}/privacy", f"v{i}", f"V{i}", "privacy", "material", ("sale",), "sells", (), 1, 2,
                       created_at=f"2026-03-0{1 + i % 9}T08:00:00+00:00")
        for i in range(30)
    ]
    msg = messages.render_digest(events, "markdown", messages.Limits(body=1000))
    assert len(msg.body) <= 1000 and msg.title == "policy-monitor: 30 changes"
    shown = msg.body.count("policy-monitor diff")
    assert 0 < shown < 30 and f"and {30 - shown} more: see `policy-monitor changes --since 2026-03-01`" in msg.body


@pytest.mark.parametrize(
    ("url", "fmt"),
    [
        ("mailto://127.0.0.1:25/a@example.com?mode=insecure&from=b@example.com", "html"),
        ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#chan", "markdown"),
        ("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", "markdown"),
        ("tgram://123456789:abcdefg_hijklmnop/12315544/", "markdown"),  # Telegram's HTML takes few tags
        ("json://127.0.0.1:9/hook", "text"),
        ("json://127.0.0.1:9/hook?format=markdown", "markdown"),
        ("ntfy://topic", "text"),
    ],
    ids=["email", "slack", "discord", "telegram", "webhook", "webhook-format", "ntfy"],
)
def test_each_channel_gets_its_format(url, fmt):
    assert Channel(watchlist({"url": url}).notify[0]).format == fmt


# --- limits, test command, labels -----------------------------------------------------------------
def test_a_long_change_is_summarized_within_the_service_limit_never_cut():
    clauses = tuple(
        {"type": "modified", "section": f"S{i}", "old": f"Clause {i} keeps data for 30 days. " * 8,
         "new": f"Clause {i} keeps data for 2 years. " * 8, "severity": "material", "categories": ["retention"]}
        for i in range(40)
    )
    event = messages.Event(1, "change", "acme/privacy", "acme", "Acme", "privacy", "material", ("retention",), "longer", clauses, 3, 4)
    for fmt, limit in (("markdown", 2000), ("html", 5000), ("text", 2000)):
        msg = messages.render_change(event, fmt, messages.Limits(body=limit))
        assert len(msg.body) <= limit
        shown = [i for i in range(40) if f"S{i}" in msg.body.replace("<b>", "").replace("**", "")]
        assert shown and shown == list(range(len(shown)))
        assert all(msg.body.count(f"Clause {i} keeps") == 16 or msg.body.count(f"Clause {i} keeps") == 8 for i in shown)
        assert f"and {40 - len(shown)} more changes" in msg.body
        assert "policy-monitor diff acme/privacy --from 3 --to 4" in msg.body
    sms = messages.render_change(event, "text", messages.Limits(body=160, title=0))
    assert len(sms.body) + len(sms.title) < 160 and "policy-monitor diff" in sms.body


def test_notify_test_reports_per_target(hook, smtp):
    wl = watchlist({"url": hook.url()}, {"url": "json://127.0.0.1:1/down"}, {"url": smtp.url()})

    results = send_test(wl)

    assert [(label, ok) for label, ok, _ in results] == [
        (f"json://127.0.0.1:{hook.port}", True), ("json://127.0.0.1:1", False), (f"mailto://127.0.0.1:{smtp.port}", True),
    ]
    assert results[1][2] and len(hook.posts) == 1 and len(smtp.messages) == 1
    assert send_test(wl, target=1) == [(f"json://127.0.0.1:{hook.port}", True, None)]
    with pytest.raises(UsageError):
        send_test(wl, target=4)


def test_labels_and_errors_never_show_secrets(monkeypatch, world, hook):
    monkeypatch.setenv("HOOK_PASSWORD", "s3cret-token")
    wl = watchlist({"url": "json://user:${HOOK_PASSWORD}@127.0.0.1:1/hook"})
    world.change("acme/privacy", comparison(SELL))

    report = deliver_pending(world.store, wl)

    assert "s3cret" not in target_label(wl.notify[0])
    assert report.failed and all("s3cret" not in label + error for label, error in report.failed)
    monkeypatch.delenv("HOOK_PASSWORD")  # unset at send time: that target fails, naming the variable
    [(label, error)] = deliver_pending(world.store, wl).failed
    assert "HOOK_PASSWORD" in error and "s3cret" not in label + error


def test_an_apprise_config_file_is_one_target(tmp_path, world, hook, smtp):
    config = tmp_path / "apprise.yml"
    config.write_text(f"urls:\n  - {hook.url()}\n  - {smtp.url()}\n", encoding="utf-8")
    wl = watchlist({"url": str(config)})
    world.change("acme/privacy", comparison(SELL))

    report = deliver_pending(world.store, wl)

    assert report.ok and report.delivered == 1
    assert len(hook.posts) == 1 and len(smtp.messages) == 1
    assert target_label(wl.notify[0]) == f"config file {config}"



def test_a_target_down_for_a_day_still_gets_every_alert(world, hook):
    """Five failed runs in a day are not enough to give up: the event is younger than retry_for."""
    world.change("acme/privacy", comparison(ClauseChange("modified", "Sharing", "a", "b", "[-a-]{+b+}", ("sale",), "material")))
    wl = watchlist({"url": hook.url()})
    hook.status = 503
    for _ in range(6):
        assert not deliver_pending(world.store, wl, max_attempts=5).ok
    assert [d.status for d in deliveries(world.store)] == ["pending"]
    hook.status = 200
    assert deliver_pending(world.store, wl).delivered == 1
    assert len(hook.posts) == 1
