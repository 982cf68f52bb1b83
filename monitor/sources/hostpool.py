"""Connection reuse per host: one small httpcore pool for each host, behind one httpx transport.

Why not one pool for everything: httpcore's pool scans every pooled connection for every queued
request, so a run with 128 documents in flight spent most of its CPU in that scan (bench/
check_throughput.py --latency, profiled). A pool per host holds at most `per_host` connections,
and the scan stays that short whatever the run's concurrency.

The pools of at most `max_hosts` hosts are kept, least recently used closed first (never one with a
request in flight), so open sockets stay bounded by max_hosts x per_host on a watchlist of any size.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Callable

import httpx

PoolKey = tuple[bytes, bytes, int | None]


class HostPoolTransport(httpx.AsyncBaseTransport):
    def __init__(self, per_host: int, max_hosts: int, keepalive_expiry: float = 30.0, verify: bool = True) -> None:
        self.per_host, self.max_hosts = per_host, max_hosts
        self._limits = httpx.Limits(
            max_connections=per_host, max_keepalive_connections=per_host, keepalive_expiry=keepalive_expiry
        )
        self._ssl = httpx.create_ssl_context(verify=verify)  # loaded once: ~50 ms each time
        self._pools: OrderedDict[PoolKey, httpx.AsyncHTTPTransport] = OrderedDict()
        self._busy: dict[PoolKey, int] = {}

    @property
    def open_pools(self) -> int:
        return len(self._pools)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = (request.url.raw_scheme, request.url.raw_host, request.url.port)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = httpx.AsyncHTTPTransport(verify=self._ssl, limits=self._limits)
            await self._close_idle_beyond_bound()
        self._pools.move_to_end(key)
        self._busy[key] = self._busy.get(key, 0) + 1
        done = _once(lambda: self._release(key))
        try:
            response = await pool.handle_async_request(request)
        except BaseException:
            done()
            raise
        response.stream = _Tracked(response.stream, done)
        return response

    def _release(self, key: PoolKey) -> None:
        left = self._busy.get(key, 1) - 1
        if left:
            self._busy[key] = left
        else:
            self._busy.pop(key, None)

    async def _close_idle_beyond_bound(self) -> None:
        while len(self._pools) > self.max_hosts:
            idle = next((k for k in self._pools if k not in self._busy), None)
            if idle is None:  # every pool busy: more hosts in flight than the bound, close later
                return
            await self._pools.pop(idle).aclose()

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.aclose()


def _once(callback: Callable[[], None]) -> Callable[[], None]:
    called = False

    def run() -> None:
        nonlocal called
        if not called:
            called = True
            callback()

    return run


class _Tracked(httpx.AsyncByteStream):
    """The response body, telling the transport when it is closed (its request no longer in flight)."""

    def __init__(self, stream: httpx.AsyncByteStream, done: Callable[[], None]) -> None:
        self._stream, self._done = stream, done

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            self._done()
