"""Time in one convention: aware datetimes in UTC, printed as ISO-8601 to the second.

SQLite hands back naive datetimes for values stored as UTC; `aware` is the one place that says so.
"""

from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def aware(moment: datetime) -> datetime:
    """The same instant with its UTC offset: a naive value can only be UTC here."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def iso(moment: datetime | None) -> str | None:
    """ISO-8601 in UTC with its offset, to the second.

    >>> iso(datetime(2026, 3, 1, 12, 30, 5, 999))
    '2026-03-01T12:30:05+00:00'
    """
    if moment is None:
        return None
    return aware(moment).astimezone(timezone.utc).isoformat(timespec="seconds")
