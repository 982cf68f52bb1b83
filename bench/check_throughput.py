"""Throughput and memory of `policy-monitor check`, side by side with urlwatch, on loopback pages.

N synthetic vendor privacy pages (30-80 KB of HTML each, deterministic from a seed) are served from
memory by a loopback server in a child process. Like real pages, every response carries a fresh
per-request nonce: in `<script nonce=...>` attributes, in an inline script's config object and in a
hidden `csrf` form field. The visible text, "Last updated" date included, is fixed.

Three runs per tool, each over the same pages and the same server state:

    first       empty database / cache: every page is new
    unchanged   nothing visible changed; only the nonces differ (any change reported is a false one)
    changed     a real sentence (a retention period) changed in 10% of the pages

For each run it prints wall seconds (the whole child process, start-up included), documents per
second, what the tool reported, and the child's peak RSS (from os.wait4's ru_maxrss). With
`--memory-sweep` it repeats policy-monitor's first run at several N to show whether memory stays flat.

urlwatch comes from PyPI into its own venv (bench/.work/urlwatch-venv, created once), never into the
project's. It runs with `filter: html2text` (its default method, a regex tag stripper, unless
`--urlwatch-method` says otherwise) and reports to stdout only. Its thread pool is fixed at 10
workers (urlwatch.worker.MAX_WORKERS), so `--concurrency` defaults to 10 for policy-monitor too.

Nothing but 127.0.0.1 is contacted; every child process has a time limit. Figures only, no asserts.

Usage (from the repository root):

    .venv/bin/python bench/check_throughput.py --n 500
    .venv/bin/python bench/check_throughput.py --n 100 --no-urlwatch --memory-sweep 100,500,1000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
URLWATCH_VENV = WORK / "urlwatch-venv"
URLWATCH_PACKAGES = ("urlwatch>=2.28", "html2text")  # html2text: the module behind method pyhtml2text
NONCE = "@@NONCE@@"  # placeholder in the page templates, replaced on every request
PHASES = ("first", "unchanged", "changed")
CHANGED_SHARE = 0.10
MIB = 1024 * 1024


# ---------------------------------------------------------------------------------------------------
# Synthetic pages. All text below is written for this benchmark: a generic privacy policy's shape
# (collection, use, sharing, cookies, retention, transfers, children, rights, security, changes).

PREFIXES = ("Blue", "Copper", "Quiet", "Silver", "Harbor", "Maple", "Orbit", "Lumen", "Cedar", "Tidal",
            "Amber", "Granite", "Kestrel", "Juniper", "Saffron", "Willow")
SUFFIXES = ("field", "stone", "works", "line", "path", "grid", "bay", "crest", "loop", "forge", "leaf")
TRADES = ("Analytics", "Labs", "Software", "Payments", "Cloud", "Health", "Media", "Logistics", "Systems")
COUNTRIES = ("the United States", "Canada", "the United Kingdom", "Ireland", "Germany", "Japan", "India",
             "Brazil", "Australia", "Singapore")
PARTNERS = ("payment processors", "cloud hosting providers", "customer support platforms",
            "email delivery services", "fraud prevention services", "analytics providers",
            "advertising partners", "professional advisers", "identity verification services")
DATA_KINDS = ("contact details", "account credentials", "billing records", "device identifiers",
              "usage logs", "support conversations", "location signals", "survey answers")
PURPOSES = ("operate and secure the service", "process payments", "answer support requests",
            "measure how features are used", "prevent fraud and abuse", "comply with legal duties",
            "personalise what you see", "send service announcements")
PERIODS = ("30 days", "90 days", "6 months", "12 months", "24 months")
# The 10% change run swaps a retention period for a longer one: a material change.
LONGER = {"30 days": "18 months", "90 days": "3 years", "6 months": "5 years", "12 months": "7 years",
          "24 months": "10 years"}
AGES = ("13", "16")
ACTIONS = ("sign up", "invite a colleague", "upload a file", "join a webinar", "start a trial", "change your plan",
           "contact support", "use the mobile app", "connect an integration", "answer a survey", "attend an event",
           "apply for a job", "browse our websites", "reset your password")
RECORDS = ("collect", "record", "store", "process", "receive")
CONDITIONS = ("you ask us to", "the law requires it", "it is needed to deliver a feature you chose",
              "your administrator turns the feature on", "you have given your consent", "we suspect fraud")
AUDIENCES = ("business customers", "visitors to our websites", "job applicants", "event attendees",
             "residents of California", "residents of the European Union", "mobile app users", "trial users")
SUBHEADINGS = ("In more detail", "Examples", "For business customers", "For visitors to our websites",
               "For job applicants", "Regional notes", "Mobile apps", "Integrations", "Events and webinars")

SECTIONS: dict[str, tuple[str, ...]] = {
    "Who we are": (
        "{co} provides {product}, a service that helps teams organise their daily work.",
        "This notice explains how {co} handles personal information when you use {product} or visit our sites.",
        "When we say \u201cwe\u201d or \u201cus\u201d in this notice, we mean {co} and the companies it controls.",
        "If you use {product} through an employer or another organisation, that organisation may have its own rules about your information.",
        "Some features are run by partners under their own terms, and we point this out where it happens.",
    ),
    "Information we collect": (
        "When you {action}, we {record} your {data} and the time of the request.",
        "For {audience}, we also {record} {data} that you choose to give us.",
        "We collect {data} when you create an account, fill in a form or contact us.",
        "Our servers automatically record {data} each time your browser or app talks to {product}.",
        "If you connect a third-party account, we receive the profile details that service chooses to share with us.",
        "We may receive {data} from {partner} who help us confirm that an account is genuine.",
        "You can choose not to give us some information, but certain features may then stop working.",
        "Payment card numbers are entered directly with our payment provider and never reach our own servers.",
        "We do not ask for sensitive categories of information, and we ask you not to upload them to {product}.",
    ),
    "How we use information": (
        "When you {action}, we use your {data} to {purpose}.",
        "For {audience}, we use {data} to {purpose} only where {condition}.",
        "We use {data} to {purpose}.",
        "Aggregated figures that cannot identify you help us decide which parts of {product} to improve.",
        "We rely on your consent, our contract with you, or our legitimate interests, depending on the purpose.",
        "Where we rely on consent, you can withdraw it at any time from your account settings.",
        "We do not make decisions that produce legal effects about you based solely on automated processing.",
        "Messages about security, billing or changes to the service are sent even if you opt out of marketing.",
    ),
    "How we share information": (
        "{Partner} receive your {data} when {condition}.",
        "When you {action}, {partner} may see your {data} so that we can {purpose}.",
        "We share {data} with {partner} that work on our behalf and may only use it to {purpose}.",
        "We do not sell your personal information to anyone.",
        "If {co} is involved in a merger or acquisition, your information may pass to the new owner under this notice.",
        "We disclose information to public authorities when a valid legal request obliges us to.",
        "Your team administrators can see the content you add to shared workspaces.",
        "Each partner is bound by a written agreement that limits what it may do with the data we pass to it.",
    ),
    "Cookies and similar technologies": (
        "When you {action}, a cookie set by {partner} may {record} your {data}.",
        "We use cookies that are strictly needed to keep you signed in and to remember your preferences.",
        "With your permission, {partner} place cookies that measure how visitors move through our pages.",
        "You can refuse non-essential cookies in the banner or change your choice later in the cookie settings.",
        "Most browsers let you delete cookies or block them for a given site.",
        "We honour the Global Privacy Control signal where the law of your region requires it.",
    ),
    "How long we keep information": (
        "For {audience}, {data} are deleted {period} after the last activity unless {condition}.",
        "We keep information only as long as we need it for the purposes described above.",
        "Backups are overwritten on a rolling schedule and are not used to restore deleted accounts.",
        "Invoices and tax records are kept for as long as accounting law requires.",
        "Logs used to investigate abuse are kept for {period} unless an investigation is still open.",
    ),
    "International transfers": (
        "{Partner} may process {data} in {country} when {condition}.",
        "{co} is based in {country}, and our service providers may process information in other countries.",
        "When information leaves the European Economic Area, we use the standard contractual clauses approved by the European Commission.",
        "We assess the laws of the destination country before we start a new transfer.",
        "You can ask us for a copy of the safeguards we use for a particular transfer.",
    ),
    "Children": (
        "{product} is not meant for children under {age}, and we do not knowingly collect their information.",
        "If we learn that a child under {age} has created an account, we close it and delete the associated data.",
        "Parents who believe their child has used {product} can contact us to have the data removed.",
    ),
    "Your rights": (
        "{Audience_cap} can ask us to stop using their {data} to {purpose}.",
        "You can ask for a copy of the personal information we hold about you.",
        "You can ask us to correct information that is inaccurate or out of date.",
        "You can ask us to delete your information, subject to the records we must keep by law.",
        "You can object to processing based on our legitimate interests, and we will stop unless we have strong reasons to continue.",
        "You can ask to receive the information you gave us in a structured, machine-readable format.",
        "We answer requests within one month and may ask you to confirm your identity first.",
        "You also have the right to complain to the data protection authority where you live or work.",
    ),
    "Security": (
        "Access to {data} is limited to staff who need it to {purpose}.",
        "We encrypt information in transit and at rest, and we review access to production systems every quarter.",
        "Staff receive privacy and security training when they join and every year after that.",
        "No system is perfectly secure, so we cannot promise that information will never be exposed.",
        "If a breach affects your information, we will tell you and the relevant authorities as the law requires.",
    ),
    "Changes to this notice": (
        "We may update this notice from time to time, and the date at the top shows when it last changed.",
        "If a change is significant, we will tell you by email or in the product at least {days} days before it takes effect.",
        "Earlier versions of this notice are available on request.",
    ),
    "How to contact us": (
        "Questions about this notice can be sent to {email}.",
        "Our data protection officer can be reached at the same address or by post at our registered office.",
        "We aim to reply to every question within five working days.",
    ),
}
RETENTION_SECTION = "How long we keep information"
NAV = ("Product", "Features", "Pricing", "Integrations", "Customers", "Security", "Enterprise", "Docs",
       "Blog", "Careers", "Support", "Status", "Partners", "Community")
FOOTER = {"Product": ("Overview", "Pricing", "Changelog", "Roadmap", "Integrations", "Mobile apps", "API"),
          "Company": ("About", "Careers", "Press", "Contact", "Investors", "Brand"),
          "Resources": ("Help centre", "Guides", "Webinars", "Templates", "Community", "Status"),
          "Legal": ("Privacy", "Terms", "Cookies", "Security", "Sub-processors", "Accessibility")}


@dataclass(frozen=True)
class Page:
    """One page as served: the template split at the nonce, plus its 10%-run variant."""

    parts: tuple[bytes, ...]  # join with a nonce to get the body
    changed_parts: tuple[bytes, ...]
    size: int  # bytes of the base body with a 24-character nonce

    def body(self, nonce: bytes, changed: bool) -> bytes:
        return nonce.join(self.changed_parts if changed else self.parts)


def vendor_id(i: int) -> str:
    return f"vendor-{i:04d}"


def build_page(i: int, seed: int) -> Page:
    rng = random.Random(seed * 1_000_003 + i)
    a, b, trade = rng.choice(PREFIXES), rng.choice(SUFFIXES), rng.choice(TRADES)
    co = f"{a}{b} {trade}"
    slots = {"co": co, "product": f"{a}{b.capitalize()}", "email": f"privacy@{a.lower()}{b}.example",
             "country": rng.choice(COUNTRIES), "age": rng.choice(AGES), "days": str(rng.choice((14, 30, 60)))}

    def sentence(template: str) -> str:
        partner, audience = rng.choice(PARTNERS), rng.choice(AUDIENCES)
        return template.format(partner=partner, Partner=partner.capitalize(), data=rng.choice(DATA_KINDS),
                               purpose=rng.choice(PURPOSES), period=rng.choice(PERIODS), action=rng.choice(ACTIONS),
                               record=rng.choice(RECORDS), condition=rng.choice(CONDITIONS), audience=audience,
                               Audience_cap=audience.capitalize(), **slots)

    used: set[str] = set()

    def fresh(name: str) -> str | None:
        """A sentence this page does not have yet: real policies rarely repeat themselves verbatim."""
        for _ in range(8):
            text = sentence(rng.choice(SECTIONS[name]))
            if text not in used:
                used.add(text)
                return text
        return None

    def paragraph(name: str) -> str:
        picks = [t for t in (fresh(name) for _ in range(rng.randint(2, 4))) if t]
        return "<p>" + " ".join(picks) + "</p>" if picks else ""

    period = rng.choice(PERIODS)
    kept = rng.choice(DATA_KINDS)
    retention = (f"We keep your {kept} for {period} after you close your account, and then delete "
                 f"or irreversibly anonymise them.")
    retention_new = retention.replace(period, LONGER[period])

    blocks: dict[str, list[str]] = {name: [paragraph(name)] for name in SECTIONS}
    blocks["Information we collect"].append(
        "<ul>" + "".join(f"<li><strong>{d.capitalize()}</strong>: {fresh('Information we collect')}</li>"
                         for d in rng.sample(DATA_KINDS, 5)) + "</ul>")
    blocks[RETENTION_SECTION].insert(0, f"<p>{retention} {fresh(RETENTION_SECTION)}</p>")
    rows = "".join(f"<tr><td>{d.capitalize()}</td><td>{rng.choice(PERIODS)}</td><td>To {rng.choice(PURPOSES)}</td></tr>"
                   for d in rng.sample(DATA_KINDS, 6))
    blocks[RETENTION_SECTION].append(
        '<table class="retention-table"><thead><tr><th>Information</th><th>Kept for</th><th>Why</th></tr>'
        f"</thead><tbody>{rows}</tbody></table>")
    blocks["How we share information"].append(
        "<ul>" + "".join(f"<li>{p.capitalize()}</li>" for p in rng.sample(PARTNERS, 4)) + "</ul>")

    head, tail = _chrome(rng, i, co, slots["product"])
    target = rng.randint(30_500, 79_000)
    names = [n for n in SECTIONS if n not in ("Who we are", "How to contact us")]
    subheadings = {n: list(SUBHEADINGS) for n in names}
    size = len(head) + len(tail) + sum(len(x) for v in blocks.values() for x in v) + 1_500
    while size < target:  # grow the policy body, not the chrome, until the page reaches its size
        name = rng.choice(names)
        extra = paragraph(name)
        if not extra:  # this section has said all it can
            names.remove(name)
            continue
        if subheadings[name] and rng.random() < 0.15:
            extra = f"<h3>{subheadings[name].pop(rng.randrange(len(subheadings[name])))}</h3>\n{extra}"
        blocks[name].append(extra)
        size += len(extra) + 1

    toc = "".join(f'<li><a href="#s{k}">{name}</a></li>' for k, name in enumerate(SECTIONS, 1))
    body = "\n".join(
        f'<section id="s{k}" class="policy-section"><h2>{k}. {name}</h2>\n' + "\n".join(blocks[name]) + "</section>"
        for k, name in enumerate(SECTIONS, 1))
    month = rng.choice(("January", "March", "May", "July", "September", "November"))
    updated = f"{month} {rng.randint(1, 28)}, 202{rng.randint(2, 5)}"  # fixed: visible, and never a change
    main = ('<main id="content" class="legal-page"><article class="prose">'
            f"<h1>{co} Privacy Notice</h1><p class=\"updated\">Last updated: {updated}</p>"
            f'<nav class="toc" aria-label="Contents"><ol>{toc}</ol></nav>\n{body}</article></main>')
    html = head + main + tail
    assert html.count(retention) == 1
    changed = html.replace(retention, retention_new)
    return Page(tuple(p.encode() for p in html.split(NONCE)), tuple(p.encode() for p in changed.split(NONCE)),
                len(html.replace(NONCE, "x" * 24).encode()))


def _chrome(rng: random.Random, i: int, co: str, product: str) -> tuple[str, str]:
    """Everything around <main>: head, styles, scripts with the nonce, nav, banner, form, footer."""
    css = "\n".join(
        f".{c}{{margin:{rng.randint(0, 24)}px {rng.randint(0, 32)}px;padding:{rng.randint(0, 16)}px;"
        f"color:#{rng.randrange(0x1000000):06x};font-size:{rng.choice((12, 14, 16, 18))}px;line-height:1.{rng.randint(2, 7)}}}"
        for c in ("site-header", "nav-link", "cookie-banner", "btn", "btn-primary", "legal-page", "prose", "toc",
                  "policy-section", "retention-table", "site-footer", "footer-col", "newsletter", "updated",
                  "skip-link", "logo", "social", "badge"))
    logo = "M" + " ".join(f"{rng.randint(0, 400)}.{rng.randint(0, 99)},{rng.randint(0, 120)}" for _ in range(120)) + "Z"
    release = f"{rng.randint(2023, 2025)}.{rng.randint(1, 52)}.{rng.randint(0, 9)}-{rng.randrange(16**10):010x}"
    config = json.dumps({"release": release, "locale": "en", "csrfToken": NONCE, "features": {
        f"flag_{k}": rng.random() < 0.5 for k in range(24)}, "sentryEnvironment": "production"})
    # Real pages ship kilobytes of inline, minified script (consent manager, tag loader, hydration).
    bundle = ";".join(
        f"function _{rng.randrange(16**4):04x}(e,t){{var n=e[{rng.randint(0, 9)}]|0,r=t&&t.{rng.choice('abcdxyz')}"
        f"||{rng.randint(0, 999)};return n<{rng.randint(1, 64)}?r*{rng.randint(2, 9)}:e.slice({rng.randint(0, 5)})}}"
        for _ in range(rng.randint(60, 160)))
    def icon_path() -> str:
        return "M" + " ".join(f"{rng.randint(0, 24)}.{rng.randint(0, 9)} {rng.randint(0, 24)}.{rng.randint(0, 9)}"
                              for _ in range(40)) + "Z"

    icons = "".join(
        f'<a class="social" href="https://{net}.example/{product.lower()}" aria-label="{net}"><svg viewBox="0 0 24 24">'
        f'<path d="{icon_path()}"/></svg></a>' for net in ("social-a", "social-b", "social-c", "social-d", "social-e"))
    ld = json.dumps({"@context": "https://schema.org", "@type": "Organization", "name": co,
                     "url": f"https://www.{product.lower()}.example/"})
    nav = "".join(f'<li class="nav-item"><a class="nav-link" href="/{n.lower()}" data-track="nav_{n.lower()}">{n}</a></li>'
                  for n in NAV)
    footer = "".join(
        f'<div class="footer-col"><h4>{title}</h4><ul>'
        + "".join(f'<li><a href="/{t.lower().replace(" ", "-")}">{t}</a></li>' for t in links) + "</ul></div>"
        for title, links in FOOTER.items())
    head = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Privacy Notice | {co}</title><meta name="description" content="How {co} handles personal information.">
<meta name="csrf-token" content="{NONCE}"><link rel="canonical" href="https://www.{product.lower()}.example/legal/privacy">
<link rel="preload" href="/static/fonts/inter-var.woff2" as="font" crossorigin>
<link rel="stylesheet" href="/static/css/app.{rng.randrange(16**8):08x}.css">
<style nonce="{NONCE}">{css}</style>
<script nonce="{NONCE}">window.__APP_CONFIG__ = {config};</script>
<script type="application/ld+json">{ld}</script>
<script nonce="{NONCE}">{bundle}</script>
<script nonce="{NONCE}">(function(w,d){{var q=w.metricsQueue=w.metricsQueue||[];w.track=function(){{q.push(arguments)}};
var s=d.createElement('script');s.async=true;s.src='/static/js/metrics.{rng.randrange(16**8):08x}.js';
s.setAttribute('nonce','{NONCE}');d.head.appendChild(s);}})(window,document);</script>
</head>
<body class="page-legal" data-site="{i}"><a class="skip-link" href="#content">Skip to content</a>
<header class="site-header"><a class="logo" href="/" aria-label="{co} home"><svg width="120" height="32" viewBox="0 0 400 120"><path d="{logo}"/></svg></a>
<nav aria-label="Main"><ul class="nav">{nav}</ul></nav>
<a class="btn btn-primary" href="/signup">Start free trial</a><a class="btn" href="/login">Sign in</a></header>
<div class="cookie-banner" role="dialog" aria-label="Cookie choices" hidden><p>We use cookies to run this site and, with your permission,
to understand how it is used. See the cookies section of our privacy notice.</p><button class="btn btn-primary" data-consent="all">Accept all</button>
<button class="btn" data-consent="essential">Essential only</button><button class="btn" data-consent="settings">Settings</button></div>
"""
    tail = f"""
<section class="newsletter"><h3>Product news, once a month</h3>
<form method="post" action="/newsletter/subscribe"><input type="hidden" name="csrf" value="{NONCE}">
<label for="nl-email">Work email</label><input id="nl-email" type="email" name="email" autocomplete="email">
<button class="btn btn-primary" type="submit">Subscribe</button></form></section>
<footer class="site-footer"><div class="footer-cols">{footer}</div>
<div class="social-links">{icons}</div><p class="copyright">&copy; 2025 {co}. All rights reserved.</p></footer>
<script nonce="{NONCE}" src="/static/js/app.{rng.randrange(16**8):08x}.js" defer></script>
<script nonce="{NONCE}">window.track('page_view', {{template: 'legal', site: {i}}});</script>
</body></html>
"""
    return head, tail


