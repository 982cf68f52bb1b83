"""From a page's bytes to the normalized policy text: decode → detect format → extract → normalize.

Pure: the same bytes always give the same text; `check`, `backfill` and `diff FILE FILE` share it.
"""

from __future__ import annotations

from collections.abc import Sequence

from monitor.errors import ContentError
from monitor.text.decode import decode_body, detect_format, is_pdf
from monitor.text.extract import extract_text
from monitor.text.normalize import normalize_text

# No real policy comes near these; a page past them is not stored cut, it fails with the reason.
MAX_TEXT_CHARS = 4_000_000  # characters of normalized text (a long policy is 100,000)
MAX_BLOCKS = 50_000  # paragraphs, headings, lists: what becomes clauses (a long policy has 2,000)
MAX_PDF_PAGES = 2_000


def page_text(
    raw: bytes,
    content_type: str | None,
    name: str = "",
    select: str | None = None,
    remove: Sequence[str] = (),
) -> str:
    """The normalized text of one page; raises ContentError when there is no usable text."""
    if is_pdf(raw, content_type):
        text = normalize_text(pdf_text(raw, name))
    else:
        decoded = decode_body(raw, content_type)
        fmt = detect_format(content_type, name, decoded[:1024])
        text = normalize_text(extract_text(decoded, fmt, select=select, remove=tuple(remove)))
    if not text.strip():
        raise ContentError(f"{name or 'the page'} holds no text", "check the URL, or the document's select/remove")
    check_size(text, name)
    return text


def check_size(text: str, name: str = "") -> None:
    """ContentError when a text is too large to be a policy: never a version cut to fit."""
    what = name or "the page"
    if len(text) > MAX_TEXT_CHARS:
        raise ContentError(f"{what} holds {len(text):,} characters of text, over the {MAX_TEXT_CHARS:,} a policy "
                           "can have: not stored", "if it really is the policy, narrow it with the document's select")
    blocks = text.count("\n\n") + 1
    if blocks > MAX_BLOCKS:
        raise ContentError(f"{what} holds {blocks:,} paragraphs, over the {MAX_BLOCKS:,} a policy can have: "
                           "not stored", "if it really is the policy, narrow it with the document's select")


def pdf_text(raw: bytes, name: str = "") -> str:
    """The text of a PDF policy, one block per paragraph as pypdf lays it out."""
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PyPdfError

    # pypdf logs every recoverable oddity of a real-world PDF as a warning; they are not ours to fix.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    what = name or "the page"
    try:
        reader = PdfReader(io.BytesIO(raw))
        count = len(reader.pages)
        if count > MAX_PDF_PAGES:
            raise ContentError(f"{what} is a PDF of {count:,} pages, over the {MAX_PDF_PAGES:,} a policy can have")
        pages, size = [], 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            size += len(pages[-1])
            if size > MAX_TEXT_CHARS:  # many pages drawing one huge content stream: stop before memory goes
                raise ContentError(f"{what} is a PDF with more than {MAX_TEXT_CHARS:,} characters of text, "
                                   "over what a policy can have: not stored")
    except LimitReachedError as exc:  # pypdf's own guard against decompression bombs
        raise ContentError(f"{what} is a PDF over pypdf's safety limits ({exc})") from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            ZeroDivisionError, OverflowError) as exc:  # a malformed PDF fails in any of these ways
        raise ContentError(f"{what} is a PDF that cannot be read ({type(exc).__name__}: {exc})") from None
    # PDF lines break mid-sentence; a blank line (or a page break) is what separates paragraphs.
    paragraphs = []
    for page in pages:
        for block in page.replace("\r", "\n").split("\n\n"):
            joined = " ".join(line.strip() for line in block.splitlines() if line.strip())
            if joined:
                paragraphs.append(joined)
    return "\n\n".join(paragraphs) + "\n"
