"""One HTTP policy for every vendor request: timeouts, redirects, conditional GET, retries, size cap,
and a bound on requests per host. Knows nothing of storage or parsing.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

import httpx

from monitor.config import Settings
from monitor.errors import FetchError
from monitor.sources.hostpool import HostPoolTransport
from monitor.sources.hosts import HostGate, HostLimiter, host_of

MAX_REDIRECTS = 10
# Statuses worth another attempt within the same run; everything else 4xx is final.
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


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

    async def __aenter__(self) -> Fetcher:
        s = self.settings
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(s.timeout),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers={"User-Agent": s.user_agent, "Accept": "text/html,text/plain,text/markdown;q=0.9,*/*;q=0.5"},
            # One small pool per host (hostpool.py): connections reused by each host's lane, and no
            # scan of every pooled connection on every request.
            transport=self.transport or HostPoolTransport(per_host=s.per_host, max_hosts=s.concurrency),
        )
        self._hosts = HostLimiter(s.per_host, s.per_host_delay, outer=self.host_gate)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET `url`, retrying transient failures with exponential backoff; raises FetchError."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                result = await self._get_once(url, headers)
            except _Retryable as exc:
                wait = exc.retry_after if exc.retry_after is not None else self._backoff(attempt)
                if attempt > self.settings.retries or wait > self.settings.max_retry_wait:
                    raise FetchError(exc.message, status=exc.status) from None
                await asyncio.sleep(wait)
                continue
            return FetchResult(**{**result.__dict__, "attempts": attempt, "elapsed": time.monotonic() - started})

    def _backoff(self, attempt: int) -> float:
        return self.settings.retry_backoff * (2 ** (attempt - 1))

    async def _get_once(self, url: str, headers: dict[str, str]) -> FetchResult:
        assert self._client is not None and self._hosts is not None, "use Fetcher as an async context manager"
        async with self._hosts.slot(host_of(url)):
            try:
                async with self._client.stream("GET", url, headers=headers) as response:
                    if response.status_code in RETRYABLE_STATUSES:
                        raise _Retryable(
                            f"HTTP {response.status_code} from {response.url}",
                            status=response.status_code,
                            retry_after=parse_retry_after(response.headers.get("Retry-After")),
                        )
                    if response.status_code >= 400:
                        raise FetchError(f"HTTP {response.status_code} from {response.url}", status=response.status_code)
                    body = b"" if response.status_code == 304 else await self._read_capped(response)
            except httpx.TooManyRedirects:
                raise FetchError(f"more than {MAX_REDIRECTS} redirects from {url}") from None
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
        return await read_capped(response, self.settings.max_bytes, FetchError)


async def read_capped(response: httpx.Response, limit: int, error: type[Exception] = FetchError) -> bytes:
    """The body, or `error` as soon as it is known to be over `limit` bytes (an endless body included)."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise error(f"{response.url} is {int(declared)} bytes, over the {limit}-byte cap (settings.max_bytes)")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise error(f"{response.url} sent more than {limit} bytes (settings.max_bytes)")
        chunks.append(chunk)
    return b"".join(chunks)


class _Retryable(Exception):
    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds to wait: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


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
