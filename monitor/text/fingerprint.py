"""A page's fingerprint: a hash equal only when the page must give the same text, so an unchanged
page skips extraction. Pure: bytes in, values out; runs in the analysis workers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from lxml import etree

from monitor.text.decode import decode_body, detect_format, is_pdf
from monitor.text.extract import drop_tree, parse_html
from monitor.text.reader import page_text

# Part of every fingerprint: a release that extracts differently must not trust older fingerprints.
EXTRACTION_VERSION = b"2"
# Elements the extractor drops whole and pages regenerate per request (their tails are kept).
_VOLATILE_TAGS = ("script", "style", "input", "noscript", "template")


def fingerprint(raw: bytes, content_type: str | None, name: str, select: str | None, remove: Sequence[str]) -> str:
    """A hash equal only when the page must give the same text: cheaper than extracting it.

    Built from the very tree the extractor walks (same decoding, same parser), minus what the
    extractor drops whole and pages regenerate on every request: scripts, styles, inputs, comments,
    meta tags without a charset, nonce attributes. Equal fingerprints mean equal text; a different one
    only means "extract and see". Non-HTML pages are fingerprinted byte for byte.
    """
    digest = hashlib.sha256(EXTRACTION_VERSION)
    for part in (content_type or "", select or "", "\x00".join(remove)):
        digest.update(b"\x00" + part.encode("utf-8", "replace"))
    digest.update(b"\x00")
    root = _volatile_free_tree(raw, content_type, name, select, remove)
    digest.update(raw if root is None else etree.tostring(root))
    return digest.hexdigest()


def _volatile_free_tree(raw, content_type, name, select, remove):  # noqa: ANN001, ANN202
    # A selector aimed at a dropped element would make its content count: no shortcut then.
    selectors = " ".join([select or "", *remove]).lower()
    if is_pdf(raw, content_type) or any(tag in selectors for tag in (*_VOLATILE_TAGS, "meta")):
        return None
    decoded = decode_body(raw, content_type)
    if detect_format(content_type, name, decoded[:1024]) != "html":
        return None
    root = parse_html(decoded)
    if root is None:
        return None
    etree.strip_elements(root, *_VOLATILE_TAGS, with_tail=False)
    for meta in list(root.iter("meta")):
        if meta.get("charset") is None and meta.get("http-equiv") is None:
            drop_tree(meta)
    etree.strip_attributes(root, "nonce")
    return root


def read_page(
    raw: bytes,
    content_type: str | None,
    name: str,
    select: str | None,
    remove: Sequence[str],
    latest: str | None = None,
    known: str | None = None,
) -> tuple[str | None, str, str]:
    """(text, its sha256, the page's fingerprint). The text is None when it is the `latest` version's:
    then no text is sent back between processes, and when the fingerprint is `known` (the one that
    gave `latest`) the page is not even extracted."""
    page = fingerprint(raw, content_type, name, select, remove)
    if latest is not None and page == known:
        return None, latest, page
    text = page_text(raw, content_type, name, select, remove)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return (None if digest == latest else text), digest, page
