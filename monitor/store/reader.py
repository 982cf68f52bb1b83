"""`Reader`: the query commands' reads (queries.py) on Python's sqlite3 alone, for answers at once.

`history`, `show`, `changes` and `diff` of stored versions only read. Through `Store` they would
first import SQLAlchemy and SQLModel, which costs more than the query itself many times over. A
Reader opens the SQLite file read-only in spirit (`query_only`), runs the same statements as the
store, and hands back the same records.

It reads only what it is sure of: a SQLite database at exactly this program's schema version.
Anything else (PostgreSQL, an older schema that must be migrated first, a file that is not a
policy-monitor database or is damaged) makes `open` return None, and the caller uses `Store`, which
migrates, or explains the problem in one line, as before.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any
from urllib.parse import quote

from monitor.errors import StoreError
from monitor.store.queries import QueryReads, sqlite_param
from monitor.store.schema import LATEST
from monitor.store.sqlite import BUSY_TIMEOUT_MS, SqliteBackend
from monitor.store.urls import backend_for


class Reader(QueryReads):
    def __init__(self, connection: sqlite3.Connection, backend: SqliteBackend) -> None:
        self.connection = connection
        self.backend = backend

    @classmethod
    def open(cls, url: str | os.PathLike[str]) -> Reader | None:
        """A Reader on this database, or None when `Store` must open it (see the module's docstring)."""
        backend = backend_for(url)
        if not isinstance(backend, SqliteBackend) or not backend.exists():
            return None
        try:
            # mode=rw: never create a file here (a missing one is Store's to explain).
            connection = sqlite3.connect(f"file:{quote(str(backend.path))}?mode=rw", uri=True,
                                         timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except sqlite3.Error:
            return None
        try:
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA query_only = 1")
            row = connection.execute("SELECT version FROM schema_info WHERE id = 1").fetchone()
        except sqlite3.Error:
            row = None
        if row is None or row[0] != LATEST:
            connection.close()
            return None
        return cls(connection, backend)

    @property
    def label(self) -> str:
        return self.backend.label

    def close(self) -> None:
        self.connection.close()

    def _select(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        try:
            cursor = self.connection.execute(sql, {k: sqlite_param(v) for k, v in params.items()})
            return [dict(row) for row in cursor]
        except sqlite3.Error as exc:
            known = self.backend.translate(exc)
            if known is not None:
                raise known from None
            first = (str(exc).strip().splitlines() or [""])[0]
            raise StoreError(f"{self.label}: database error: {type(exc).__name__}: {first}") from exc
