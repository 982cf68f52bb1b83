"""Save Page Now: ask the Internet Archive to capture a page now, as evidence of a change. Never raises:
evidence is optional, so a failure is logged and a check run's outcome does not depend on it.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

from monitor.config import ArchiveConfig, Settings
from monitor.errors import ArchiveError
from monitor.sources.http import build_client, origin, parse_retry_after, read_body
from monitor.sources.ratelimit import Clock, RateLimiter, Sleep

# The logger of the module this came from: the operators' log filters keep working.
log = logging.getLogger("monitor.sources.archive")

# Save Page Now refuses anonymous clients beyond about 15 captures a minute; stay well under it.
SAVE_PER_MINUTE = 6.0


@dataclass
class SavePageNow:
    """Asks the Internet Archive to capture a page now (evidence of a change). Never raises.

        async with SavePageNow(watchlist.archive, watchlist.settings) as spn:
            await spn.request_capture(url)   # the new capture's URL, or None (logged)
    """

    config: ArchiveConfig
    settings: Settings
    transport: httpx.AsyncBaseTransport | None = None
    clock: Clock = time.monotonic
    sleep: Sleep = asyncio.sleep
    requests: Counter[str] = field(default_factory=Counter)
    _client: httpx.AsyncClient | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.limit = RateLimiter(SAVE_PER_MINUTE, self.clock, self.sleep)

    async def __aenter__(self) -> SavePageNow:
        self._client = build_client(timeout=self.settings.timeout, user_agent=self.settings.user_agent,
                                    transport=self.transport)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def request_capture(self, url: str) -> str | None:
        """The archive URL of a fresh capture of `url`, or None when it could not be had (logged)."""
        if self.config.kind != "wayback":
            log.info("not asking for a capture of %s: Save Page Now is an Internet Archive service", url)
            return None
        try:
            return await self._save(url)
        except Exception as exc:  # evidence is optional: nothing about it may fail a check run
            log.warning("Save Page Now failed for %s: %s", url, exc)
            return None

    async def _save(self, url: str) -> str | None:
        assert self._client is not None, "use SavePageNow as an async context manager"
        await self.limit.wait()
        self.requests["save"] += 1
        async with self._client.stream("GET", origin(self.config.url) + "/save/" + url) as response:
            await read_body(response, self.settings.max_bytes, ArchiveError)  # bounded, and then ignored
        if response.status_code == 429:
            wait = parse_retry_after(response.headers.get("Retry-After")) or 60.0
            self.limit.pause(wait)  # the next change waits its turn instead of being refused too
            log.warning("Save Page Now refused %s (HTTP 429, too many requests); pausing %.0fs", url, wait)
            return None
        if response.status_code >= 400:
            log.warning("Save Page Now answered HTTP %d for %s", response.status_code, url)
            return None
        found = saved_capture_url(response.headers, origin(self.config.url))
        if found is None:
            log.warning("Save Page Now accepted %s but named no capture", url)
        return found


async def request_captures(config: ArchiveConfig, settings: Settings, urls: list[str],
                           **options) -> dict[str, str | None]:  # noqa: ANN003 - transport, clock, sleep
    """Save Page Now for each URL in turn (rate-limited); {url: capture URL or None}. Never raises.

    What `check` calls after its documents are stored when `archive_on_change = true`: evidence of a
    change is optional, so a failure is logged and the run's outcome does not depend on it.
    """
    async with SavePageNow(config, settings, **options) as spn:
        return {url: await spn.request_capture(url) for url in urls}


def saved_capture_url(headers: httpx.Headers, origin: str) -> str | None:
    """Where Save Page Now put the capture: Content-Location, Location, or the memento Link."""
    for name in ("Content-Location", "Location"):
        value = headers.get(name, "")
        match = re.search(r"/web/\d{14}/\S+", value)
        if match:
            return origin + match.group(0)
    match = re.search(r"<([^>]*/web/\d{14}/[^>]*)>;\s*rel=\"[^\"]*memento", headers.get("Link", ""))
    return match.group(1) if match else None
