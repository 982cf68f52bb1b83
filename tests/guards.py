"""A hang guard for property tests: an input the code under test never answers fails the test.

A guard against hangs (a super-linear step), not a speed assertion: the bound is generous, and
speed is measured in bench/.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def hang_guard(seconds: int, what: str = "the code under test") -> Iterator[None]:
    def fire(signum, frame):  # noqa: ANN001, ARG001
        raise AssertionError(f"{what} gave no answer in {seconds} s on one input: a hang")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
