"""`check_throughput.py --latency S`: the same pages, served the way real sites answer.

Pages come from H loopback addresses (127.0.0.2, 127.0.0.3, ... all local on Linux), one listening
socket each, and every response waits S seconds before it is written, with a fresh nonce per request.
The server (asyncio, in a child process) counts, per host, how many requests it holds at once: the
largest figure of a run is printed and must never exceed policy-monitor's `per_host`.

policy-monitor runs with its shipped defaults (no [settings] but the database), urlwatch as in the
zero-latency mode. `--scale 1000,3000,10000` instead runs policy-monitor alone at each N on N/10
hosts: a first run to fill the database, then the unchanged run, with wall time and peak RSS.

Only loopback addresses; every connection, request and child process has a bound in count and time.
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing
import re
import secrets
import shutil
import socket
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import check_throughput as ct

MAX_REQUESTS_PER_CONNECTION = 10_000
IDLE_SECONDS = 60.0  # a connection silent this long is closed
SERVER_LIFETIME = 4 * 3600.0  # the server stops by itself after this, whatever happens to the driver
DOCS_PER_HOST_AT_SCALE = 10
DISTINCT_PAGES = 1000  # templates generated; beyond, page i reuses template i % 1000 with its own heading
SHIPPED = {"concurrency": 128, "per_host": 2}  # read from monitor.config.Settings when importable


def host_address(k: int) -> str:
    """The k-th host (0-based): 127.0.0.2 ... 127.0.0.255, 127.0.1.2 ..."""
    return f"127.0.{k // 254}.{k % 254 + 2}"


def _serve(n: int, hosts: int, delay: float, seed: int, changed_ids, mode, served, peak_host, peak_all,
           ready) -> None:  # noqa: ANN001
    pages = [ct.build_page(i, seed) for i in range(1, min(n, DISTINCT_PAGES) + 1)]
    in_flight = [0] * hosts
    total = [0]

    def body(i: int, nonce: bytes) -> bytes:
        page = pages[(i - 1) % len(pages)]
        data = page.body(nonce, bool(mode.value) and i in changed_ids)
        if n > len(pages):  # a template reused: its heading names the document, so each text is its own
            data = data.replace(b"<h1>", b"<h1>Document %d: " % i, 1)
        return data

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, k: int) -> None:
        try:
            for _ in range(MAX_REQUESTS_PER_CONNECTION):
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), IDLE_SECONDS)
                in_flight[k] += 1
                total[0] += 1
                peak_host.value = max(peak_host.value, in_flight[k])
                peak_all.value = max(peak_all.value, total[0])
                try:
                    m = re.match(rb"GET /vendor-(\d+)/privacy ", head)
                    i = int(m.group(1)) if m else 0
                    await asyncio.sleep(delay)
                    if 1 <= i <= n:
                        payload, status = body(i, secrets.token_urlsafe(18).encode()), b"200 OK"
                        kind = b"text/html; charset=utf-8"
                    else:
                        payload, status, kind = b"not found", b"404 Not Found", b"text/plain"
                    writer.write(b"HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nCache-Control: no-store\r\n\r\n"
                                 % (status, kind, len(payload)) + payload)
                    await writer.drain()
                finally:
                    in_flight[k] -= 1
                    total[0] -= 1
                if status == b"200 OK":
                    with served.get_lock():
                        served.value += 1
        except (asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        servers, port = [], 0
        for k in range(hosts):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host_address(k), port))
            except OSError:  # the port is taken on this address: any free one will do
                sock.bind((host_address(k), 0))
            port = port or sock.getsockname()[1]
            servers.append(await asyncio.start_server(
                lambda r, w, k=k: handle(r, w, k), sock=sock, backlog=1024))
        ready.send(([s.sockets[0].getsockname()[1] for s in servers], [p.size for p in pages]))
        await asyncio.sleep(SERVER_LIFETIME)

    asyncio.run(main())


@dataclass
class LatencySite:
    """Duck-types check_throughput.LoopbackSite (url, served, set_changed) for the tools' classes."""

    n: int
    hosts: int
    delay: float
    seed: int
    changed_ids: frozenset[int]

    def __enter__(self) -> LatencySite:
        ctx = multiprocessing.get_context("fork")
        self._mode, self._served = ctx.Value("b", 0), ctx.Value("q", 0)
        self._peak_host, self._peak_all = ctx.Value("q", 0), ctx.Value("q", 0)
        receive, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_serve, daemon=True, args=(
            self.n, self.hosts, self.delay, self.seed, self.changed_ids, self._mode, self._served,
            self._peak_host, self._peak_all, send))
        self._proc.start()
        if not receive.poll(600):
            raise RuntimeError("the latency server did not start within 600 s")
        self.ports, self.sizes = receive.recv()
        return self

    def __exit__(self, *exc: object) -> None:
        self._proc.terminate()
        self._proc.join(10)

    def url(self, i: int) -> str:
        k = (i - 1) % self.hosts  # documents spread over the hosts, as vendors are
        return f"http://{host_address(k)}:{self.ports[k]}/{ct.vendor_id(i)}/privacy"

    def set_changed(self, on: bool) -> None:
        self._mode.value = 1 if on else 0

    @property
    def served(self) -> int:
        return self._served.value

    def reset_peaks(self) -> None:
        self._peak_host.value = self._peak_all.value = 0

    @property
    def peaks(self) -> tuple[int, int]:
        return self._peak_host.value, self._peak_all.value


