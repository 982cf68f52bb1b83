"""Delivery: route outbox events to `[[notify]]` targets and send them through apprise, never losing one.

    outbox row (written with its change) ─► one Delivery per target that wants it ─► apprise, per target
        ─► delivered (apprise said True for that target) | attempts+1, last_error ─► failed at max_attempts, once retry_for has passed
        ─► outbox row closed once none of its deliveries is pending

Each mark is its own short transaction, written after the send: a crash between the two repeats that
one message on the next run, and drops nothing. One apprise object per target, so its boolean is that
target's alone and one failing target never blocks the others. The resolved URL (with secrets from the
environment) lives only in the apprise object: labels and stored errors never hold it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass, field, replace
from datetime import timedelta
from urllib.parse import urlsplit

from monitor.config import NotifyTarget, Watchlist
from monitor.errors import UsageError
from monitor.engine.result import RANK
from monitor.report.records import absolute, change_page
from monitor.render.messages import Event, Limits, Message, render_digest, render_event
from monitor.store.records import Delivery, Document, OutboxEvent
from monitor.clock import iso
from monitor.store.store import Store

log = logging.getLogger(__name__)

MAX_ERROR_CHARS = 500
# Generic webhooks get what their plugin defaults to (text): markdown is for chat, HTML for e-mail.
_WEBHOOK_PROTOCOLS = {"json", "jsons", "xml", "xmls", "form", "forms"}


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (target label, error), this pass
    pending: int = 0  # still pending after this pass

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict:
        return {
            "delivered": self.delivered,
            "pending": self.pending,
            "failed": [{"target": label, "error": error} for label, error in self.failed],
        }


# --- targets --------------------------------------------------------------------------------------
def target_key(target: NotifyTarget) -> str:
    """Stable and secret-free: the URL as written, with its ${VAR}s unexpanded."""
    return hashlib.sha256(target.url.encode("utf-8")).hexdigest()


def target_label(target: NotifyTarget) -> str:
    """Safe to print: apprise's privacy URL cut to scheme and (masked) host; never a path or query."""
    try:
        if target.is_config_file:
            return f"config file {target.url}"  # as written: any ${VAR} stays unexpanded
        import apprise

        apobj = apprise.Apprise()
        if apobj.add(target.resolved_url()):
            parts = urlsplit(apobj[0].url(privacy=True))
            return f"{parts.scheme}://{parts.netloc}"
    except ValueError:  # a variable unset now: the label must not fail too
        pass
    return target.url.split("://", 1)[0] + "://…"


@dataclass(frozen=True)
class Route:
    index: int  # 1-based, as in `notify test --target N`
    key: str
    label: str
    target: NotifyTarget


def routes(watchlist: Watchlist) -> list[Route]:
    """Targets in watchlist order; one written twice counts once (they share their deliveries)."""
    seen: dict[str, Route] = {}
    for index, target in enumerate(watchlist.notify, start=1):
        key = target_key(target)
        seen.setdefault(key, Route(index, key, target_label(target), target))
    return list(seen.values())


def wants(target: NotifyTarget, event: Event, tags: tuple[str, ...]) -> bool:
    """Routing: scope (vendors, tags) for every event; severity and categories for changes."""
    if target.vendors and event.vendor_id not in target.vendors:
        return False
    if target.tags and not set(target.tags) & set(tags):
        return False
    if event.kind == "operational":
        return True
    if RANK.get(event.severity, 0) < RANK[target.min_severity]:
        return False
    return not target.categories or bool(set(target.categories) & set(event.categories))


# --- channels: one apprise object per target ------------------------------------------------------
class Channel:
    """A target opened for sending: its apprise object, the format it reads and its length limits."""

    def __init__(self, target: NotifyTarget) -> None:
        import apprise

        self._secrets = _secrets_in(target)
        self.apobj = apprise.Apprise()
        resolved = target.resolved_url()  # ValueError names a variable that is not set
        if target.is_config_file:
            config = apprise.AppriseConfig()
            config.add(os.path.expanduser(resolved))
            self.apobj.add(config)
        else:
            self.apobj.add(resolved)
        services = list(self.apobj)
        if not services:
            raise ValueError("apprise found no usable service in this target (check the URL or config file)")
        self.format = _format_for(services)
        self.limits = Limits(
            body=min(s.body_maxlen for s in services),
            title=min(s.title_maxlen for s in services),
            lines=min((s.body_max_line_count for s in services if s.body_max_line_count > 0), default=0),
        )

    def send(self, message: Message) -> str | None:
        """None when apprise reports success for this target, else the error (scrubbed of secrets)."""
        import apprise

        with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
            try:
                result = self.apobj.notify(
                    body=message.body, title=message.title, body_format=self.format, notify_type=message.notify_type
                )
                ok = bool(result)  # apprise's own verdict for this target: never judged from log text
                getattr(result, "close", lambda: None)()  # apprise 2 results may hold temporary log files
            except Exception as exc:  # noqa: BLE001 - a plugin bug fails this target, never the run
                ok, captured_error = False, f"{type(exc).__name__}: {exc}"
            else:
                captured_error = None
        if ok:
            return None
        text = captured_error or _last_lines(captured.getvalue()) or "apprise reported a failure"
        return self.scrub(text)

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text[:MAX_ERROR_CHARS]


