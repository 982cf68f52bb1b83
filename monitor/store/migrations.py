"""Schema versions and the path between them, so users upgrade in place and keep their history.

A new database is created at `LATEST` straight from the models. An older one is brought forward one
step at a time, each step in the same transaction as the version bump. Adding a step: bump `LATEST` (schema.py),
append a function to `STEPS`, change the models to match, and extend `tests/test_store.py`'s schema.
"""

from __future__ import annotations

from typing import Callable

from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from monitor.store import models, reviews  # noqa: F401 - registers the tables on SQLModel.metadata
from monitor.errors import StoreError
from monitor.store.schema import LATEST


def _entity_columns(conn: Connection) -> None:
    """2: sub-processor lists: a change's entity changes and the notice (objection deadline) as JSON."""
    conn.execute(text("ALTER TABLE change ADD COLUMN entities VARCHAR"))
    conn.execute(text("ALTER TABLE change ADD COLUMN notice VARCHAR"))


def _add_review_table(conn: Connection) -> None:
    """3: review decisions on changes (issue 13)."""
    reviews.Review.__table__.create(conn)


SUSPECT_PREFIX = "suspect page: "  # how v1 wrote the quality gate's verdict into `error`


def _v4_suspect_kind_and_run_error(conn: Connection) -> None:
    """4: the suspect kind as a column (check and document), a failed run's reason, the checking worker.

    v1 rows keep their meaning: the kind is read back once, here, from the error text they hold.
    """
    for ddl in (
        "ALTER TABLE check_result ADD COLUMN suspect_kind VARCHAR",
        "ALTER TABLE check_result ADD COLUMN worker VARCHAR",
        "ALTER TABLE document ADD COLUMN suspect_kind VARCHAR",
        "ALTER TABLE run ADD COLUMN error VARCHAR",
    ):
        conn.execute(text(ddl))
    for table in ("check_result", "document"):
        column = "error" if table == "check_result" else "last_error"
        rows = conn.execute(
            text(f"SELECT id, {column} FROM {table} WHERE {column} LIKE :prefix"), {"prefix": SUSPECT_PREFIX + "%"}
        ).all()
        for row_id, error in rows:
            conn.execute(text(f"UPDATE {table} SET suspect_kind = :kind WHERE id = :id"),
                         {"kind": suspect_kind_of(error), "id": row_id})


def suspect_kind_of(error: str) -> str:
    """'suspect page: bot wall: Cloudflare' -> 'bot_wall' (the gate's Problem.kind)."""
    return error[len(SUSPECT_PREFIX):].split(":", 1)[0].strip().replace(" ", "_") or "suspect"


def _v5_shared_runs(conn: Connection) -> None:
    """5: run_claim and worker, so several `check` processes share one run on PostgreSQL."""
    models.RunClaim.__table__.create(conn)
    models.Worker.__table__.create(conn)


# STEPS[n] upgrades a database at version n-1 to version n.
STEPS: dict[int, Callable[[Connection], None]] = {
    2: _entity_columns, 3: _add_review_table, 4: _v4_suspect_kind_and_run_error, 5: _v5_shared_runs,
}


MIGRATION_LOCK_KEY = 0x706D_0003  # PostgreSQL: workers opening a new database migrate it one at a time


def upgrade(engine: Engine) -> int:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
        tables = set(inspect(conn).get_table_names())
        if "schema_info" not in tables:
            if tables:
                raise StoreError(
                    f"the database holds tables ({', '.join(sorted(tables)[:3])}...) but no policy-monitor schema",
                    "point --db at a new file or at a policy-monitor database",
                )
            SQLModel.metadata.create_all(conn)
            conn.execute(text("INSERT INTO schema_info (id, version) VALUES (1, :v)"), {"v": LATEST})
            return LATEST
        current = conn.execute(text("SELECT version FROM schema_info WHERE id = 1")).scalar_one()
        if current > LATEST:
            raise StoreError(
                f"the database is at schema version {current}, newer than this policy-monitor knows ({LATEST})",
                "upgrade policy-monitor",
            )
        for step in range(current + 1, LATEST + 1):
            STEPS[step](conn)
            conn.execute(text("UPDATE schema_info SET version = :v WHERE id = 1"), {"v": step})
        return LATEST
