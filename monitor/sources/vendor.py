"""Vendor pages over HTTP: conditional GET, retries, redirects checked hop by hop, the size cap, and a
bound on requests per host (the policy itself is http.py's). Knows nothing of storage or parsing.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from monitor.config import Settings
from monitor.errors import FetchError
from monitor.sources.budget import ByteBudget, Hold, body_reservation
from monitor.sources.hostpool import HostPoolTransport
from monitor.sources.hosts import HostGate, HostLimiter, host_of

from monitor.sources.http import (
    RetryPolicy,
    address_kinds,
    build_client,
    hop_allowed,
    next_hop,
    parse_retry_after,  # noqa: F401 - part of this module's interface since the first release
    read_body,
)

MAX_REDIRECTS = 10
# Statuses worth another attempt within the same run; everything else 4xx is final.
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchResult:
    url: str  # final URL, after redirects
    status: int
    body: bytes
    content_type: str | None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False  # a 304 answer to a conditional GET
    attempts: int = 1
    elapsed: float = 0.0


@dataclass
class Fetcher:
    """Async fetcher shared by one run. Use as `async with Fetcher(settings) as f: await f.fetch(url)`."""

    settings: Settings
    transport: httpx.AsyncBaseTransport | None = None  # injectable for unit tests
    host_gate: HostGate | None = None  # a second gate per host, e.g. shared by several workers
    _client: httpx.AsyncClient | None = field(default=None, init=False)
    _hosts: HostLimiter | None = field(default=None, init=False)
    budget: ByteBudget | None = field(default=None, init=False)  # page bodies held at once (budget.py)

    async def __aenter__(self) -> Fetcher:
        s = self.settings
        self._client = build_client(
            timeout=s.timeout,
            user_agent=s.user_agent,
            accept="text/html,text/plain,text/markdown;q=0.9,*/*;q=0.5",
            max_connections=s.concurrency,
            max_keepalive_connections=s.concurrency,
            # One small pool per host (hostpool.py): connections reused by each host's lane, and no
            # scan of every pooled connection on every request.
            transport=self.transport or HostPoolTransport(per_host=s.per_host, max_hosts=s.concurrency),
        )
        self._hosts = HostLimiter(s.per_host, s.per_host_delay, outer=self.host_gate)
        self.budget = ByteBudget(s.memory_budget)
        return self

    def hold(self) -> Hold:
        """A document's share of the byte budget: pass it to `fetch`, release it once the page is stored."""
        return Hold(self.budget)

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None,
                    hold: Hold | None = None) -> FetchResult:
        """GET `url`, retrying transient failures with exponential backoff; raises FetchError.

        With `hold`, the body is read only once the byte budget has room for it, and stays counted
        in the hold (until `hold.release()`)."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        policy = RetryPolicy.of(self.settings)
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                result = await self._get_following(url, headers, hold)
            except _Retryable as exc:
                wait = policy.wait(attempt, exc.retry_after)
                if policy.gives_up(attempt, wait):
                    raise FetchError(exc.message, status=exc.status) from None
                await asyncio.sleep(wait)
                continue
            return FetchResult(**{**result.__dict__, "attempts": attempt, "elapsed": time.monotonic() - started})

    async def _get_following(self, url: str, headers: dict[str, str], hold: Hold | None = None) -> FetchResult:
        """Follow redirects one hop at a time, each checked before it is asked (see http.hop_allowed)."""
        watched: set[str] | None = None  # resolved only when a redirect needs it
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            answer = await self._get_once(current, headers, hold)
            if isinstance(answer, FetchResult):
                return answer
            target = answer
            if urlsplit(target).scheme not in ("http", "https"):
                raise FetchError(f"{current} redirects to {target[:200]!r}, which is not an http(s) URL")
            if watched is None:
                watched = await address_kinds(url)
            if not hop_allowed(watched, kinds := await address_kinds(target)):
                where = ", ".join(sorted(kinds - {"public"}))
                raise FetchError(f"{current} redirects to {target[:200]}, a {where} address: not followed",
                                 "a public page may not lead into this machine's or its network's services")
            current = target
        raise FetchError(f"more than {MAX_REDIRECTS} redirects from {url}")

    async def _get_once(self, url: str, headers: dict[str, str], hold: Hold | None = None) -> FetchResult | str:
        """The answer, or the URL a redirect points to."""
        assert self._client is not None and self._hosts is not None, "use Fetcher as an async context manager"
        async with self._hosts.slot(host_of(url)):
            try:
                async with self._client.stream("GET", url, headers=headers) as response:
                    if response.status_code in REDIRECT_STATUSES:
                        target = _redirect_target(response)
                        if target is not None:
                            return target
                    if response.status_code in RETRYABLE_STATUSES:
                        raise _Retryable(
                            f"HTTP {response.status_code} from {response.url}",
                            status=response.status_code,
                            retry_after=parse_retry_after(response.headers.get("Retry-After")),
                        )
                    if response.status_code >= 400:
                        raise FetchError(f"HTTP {response.status_code} from {response.url}", status=response.status_code)
                    body = b"" if response.status_code == 304 else await self._read_held(response, hold)
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                raise _Retryable(f"{_describe(exc)} fetching {url}") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"{_describe(exc)} fetching {url}") from None
        return FetchResult(
            url=str(response.url),
            status=response.status_code,
            body=body,
            content_type=response.headers.get("Content-Type"),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            not_modified=response.status_code == 304,
        )

    async def _read_capped(self, response: httpx.Response) -> bytes:
        return await read_body(response, self.settings.max_bytes, FetchError)

    async def _read_held(self, response: httpx.Response, hold: Hold | None) -> bytes:
        if hold is None:
            return await self._read_capped(response)
        await hold.reserve(body_reservation(response, self.settings.max_bytes))
        try:
            body = await self._read_capped(response)
        except BaseException:
            hold.release()
            raise
        hold.shrink(len(body))
        return body


def _redirect_target(response: httpx.Response) -> str | None:
    try:
        return next_hop(response)
    except ValueError as exc:  # a broken answer from an overloaded or misconfigured server: try again
        raise _Retryable(f"{response.url} answered HTTP {response.status_code} with {exc}",
                         status=response.status_code) from None


async def read_capped(response: httpx.Response, limit: int, error: type[Exception] = FetchError) -> bytes:
    """The body, decoded and capped (http.read_body); kept for callers of the first release."""
    return await read_body(response, limit, error)


class _Retryable(Exception):
    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after


def _describe(exc: httpx.HTTPError) -> str:
    name = {
        httpx.ConnectTimeout: "connection timed out",
        httpx.ReadTimeout: "read timed out",
        httpx.WriteTimeout: "write timed out",
        httpx.PoolTimeout: "timed out waiting for a connection",
        httpx.ConnectError: "could not connect",
        httpx.ReadError: "connection reset",
        httpx.RemoteProtocolError: "server broke the HTTP protocol",
    }.get(type(exc))
    detail = str(exc).strip()
    if name and detail:
        return f"{name} ({detail})"
    return name or detail or type(exc).__name__
