"""Real notification receivers on loopback, for apprise to deliver to.

    with SmtpReceiver() as smtp, JsonReceiver() as hook:
        url = smtp.url(to="team@example.com")   # mailto://127.0.0.1:PORT/...?mode=insecure
        ...
        smtp.messages                           # parsed email.message.EmailMessage objects
        hook.posts                              # the JSON documents apprise posted

Both record synchronously before they answer, so once apprise's notify() returns, what it sent is
here; `wait_for` still polls with a deadline for anything asynchronous.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import time
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

from aiosmtpd.controller import Controller


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the receiver")
        time.sleep(0.01)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Inbox:
    """aiosmtpd handler: keeps every message it accepts, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001 - aiosmtpd's hook signature
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 Message accepted for delivery"


class SmtpReceiver:
    """A plain SMTP server (no TLS, no auth) on 127.0.0.1."""

    def __init__(self) -> None:
        self.port = free_port()
        self._inbox = _Inbox()
        self._controller = Controller(self._inbox, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[EmailMessage]:
        return self._inbox.messages

    def url(self, to: str = "team@example.com", sender: str = "alerts@example.com") -> str:
        # mode=insecure: plain SMTP without STARTTLS; no user/password: apprise skips login.
        return f"mailto://127.0.0.1:{self.port}/{to}?mode=insecure&from={sender}"

    def __enter__(self) -> SmtpReceiver:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


class JsonReceiver:
    """An HTTP endpoint for apprise's json:// target; `status` is what it answers (set 503 to refuse)."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                document = json.loads(self.rfile.read(length) or b"{}")
                if receiver.status == 200:
                    receiver.posts.append(document)
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str = "hook") -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    def __enter__(self) -> JsonReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
