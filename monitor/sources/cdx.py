"""CDX listings, pure: the query each archive dialect expects, and its answer parsed into `Capture`s.

Two dialects:

- The Internet Archive's CDX server (`/cdx/search/cdx`): space-separated text lines
  `urlkey timestamp original mimetype statuscode digest length`; with `showResumeKey=true` a page that
  stops early ends with a blank line and the key for the next page. waybackpy validates and encodes the
  query (`WaybackMachineCDXServerAPI.add_payload`, `full_url`) and parses each line (`CDXSnapshot`):
  we use it for that. Its request loop is not used (see archive.py for why).
- pywb (`<collection>/cdx`, `output=json`): one JSON object a line. pywb has no resume key and no
  `collapse`, so pages are walked with `from=<last timestamp>` and identical digests collapsed here.

No I/O: archive.py sends the requests and hands the bodies to the parsers below.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from waybackpy.cdx_api import WaybackMachineCDXServerAPI
from waybackpy.cdx_snapshot import CDXSnapshot
from waybackpy.cdx_utils import full_url
from waybackpy.exceptions import WaybackError

from monitor.errors import ArchiveError

# Rows per CDX request: big enough that a policy's whole history is one or two requests (the CDX
# rate is the scarce one), small enough that one answer stays a few hundred kilobytes.
PAGE_SIZE = 5000
TIMESTAMP_FORMAT = "%Y%m%d%H%M%S"


@dataclass(frozen=True)
class Capture:
    """One archived capture of a URL, as a CDX line lists it."""

    timestamp: str  # 14 digits, UTC: the archive's key for the capture
    original: str  # the URL as the archive recorded it
    digest: str | None = None  # the archive's content hash (base32 SHA-1 on the Internet Archive)
    mimetype: str | None = None
    status: int | None = None

    @property
    def captured_at(self) -> datetime:
        return parse_timestamp(self.timestamp)


@dataclass(frozen=True)
class CdxPage:
    captures: list[Capture]
    resume_key: str | None = None  # Internet Archive only: ask for the next page with it


def parse_timestamp(stamp: str) -> datetime:
    """'20200131120000' → an aware UTC datetime; shorter stamps are padded (2020 → 2020-01-01)."""
    padded = stamp + "00000101000000"[len(stamp) :] if len(stamp) < 14 else stamp[:14]
    try:
        return datetime.strptime(padded, TIMESTAMP_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        raise ArchiveError(f"not an archive timestamp: {stamp!r}") from None


def timestamp_of(moment: date | datetime) -> str:
    """A date or datetime → the archive's 14-digit UTC key."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day, tzinfo=timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime(TIMESTAMP_FORMAT)


def next_second(stamp: str) -> str:
    """The timestamp one second later: where a listing walks on after a full page."""
    return timestamp_of(parse_timestamp(stamp) + timedelta(seconds=1))


def day_bounds(since: date | datetime | None, until: date | datetime | None) -> tuple[str | None, str | None]:
    """--since/--until → (from, to) timestamps; a bare `until` date includes that whole day."""
    low = timestamp_of(since) if since is not None else None
    high = None
    if until is not None:
        high = timestamp_of(until)
        if not isinstance(until, datetime):
            high = high[:8] + "235959"
    return low, high


# --- the Internet Archive ----------------------------------------------------------------------------
def wayback_query(endpoint: str, url: str, since: str | None, until: str | None, resume_key: str | None,
                  user_agent: str, limit: int | None = None) -> str:
    """The CDX request URL: status 200 only, identical digests collapsed, oldest first, resumable."""
    limit = limit or PAGE_SIZE
    try:
        api = WaybackMachineCDXServerAPI(
            url, user_agent=user_agent, start_timestamp=since, end_timestamp=until,
            filters=["statuscode:200"], collapses=["digest"], limit=str(limit),
        )
    except WaybackError as exc:
        raise ArchiveError(f"cannot build a CDX query for {url}: {exc}") from None
    payload: dict[str, str] = {}
    api.add_payload(payload)
    payload.update(limit=str(limit), showResumeKey="true")
    if resume_key:
        payload["resumeKey"] = resume_key
    return full_url(endpoint, payload)


def parse_wayback_page(body: str) -> CdxPage:
    r"""The CDX server's text answer → captures and the resume key, if the page says there is more.

    >>> page = parse_wayback_page("com,acme)/privacy 20200101000000 https://acme.com/privacy text/html 200 ABC 9\n\nKEY\n")
    >>> page.captures[0].timestamp, page.resume_key
    ('20200101000000', 'KEY')
    """
    lines = body.strip("\n").split("\n") if body.strip() else []
    resume_key = None
    # A resume key is the last line, after a blank one; a blank line can only mean that.
    if len(lines) >= 2 and not lines[-2].strip():
        resume_key = lines[-1].strip() or None
        lines = lines[:-2]
    return CdxPage([_wayback_capture(line) for line in lines if line.strip()], resume_key)


def _wayback_capture(line: str) -> Capture:
    fields = line.split()
    if len(fields) != 7:
        raise ArchiveError(f"the CDX server sent a line with {len(fields)} fields instead of 7: {line[:200]!r}")
    names = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
    try:
        snap = CDXSnapshot(dict(zip(names, fields)))
    except ValueError:
        raise ArchiveError(f"the CDX server sent a bad timestamp: {line[:200]!r}") from None
    return Capture(snap.timestamp, snap.original, snap.digest, snap.mimetype, _status(snap.statuscode))


# --- pywb ---------------------------------------------------------------------------------------------
def pywb_query(endpoint: str, url: str, since: str | None, until: str | None, limit: int | None = None) -> str:
    params = {"url": url, "output": "json", "filter": "status:200", "limit": str(limit or PAGE_SIZE)}
    if since:
        params["from"] = since
    if until:
        params["to"] = until
    return full_url(endpoint, params)


def parse_pywb_page(body: str) -> CdxPage:
    """pywb's `output=json` answer (one object a line) → captures. pywb pages have no resume key."""
    captures = []
    for line in body.splitlines():
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            captures.append(
                Capture(row["timestamp"], row["url"], row.get("digest"), row.get("mime"), _status(row.get("status")))
            )
        except (ValueError, KeyError, TypeError):
            raise ArchiveError(f"the pywb CDX API sent a line that is not a capture: {line[:200]!r}") from None
    return CdxPage(captures)


# --- both ---------------------------------------------------------------------------------------------
def collapse(captures: Iterable[Capture], since: str | None = None, until: str | None = None) -> list[Capture]:
    """Oldest first, one capture per timestamp, runs of identical digests reduced to their first.

    Also keeps to [since, until] and to status 200, in case an archive ignored those parameters.
    """
    kept: list[Capture] = []
    seen: set[str] = set()
    for cap in sorted(captures, key=lambda c: c.timestamp):
        if cap.timestamp in seen or (cap.status not in (None, 200)):
            continue
        if (since and cap.timestamp < since) or (until and cap.timestamp > until):
            continue
        seen.add(cap.timestamp)
        if kept and cap.digest and kept[-1].digest == cap.digest:
            continue
        kept.append(cap)
    return kept


def _status(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None
