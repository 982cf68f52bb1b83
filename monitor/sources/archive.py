"""Web archives over HTTP: list a URL's captures (CDX), fetch each one raw (`id_`) and check that it is
the memento asked for. (Asking for a new capture, Save Page Now, is savepage.py.)

    async with open_archive(watchlist.archive, watchlist.settings) as archive:
        for capture in await archive.list_captures("https://acme.example/privacy"):
            memento = await archive.fetch_capture(capture)   # CaptureSkipped: not the policy

waybackpy builds and parses the Internet Archive's CDX queries (cdx.py), but its requests are not used
here: it calls `requests` with no timeout (a stalled archive would hang the run for good), retries only
5xx and reads no Retry-After (a 429 ends its listing, and the Internet Archive blocks clients that keep
going after one), is synchronous (it would stall the event loop `check` runs on), and hard-codes
web.archive.org (no pywb archive, no loopback tests). So requests go through httpx with the project's
timeouts and size cap, one rate limit per endpoint, and 429/503 + Retry-After honoured for every
request to that endpoint, not just the one that was refused.

Errors (all ArchiveError): CaptureSkipped — this capture is not the policy (recorded, never retried);
ArchiveBlocked — the archive serves nothing of this site (one line, the document is done);
ArchiveRefused — still 429 after waiting: the run stops asking (the next backfill resumes);
any other ArchiveError — the archive failed now (not recorded: the next backfill tries again).
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

import httpx
from waybackpy.cdx_utils import check_for_blocked_site
from waybackpy.exceptions import BlockedSiteError

from monitor.sources import cdx
from monitor.sources.cdx import Capture
from monitor.config import ArchiveConfig, Settings
from monitor.errors import ArchiveError
from monitor.sources.http import RetryPolicy, build_client, origin, parse_retry_after, read_body
from monitor.sources.ratelimit import Clock, RateLimiter, Sleep

# Save Page Now lives in savepage.py; its names stay importable from here, as since the first release.
from monitor.sources.savepage import SAVE_PER_MINUTE, SavePageNow, request_captures, saved_capture_url  # noqa: F401

log = logging.getLogger("monitor.sources.archive")

# Archive overload answers worth waiting for (with Retry-After when they give one).
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
# What the Internet Archive says about a site it will not serve (CDX text or replay page).
BLOCKED_MARKERS = ("Blocked Site Error", "RobotAccessControlException", "AdministrativeAccessControlException",
                   "has been excluded from the Wayback Machine")


class CaptureSkipped(ArchiveError):
    """This capture is not the policy (a 404, a redirect, another page, the archive's own page)."""


class ArchiveBlocked(ArchiveError):
    """The archive serves nothing of this site (excluded by its owner or the archive)."""


class ArchiveRefused(ArchiveError):
    """The archive keeps answering 429: stop asking it anything for now (going on gets a client banned)."""


@dataclass(frozen=True)
class Memento:
    capture: Capture
    body: bytes
    content_type: str | None
    url: str  # the archive URL it came from


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: httpx.Headers
    body: bytes
    url: str

    @property
    def text(self) -> str:  # what waybackpy's check_for_blocked_site reads
        return self.body.decode("utf-8", "replace")


@dataclass
class Archive:
    """One archive, shared by one run. Subclasses speak its dialect; use as an async context manager."""

    config: ArchiveConfig
    settings: Settings
    transport: httpx.AsyncBaseTransport | None = None
    clock: Clock = time.monotonic
    sleep: Sleep = asyncio.sleep
    requests: Counter[str] = field(default_factory=Counter)  # by kind: cdx, capture, save, retry
    _client: httpx.AsyncClient | None = field(default=None, init=False)

    name = "archive"

    def __post_init__(self) -> None:
        self.cdx_limit = RateLimiter(self.config.cdx_per_minute, self.clock, self.sleep)
        self.capture_limit = RateLimiter(self.config.captures_per_minute, self.clock, self.sleep)
        self.base = self.config.url.rstrip("/")

    async def __aenter__(self) -> Archive:
        # Redirects stay off (the builder's default): a redirect is a finding about the capture.
        self._client = build_client(timeout=self.settings.timeout, user_agent=self.settings.user_agent,
                                    transport=self.transport)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()

    # --- listing ---------------------------------------------------------------------------------
    async def list_captures(self, url: str, since: date | datetime | None = None,
                            until: date | datetime | None = None) -> list[Capture]:
        """The URL's status-200 captures, oldest first, identical neighbours collapsed."""
        low, high = cdx.day_bounds(since, until)
        return cdx.collapse(await self._list(url, low, high), low, high)

    async def _list(self, url: str, low: str | None, high: str | None) -> list[Capture]:
        raise NotImplementedError

    async def _cdx(self, query: str, url: str) -> str:
        answer = await self._get(query, self.cdx_limit, "cdx")
        self._raise_if_blocked(answer, url)
        if answer.status != 200:
            raise ArchiveError(f"{self.name}'s CDX API answered HTTP {answer.status} for {url}",
                               "check [archive] url in the watchlist")
        return answer.text

    def _raise_if_blocked(self, answer: _Answer, url: str) -> None:
        pass

    # --- captures --------------------------------------------------------------------------------
    def replay_url(self, capture: Capture) -> str:
        return f"{self.base}/{capture.timestamp}id_/{capture.original}"

    async def fetch_capture(self, capture: Capture) -> Memento:
        """The capture's bytes as archived (`id_`: no rewriting), once they are checked to be it."""
        replay = self.replay_url(capture)
        answer = await self._get(replay, self.capture_limit, "capture")
        self._raise_if_blocked(answer, capture.original)
        check_memento(capture, answer.status, answer.headers, self.name)
        return Memento(capture, answer.body, answer.headers.get("Content-Type"), replay)

    # --- HTTP --------------------------------------------------------------------------------------
    async def _get(self, url: str, limiter: RateLimiter, kind: str) -> _Answer:
        """GET within the endpoint's rate; overload answers wait (Retry-After first) and try again."""
        assert self._client is not None, "use the archive as an async context manager"
        policy = RetryPolicy.of(self.settings)
        attempt = 0
        while True:
            attempt += 1
            await limiter.wait()
            self.requests[kind] += 1
            answer, problem = await self._get_once(url, CaptureSkipped if kind == "capture" else ArchiveError)
            if problem is None:
                return answer
            retry_after = parse_retry_after(answer.headers.get("Retry-After")) if answer is not None else None
            wait = policy.wait(attempt, retry_after)
            if policy.gives_up(attempt, wait):
                raise _give_up(problem, attempt, wait, self.settings, refused=answer is not None and answer.status == 429)
            self.requests["retry"] += 1
            log.info("%s; waiting %.1fs before trying again", problem, wait)
            limiter.pause(wait)  # every request to this endpoint waits, not just this one

    async def _get_once(self, url: str, too_large: type[ArchiveError]) -> tuple[_Answer | None, str | None]:
        # A capture over the cap (or a bomb) is a finding about that capture, skipped for good; a CDX
        # answer over it is the archive failing now.
        try:
            async with self._client.stream("GET", url) as response:
                body = await read_body(response, self.settings.max_bytes, too_large)
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            return None, f"{type(exc).__name__} from {self.name} for {url}"
        except httpx.HTTPError as exc:
            raise ArchiveError(f"{self.name}: {exc} for {url}") from None
        answer = _Answer(response.status_code, response.headers, body, url)
        # An archived 503 (replayed with its Memento-Datetime) is a finding; the archive's own is not.
        if answer.status in RETRYABLE_STATUSES and "Memento-Datetime" not in answer.headers:
            return answer, f"HTTP {answer.status} from {self.name} for {url}"
        return answer, None

class WaybackArchive(Archive):
    """The Internet Archive: CDX at <origin>/cdx/search/cdx, captures at <url>/<ts>id_/<original>."""

    name = "the Internet Archive"

    @property
    def cdx_endpoint(self) -> str:
        return origin(self.config.url) + "/cdx/search/cdx"

    async def _list(self, url: str, low: str | None, high: str | None) -> list[Capture]:
        captures: list[Capture] = []
        resume_key: str | None = None
        keys_seen: set[str] = set()
        while True:
            query = cdx.wayback_query(self.cdx_endpoint, url, low, high, resume_key, self.settings.user_agent)
            page = cdx.parse_wayback_page(await self._cdx(query, url))
            captures.extend(page.captures)
            if page.resume_key is None or page.resume_key in keys_seen:  # a repeated key would loop forever
                return captures
            keys_seen.add(resume_key := page.resume_key)

    def _raise_if_blocked(self, answer: _Answer, url: str) -> None:
        try:
            check_for_blocked_site(answer, url)  # type: ignore[arg-type] - it reads only `.text`
        except BlockedSiteError:
            raise ArchiveBlocked(*_blocked(url)) from None
        # waybackpy knows one wording; robots exclusions and the replay page say it otherwise.
        if answer.status in (403, 451) and any(marker in answer.text for marker in BLOCKED_MARKERS):
            raise ArchiveBlocked(*_blocked(url))


class PywbArchive(Archive):
    """A pywb collection: CDX at <url>/cdx (JSON lines), captures at <url>/<ts>id_/<original>."""

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"the archive at {self.base}"

    async def _list(self, url: str, low: str | None, high: str | None) -> list[Capture]:
        # No resume key in pywb: walk on from the second after the last timestamp seen.
        captures: dict[str, Capture] = {}
        start = low
        while True:
            query = cdx.pywb_query(self.base + "/cdx", url, start, high)
            page = cdx.parse_pywb_page(await self._cdx(query, url)).captures
            captures.update((c.timestamp, c) for c in page)
            if len(page) < cdx.PAGE_SIZE:
                return list(captures.values())
            start = cdx.next_second(max(c.timestamp for c in page))


def open_archive(config: ArchiveConfig, settings: Settings, **options) -> Archive:  # noqa: ANN003
    """The client for `[archive] kind`; options: transport, clock, sleep (tests)."""
    kind = WaybackArchive if config.kind == "wayback" else PywbArchive
    return kind(config, settings, **options)


def check_memento(capture: Capture, status: int, headers: httpx.Headers, archive: str = "the archive") -> None:
    """Raise CaptureSkipped unless this answer is the capture asked for, and the capture is a page.

    The memento must carry Memento-Datetime (the archive's own error and notice pages do not), for
    the very second asked (archives serve the nearest capture instead of a missing one), of the same
    URL, with no redirect, and its status must be 200.
    """
    if 300 <= status < 400:
        raise CaptureSkipped(f"redirect: the capture redirects to {headers.get('Location', '(no Location)')}")
    stamp = headers.get("Memento-Datetime")
    if stamp is None:
        what = "has no such capture" if status == 404 else f"answered HTTP {status} with a page of its own"
        raise CaptureSkipped(f"not a memento: {archive} {what}")
    served = _memento_timestamp(stamp)
    if served != capture.timestamp:
        raise CaptureSkipped(f"wrong memento: asked for {capture.timestamp}, {archive} served {served}")
    original = _link_original(headers.get("Link", ""))
    if original is not None and _same_page(original) != _same_page(capture.original):
        raise CaptureSkipped(f"another page: {archive} served a capture of {original}")
    if status != 200:
        raise CaptureSkipped(f"HTTP {status}: the site answered {status} when this was captured")


# --- helpers ------------------------------------------------------------------------------------------
def _give_up(problem: str, attempt: int, wait: float, settings: Settings, refused: bool) -> ArchiveError:
    if wait > settings.max_retry_wait:
        problem += f": it asks for a {wait:.0f}s wait, over settings.max_retry_wait ({settings.max_retry_wait:g}s)"
    else:
        problem += f" (gave up after {attempt} attempts)"
    if refused:
        return ArchiveRefused(problem, "the archive limits requests: run backfill again later (it resumes), "
                                       "or lower [archive] cdx_per_minute / captures_per_minute")
    return ArchiveError(problem, "the archive is busy or down: run backfill again later, it resumes")


def _blocked(url: str) -> tuple[str, str]:
    host = urlsplit(url).hostname or url
    return (f"{host} is excluded from the Internet Archive (blocked site): it serves no captures of {url}",
            "nothing to import from there; a pywb-based archive may have it ([archive] kind = \"pywb\")")


def _memento_timestamp(value: str) -> str:
    try:
        return cdx.timestamp_of(email.utils.parsedate_to_datetime(value))
    except (TypeError, ValueError):
        raise CaptureSkipped(f"not a memento: unreadable Memento-Datetime {value!r}") from None


def _link_original(link: str) -> str | None:
    match = re.search(r"<([^>]+)>\s*;\s*rel=\"?original\"?", link)
    return match.group(1) if match else None


def _same_page(url: str) -> str:
    """Archives store http/https and a trailing slash or not interchangeably: compare without them."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}?{parts.query}"