# ---------------------------------------------------------------------------------------------------
# Loopback server, in its own process so that it does not share a GIL with the driver.


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real sites
    # Without TCP_NODELAY, the header write and the body write meet the client's delayed ACK and
    # every response waits ~40 ms: the server, not the tool, would set the pace.
    disable_nagle_algorithm = True
    pages: list[Page] = []
    changed_ids: frozenset[int] = frozenset()
    mode = None  # multiprocessing.Value: 1 while the 10% change is live
    served = None  # multiprocessing.Value: requests answered with a page

    def do_GET(self) -> None:  # noqa: N802
        m = re.fullmatch(r"/vendor-(\d+)/privacy", self.path)
        i = int(m.group(1)) if m else 0
        if not 1 <= i <= len(self.pages):
            self._send(404, b"not found", "text/plain")
            return
        nonce = secrets.token_urlsafe(18).encode()  # 24 characters, new on every request
        changed = bool(self.mode.value) and i in self.changed_ids
        self._send(200, self.pages[i - 1].body(nonce, changed), "text/html; charset=utf-8")
        with self.served.get_lock():
            self.served.value += 1

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # like pages carrying a CSRF token: no ETag either
        self._headers_buffer.append(b"\r\n" + body)  # headers and body in one write
        self.flush_headers()

    def log_message(self, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512


def _serve(n: int, seed: int, changed_ids: frozenset[int], mode, served, ready) -> None:  # noqa: ANN001
    _Handler.pages = [build_page(i, seed) for i in range(1, n + 1)]
    _Handler.changed_ids, _Handler.mode, _Handler.served = changed_ids, mode, served
    server = _Server(("127.0.0.1", 0), _Handler)
    sizes = [p.size for p in _Handler.pages]
    ready.send((server.server_address[1], sizes))
    server.serve_forever(poll_interval=0.2)


@dataclass
class LoopbackSite:
    n: int
    seed: int
    changed_ids: frozenset[int]
    port: int = 0
    sizes: list[int] = field(default_factory=list)

    def __enter__(self) -> LoopbackSite:
        ctx = multiprocessing.get_context("fork")
        self._mode, self._served = ctx.Value("b", 0), ctx.Value("q", 0)
        receive, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_serve, daemon=True,
                                 args=(self.n, self.seed, self.changed_ids, self._mode, self._served, send))
        self._proc.start()
        if not receive.poll(300):
            raise RuntimeError("the loopback server did not start within 300 s")
        self.port, self.sizes = receive.recv()
        return self

    def __exit__(self, *exc: object) -> None:
        self._proc.terminate()
        self._proc.join(10)

    def url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.port}/{vendor_id(i)}/privacy"

    def set_changed(self, on: bool) -> None:
        self._mode.value = 1 if on else 0

    @property
    def served(self) -> int:
        return self._served.value


