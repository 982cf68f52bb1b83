"""The HTTP policy, with httpx's MockTransport (no sockets): retries, Retry-After, size cap, 304."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import httpx
import pytest

from monitor.config import Settings
from monitor.errors import FetchError
from monitor.sources.vendor import Fetcher, parse_retry_after


def fetch(handler, url="https://vendor.example/privacy", **settings):
    async def go():
        async with Fetcher(Settings(retry_backoff=0, **settings), transport=httpx.MockTransport(handler)) as f:
            return await f.fetch(url)

    return asyncio.run(go())


def test_transient_errors_are_retried_then_succeed():
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(503) if len(calls) < 3 else httpx.Response(200, text="policy")

    result = fetch(handler, retries=2)
    assert (result.status, result.body, result.attempts) == (200, b"policy", 3)


def test_retries_are_bounded():
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(502)

    with pytest.raises(FetchError, match="HTTP 502") as caught:
        fetch(handler, retries=1)
    assert len(calls) == 2
    assert caught.value.status == 502


def test_a_long_retry_after_fails_now_instead_of_holding_the_run():
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(429, headers={"Retry-After": "3600"})

    with pytest.raises(FetchError, match="HTTP 429"):
        fetch(handler, retries=3, max_retry_wait=5)
    assert len(calls) == 1


def test_client_errors_are_final():
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(404)

    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(handler, retries=3)
    assert len(calls) == 1


def test_body_over_the_cap_fails():
    with pytest.raises(FetchError, match="max_bytes"):
        fetch(lambda r: httpx.Response(200, content=b"x" * 5000), max_bytes=1024)


def test_user_agent_and_conditional_headers_are_sent():
    seen = {}

    def handler(request):
        seen.update(request.headers)
        return httpx.Response(304)

    async def go():
        async with Fetcher(Settings(), transport=httpx.MockTransport(handler)) as f:
            return await f.fetch("https://v.example/p", etag='"abc"', last_modified="Mon, 02 Mar 2026 10:00:00 GMT")

    result = asyncio.run(go())
    assert result.not_modified and result.body == b""
    assert seen["user-agent"].startswith("policy-monitor/")
    assert seen["if-none-match"] == '"abc"'
    assert seen["if-modified-since"] == "Mon, 02 Mar 2026 10:00:00 GMT"


@pytest.mark.parametrize(
    "value, expected",
    [("120", 120.0), ("Sun, 22 Nov 2026 10:01:00 GMT", 60.0), ("soon", None), (None, None), ("Sun, 22 Nov 2026 09:00:00 GMT", 0.0)],
)
def test_parse_retry_after(value, expected):
    now = datetime(2026, 11, 22, 10, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after(value, now=now) == expected
