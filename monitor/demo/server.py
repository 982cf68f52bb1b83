"""A loopback HTTP server serving vendor pages from memory: the demo's vendors, and the tests'.

Pages can change between requests (`set`), carry a fresh nonce on every request (`{{nonce}}` in the
body), answer conditional GETs, and misbehave on demand (status, delay-free faults via handlers).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: bool = False  # answer If-None-Match with 304 when the template is unchanged
    fault: str | None = None  # reset | hang | gated | redirect_loop | endless: misbehave on demand (see _fault)


class PolicyServer:
    """`with PolicyServer() as server: server.set('/p', html); server.url('/p')`."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()  # releases hanging handlers at shutdown
        self.gate = threading.Event()  # "gated" routes answer only once this is set
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="policy-server", daemon=True)

    def __enter__(self) -> PolicyServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def set(self, path: str, body: str | bytes, **options) -> None:  # noqa: ANN003 - Route fields
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self._lock:
            self.routes[path] = Route(data, **options)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                with server._lock:
                    route = server.routes.get(self.path)
                    server.hits[self.path] += 1
                    server.requests.append((self.path, dict(self.headers.items())))
                if route is None:
                    self._send(404, b"not found", "text/plain", {})
                    return
                if route.fault:
                    self._fault(route.fault)
                    return
                tag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
                if route.etag and self.headers.get("If-None-Match") == tag:
                    self._send(304, b"", route.content_type, {"ETag": tag})
                    return
                body = route.body.replace(b"{{nonce}}", secrets.token_hex(16).encode())
                headers = dict(route.headers)
                if route.etag:
                    headers["ETag"] = tag
                self._send(route.status, body, route.content_type, headers)

            def _fault(self, fault: str) -> None:
                if fault == "reset":  # drop the connection without a word
                    self.close_connection = True
                    self.connection.shutdown(2)
                elif fault == "hang":  # accept, then say nothing until the server stops
                    server._closing.wait()
                    self.close_connection = True
                elif fault == "gated":  # hold the answer until the test opens the gate
                    while not (server.gate.wait(0.05) or server._closing.is_set()):
                        pass
                    route = server.routes[self.path]
                    self._send(200, route.body, route.content_type, dict(route.headers))
                elif fault == "redirect_loop":
                    self._send(302, b"", "text/plain", {"Location": self.path})
                elif fault == "endless":  # a body that never ends, until the client gives up
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.end_headers()
                    self.close_connection = True
                    try:
                        while not server._closing.is_set():
                            self.wfile.write(b"<p>more and more policy text</p>" * 256)
                    except OSError:
                        pass
                else:
                    raise ValueError(f"unknown fault {fault!r}")

            def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str]) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
                pass

        return Handler
