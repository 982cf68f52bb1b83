"""Archives on loopback for the tests and the bench: a real pywb serving WARC files written here with
warcio, and a small server speaking the Internet Archive's dialect (CDX text, id_ replay, Save Page Now).

The policy texts are synthetic, written for these tests.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest

# --- synthetic policies --------------------------------------------------------------------------------
SECTIONS = {
    "Information we collect": (
        "We collect the details you give us when you open an account, such as your name and work email address.",
        "We also record how you use the service, including pages viewed and the features you turn on.",
    ),
    "How we use information": (
        "We use your information to run the service, to answer support requests and to keep accounts secure.",
        "We send product news only when you have asked us to, and you can stop it at any time.",
    ),
    "Sharing": ("{sharing}",),
    "Retention": ("We keep account records for {days} days after an account is closed, then delete them.",),
    "Your rights": (
        "You may ask for a copy of your information, ask us to correct it, or ask us to erase it.",
        "We answer every request within one month and never charge a fee for doing so.",
    ),
    "Children": ("The service is not meant for anyone under {age}, and we do not knowingly collect their data.",),
}
SHARING = (
    "We do not sell your personal information, and we share it only with processors bound by contract.",
    "We may share your personal information with advertising partners to show you relevant offers.",
)


def policy_text_html(version: int, nonce: str = "") -> str:
    """Version `version` of a synthetic privacy policy as HTML; each version differs in a clause.

    The retention period changes with every version; sharing and the minimum age change now and then,
    so the clause engine has material changes to classify. `nonce` changes the bytes, not the text.
    """
    values = {"days": 30 + 15 * version, "sharing": SHARING[(version // 3) % 2], "age": (13, 16)[(version // 5) % 2]}
    parts = [f"<html><head><title>Privacy policy</title><script>var n='{nonce}';</script></head><body>",
             "<nav><a href='/'>Home</a></nav><main><h1>Privacy policy</h1>",
             "<p>This policy explains what Example Widgets collects about you and what it does with it.</p>"]
    for heading, paragraphs in SECTIONS.items():
        parts.append(f"<h2>{heading}</h2>")
        parts.extend(f"<p>{p.format(**values)}</p>" for p in paragraphs)
    parts.append("</main><footer>Example Widgets</footer></body></html>")
    return "\n".join(parts)


OUTAGE_HTML = "<html><body><h1>Service unavailable</h1><p>We are down for maintenance. Back soon.</p></body></html>"
LOGIN_HTML = "<html><body><h1>Welcome back</h1><p>Please sign in to continue.</p><form></form></body></html>"


# --- WARC files -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Record:
    url: str
    when: datetime
    status: int = 200
    body: str = ""
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html; charset=utf-8"),)

    @property
    def timestamp(self) -> str:
        return self.when.strftime("%Y%m%d%H%M%S")


def at(year: int, month: int, day: int = 1, second: int = 0) -> datetime:
    return datetime(year, month, day, 0, 0, second, tzinfo=timezone.utc)


def write_warc(path: Path, records: list[Record]) -> Path:
    """One gzipped WARC of HTTP response records, as a crawler would have written them."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    reasons = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found", 503: "Service Unavailable"}
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for rec in records:
            body = rec.body.encode("utf-8")
            http = StatusAndHeaders(f"{rec.status} {reasons.get(rec.status, 'Status')}", list(rec.headers), protocol="HTTP/1.1")
            warc_date = rec.when.strftime("%Y-%m-%dT%H:%M:%SZ")
            writer.write_record(writer.create_warc_record(
                # With the length given, warcio digests in place instead of spooling to a temp file it
                # never closes (a ResourceWarning, an error under filterwarnings=error).
                rec.url, "response", payload=BytesIO(body), length=len(body), http_headers=http,
                warc_headers_dict={"WARC-Date": warc_date},
            ))
    return path


