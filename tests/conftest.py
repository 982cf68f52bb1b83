"""Shared fixtures: a loopback vendor server, a watchlist writer, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from monitor.cli.app import app
from monitor.demo.server import PolicyServer


@pytest.fixture
def server():
    with PolicyServer() as srv:
        yield srv


def watchlist_toml(documents: dict[str, str], settings: dict[str, object] | None = None) -> str:
    """documents: {'acme/privacy': url, ...} → watchlist text, one vendor per prefix."""
    settings = {"database": "pm.db", "retry_backoff": 0, **(settings or {})}
    lines = ["[settings]"] + [f"{k} = {json.dumps(v)}" for k, v in settings.items()] + [""]
    vendors: dict[str, list[tuple[str, str]]] = {}
    for key, url in documents.items():
        vendor, doc = key.split("/")
        vendors.setdefault(vendor, []).append((doc, url))
    for vendor, docs in vendors.items():
        lines += ["[[vendors]]", f'id = "{vendor}"', f'name = "{vendor.title()}"', ""]
        for doc, url in docs:
            lines += ["[[vendors.documents]]", f'id = "{doc}"', f'url = "{url}"', ""]
    return "\n".join(lines)


def pytest_generate_tests(metafunc):
    """A module with `BACKENDS = ("sqlite", "postgresql")` runs its watchlist tests on each backend
    (the watchlist's settings.database points at a fresh PostgreSQL database); tests marked
    `sqlite_only` read the SQLite file itself and run once."""
    backends = getattr(metafunc.module, "BACKENDS", None)
    if backends and "make_watchlist" in metafunc.fixturenames and not metafunc.definition.get_closest_marker("sqlite_only"):
        metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture
def backend(request) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture
def make_watchlist(tmp_path: Path, backend: str, request):
    database = request.getfixturevalue("pg_url") if backend == "postgresql" else None

    def make(documents: dict[str, str], settings: dict[str, object] | None = None) -> Path:
        path = tmp_path / "watchlist.toml"
        if database is not None:
            settings = {"database": database, **(settings or {})}
        path.write_text(watchlist_toml(documents, settings), encoding="utf-8")
        return path

    return make


class Cli:
    """Runs the real Typer app in-process against one watchlist."""

    def __init__(self, watchlist: Path) -> None:
        self.watchlist = watchlist
        self.runner = CliRunner()

    def __call__(self, *args: str, env: dict[str, str] | None = None):
        return self.runner.invoke(app, ["--watchlist", str(self.watchlist), *args], env=env, catch_exceptions=False)

    def json(self, *args: str):
        result = self(*args, "--json")
        assert result.exit_code in (0, 3), result.output
        return json.loads(result.stdout)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "watchlist.toml")


# --- PostgreSQL: one real server per test session, one fresh database per test -------------------------
@pytest.fixture(scope="session")
def postgres_server():
    from pg import PostgresServer, find_binaries

    bin_dir = find_binaries()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl): .ci/run installs Debian's postgresql")
    pytest.importorskip("psycopg")
    server = PostgresServer(bin_dir).start()
    yield server
    server.stop()


@pytest.fixture
def pg_url(postgres_server) -> str:
    return postgres_server.new_database()
