"""Analysis workers: the CPU-bound half of a document's work (read a page, judge it, compare it) in
worker processes that can be killed.

A page is input from the internet: a regex that backtracks or a parse that never ends runs in C and
cannot be interrupted, so a document's analysis runs in a process of our own with a deadline. Past it,
the process is killed, a fresh one replaces it on demand, and the document fails with the reason:

    analysis took over 60 s (settings.analysis_budget): 1,000,000 paragraphs

`Workers(0)` runs everything in this process (tests, `diff`); nothing can be stopped there, so the
budget only applies with at least one worker.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from monitor.errors import ContentError

T = TypeVar("T")
log = logging.getLogger("monitor.jobs.workers")

# Address space a worker may map. A page that needs more fails as a content error, in its worker,
# instead of the machine swapping or the OOM killer choosing a victim.
WORKER_MEMORY = 1536 * 1024 * 1024
STARTUP_DEADLINE = 60.0  # seconds for a worker to come up, on a loaded machine
# What the forkserver imports once, so each worker forks with the core already loaded.
_PRELOAD = ["monitor.text.fingerprint", "monitor.engine.gate", "monitor.jobs.pagework"]


class AnalysisTimeout(ContentError):
    """A document's analysis went over settings.analysis_budget; its worker was killed."""


def worker_count(setting: int | None, documents: int) -> int:
    """settings.workers, or one per core (at most one per document): killable workers always."""
    if setting is not None:
        return setting
    return max(1, min(os.cpu_count() or 1, documents))


def analysis_budget(settings: Any) -> dict[str, float]:
    """`run`'s deadline options for one document, from now: `workers.run(f, *args, **budget)`."""
    return {"deadline": time.monotonic() + settings.analysis_budget, "budget": settings.analysis_budget}


def describe_page(raw: bytes) -> str:
    """What the parent knows of a page it sent away: its size."""
    return f"a {len(raw) / 1e6:,.1f} MB page" if len(raw) >= 100_000 else f"a {len(raw):,}-byte page"


def describe_text(text: str) -> str:
    """'1,000,000 paragraphs': the measure of a text that makes its analysis slow."""
    paragraphs = text.count("\n\n") + 1
    return f"{paragraphs:,} paragraph{'s' if paragraphs != 1 else ''}, {len(text):,} characters"


def _serve(conn: Connection, memory: int | None) -> None:
    """A worker's life: run what it is sent, send back ("ok", value) or ("error", exception)."""
    if memory:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        except (ImportError, ValueError, OSError):  # no rlimits here: the budget still holds
            pass
    conn.send("ready")  # the parent counts a document's budget from here, not from the fork
    while True:
        try:
            function, args = conn.recv()
        except (EOFError, OSError):
            return  # the run is over
        try:
            answer: tuple[str, Any] = ("ok", function(*args))
        except MemoryError:
            answer = ("error", ContentError(f"analysis needed more than {WORKER_MEMORY // 2**20} MiB of memory"))
        except Exception as exc:  # noqa: BLE001 - forwarded whole; the caller decides
            answer = ("error", exc)
        try:
            conn.send(answer)
        except Exception as exc:  # noqa: BLE001 - an unpicklable answer must still get an answer
            conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


class _Process:
    def __init__(self, context: Any, memory: int | None) -> None:
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_serve, args=(child, memory), daemon=True)
        self.process.start()
        child.close()
        # Until it is up (the forkserver's first start imports the core), its time is no page's.
        try:
            ready = self.conn.poll(STARTUP_DEADLINE) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.kill()
            raise ContentError(f"an analysis worker did not start within {STARTUP_DEADLINE:g} s")

    def kill(self) -> None:
        self.conn.close()
        self.process.kill()
        self.process.join(5)

    def stop(self) -> None:
        self.conn.close()  # the worker sees EOF and returns
        self.process.join(2)
        if self.process.is_alive():
            self.kill()


class Workers:
    """Up to `count` worker processes shared by one run; `await workers.run(f, *args, deadline=...)`."""

    def __init__(self, count: int, memory: int | None = WORKER_MEMORY) -> None:
        self.count = count
        self.memory = memory
        self._idle: list[_Process] = []
        self._all: set[_Process] = set()
        self._slots: asyncio.Semaphore | None = None
        self._context = None
        if count > 0:
            # forkserver: workers fork from a clean single-threaded server with the core preloaded,
            # never from this process, whose event loop and HTTP threads must not be forked.
            self._context = multiprocessing.get_context("forkserver")
            self._context.set_forkserver_preload(_PRELOAD)

    async def run(self, function: Callable[..., T], *args: Any, deadline: float | None = None,
                  budget: float | None = None, about: str = "") -> T:
        """`function(*args)` in a worker; past `deadline` (time.monotonic()) the worker is killed and
        AnalysisTimeout says `budget` and `about`. An error raised by `function` propagates as it is."""
        if self.count == 0:
            return function(*args)
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.count)
        queued = time.monotonic()
        async with self._slots:
            worker = self._idle.pop() if self._idle else await asyncio.to_thread(self._start)
            if deadline is not None:  # waiting for a free worker, or for one to start, is not this work's time
                deadline += time.monotonic() - queued
            try:
                status, value = await self._ask(worker, function, args, deadline)
            except TimeoutError:
                self._discard(worker)
                raise AnalysisTimeout(_over_budget(budget, about)) from None
            except (EOFError, OSError, BrokenPipeError) as exc:  # killed from outside, out of memory
                self._discard(worker)
                raise ContentError(f"analysis worker died ({type(exc).__name__}){_suffix(about)}") from None
            except BaseException:  # cancelled: the worker may be mid-task, so it cannot be reused
                self._discard(worker)
                raise
            self._idle.append(worker)
        if status == "error":
            raise value
        return value

    def _start(self) -> _Process:
        worker = _Process(self._context, self.memory)
        self._all.add(worker)
        return worker

    async def _ask(self, worker: _Process, function: Callable, args: tuple, deadline: float | None) -> tuple[str, Any]:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future = loop.create_future()
        fd = worker.conn.fileno()

        def readable() -> None:
            loop.remove_reader(fd)
            if answer.done():
                return
            try:
                answer.set_result(worker.conn.recv())
            except BaseException as exc:  # noqa: BLE001 - EOF when the worker died
                answer.set_exception(exc)

        worker.conn.send((function, args))
        loop.add_reader(fd, readable)
        try:
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            return await asyncio.wait_for(asyncio.shield(answer), timeout)
        finally:
            loop.remove_reader(fd)

    def _discard(self, worker: _Process) -> None:
        self._all.discard(worker)
        try:
            worker.kill()
        except Exception as exc:  # noqa: BLE001 - it is gone either way
            log.debug("killing an analysis worker: %s", exc)

    def close(self) -> None:
        for worker in list(self._all):
            worker.stop()
        self._all.clear()
        self._idle.clear()


def _over_budget(budget: float | None, about: str) -> str:
    limit = f"over {budget:g} s (settings.analysis_budget)" if budget is not None else "too long"
    return f"analysis took {limit}{_suffix(about)}"


def _suffix(about: str) -> str:
    return f": {about}" if about else ""
