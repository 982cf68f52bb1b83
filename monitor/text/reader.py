"""From a page's bytes to the normalized policy text: decode → detect format → extract → normalize.

Pure: the same bytes always give the same text; `check`, `backfill` and `diff FILE FILE` share it.
"""

from __future__ import annotations

from collections.abc import Sequence

from monitor.errors import ContentError
from monitor.text.extract import decode_body, detect_format, extract_text
from monitor.text.normalize import normalize_text


def page_text(
    raw: bytes,
    content_type: str | None,
    name: str = "",
    select: str | None = None,
    remove: Sequence[str] = (),
) -> str:
    """The normalized text of one page; raises ContentError when there is no usable text."""
    if raw.startswith(b"%PDF-") or (content_type or "").split(";")[0].strip().lower() == "application/pdf":
        text = normalize_text(pdf_text(raw, name))
    else:
        decoded = decode_body(raw, content_type)
        fmt = detect_format(content_type, name, decoded[:1024])
        text = normalize_text(extract_text(decoded, fmt, select=select, remove=tuple(remove)))
    if not text.strip():
        raise ContentError(f"{name or 'the page'} holds no text", "check the URL, or the document's select/remove")
    return text


def pdf_text(raw: bytes, name: str = "") -> str:
    """The text of a PDF policy, one block per paragraph as pypdf lays it out."""
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs every recoverable oddity of a real-world PDF as a warning; they are not ours to fix.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ContentError(f"{name or 'the page'} is a PDF that cannot be read ({exc})") from None
    # PDF lines break mid-sentence; a blank line (or a page break) is what separates paragraphs.
    paragraphs = []
    for page in pages:
        for block in page.replace("\r", "\n").split("\n\n"):
            joined = " ".join(line.strip() for line in block.splitlines() if line.strip())
            if joined:
                paragraphs.append(joined)
    return "\n\n".join(paragraphs) + "\n"
