"""The one escaper for untrusted text (a vendor's words, a page quoted in an error) in every format.

Whatever the format, untrusted text comes out inert:
- bidi controls (U+202A-U+202E, U+2066-U+2069, ...) removed: they reorder what a reader sees;
- mentions defused: `<!here>`, `<!channel>`, `<@U123>`, `<#C1>`, `@channel`, `@everyone`, `@here`
  get a zero-width space after their `<` or `@`, so no chat service pings anyone;
- angle-bracket links `<https://x|Click to verify>` likewise: a chat service shows them as typed;
- markup escaped for the format: markdown (backslashes, URLs in code spans), HTML (entities);
- for the web report's pages and Atom feeds (`escape`), characters XML 1.0 forbids become U+FFFD, so a
  page holding them still gives a well-formed feed.

    >>> escape_text("<!here> pay at <https://evil.example|our portal> @everyone")
    '<\\u200b!here> pay at <\\u200bhttps://evil.example|our portal> @\\u200beveryone'
"""

from __future__ import annotations

import html
import re

# Explicit embeddings, overrides and isolates, and the Arabic letter mark; LRM/RLM go too.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = dict.fromkeys(map(ord, BIDI_CONTROLS))
_ZWSP = "\u200b"
# `<` opening a Slack-style control sequence or link; `@` opening a room-wide or user mention.
_ANGLE_SEQUENCE = re.compile(r"<(?=[!@#]|[a-z][a-z0-9+.-]*:)", re.IGNORECASE)
_AT_MENTION = re.compile(r"@(?=(?:channel|everyone|here|all|room)\b)", re.IGNORECASE)
# URLs (without trailing punctuation or brackets) and e-mail addresses: what chat apps autolink.
_URLISH = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.)[^\s`<>()\[\]{}|]*[^\s`<>()\[\]{}|.,;:!?'\"]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    re.IGNORECASE,
)
# Inline constructs; "@" too, so "@everyone" on a page cannot ping a chat room.
_MD_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>!|~&@])")
# What would start a heading, list, quote or thematic break if the text began a line.
_MD_LINE_START = re.compile(r"^(?:([#+\-=])|(\d{1,9})([.)]))")


# C0 controls, lone surrogates and the two non-characters XML 1.0 refuses.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def strip_bidi(text: str) -> str:
    return text.translate(_BIDI)


def defuse(text: str) -> str:
    """Mentions and angle-bracket links made inert for chat services (a zero-width space inside)."""
    text = _ANGLE_SEQUENCE.sub("<" + _ZWSP, text)
    return _AT_MENTION.sub("@" + _ZWSP, text)


def escape_text(text: str) -> str:
    """Plain text: one line, no bidi controls, no mention or link a chat service would act on."""
    return defuse(strip_bidi(" ".join(text.split())))


def escape_markdown(text: str) -> str:
    """Markdown (CommonMark, chat): no link, emphasis, heading, list, HTML or mention comes through.

    URLs and e-mail addresses go into code spans: chat apps autolink bare ones, never inside code.
    """
    text = defuse(strip_bidi(" ".join(text.split())))
    out, last = [], 0
    for m in _URLISH.finditer(text):
        out += [_MD_SPECIALS.sub(r"\\\1", text[last : m.start()]), f"`{m.group().replace('`', '')}`"]
        last = m.end()
    out.append(_MD_SPECIALS.sub(r"\\\1", text[last:]))
    escaped = "".join(out)
    return _MD_LINE_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", escaped)


def escape_html(text: str, *, collapse: bool = True) -> str:
    """HTML text or attribute value: entities for markup, no bidi controls, mentions defused."""
    if collapse:
        text = " ".join(text.split())
    return html.escape(defuse(strip_bidi(text)), quote=True)


def escape(text: str) -> str:
    """HTML pages and Atom feeds (the web report): entities for markup, no bidi controls, XML-safe;
    line breaks kept, since a version's text is shown as recorded.

    >>> escape('<script>alert("x")</script>\\x00')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;\\ufffd'
    """
    return html.escape(strip_bidi(_NOT_XML.sub("\ufffd", text)), quote=True)
