"""A byte budget for page bodies in flight: what bounds a run's memory when `concurrency` pages of up
to `max_bytes` each could otherwise be held at once (128 x 10 MiB).

Each document takes a `Hold` on the run's `ByteBudget`. Before a body is read, the hold reserves
room for it: the declared Content-Length of an uncompressed answer, else `max_bytes` (a chunked or
compressed body can grow to the cap, and is inflated whole). Once read, the hold shrinks to the
body's real size and keeps it until the document is stored: its bytes are in memory until then.

No deadlock: a hold that needs more room first gives back all it has (the earlier body is gone), so
whoever waits holds nothing, and whoever holds bytes is reading or analysing a page and will finish.
Waiters are served in order, so a large page is not starved by small ones; and a page larger than the
whole budget proceeds alone, when nothing else is held.

Example:
    budget = ByteBudget(256 * 1024 * 1024)
    hold = Hold(budget)
    await hold.reserve(len_declared)   # waits for room
    body = ...; hold.shrink(len(body))
    ...
    hold.release()                     # the document is stored
"""

from __future__ import annotations

import asyncio
from collections import deque

import httpx


class ByteBudget:
    """At most `limit` bytes reserved at once, or one reservation of any size alone."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("the byte budget must be at least 1")
        self.limit = limit
        self.in_use = 0
        self.peak = 0  # the largest total reserved at once
        self._waiters: deque[tuple[int, asyncio.Future[None]]] = deque()

    def _fits(self, size: int) -> bool:
        return self.in_use == 0 or self.in_use + size <= self.limit

    def _take(self, size: int) -> None:
        self.in_use += size
        self.peak = max(self.peak, self.in_use)

    async def acquire(self, size: int) -> None:
        if not self._waiters and self._fits(size):
            self._take(size)
            return
        waiter = asyncio.get_running_loop().create_future()
        entry = (size, waiter)
        self._waiters.append(entry)
        try:
            await waiter
        except asyncio.CancelledError:  # a document deadline while waiting
            if waiter.done() and not waiter.cancelled():
                self.release(size)  # granted in the same turn it was cancelled: give it back
            else:
                self._waiters.remove(entry)
                self._wake()  # the one behind may fit now
            raise

    def release(self, size: int) -> None:
        self.in_use -= size
        self._wake()

    def _wake(self) -> None:
        while self._waiters:
            size, waiter = self._waiters[0]
            if waiter.done():
                self._waiters.popleft()
                continue
            if not self._fits(size):
                return  # in order: the first in line waits for room, and so do those behind it
            self._waiters.popleft()
            self._take(size)
            waiter.set_result(None)


class Hold:
    """One document's share of the budget: the body it is reading or holding, one at a time."""

    def __init__(self, budget: ByteBudget | None) -> None:
        self.budget = budget
        self.size = 0

    async def reserve(self, size: int) -> None:
        """Room for a body of `size` bytes, in place of what this document held (a retry's old body)."""
        self.release()
        if self.budget is not None and size > 0:
            await self.budget.acquire(size)
            self.size = size

    def shrink(self, size: int) -> None:
        if self.budget is not None and size < self.size:
            self.budget.release(self.size - size)
            self.size = size

    def release(self) -> None:
        if self.budget is not None and self.size:
            size, self.size = self.size, 0
            self.budget.release(size)


def body_reservation(response: httpx.Response, max_bytes: int) -> int:
    """Bytes to reserve before reading `response`'s body: its length when declared and not encoded
    (never more than the cap), else the cap itself."""
    if response.is_stream_consumed:  # built in memory already (a test transport)
        return min(len(response.content), max_bytes)
    declared = response.headers.get("Content-Length", "")
    encoded = response.headers.get("Content-Encoding", "").strip().lower() not in ("", "identity")
    if declared.isdigit() and not encoded:
        return min(int(declared), max_bytes)
    return max_bytes