# --- a real pywb ------------------------------------------------------------------------------------------
def pywb_python() -> str | None:
    """The interpreter that runs pywb: $PYWB_PYTHON (pywb in a venv of its own, keeping its gevent,
    old redis and friends out of the project's), else this one if pywb is installed here, else None."""
    if os.environ.get("PYWB_PYTHON"):
        return os.environ["PYWB_PYTHON"]
    return sys.executable if importlib.util.find_spec("pywb") is not None else None


needs_pywb = pytest.mark.skipif(
    pywb_python() is None or importlib.util.find_spec("warcio") is None,
    reason="needs pywb and warcio (test extras: pip install -e '.[test]'; or PYWB_PYTHON=<a python with pywb>)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Pywb:
    """A real pywb (`wayback`) on 127.0.0.1 serving one collection made with `wb-manager`.

        with Pywb(tmp_dir, "coll", [warc1, warc2]) as pywb:
            pywb.collection_url   # http://127.0.0.1:<port>/coll
    """

    STARTUP_DEADLINE = 60.0  # seconds; pywb imports gevent and friends, a cold start takes a second or two

    def __init__(self, root: Path, collection: str, warcs: list[Path]) -> None:
        self.root, self.collection, self.warcs = Path(root), collection, warcs
        self.python = pywb_python() or sys.executable
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.log_path = self.root / "pywb.log"

    def __enter__(self) -> Pywb:
        self.root.mkdir(parents=True, exist_ok=True)
        if not (self.root / "collections" / self.collection).exists():
            self._manage("init", self.collection)
            self._manage("add", self.collection, *map(str, self.warcs))
        self._start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @property
    def collection_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{self.collection}"

    def _manage(self, *args: str) -> None:
        code = "import sys; from pywb.manager.manager import main; main(sys.argv[1:])"
        done = subprocess.run([self.python, "-c", code, *args], cwd=self.root, env=_offline_env(self.root),
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"wb-manager {' '.join(args[:2])} failed: {done.stderr[-2000:]}")

    def _start(self) -> None:
        self.port = free_port()
        code = "import sys; from pywb.apps.cli import wayback; wayback(sys.argv[1:])"
        args = ["-p", str(self.port), "-b", "127.0.0.1", "-d", str(self.root), "-t", "8"]
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the child's lifetime
        self.process = subprocess.Popen([self.python, "-c", code, *args], cwd=self.root,
                                        env=_offline_env(self.root), stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.STARTUP_DEADLINE
        with httpx.Client(trust_env=False, timeout=2) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"pywb exited with {self.process.returncode}: {self.log_path.read_text()[-2000:]}")
                try:
                    if client.get(f"{self.collection_url}/cdx?url=ready.invalid").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.05)  # a poll interval, not a wait for something: the deadline bounds it
        raise RuntimeError(f"pywb did not answer within {self.STARTUP_DEADLINE}s: {self.log_path.read_text()[-2000:]}")


