"""Hostile inputs written from scratch (no real policy text): shared by the tests and bench/hostile.py."""

from __future__ import annotations

import zlib

from pages import pdf


def _stream(data: bytes, flate: bool = False) -> bytes:
    if flate:
        data = zlib.compress(data, 9)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def pdf_many_page_refs(pages: int, words: int = 200) -> bytes:
    """`pages` references to one page whose content stream draws `words` words: tiny file, huge text."""
    text = b"BT /F1 11 Tf 72 720 Td " + b" ".join(b"(term%d) Tj" % i for i in range(words)) + b" ET"
    kids = b" ".join([b"3 0 R"] * pages)
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(text),
        _FONT,
    ])


def pdf_flate_bomb(size: int = 1 << 30) -> bytes:
    """One page whose content stream inflates to `size` bytes of spaces."""
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(b" " * size, flate=True),
        _FONT,
    ])


def pdf_page_tree_bomb(depth: int = 40) -> bytes:
    """A page tree whose every node lists the next one twice: 2**depth leaves from `depth` objects."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        child = level + 3
        objects.append(b"<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count %d >>" % (child, child, 2 ** (depth - level)))
    objects.append(b"<< /Type /Page /MediaBox [0 0 612 792] /Contents %d 0 R >>" % (depth + 3))
    objects.append(_stream(b"BT /F1 11 Tf 72 720 Td (leaf) Tj ET"))
    return pdf(objects)


def deep_html(depth: int) -> str:
    return ("<html><body><main><h1>Privacy</h1>" + "<div>" * depth + "<p>We never sell data.</p>" + "</div>" * depth
            + "<p>We keep request logs for thirty days.</p></main></body></html>")
