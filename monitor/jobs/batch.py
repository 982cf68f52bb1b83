"""Plain unchanged checks written in batches: most of a run's documents are unchanged, and one
transaction each (three statements, a commit) was the largest share of the event loop's time after
fetching. A batch is written when it holds `size` checks or its first is `max_age` seconds old, and
at the end of the run; a run killed in between loses at most that many "checked, unchanged" rows,
which record no version and which the next run writes again.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from monitor.store.store import Observation, Store


class UnchangedBatch:
    def __init__(self, store: Store, run_id: int, size: int = 64, max_age: float = 0.5,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store, self.run_id, self.size, self.max_age, self._clock = store, run_id, size, max_age, clock
        self._items: list[Observation] = []
        self._since = 0.0

    @staticmethod
    def takes(obs: Observation) -> bool:
        """Only what record() would write with its three prebuilt statements: no validators, no fingerprint."""
        return obs.outcome == "unchanged" and obs.etag is None and obs.last_modified is None and obs.fingerprint is None

    def add(self, obs: Observation) -> None:
        if not self._items:
            self._since = self._clock()
        self._items.append(obs)
        if len(self._items) >= self.size or self._clock() - self._since >= self.max_age:
            self.flush()

    def flush(self) -> None:
        items, self._items = self._items, []
        if items:
            self.store.record_unchanged_many(self.run_id, items)
