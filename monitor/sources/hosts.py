"""Politeness per host: never more than `per_host` requests in flight to one host, and, where
configured, a pause between the starts of two requests to it. Knows nothing of HTTP.

Two pieces:

- `HostLimiter`, the guarantee. `async with limiter.slot(host):` around every request. Another gate
  (`HostGate`: anything with an async context manager per host, e.g. one shared by several workers
  through PostgreSQL) can be chained behind it with `outer=`: a request then holds both.
- `run_by_host`, the schedule. Documents are handed out in per-host lanes, so that a run with a global
  bound of K documents in flight keeps K requests busy instead of queueing them behind one slow host,
  and each lane reuses its keep-alive connection. It is an optimisation: the limiter still holds.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Protocol, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")


class HostGate(Protocol):
    """Admission to one host. `slot(host)` is held for the whole request."""

    def slot(self, host: str) -> AbstractAsyncContextManager[None]: ...


@dataclass
class _HostState:
    semaphore: asyncio.Semaphore
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = float("-inf")  # clock time before which no new request to this host may start


class HostLimiter:
    """At most `per_host` requests in flight to one host, and `delay` seconds between their starts.

    Example:
        limiter = HostLimiter(per_host=2, delay=1.0)
        async with limiter.slot("www.example.com"):
            await client.get(url)
    """

    def __init__(
        self,
        per_host: int,
        delay: float = 0.0,
        outer: HostGate | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if per_host < 1:
            raise ValueError("per_host must be at least 1")
        self.per_host, self.delay, self.outer = per_host, delay, outer
        self._clock, self._sleep = clock, sleep
        self._hosts: dict[str, _HostState] = defaultdict(lambda: _HostState(asyncio.Semaphore(per_host)))

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        state = self._hosts[host]
        async with state.semaphore:
            if self.delay > 0:
                await self._wait_turn(state)
            if self.outer is None:
                yield
            else:
                async with self.outer.slot(host):
                    yield

    async def _wait_turn(self, state: _HostState) -> None:
        # One waiter at a time per host, and the next turn counted from the real start: a late wake-up
        # (a loaded machine) never lets the following request start sooner than `delay` after it.
        async with state.turn:
            wait = state.next_start - self._clock()
            if wait > 0:
                await self._sleep(wait)
            state.next_start = self._clock() + self.delay


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def host_lanes(items: Iterable[T], host: Callable[[T], str], per_host: int) -> list[list[T]]:
    """Items split into at most `per_host` lanes per host, longest lanes first.

    Longest first: a host with many documents starts at once instead of finishing the run alone.
    """
    by_host: dict[str, list[T]] = defaultdict(list)
    for item in items:
        by_host[host(item)].append(item)
    lanes: list[list[T]] = []
    for group in by_host.values():
        count = min(per_host, len(group))
        lanes.extend(group[k::count] for k in range(count))
    lanes.sort(key=len, reverse=True)  # stable: watchlist order among equals
    return lanes


async def run_by_host(
    items: Iterable[T],
    host: Callable[[T], str],
    per_host: int,
    concurrency: int,
    work: Callable[[T], Awaitable[None]],
) -> None:
    """`work(item)` for every item: at most `concurrency` at once, at most `per_host` per host at once.

    `concurrency` runners take whole lanes and work through each one item after the other: items in
    flight (and so pages in memory) stay at `concurrency`, no runner waits on a busy host, and the
    bookkeeping is one task per runner, not one per item or lane.
    """
    await run_lanes(host_lanes(items, host, per_host), concurrency, work)


async def run_lanes(lanes: Iterable[list[T]], concurrency: int, work: Callable[[T], Awaitable[None]]) -> None:
    """`work(item)` for every item of `lanes` (host_lanes), at most `concurrency` lanes at once, each
    lane's items one after the other, lanes taken in order."""
    lanes = deque(lanes)

    async def runner() -> None:
        while lanes:
            for item in lanes.popleft():
                await work(item)

    await asyncio.gather(*(runner() for _ in range(min(concurrency, len(lanes)))))
