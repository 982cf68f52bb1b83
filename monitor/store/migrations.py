"""Schema versions and the path between them, so users upgrade in place and keep their history.

A new database is created at `LATEST` straight from the models. An older one is brought forward one
step at a time, each step in the same transaction as the version bump. Adding a step: bump `LATEST`,
append a function to `STEPS`, change the models to match, and extend `tests/test_store.py`'s schema.
"""

from __future__ import annotations

from typing import Callable

from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from monitor.store import models, reviews  # noqa: F401 - registers the tables on SQLModel.metadata
from monitor.errors import StoreError

LATEST = 3


def _entity_columns(conn: Connection) -> None:
    """2: sub-processor lists: a change's entity changes and the notice (objection deadline) as JSON."""
    conn.execute(text("ALTER TABLE change ADD COLUMN entities VARCHAR"))
    conn.execute(text("ALTER TABLE change ADD COLUMN notice VARCHAR"))


def _add_review_table(conn: Connection) -> None:
    """3: review decisions on changes (issue 13)."""
    reviews.Review.__table__.create(conn)


# STEPS[n] upgrades a database at version n-1 to version n.
STEPS: dict[int, Callable[[Connection], None]] = {2: _entity_columns, 3: _add_review_table}


def upgrade(engine: Engine) -> int:
    with engine.begin() as conn:
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
