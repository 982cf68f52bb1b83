"""The process pool for page analysis: same answers as in-process, errors arrive whole."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from monitor.analysis import Workers, judge_page, read_page, worker_count
from monitor.errors import ContentError
from pages import SALE, policy_html


def warmed(count: int) -> Workers:
    workers = Workers(count)
    deadline = time.monotonic() + 60
    while not workers._warm.done():  # noqa: SLF001 - the test waits for the pool it means to exercise
        assert time.monotonic() < deadline, "the worker pool did not start"
        time.sleep(0.02)
    return workers


def test_pool_answers_like_this_process_and_forwards_errors():
    workers = warmed(2)
    old, new = policy_html().encode(), policy_html(SALE).encode()

    async def go():
        text_old, sha_old = await workers.run(read_page, old, "text/html", "p.html", None, ())
        same, sha_same = await workers.run(read_page, old, "text/html", "p.html", None, (), sha_old)
        text_new, _ = await workers.run(read_page, new, "text/html", "p.html", None, ())
        problem, comparison = await workers.run(judge_page, text_new, text_old)
        with pytest.raises(ContentError, match="holds no text") as caught:
            await workers.run(read_page, b"", "text/html", "empty.html", None, ())
        return text_old, sha_old, same, sha_same, problem, comparison, caught.value

    try:
        text_old, sha_old, same, sha_same, problem, comparison, error = asyncio.run(go())
    finally:
        workers.close()
    assert (text_old, sha_old) == read_page(old, "text/html", "p.html", None, ())
    assert same is None and sha_same == sha_old  # unchanged: no text sent back
    assert problem is None and comparison.material and "sale" in comparison.categories
    assert error.hint  # the hint survived the trip between processes


def test_small_runs_stay_in_one_process():
    assert worker_count(None, 5) == 0
    assert worker_count(None, 500) == (os.cpu_count() or 1)
    assert worker_count(0, 500) == 0 and worker_count(3, 5) == 3
