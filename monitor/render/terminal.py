"""Rendering a Comparison in a terminal: plain text (no colour, a pipe) and rich (colour).

Chat and e-mail are messages.py's (text, markdown, HTML per channel); the web report is monitor/report's.
Both terminal forms share one selection and order (`select`): material clauses first, then minor ones, then
cosmetic ones only with `show_all`; hidden cosmetic edits are summed up in one line, and clauses past
`max_clauses` in an "and N more changes" line. A clause is shown whole or not at all.

Every clause shows its before and after with the changed words marked (the word diff is recomputed from
`old`/`new`, so renderers never parse the marker string). Vendor text is data, never markup: bidi
controls are dropped (render/markup.py, the one escaper), and rich output appends it as plain `Text`.

    >>> from monitor.engine.result import ClauseChange, Comparison
    >>> c = ClauseChange("modified", "Sale", "We never sell data.", "We sell data.", "", ("sale",),
    ...                  "material", "sale allowed", "expands")
    >>> print(render_text(Comparison(True, "material", ("sale",), "expands", "sale allowed", (c,))))
    MATERIAL change (sale; expands): sale allowed
    <BLANKLINE>
    [material] modified in "Sale" (sale; expands): sale allowed
      before: We [-never -]sell data.
      after:  We sell data.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console, Group
from rich.text import Text

from monitor.engine import worddiff
from monitor.engine.result import RANK, ClauseChange, Comparison
from monitor.render.markup import strip_bidi

__all__ = ["print_comparison", "render_rich", "render_text", "select"]


@dataclass(frozen=True)
class Selection:
    shown: tuple[ClauseChange, ...]
    hidden_noise: int  # cosmetic edits left out (show_all=False)
    overflow: int  # clauses left out by max_clauses


def select(cmp: Comparison, show_all: bool = False, max_clauses: int | None = None) -> Selection:
    """Which clauses to show, most important first (document order kept within a severity)."""
    ranked = sorted(cmp.clauses, key=lambda c: -RANK.get(c.severity, -1))  # sorted() is stable
    visible = [c for c in ranked if show_all or c.severity != "noise"]
    hidden = len(ranked) - len(visible)
    overflow = 0
    if max_clauses is not None and len(visible) > max_clauses:
        overflow = len(visible) - max_clauses
        visible = visible[:max_clauses]
    return Selection(tuple(visible), hidden, overflow)


def _ops(c: ClauseChange) -> worddiff.Ops:
    if c.type == "modified" and c.old is not None and c.new is not None:
        return worddiff.diff(c.old, c.new)
    if c.type == "added":
        return [(worddiff.INSERT, c.new or "")]
    if c.type == "removed":
        return [(worddiff.DELETE, c.old or "")]
    return [(worddiff.EQUAL, c.new or c.old or "")]


def _sides(c: ClauseChange) -> tuple[list[tuple[bool, str]] | None, list[tuple[bool, str]] | None]:
    """(before, after) as runs of (changed, text); None for a side the clause does not have."""
    ops = _ops(c)
    before = [(op == worddiff.DELETE, t) for op, t in ops if op != worddiff.INSERT] if c.old is not None else None
    after = [(op == worddiff.INSERT, t) for op, t in ops if op != worddiff.DELETE] if c.new is not None else None
    if c.type == "moved":
        before = None
    return before, after


def _label(c: ClauseChange) -> str:
    kind = c.type + (f" ({c.shape})" if c.shape else "")
    return f"[{c.severity}] {kind}"


def _tags(categories: tuple[str, ...], direction: str) -> str:
    bits = [", ".join(categories)] if categories else []
    if direction and direction != "none":
        bits.append(direction)
    return f" ({'; '.join(bits)})" if bits else ""


def _headline(cmp: Comparison) -> str:
    word = {"material": "MATERIAL change", "minor": "Minor change", "noise": "Cosmetic change only"}
    return f"{word.get(cmp.severity, cmp.severity)}{_tags(cmp.categories, cmp.direction)}: {cmp.reason}"


def _footer(sel: Selection, hint: str) -> list[str]:
    lines = []
    if sel.overflow:
        lines.append(f"and {sel.overflow} more change{'s' if sel.overflow > 1 else ''}")
    if sel.hidden_noise:
        n = sel.hidden_noise
        lines.append(f"{n} cosmetic edit{'s' if n > 1 else ''} hidden{hint}")
    return lines


# --- plain text ---------------------------------------------------------------------------------


def render_text(cmp: Comparison, show_all: bool = False, max_clauses: int | None = None) -> str:
    """Plain text for logs and terminals without color; changed words as [-removed-] / {+added+}."""
    if not cmp.clauses:
        return f"No change: {cmp.reason}"
    sel = select(cmp, show_all, max_clauses)
    lines = [_headline(cmp)]
    for c in sel.shown:
        where = f' in "{c.section}"' if c.section else ""
        lines += ["", f"{_label(c)}{where}{_tags(c.categories, c.direction)}: {c.reason}"]
        before, after = _sides(c)
        if before is not None:
            lines.append("  before: " + "".join(f"[-{t}-]" if ch else t for ch, t in before))
        if after is not None:
            lines.append("  after:  " + "".join(f"{{+{t}+}}" if ch else t for ch, t in after))
    footer = _footer(sel, "; --all shows them")
    return strip_bidi("\n".join(lines + ([""] if footer else []) + footer))  # no reordering of what is shown


# --- markdown -----------------------------------------------------------------------------------

_SEVERITY_STYLE = {"material": "bold red", "minor": "yellow", "noise": "dim"}


def _rich_runs(prefix: str, runs: list[tuple[bool, str]], style: str) -> Text:
    text = Text(prefix, style="dim")
    for changed, t in runs:
        text.append(strip_bidi(t), style=style if changed else None)  # plain text: no markup parsing
    return text


def render_rich(cmp: Comparison, show_all: bool = False, max_clauses: int | None = None) -> Group:
    """A rich renderable for the terminal: material first, changed words highlighted."""
    if not cmp.clauses:
        return Group(Text(f"No change: {cmp.reason}", style="dim"))
    sel = select(cmp, show_all, max_clauses)
    items: list[Text] = [Text(_headline(cmp), style=_SEVERITY_STYLE.get(cmp.severity, ""))]
    for c in sel.shown:
        head = Text("\n")
        head.append(_label(c), style=_SEVERITY_STYLE.get(c.severity, ""))
        if c.section:
            head.append(f" in {strip_bidi(c.section)}", style="cyan")
        head.append(f"{_tags(c.categories, c.direction)}: {c.reason}")
        items.append(head)
        before, after = _sides(c)
        if before is not None:
            items.append(_rich_runs("  before: ", before, "bold red strike"))
        if after is not None:
            items.append(_rich_runs("  after:  ", after, "bold green"))
    for line in _footer(sel, "; --all shows them"):
        items.append(Text(line, style="dim italic"))
    return Group(*items)


def print_comparison(console: Console, cmp: Comparison, show_all: bool = False) -> None:
    """Colours mark the changed words on a terminal; elsewhere (a pipe, a log, NO_COLOR) the text
    markers [-removed-]{+added+} do, so the words that changed are never lost."""
    if console.color_system is None:
        console.print(render_text(cmp, show_all=show_all), soft_wrap=True, markup=False, highlight=False)
    else:
        console.print(render_rich(cmp, show_all=show_all))
