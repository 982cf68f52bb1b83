"""Tables that were pictures: a page that showed a table as an image now carries it as text.

The old version had an image where the new one has a table (the clauses around it are the same, and
nothing else stood between them); the rows state what the picture showed, so they are no new
practice. The engine cannot read the picture, and the rubric counts an image as formatting.

    >>> old = "# Notice\\n\\nWe list what we share.\\n\\n![What we share](chart.png)\\n\\nAsk us anything."
    >>> new = "# Notice\\n\\nWe list what we share.\\n\\n| Data | Recipient |\\n| --- | --- |\\n| Email | Hosts |\\n\\nAsk us anything."
    >>> from monitor.engine.compare import compare
    >>> compare(old, new).severity
    'noise'
"""

from __future__ import annotations

import re
from typing import Sequence

from monitor.engine.align import ADDED, MOVED, UNCHANGED, Pair
from monitor.engine.clauses import ROW, Clause
from monitor.engine.result import ClauseChange

# a line that is nothing but an image (possibly linked): "![alt](src)" or "[![alt](src)](href)"
_IMAGE_LINE = re.compile(r"^[ \t]*\[?!\[[^\]\n]*\]\([^)\n]*\)(?:\]\([^)\n]*\))?[ \t]*$", re.M)
REASON = "a table that was an image in the old version: its rows show what the picture showed"


def pictured_rows(old_text: str, new_text: str, pairs: Sequence[Pair], new: Sequence[Clause]) -> dict[int, ClauseChange]:
    """ids of added row pairs that stand where the old version had an image → their noise change."""
    images = _IMAGE_LINE.findall(old_text)
    if not images:
        return {}
    gone = sum(1 for line in set(images) if line.strip() not in new_text)
    if not gone:
        return {}
    old_of = {p.new[0]: p.old[0] for p in pairs if p.type in (UNCHANGED, MOVED) and len(p.new) == len(p.old) == 1}
    added = {p.new[0]: p for p in pairs if p.type == ADDED and len(p.new) == 1}
    out: dict[int, ClauseChange] = {}
    for start, end in _row_runs(new):
        if gone <= 0:
            break
        if not all(j in added for j in range(start, end)):
            continue
        before, after = old_of.get(start - 1), old_of.get(end)
        if before is None or after is None or after != before + 1:
            continue  # not in place of something the old version held between the same two clauses
        gone -= 1
        for j in range(start, end):
            c = new[j]
            out[id(added[j])] = ClauseChange(ADDED, " > ".join(c.section), None, c.text, f"{{+{c.text}+}}", (),
                                             "noise", REASON, "none")
    return out


def _row_runs(new: Sequence[Clause]) -> list[tuple[int, int]]:
    """[start, end) of each run of consecutive table rows."""
    runs, start = [], None
    for j, c in enumerate([*new, None]):
        if c is not None and c.kind == ROW:
            start = j if start is None else start
        elif start is not None:
            runs.append((start, j))
            start = None
    return runs
