"""Would HTTP/2 help `check`? The same fetches over HTTP/1.1 and HTTP/2, on TLS, with check's rules.

A hypercorn server (ALPN offers h2 and http/1.1; a throwaway trustme certificate) listens on H loopback
addresses; every response waits S seconds and carries a ~50 KB page. The client is httpx as `check`
builds it: one keep-alive pool per host, at most `per_host` requests in flight to one host (2) and
`concurrency` (128) in all; a fresh client per round, so TLS handshakes count. It prints wall time
and the client's CPU time for each protocol, median of the rounds, and which protocol was spoken.

    .venv/bin/python bench/http2_probe.py                       # 500 pages on 100 hosts, 0.3 s each
    .venv/bin/python bench/http2_probe.py --n 1000 --hosts 50 --rounds 5

Needs the bench extra (`pip install -e '.[bench]'`: h2, hypercorn, trustme). Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import ssl
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import check_throughput as ct
import latency_mode as lm

PAGE = b"<html><body><main><h1>Privacy</h1>" + b"<p>We keep the data you give us for thirty days.</p>" * 1000


def _serve(addresses: list[str], port: int, delay: float, cert: str, key: str) -> None:
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    async def app(scope, receive, send):  # noqa: ANN001 - ASGI
        if scope["type"] != "http":
            return
        await asyncio.sleep(delay)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(PAGE)).encode())]})
        await send({"type": "http.response.body", "body": PAGE})

    config = Config()
    config.bind = [f"{a}:{port}" for a in addresses]
    config.certfile, config.keyfile = cert, key
    config.alpn_protocols = ["h2", "http/1.1"]
    config.keep_alive_timeout = 60
    config.backlog = 1024
    config.accesslog = config.errorlog = None
    asyncio.run(serve(app, config))


async def fetch_all(urls: list[str], http2: bool, ca: str, per_host: int, concurrency: int) -> tuple[float, float, Counter]:
    import httpx

    context = ssl.create_default_context(cafile=ca)
    pools: dict[str, httpx.AsyncHTTPTransport] = {}
    limits = httpx.Limits(max_connections=per_host, max_keepalive_connections=per_host)
    host_slots: dict[str, asyncio.Semaphore] = {}
    overall = asyncio.Semaphore(concurrency)
    spoken: Counter = Counter()

    class PerHost(httpx.AsyncBaseTransport):  # hostpool.py's shape: one small pool per host
        async def handle_async_request(self, request):  # noqa: ANN001
            host = request.url.host
            if host not in pools:
                pools[host] = httpx.AsyncHTTPTransport(verify=context, limits=limits, http2=http2)
            return await pools[host].handle_async_request(request)

    async def one(client: httpx.AsyncClient, url: str) -> None:
        host = httpx.URL(url).host
        slot = host_slots.setdefault(host, asyncio.Semaphore(per_host))
        async with overall, slot:
            response = await client.get(url)
            assert response.status_code == 200 and len(response.content) == len(PAGE)
            spoken[response.http_version] += 1

    started, cpu = time.perf_counter(), time.process_time()
    async with httpx.AsyncClient(transport=PerHost(), timeout=60) as client:
        await asyncio.gather(*(one(client, u) for u in urls))
    for pool in pools.values():
        await pool.aclose()
    return time.perf_counter() - started, time.process_time() - cpu, spoken


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=500)
    p.add_argument("--hosts", type=int, default=100)
    p.add_argument("--delay", type=float, default=0.3)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--per-host", type=int, default=2)
    p.add_argument("--concurrency", type=int, default=128)
    args = p.parse_args(argv)
    try:
        import h2  # noqa: F401
        import hypercorn  # noqa: F401
        import trustme
    except ImportError as exc:
        print(f"skipped: {exc.name} is not installed (pip install -e '.[bench]')")
        return 0
    print(f"before: {ct.load_line()}")
    folder = Path(tempfile.mkdtemp(prefix="h2-", dir=ct.WORK if ct.WORK.exists() else None))
    ca = trustme.CA()
    addresses = [lm.host_address(k) for k in range(args.hosts)]
    cert = ca.issue_cert(*addresses)
    cert.private_key_and_cert_chain_pem.write_to_path(str(folder / "server.pem"))
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    port = 18443
    server = multiprocessing.get_context("fork").Process(
        target=_serve, args=(addresses, port, args.delay, str(folder / "server.pem"), str(folder / "server.pem")), daemon=True)
    server.start()
    try:
        urls = [f"https://{addresses[i % args.hosts]}:{port}/vendor-{i}/privacy" for i in range(args.n)]
        deadline = time.monotonic() + 60
        while True:  # the server is up when one request answers
            try:
                asyncio.run(fetch_all(urls[:1], False, str(folder / "ca.pem"), 1, 1))
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        limit = lm.network_limit(args.n, args.hosts, args.delay, args.concurrency, args.per_host)
        print(f"{args.n} pages on {args.hosts} hosts over TLS, {args.delay:g} s each, per_host={args.per_host}, "
              f"concurrency={args.concurrency}; network-bound limit {limit:.2f} s")
        results: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
        spoken: dict[bool, Counter] = {False: Counter(), True: Counter()}
        for _ in range(args.rounds):
            for http2 in (False, True):  # alternated, so load changes hit both alike
                wall, cpu, seen = asyncio.run(fetch_all(urls, http2, str(folder / "ca.pem"), args.per_host, args.concurrency))
                results[http2].append((wall, cpu))
                spoken[http2] += seen
        for http2 in (False, True):
            walls = [w for w, _ in results[http2]]
            cpus = [c for _, c in results[http2]]
            print(f"  {'http2=True ' if http2 else 'http2=False'}  wall {statistics.median(walls):6.2f} s  "
                  f"client CPU {statistics.median(cpus):6.2f} s  (rounds: {', '.join(f'{w:.2f}' for w in walls)})  "
                  f"spoken: {dict(spoken[http2])}")
    finally:
        server.terminate()
        server.join(10)
        for f in folder.iterdir():
            f.unlink()
        folder.rmdir()
    print(f"after: {ct.load_line()}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("NO_PROXY", "*")
    sys.exit(main())
