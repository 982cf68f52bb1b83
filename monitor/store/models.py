"""The schema, as SQLModel tables. Changing a table means a new entry in `migrations.py`.

Texts and raw pages live in `blob`, zlib-compressed and keyed by sha256, so a page that flips back
to an earlier text, or two documents with the same text, share one copy.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel


class SchemaInfo(SQLModel, table=True):
    __tablename__ = "schema_info"
    id: int = Field(default=1, primary_key=True)
    version: int


class Blob(SQLModel, table=True):
    __tablename__ = "blob"
    sha256: str = Field(primary_key=True)  # of the uncompressed bytes
    size: int  # uncompressed
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # zlib


class Document(SQLModel, table=True):
    __tablename__ = "document"
    id: str = Field(primary_key=True)  # "vendor/document": stable, never the URL
    vendor_id: str = Field(index=True)
    vendor_name: str
    kind: str
    url: str
    created_at: datetime
    etag: str | None = None
    last_modified: str | None = None
    last_checked_at: datetime | None = None
    last_outcome: str | None = None  # new | changed | unchanged | failed
    last_error: str | None = None
    consecutive_failures: int = 0
    failing_since: datetime | None = None
    # analysis.fingerprint of the last page read in full, and the text it gave: an unchanged page
    # with the same fingerprint is known unchanged without parsing it again.
    page_fingerprint: str | None = None
    fingerprint_sha256: str | None = None
    suspect_kind: str | None = None  # v2: the last check's quality problem (outage, bot_wall...), if any


class Version(SQLModel, table=True):
    __tablename__ = "version"
    __table_args__ = (UniqueConstraint("document_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    document_id: str = Field(foreign_key="document.id", index=True)
    number: int  # 1, 2, 3... per document
    sha256: str = Field(foreign_key="blob.sha256")  # of the normalized text; the text is that blob
    snapshot_sha256: str | None = Field(default=None, foreign_key="blob.sha256")  # raw page as fetched
    content_type: str | None = None
    url: str
    source: str = "live"  # live | archive
    captured_at: datetime  # when the page held this text (fetch time, or the archive's capture time)
    first_seen: datetime
    last_seen: datetime


class Run(SQLModel, table=True):
    __tablename__ = "run"
    id: int | None = Field(default=None, primary_key=True)
    kind: str  # check | backfill
    started_at: datetime
    finished_at: datetime | None = None
    status: str = "running"  # running | ok | partial | interrupted | failed
    pid: int | None = None
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    error: str | None = None  # v2: why a run failed (disk full...): one line


class Check(SQLModel, table=True):
    __tablename__ = "check_result"
    __table_args__ = (Index("ix_check_result_document_time", "document_id", "checked_at"),)
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="run.id", index=True)
    document_id: str = Field(foreign_key="document.id")
    checked_at: datetime
    outcome: str  # new | changed | unchanged | failed (a suspect page fails with its reason)
    http_status: int | None = None
    error: str | None = None
    version_number: int | None = None
    duration_ms: int | None = None
    suspect_sha256: str | None = None  # text the quality gate held back (not a version, not a blob)
    suspect_kind: str | None = None  # v2: the gate's kind of problem, so nobody parses it back from `error`
    worker: str | None = None  # v2: the process that checked it (host:pid), for several workers


class Change(SQLModel, table=True):
    __tablename__ = "change"
    __table_args__ = (
        UniqueConstraint("document_id", "to_version"),
        Index("ix_change_detected", "detected_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: str = Field(foreign_key="document.id", index=True)
    from_version: int
    to_version: int
    detected_at: datetime
    material: bool
    severity: str  # noise | minor | material
    categories: str  # JSON list
    direction: str
    reason: str
    clauses: str  # JSON list, the engine's ClauseChange dicts
    reverts_to: int | None = None  # the new text is that of this earlier version (a flap): not news
    entities: str | None = None  # JSON list: a sub-processor list's entity changes (Comparison.entities)
    notice: str | None = None  # JSON: the notice the page states, and {"objection_deadline": "YYYY-MM-DD"}


class Outbox(SQLModel, table=True):
    """An event to tell people about, written in the same transaction as what it reports."""

    __tablename__ = "outbox"
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime
    kind: str  # change | operational
    document_id: str = Field(foreign_key="document.id", index=True)
    change_id: int | None = Field(default=None, foreign_key="change.id")
    severity: str  # for changes: the change's; for operational events: "operational"
    payload: str  # JSON: what the message needs beyond the change row (operational: incident details)
    closed_at: datetime | None = None  # every target that wanted it has it (or gave up)


class Delivery(SQLModel, table=True):
    """One event to one notification target. Delivered only on apprise's own success."""

    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("outbox_id", "target_key"),)
    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(foreign_key="outbox.id", index=True)
    target_key: str  # sha256 of the target's URL as written (with ${VAR}s): stable, holds no secret
    status: str = "pending"  # pending | delivered | failed (gave up after max attempts)
    attempts: int = 0
    last_error: str | None = None
    updated_at: datetime
    delivered_at: datetime | None = None


class ArchiveCapture(SQLModel, table=True):
    """Every archived capture `backfill` has looked at, so a rerun skips it and an interrupted one resumes."""

    __tablename__ = "archive_capture"
    __table_args__ = (UniqueConstraint("document_id", "timestamp"),)
    id: int | None = Field(default=None, primary_key=True)
    document_id: str = Field(foreign_key="document.id", index=True)
    timestamp: str  # the archive's 14-digit capture time
    digest: str | None = None
    captured_at: datetime
    outcome: str  # imported | duplicate | skipped | held (the gate held it back; a later backfill judges it again)
    reason: str | None = None
    version_number: int | None = None
    recorded_at: datetime


class RunClaim(SQLModel, table=True):
    """v3: one document of a shared run (PostgreSQL, several workers): who holds it, until when, done when.

    A worker renews its leases while it lives; a lease run out (the worker killed) frees the document
    for another worker of the same run.
    """

    __tablename__ = "run_claim"
    run_id: int = Field(foreign_key="run.id", primary_key=True)
    document_id: str = Field(foreign_key="document.id", primary_key=True)
    worker: str | None = None  # host:pid
    lease_until: datetime | None = None
    done_at: datetime | None = None


class Worker(SQLModel, table=True):
    """v3: a `check` process taking part in a run, and its last sign of life (for `status`)."""

    __tablename__ = "worker"
    name: str = Field(primary_key=True)  # host:pid
    run_id: int = Field(foreign_key="run.id", index=True)
    host: str
    pid: int
    started_at: datetime
    heartbeat_at: datetime
    checked: int = 0
