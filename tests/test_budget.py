"""The byte budget for page bodies in flight (sources/budget.py, settings.memory_budget).

The bytes are counted outside the budget's own bookkeeping: a transport wrapper adds every byte it
receives for a document's URL, and the run's `on_result` callback (called once the document is
stored) takes them off again. The largest total while two or more documents held bytes must stay
within the budget, and every page must still be checked.
"""

from __future__ import annotations

import asyncio
import gzip
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pytest
from latency_server import LoopbackHosts

from monitor.config import parse_watchlist
from monitor.jobs.check import run_check
from monitor.sources.budget import ByteBudget, Hold
from monitor.sources.hostpool import HostPoolTransport
from monitor.store.store import Store

KIB = 1024


# --- the budget alone -------------------------------------------------------------------------------
def test_reservations_wait_in_order_and_never_pass_the_limit():
    async def go() -> list[str]:
        budget = ByteBudget(100)
        order: list[str] = []

        async def take(name: str, size: int, keep: int) -> None:
            hold = Hold(budget)
            await hold.reserve(size)
            order.append(name)
            assert budget.in_use <= 100 or budget.in_use == size
            for _ in range(keep):
                await asyncio.sleep(0)
            hold.release()

        await asyncio.gather(take("a", 60, 5), take("b", 60, 1), take("c", 10, 1), take("big", 500, 1), take("d", 30, 1))
        assert budget.in_use == 0
        return order

    # b waits for a; c and d, though small, wait behind b (in order: big pages are not starved);
    # big (over the whole budget) proceeds once nothing else is held.
    assert asyncio.run(go()) == ["a", "b", "c", "big", "d"]


def test_a_waiter_cancelled_by_its_deadline_leaves_the_budget_whole():
    async def go() -> int:
        budget = ByteBudget(100)
        first = Hold(budget)
        await first.reserve(80)
        late = Hold(budget)
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.05):
                await late.reserve(50)
        small = Hold(budget)
        await small.reserve(20)  # the cancelled waiter no longer blocks the line
        first.release()
        small.release()
        return budget.in_use

    assert asyncio.run(go()) == 0


def test_a_hold_shrinks_to_the_body_read_and_gives_back_a_retrys_old_body():
    async def go() -> tuple[int, int, int]:
        budget = ByteBudget(1000)
        hold = Hold(budget)
        await hold.reserve(800)
        hold.shrink(300)
        after_shrink = budget.in_use
        await hold.reserve(900)  # a retry: the first body is gone, so 900 fits
        after_retry = budget.in_use
        hold.release()
        return after_shrink, after_retry, budget.in_use

    assert asyncio.run(go()) == (300, 900, 0)


# --- a whole run on loopback ----------------------------------------------------------------------
def policy_page(n: int, size: int) -> bytes:
    """A privacy policy of about `size` bytes, every paragraph its own sentence (no two pages alike)."""
    head = f"<html><body><main><h1>Privacy policy of service {n}</h1>"
    parts, total, i = [head], len(head), 0
    while total < size:
        i += 1
        p = (f"<h2>Section {i}</h2><p>For records of type {n}-{i} we keep the data you give us for {i % 40 + 2} "
             f"days, share it with processor number {i % 17} only, and delete it on request {i} times a year.</p>")
        parts.append(p)
        total += len(p)
    return ("".join(parts) + "</main></body></html>").encode()


class BigPages(LoopbackHosts):
    """One loopback host per page (so per_host never serializes them); each answers after `delay` s."""

    def __init__(self, sizes: list[int], gzipped: set[int] = frozenset(), delay: float = 0.05) -> None:
        self.pages = [policy_page(n, size) for n, size in enumerate(sizes)]
        self.gzipped, self.delay = gzipped, delay
        self.hits: Counter[int] = Counter()
        self._listen([self._handler(n) for n in range(len(sizes))])

    def url(self, n: int) -> str:
        return f"{self.origin(n)}/privacy"

    def _handler(self, n: int) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                site.hits[n] += 1
                time.sleep(site.delay)  # the server's latency, so the requests overlap
                body = site.pages[n]
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                if n in site.gzipped:
                    body = gzip.compress(body)
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


class CountingTransport(httpx.AsyncBaseTransport):
    """Bytes received per URL, from the network, until the run says the document is done."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.held: Counter[str] = Counter()
        self.peak_shared = 0  # largest total while two or more documents held bytes
        self.peak = 0
        self.largest_alone = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        response.stream = _Counted(response.stream, lambda size, url=str(request.url): self._received(url, size))
        return response

    def _received(self, url: str, size: int) -> None:
        self.held[url] += size
        total = sum(self.held.values())
        self.peak = max(self.peak, total)
        if sum(1 for v in self.held.values() if v) > 1:
            self.peak_shared = max(self.peak_shared, total)
        else:
            self.largest_alone = max(self.largest_alone, total)

    def done(self, url: str) -> None:
        self.held.pop(url, None)

    async def aclose(self) -> None:
        await self.inner.aclose()


class _Counted(httpx.AsyncByteStream):
    def __init__(self, stream: httpx.AsyncByteStream, count: Callable[[int], None]) -> None:
        self._stream, self._count = stream, count

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            self._count(len(chunk))
            yield chunk

    async def aclose(self) -> None:
        await self._stream.aclose()


def _run(tmp_path: Path, site: BigPages, count: int, settings: dict) -> tuple[CountingTransport, dict[str, int], dict]:
    raw = {"settings": {"database": str(tmp_path / "pm.db"), "retry_backoff": 0, "workers": 1, **settings},
           "vendors": [{"id": f"v{n}", "documents": [{"id": "privacy", "url": site.url(n)}]} for n in range(count)]}
    watchlist = parse_watchlist(raw)
    counting = CountingTransport(HostPoolTransport(per_host=watchlist.settings.per_host, max_hosts=64))
    store = Store.open(str(tmp_path / "pm.db"), create=True)
    try:
        report = run_check(watchlist, store, on_result=lambda r: counting.done(r.url), transport=counting)
    finally:
        store.close()
    return counting, report.counts, {r.document: r.error for r in report.results if r.error}


PAGE = 300 * KIB
BUDGET = 700 * KIB  # room for two of the pages at once, not three


def test_bytes_in_flight_stay_within_the_budget_and_every_page_is_checked(tmp_path):
    sizes = [PAGE] * 6 + [40 * KIB] * 3 + [BUDGET + 300 * KIB]  # the last one is larger than the whole budget
    with BigPages(sizes, gzipped={7}) as site:
        counting, counts, errors = _run(tmp_path, site, len(sizes),
                                        {"memory_budget": BUDGET, "max_bytes": 2 * 1024 * KIB})
        assert errors == {}
        assert counts["new"] == len(sizes) and counts["failed"] == 0
        assert all(site.hits[n] == 1 for n in range(len(sizes)))
    assert counting.peak_shared <= BUDGET
    assert counting.peak_shared > PAGE  # two pages did overlap: the budget let them
    assert counting.largest_alone >= BUDGET + 300 * KIB  # the page over the budget was read, alone


def test_without_a_budget_the_same_pages_overlap_past_it(tmp_path):
    """The control: the measure above can fail; with room for all, more than the budget is held at once."""
    sizes = [PAGE] * 6 + [40 * KIB] * 3
    with BigPages(sizes) as site:
        counting, counts, errors = _run(tmp_path, site, len(sizes), {"memory_budget": 64 * 1024 * KIB})
    assert errors == {} and counts["new"] == len(sizes)
    assert counting.peak_shared > BUDGET
