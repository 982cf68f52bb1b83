"""Evidence records: one per change, for an auditor (`policy-monitor export`). Pure: records in, rows out.

Each record names the document and its URL, both versions (capture time, source, sha256 of the raw
page and of the text), the classification, every clause before and after, and every review decision
with its author. CSV cells that a spreadsheet would run as a formula (=, +, -, @) are prefixed with
an apostrophe: vendor text must not compute anything on the auditor's machine either.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from monitor.clock import iso
from monitor.report.records import ChangeRecord, DocumentHistory, VersionRecord

CSV_COLUMNS = (
    "change", "document", "vendor", "kind", "url", "from_version", "to_version", "detected_at",
    "before_captured_at", "before_source", "before_text_sha256", "before_raw_sha256",
    "after_captured_at", "after_source", "after_url", "after_text_sha256", "after_raw_sha256",
    "material", "severity", "categories", "direction", "reason", "reverts_to",
    "clauses_before", "clauses_after", "review_status", "review_by", "review_at", "review_note", "page",
)


def record(history: DocumentHistory, change: ChangeRecord, page: str) -> dict:
    doc = history.document
    return {
        "change": change.ref,
        "document": doc.id,
        "vendor": doc.vendor_name,
        "kind": doc.kind,
        "url": doc.url,
        "from_version": change.from_version,
        "to_version": change.to_version,
        "detected_at": iso(change.detected_at),
        "before": _version(history.version(change.from_version)),
        "after": _version(history.version(change.to_version)),
        "material": change.material,
        "severity": change.severity,
        "categories": list(change.categories),
        "direction": change.direction,
        "reason": change.reason,
        "reverts_to": change.reverts_to,
        "clauses": [
            {"section": c.get("section") or "", "type": c.get("type"), "severity": c.get("severity"),
             "categories": list(c.get("categories") or ()), "reason": c.get("reason") or "",
             "before": c.get("old"), "after": c.get("new")}
            for c in change.clauses
        ],
        "review": _review(change.review),
        "review_history": [_review(r) for r in change.reviews],
        "page": page,
    }


def _version(v: VersionRecord | None) -> dict | None:
    if v is None:
        return None
    return {"version": v.number, "captured_at": iso(v.captured_at), "source": v.source, "url": v.url,
            "text_sha256": v.sha256, "raw_sha256": v.snapshot_sha256, "content_type": v.content_type}


def _review(r) -> dict | None:  # noqa: ANN001 - ReviewRecord or None
    return None if r is None else {"status": r.status, "by": r.by, "at": iso(r.decided_at), "note": r.note}


def to_jsonl(records: Iterable[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in records)


def to_csv(records: Iterable[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in records:
        writer.writerow([_cell(v) for v in _flat(r)])
    return out.getvalue()


def _flat(r: dict) -> list:
    before, after, review = r["before"] or {}, r["after"] or {}, r["review"] or {}
    sides = lambda key: "\n\n".join(f"[{c['section']}] {c[key]}" for c in r["clauses"] if c[key])  # noqa: E731
    return [
        r["change"], r["document"], r["vendor"], r["kind"], r["url"], r["from_version"], r["to_version"], r["detected_at"],
        before.get("captured_at"), before.get("source"), before.get("text_sha256"), before.get("raw_sha256"),
        after.get("captured_at"), after.get("source"), after.get("url"), after.get("text_sha256"), after.get("raw_sha256"),
        r["material"], r["severity"], ", ".join(r["categories"]), r["direction"], r["reason"], r["reverts_to"],
        sides("before"), sides("after"), review.get("status"), review.get("by"), review.get("at"), review.get("note"), r["page"],
    ]


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
