"""One factory from a database URL to its backend: `sqlite:///path`, a bare path, `postgresql://...`."""

from __future__ import annotations

import os
from pathlib import Path

from monitor.errors import StoreError

POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_url(value: str) -> bool:
    return "://" in value


def backend_for(database: str | os.PathLike[str]):  # noqa: ANN201 - SqliteBackend | PostgresBackend
    value = os.fspath(database)
    if value.startswith(POSTGRES_SCHEMES):
        from monitor.store.postgres import PostgresBackend

        return PostgresBackend(value)
    if value.startswith("sqlite:///"):
        value = value[len("sqlite:///"):]
    elif is_url(value):
        scheme = value.split("://", 1)[0]
        raise StoreError(f"unsupported database URL scheme {scheme!r}", "use a file path, sqlite:///path or postgresql://user@host/db")
    from monitor.store.sqlite import SqliteBackend

    return SqliteBackend(Path(os.path.expanduser(value)))
