"""One rate limit per endpoint: requests evenly spaced, and everyone held back when the endpoint asks
for a pause (Retry-After). Shared by the archive's CDX and capture requests and by Save Page Now."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class RateLimiter:
    """At most `per_minute` requests a minute, evenly spaced; `pause` holds everyone back (Retry-After).

    The clock and sleep are injectable so tests check the spacing without waiting for it.
    """

    def __init__(self, per_minute: float, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        self.interval = 60.0 / per_minute
        self.clock, self.sleep = clock, sleep
        self._next = float("-inf")
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            delay = self._next - self.clock()
            if delay > 0:
                await self.sleep(delay)
            self._next = max(self._next, self.clock()) + self.interval

    def pause(self, seconds: float) -> None:
        self._next = max(self._next, self.clock() + seconds)
