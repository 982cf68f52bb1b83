"""The page of one change: its verdict, its review, and every clause change in its section, with the
changed words in <del>/<ins>, inline and side by side. Cosmetic edits are folded away.

The word diff is recomputed from each clause's `old`/`new` (as the other renderers do): the stored
markers are ambiguous when a page itself contains "[-".
"""

from __future__ import annotations

import functools

from monitor.engine import worddiff
from monitor.render.markup import escape
from monitor.report import records as R
from monitor.report.pages import categories, layout, review_state, severity, when, where
from monitor.report.records import ChangeRecord, DocumentHistory


def change_page(history: DocumentHistory, change: ChangeRecord) -> str:
    doc = history.document
    path = R.change_page(doc.id, change.key)
    link = lambda target: escape(R.relative(path, target))  # noqa: E731
    title = f"{where(doc)}: {change.severity} change, version {change.from_version} → {change.to_version}"
    body = "\n".join([
        f"<h1>{escape(title)}</h1>",
        _facts(change),
        _links(history, change, link),
        _review(change),
        _clauses(change),
    ])
    crumbs = [(where(doc), R.document_page(doc.id)), (f"Change into version {change.to_version}", path)]
    return layout(path, f"{title} — policy-monitor", body, crumbs)


def _facts(change: ChangeRecord) -> str:
    reverts = f"<dt>Reverts to</dt><dd>version {change.reverts_to} (a flip back, not news)</dd>" if change.reverts_to else ""
    return f"""<dl class="facts">
<dt>Severity</dt><dd>{severity(change.severity)}</dd>
<dt>Categories</dt><dd>{categories(change)}</dd>
<dt>Direction</dt><dd>{escape(change.direction)}</dd>
<dt>Why</dt><dd class="reason">{escape(change.reason)}</dd>
<dt>Detected</dt><dd>{when(change.detected_at)}</dd>
<dt>Review</dt><dd class="review">{review_state(change, with_note=True)}</dd>{reverts}
</dl>"""


def _links(history: DocumentHistory, change: ChangeRecord, link) -> str:  # noqa: ANN001
    doc, items = history.document, []
    for label, number in (("before", change.from_version), ("after", change.to_version)):
        v = history.version(number)
        if v is None:
            continue
        parts = [f'<a href="{link(R.version_page(doc.id, v.sha256))}">Version {number} ({label})</a>']
        if v.snapshot_sha256:
            parts.append(f'<a href="{link(R.snapshot_file(doc.id, v.snapshot_sha256, v.content_type))}">raw snapshot</a>')
        items.append(f"<li>{' · '.join(parts)}, captured {when(v.captured_at)}</li>")
    # The previous change only: a "next" link would make every new change rewrite the page before it.
    previous = [c for c in history.changes if c.to_version < change.to_version]
    if previous:
        items.append(f'<li><a href="{link(R.change_page(doc.id, previous[-1].key))}" rel="prev">Previous change</a></li>')
    items.append(f'<li><a href="{link(R.document_page(doc.id))}">All versions and changes of this document</a></li>')
    return '<nav aria-label="Versions"><ul>' + "\n".join(items) + "</ul></nav>"


def _review(change: ChangeRecord) -> str:
    history = "".join(
        f"<li>{when(r.decided_at)}: {escape(r.status)} by {escape(r.by)}{': ' + escape(r.note) if r.note else ''}</li>"
        for r in change.reviews
    )
    past = f"<ol>{history}</ol>" if len(change.reviews) > 1 else ""
    command = f'policy-monitor review {change.ref} --status reviewed --note "…"'
    return f"<p>Record a decision: <code>{escape(command)}</code></p>{past}"


