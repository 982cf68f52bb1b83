"""Hostile pages beside good ones: the time and peak memory of a real `check` (and `backfill`) run.

For each hostile input (issue 15's table), one loopback server plays the vendor site, a web archive
speaking the Internet Archive's dialect (CDX text lines, `<ts>id_/<url>` replays with Memento headers)
and a json:// notification receiver. Per case:

    baseline   3 good documents + the hostile one, all in their good version: stored
    hostile    the good documents change materially, the hostile one turns hostile: measured
    next       the same again: measured (is the run after it as healthy?)

and for the archive cases a `backfill` of 6 good captures with the hostile one in the middle, then
once more. Each run is `python -m monitor ...` in a child process: wall time, and the peak resident
memory of its whole process tree (the run and its analysis workers, sampled every 20 ms from /proc).

Usage (from the repository root; default settings unless told):

    .venv/bin/python bench/hostile.py                 # every case, the defaults (a few minutes)
    .venv/bin/python bench/hostile.py --only drip pdf # the cases whose name holds one of these words
    .venv/bin/python bench/hostile.py --set analysis_budget=10 --set document_deadline=20

Nothing but 127.0.0.1 is contacted. Figures only, no asserts. Synthetic inputs only.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import zlib
from dataclasses import dataclass, field
from email.utils import format_datetime
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # synthetic pages and hostile inputs

from hostile_pages import pdf_flate_bomb, pdf_many_page_refs, pdf_page_tree_bomb  # noqa: E402
from pages import RETENTION, SALE, policy_html  # noqa: E402

WORK = ROOT / "bench" / ".work" / "hostile"
GOOD = ("alpha", "beta", "gamma")
MENTIONS = ("<!here> <!channel> <@U024BE7LH> @channel @everyone <https://evil.example|Click to verify> "
            "\u202eecnetnes desrever\u202c \u2066isolated\u2069")


# --- the inputs ---------------------------------------------------------------------------------------
@dataclass
class Answer:
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    status: int = 200
    drip: float = 0.0  # seconds between bytes: a body that never seems to end


def _gzip_bomb(size: int) -> bytes:
    """`size` zero bytes, gzipped, gzipped again: a few KB on the wire (cached: it takes a while)."""
    cache = WORK.parent / f"gzip-gzip-{size}.bin"
    if cache.exists():
        return cache.read_bytes()
    inner = zlib.compressobj(9, zlib.DEFLATED, 31)
    block, parts = b"\0" * (1 << 20), []
    for _ in range(size >> 20):
        parts.append(inner.compress(block))
    parts.append(inner.flush())
    data = gzip.compress(b"".join(parts), 9)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(data)
    return data


def _html(body: str) -> bytes:
    return f"<html><body><main><h1>Privacy</h1>{body}</main></body></html>".encode()


def _deep_policy(depth: int) -> bytes:
    """The good policy with its changes, every word of it `depth` elements deep."""
    page = policy_html(SALE, RETENTION, vendor="Hostile")
    return page.replace("<main>", "<main>" + "<div>" * depth).replace("</main>", "</div>" * depth + "</main>").encode()


def hostile_cases() -> dict[str, Answer]:
    pdf = {"Content-Type": "application/pdf"}
    return {
        "gzip,gzip bomb (4 GiB)": Answer(_gzip_bomb(4 << 30), {"Content-Type": "text/html",
                                                               "Content-Encoding": "gzip, gzip"}),
        "brotli bomb (refused)": Answer(os.urandom(50_000), {"Content-Type": "text/html", "Content-Encoding": "br"}),
        "deep nesting (100,000)": Answer(_deep_policy(100_000)),
        "1,000,000 <p>": Answer(_html("<p>a</p>" * 1_000_000)),
        "one 5 MB word": Answer(_html("<p>" + "a" * 5_000_000 + "</p>")),
        "one 3.5 MB word": Answer(_html("<p>" + "a" * 3_500_000 + "</p>")),  # under the text cap: the budget's
        "slow drip (1 byte/s)": Answer(_html("<p>We do not sell data.</p>" * 50), drip=1.0),
        "PDF 100,000 page refs": Answer(pdf_many_page_refs(100_000), pdf),
        "PDF page-tree bomb": Answer(pdf_page_tree_bomb(), pdf),
        "PDF Flate bomb (1 GiB)": Answer(pdf_flate_bomb(1 << 30), pdf),
        "redirect to 169.254.169.254": Answer(b"", {"Location": "http://169.254.169.254/latest/meta-data/"}, 302),
        "redirect to 10.0.0.1": Answer(b"", {"Location": "http://10.0.0.1:5432/"}, 302),
        "mentions + bidi text": Answer(policy_html(("We do not sell your personal information.", MENTIONS),
                                                   vendor="Hostile").encode()),
    }


ARCHIVE_CASES = ("gzip,gzip bomb (4 GiB)", "1,000,000 <p>", "one 5 MB word", "one 3.5 MB word",
                 "slow drip (1 byte/s)", "PDF 100,000 page refs")


# --- one loopback server: vendor pages, an archive, a webhook ---------------------------------------
class Loopback:
    def __init__(self) -> None:
        self.pages: dict[str, Answer] = {}
        self.captures: dict[str, list[tuple[str, Answer]]] = {}  # original URL -> [(timestamp, answer)]
        self.posts: list[dict] = []
        self._closing = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def close(self) -> None:
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def answer(self, path: str) -> Answer:
        if path.startswith("/cdx/search/cdx"):
            url = parse_qs(urlsplit(path).query)["url"][0]
            lines = [f"x {ts} {url} text/html 200 D{ts} 1" for ts, _ in self.captures.get(url, [])]
            return Answer("\n".join(lines).encode() + b"\n", {"Content-Type": "text/plain"})
        if path.startswith("/web/"):
            stamp, _, original = path[len("/web/"):].partition("id_/")
            for ts, answer in self.captures.get(original, []):
                if ts == stamp:
                    when = datetime.strptime(ts, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
                    headers = {**answer.headers, "Memento-Datetime": format_datetime(when, usegmt=True),
                               "Link": f'<{original}>; rel="original"'}
                    return Answer(answer.body, headers, answer.status, answer.drip)
            return Answer(b"no such capture", {"Content-Type": "text/plain"}, 404)
        return self.pages.get(path, Answer(b"not found", {"Content-Type": "text/plain"}, 404))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        loop = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                answer = loop.answer(self.path)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if answer.drip:
                    self.end_headers()
                    self.close_connection = True
                    try:
                        for byte in answer.body:
                            if loop._closing.wait(answer.drip):
                                return
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                    except OSError:
                        pass
                    return
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                try:
                    self.wfile.write(answer.body)
                except OSError:
                    pass

            def do_POST(self) -> None:  # noqa: N802 - the json:// notification target
                length = int(self.headers.get("Content-Length", "0"))
                loop.posts.append(json.loads(self.rfile.read(length) or b"{}"))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        return Handler


# --- running the CLI and measuring it -------------------------------------------------------------------
def _tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and every descendant (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


def run_cli(watchlist: Path, *args: str) -> tuple[float, int, int, dict]:
    """(seconds, peak tree RSS, exit code, JSON output) of one `policy-monitor` command."""
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "monitor", "--watchlist", str(watchlist), *args, "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=watchlist.parent)
    peak = 0
    out: list[bytes] = []
    reader = threading.Thread(target=lambda: out.append(process.stdout.read()), daemon=True)
    reader.start()
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.02)  # a sampling interval, not a wait for an event
    reader.join()
    seconds = time.monotonic() - started
    try:
        data = json.loads(out[0] or b"{}")
    except json.JSONDecodeError:
        data = {"error": (out[0] or b"")[-300:].decode("utf-8", "replace")}
    if process.returncode not in (0, 3):
        data.setdefault("stderr", process.stderr.read().decode("utf-8", "replace")[-300:])
    process.stderr.close()
    return seconds, peak, process.returncode, data


def write_watchlist(folder: Path, server: Loopback, settings: dict[str, object]) -> Path:
    lines = ["[settings]", 'database = "pm.db"'] + [f"{k} = {json.dumps(v)}" for k, v in settings.items()]
    lines += ["", "[archive]", 'kind = "wayback"', f'url = "{server.base}/web"', "cdx_per_minute = 1e9",
              "captures_per_minute = 1e9", "", "[[notify]]", f'url = "json://127.0.0.1:{server.base.rsplit(":", 1)[1]}/hook"',
              'min_severity = "minor"', ""]
    for vendor in (*GOOD, "hostile"):
        lines += ["[[vendors]]", f'id = "{vendor}"', "[[vendors.documents]]", 'id = "privacy"',
                  f'url = "{server.base}/{vendor}/privacy"', ""]
    path = folder / "watchlist.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _row(label: str, run: str, seconds: float, peak: int, code: int, detail: str) -> str:
    return f"| {label} | {run} | {seconds:6.1f} s | {peak / 2**20:6.0f} MiB | {code} | {detail} |"


def check_case(name: str, answer: Answer, settings: dict[str, object]) -> list[str]:
    folder = WORK / ("check-" + "".join(c if c.isalnum() else "-" for c in name))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    server = Loopback()
    try:
        watchlist = write_watchlist(folder, server, settings)
        for vendor in (*GOOD, "hostile"):
            server.pages[f"/{vendor}/privacy"] = Answer(policy_html(vendor=vendor.title()).encode())
        run_cli(watchlist, "check")  # the baseline
        for vendor in GOOD:
            server.pages[f"/{vendor}/privacy"] = Answer(policy_html(SALE, RETENTION, vendor=vendor.title()).encode())
        server.pages["/hostile/privacy"] = answer
        rows = []
        for run in ("hostile", "next"):
            server.posts.clear()
            seconds, peak, code, data = run_cli(watchlist, "check")
            docs = {d["document"]: d for d in data.get("documents", [])}
            good = sum(1 for v in GOOD if docs.get(f"{v}/privacy", {}).get("outcome") in ("changed", "unchanged"))
            bad = docs.get("hostile/privacy", {})
            verdict = bad.get("outcome", "?") + (f": {bad['error'][:90]}" if bad.get("error") else "")
            if "mentions" in name:
                messages = " ".join(p.get("message", "") for p in server.posts)
                live = [m for m in ("<!here>", "<!channel>", "<@U", "@channel", "@everyone", "<https://", "\u202e")
                        if m in messages]
                verdict += f"; active mentions/bidi in messages: {live or 'none'}"
            detail = f"good {good}/3, notified {len(server.posts)}; hostile {verdict}"
            if data.get("stderr"):
                detail += f"; stderr: {data['stderr'][-120:]!r}"
            rows.append(_row(name, f"check {run}", seconds, peak, code, detail))
        return rows
    finally:
        server.close()


def backfill_case(name: str, answer: Answer, settings: dict[str, object]) -> list[str]:
    folder = WORK / ("backfill-" + "".join(c if c.isalnum() else "-" for c in name))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    server = Loopback()
    try:
        watchlist = write_watchlist(folder, server, settings)
        url = f"{server.base}/hostile/privacy"
        versions = [policy_html(vendor="Hostile"), policy_html(SALE, vendor="Hostile"),
                    policy_html(SALE, RETENTION, vendor="Hostile")]
        captures = []
        for i in range(7):
            stamp = f"20{15 + i}0101000000"
            captures.append((stamp, answer if i == 3 else Answer(versions[min(i // 2, 2)].encode())))
        server.captures[url] = captures
        rows = []
        for run in ("hostile", "next"):
            seconds, peak, code, data = run_cli(watchlist, "backfill", "hostile/privacy")
            counts = data.get("counts", {})
            docs = data.get("documents", [{}])
            why = (docs[0].get("skipped_captures") or docs[0].get("failed_captures") or [{}])[0] if docs else {}
            reason = why.get("reason") or why.get("error") or ""
            detail = (f"imported {counts.get('imported', '?')}, duplicate {counts.get('duplicate', '?')}, "
                      f"skipped {counts.get('skipped', '?')}, failed {counts.get('failed', '?')}"
                      + (f"; hostile capture: {reason[:90]}" if reason else ""))
            if data.get("stderr"):
                detail += f"; stderr: {data['stderr'][-120:]!r}"
            rows.append(_row(name, f"backfill {run}", seconds, peak, code, detail))
        return rows
    finally:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=[], help="cases whose name holds one of these words")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a [settings] value")
    parser.add_argument("--no-backfill", action="store_true")
    args = parser.parse_args()
    settings: dict[str, object] = {}
    for item in args.set:
        key, _, value = item.partition("=")
        settings[key] = json.loads(value)
    WORK.mkdir(parents=True, exist_ok=True)
    print(f"settings: {settings or 'the defaults'}; {os.cpu_count()} cores")
    print("| input | run | wall | peak RSS (tree) | exit | outcome |")
    print("|---|---|---|---|---|---|")
    cases = hostile_cases()
    for name, answer in cases.items():
        if args.only and not any(word.lower() in name.lower() for word in args.only):
            continue
        for row in check_case(name, answer, settings):
            print(row, flush=True)
        if name in ARCHIVE_CASES and not args.no_backfill:
            for row in backfill_case(name, answer, settings):
                print(row, flush=True)
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
