r"""The notice a sub-processor list gives before a new entry takes effect, and the date to object by.

A page states either a period ("at least 30 days before engaging a new sub-processor") or a date
("effective 1 March 2027"). The period counts from when the change was seen, which the pure core
does not know: `deadline` takes that date.

    >>> notice_of("We notify customers thirty (30) days before a new sub-processor is engaged.")["days"]
    30
    >>> deadline({"days": 30}, date(2026, 12, 1))
    '2026-12-31'
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_NUMBERS = {
    "seven": 7, "ten": 10, "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30, "forty-five": 45,
    "sixty": 60, "ninety": 90, "one month": 30, "two weeks": 14, "one week": 7,
}
_NUMBER = r"(?P<n>\d{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")(?:\s*\(\d{1,3}\))?"
_PERIOD = re.compile(
    _NUMBER + r"\s*(?:calendar |business |working )?(?P<unit>days?|weeks?|months?)?['’]?s?\s*"
    r"(?:(?:prior |advance |written |of )*notice|before|in advance|prior to|ahead of)",
    re.I,
)
_MONTHS = ("january february march april may june july august september october november december").split()
_MONTH = r"(?P<month>" + "|".join(f"{m[:3]}(?:{m[3:]})?" for m in _MONTHS) + r")\b\.?"
_DATE = (
    r"(?:(?P<iso>\d{4}-\d{2}-\d{2})|(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r"(?:,?\s+(?P<y1>\d{4}))?"
    r"|" + _MONTH.replace("month", "month2") + r"\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y2>\d{4}))?)"
)
_EFFECTIVE = re.compile(
    r"(?:effective|takes? effect|in effect|applies|apply|engaged|begins?|starting|commencing)"
    r"(?:\s+(?:on|from|as of|date:?))?\s*:?\s*" + _DATE,
    re.I,
)
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30}


def notice_of(text: str) -> dict | None:
    """{"days": 30, "quote": …} and/or {"effective": "2027-03-01" or "03-01", …}; None when the page says none."""
    found: dict = {}
    period = _PERIOD.search(text)
    if period:
        raw = period.group("n").lower()
        n = int(raw) if raw.isdigit() else _NUMBERS[raw]
        unit = (period.group("unit") or "day").lower().rstrip("s")
        if raw in ("one month", "two weeks", "one week"):
            unit = "day"
        found.update(days=n * _UNIT_DAYS[unit], quote=period.group(0).strip())
    effective = _EFFECTIVE.search(text)
    if effective:
        when = parse_date(effective)
        if when:
            found.update(effective=when, effective_quote=effective.group(0).strip())
    return found or None


def parse_date(m: re.Match[str]) -> str | None:
    """'2027-03-01', or '--03-01' when the page gives no year (resolved against the detection date)."""
    if m.group("iso"):
        return m.group("iso")
    month_name = m.group("month") or m.group("month2")
    day = m.group("d1") or m.group("d2")
    year = m.group("y1") or m.group("y2")
    month = next(i for i, name in enumerate(_MONTHS, 1) if name.startswith(month_name.lower()[:3]))
    if not 1 <= int(day) <= 31:
        return None
    return f"{year}-{month:02d}-{int(day):02d}" if year else f"--{month:02d}-{int(day):02d}"


def date_in(text: str) -> str | None:
    m = re.search(_DATE, text, re.I)
    return parse_date(m) if m else None


def resolve(when: str, seen: date) -> date | None:
    """A stated date as a date; a date with no year is the next one on or after `seen` (or just before)."""
    try:
        if not when.startswith("--"):
            return date.fromisoformat(when)
        month, day = int(when[2:4]), int(when[5:7])
        for year in (seen.year, seen.year + 1):
            candidate = date(year, month, day)
            if candidate >= seen - timedelta(days=31):  # a date just past is this year's, already due
                return candidate
    except ValueError:
        return None
    return None


def deadline(notice: dict | None, seen: date, effective: str | None = None) -> str | None:
    """The day an objection must be sent by: the stated effective date, else `seen` + the notice period."""
    when = effective or (notice or {}).get("effective")
    day = resolve(when, seen) if when else None
    if day is not None and day >= seen:  # a date already past is the list's own, not the new entry's
        return day.isoformat()
    days = (notice or {}).get("days")
    return (seen + timedelta(days=days)).isoformat() if days else None
