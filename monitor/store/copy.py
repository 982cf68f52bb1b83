"""Copy a whole history from one database to another (SQLite -> PostgreSQL), verified, and idempotent.

Rows keep their ids, so a second copy finds every row there and adds nothing, and an interrupted
one (a single transaction) left nothing and starts over. The target must be empty or an earlier
copy of this source: rows already there are never overwritten, and a target holding another
history fails the verification (counts, versions).
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field

from sqlalchemy import Table, func, select, text

from sqlmodel import SQLModel

from monitor.errors import StoreError
from monitor.store import models  # noqa: F401 - registers the tables

# Parents before children (foreign keys); schema_info is each database's own.
ORDER = ["document", "blob", "version", "run", "check_result", "change", "outbox", "delivery", "archive_capture"]
BATCH = 500


@dataclass
class CopyReport:
    copied: dict[str, int] = field(default_factory=dict)  # rows added to the target, per table
    total: dict[str, int] = field(default_factory=dict)  # rows in the source, per table
    blobs_verified: int = 0

    def to_dict(self) -> dict:
        return {"copied": self.copied, "total": self.total, "blobs_verified": self.blobs_verified}


def copy_database(source, target) -> CopyReport:  # noqa: ANN001 - two Stores
    report = CopyReport()
    tables = SQLModel.metadata.tables
    with source.engine.connect() as src, target._faults(), target.engine.begin() as dst:
        for name in ORDER:
            table = tables[name]
            report.total[name], report.copied[name] = _copy_table(src, dst, table)
        if target.backend.name == "postgresql":
            for name in ORDER:
                if "id" in tables[name].c and name != "document":
                    dst.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE((SELECT max(id) FROM {name}), 0) + 1, false)"
                    ))
    report.blobs_verified = verify(source, target)
    return report


def _key(table: Table) -> list:
    return list(table.primary_key.columns)


def _copy_table(src, dst, table: Table) -> tuple[int, int]:  # noqa: ANN001 - connections
    key = _key(table)
    have = {tuple(row) for row in dst.execute(select(*key))}
    total = added = 0
    result = src.execution_options(stream_results=True).execute(select(table).order_by(*key))
    while batch := result.fetchmany(BATCH):
        fresh = []
        for row in batch:
            total += 1
            values = row._asdict()
            if tuple(values[c.name] for c in key) in have:
                continue
            fresh.append(values)
        if fresh:
            dst.execute(table.insert(), fresh)
            added += len(fresh)
    return total, added


def verify(source, target) -> int:  # noqa: ANN001 - two Stores
    """Counts equal table by table, versions equal, and every blob's bytes hash to its key; returns blobs checked."""
    tables = SQLModel.metadata.tables
    with source.engine.connect() as src, target.engine.connect() as dst:
        for name in ORDER:
            count = select(func.count()).select_from(tables[name])
            theirs, ours = src.execute(count).scalar_one(), dst.execute(count).scalar_one()
            if theirs != ours:
                raise StoreError(
                    f"{target.label}: {name} holds {ours} rows, the source {theirs}",
                    "the target holds another history: copy into an empty database",
                )
        version = tables["version"]
        fields = select(version.c.document_id, version.c.number, version.c.sha256)
        if set(src.execute(fields)) != set(dst.execute(fields)):
            raise StoreError(f"{target.label}: its versions differ from the source's", "copy into an empty database")
        checked = 0
        blob = tables["blob"]
        for sha, data in dst.execution_options(stream_results=True).execute(select(blob.c.sha256, blob.c.data)):
            if hashlib.sha256(zlib.decompress(data)).hexdigest() != sha:
                raise StoreError(f"{target.label}: blob {sha} does not hash to its key after the copy")
            checked += 1
    return checked