def changed_set(n: int, seed: int) -> frozenset[int]:
    return frozenset(random.Random(seed).sample(range(1, n + 1), max(1, round(n * CHANGED_SHARE))))


# ---------------------------------------------------------------------------------------------------
# Child processes: wall time and peak RSS.


@dataclass
class ChildRun:
    seconds: float
    exit_code: int
    max_rss_kib: int
    cpu_seconds: float  # user + system time of the child (and of children it waited for)
    stdout: str
    stderr: str
    timed_out: bool = False


def run_child(cmd: list[str], env: dict[str, str], cwd: Path, timeout: float) -> ChildRun:
    """Run `cmd`, reaping it with os.wait4 for its own ru_maxrss (KiB on Linux)."""
    out = tempfile.TemporaryFile(dir=cwd)
    err = tempfile.TemporaryFile(dir=cwd)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=cwd)
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not try to reap it again
    out.seek(0)
    err.seek(0)
    return ChildRun(seconds, proc.returncode, usage.ru_maxrss, usage.ru_utime + usage.ru_stime,
                    out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                    timed_out=proc.returncode == -9)


def error_line(run: ChildRun) -> str:
    """The line of a child's stderr that says what went wrong (not a whole traceback)."""
    if run.timed_out:
        return "killed at the time limit"
    lines = [x.strip() for x in (run.stderr or run.stdout).splitlines() if x.strip()]
    for line in lines:
        if line.startswith("Error:"):
            return line[:300]
    return lines[-1][:300] if lines else "(no output)"


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}  # loopback, never via a proxy
    env.update(NO_PROXY="*", no_proxy="*", **extra)
    return env


