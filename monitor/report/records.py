"""What the report is built from (plain values the job reads from the store) and where each page lives.

Permalinks hang on the text of the version a change leads into, not on its number: a backfill that
inserts an older capture renumbers versions, and a link already sent in a notification must still
open the same change.

    >>> change_keys([("acme/privacy", 1, "aa" * 32), ("acme/privacy", 2, "bb" * 32), ("acme/privacy", 3, "aa" * 32)])
    {('acme/privacy', 1): 'aaaaaaaaaaaa', ('acme/privacy', 2): 'bbbbbbbbbbbb', ('acme/privacy', 3): 'aaaaaaaaaaaa-3'}
    >>> change_page("acme/privacy", "bbbbbbbbbbbb")
    'acme/privacy/changes/bbbbbbbbbbbb.html'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

INDEX = "index.html"
CSS = "assets/report.css"
JS = "assets/report.js"
ICON = "assets/icon.svg"
ALL_FEED = "feeds/all.atom"
MATERIAL_FEED = "feeds/material.atom"
REVIEW_STATES = ("reviewed", "acknowledged", "dismissed")

_SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True)
class ReviewRecord:
    status: str  # reviewed | acknowledged | dismissed
    by: str
    decided_at: datetime
    note: str = ""


@dataclass(frozen=True)
class VersionRecord:
    number: int
    sha256: str  # of the normalized text
    captured_at: datetime
    source: str  # live | archive
    url: str
    snapshot_sha256: str | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class ChangeRecord:
    document_id: str
    from_version: int
    to_version: int
    key: str  # the permalink's name (see change_keys)
    detected_at: datetime
    material: bool
    severity: str
    categories: tuple[str, ...]
    direction: str
    reason: str
    clauses: tuple[dict, ...] = ()  # the engine's ClauseChange dicts
    reverts_to: int | None = None
    reviews: tuple[ReviewRecord, ...] = ()  # oldest first; the last one is the change's state

    @property
    def review(self) -> ReviewRecord | None:
        return self.reviews[-1] if self.reviews else None

    @property
    def ref(self) -> str:
        """How the CLI names it: `review acme/privacy@4`."""
        return f"{self.document_id}@{self.to_version}"


@dataclass(frozen=True)
class DocumentRecord:
    id: str
    vendor_id: str
    vendor_name: str
    kind: str
    url: str
    tags: tuple[str, ...] = ()
    last_checked_at: datetime | None = None
    last_outcome: str | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    failing_since: datetime | None = None


@dataclass(frozen=True)
class DocumentHistory:
    """One document with its versions and changes, oldest first: what its pages are built from."""

    document: DocumentRecord
    versions: tuple[VersionRecord, ...] = ()
    changes: tuple[ChangeRecord, ...] = ()
    texts: dict[str, str] = field(default_factory=dict)  # sha256 → text, for the version pages

    def version(self, number: int) -> VersionRecord | None:
        return next((v for v in self.versions if v.number == number), None)


# --- paths ----------------------------------------------------------------------------------------
def document_dir(document_id: str) -> str:
    """'acme/privacy' → 'acme/privacy', refusing anything that is not two plain ids (no '..', no '/')."""
    parts = document_id.split("/")
    if len(parts) != 2 or not all(_SAFE_ID.match(p) for p in parts):
        raise ValueError(f"{document_id!r} is not a 'vendor/document' id")
    return document_id


def document_page(document_id: str) -> str:
    return f"{document_dir(document_id)}/index.html"


def change_page(document_id: str, key: str) -> str:
    return f"{document_dir(document_id)}/changes/{key}.html"


def version_page(document_id: str, sha: str) -> str:
    return f"{document_dir(document_id)}/versions/{sha[:12]}.html"


def snapshot_file(document_id: str, sha: str, content_type: str | None) -> str:
    # Raw vendor HTML is never served as HTML from the report's origin: as .txt it cannot run.
    ext = "pdf" if content_type and "pdf" in content_type.lower() else "txt"
    return f"{document_dir(document_id)}/snapshots/{sha[:12]}.{ext}"


def document_feed(document_id: str) -> str:
    return f"{document_dir(document_id)}/feed.atom"


def vendor_feed(vendor_id: str) -> str:
    if not _SAFE_ID.match(vendor_id):
        raise ValueError(f"{vendor_id!r} is not a vendor id")
    return f"{vendor_id}/feed.atom"


def relative(from_page: str, to_path: str) -> str:
    """A link from one site path to another that works from a file browser and under any prefix.

    >>> relative("acme/privacy/changes/x.html", "assets/report.css")
    '../../../assets/report.css'
    """
    here = from_page.split("/")[:-1]
    there = to_path.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


def absolute(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}/{path}"


def change_keys(rows: Iterable[tuple[str, int, str]]) -> dict[tuple[str, int], str]:
    """(document, version number, text sha256) rows → the permalink name of the change into each version.

    The first version holding a text is named by it; a later return to the same text adds its number.
    """
    seen: set[tuple[str, str]] = set()
    keys: dict[tuple[str, int], str] = {}
    for document_id, number, sha in sorted(rows, key=lambda r: (r[0], r[1])):
        short = sha[:12]
        keys[(document_id, number)] = short if (document_id, short) not in seen else f"{short}-{number}"
        seen.add((document_id, short))
    return keys


def safe_link(url: str | None) -> str | None:
    """The URL if a browser may follow it (http or https), else None: no javascript:, data: or file:."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None
