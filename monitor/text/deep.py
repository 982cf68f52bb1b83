"""A page nested deeper than libxml2 will go (2,048 levels even with huge_tree) parsed without losing
a word: the stdlib's event parser feeds a tree that stops nesting at `MAX_DEPTH`, so text below that
depth joins the deepest element kept instead of vanishing.

libxml2 drops everything below and after its depth limit and reports it only in its error log; a page
cut like that must never become a version (extract.py calls this when that error is logged).
"""

from __future__ import annotations

from html.parser import HTMLParser

from lxml import etree

MAX_DEPTH = 1000
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Text the extractor drops whole must stay inside its element, however deep.
_RAW = frozenset({"script", "style", "template", "noscript", "textarea", "title"})


class _FlatTree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = etree.Element("html")
        self.stack: list[etree._Element] = [self.root]
        self.unopened: list[str] = []  # tags past MAX_DEPTH: not nested, their text kept

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html" and len(self.stack) == 1:
            self._set(self.root, attrs)
            return
        if len(self.stack) >= MAX_DEPTH and tag not in _VOID and tag not in _RAW:
            self.unopened.append(tag)
            return
        try:
            el = etree.SubElement(self.stack[-1], tag)
        except ValueError:  # not a name an XML tree can hold: keep its text in the parent
            return
        self._set(el, attrs)
        if tag not in _VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.unopened and self.unopened[-1] == tag:
            self.unopened.pop()
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return
        # An end tag with no open element: ignored, as browsers do.

    def handle_data(self, data: str) -> None:
        parent = self.stack[-1]
        if len(parent):
            last = parent[-1]
            last.tail = (last.tail or "") + data
        else:
            parent.text = (parent.text or "") + data

    @staticmethod
    def _set(el: etree._Element, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            try:
                el.set(name, value or "")
            except (ValueError, TypeError):  # an attribute name XML cannot hold is no content
                pass


def parse_deep(text: str) -> etree._Element:
    """The page's tree, nesting capped at MAX_DEPTH, every text node kept."""
    builder = _FlatTree()
    builder.feed(text.replace("\x00", "\ufffd"))
    builder.close()
    return builder.root