def shipped_settings(python: str) -> dict[str, int]:
    import subprocess

    probe = subprocess.run([python, "-c", "from monitor.config import Settings as S; s = S(); "
                            "print(s.concurrency, s.per_host)"], capture_output=True, text=True, timeout=60)
    try:
        concurrency, per_host = map(int, probe.stdout.split())
        return {"concurrency": concurrency, "per_host": per_host}
    except ValueError:
        return dict(SHIPPED)


def network_limit(n: int, hosts: int, delay: float, concurrency: int, per_host: int) -> float:
    """Seconds the run needs at least, from the delay alone: per-host politeness and the global bound."""
    busiest = math.ceil(n / hosts)
    return delay * max(math.ceil(busiest / per_host), math.ceil(n / concurrency))


def _measured(site: LatencySite, run) -> tuple:  # noqa: ANN001
    site.reset_peaks()
    row = run()
    return row, site.peaks


def run_latency(args, pm: ct.PolicyMonitor, uw: ct.Urlwatch | None) -> None:  # noqa: ANN001
    n, hosts, delay = args.n, args.hosts, args.latency
    shipped = shipped_settings(args.python)
    pm.settings_extra = {}  # the shipped defaults: the point of this mode
    changed_ids = ct.changed_set(n, args.seed)
    print(f"latency mode: N={n} on {hosts} hosts, {delay:g} s per response; policy-monitor shipped defaults "
          f"concurrency={shipped['concurrency']} per_host={shipped['per_host']}; urlwatch 10 threads")
    with LatencySite(n, hosts, delay, args.seed, changed_ids) as site:
        print(f"server: {hosts} loopback addresses {host_address(0)}..{host_address(hosts - 1)}, "
              f"{len(site.sizes)} distinct pages, median {statistics.median(site.sizes) / 1024:.1f} KiB")
        rows, peaks = [], {}
        for round_no in range(1, args.repeat + 1):
            watchlist, db = pm.write_watchlist(site, n, f"lat-{round_no}")
            uw_cmd = uw.write_files(site, n) if uw else None
            for phase in ct.PHASES:
                site.set_changed(phase == "changed")
                row, peak = _measured(site, lambda: pm.check(watchlist, db, n, phase, site))
                rows.append(row)
                peaks.setdefault((row.tool, phase), []).append(peak)
                if uw_cmd:
                    row, peak = _measured(site, lambda: uw.check(uw_cmd, n, phase, site))
                    rows.append(row)
                    peaks.setdefault((row.tool, phase), []).append(peak)
                print(f"  round {round_no}: {phase} done")
            site.set_changed(False)
    rows = ct.median_rows(rows) if args.repeat > 1 else rows
    limits = {"policy-monitor": network_limit(n, hosts, delay, shipped["concurrency"], shipped["per_host"]),
              "urlwatch": network_limit(n, hosts, delay, 10, 10)}
    print_latency_table(rows, peaks, limits, n, len(changed_ids), shipped["per_host"])


