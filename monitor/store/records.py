"""What the store takes and what it hands back: frozen values, JSON decoded, datetimes aware (UTC).

The CLI, notifications and a web page read these, never the ORM rows: the attribute names are the
columns' (`Version.number`, `Change.categories`...), so code written against the rows reads them as before.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, fields
from functools import cache
from datetime import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from monitor.clock import aware
from monitor.engine.result import Comparison
from monitor.errors import EXIT_USAGE, StoreError
from monitor.store.blobs import Packed


class NotFound(StoreError):
    """A document, version or blob the caller asked for is not in the database (the CLI adds the hint)."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, what: str, document_id: str | None = None) -> None:
        super().__init__(message)
        self.what = what  # document | version | blob
        self.document_id = document_id


# --- what the store takes ---------------------------------------------------------------------------
@dataclass(frozen=True)
class DocumentInfo:
    """What the store needs to know about a watched document (from the watchlist)."""

    id: str
    vendor_id: str
    vendor_name: str
    kind: str
    url: str


@dataclass(frozen=True, slots=True)  # one per watched document for a whole run: no __dict__ each
class DocumentState:
    """A document as a check starts: its HTTP validators and its latest version."""

    etag: str | None
    last_modified: str | None
    latest_number: int | None
    latest_sha256: str | None
    fingerprint: str | None = None  # of the last page read in full...
    fingerprint_sha256: str | None = None  # ...and the sha256 of the text it gave


@dataclass(frozen=True)
class Observation:
    """One document's check result, ready to be stored in one transaction."""

    document_id: str
    outcome: str  # new | changed | unchanged | failed
    checked_at: datetime
    http_status: int | None = None
    error: str | None = None
    text: str | None = None  # normalized text, for new/changed
    raw: bytes | None = None  # page as fetched, for new/changed
    content_type: str | None = None
    url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    comparison: Comparison | None = None  # old → new, for changed
    duration_ms: int | None = None
    source: str = "live"
    notify: bool = True  # queue an outbox event for the change (backfill: only with --notify)
    suspect_sha256: str | None = None  # failed because the quality gate held this text back
    suspect_kind: str | None = None  # ... and the gate's kind of problem (outage, bot_wall, truncated...)
    reverts_to: int | None = None  # the text is that of this earlier version: a flip back, not news
    fingerprint: tuple[str, str] | None = None  # (page fingerprint, sha256 of its text) after a full read
    packed: tuple[Packed, ...] = ()  # text, then raw page, already packed by a worker (record_new)
    base_sha256: str | None = None  # the text `comparison` was computed against (the latest version then)


@dataclass(frozen=True)
class CaptureRecord:
    """One archived capture `backfill` looked at, and what became of it."""

    document_id: str
    timestamp: str  # 14 digits, the archive's key
    captured_at: datetime
    outcome: str  # imported | skipped | held (duplicate is decided by the store; held: judged again later)
    digest: str | None = None
    reason: str | None = None


# --- what the store hands back ----------------------------------------------------------------------
@dataclass(frozen=True)
class Document:
    id: str
    vendor_id: str
    vendor_name: str
    kind: str
    url: str
    created_at: datetime
    etag: str | None = None
    last_modified: str | None = None
    last_checked_at: datetime | None = None
    last_outcome: str | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    failing_since: datetime | None = None
    page_fingerprint: str | None = None
    fingerprint_sha256: str | None = None
    suspect_kind: str | None = None  # the last check's, when the quality gate held the page back


@dataclass(frozen=True)
class Version:
    id: int
    document_id: str
    number: int
    sha256: str
    snapshot_sha256: str | None
    content_type: str | None
    url: str
    source: str
    captured_at: datetime
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True)
class Change:
    id: int
    document_id: str
    from_version: int
    to_version: int
    detected_at: datetime
    material: bool
    severity: str
    categories: tuple[str, ...]
    direction: str
    reason: str
    clauses: list[dict]
    reverts_to: int | None = None
    entities: tuple[dict, ...] = ()  # a sub-processor list's entity changes (JSON decoded)
    notice: dict | None = None  # the notice the page states, with its "objection_deadline"


@dataclass(frozen=True)
class Run:
    id: int
    kind: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    pid: int | None
    new: int
    changed: int
    unchanged: int
    failed: int
    error: str | None = None  # why a failed run failed (disk full...)


