"""Atom feeds (RFC 4287): all changes, material ones, one per vendor, one per document.

Entry ids are tag: URIs built from the document and the permalink's name, so they stay the same
whatever base URL the site is served from. Each entry's content is an HTML fragment (escaped once as
HTML, then once more as XML text): a reader that renders it shows the vendor's words, never its markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

from monitor.clock import iso
from monitor.render.markup import escape
from monitor.report import records as R
from monitor.report.change_page import inline_html
from monitor.report.records import ChangeRecord, DocumentRecord

FEED_ENTRIES = 200  # newest first; older changes stay on the pages
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def atom(path: str, title: str, entries: Sequence[tuple[ChangeRecord, DocumentRecord]], base_url: str | None) -> str:
    """The feed at site path `path`. Without a base URL links are relative to the feed (valid Atom)."""
    newest = sorted(entries, key=lambda e: (e[0].detected_at, e[0].document_id, e[0].to_version), reverse=True)[:FEED_ENTRIES]
    href = lambda target: R.absolute(base_url, target) if base_url else R.relative(path, target)  # noqa: E731
    # The newest entry's time, not the build's: an unchanged feed is byte for byte the same file.
    updated = iso(newest[0][0].detected_at) if newest else iso(_EPOCH)
    self_link = f'<link rel="self" type="application/atom+xml" href="{escape(href(path))}"/>\n' if base_url else ""
    body = "".join(_entry(c, d, href) for c, d in newest)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>{escape(title)}</title>
<id>tag:policy-monitor,2026:{escape(path)}</id>
<updated>{updated}</updated>
<author><name>policy-monitor</name></author>
<generator>policy-monitor</generator>
{self_link}<link rel="alternate" type="text/html" href="{escape(href(R.INDEX))}"/>
{body}</feed>
"""


def _entry(change: ChangeRecord, doc: DocumentRecord, href) -> str:  # noqa: ANN001
    cats = ", ".join(change.categories) or "uncategorized"
    title = f"{doc.vendor_name} {doc.kind}: {change.severity} change ({cats})"
    page = R.change_page(doc.id, change.key)
    return f"""<entry>
<title>{escape(title)}</title>
<id>tag:policy-monitor,2026:{escape(page)}</id>
<updated>{iso(change.detected_at)}</updated>
<link rel="alternate" type="text/html" href="{escape(href(page))}"/>
{"".join(f'<category term="{escape(c)}"/>' for c in change.categories)}
<summary>{escape(change.reason)}</summary>
<content type="html">{escape(_content(change))}</content>
</entry>
"""


def _content(change: ChangeRecord) -> str:
    """The entry's HTML: the verdict and the clauses at the change's own severity, words marked."""
    shown = [c for c in change.clauses if c.get("severity") == change.severity] or list(change.clauses)
    items = []
    for clause in shown[:10]:
        text = inline_html(clause)
        items.append(f"<li><b>{escape(clause.get('section') or '(top)')}</b>: {text}</li>")
    more = len(change.clauses) - len(items)
    tail = f"<p>…and {more} more.</p>" if more > 0 else ""
    review = change.review
    state = f"{escape(review.status)} by {escape(review.by)}" if review else "not reviewed yet"
    return (
        f"<p><b>{escape(change.severity)}</b> change, version {change.from_version} → {change.to_version}: "
        f"{escape(change.reason)}</p><ul>{''.join(items)}</ul>{tail}<p>Review: {state}</p>"
    )
