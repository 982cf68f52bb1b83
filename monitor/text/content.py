"""Which parts of an HTML page are the policy: what never counts as content (scripts, navigation,
hidden elements, cookie and consent banners), and where the main content is (main, role=main, a
single article, else the body with its page chrome still to drop). Used by extract.py's walk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from lxml import etree

# --- what never counts as content ---------------------------------------------------------------

_DROP_TAGS = frozenset(
    "head title meta link base script style noscript template svg math canvas iframe frame frameset object "
    "embed applet audio video source track map img picture input select textarea button option optgroup "
    "datalist output progress meter dialog nav aside".split()
)
_DROP_ROLES = frozenset({"navigation", "banner", "contentinfo", "dialog", "alertdialog", "search"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SKIP_LINK = re.compile(r"\s*(?:skip|jump)\s+(?:to|navigation)\b", re.I)

# Consent managers by name, and a consent word next to a banner word ("cookie-banner", "gdpr-notice").
# A bare "cookies" or "consent" id is left alone: it is as likely to be the policy's own section anchor.
_CMP_NAMES = (
    "onetrust", "optanon", "cookiebot", "cybot", "didomi", "usercentrics", "trustarc", "truste-", "truste_",
    "qc-cmp", "osano", "iubenda", "cookieyes", "cmplz", "cookieconsent", "cookie-consent",
    "cookie_consent", "cookielaw", "cc-window", "cc-banner", "termly-",
)  # fmt: skip
_CONSENT_WORDS = ("cookie", "consent", "gdpr", "ccpa")
_BANNER_WORDS = ("banner", "bar", "notice", "notif", "popup", "pop-up", "modal", "overlay", "dialog", "prompt",
                 "alert", "toast", "sdk", "manager", "preferences", "wall")  # fmt: skip
# ...unless the token names the policy itself or its cookie table ("cookie-policy", "cookies-table").
_SECTION_WORDS = ("policy", "policies", "statement", "table", "list", "declaration", "section", "content")


@lru_cache(maxsize=4096)
def _banner_like(value: str) -> bool:
    """Whether an id/class attribute value names a cookie or consent banner."""
    for token in value.lower().split():
        if any(w in token for w in _SECTION_WORDS):
            continue
        if any(n in token for n in _CMP_NAMES):
            return True
        if any(w in token for w in _CONSENT_WORDS) and any(w in token for w in _BANNER_WORDS):
            return True
    return False


def dropped(el: etree._Element, tag: str) -> bool:
    if tag in _DROP_TAGS:
        return True
    attrib = el.attrib
    if not attrib:
        return False
    get = attrib.get
    hidden = get("hidden")
    if hidden is not None and hidden.strip().lower() != "until-found":  # until-found is searchable text
        return True
    if get("aria-hidden", "").strip().lower() == "true":
        return True
    style = get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    role = get("role")
    if role and role.strip().lower() in _DROP_ROLES:
        return True
    for name in ("id", "class"):
        value = get(name)
        if value and _banner_like(value):
            return True
    if tag == "a" and get("href", "").startswith("#") and _SKIP_LINK.match("".join(el.itertext())):
        return True
    return False


# --- main content -------------------------------------------------------------------------------


def _usable(el: etree._Element) -> bool:
    """Not hidden itself, not inside something that is never content (template, noscript...)."""
    if el.get("hidden") is not None or el.get("aria-hidden", "").strip().lower() == "true":
        return False
    if _HIDDEN_STYLE.search(el.get("style", "")):
        return False
    return not any(isinstance(a.tag, str) and a.tag in _DROP_TAGS for a in el.iterancestors())


def main_content(root: etree._Element) -> tuple[list[etree._Element], bool]:
    """The content roots, and whether page-level header/footer must still be dropped (body fallback)."""
    for el in root.iter("main"):
        if _usable(el):
            return [el], False
    for el in root.xpath("//*[@role='main']"):
        if _usable(el):
            return [el], False
    articles = [a for a in root.iter("article") if _usable(a) and next(a.iterancestors("article"), None) is None]
    if len(articles) == 1:
        return articles, False
    body = root.find("body")
    return [body if body is not None else root], True


def outermost(elements: Iterable[etree._Element]) -> list[etree._Element]:
    """Drop matches nested in another match, so no text comes out twice."""
    chosen = list(elements)
    ids = {id(e) for e in chosen}
    return [e for e in chosen if not any(id(a) in ids for a in e.iterancestors())]