def _format_for(services: list) -> str:  # noqa: ANN001 - apprise plugin objects
    """Markdown for chat, HTML for e-mail (services that take HTML but no markdown), text for the rest.

    Telegram takes HTML too but only a few tags: it gets markdown. Generic webhooks get text.

    Several services (an apprise config file) get markdown: apprise converts it for each.
    """
    if len(services) > 1:
        return "markdown"
    service = services[0]
    formats = [str(getattr(f, "value", f)) for f in _as_tuple(service.notify_format)]
    override = getattr(service, "_format_override", None)  # the URL's own ?format=
    if override is not None and str(getattr(override, "value", override)) in formats:
        return str(getattr(override, "value", override))
    if set(_as_tuple(service.protocol)) & _WEBHOOK_PROTOCOLS:
        return formats[0]
    if "markdown" in formats:
        return "markdown"
    return "html" if "html" in formats else "text"


def _as_tuple(value) -> tuple:  # noqa: ANN001
    return tuple(value) if isinstance(value, (tuple, list, set, frozenset)) else (value,)


def _secrets_in(target: NotifyTarget) -> list[str]:
    """The values the target's ${VAR}s expand to, and the URL's password: never in a stored error."""
    found = [os.environ.get(name, "") for name in re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", target.url)]
    try:
        resolved = target.resolved_url()
        found += [resolved, urlsplit(resolved).password or ""] if "://" in resolved else []
    except ValueError:
        pass
    return sorted({s for s in found if len(s) >= 4}, key=len, reverse=True)


def _last_lines(text: str, count: int = 2) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " / ".join(lines[-count:])


def _open_channel(route: Route) -> tuple[Channel | None, str | None]:
    try:
        return Channel(route.target), None
    except Exception as exc:  # noqa: BLE001 - a broken target is that target's failure, not the run's
        message = str(exc) if isinstance(exc, (ValueError, OSError)) else f"{type(exc).__name__}: {exc}"
        return None, f"cannot open target: {message}"[:MAX_ERROR_CHARS]


# --- events from the store ------------------------------------------------------------------------
def _event(outbox: OutboxEvent) -> Event:
    doc, change = outbox.document, outbox.change
    base = dict(
        outbox_id=outbox.id, kind=outbox.kind, document_id=doc.id, vendor_id=doc.vendor_id,
        vendor_name=doc.vendor_name, document_kind=doc.kind, severity=outbox.severity,
        created_at=iso(outbox.created_at),
    )
    if outbox.kind == "operational" or change is None:
        return Event(**base, incident=outbox.payload)
    return Event(
        **base,
        categories=change.categories,
        reason=change.reason,
        clauses=tuple(change.clauses),
        entities=tuple(change.entities), notice=change.notice or {},
        from_version=change.from_version,
        to_version=change.to_version,
    )


def _with_links(store: Store, events: list[Event], base_url: str | None) -> list[Event]:
    """Each change event with the URL of its page in the web report, when the report's base URL is known."""
    if not base_url or not events:
        return events
    keys = store.change_keys()
    out = []
    for event in events:
        key = keys.get((event.document_id, event.to_version)) if event.kind == "change" else None
        try:
            url = absolute(base_url, change_page(event.document_id, key)) if key else ""
        except ValueError:  # an id the report has no page for
            url = ""
        out.append(replace(event, url=url) if url else event)
    return out


def _vendor_tags(watchlist: Watchlist) -> dict[str, tuple[str, ...]]:
    return {v.id: v.tags for v in watchlist.vendors}


def _wanted(events: list[Event], routing: list[Route], tags: dict[str, tuple[str, ...]]) -> dict[int, list[str]]:
    """The targets that want each event (outbox id -> target keys)."""
    return {
        e.outbox_id: [r.key for r in routing if wants(r.target, e, tags.get(e.vendor_id, ()))] for e in events
    }


# --- the pass -------------------------------------------------------------------------------------
def deliver_pending(
    store: Store, watchlist: Watchlist, *, max_attempts: int = 5, retry_for: timedelta = timedelta(days=3)
) -> DeliveryReport:
    """Send every open outbox event to every target that wants it; see the module docstring."""
    routing = routes(watchlist)
    events = _with_links(store, [_event(o) for o in store.open_events()], watchlist.report.base_url)
    store.ensure_deliveries(_wanted(events, routing, _vendor_tags(watchlist)))
    by_id = {e.outbox_id: e for e in events}
    report = DeliveryReport()
    for route in routing:
        # One sender per target across workers (PostgreSQL); what the sender had not read yet goes next run.
        with store.delivery_lock(route.key) as ours:
            work = [d for d in store.pending_deliveries(route.key) if d.outbox_id in by_id] if ours else []
            if work:
                _deliver_route(store, route, work, by_id, max_attempts, retry_for, report)
    keys = {r.key for r in routing}
    store.close_settled(keys)
    report.pending = store.count_pending(keys)
    return report


def _deliver_route(
    store: Store, route: Route, work: list[Delivery], by_id: dict[int, Event], max_attempts: int, retry_for: timedelta,
    report: DeliveryReport
) -> None:
    """Send a target its pending events, oldest first (a digest target: all in one message).

    After a failure the target's later events wait for the next pass, untried: a target that is down
    costs one timeout per run, and one message it rejects cannot use up the others' attempts.
    """
    channel, error = _open_channel(route)
    batches = [work] if route.target.digest else [[d] for d in work]
    for number, batch in enumerate(batches):
        if channel is not None:
            events = [by_id[d.outbox_id] for d in batch]
            render = render_digest if route.target.digest else lambda e, *a: render_event(e[0], *a)
            error = channel.send(render(events, channel.format, channel.limits))
        statuses = [store.mark_delivery(d.id, error, max_attempts, retry_for) for d in batch]
        report.delivered += statuses.count("delivered")
        if error is not None:
            _report_failure(report, route, error, statuses.count("failed"), max_attempts, len(batches) - number - 1)
            return


def _report_failure(
    report: DeliveryReport, route: Route, error: str, gave_up: int, max_attempts: int, waiting: int
) -> None:
    notes = [f"gave up on {gave_up} after {max_attempts} attempts"] if gave_up else []
    notes += [f"{waiting} more waiting for the next run"] if waiting else []
    text = error + (f" ({'; '.join(notes)})" if notes else "")
    report.failed.append((route.label, text))
    log.warning("notify %s: %s", route.label, text)


# --- operational events ---------------------------------------------------------------------------
def raise_operational_events(store: Store, watchlist: Watchlist) -> None:
    """Open an incident once when a document reaches N consecutive failures; close it once on recovery.

    A suspect page (the quality gate: outage, login or bot wall) is a failed check with a suspect kind;
    it counts as a failure here and the message names its kind.
    """
    threshold = watchlist.settings.failure_alert_after
    store.raise_incidents(lambda doc, incident: _incident_change(doc, incident, threshold))


def _incident_change(doc: Document, incident: dict, threshold: int) -> dict | None:
    """The payload of the event to raise now, if any: failing (once per incident) or recovered (once)."""
    is_open = incident.get("event") == "failing"
    if doc.consecutive_failures >= threshold and not is_open:
        return {
            "event": "failing",
            "since": iso(doc.failing_since),
            "error": doc.last_error,
            "failures": doc.consecutive_failures,
            "suspect_kind": doc.suspect_kind,
        }
    if doc.consecutive_failures == 0 and is_open and doc.last_outcome not in (None, "failed"):
        at = iso(doc.last_checked_at)
        return {"event": "recovered", "since": incident.get("since"), "at": at, "error": incident.get("error")}
    return None


# --- test and status ------------------------------------------------------------------------------
SAMPLE = Event(
    outbox_id=0, kind="change", document_id="example/privacy", vendor_id="example", vendor_name="Example Corp",
    document_kind="privacy", severity="material", categories=("sale",),
    reason="a sample message from `policy-monitor notify test`: nothing changed",
    clauses=(
        {
            "type": "modified", "section": "Sharing", "severity": "material", "categories": ["sale"],
            "old": "We do not sell your personal information.", "new": "We may sell your personal information.",
        },
    ),
    from_version=1, to_version=2,
)


def send_test(watchlist: Watchlist, target: int | None = None) -> list[tuple[str, bool, str | None]]:
    """Send a sample message to each target (or the 1-based `target`): (label, delivered, error) each."""
    targets = list(enumerate(watchlist.notify, start=1))
    if target is not None:
        if not 1 <= target <= len(targets):
            raise UsageError(
                f"no notify target {target}: the watchlist has {len(targets)}", "use --target 1..N, or omit it"
            )
        targets = [targets[target - 1]]
    results = []
    for index, each in targets:
        route = Route(index, target_key(each), target_label(each), each)
        channel, error = _open_channel(route)
        if channel is not None:
            error = channel.send(render_event(SAMPLE, channel.format, channel.limits))
        results.append((route.label, error is None, error))
    return results


def delivery_status(store: Store, watchlist: Watchlist | None = None, limit: int = 50) -> dict:
    """For `status`: pending deliveries, events not yet routed, and deliveries given up (newest first)."""
    labels = {r.key: r.label for r in routes(watchlist)} if watchlist is not None else {}
    rows = [
        {
            "document": f.document_id,
            "target": labels.get(f.delivery.target_key, f"target {f.delivery.target_key[:12]}"),
            "attempts": f.delivery.attempts,
            "error": f.delivery.last_error,
            "change_id": f.change_id,
            "event": f.event_kind,
            "updated_at": iso(f.delivery.updated_at),
        }
        for f in store.failed_deliveries(limit)
    ]
    return {"pending": store.count_pending(), "queued": store.count_unrouted(), "failed": rows}
