"""A page's bytes → text, and which format the text is in: what every reader of a page needs first.

Pure: bytes in, text out; never raises on a bad or missing charset.
"""

from __future__ import annotations

import codecs
import re

# --- decoding -----------------------------------------------------------------------------------

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([^"';,\s]+)""", re.I)
# Both `<meta charset=x>` and `<meta http-equiv=Content-Type content="text/html; charset=x">`,
# and an XML declaration's encoding for XHTML served without a header charset.
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([-\w.:]+)|<\?xml[^>]*?encoding\s*=\s*["']([-\w.:]+)""",
    re.I,
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Codecs Python knows but no web page can mean: a label naming one is treated as bogus.
# (utf-7 is also refused by browsers, as an XSS vector.)
_WIDE_CODECS = ["utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be"]
_NOT_A_PAGE_CODEC = frozenset({"utf-7", "idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined"})


def _decode(raw: bytes, label: str, *, in_page: bool = False) -> str | None:
    """`raw` decoded as the charset `label` names; None when the label is unknown or unusable."""
    try:
        codec = codecs.lookup(label.strip().lower()).name
        if codec in _NOT_A_PAGE_CODEC:
            return None
        # As in browsers (WHATWG Encoding): these labels really mean windows-1252, which servers
        # mislabel all the time; decoding as latin-1 would turn its curly quotes into C1 controls.
        if codec in ("latin-1", "iso8859-1", "ascii"):
            codec = "cp1252"
        # A page whose meta tag we could read as ASCII is not UTF-16/32, whatever the tag says.
        if in_page and codec.startswith(("utf-16", "utf-32")):
            codec = "utf-8"
        return raw.decode(codec, "replace")
    except (LookupError, ValueError):  # unknown, or a text-transform codec ("rot13", "base64"...)
        return None


def decode_body(raw: bytes, content_type: str | None) -> str:
    """Bytes → text. Never raises on a bad or missing charset.

    Order: a byte-order mark (unambiguous, and what browsers trust first), the Content-Type charset,
    a `<meta>` charset in the first 4 KB, strict UTF-8, charset_normalizer, then UTF-8 with
    replacement characters.

    >>> decode_body("é".encode("cp1252"), "text/html; charset=iso-8859-1")
    'é'
    """
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom) :].decode(codec, "replace")
    m = _HEADER_CHARSET.search(content_type or "")
    text = _decode(raw, m.group(1)) if m else None
    if text is not None:
        return text
    m = _META_CHARSET.search(raw[:4096])
    text = _decode(raw, (m.group(1) or m.group(2)).decode("ascii", "replace"), in_page=True) if m else None
    if text is not None:
        return text
    try:
        # Most undeclared pages are UTF-8 (or ASCII); this is exact and far cheaper than detection.
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":  # cut by the size cap mid-character: still UTF-8
            return raw.decode("utf-8", "replace")
    import charset_normalizer  # only pages with no declared charset and non-UTF-8 bytes get here

    # A page without a BOM is never UTF-16/32 in practice, but short inputs can look like it.
    best = charset_normalizer.from_bytes(raw, cp_exclusion=_WIDE_CODECS).best()
    if best is not None:
        return str(best)
    return raw.decode("utf-8", "replace")


# --- format -------------------------------------------------------------------------------------

_MEDIA_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/markdown": "markdown",
                "text/x-markdown": "markdown", "application/pdf": "pdf", "application/x-pdf": "pdf"}  # fmt: skip
_EXTENSIONS = {"html": "html", "htm": "html", "xhtml": "html", "md": "markdown", "markdown": "markdown",
               "txt": "text", "pdf": "pdf"}  # fmt: skip
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,10})$")
_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body)\b", re.I)


def is_pdf(raw: bytes, content_type: str | None = None) -> bool:
    """A PDF by its bytes or its media type: the one test the reader and the fingerprint share."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return raw.startswith(b"%PDF-") or _MEDIA_TYPES.get(media) == "pdf"


def detect_format(content_type: str | None, name: str = "", head: str = "") -> str:
    """'html' | 'markdown' | 'text' | 'pdf': media type, else file/URL extension, else sniffing.

    text/plain is taken as a hint only: raw file hosts serve markdown as text/plain, and a misconfigured
    server may serve a whole HTML page as text/plain.

    >>> detect_format("text/plain", "https://example.com/legal/privacy.md?ref=1")
    'markdown'
    """
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media in _MEDIA_TYPES:
        return _MEDIA_TYPES[media]
    path = re.split(r"[?#]", name, maxsplit=1)[0]
    m = _EXTENSION.search(path.rsplit("/", 1)[-1])
    if m and m.group(1).lower() in _EXTENSIONS:
        return _EXTENSIONS[m.group(1).lower()]
    start = head.lstrip("\ufeff \t\r\n")
    if start.startswith("%PDF"):
        return "pdf"
    if _HTML_START.match(start):
        return "html"
    # Without a media type, HTML may open with a comment or a stray line before <!doctype>.
    if media != "text/plain" and _HTML_START.search(start[:1024]):
        return "html"
    return "text"