def child_timeout(n: int) -> float:
    return 120 + 0.5 * n


@dataclass
class Row:
    tool: str
    phase: str
    n: int
    run: ChildRun | None
    counts: dict[str, int]
    served: int
    note: str = ""
    inner_seconds: float | None = None  # the tool's own account of the run, without start-up

    @property
    def rate(self) -> float:
        return self.n / self.run.seconds if self.run else 0.0


# ---------------------------------------------------------------------------------------------------
# policy-monitor


class PolicyMonitor:
    name = "policy-monitor"

    def __init__(self, python: str, workdir: Path, concurrency: int) -> None:
        self.python, self.workdir, self.concurrency = python, workdir, concurrency
        self.settings_extra = {"concurrency": concurrency, "per_host": concurrency}

    def write_watchlist(self, site: LoopbackSite, n: int, tag: str) -> tuple[Path, Path]:
        db = self.workdir / f"pm-{tag}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        lines = ["[settings]", f"database = {json.dumps(str(db))}"]
        lines += [f"{k} = {v}" for k, v in self.settings_extra.items()]
        for i in range(1, n + 1):
            vid = vendor_id(i)
            lines += ["", "[[vendors]]", f'id = "{vid}"', f'name = "Vendor {i:04d}"', "[[vendors.documents]]",
                      'id = "privacy"', 'kind = "privacy"', f'url = "{site.url(i)}"']
        path = self.workdir / f"pm-{tag}.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path, db

    def available(self) -> tuple[bool, str]:
        probe = subprocess.run([self.python, "-m", "monitor", "--help"], capture_output=True, text=True,
                               env=child_env(), timeout=60)
        return probe.returncode == 0 and " check " in probe.stdout, (probe.stderr or probe.stdout).strip()[-400:]

    def check(self, watchlist: Path, db: Path, n: int, phase: str, site: LoopbackSite) -> Row:
        cmd = [self.python, "-m", "monitor", "--watchlist", str(watchlist), "--db", str(db), "check", "--json"]
        before = site.served
        run = run_child(cmd, child_env(), self.workdir, child_timeout(n))
        if run.exit_code == 2 and "unknown key" in run.stderr and self.settings_extra:
            # An older CLI without [settings] concurrency / per_host: drop them and run again.
            print(f"  note: policy-monitor rejected {sorted(self.settings_extra)}; running with its defaults")
            self.settings_extra = {}
            text = "\n".join(line for line in watchlist.read_text().splitlines()
                             if not line.startswith(("concurrency =", "per_host =")))
            watchlist.write_text(text + "\n")
            return self.check(watchlist, db, n, phase, site)
        served = site.served - before
        try:
            report = json.loads(run.stdout)
            counts = {k: int(report["counts"].get(k, 0)) for k in ("new", "changed", "unchanged", "failed")}
            inner = report.get("seconds")
        except (ValueError, KeyError, TypeError):
            return Row(self.name, phase, n, run, {}, served,
                       note=f"exit {run.exit_code}, no JSON report: {error_line(run)}")
        note = "" if run.exit_code in (0, 3) else f"exit {run.exit_code} after a JSON report: {error_line(run)}"
        if counts["failed"]:
            errors = sorted({d.get("error") or "?" for d in report.get("documents", []) if d.get("outcome") == "failed"})
            print(f"  {counts['failed']} failed in {phase}; first errors: {errors[:3]}")
        return Row(self.name, phase, n, run, counts, served, note=note, inner_seconds=inner)


