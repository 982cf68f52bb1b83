"""The store's fast paths for the two commonest writes of a large run, in prebuilt statements:

- a document's first version (a first run stores every page: the ORM's per-object work and the
  compression on the event loop were most of its time), with blobs a worker already packed;
- plain unchanged checks, many in one transaction (one transaction each was the largest share of
  the event loop's time after fetching).

Both are for a run this process owns (SQLite). A shared run on PostgreSQL closes each document's
claim in that document's own transaction, so it takes the ordinary `record`.
"""

from __future__ import annotations

from sqlalchemy import bindparam, text
from sqlmodel.sql.sqltypes import UTCDateTime

from monitor.store import sql
from monitor.store.blobs import Packed
from monitor.store.records import NotFound, Observation

_HAS_VERSION = text("SELECT 1 FROM version WHERE document_id = :document LIMIT 1")
_INSERT_BLOB = text("INSERT INTO blob (sha256, size, data) VALUES (:sha256, :size, :data) ON CONFLICT (sha256) DO NOTHING")
_INSERT_VERSION = text(
    "INSERT INTO version (document_id, number, sha256, snapshot_sha256, content_type, url, source, captured_at,"
    " first_seen, last_seen) VALUES (:document, 1, :sha, :raw, :type, :url, :source, :at, :at, :at)"
).bindparams(bindparam("at", type_=UTCDateTime()))
# sql.document_update's statement for a first version, prebuilt.
_FIRST_VERSION_DOCUMENT = text(
    "UPDATE document SET last_checked_at = :at, last_outcome = 'new', last_error = NULL, consecutive_failures = 0,"
    " failing_since = NULL, suspect_kind = NULL, etag = :etag, last_modified = :modified,"
    " page_fingerprint = coalesce(:page, page_fingerprint), fingerprint_sha256 = coalesce(:page_sha, fingerprint_sha256)"
    " WHERE id = :document"
).bindparams(bindparam("at", type_=UTCDateTime()))


class FastPathMixin:
    def record_new(self, run_id: int, obs: Observation) -> int | None:
        """`record` for a document's first version; anything unusual (a shared run, another run stored a
        version meanwhile, no packed blobs) takes the ordinary path."""
        if self.backend.shared or obs.outcome != "new" or obs.text is None or not obs.packed:
            return self.record(run_id, obs)
        text_blob, raw_blob = obs.packed[0], (obs.packed[1] if len(obs.packed) > 1 else None)
        with self._faults(), self.engine.begin() as conn:
            if conn.execute(_HAS_VERSION, {"document": obs.document_id}).first() is None:
                self._insert_first_version(conn, run_id, obs, text_blob, raw_blob)
                return 1
        return self.record(run_id, obs)

    def _insert_first_version(self, conn, run_id: int, obs: Observation, text_blob: Packed, raw_blob: Packed | None) -> None:  # noqa: ANN001
        at = {"document": obs.document_id, "at": obs.checked_at}
        conn.execute(_INSERT_BLOB, [b.as_row() for b in (text_blob, raw_blob) if b is not None])
        conn.execute(_INSERT_VERSION, at | {
            "sha": text_blob.sha256, "raw": raw_blob.sha256 if raw_blob else None,
            "type": obs.content_type, "url": obs.url or "", "source": obs.source,
        })
        fingerprint = obs.fingerprint or (None, None)
        document = at | {"etag": obs.etag, "modified": obs.last_modified, "page": fingerprint[0], "page_sha": fingerprint[1]}
        if conn.execute(_FIRST_VERSION_DOCUMENT, document).rowcount != 1:
            raise NotFound(f"document {obs.document_id!r} is not in the database", "document", obs.document_id)
        conn.execute(sql.INSERT_CHECK, at | {
            "run": run_id, "outcome": "new", "status": obs.http_status, "error": None,
            "ms": obs.duration_ms, "suspect": None, "kind": None, "worker": self.worker,
        })

    def record_unchanged_many(self, run_id: int, observations: list[Observation]) -> None:
        """Many plain unchanged checks (no validators, no fingerprint: `_record_plain`'s prebuilt case)
        in one transaction, each statement run once for all of them."""
        if self.backend.shared:
            for obs in observations:
                self.record(run_id, obs)
            return
        rows = [
            {"document": o.document_id, "at": o.checked_at, "run": run_id, "outcome": "unchanged",
             "status": o.http_status, "error": None, "ms": o.duration_ms, "suspect": None, "kind": None,
             "worker": self.worker}
            for o in observations
        ]
        with self._faults(), self.engine.begin() as conn:
            conn.execute(sql.TOUCH_LATEST, rows)
            if conn.execute(sql.TOUCH_DOCUMENT, rows).rowcount != len(rows):
                raise NotFound("a checked document is not in the database", "document", "")
            conn.execute(sql.INSERT_CHECK, rows)
