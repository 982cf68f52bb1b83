"""Analysis workers: the CPU-bound half of a check (read a page, judge it) in a process pool, so a run
uses every core. In-process for small runs, where starting processes costs more than it saves.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

# Below this many documents a run stays in one process: the pool's start-up (~0.3 s) would dominate.
POOL_THRESHOLD = 40

T = TypeVar("T")
log = logging.getLogger("monitor.jobs.workers")


def worker_count(setting: int | None, documents: int) -> int:
    """settings.workers, or automatically one per core for runs large enough to gain from it."""
    if setting is not None:
        return setting
    return (os.cpu_count() or 1) if documents >= POOL_THRESHOLD else 0


class Workers:
    def __init__(self, count: int) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._warm: Future | None = None
        if count > 0:
            # forkserver: workers fork from a clean single-threaded server with the core preloaded,
            # never from this process, whose event loop and HTTP threads must not be forked.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["monitor.text.fingerprint", "monitor.engine.gate", "monitor.jobs.pagework"])
            self._pool = ProcessPoolExecutor(max_workers=count, mp_context=context)
            self._warm = self._pool.submit(int)  # starts the workers now, while the first pages download

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        # Until the workers are up (a few hundred ms) this process does the work itself, so the first
        # pages never wait for the pool to start.
        pool = self._pool
        if pool is not None and self._warm is not None and self._warm.done():
            try:
                future = asyncio.get_running_loop().run_in_executor(pool, function, *args)
            except (BrokenProcessPool, RuntimeError) as exc:  # submit refused: broken or shut down
                self._abandon(exc)
            else:
                try:
                    return await future  # an error raised by `function` itself propagates as it is
                except BrokenProcessPool as exc:  # a worker died (out of memory, killed)
                    self._abandon(exc)
        return function(*args)

    def _abandon(self, exc: BaseException) -> None:
        """Finish the run in this process; work already queued fails over to it one by one."""
        if self._pool is not None:
            log.warning("analysis workers unavailable (%s); continuing in-process", exc)
            pool, self._pool = self._pool, None
            pool.shutdown(wait=False, cancel_futures=False)  # never cancel another document's work

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
