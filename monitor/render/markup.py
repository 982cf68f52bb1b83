"""The one escaper for untrusted text in HTML pages and Atom feeds.

Vendor text is data: `&`, `<`, `>` and both quotes become entities, so no tag, attribute or link can
come through; characters XML 1.0 forbids (C0 controls, lone surrogates) become U+FFFD, so a page
holding them still gives a well-formed feed.

    >>> escape('<script>alert("x")</script>\\x00')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;\\ufffd'
"""

from __future__ import annotations

import html
import re

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    return html.escape(_NOT_XML.sub("\ufffd", text), quote=True)
