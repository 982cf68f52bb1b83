"""Decoded page text → canonical text: keep the main content only (decode.py turns bytes into text and
tells the format first).

Canonical text, the contract with the clause engine (`clauses.py`):

    # Heading                 `#` × level (h1..h6, role=heading aria-level)

    A paragraph on one line, whitespace collapsed.
    A <br> starts a new line within its block.

    - list item               one list is one block; ordered lists also use `-`, so a renumbering
      - nested item           is never a change; two spaces per nesting level
    Name | Purpose | Expiry   a table is one block, one row per line, cells joined by ` | `
    Term                      a definition list is one block: term and definition on their own lines
    Definition

Blocks are separated by one blank line. Inline markup is dropped to its text; link targets are not kept.
Blockquote, pre, address, figcaption and details/summary come out as paragraphs.

Everything here is pure: bytes or text in, text out. `normalize.normalize_text` runs afterwards.

    >>> extract_text("<main><h2>Sharing</h2><p>We <b>never</b> sell data.</p></main>", "html")
    '## Sharing\\n\\nWe never sell data.\\n'
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import cssselect
from lxml import etree
from lxml.cssselect import CSSSelector

from monitor.errors import ConfigError, ContentError
from monitor.text.content import dropped, main_content, outermost
from monitor.text.decode import decode_body, detect_format  # noqa: F401 - re-exported: part of this module's interface

FORMATS = ("html", "markdown", "text", "pdf")

# --- selectors ----------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _compile(selector: str) -> CSSSelector:
    return CSSSelector(selector, translator="html")


def validate_selector(selector: str) -> str | None:
    """None when the CSS selector compiles, else a short reason (for config validation)."""
    if not selector.strip():
        return "the selector is empty"
    try:
        _compile(selector)
    except cssselect.SelectorError as exc:
        return str(exc) or type(exc).__name__
    return None


def _select(root: etree._Element, selector: str) -> list[etree._Element]:
    problem = validate_selector(selector)
    if problem:
        raise ConfigError(f"invalid CSS selector {selector!r}: {problem}", "fix the selector in the watchlist")
    return _compile(selector)(root)


# --- the walk -----------------------------------------------------------------------------------

_BREAK = "\x00"  # a <br>: libxml2 never leaves NUL in text, so this marker cannot collide
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_SECTIONING = frozenset({"article", "section", "main"})
_INLINE = frozenset(
    "a abbr b bdi bdo cite code data del dfn em font i ins kbd label mark q s samp small span strong sub sup "
    "time tt u var wbr big nobr".split()
)
_LAYOUT_MARKERS = ("h1", "h2", "h3", "h4", "h5", "h6", "table")


# What to do when an element ends, after its children.
_FLUSH, _FLUSH_LINE, _END_BLOCK, _SPACE, _ROW, _CELL, _LIST = range(7)


class _Walker:
    """One pass over the content tree, building blocks of lines.

    Iterative, with an explicit stack: pages nested a few hundred levels deep exist, and would exhaust
    Python's recursion limit. `enter` works before an element's children and names what `leave` does
    after them; `leave` also restores the state the element started with.
    """

    def __init__(self, drop_page_chrome: bool) -> None:
        self.blocks: list[list[str]] = []
        self.group: list[str] | None = None  # the open list/table/dl block
        self.buf: list[str] = []
        self.prefix = ""
        self.inline = 0  # > 0: inside a heading, item, cell or term, where blocks are only spaces
        self.item_inline = -1  # the `inline` level of the current <li>'s own text
        self.list_depth = 0
        self.pre = 0
        self.sectioning = 0
        self.row: list[str] | None = None
        self.tables: list[bool] = []  # per open table: True when it holds data, False for layout
        self.drop_page_chrome = drop_page_chrome

    def state(self) -> tuple[object, ...]:
        return (self.prefix, self.inline, self.item_inline, self.list_depth, self.pre, self.sectioning,
                self.row, len(self.tables))  # fmt: skip

    def restore(self, state: tuple[object, ...]) -> None:
        (self.prefix, self.inline, self.item_inline, self.list_depth, self.pre, self.sectioning,
         self.row, n) = state  # type: ignore[assignment]  # fmt: skip
        del self.tables[n:]  # type: ignore[misc]

    # output

    def flush(self, grouped: bool = False) -> None:
        if not self.buf:
            return
        text = "".join(self.buf)
        self.buf.clear()
        lines = [line for line in (" ".join(part.split()) for part in text.split(_BREAK)) if line]
        if not lines:
            return
        lines[0] = self.prefix + lines[0]
        if grouped:
            if self.group is None:
                self.group = []
                self.blocks.append(self.group)
            self.group.extend(lines)
        else:
            self.group = None
            self.blocks.append(lines)

    def end_block(self) -> None:
        self.flush()
        self.group = None

    def text(self) -> str:
        return "\n\n".join("\n".join(block) for block in self.blocks) + ("\n" if self.blocks else "")

    # traversal

    def add(self, s: str | None) -> None:
        if s:
            self.buf.append(s.replace("\n", _BREAK) if self.pre and not self.inline else s)

    def walk(self, root: etree._Element) -> None:
        """Walk one content root (never itself tested for dropping: it was chosen as content)."""
        state = self.state()
        stack = [(iter(root), self.enter(root, root.tag), state, root)]
        self.add(root.text)
        while stack:
            children, action, state, el = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                self.leave(action, state)
                if stack:  # the root's tail lies outside the content
                    self.add(el.tail)
                continue
            tag = child.tag
            if not isinstance(tag, str) or dropped(child, tag) or self.page_chrome(tag):
                self.add(child.tail)
            elif tag == "br":
                self.buf.append(" " if self.inline else _BREAK)
                self.add(child.tail)
            elif tag in _INLINE:  # changes no state: nothing to save or restore
                stack.append((iter(child), None, None, child))
                self.add(child.text)
            else:
                state = self.state()
                stack.append((iter(child), self.enter(child, tag), state, child))
                self.add(child.text)

    def page_chrome(self, tag: str) -> bool:
        return self.drop_page_chrome and self.sectioning == 0 and tag in ("header", "footer")

    def enter(self, el: etree._Element, tag: str) -> int:
        inline = self.inline
        if tag in ("ul", "ol", "menu", "dir") and (not inline or inline == self.item_inline):
            if inline:  # nested directly in an item: the item's own text so far becomes its line
                self.flush(grouped=True)
                self.inline, self.item_inline = 0, -1
            else:
                self.flush()
                if self.list_depth == 0:
                    self.group = None
            self.list_depth += 1
            return _LIST
        if tag == "li" and (not inline or inline == self.item_inline):
            self.flush(grouped=bool(inline))
            self.prefix = "  " * max(self.list_depth - 1, 0) + "- "
            self.inline = self.item_inline = inline + 1
            return _FLUSH_LINE
        if tag in _HEADINGS or el.get("role", "").strip().lower() == "heading":
            if not inline:
                self.flush()
                self.prefix = "#" * (_HEADINGS.get(tag) or _aria_level(el.get("aria-level"))) + " "
                self.inline += 1
                return _FLUSH
        elif tag == "table" and not inline:
            # A page laid out in a table holds headings or tables in its cells: read its cells as blocks.
            data = not any(next(cell.iter(*_LAYOUT_MARKERS), None) is not None for cell in el.iter("td", "th"))
            self.end_block()
            self.tables.append(data)
            self.row = None
            return _END_BLOCK
        elif tag == "tr" and self.tables and self.tables[-1] and not inline:
            self.flush()
            self.row = []
            return _ROW
        elif tag in ("td", "th") and self.row is not None and not inline:
            self.buf.clear()  # whitespace between cells
            self.inline += 1
            return _CELL
        elif tag in ("dt", "dd") and not inline:
            self.flush()
            self.inline += 1
            return _FLUSH_LINE
        elif tag == "dl" and not inline:
            self.end_block()
            return _END_BLOCK
        if inline:
            self.buf.append(" ")
            return _SPACE
        self.flush()
        self.sectioning += tag in _SECTIONING
        self.pre += tag in ("pre", "listing", "xmp", "plaintext")
        return _FLUSH

    def leave(self, action: int | None, state: tuple[object, ...] | None) -> None:
        if state is None:
            return
        if action == _FLUSH:
            self.flush()
        elif action == _FLUSH_LINE:
            self.flush(grouped=True)
        elif action == _SPACE:
            self.buf.append(" ")
        elif action == _ROW:
            self.buf.clear()
            if self.row and any(self.row):
                self.buf.append(" | ".join(self.row))
                self.flush(grouped=True)
        elif action == _CELL:
            if self.row is not None:
                self.row.append(" ".join("".join(self.buf).split()))
            self.buf.clear()
        self.restore(state)
        if action == _END_BLOCK or action == _LIST and not self.inline and self.list_depth == 0:
            self.end_block()


def _aria_level(value: str | None) -> int:
    try:
        return min(max(int(value or "2"), 1), 6)
    except ValueError:
        return 2


# --- entry point --------------------------------------------------------------------------------

# A plain etree parser, not lxml.html's: its per-element Python class lookup triples the walk's cost.
# huge_tree: libxml2 otherwise stops at 256 levels and silently drops the rest of the page.
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)


def parse_html(text: str) -> etree._Element | None:
    """The tree extraction walks; also what analysis.fingerprint hashes."""
    return _parse(text)


def _parse(text: str) -> etree._Element | None:
    # Parsing UTF-8 bytes with the encoding fixed: a str with an XML declaration is refused by lxml,
    # and a <meta charset> must not make libxml2 re-decode text that is already decoded.
    if not text.strip():
        return None
    root = etree.fromstring(text.encode("utf-8", "replace"), parser=_PARSER)
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in _PARSER.error_log):
        # Deeper than even huge_tree allows: libxml2 dropped everything below and after that depth.
        from monitor.text.deep import parse_deep

        return parse_deep(text)
    return root  # None when libxml2 found no element at all


def extract_text(text: str, fmt: str, *, select: str | None = None, remove: Sequence[str] = ()) -> str:
    """The canonical text of a page's main content (see the module docstring).

    markdown and text come back as they are: normalize_text does their cleanup and the clause engine
    reads markdown itself.
    """
    if fmt in ("markdown", "text"):
        return text
    if fmt == "pdf":
        raise ContentError("the document is a PDF", "PDF policies are not supported yet")
    if fmt != "html":
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    root = _parse(text)
    if root is None:
        if select:
            raise _nothing_matched(select)
        return ""
    if select:
        roots, chrome = outermost(_select(root, select)), False
        if not roots:
            raise _nothing_matched(select)
    else:
        roots, chrome = main_content(root)
    removed = [el for selector in remove for base in roots for el in _select(base, selector)]
    roots = [r for r in roots if r not in removed]
    for el in removed:
        drop_tree(el)
    walker = _Walker(drop_page_chrome=chrome)
    for base in roots:
        walker.walk(base)
        walker.end_block()
    return walker.text()


def drop_tree(el: etree._Element) -> None:
    """Remove an element but keep its tail text, which belongs to its parent (lxml.html's drop_tree)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _nothing_matched(select: str) -> ContentError:
    return ContentError(
        f"selector {select!r} matched nothing on the page",
        "the site's markup may have changed: check the document's `select` in the watchlist, "
        "or remove it to let the main content be found automatically",
    )
