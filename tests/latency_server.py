"""Policy pages on many loopback addresses (127.0.0.2, 127.0.0.3, ...), each answer after a delay.

Used by the worker tests and bench/workers_throughput.py, so that sharing a run among workers is
measured on latency-bound work, as on the internet, not on a zero-latency loopback.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PARAGRAPHS = [
    "We collect the name and email address you give us when you open an account.",
    "We use this information to run the service, to bill you and to answer your questions.",
    "We share personal data only with the processors that host and support the service.",
    "We keep account data while your account is open and delete it within ninety days after.",
    "You may ask for a copy of your data, its correction or its deletion at any time.",
    "We tell you by email before a change to this policy takes effect, and we date each edition.",
    "Questions about this policy go to our data protection officer at the address below.",
]


def page(document: int, edition: int) -> bytes:
    extra = f"<p>Edition {edition}: we now also keep support tickets for {edition + 1} years.</p>" if edition else ""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f"<html><body><main><h1>Privacy policy of service {document}</h1>{body}{extra}</main></body></html>").encode()


class LoopbackHosts:
    """One HTTP server per loopback address (127.0.0.2, 127.0.0.3, ...), started and stopped together."""

    def _listen(self, handlers: list[type[BaseHTTPRequestHandler]]) -> None:
        self._servers = [ThreadingHTTPServer((f"127.0.0.{2 + i}", 0), handler) for i, handler in enumerate(handlers)]
        for server in self._servers:
            server.daemon_threads = True

    def __enter__(self):  # noqa: ANN204 - the subclass
        for server in self._servers:
            threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def origin(self, i: int) -> str:
        host, port = self._servers[i].server_address[:2]
        return f"http://{host}:{port}"


class LatencyServers(LoopbackHosts):
    """`hosts` servers, one per loopback address; GET /doc/N answers document N's page after `delay` s."""

    def __init__(self, hosts: int = 4, delay: float = 0.05) -> None:
        self.delay = delay
        self.edition: dict[int, int] = {}
        self.hits: dict[int, int] = {}
        self.in_flight: dict[str, int] = {}
        self.max_in_flight: dict[str, int] = {}
        self._lock = threading.Lock()
        self._listen([self._handler()] * hosts)

    def url(self, document: int) -> str:
        return f"{self.origin(document % len(self._servers))}/doc/{document}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        servers = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                host = self.server.server_address[0]
                document = int(self.path.rsplit("/", 1)[-1])
                with servers._lock:
                    servers.hits[document] = servers.hits.get(document, 0) + 1
                    servers.in_flight[host] = servers.in_flight.get(host, 0) + 1
                    servers.max_in_flight[host] = max(servers.max_in_flight.get(host, 0), servers.in_flight[host])
                try:
                    time.sleep(servers.delay)  # the server's latency, not a test waiting
                    body = page(document, servers.edition.get(document, 0))
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                finally:
                    with servers._lock:
                        servers.in_flight[host] -= 1

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def watchlist_text(servers: LatencyServers, documents: int, database: str, **settings: object) -> str:
    import json

    lines = ["[settings]", f"database = {json.dumps(database)}", "retry_backoff = 0"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in settings.items()]
    for n in range(documents):
        lines += ["", "[[vendors]]", f'id = "v{n:03d}"', f'name = "Vendor {n}"',
                  "[[vendors.documents]]", 'id = "privacy"', f'url = "{servers.url(n)}"']
    return "\n".join(lines) + "\n"