def _offline_env(root: Path) -> dict[str, str]:
    """pywb's environment: every outgoing request goes to a dead proxy, so nothing reaches the internet
    (tldextract, which pywb imports, would otherwise fetch the public suffix list)."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    dead = "http://127.0.0.1:9"
    env.update(HTTP_PROXY=dead, HTTPS_PROXY=dead, http_proxy=dead, https_proxy=dead, NO_PROXY="127.0.0.1,localhost",
               no_proxy="127.0.0.1,localhost", TLDEXTRACT_CACHE=str(root / "tldextract"), PYTHONWARNINGS="ignore")
    return env


# --- the Internet Archive's dialect ----------------------------------------------------------------------
BLOCKED_BODY = ("org.archive.util.io.RuntimeIOException: "
                "org.archive.wayback.exception.AdministrativeAccessControlException: Blocked Site Error\n")


@dataclass
class Scripted:
    status: int
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)


class WaybackStub:
    """A loopback server answering like web.archive.org: CDX text lines (with resume keys when a page
    is full), `/web/<ts>id_/<url>` replays with Memento headers (a missing timestamp redirects to the
    nearest, as the real one does), and `/save/<url>`. `script(prefix, ...)` queues odd answers (429,
    429) for requests whose path starts with `prefix`; CDX queries for `blocked_hosts` get the "Blocked
    Site Error" answer; `requests` lists every path asked for.
    """

    def __init__(self, records: list[Record] = ()) -> None:
        self.records = sorted(records, key=lambda r: r.when)
        self.requests: list[str] = []
        self.scripts: dict[str, deque[Scripted]] = {}
        self.blocked_hosts: set[str] = set()  # CDX answers for these: the "Blocked Site Error" text
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="wayback-stub", daemon=True)

    def __enter__(self) -> WaybackStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/web"

    def script(self, prefix: str, *answers: Scripted) -> None:
        with self._lock:
            self.scripts.setdefault(prefix, deque()).extend(answers)

    def count(self, prefix: str) -> int:
        return sum(1 for path in self.requests if path.startswith(prefix))

    # --- answers --------------------------------------------------------------------------------
    def answer(self, path: str) -> Scripted:
        with self._lock:
            self.requests.append(path)
            for prefix, queue in self.scripts.items():
                if path.startswith(prefix) and queue:
                    return queue.popleft()
        if path.startswith("/cdx/search/cdx"):
            return self._cdx(parse_qs(urlsplit(path).query))
        if path.startswith("/web/"):
            return self._replay(path[len("/web/"):])
        if path.startswith("/save/"):
            stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
            return Scripted(200, "saved", {"Content-Location": f"/web/{stamp}/{unquote(path[len('/save/'):])}"})
        return Scripted(404, "not found")

    def _cdx(self, query: dict[str, list[str]]) -> Scripted:
        url = query["url"][0]
        if urlsplit(url).hostname in self.blocked_hosts:
            return Scripted(403, BLOCKED_BODY, {"Content-Type": "text/plain"})
        rows = [r for r in self.records if r.url == url]
        if "statuscode:200" in query.get("filter", []):
            rows = [r for r in rows if r.status == 200]
        if "from" in query:
            rows = [r for r in rows if r.timestamp >= query["from"][0].ljust(14, "0")]
        if "to" in query:
            rows = [r for r in rows if r.timestamp <= query["to"][0].ljust(14, "9")]
        if "digest" in query.get("collapse", []):
            rows = [r for i, r in enumerate(rows) if i == 0 or _digest(r) != _digest(rows[i - 1])]
        start = int(query.get("resumeKey", ["0"])[0])
        limit = int(query.get("limit", ["100000"])[0])
        page = rows[start:start + limit]
        lines = [f"{_surt(r.url)} {r.timestamp} {r.url} text/html {r.status} {_digest(r)} {len(r.body)}" for r in page]
        if start + limit < len(rows) and query.get("showResumeKey") == ["true"]:
            lines += ["", str(start + limit)]
        return Scripted(200, "\n".join(lines) + "\n", {"Content-Type": "text/plain"})

    def _replay(self, rest: str) -> Scripted:
        stamp, _, original = rest.partition("id_/")
        rows = [r for r in self.records if r.url == original]
        if not rows:
            return Scripted(404, "<html><body><p>Hrm. The Wayback Machine has not archived that URL.</p></body></html>",
                            {"Content-Type": "text/html"})
        exact = [r for r in rows if r.timestamp == stamp]
        if not exact:  # the real one redirects to the nearest capture
            nearest = min(rows, key=lambda r: abs(int(r.timestamp) - int(stamp)))
            return Scripted(302, "", {"Location": f"/web/{nearest.timestamp}id_/{original}"})
        rec = exact[0]
        headers = dict(rec.headers)
        headers.update({"Memento-Datetime": format_datetime(rec.when, usegmt=True), "Link": f'<{original}>; rel="original"'})
        return Scripted(rec.status, rec.body, headers)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                answer = stub.answer(self.path)
                body = answer.body.encode("utf-8")
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def _digest(rec: Record) -> str:
    return hashlib.sha1(rec.body.encode("utf-8")).hexdigest().upper()[:32]


def _surt(url: str) -> str:
    parts = urlsplit(url)
    return ",".join(reversed((parts.hostname or "").split("."))) + ")" + (parts.path or "/")
