"""Hostile input to the clause engine and the quality gate: every example gets an answer or a clean
error. An alarm per example guards against a hang (a regex or an alignment gone super-linear); it is
a guard, not a speed assertion: bench/adversarial_inputs.py prints the times."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guards import hang_guard

from monitor.engine.gate import judge_pair
from monitor.errors import MonitorError

HANG_SECONDS = 60  # far above any linear cost of these sizes on a loaded machine

POLICY = (
    "# Sharing\n\nWe share data with payment processors. We never sell your data.\n\n"
    "# Retention\n\nWe keep logs for 30 days. You can delete your account at any time.\n"
)
# The pieces markup parsers and sentence splitters trip on, repeated to length.
PIECES = ["[", "![", "](", "[a](", ")", "(", ".", ". ", "...", "*", "_", "**", "#", "# ", "|", "| ", "-", "\n",
          "\n\n", " ", "e.g. ", "Inc. ", "word", "Word. ", "a", "`", "<b>", "\\", "1. ", "…", "。", "We share data."]



hostile = st.builds(
    lambda parts, times: "".join(parts) * times,
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=6),
    st.integers(min_value=1, max_value=6000),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(old=st.one_of(st.just(POLICY), hostile), new=hostile)
def test_hostile_text_gets_an_answer_or_a_clean_error(old, new):
    with hang_guard(HANG_SECONDS, "the clause engine"):
        try:
            verdict = judge_pair(old, new)
        except MonitorError:
            return  # a clean, reported error is an answer too
    assert verdict.quality["problem"] in {"none", "outage", "wall", "truncated", "replaced", "language"}
    assert isinstance(verdict.verdict, str) and verdict.verdict


@pytest.mark.parametrize("text", [
    "a" * 80_000, "." * 100_000, "[" * 100_000, "![" * 50_000, "[a](" * 50_000, "Word. " * 50_000,
    "lorem ipsum " * 50_000, "*a " * 30_000, "e.g. " * 30_000, "# a" + " " * 50_000 + "b",
])
def test_the_known_slow_inputs_are_answered(text):
    with hang_guard(HANG_SECONDS, "the clause engine"):
        verdict = judge_pair(POLICY, text)
    assert verdict.verdict