@dataclass(frozen=True)
class Check:
    id: int
    run_id: int
    document_id: str
    checked_at: datetime
    outcome: str
    http_status: int | None
    error: str | None
    version_number: int | None
    duration_ms: int | None
    suspect_sha256: str | None
    suspect_kind: str | None = None
    worker: str | None = None  # which process checked it (several workers on one PostgreSQL)


@dataclass(frozen=True)
class Review:
    """One decision on the change into `to_version` (reviews are kept, the last one is its state)."""

    id: int
    document_id: str
    to_version: int
    status: str  # reviewed | acknowledged | dismissed
    note: str
    decided_by: str
    decided_at: datetime


@dataclass(frozen=True)
class OutboxEvent:
    """An open outbox row with what a message needs: its document, and its change if it reports one."""

    id: int
    kind: str
    created_at: datetime
    severity: str
    payload: dict
    document: Document
    change: Change | None


@dataclass(frozen=True)
class Delivery:
    id: int
    outbox_id: int
    target_key: str
    status: str
    attempts: int
    last_error: str | None
    updated_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True)
class FailedDelivery:
    """A delivery given up, with the event it was for (for `status`)."""

    delivery: Delivery
    document_id: str
    change_id: int | None
    event_kind: str


@dataclass(frozen=True)
class Worker:
    """A `check` process taking part in a run (PostgreSQL: several; SQLite: the one holding the lock)."""

    name: str
    run_id: int
    host: str
    pid: int
    started_at: datetime
    heartbeat_at: datetime
    checked: int


R = TypeVar("R")


def to_record(cls: type[R], row: Any, **extra: Any) -> R:
    """A frozen record from an ORM row, an SQL row or a plain mapping of column to value.

    Datetimes are made aware and change JSON decoded. A mapping comes from plain SQL (queries.py),
    where SQLite hands back what it stores: a datetime as its text, a boolean as 0 or 1; the
    record's annotations say what each column is, so both read back as the ORM would give them.
    """
    mapping = row if isinstance(row, Mapping) else None
    values = {}
    for name, kind in _columns(cls):
        if name in extra:
            values[name] = extra[name]
            continue
        if mapping is not None:
            if name not in mapping:
                continue  # a column this table does not have (yet): the record's default
            value = mapping[name]
        elif not hasattr(row, name):
            continue
        else:
            value = getattr(row, name)
        if kind is datetime and value is not None:
            value = aware(datetime.fromisoformat(value) if isinstance(value, str) else value)
        elif kind is bool and isinstance(value, int):
            value = bool(value)
        values[name] = value
    if cls is Change:
        values["categories"] = tuple(json.loads(values["categories"]))
        values["clauses"] = decode_clauses(values["clauses"])
        values["entities"] = tuple(json.loads(values.get("entities") or "[]"))
        values["notice"] = json.loads(values["notice"]) if values.get("notice") else None
    return cls(**values)


@cache
def _columns(cls: type) -> tuple[tuple[str, type | None], ...]:
    """A record's fields with the type a column's value must be read back as (annotations are text here)."""
    def kind(annotation: str) -> type | None:
        return datetime if annotation.startswith("datetime") else bool if annotation == "bool" else None

    return tuple((f.name, kind(str(f.type))) for f in fields(cls))


# Change clauses over this many bytes of JSON are stored zlib-compressed (a 2.8 MB page rewritten
# gives a 12 MB record), marked by a prefix that JSON text can never start with.
COMPRESS_OVER = 64 * 1024
_ZLIB_MARK = "z:"


def encode_clauses(clauses: list[dict]) -> str:
    import base64

    text = json.dumps(clauses, ensure_ascii=False)
    if len(text) <= COMPRESS_OVER:
        return text
    return _ZLIB_MARK + base64.b64encode(zlib.compress(text.encode("utf-8"), 6)).decode("ascii")


def decode_clauses(stored: str | list) -> list[dict]:
    import base64

    if isinstance(stored, list):
        return stored
    if stored.startswith(_ZLIB_MARK):
        return json.loads(zlib.decompress(base64.b64decode(stored[len(_ZLIB_MARK):])).decode("utf-8"))
    return json.loads(stored)
