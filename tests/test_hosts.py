"""Politeness per host (sources/hosts.py) and connection reuse per host (sources/hostpool.py)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from contextlib import asynccontextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from monitor.sources.hostpool import HostPoolTransport
from monitor.sources.hosts import HostLimiter, host_lanes, run_by_host


class InFlight:
    """Counts requests held at once, per host, and remembers the largest count."""

    def __init__(self) -> None:
        self.now: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()

    async def hold(self, limiter: HostLimiter, host: str, turns: int = 3) -> None:
        async with limiter.slot(host):
            self.now[host] += 1
            self.peak[host] = max(self.peak[host], self.now[host])
            for _ in range(turns):  # let every other task run while this one is "on the wire"
                await asyncio.sleep(0)
            self.now[host] -= 1


@pytest.mark.parametrize("per_host", [1, 2, 5])
def test_never_more_than_per_host_in_flight_to_one_host(per_host):
    counts = InFlight()

    async def go():
        limiter = HostLimiter(per_host)
        await asyncio.gather(*(counts.hold(limiter, f"host-{i % 3}") for i in range(60)))

    asyncio.run(go())
    assert dict(counts.peak) == {f"host-{k}": per_host for k in range(3)}


def test_the_delay_spaces_the_starts_of_requests_to_one_host():
    starts: list[tuple[str, float]] = []
    delay = 0.05

    async def go():
        limiter = HostLimiter(per_host=3, delay=delay)

        async def one(host: str) -> None:
            async with limiter.slot(host):
                starts.append((host, time.monotonic()))

        began = time.monotonic()
        await asyncio.gather(*(one("a") for _ in range(4)), one("b"))
        return began

    began = asyncio.run(go())
    a = sorted(t for h, t in starts if h == "a")
    assert len(a) == 4
    assert all(later - earlier >= delay * 0.99 for earlier, later in zip(a, a[1:]))
    (b,) = [t for h, t in starts if h == "b"]
    assert b - began < a[-1] - began  # another host does not wait for this one's turns


def test_an_outer_gate_is_held_for_every_request_after_the_local_slot():
    entered: list[str] = []

    class RecordingGate:
        @asynccontextmanager
        async def slot(self, host: str):
            entered.append(host)
            yield

    async def go():
        limiter = HostLimiter(per_host=1, outer=RecordingGate())
        for host in ("a", "b", "a"):
            async with limiter.slot(host):
                pass

    asyncio.run(go())
    assert entered == ["a", "b", "a"]


def test_lanes_cover_every_item_once_with_at_most_per_host_lanes_per_host():
    items = [f"h{i % 4}/{i}" for i in range(23)] + ["lonely/1"]
    lanes = host_lanes(items, lambda x: x.split("/")[0], per_host=2)
    assert sorted(x for lane in lanes for x in lane) == sorted(items)
    assert all(len({x.split("/")[0] for x in lane}) == 1 for lane in lanes)
    per_host = Counter(lane[0].split("/")[0] for lane in lanes)
    assert max(per_host.values()) == 2 and per_host["lonely"] == 1
    assert [len(lane) for lane in lanes] == sorted((len(lane) for lane in lanes), reverse=True)


def test_run_by_host_keeps_both_bounds():
    busy = Counter()
    peak = {"all": 0}
    peak_host: Counter[str] = Counter()
    done: list[int] = []

    async def work(i: int) -> None:
        host = f"h{i % 5}"
        busy[host] += 1
        peak_host[host] = max(peak_host[host], busy[host])
        peak["all"] = max(peak["all"], sum(busy.values()))
        await asyncio.sleep(0)
        busy[host] -= 1
        done.append(i)

    asyncio.run(run_by_host(range(50), lambda i: f"h{i % 5}", per_host=3, concurrency=4, work=work))
    assert sorted(done) == list(range(50))
    assert peak["all"] == 4
    assert max(peak_host.values()) <= 3


@pytest.fixture
def three_hosts():
    """Three loopback hosts (127.0.0.2-4); each remembers the client port of every request."""
    seen: dict[str, list[int]] = {}
    servers = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802
            seen.setdefault(self.server.server_address[0], []).append(self.client_address[1])
            body = b"ok"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    for k in (2, 3, 4):
        httpd = ThreadingHTTPServer((f"127.0.0.{k}", 0), Handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
    yield [f"http://127.0.0.{s.server_address[0].rsplit('.', 1)[1]}:{s.server_address[1]}/" for s in servers], seen
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def test_one_connection_reused_per_host_and_pools_bounded(three_hosts):
    urls, seen = three_hosts

    async def go():
        transport = HostPoolTransport(per_host=2, max_hosts=2)
        async with httpx.AsyncClient(transport=transport, trust_env=False) as client:
            for url in urls[:1] * 3 + urls[1:2] * 3:
                assert (await client.get(url)).text == "ok"
            assert transport.open_pools == 2
            await client.get(urls[2])  # a third host: the least recently used idle pool is closed
            assert transport.open_pools == 2

    asyncio.run(go())
    first, second, _ = (urlsplit_host(u) for u in urls)
    assert len(seen[first]) == 3 and len(set(seen[first])) == 1  # three requests, one connection
    assert len(seen[second]) == 3 and len(set(seen[second])) == 1


def urlsplit_host(url: str) -> str:
    return httpx.URL(url).host
