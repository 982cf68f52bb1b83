"""From a page's bytes to the normalized policy text: decode → detect format → extract → normalize.

Pure: the same bytes always give the same text; `check`, `backfill` and `diff FILE FILE` share it.
"""

from __future__ import annotations

from collections.abc import Sequence

from monitor.errors import ContentError
from monitor.extract import decode_body, detect_format, extract_text
from monitor.normalize import normalize_text


def page_text(
    raw: bytes,
    content_type: str | None,
    name: str = "",
    select: str | None = None,
    remove: Sequence[str] = (),
) -> str:
    """The normalized text of one page; raises ContentError when there is no usable text."""
    decoded = decode_body(raw, content_type)
    fmt = detect_format(content_type, name, decoded[:1024])
    if fmt == "pdf":
        raise ContentError(f"{name or 'the page'} is a PDF", "PDF policies are not supported yet")
    text = normalize_text(extract_text(decoded, fmt, select=select, remove=tuple(remove)))
    if not text.strip():
        raise ContentError(f"{name or 'the page'} holds no text", "check the URL, or the document's select/remove")
    return text