# ---------------------------------------------------------------------------------------------------
# urlwatch


class Urlwatch:
    name = "urlwatch"

    def __init__(self, workdir: Path, method: str) -> None:
        self.workdir, self.method = workdir, method
        self.bin = URLWATCH_VENV / "bin" / "urlwatch"
        self.home = workdir / "uw-home"  # urlwatch must not touch the real ~/.config or ~/.cache

    def ensure_installed(self) -> str:
        if not self.bin.exists():
            print(f"  creating {URLWATCH_VENV} and installing {', '.join(URLWATCH_PACKAGES)} from PyPI ...")
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(URLWATCH_VENV)], check=True)
            subprocess.run([str(URLWATCH_VENV / "bin" / "pip"), "install", "--quiet", *URLWATCH_PACKAGES], check=True)
        version = subprocess.run([str(self.bin), "--version"], capture_output=True, text=True, env=self._env())
        return version.stdout.strip()

    def _env(self) -> dict[str, str]:
        self.home.mkdir(parents=True, exist_ok=True)
        return child_env(HOME=str(self.home), XDG_CONFIG_HOME=str(self.home / ".config"),
                         XDG_CACHE_HOME=str(self.home / ".cache"), NO_COLOR="1", TERM="dumb")

    def write_files(self, site: LoopbackSite, n: int) -> list[str]:
        filt = "html2text" if self.method == "re" else [{"html2text": {"method": self.method}}]
        jobs = [json.dumps({"name": f"{vendor_id(i)}/privacy", "url": site.url(i), "filter": filt})
                for i in range(1, n + 1)]
        (self.workdir / "uw-urls.yaml").write_text("\n---\n".join(jobs) + "\n")  # JSON is YAML
        config = {"display": {"new": True, "error": True, "unchanged": True, "empty-diff": True},
                  "report": {"text": {"line_length": 75, "details": True, "footer": False, "minimal": False,
                                      "separate": False},
                             "stdout": {"enabled": True, "color": False}}}
        (self.workdir / "uw-config.yaml").write_text(json.dumps(config, indent=1) + "\n")
        (self.workdir / "uw-hooks.py").write_text("")
        (self.workdir / "uw-cache.db").unlink(missing_ok=True)
        return [str(self.bin), "--urls", str(self.workdir / "uw-urls.yaml"),
                "--config", str(self.workdir / "uw-config.yaml"), "--hooks", str(self.workdir / "uw-hooks.py"),
                "--cache", str(self.workdir / "uw-cache.db")]

    def check(self, cmd: list[str], n: int, phase: str, site: LoopbackSite) -> Row:
        before = site.served
        run = run_child(cmd, self._env(), self.workdir, child_timeout(n))
        served = site.served - before
        # With details on, each reported job has a header line "VERB: name ( url )" in the report.
        verbs = {v: 0 for v in ("NEW", "CHANGED", "UNCHANGED", "ERROR")}
        for line in run.stdout.splitlines():
            m = re.match(r"(NEW|CHANGED|UNCHANGED|ERROR): ", line)
            if m:
                verbs[m.group(1)] += 1
        counts = {"new": verbs["NEW"], "changed": verbs["CHANGED"], "unchanged": verbs["UNCHANGED"],
                  "failed": verbs["ERROR"]}
        note = "" if run.exit_code == 0 else f"exit {run.exit_code}: {error_line(run)}"
        return Row(self.name, phase, n, run, counts, served, note=note)


