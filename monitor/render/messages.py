"""Composing notification messages: one change, one incident, or a digest, rendered per channel.

Pure: events in, (title, body) out. Three formats: "markdown" (CommonMark: chat), "html" (e-mail; apprise
derives the plain-text part from it) and "text". Everything that comes from a vendor's page (clause
text, section headings, fetch errors quoting a page) is untrusted and goes through `Renderer.untrusted`,
which is render/markup.py's escaper for the format: a policy cannot inject markup, links, mentions
or bidi reordering into a message, in plain text as in markdown and HTML.

A message fits its service's limits by summarizing: clauses that do not fit whole are counted in
"and N more changes", never cut in half.

    >>> event = Event(1, "change", "acme/privacy", "acme", "Acme", "privacy", "material", ("sale",),
    ...               "may now sell data", ({"type": "modified", "section": "Sharing", "old": "We do not sell data.",
    ...               "new": "We may sell data.", "severity": "material", "categories": ["sale"]},), 3, 4)
    >>> print(render_change(event, "text").body.splitlines()[5])
      Before: We [-do not-] sell data.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable, Sequence

from monitor.engine import worddiff
from monitor.engine.result import RANK
from monitor.render.markup import escape_html, escape_markdown, escape_text

SUSPECT_PREFIX = "suspect page: "


@dataclass(frozen=True)
class Event:
    """One outbox row with what its message needs (the change's clauses, the incident's details)."""

    outbox_id: int
    kind: str  # change | operational
    document_id: str
    vendor_id: str
    vendor_name: str
    document_kind: str
    severity: str  # noise | minor | material | operational
    categories: tuple[str, ...] = ()
    reason: str = ""
    clauses: tuple[dict, ...] = ()  # the engine's ClauseChange dicts
    from_version: int | None = None
    to_version: int | None = None
    incident: dict = field(default_factory=dict)  # operational: {"event", "since", "error", ...}
    created_at: str = ""  # ISO date the event was queued
    entities: tuple[dict, ...] = ()  # a sub-processor list's entity changes (Comparison.entities)
    notice: dict = field(default_factory=dict)  # the notice the page states, with "objection_deadline"
    url: str = ""  # the change's page in the web report, when its base URL is known ([report] base_url)

    @property
    def where(self) -> str:
        return f"{self.vendor_name} — {self.document_kind}"

    @property
    def diff_command(self) -> str:
        return f"policy-monitor diff {self.document_id} --from {self.from_version} --to {self.to_version}"


@dataclass(frozen=True)
class Limits:
    """A service's limits in characters (apprise's body_maxlen/title_maxlen/body_max_line_count)."""

    body: int = 32768
    title: int = 250  # 0: the service has no title; apprise puts it in the body
    lines: int = 0  # 0: no line limit


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    notify_type: str = "info"  # apprise's: info | success | warning | failure


# --- renderers ------------------------------------------------------------------------------------
class Renderer:
    """Markup for one format; `untrusted` is the only way vendor text enters a message."""

    name = "text"
    block_sep = "\n\n"

    def untrusted(self, text: str) -> str:
        return escape_text(text)  # one line, no bidi controls, no mention or <link|label> a chat acts on

    def untrusted_run(self, text: str) -> str:
        """A run between marks: escaped, keeping its edge spaces (they separate it from the marked words)."""
        core = self.untrusted(text)
        if not core:
            return " " if text else ""
        return (" " if text[0].isspace() else "") + core + (" " if text[-1].isspace() else "")

    def strong(self, ours: str) -> str:
        return ours

    def command(self, cmd: str) -> str:
        return cmd

    def link(self, url: str) -> str:
        """Our own URL (the report's base URL and a safe path), never vendor text."""
        return f"Open the change: {url}"

    def deleted(self, text: str) -> str:
        return f"[-{self.untrusted(text)}-]" if text.strip() else text

    def inserted(self, text: str) -> str:
        return f"{{+{self.untrusted(text)}+}}" if text.strip() else text

    def lines(self, head: str, items: Sequence[str]) -> str:
        return "\n".join([head, *(f"  {item}" for item in items)])

    def paragraph(self, *lines: str) -> str:
        return "\n".join(lines)

    def document(self, blocks: Sequence[str]) -> str:
        return self.block_sep.join(blocks)


class MarkdownRenderer(Renderer):
    name = "markdown"

    def untrusted(self, text: str) -> str:
        return escape_markdown(text)

    def strong(self, ours: str) -> str:
        return f"**{ours}**"

    def command(self, cmd: str) -> str:
        return f"`{cmd}`"

    def link(self, url: str) -> str:
        return f"[Open the change]({url})"

    def deleted(self, text: str) -> str:
        return _wrap(text, "~~", "~~", self.untrusted)

    def inserted(self, text: str) -> str:
        return _wrap(text, "**", "**", self.untrusted)

    def lines(self, head: str, items: Sequence[str]) -> str:
        return head + "\n\n" + "\n".join(f"- {item}" for item in items)  # a list must not touch a paragraph

    def paragraph(self, *lines: str) -> str:
        return "  \n".join(lines)  # two spaces: a hard line break in CommonMark


# Markers hidden in the HTML survive in the plain-text part apprise derives from it.
_HIDE = '<span style="display:none">'


class HtmlRenderer(Renderer):
    name = "html"
    block_sep = "\n"

    def untrusted(self, text: str) -> str:
        return escape_html(text)

    def strong(self, ours: str) -> str:
        return f"<b>{ours}</b>"

    def command(self, cmd: str) -> str:
        return f"<code>{html.escape(cmd)}</code>"

    def link(self, url: str) -> str:
        return f'<a href="{html.escape(url, quote=True)}">Open the change</a>'

    def deleted(self, text: str) -> str:
        return _wrap(text, f'<del style="background:#fdd">{_HIDE}[-</span>', f"{_HIDE}-]</span></del>", self.untrusted)

    def inserted(self, text: str) -> str:
        open_, close = f'<ins style="background:#dfd">{_HIDE}{{+</span>', f"{_HIDE}+}}</span></ins>"
        return _wrap(text, open_, close, self.untrusted)

    def lines(self, head: str, items: Sequence[str]) -> str:
        return f"<p>{head}</p><ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"

    def paragraph(self, *lines: str) -> str:
        return "<p>" + "<br>".join(lines) + "</p>"


RENDERERS: dict[str, Renderer] = {r.name: r for r in (Renderer(), MarkdownRenderer(), HtmlRenderer())}


def _wrap(text: str, open_: str, close: str, escape: Callable[[str], str]) -> str:
    """Mark a changed run; its outer spaces stay outside (emphasis must hug the words in markdown)."""
    core = text.strip()
    if not core:
        return text
    lead = " " if text[0].isspace() else ""
    trail = " " if text[-1].isspace() else ""
    return f"{lead}{open_}{escape(core)}{close}{trail}"


# --- clauses --------------------------------------------------------------------------------------
def _plain(r: Renderer, ops: worddiff.Ops, keep: int) -> str:
    """One side of a word diff: equal words plus the side's own changes marked (keep: DELETE or INSERT)."""
    mark = r.deleted if keep == worddiff.DELETE else r.inserted
    side = [(op, t) for op, t in ops if op in (worddiff.EQUAL, keep)]
    return "".join(r.untrusted_run(t) if op == worddiff.EQUAL else mark(t) for op, t in side)


def clause_variants(r: Renderer, clause: dict) -> list[str]:
    """The clause rendered in full (before and after), then compact (one line with both marks)."""
    section = r.untrusted(clause.get("section") or "(top)")
    tags = ", ".join(clause.get("categories") or ())
    kind = clause.get("type", "modified") + (f" ({clause['shape']})" if clause.get("shape") else "")
    head = f"{r.strong(section)} — {kind}" + (f" · {tags}" if tags else "")
    old, new = clause.get("old") or "", clause.get("new") or ""
    if kind.startswith("added"):
        return [r.lines(head, [f"Added: {r.untrusted(new)}"])]
    if kind.startswith("removed"):
        return [r.lines(head, [f"Removed: {r.untrusted(old)}"])]
    if kind.startswith("moved") or old == new:
        return [r.lines(head, [f"Now reads: {r.untrusted(new)}"])]
    ops = worddiff.diff(old, new)  # recomputed: the stored markers are ambiguous if a page contains "[-"
    full = r.lines(head, [f"Before: {_plain(r, ops, worddiff.DELETE)}", f"After: {_plain(r, ops, worddiff.INSERT)}"])
    both = "".join(
        r.untrusted_run(t) if op == worddiff.EQUAL else (r.deleted(t) if op == worddiff.DELETE else r.inserted(t))
        for op, t in ops
    )
    return [full, r.lines(head, [f"Changed: {both}"])]


def shown_clauses(event: Event) -> list[dict]:
    """The clauses at the change's own severity (the material ones for a material change), in order."""
    level = RANK.get(event.severity, 0)
    return [c for c in event.clauses if RANK.get(c.get("severity", "minor"), 0) >= level]


# --- fitting --------------------------------------------------------------------------------------
def _fits(body: str, limits: Limits, title: str) -> bool:
    room = limits.body - (len(title) + 16 if limits.title <= 0 else 0)  # apprise merges an untitled one
    return len(body) <= room and (limits.lines <= 0 or body.count("\n") + 1 <= limits.lines)


def fit(
    r: Renderer, title: str, head: list[str], items: list[list[str]], tail: Callable[[int], list[str]], limits: Limits
) -> str:
    """Head, as many items as fit whole (each item's variants tried in order), then tail(items left out)."""
    shown: list[str] = []
    for variants in items:
        for variant in variants:
            if _fits(r.document(head + shown + [variant] + tail(len(items) - len(shown) - 1)), limits, title):
                shown.append(variant)
                break
    return r.document(head + shown + tail(len(items) - len(shown)))


def _title(text: str, limits: Limits) -> str:
    if limits.title > 0 and len(text) > limits.title:
        return text[: limits.title - 1].rstrip() + "…"
    return text


def _squeeze(r: Renderer, body: str, fallback: list[str], title: str, limits: Limits) -> str:
    """Tiny services (SMS): the essentials only; as a last resort our own words cut at a word."""
    if _fits(body, limits, title):
        return body
    body = r.document(fallback)
    room = limits.body - (len(title) + 16 if limits.title <= 0 else 0)
    if len(body) > room:
        body = body[: max(room - 1, 0)].rsplit(" ", 1)[0] + "…"
    return body


# --- messages -------------------------------------------------------------------------------------
def render_change(event: Event, fmt: str, limits: Limits = Limits()) -> Message:
    r = RENDERERS[fmt]
    cats = ", ".join(event.categories) or "uncategorized"
    title = _title(f"{event.vendor_name} {event.document_kind}: {event.severity} change ({cats})", limits)
    head = [
        r.paragraph(
            f"{r.strong(r.untrusted(event.where))} changed (version {event.from_version} → {event.to_version})",
            f"Severity: {r.strong(event.severity)} · categories: {cats}",
            f"Why: {r.untrusted(event.reason)}",
            *_objection(r, event),
        )
    ]
    shown = shown_clauses(event)

    def tail(left_out: int) -> list[str]:
        more = len(event.clauses) - len(shown) + left_out
        lines = [f"…and {more} more change{'s' if more != 1 else ''}."] if more else []
        lines += [r.link(event.url)] if event.url else []
        return [r.paragraph(*lines, f"See them all: {r.command(event.diff_command)}")]

    body = fit(r, title, head, [clause_variants(r, c) for c in shown], tail, limits)
    essentials = f"{r.untrusted(event.where)}: {event.severity} change ({cats})"
    short = [r.paragraph(essentials, r.link(event.url) if event.url else r.command(event.diff_command))]
    body = _squeeze(r, body, short, title, limits)
    return Message(title, body, "warning" if event.severity == "material" else "info")


def _objection(r: Renderer, event: Event) -> list[str]:
    """'Object by 2027-01-01 (the page gives 30 days' notice)': the line a privacy team acts on."""
    deadline = event.notice.get("objection_deadline")
    if not deadline:
        return []
    dated = next((e for e in event.entities if e.get("effective_date") == deadline), None)
    if dated is not None:
        why = f"{r.untrusted(dated['name'])} is listed as effective {r.untrusted(dated.get('effective') or deadline)}"
    elif event.notice.get("effective"):
        why = f"the page says {r.untrusted(event.notice.get('effective_quote') or event.notice['effective'])}"
    elif event.notice.get("days"):
        why = f"the page gives {event.notice['days']} days' notice"
    else:
        why = "the new entry's effective date"
    return [f"Object by: {r.strong(deadline)} ({why})"]


def _incident_lines(r: Renderer, event: Event) -> tuple[str, list[str], str]:
    """(title, lines, notify type) for an operational event."""
    info = event.incident
    since = info.get("since") or "?"
    if info.get("event") == "recovered":
        lines = [
            f"{r.strong(r.untrusted(event.where))} ({event.document_id}) is being checked again.",
            f"It had been failing since {since}; recovered at {info.get('at') or '?'}.",
        ]
        return f"{event.vendor_name} {event.document_kind}: recovered", lines, "success"
    error = info.get("error") or "unknown error"
    kind = info.get("suspect_kind")  # the stored column; events queued by the first release lack it
    if kind or error.startswith(SUSPECT_PREFIX):
        what = kind.replace("_", " ") if kind else error[len(SUSPECT_PREFIX) :].split(":", 1)[0].strip() or "suspect page"
        article = "an" if what[:1].lower() in "aeiou" else "a"
        title = f"{event.vendor_name} {event.document_kind}: page looks like {article} {what}"
        problem = f"The page looks like an outage, login or bot wall ({r.untrusted(what)}), so no version was stored."
    else:
        title = f"{event.vendor_name} {event.document_kind}: checks failing"
        problem = "The document could not be checked."
    lines = [
        f"{r.strong(r.untrusted(event.where))} ({event.document_id}) failed "
        f"{info.get('failures', '?')} consecutive runs, since {since}.",
        problem,
        f"Last error: {r.untrusted(error)}",
        f"Details: {r.command('policy-monitor status')}",
    ]
    return title, lines, "failure"


def render_operational(event: Event, fmt: str, limits: Limits = Limits()) -> Message:
    r = RENDERERS[fmt]
    title, lines, kind = _incident_lines(r, event)
    title = _title(title, limits)
    body = r.document([r.paragraph(*lines)])
    body = _squeeze(r, body, [r.paragraph(*lines[:1])], title, limits)
    return Message(title, body, kind)


def render_event(event: Event, fmt: str, limits: Limits = Limits()) -> Message:
    return (render_operational if event.kind == "operational" else render_change)(event, fmt, limits)


def _digest_item(r: Renderer, event: Event) -> str:
    if event.kind == "operational":
        _, lines, _ = _incident_lines(r, event)
        return r.paragraph(*lines[:2])
    cats = ", ".join(event.categories) or "uncategorized"
    return r.paragraph(
        f"{r.strong(r.untrusted(event.where))}: {event.severity} change ({cats}), "
        f"version {event.from_version} → {event.to_version}",
        f"Why: {r.untrusted(event.reason)}",
        *_objection(r, event),
        r.link(event.url) if event.url else r.command(event.diff_command),
    )


def render_digest(events: Sequence[Event], fmt: str, limits: Limits = Limits()) -> Message:
    """One message for a run: each event summarized, oldest first; what does not fit is counted."""
    r = RENDERERS[fmt]
    changes = sum(1 for e in events if e.kind == "change")
    alerts = len(events) - changes
    parts = [f"{changes} change{'s' if changes != 1 else ''}"] if changes else []
    parts += [f"{alerts} alert{'s' if alerts != 1 else ''}"] if alerts else []
    title = _title(f"policy-monitor: {', '.join(parts)}", limits)
    head = [r.paragraph(r.strong(f"policy-monitor digest: {', '.join(parts)}"))]

    since = min((e.created_at[:10] for e in events if e.created_at), default="")
    see = r.command(f"policy-monitor changes --since {since}" if since else "policy-monitor changes")

    def tail(left_out: int) -> list[str]:
        return [r.paragraph(f"…and {left_out} more: see {see}")] if left_out else []

    body = fit(r, title, head, [[_digest_item(r, e)] for e in events], tail, limits)
    body = _squeeze(r, body, head, title, limits)
    material = any(e.severity == "material" for e in events)
    failing = any(e.incident.get("event") == "failing" for e in events)
    return Message(title, body, "failure" if failing else ("warning" if material else "info"))
