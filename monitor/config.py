"""watchlist.toml → typed, validated models. Parsed once; every default lives in `Settings`.

Errors name the file, the entry and the field, on one line:

    watchlist.toml: vendors[acme].documents[privacy].url: not an http(s) URL: 'ftp://x'
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.dataclasses import dataclass

from monitor import DEFAULT_DATABASE, DEFAULT_WATCHLIST, __version__
from monitor.errors import ConfigError

DEFAULT_USER_AGENT = f"policy-monitor/{__version__} (privacy policy change monitor)"

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
DocumentKind = Literal["privacy", "terms", "dpa", "subprocessors", "cookies", "other"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Settings(_Strict):
    """`[settings]`: every knob with its default, in one place."""

    database: str = DEFAULT_DATABASE  # relative paths are relative to the watchlist's folder
    # Documents in flight at once. Checks wait on the network, not the CPU: 128 pages of ~100 KB is
    # ~13 MB in memory, and per_host below keeps each site's load as it was (bench/check_throughput.py --latency).
    concurrency: int = Field(128, ge=1, le=1024)
    per_host: int = Field(2, ge=1, le=64)  # requests in flight to one host, never more
    per_host_delay: float = Field(0.0, ge=0, le=60)  # seconds between the starts of two requests to one host
    workers: int | None = Field(None, ge=0, le=64)  # processes for parsing and diffing; unset: one per core on large runs
    timeout: float = Field(30.0, gt=0, le=600)  # seconds, per request phase
    max_bytes: int = Field(10 * 1024 * 1024, ge=1024)  # a larger body fails the document
    # Bytes of page bodies read or held at once, all documents together (sources/budget.py): a body
    # waits for room before it is read; one larger than the budget is read alone.
    memory_budget: int = Field(256 * 1024 * 1024, ge=1024)
    retries: int = Field(2, ge=0, le=10)  # extra attempts on timeouts, resets, 5xx, 429
    retry_backoff: float = Field(1.0, ge=0, le=60)  # first backoff in seconds, doubled each time
    max_retry_wait: float = Field(30.0, ge=0, le=600)  # a longer Retry-After fails instead of waiting
    user_agent: str = DEFAULT_USER_AGENT
    document_deadline: float = Field(120.0, gt=0, le=3600)  # one document, retries included, at most this long
    # One document's analysis (decode, extract, gate, compare, classify) at most this long: past it the
    # worker doing it is killed and the document fails. A document ends within deadline + budget.
    analysis_budget: float = Field(60.0, gt=0, le=3600)
    failure_alert_after: int = Field(3, ge=1)  # consecutive failed runs before an operational alert
    suspect_accept_after: int = Field(3, ge=1)  # a shortened/other-language page seen this many runs in a row is real
    flap_window_days: float = Field(30.0, ge=0)  # a return to a version seen this recently is a flap, not news
    archive_on_change: bool = False  # ask the archive (Save Page Now) to capture a changed document


class ArchiveConfig(_Strict):
    """`[archive]`: where `backfill` finds a document's past."""

    kind: Literal["wayback", "pywb"] = "wayback"
    # wayback: the Internet Archive (CDX at https://web.archive.org/cdx/search/cdx).
    # pywb: a collection URL; CDX at <url>/cdx, captures at <url>/<timestamp>id_/<original>.
    url: str = "https://web.archive.org/web"
    cdx_per_minute: float = Field(20.0, gt=0)  # the Internet Archive asks for about this at most
    captures_per_minute: float = Field(30.0, gt=0)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_http_url(value)


class ReportConfig(_Strict):
    """`[report]`: the static web report `check` and `backfill` keep up to date (none when `dir` is unset)."""

    dir: str | None = None  # relative to the watchlist's folder
    base_url: str | None = None  # where the site is served: notifications and feeds link to it

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        return _check_http_url(value).rstrip("/") if value is not None else None


Severity = Literal["noise", "minor", "material"]


