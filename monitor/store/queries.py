"""The reads behind the query commands (history, show, changes, diff), each one SQL statement.

Written once, run two ways: `Store` runs them through its SQLAlchemy engine, `Reader` (reader.py)
through the DB-API driver alone, so that a query command answers without importing SQLAlchemy and
SQLModel (0.3 s of a 0.6 s `history --json` on these machines). Hence plain, portable SQL with
`:name` parameters, and rows handed back as mappings that `to_record` types by the record's fields.
"""

from __future__ import annotations

import json
import zlib
from datetime import datetime, timezone
from typing import Any

from monitor.store import records as r
from monitor.store.records import NotFound, to_record


class QueryReads:
    """Mixed into `Store` and `Reader`; each supplies `_select`."""

    def _select(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        raise NotImplementedError

    def document(self, document_id: str) -> r.Document:
        rows = self._select("SELECT * FROM document WHERE id = :id", id=document_id)
        if not rows:
            raise NotFound(f"no document {document_id!r} in the database", "document", document_id)
        return to_record(r.Document, rows[0])

    def documents(self) -> list[r.Document]:
        return [to_record(r.Document, row) for row in self._select("SELECT * FROM document ORDER BY id")]

    def versions(self, document_id: str) -> list[r.Version]:
        self.document(document_id)
        rows = self._select(
            "SELECT * FROM version WHERE document_id = :d ORDER BY captured_at, number", d=document_id
        )
        return [to_record(r.Version, row) for row in rows]

    def version(self, document_id: str, number: int | None = None) -> r.Version:
        self.document(document_id)
        if number is None:
            rows = self._select("SELECT * FROM version WHERE document_id = :d ORDER BY number DESC LIMIT 1", d=document_id)
        else:
            rows = self._select("SELECT * FROM version WHERE document_id = :d AND number = :n", d=document_id, n=number)
        if not rows:
            which = f"version {number}" if number is not None else "version yet"
            raise NotFound(f"{document_id} has no {which}", "version", document_id)
        return to_record(r.Version, rows[0])

    def text(self, sha: str) -> str:
        return self.blob(sha).decode("utf-8")

    def blob(self, sha: str) -> bytes:
        rows = self._select("SELECT data FROM blob WHERE sha256 = :sha", sha=sha)
        if not rows:
            raise NotFound(f"blob {sha} is missing from the database", "blob")
        return zlib.decompress(rows[0]["data"])

    def changes(
        self,
        document_id: str | None = None,
        since: datetime | None = None,
        material: bool | None = None,
        category: str | None = None,
    ) -> list[r.Change]:
        where, params = [], {}
        if document_id is not None:
            self.document(document_id)
            where.append("document_id = :d")
            params["d"] = document_id
        if since is not None:
            where.append("detected_at >= :since")
            params["since"] = since
        if material is not None:
            where.append("material = :material")
            params["material"] = material
        if category is not None:  # a JSON list of names: the quoted name prefilters in SQL, checked exactly below
            where.append("categories LIKE :category")
            params["category"] = f"%{json.dumps(category)}%"
        sql = "SELECT * FROM change" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY detected_at, id"
        rows = [to_record(r.Change, row) for row in self._select(sql, **params)]
        if category is not None:
            rows = [c for c in rows if category in c.categories]
        return rows

    def reviews(self, document_id: str | None = None) -> dict[tuple[str, int], list[r.Review]]:
        """Every decision, oldest first, by (document, to_version)."""
        if document_id is None:
            rows = self._select("SELECT * FROM review ORDER BY decided_at, id")
        else:
            rows = self._select("SELECT * FROM review WHERE document_id = :d ORDER BY decided_at, id", d=document_id)
        out: dict[tuple[str, int], list[r.Review]] = {}
        for row in rows:
            review = to_record(r.Review, row)
            out.setdefault((review.document_id, review.to_version), []).append(review)
        return out


def stored_time(value: datetime) -> datetime:
    """A time as the store keeps it: UTC, without its zone (both backends store naive UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def sqlite_param(value: Any) -> Any:
    """A parameter as SQLite holds it: a datetime is the text SQLAlchemy writes, so that comparisons
    between the two are comparisons of times (the text sorts as the time does)."""
    if isinstance(value, datetime):
        return stored_time(value).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value
