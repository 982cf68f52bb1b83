"""`export`: the evidence records of the changes detected since a date, as CSV, JSON lines, or a zip
that also holds each version's raw snapshot and text, with a sha256 manifest of every file in it.
"""

from __future__ import annotations

import hashlib
import zipfile
from datetime import datetime
from pathlib import Path

from monitor.jobs.report import change_url, histories_of, with_versions
from monitor.report import evidence
from monitor.report import records as R
from monitor.store.store import Store

FORMATS = ("csv", "jsonl", "zip")


def evidence_records(store: Store, since: datetime | None, base_url: str | None = None) -> list[tuple[dict, object]]:
    """(record, history) for every change detected on or after `since`, oldest first."""
    out = []
    for history in histories_of(store, {}).values():
        wanted = [c for c in history.changes if since is None or c.detected_at >= since]
        if not wanted:
            continue
        history = with_versions(store, history, texts=False)
        for change in wanted:
            page = change_url(base_url, history.document.id, change.key) or R.change_page(history.document.id, change.key)
            out.append((evidence.record(history, change, page), history))
    out.sort(key=lambda pair: (pair[0]["detected_at"], pair[0]["document"], pair[0]["to_version"]))
    return out


def export_text(store: Store, since: datetime | None, fmt: str, base_url: str | None = None) -> tuple[str, int]:
    """(the CSV or JSON lines, the number of records)."""
    records = [r for r, _ in evidence_records(store, since, base_url)]
    return (evidence.to_csv(records) if fmt == "csv" else evidence.to_jsonl(records)), len(records)


def export_zip(store: Store, since: datetime | None, target: Path, base_url: str | None = None) -> int:
    """Write the zip; returns the number of records. Snapshots and texts are stored once each."""
    pairs = evidence_records(store, since, base_url)
    records = [r for r, _ in pairs]
    files: dict[str, bytes] = {
        "evidence.jsonl": evidence.to_jsonl(records).encode("utf-8"),
        "evidence.csv": evidence.to_csv(records).encode("utf-8"),
    }
    for record, _history in pairs:
        for side in (record["before"], record["after"]):
            if side is None:
                continue
            folder = f"documents/{record['document']}"
            files[f"{folder}/texts/{side['text_sha256']}.txt"] = store.blob(side["text_sha256"])
            if side["raw_sha256"]:
                ext = R.snapshot_file(record["document"], side["raw_sha256"], side["content_type"]).rsplit(".", 1)[1]
                files[f"{folder}/snapshots/{side['raw_sha256']}.{ext}"] = store.blob(side["raw_sha256"])
    manifest = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items()))
    files["MANIFEST.sha256"] = manifest.encode("utf-8")
    files["README.txt"] = _README.encode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    tmp.replace(target)
    return len(records)


_README = """\
policy-monitor evidence export

evidence.jsonl   one JSON object per change: document, URL, both versions (capture time, source,
                 sha256 of the raw page and of the text), classification, clauses before and after,
                 the review decisions and their authors
evidence.csv     the same, one row per change
documents/<vendor>/<document>/texts/<sha256>.txt       the normalized text of each version
documents/<vendor>/<document>/snapshots/<sha256>.*     the page as fetched (raw bytes)
MANIFEST.sha256  sha256 of every file above (check with `sha256sum -c MANIFEST.sha256`)

A file's name is the sha256 of its content: `sha256sum` on it gives the digest the record cites.
"""
