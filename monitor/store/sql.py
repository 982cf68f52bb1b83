"""Statements and row builders the store's modules share (any backend: portable SQL only)."""

from __future__ import annotations

import hashlib
import json
import zlib
from datetime import datetime

from sqlalchemy import bindparam, case, text
from sqlalchemy import update as sa_update
from sqlmodel import Session, select
from sqlmodel.sql.sqltypes import UTCDateTime

from monitor.clock import utcnow
from monitor.engine.result import Comparison
from monitor.store.models import Blob, Change, Document, Outbox, Version
from monitor.store.records import Observation, encode_clauses


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# The statements of the most common outcome, built once (building them per call was most of its cost).
# CAST: PostgreSQL must deduce one type for a parameter used twice (a column value and a comparison).
_LATEST_NUMBER = "(SELECT max(number) FROM version WHERE document_id = CAST(:document AS VARCHAR))"
TOUCH_LATEST = text(
    f"UPDATE version SET last_seen = :at WHERE document_id = :document AND number = {_LATEST_NUMBER}"
).bindparams(bindparam("at", type_=UTCDateTime()))
TOUCH_DOCUMENT = text(
    "UPDATE document SET last_checked_at = :at, last_outcome = 'unchanged', last_error = NULL,"
    " consecutive_failures = 0, failing_since = NULL, suspect_kind = NULL WHERE id = :document"
).bindparams(bindparam("at", type_=UTCDateTime()))
INSERT_CHECK = text(
    "INSERT INTO check_result (run_id, document_id, checked_at, outcome, http_status, error, version_number,"
    " duration_ms, suspect_sha256, suspect_kind, worker)"
    f" VALUES (:run, CAST(:document AS VARCHAR), :at, :outcome, :status, :error, {_LATEST_NUMBER}, :ms, :suspect, :kind, :worker)"
).bindparams(bindparam("at", type_=UTCDateTime()))


def document_update(obs: Observation):  # noqa: ANN201 - an UPDATE statement
    """The document's running state after one check: last outcome, failure streak, validators."""
    values: dict = {"last_checked_at": obs.checked_at, "last_outcome": obs.outcome, "suspect_kind": obs.suspect_kind}
    if obs.outcome == "failed":
        values.update(
            last_error=obs.error,
            consecutive_failures=Document.consecutive_failures + 1,
            failing_since=case((Document.failing_since.is_(None), obs.checked_at), else_=Document.failing_since),
        )
    else:
        values.update(last_error=None, consecutive_failures=0, failing_since=None)
        # A 200 without validators clears them; an unchanged text re-sent without them keeps the old ones.
        if obs.etag is not None or obs.last_modified is not None or obs.outcome != "unchanged":
            values.update(etag=obs.etag, last_modified=obs.last_modified)
        if obs.fingerprint is not None:
            values.update(page_fingerprint=obs.fingerprint[0], fingerprint_sha256=obs.fingerprint[1])
    return sa_update(Document).where(Document.id == obs.document_id).values(**values)


def add_change(
    session: Session,
    document_id: str,
    from_n: int,
    to_n: int,
    cmp: Comparison,
    detected_at: datetime,
    notify: bool,
    reverts_to: int | None = None,
) -> Change:
    """A change row, and in the same transaction its outbox event: an alert is never lost."""
    cmp = cmp.dated(detected_at)
    change = Change(
        document_id=document_id,
        from_version=from_n,
        to_version=to_n,
        detected_at=detected_at,
        material=cmp.material,
        severity=cmp.severity,
        categories=json.dumps(list(cmp.categories)),
        direction=cmp.direction,
        reason=cmp.reason,
        clauses=encode_clauses(cmp.to_dict()["clauses"]),
        reverts_to=reverts_to,
        entities=json.dumps(list(cmp.entities), ensure_ascii=False) if cmp.entities else None,
        notice=json.dumps({**(cmp.notice or {}), "objection_deadline": cmp.objection_deadline})
        if cmp.notice or cmp.objection_deadline else None,
    )
    session.add(change)
    session.flush()
    if notify:  # every severity: a target may ask for minor or noise too; routing filters at send time
        session.add(
            Outbox(created_at=utcnow(), kind="change", document_id=document_id, change_id=change.id, severity=cmp.severity, payload="{}")
        )
    return change


def add_version(session: Session, obs: Observation, number: int) -> str:
    """Version `number` of the document from an observation, its text and raw page stored as blobs
    (live checks and archived captures alike; the captured moment is `obs.checked_at`)."""
    assert obs.text is not None
    text_sha = put_blob(session, obs.text.encode("utf-8"))
    raw_sha = put_blob(session, obs.raw) if obs.raw is not None else None
    moment = obs.checked_at
    session.add(
        Version(
            document_id=obs.document_id, number=number, sha256=text_sha, snapshot_sha256=raw_sha,
            content_type=obs.content_type, url=obs.url or "", source=obs.source,
            captured_at=moment, first_seen=moment, last_seen=moment,
        )
    )
    return text_sha


def put_blob(session: Session, data: bytes) -> str:
    digest = sha256(data)
    if session.get(Blob, digest) is None:
        # Level 3: four times faster than the default on policy pages, for about 12% more bytes.
        session.add(Blob(sha256=digest, size=len(data), data=zlib.compress(data, 3)))
        session.flush()
    return digest


def text_in(session: Session, sha: str) -> str:
    return zlib.decompress(session.get(Blob, sha).data).decode("utf-8")


def latest_version(session: Session, document_id: str) -> Version | None:
    query = select(Version).where(Version.document_id == document_id).order_by(Version.number.desc()).limit(1)
    return session.exec(query).first()