class NotifyTarget(_Strict):
    """One `[[notify]]` entry: an apprise URL (or apprise config file) and what it wants to hear."""

    url: str
    min_severity: Severity = "material"
    categories: tuple[str, ...] = ()  # empty: all
    vendors: tuple[str, ...] = ()  # vendor ids; empty: all
    tags: tuple[str, ...] = ()  # vendor tags; empty: all
    digest: bool = False  # one message per run instead of one per change

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        # Kept as written (with its ${VAR}s) so the secret never lands in logs or the database;
        # `resolved_url()` expands it at send time.
        resolved = _expand_env(value)
        if "://" not in resolved:
            if not Path(os.path.expanduser(resolved)).is_file():
                raise ValueError(f"{value!r} is neither an apprise URL nor an apprise config file")
            return value
        import apprise  # only when a watchlist has targets: it is slow to import

        if not apprise.Apprise().add(resolved):
            scheme = resolved.split("://", 1)[0]
            raise ValueError(f"apprise does not accept this URL (unknown scheme {scheme!r} or bad format)")
        return value

    def resolved_url(self) -> str:
        return _expand_env(self.url)

    @property
    def is_config_file(self) -> bool:
        return "://" not in self.resolved_url()

    @field_validator("categories")
    @classmethod
    def _categories(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from monitor.classifier import CATEGORIES

        unknown = [c for c in value if c not in CATEGORIES]
        if unknown:
            raise ValueError(f"unknown category {unknown[0]!r}; use some of: {', '.join(CATEGORIES)}")
        return value


# The watched documents and their vendors are validated as strictly as the models, but stored in
# slots: a check holds every entry for the whole run, and a model with its __dict__ and field set
# costs about three times the bytes (bench/check_memory.py: 1.1 KB a document before this).
_ENTRY = ConfigDict(extra="forbid")


@dataclass(frozen=True, slots=True, kw_only=True, config=_ENTRY)
class WatchedDocument:
    id: str
    kind: DocumentKind = "privacy"
    url: str
    name: str | None = None
    select: str | None = None
    remove: tuple[str, ...] = ()

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return _check_id(value)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_http_url(value)

    @field_validator("select")
    @classmethod
    def _select(cls, value: str | None) -> str | None:
        if value is not None:
            _check_selector(value)
        return value

    @field_validator("remove")
    @classmethod
    def _remove(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for selector in value:
            _check_selector(selector)
        return value


@dataclass(frozen=True, slots=True, kw_only=True, config=_ENTRY)
class Vendor:
    id: str
    name: str | None = None
    tags: tuple[str, ...] = ()
    documents: Annotated[tuple[WatchedDocument, ...], Field(min_length=1)]

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return _check_id(value)

    @field_validator("documents")
    @classmethod
    def _unique_documents(cls, value: tuple[WatchedDocument, ...]) -> tuple[WatchedDocument, ...]:
        _reject_duplicates([d.id for d in value], "document")
        return value

    @property
    def display_name(self) -> str:
        return self.name or self.id


class Watchlist(_Strict):
    settings: Settings = Settings()
    archive: ArchiveConfig = ArchiveConfig()
    report: ReportConfig = ReportConfig()
    vendors: tuple[Vendor, ...] = ()
    notify: tuple[NotifyTarget, ...] = ()

    @field_validator("vendors")
    @classmethod
    def _unique_vendors(cls, value: tuple[Vendor, ...]) -> tuple[Vendor, ...]:
        _reject_duplicates([v.id for v in value], "vendor")
        return value

    def documents(self) -> list[tuple[Vendor, WatchedDocument]]:
        return [(v, d) for v in self.vendors for d in v.documents]


def document_key(vendor: Vendor, document: WatchedDocument) -> str:
    """The stable id history hangs on: 'vendor/document', never the URL."""
    return f"{vendor.id}/{document.id}"


def load_watchlist(path: str | os.PathLike[str]) -> Watchlist:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such watchlist", "create it, or point --watchlist / POLICY_MONITOR_WATCHLIST at one"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise ConfigError(f"{path}: not valid TOML: arrays or tables nested too deeply",
                          "a watchlist needs a few levels, not hundreds") from None
    watchlist = parse_watchlist(raw, source=str(path))
    if watchlist.report.dir is not None:  # relative to the watchlist, as the database is
        folder = str(path.parent / os.path.expanduser(watchlist.report.dir))
        watchlist = watchlist.model_copy(update={"report": watchlist.report.model_copy(update={"dir": folder})})
    return watchlist


def parse_watchlist(raw: dict[str, Any], source: str = DEFAULT_WATCHLIST) -> Watchlist:
    try:
        return Watchlist.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = _describe_location(raw, error["loc"])
        raise ConfigError(f"{source}: {where}: {_describe_error(error)}") from None


def database_path(watchlist_path: Path, settings: Settings) -> Path:
    db = Path(os.path.expanduser(settings.database))
    return db if db.is_absolute() else watchlist_path.parent / db


def _check_http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {value!r}")
    return value


_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _expand_env(value: str) -> str:
    """'${SLACK_WEBHOOK_URL}' → its value; secrets stay in the environment, out of the watchlist."""

    def lookup(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise ValueError(f"environment variable {name} is not set")
        return os.environ[name]

    return _ENV_REFERENCE.sub(lookup, value)


def _check_id(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise ValueError(f"{value!r} is not a valid id (lowercase letters, digits, '.', '_', '-')")
    return value


def _check_selector(selector: str) -> None:
    # Imported here: extraction pulls in lxml, which config loading should not need otherwise.
    from monitor.text.extract import validate_selector

    problem = validate_selector(selector)
    if problem:
        raise ValueError(f"invalid CSS selector {selector!r}: {problem}")


def _reject_duplicates(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"duplicate {what} id {item!r}")
        seen.add(item)


def _describe_location(raw: Any, loc: tuple[Any, ...]) -> str:
    """('vendors', 0, 'documents', 1, 'url') → 'vendors[acme].documents[privacy].url'."""
    parts: list[str] = []
    node = raw
    for key in loc:
        if isinstance(key, int):
            label = str(key)
            if isinstance(node, list) and key < len(node):
                node = node[key]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    label = node["id"]
            parts[-1] = f"{parts[-1]}[{label}]" if parts else f"[{label}]"
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"


def _describe_error(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):  # a model's extra key; an entry's (dataclass)
        return "unknown key (check its spelling, or remove it)"
    if kind == "missing":
        return "required field is missing"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if kind == "literal_error":
        return f"{message}, got {error.get('input')!r}"
    return message