def print_latency_table(rows, peaks, limits, n: int, n_changed: int, per_host: int) -> None:  # noqa: ANN001
    header = (f"{'tool':<15} {'run':<10} {'wall s':>7} {'docs/s':>7} {'limit s':>7} {'CPU s':>6} {'new':>5} "
              f"{'chg':>5} {'unch':>5} {'fail':>5} {'RSS MiB':>8} {'host peak':>9} {'all peak':>8}")
    print(header)
    print("-" * len(header))
    for r in rows:
        if r.run is None or not r.counts:
            print(f"{r.tool:<15} {r.phase:<10} {r.note}")
            continue
        host_peak = max(p[0] for p in peaks[(r.tool, r.phase)])
        all_peak = max(p[1] for p in peaks[(r.tool, r.phase)])
        c = r.counts
        print(f"{r.tool:<15} {r.phase:<10} {r.run.seconds:7.2f} {r.rate:7.1f} {limits[r.tool]:7.2f} "
              f"{r.run.cpu_seconds:6.2f} {c['new']:>5} {c['changed']:>5} {c['unchanged']:>5} {c['failed']:>5} "
              f"{r.run.max_rss_kib / 1024:8.1f} {host_peak:>9} {all_peak:>8}")
        if r.note:
            print(f"    ! {r.note}")
    by = {(r.tool, r.phase): r for r in rows if r.counts}
    print("\nthroughput ratio policy-monitor / urlwatch (wall clock, start-up included):")
    for phase in ct.PHASES:
        pm, uw = by.get(("policy-monitor", phase)), by.get(("urlwatch", phase))
        if pm and uw:
            print(f"  {phase:<10} {pm.rate / uw.rate:5.2f}x  ({pm.rate:.1f} vs {uw.rate:.1f} docs/s)")
    worst = max((max(p[0] for p in v) for (tool, _), v in peaks.items() if tool == "policy-monitor"), default=0)
    verdict = "within" if worst <= per_host else "OVER"
    print(f"\nlargest number of policy-monitor requests in flight to one host: {worst} ({verdict} per_host={per_host})")


def run_scale(args, pm: ct.PolicyMonitor) -> None:  # noqa: ANN001
    """policy-monitor alone, N documents on N/10 hosts: first run, then the unchanged run, per N."""
    shipped = shipped_settings(args.python)
    pm.settings_extra = {}
    delay = args.latency
    print(f"scale mode: {DOCS_PER_HOST_AT_SCALE} documents per host, {delay:g} s per response, shipped defaults "
          f"concurrency={shipped['concurrency']} per_host={shipped['per_host']}")
    header = (f"{'N':>6} {'hosts':>5} {'run':<10} {'wall s':>7} {'in-run s':>8} {'docs/s':>7} {'limit s':>7} "
              f"{'CPU s':>6} {'new':>5} {'chg':>5} {'unch':>5} {'fail':>5} {'RSS MiB':>8} {'host peak':>9}")
    lines = []
    for n in args.scale:
        hosts = max(1, n // DOCS_PER_HOST_AT_SCALE)
        with LatencySite(n, hosts, delay, args.seed, frozenset()) as site:
            watchlist, db = pm.write_watchlist(site, n, f"scale-{n}")
            for phase in ("first", "unchanged"):
                row, (host_peak, _) = _measured(site, lambda: pm.check(watchlist, db, n, phase, site))
                if row.run is None or not row.counts:
                    lines.append(f"{n:>6} {hosts:>5} {phase:<10} {row.note}")
                    continue
                c = row.counts
                limit = network_limit(n, hosts, delay, shipped["concurrency"], shipped["per_host"])
                lines.append(f"{n:>6} {hosts:>5} {phase:<10} {row.run.seconds:7.2f} {row.inner_seconds or 0:8.2f} "
                             f"{row.rate:7.1f} {limit:7.2f} {row.run.cpu_seconds:6.2f} {c['new']:>5} {c['changed']:>5} "
                             f"{c['unchanged']:>5} {c['failed']:>5} {row.run.max_rss_kib / 1024:8.1f} {host_peak:>9}"
                             + (f"  ! {row.note}" if row.note else ""))
                print(f"  N={n}: {phase} done in {row.run.seconds:.1f} s")
    print(header)
    print("-" * len(header))
    print("\n".join(lines))
    print("(RSS: the main process; the analysis workers and their forkserver are separate processes)")


def main(args) -> int:  # noqa: ANN001
    ct.WORK.mkdir(exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="latency-", dir=ct.WORK))
    pm = ct.PolicyMonitor(args.python, workdir, args.concurrency)
    started = time.perf_counter()
    print(f"before: {ct.load_line()}")
    try:
        if args.scale:
            run_scale(args, pm)
        else:
            uw = None if args.no_urlwatch else ct.Urlwatch(workdir, args.urlwatch_method)
            if uw is not None:
                print(f"urlwatch: {uw.ensure_installed()}")
            run_latency(args, pm, uw)
    finally:
        if args.keep:
            print(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"after: {ct.load_line()}; total bench time {time.perf_counter() - started:.0f} s")
    return 0
