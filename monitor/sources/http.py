"""The one HTTP policy of every source (vendor sites, archives, Save Page Now): the client builder, the
retry policy, the capped body reader and the rule for where a redirect may lead.

- `build_client`: timeouts, connection limits and headers explicit; redirects never followed by httpx,
  so each hop can be checked (`hop_allowed`) before a byte is sent to it.
- `read_body`: the raw body up to `limit` bytes, then inflated off the event loop, each layer of a
  stacked Content-Encoding (`gzip, gzip`) bounded to `limit` decoded bytes: a 10 KB body that inflates
  to 4 GiB stops at the cap without holding more than it.
- `RetryPolicy`: which waits are worth it (Retry-After first, else exponential backoff), and when to
  give up.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import socket
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

import httpx

# What we can inflate with a bound. brotli and zstd are not offered: the brotli bindings cannot cap
# their output, and a 50 KB brotli body can inflate to gigabytes in one call.
ACCEPT_ENCODING = "gzip, deflate"
# More layers than this is no real server's doing.
MAX_CODINGS = 2
_CHUNK = 64 * 1024
# A Location longer than this is a broken or hostile server (browsers stop near 2 MB, httpx at 64 KB).
MAX_LOCATION = 16 * 1024


def build_client(
    *,
    timeout: float,
    user_agent: str,
    max_connections: int | None = None,
    max_keepalive_connections: int | None = None,
    accept: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """An AsyncClient for one source; every parameter explicit, redirects off (see `hop_allowed`)."""
    headers = {"User-Agent": user_agent, "Accept-Encoding": ACCEPT_ENCODING}
    if accept:
        headers["Accept"] = accept
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        headers=headers,
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_keepalive_connections),
        transport=transport,
    )


# --- the body -------------------------------------------------------------------------------------


class BodyTooLarge(Exception):
    """Over the cap: the caller turns it into its own error (FetchError, ArchiveError)."""


async def read_body(response: httpx.Response, limit: int, error: type[Exception]) -> bytes:
    """The decoded body, or `error` as soon as it is known to be over `limit` bytes (raw or decoded)."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise error(f"{response.url} is {int(declared)} bytes, over the {limit}-byte cap (settings.max_bytes)")
    if response.is_stream_consumed:  # built in memory (a test transport): httpx decoded it already
        if len(response.content) > limit:
            raise error(f"{response.url} sent more than {limit} bytes (settings.max_bytes)")
        return response.content
    codings = content_codings(response.headers.get("Content-Encoding", ""))
    if codings is None:
        raise error(f"{response.url} uses Content-Encoding {response.headers.get('Content-Encoding')!r}, "
                    f"which is not one of {ACCEPT_ENCODING} (at most {MAX_CODINGS} stacked)")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_raw():
        size += len(chunk)
        if size > limit:
            raise error(f"{response.url} sent more than {limit} bytes (settings.max_bytes)")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not codings:
        return raw
    try:
        return await asyncio.to_thread(inflate, raw, codings, limit)  # off the event loop
    except BodyTooLarge:
        raise error(f"{response.url} inflates to more than {limit} bytes (settings.max_bytes)") from None
    except zlib.error as exc:
        raise error(f"{response.url} sent a corrupt {', '.join(codings)} body ({exc})") from None


def content_codings(header: str) -> list[str] | None:
    """'gzip, gzip' → ['gzip', 'gzip'] (in the order applied); None when one cannot be inflated safely."""
    codings = [c.strip().lower() for c in header.split(",") if c.strip() and c.strip().lower() != "identity"]
    if len(codings) > MAX_CODINGS or any(c not in ("gzip", "x-gzip", "deflate") for c in codings):
        return None
    return codings


def inflate(data: bytes, codings: Iterable[str], limit: int) -> bytes:
    """Undo each coding, last applied first; BodyTooLarge as soon as a layer passes `limit` bytes."""
    for coding in reversed(list(codings)):
        data = _inflate_one(data, coding, limit)
    return data


def _inflate_one(data: bytes, coding: str, limit: int) -> bytes:
    if coding == "deflate" and data[:1] and (data[0] & 0x0F) != 8:
        wbits = -zlib.MAX_WBITS  # raw deflate, as some servers send it
    else:
        wbits = zlib.MAX_WBITS | (16 if coding != "deflate" else 0)
    out: list[bytes] = []
    size = 0
    pending = data
    while pending:
        decompressor = zlib.decompressobj(wbits)
        piece = decompressor.decompress(pending, _CHUNK)
        while True:
            size += len(piece)
            if size > limit:
                raise BodyTooLarge
            out.append(piece)
            tail = decompressor.unconsumed_tail
            # A full piece with no input left may still have output buffered in zlib: ask again.
            if decompressor.eof or (not tail and len(piece) < _CHUNK):
                break
            piece = decompressor.decompress(tail, _CHUNK)
            if not piece and decompressor.unconsumed_tail == tail:
                break  # no progress: a cut body ends here
        # gzip allows members back to back; whatever follows the last member is ignored, like curl.
        pending = decompressor.unused_data if coding != "deflate" and decompressor.eof else b""
        if pending and not pending.startswith(b"\x1f\x8b"):
            pending = b""
    return b"".join(out)


# --- redirects --------------------------------------------------------------------------------------


def address_kind(address: str) -> str:
    """'public', 'loopback', 'private', 'link-local' or 'reserved' (unspecified, multicast, ...)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved:
        return "reserved"
    if ip.is_global:
        return "public"
    return "private" if ip.is_private else "reserved"


def hop_allowed(watched: set[str], hop: set[str]) -> bool:
    """A redirect may lead to public addresses, and to a non-public kind only where the watched URL
    itself is (a policy served from the intranet may redirect within it; a public one never into it)."""
    return all(kind == "public" or kind in watched for kind in hop)


async def address_kinds(url: str) -> set[str]:
    """The kinds of every address the URL's host resolves to; empty when it does not resolve (the
    connection then fails on its own)."""
    parts = httpx.URL(url)
    host = parts.host
    try:
        return {address_kind(host)}
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, parts.port or 80, type=socket.SOCK_STREAM)
    except OSError:
        return set()
    return {address_kind(info[4][0]) for info in infos}


def next_hop(response: httpx.Response) -> str | None:
    """The absolute URL a 3xx points to; None without a usable Location. ValueError when it is too
    long or not a URL: a broken answer, worth another try."""
    location = response.headers.get("Location")
    if not location:
        return None
    if len(location) > MAX_LOCATION:
        raise ValueError(f"a Location header of {len(location):,} characters")
    try:
        target = response.url.join(location)
    except httpx.InvalidURL as exc:
        raise ValueError(f"an unreadable Location ({exc})") from None
    return str(target)


def origin(url: str) -> str:
    """'https://web.archive.org/web' → 'https://web.archive.org'."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# --- retries ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait before attempt n+1, or None to give up (settings.retries, retry_backoff,
    max_retry_wait). Retry-After is honoured when the server sends one."""

    retries: int
    backoff: float
    max_wait: float

    @classmethod
    def of(cls, settings: object) -> RetryPolicy:
        return cls(settings.retries, settings.retry_backoff, settings.max_retry_wait)  # type: ignore[attr-defined]

    def wait(self, attempt: int, retry_after: float | None = None) -> float:
        return retry_after if retry_after is not None else self.backoff * (2 ** (attempt - 1))

    def gives_up(self, attempt: int, wait: float) -> bool:
        return attempt > self.retries or wait > self.max_wait


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
