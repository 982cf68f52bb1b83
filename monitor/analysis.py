"""The CPU-bound half of a check, runnable in worker processes so a run uses every core.

`read_page` and `judge_page` are pure (bytes and text in, values out); `Workers` runs them in a
process pool for large runs and in-process for small ones, where starting processes costs more than
it saves.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import multiprocessing
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from monitor.comparison import Comparison
from monitor.pages import page_text
from monitor.quality import Problem, assess, assess_change

# Below this many documents a run stays in one process: the pool's start-up (~0.3 s) would dominate.
POOL_THRESHOLD = 40

T = TypeVar("T")
log = logging.getLogger("monitor.analysis")


# Parts of an HTML page that can never reach its extracted text (extract.py drops them whole) and
# that pages regenerate on every request: scripts, styles, comments, form inputs, meta tags other
# than the charset, and nonce attributes. Everything else counts, bytes as they are.
_VOLATILE_START = re.compile(
    rb"<(script|style)\b[^>]*>"
    rb"|<!--"
    rb"|<input\b[^>]*>"
    rb"|<meta\b(?![^>]*(?:charset|http-equiv))[^>]*>"
)
# A literal prefix lets the regex engine skip ahead; a nonce after a tab or newline is simply kept
# (the page then takes the full path, which is always correct).
_NONCE = re.compile(rb" nonce=(?:\"[^\"]*\"|'[^']*'|[^\s>]*)", re.IGNORECASE)
_VOLATILE_END = {b"script": b"</script", b"style": b"</style", None: b"-->"}


def _without_volatile(raw: bytes) -> bytes:
    # The ends of scripts and comments are found with bytes.find: a lazy regex walks them byte by byte.
    lowered = raw.lower()
    kept, pos = [], 0
    while (match := _VOLATILE_START.search(lowered, pos)) is not None:
        kept.append(raw[pos:match.start()])
        pos = match.end()
        if match.group(1) is not None or match.group(0) == b"<!--":  # skip to the end of it
            end = lowered.find(_VOLATILE_END[match.group(1)], pos)
            if end < 0:  # never closed: keep the rest, as a browser would show it
                return _NONCE.sub(b"", b"".join(kept) + raw[match.start():])
            pos = lowered.find(b">", end) + 1 or len(raw)
    kept.append(raw[pos:])
    return _NONCE.sub(b"", b"".join(kept))


# Part of every fingerprint: a release that extracts differently must not trust older fingerprints.
EXTRACTION_VERSION = b"1"


def fingerprint(raw: bytes, content_type: str | None, select: str | None, remove: Sequence[str]) -> str:
    """A hash that is equal only when the page would give the same text, cheaper than extracting it.

    Conservative by construction: it ignores only what the extractor drops anyway, so equal
    fingerprints mean equal text, while a different fingerprint just means "extract and see".
    """
    digest = hashlib.sha256(EXTRACTION_VERSION)
    for part in (content_type or "", select or "", "\x00".join(remove)):
        digest.update(b"\x00" + part.encode("utf-8", "replace"))
    digest.update(b"\x00")
    digest.update(_without_volatile(raw))
    return digest.hexdigest()


def read_page(
    raw: bytes, content_type: str | None, name: str, select: str | None, remove: Sequence[str], known: str | None = None
) -> tuple[str | None, str]:
    """The page's normalized text and its sha256; the text is None when its sha256 is `known` (the
    latest version's), so an unchanged page costs no text sent back between processes."""
    text = page_text(raw, content_type, name, select, remove)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return (None if digest == known else text), digest


def judge_page(text: str, previous: str | None) -> tuple[Problem | None, Comparison | None]:
    """The quality gate, then the clause engine against the previous version, then the second gate."""
    problem = assess(text, previous)
    if problem is not None or previous is None:
        return problem, None
    comparison = compare(previous, text)
    return assess_change(comparison.kept, previous), comparison


def compare(old: str, new: str) -> Comparison:
    """The clause engine, loaded on first use: a run that finds nothing changed never needs it."""
    from monitor.engine import compare as engine_compare

    return engine_compare(old, new)


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
            context.set_forkserver_preload(["monitor.analysis"])
            self._pool = ProcessPoolExecutor(max_workers=count, mp_context=context)
            self._warm = self._pool.submit(int)  # starts the workers now, while the first pages download

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        # Until the workers are up (a few hundred ms) this process does the work itself, so the first
        # pages never wait for the pool to start.
        if self._pool is not None and self._warm is not None and self._warm.done():
            try:
                return await asyncio.get_running_loop().run_in_executor(self._pool, function, *args)
            except (BrokenProcessPool, RuntimeError) as exc:
                # A worker died (out of memory, killed) or could not start (an embedding script
                # without a __main__ guard): finish the run in this process rather than fail it.
                log.warning("analysis workers unavailable (%s); continuing in-process", exc)
                self.close()
        return function(*args)

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
