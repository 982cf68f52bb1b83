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
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from lxml import etree

from monitor.comparison import Comparison
from monitor.extract import decode_body, detect_format, drop_tree, parse_html
from monitor.pages import page_text
from monitor.quality import Problem, assess, assess_change

# Below this many documents a run stays in one process: the pool's start-up (~0.3 s) would dominate.
POOL_THRESHOLD = 40

T = TypeVar("T")
log = logging.getLogger("monitor.analysis")


# Part of every fingerprint: a release that extracts differently must not trust older fingerprints.
EXTRACTION_VERSION = b"2"
# Elements the extractor drops whole and pages regenerate per request (their tails are kept).
_VOLATILE_TAGS = ("script", "style", "input", "noscript", "template")


def fingerprint(raw: bytes, content_type: str | None, name: str, select: str | None, remove: Sequence[str]) -> str:
    """A hash equal only when the page must give the same text: cheaper than extracting it.

    Built from the very tree the extractor walks (same decoding, same parser), minus what the
    extractor drops whole and pages regenerate on every request: scripts, styles, inputs, comments,
    meta tags without a charset, nonce attributes. Equal fingerprints mean equal text; a different one
    only means "extract and see". Non-HTML pages are fingerprinted byte for byte.
    """
    digest = hashlib.sha256(EXTRACTION_VERSION)
    for part in (content_type or "", select or "", "\x00".join(remove)):
        digest.update(b"\x00" + part.encode("utf-8", "replace"))
    digest.update(b"\x00")
    root = _volatile_free_tree(raw, content_type, name, select, remove)
    digest.update(raw if root is None else etree.tostring(root))
    return digest.hexdigest()


def _volatile_free_tree(raw, content_type, name, select, remove):  # noqa: ANN001, ANN202
    # A selector aimed at a dropped element would make its content count: no shortcut then.
    selectors = " ".join([select or "", *remove]).lower()
    if raw.startswith(b"%PDF-") or any(tag in selectors for tag in (*_VOLATILE_TAGS, "meta")):
        return None
    decoded = decode_body(raw, content_type)
    if detect_format(content_type, name, decoded[:1024]) != "html":
        return None
    root = parse_html(decoded)
    if root is None:
        return None
    etree.strip_elements(root, *_VOLATILE_TAGS, with_tail=False)
    for meta in list(root.iter("meta")):
        if meta.get("charset") is None and meta.get("http-equiv") is None:
            drop_tree(meta)
    etree.strip_attributes(root, "nonce")
    return root


def read_page(
    raw: bytes,
    content_type: str | None,
    name: str,
    select: str | None,
    remove: Sequence[str],
    latest: str | None = None,
    known: str | None = None,
) -> tuple[str | None, str, str]:
    """(text, its sha256, the page's fingerprint). The text is None when it is the `latest` version's:
    then no text is sent back between processes, and when the fingerprint is `known` (the one that
    gave `latest`) the page is not even extracted."""
    page = fingerprint(raw, content_type, name, select, remove)
    if latest is not None and page == known:
        return None, latest, page
    text = page_text(raw, content_type, name, select, remove)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return (None if digest == latest else text), digest, page


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