def _clauses(change: ChangeRecord) -> str:
    real = [c for c in change.clauses if c.get("severity") != "noise"]
    cosmetic = [c for c in change.clauses if c.get("severity") == "noise"]
    parts = ['<section aria-labelledby="clauses-h"><h2 id="clauses-h">What changed</h2>']
    if real:
        parts.append(_view_switch())
        parts += _by_section(real)
    else:
        parts.append("<p>No wording change that matters: only the cosmetic edits below.</p>")
    if cosmetic:
        n = len(cosmetic)
        parts.append(f"<details><summary>{n} cosmetic edit{'s' if n != 1 else ''} (dates, punctuation, moved text)</summary>")
        parts += _by_section(cosmetic)
        parts.append("</details>")
    parts.append("</section>")
    return "\n".join(parts)


def _view_switch() -> str:
    # Pure CSS (:has): works without the script, with the keyboard (arrow keys between the radios).
    return """<fieldset class="views"><legend class="sr">How to show each clause</legend>
<label><input type="radio" name="view" id="view-inline" checked> Inline</label>
<label><input type="radio" name="view" id="view-side"> Side by side</label>
</fieldset>"""


def _by_section(clauses: list[dict]) -> list[str]:
    """Clauses grouped under their section heading, sections in the order the document gives them."""
    sections: dict[str, list[dict]] = {}
    for clause in clauses:
        sections.setdefault(clause.get("section") or "", []).append(clause)
    out = []
    for section, items in sections.items():
        out.append(f'<h3 class="section">{escape(section) if section else "(before any heading)"}</h3>')
        out += [_clause(c) for c in items]
    return out


def _clause(clause: dict) -> str:
    kind = clause.get("type", "modified") + (f" ({clause['shape']})" if clause.get("shape") else "")
    cats = ", ".join(clause.get("categories") or ())
    head = f"{escape(kind)} — {severity(clause.get('severity', 'minor'))}" + (f" · {escape(cats)}" if cats else "")
    before, after, inline = _sides(clause)
    side = "".join(
        f'<div><p class="label">{label}</p><p>{text}</p></div>' for label, text in (("Before", before), ("After", after)) if text is not None
    )
    return f"""<article class="clause {escape(clause.get('severity', 'minor'))}">
<h4>{head}</h4>
<p class="why">{escape(clause.get('reason') or '')}</p>
<p class="inline">{inline}</p>
<div class="side">{side}</div>
</article>"""


def inline_html(clause: dict) -> str:
    """One clause as one paragraph's HTML: removed words in <del>, added ones in <ins>."""
    return _sides(clause)[2]


def _sides(clause: dict) -> tuple[str | None, str | None, str]:
    """(before, after, inline) as HTML, changed words in <del>/<ins>; a side the clause lacks is None."""
    old, new, kind = clause.get("old"), clause.get("new"), clause.get("type", "modified")
    if kind == "added":
        return None, _mark("ins", new or ""), _mark("ins", new or "")
    if kind == "removed":
        return _mark("del", old or ""), None, _mark("del", old or "")
    if kind == "moved" or old is None or new is None or old == new:
        text = escape(new or old or "")
        return None, text, text
    ops = _word_diff(old, new)
    before = "".join(_mark("del", t) if op == worddiff.DELETE else escape(t) for op, t in ops if op != worddiff.INSERT)
    after = "".join(_mark("ins", t) if op == worddiff.INSERT else escape(t) for op, t in ops if op != worddiff.DELETE)
    inline = []
    for i, (op, t) in enumerate(ops):
        inline.append(escape(t) if op == worddiff.EQUAL else _mark("del" if op == worddiff.DELETE else "ins", t))
        if op == worddiff.DELETE and i + 1 < len(ops) and ops[i + 1][0] == worddiff.INSERT:
            inline.append(" ")  # "do not may" reads as two runs, not "do notmay"
    return before, after, "".join(inline)


@functools.lru_cache(maxsize=4096)
def _word_diff(old: str, new: str) -> tuple[tuple[int, str], ...]:
    # A clause is shown on its change page and in up to four feeds: diff it once.
    return tuple(worddiff.diff(old, new))


def _mark(tag: str, text: str) -> str:
    """The changed words in their tag; edge spaces stay outside, so the mark hugs the words."""
    core = text.strip()
    if not core:
        return escape(text)
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() else ""
    return f"{lead}<{tag}>{escape(core)}</{tag}>{trail}"