# ---------------------------------------------------------------------------------------------------
# Raw fetch reference: how fast the loopback server hands out pages to a plain async client.


async def _raw_fetch(urls: list[str], concurrency: int) -> tuple[float, int, int]:
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    ok = size = 0
    slots = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(limits=limits, trust_env=False, timeout=30) as client:

        async def one(url: str) -> None:
            nonlocal ok, size
            async with slots:
                response = await client.get(url)
            ok += response.status_code == 200
            size += len(response.content)

        started = time.perf_counter()
        await asyncio.gather(*(one(u) for u in urls))
        return time.perf_counter() - started, ok, size


def _plain_fetch(site: LoopbackSite, n: int, concurrency: int) -> tuple[float, int, int]:
    """Blocking http.client on `concurrency` threads: next to no client work, so this is the server's pace."""
    import http.client

    totals = [0, 0]
    lock = threading.Lock()

    def worker(ids: range) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=30)
        for i in ids:
            conn.request("GET", f"/{vendor_id(i)}/privacy")
            response = conn.getresponse()
            body = response.read()
            with lock:
                totals[0] += response.status == 200
                totals[1] += len(body)
        conn.close()

    threads = [threading.Thread(target=worker, args=(range(1 + k, n + 1, concurrency),)) for k in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, totals[0], totals[1]


def raw_fetch_lines(site: LoopbackSite, n: int, concurrency: int) -> list[str]:
    def line(label: str, seconds: float, ok: int, size: int) -> str:
        return (f"  {label:<38} {n} pages, {ok} OK, {size / MIB:.1f} MiB in {seconds:.2f} s = "
                f"{n / seconds:.0f} docs/s")

    lines = ["raw fetch reference (in the driver, fetch only, no processing):",
             line(f"http.client, {concurrency} threads (server pace)", *_plain_fetch(site, n, concurrency))]
    try:
        urls = [site.url(i) for i in range(1, n + 1)]
        lines.append(line(f"httpx.AsyncClient, {concurrency} connections", *asyncio.run(_raw_fetch(urls, concurrency))))
    except ImportError:
        lines.append("  httpx.AsyncClient: skipped (httpx is not importable by this interpreter)")
    return lines


# ---------------------------------------------------------------------------------------------------
# Report


def expected(phase: str, n: int, n_changed: int) -> str:
    return {"first": f"{n} new", "unchanged": "0 changed", "changed": f"{n_changed} changed"}[phase]


def print_table(rows: list[Row], n: int, n_changed: int) -> None:
    header = (f"{'tool':<15} {'run':<10} {'wall s':>7} {'docs/s':>7} {'in-run s':>8} {'CPU s':>6} {'new':>5} {'chg':>5} "
              f"{'unch':>5} {'fail':>5} {'GETs':>5} {'RSS MiB':>8}  expected")
    print(header)
    print("-" * len(header))
    for r in rows:
        if r.run is None or not r.counts:
            print(f"{r.tool:<15} {r.phase:<10} {r.note}")
            continue
        c = r.counts
        inner = f"{r.inner_seconds:8.2f}" if r.inner_seconds is not None else f"{'-':>8}"
        print(f"{r.tool:<15} {r.phase:<10} {r.run.seconds:7.2f} {r.rate:7.1f} {inner} {r.run.cpu_seconds:6.2f} "
              f"{c.get('new', '-'):>5} "
              f"{c.get('changed', '-'):>5} {c.get('unchanged', '-'):>5} {c.get('failed', '-'):>5} {r.served:>5} "
              f"{r.run.max_rss_kib / 1024:8.1f}  {expected(r.phase, n, n_changed)}")
        if r.note:
            print(f"    ! {r.note}")


def print_summary(rows: list[Row]) -> None:
    by = {(r.tool, r.phase): r for r in rows}
    lines = []
    for phase in PHASES:
        pm, uw = by.get(("policy-monitor", phase)), by.get(("urlwatch", phase))
        if pm and uw and pm.counts and uw.counts:
            lines.append(f"  {phase:<10} policy-monitor / urlwatch throughput: {pm.rate / uw.rate:5.2f}x "
                         f"({pm.rate:.1f} vs {uw.rate:.1f} docs/s)")
    if lines:
        print("\nthroughput ratio (wall clock, start-up included):")
        print("\n".join(lines))
    print("\nfalse changes on the unchanged run:")
    for tool in ("policy-monitor", "urlwatch"):
        r = by.get((tool, "unchanged"))
        if r and r.counts:
            print(f"  {tool:<15} {r.counts['changed']} of {r.n}")


# ---------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=500, help="number of vendor pages (default 500)")
    p.add_argument("--concurrency", type=int, default=10,
                   help="documents in flight for policy-monitor, as [settings] concurrency and per_host "
                        "(default 10, urlwatch's fixed worker count)")
    p.add_argument("--no-urlwatch", action="store_true", help="measure policy-monitor only")
    p.add_argument("--urlwatch-method", default="re",
                   help="html2text method for urlwatch: re (its default), pyhtml2text, bs4, ... (default re)")
    p.add_argument("--memory-sweep", default="",
                   help="comma-separated N values: policy-monitor's first run at each, for peak RSS (e.g. 100,500,1000)")
    p.add_argument("--seed", type=int, default=20240601, help="page generator seed")
    p.add_argument("--python", default=sys.executable, help="interpreter that has policy-monitor installed")
    p.add_argument("--repeat", type=int, default=1,
                   help="rounds of the three runs, each from scratch; the table shows the median round (default 1)")
    p.add_argument("--keep", action="store_true", help="keep the work directory (databases, reports) for inspection")
    p.add_argument("--latency", type=float, default=None, metavar="S",
                   help="latency mode (bench/latency_mode.py): every response waits S seconds, pages served from "
                        "--hosts loopback addresses, policy-monitor with its shipped defaults")
    p.add_argument("--hosts", type=int, default=100, help="latency mode: number of loopback hosts (default 100)")
    p.add_argument("--scale", default="",
                   help="latency mode, policy-monitor only: comma-separated N values on N/10 hosts each, first and "
                        "unchanged runs, wall time and peak RSS (e.g. 1000,3000,10000)")
    args = p.parse_args(argv)
    args.sweep = sorted({int(x) for x in args.memory_sweep.split(",") if x.strip()})
    args.scale = sorted({int(x) for x in args.scale.split(",") if x.strip()})
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    if args.scale and args.latency is None:
        p.error("--scale needs --latency")
    top = 10_000 if args.latency is not None else 9999
    if args.n < 1 or any(x < 1 for x in args.sweep + args.scale) or max([args.n, *args.sweep, *args.scale]) > top:
        p.error(f"N must be between 1 and {top}")
    if not 1 <= args.hosts <= 2000:
        p.error("--hosts must be between 1 and 2000")
    return args


def run_round(pm: PolicyMonitor, uw: Urlwatch | None, site: LoopbackSite, n: int, pm_ok: bool, round_no: int) -> list[Row]:
    """The three runs, each tool in turn on the same server state, from an empty database and cache."""
    rows = []
    watchlist, db = pm.write_watchlist(site, n, f"main-{round_no}")
    uw_cmd = uw.write_files(site, n) if uw else None
    for phase in PHASES:
        site.set_changed(phase == "changed")
        if pm_ok:
            rows.append(pm.check(watchlist, db, n, phase, site))
            print(f"  done: policy-monitor {phase}")
        else:
            rows.append(Row(pm.name, phase, n, None, {}, 0, note="not available"))
        if uw_cmd:
            rows.append(uw.check(uw_cmd, n, phase, site))
            print(f"  done: urlwatch {phase}")
    site.set_changed(False)
    return rows


def median_rows(rows: list[Row]) -> list[Row]:
    """Per tool and run, the round with the median wall time; prints every round's wall time."""
    chosen = []
    print("wall seconds of each round:")
    for key in dict.fromkeys((r.tool, r.phase) for r in rows):
        same = [r for r in rows if (r.tool, r.phase) == key]
        timed = sorted((r for r in same if r.counts), key=lambda r: r.run.seconds)
        print(f"  {key[0]:<15} {key[1]:<10} " + "  ".join(f"{r.run.seconds:6.2f}" if r.counts else "  fail" for r in same))
        chosen.append(timed[(len(timed) - 1) // 2] if timed else same[0])
    print("the table shows the median round\n")
    return chosen


def load_line() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.latency is not None:
        import latency_mode  # bench/, next to this script

        return latency_mode.main(args)
    WORK.mkdir(exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="throughput-", dir=WORK))
    n = args.n
    n_pages = max([n, *args.sweep])
    changed_ids = changed_set(n, args.seed)
    pm = PolicyMonitor(args.python, workdir, args.concurrency)
    uw = None if args.no_urlwatch else Urlwatch(workdir, args.urlwatch_method)

    print(f"check_throughput: N={n}, concurrency={args.concurrency}, seed={args.seed}, "
          f"{len(changed_ids)} pages change in the 'changed' run; work dir {workdir}")
    print(f"before: {load_line()}" + ("  (other work is running: figures will be noisy)" if os.getloadavg()[0] > 0.7 else ""))
    if uw is not None:
        print(f"urlwatch: {uw.ensure_installed()} (venv {URLWATCH_VENV}), filter html2text method={args.urlwatch_method}, "
              "10 worker threads (fixed in urlwatch)")
    ok, why = pm.available()
    if not ok:
        print(f"policy-monitor: `{args.python} -m monitor check --json` is not available yet: {why}")
    rows: list[Row] = []
    started = time.perf_counter()
    try:
        with LoopbackSite(n_pages, args.seed, changed_ids) as site:
            sizes = site.sizes[:n]
            print(f"pages: {n} generated in {time.perf_counter() - started:.1f} s, size min/median/max "
                  f"{min(sizes) / 1024:.1f}/{statistics.median(sizes) / 1024:.1f}/{max(sizes) / 1024:.1f} KiB, "
                  f"total {sum(sizes) / MIB:.1f} MiB; server on 127.0.0.1:{site.port}")
            print("\n".join(raw_fetch_lines(site, n, args.concurrency)))
            print()
            for round_no in range(1, args.repeat + 1):
                if args.repeat > 1:
                    print(f"round {round_no} of {args.repeat} (fresh database and cache)")
                rows += run_round(pm, uw, site, n, ok, round_no)
            print()
            rows = median_rows(rows) if args.repeat > 1 else rows
            print_table(rows, n, len(changed_ids))
            print_summary(rows)
            if ok and args.sweep:
                print("\nmemory sweep: policy-monitor first run (empty database), peak RSS of the child")
                for k in args.sweep:
                    wl, sdb = pm.write_watchlist(site, k, f"sweep-{k}")
                    row = pm.check(wl, sdb, k, "first", site)
                    if row.run is None or not row.counts:
                        print(f"  N={k:>5}: {row.note}")
                        continue
                    print(f"  N={k:>5}: {row.run.max_rss_kib / 1024:7.1f} MiB peak RSS, {row.run.seconds:6.2f} s wall "
                          f"({row.inner_seconds:.2f} s in-run), "
                          f"{row.rate:6.1f} docs/s, new={row.counts['new']} failed={row.counts['failed']}"
                          + (f"  ! {row.note}" if row.note else ""))
    finally:
        if args.keep:
            print(f"\nwork directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"\nafter: {load_line()}; total bench time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
