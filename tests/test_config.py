"""Watchlist errors: one line naming the file, the entry and the field; exit 2; nothing stored."""

from __future__ import annotations

import pytest

from monitor.config import load_watchlist, parse_watchlist
from monitor.errors import ConfigError

GOOD_DOC = '[[vendors.documents]]\nid = "privacy"\nurl = "https://acme.example/privacy"\n'

BAD_WATCHLISTS = [
    pytest.param(
        '[[vendors]]\nid = "acme"\n' + GOOD_DOC.replace('url = "https://acme.example/privacy"', 'url = "ftp://acme.example/p"'),
        "vendors[acme].documents[privacy].url: not an http(s) URL: 'ftp://acme.example/p'",
        id="bad-url",
    ),
    pytest.param(
        '[[vendors]]\nid = "acme"\ncolour = "red"\n' + GOOD_DOC,
        "vendors[acme].colour: unknown key",
        id="unknown-vendor-key",
    ),
    pytest.param(
        '[setting]\ndatabase = "x.db"\n',
        "setting: unknown key",
        id="misspelled-section",
    ),
    pytest.param(
        '[[vendors]]\nid = "acme"\n' + GOOD_DOC + '[[vendors]]\nid = "acme"\n' + GOOD_DOC,
        "vendors: duplicate vendor id 'acme'",
        id="duplicate-vendor",
    ),
    pytest.param(
        '[[vendors]]\nid = "acme"\n' + GOOD_DOC + GOOD_DOC,
        "vendors[acme].documents: duplicate document id 'privacy'",
        id="duplicate-document",
    ),
    pytest.param(
        '[[vendors]]\nid = "Acme Corp"\n' + GOOD_DOC,
        "vendors[Acme Corp].id: 'Acme Corp' is not a valid id",
        id="bad-id",
    ),
    pytest.param(
        '[[vendors]]\nid = "acme"\n' + GOOD_DOC + 'kind = "manifesto"\n',
        "vendors[acme].documents[privacy].kind: Input should be",
        id="bad-kind",
    ),
    pytest.param(
        '[settings]\nconcurrency = "many"\n',
        "settings.concurrency: Input should be a valid integer",
        id="wrong-type",
    ),
    pytest.param(
        '[[vendors]]\nid = "acme"\n[[vendors.documents]]\nid = "privacy"\n',
        "vendors[acme].documents[privacy].url: required field is missing",
        id="missing-url",
    ),
    pytest.param(
        '[[vendors]]\nid = "acme"\n' + GOOD_DOC + 'select = "main >> p"\n',
        "vendors[acme].documents[privacy].select: invalid CSS selector 'main >> p'",
        id="bad-selector",
    ),
    pytest.param('[[vendors]\nid = "acme"\n', "not valid TOML", id="toml-syntax"),
    pytest.param("x = " + "[" * 100_000 + "]" * 100_000 + "\n", "nested too deeply", id="toml-deeply-nested"),
]


@pytest.mark.parametrize("text, expected", BAD_WATCHLISTS)
def test_bad_watchlist_names_file_entry_and_field(tmp_path, text, expected):
    path = tmp_path / "watchlist.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_watchlist(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


@pytest.mark.parametrize("text, expected", BAD_WATCHLISTS[:3])
def test_bad_watchlist_exits_2_and_touches_no_database(tmp_path, cli, text, expected):
    cli.watchlist.write_text('[settings]\ndatabase = "pm.db"\n' + text if "[setting]" not in text else text, encoding="utf-8")
    result = cli("check")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert expected in result.stderr
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "pm.db").exists()


def test_missing_watchlist_is_a_usage_error(tmp_path, cli):
    result = cli("check")
    assert result.exit_code == 2
    assert "no such watchlist" in result.stderr


def test_defaults_live_in_settings():
    watchlist = parse_watchlist({"vendors": [{"id": "acme", "documents": [{"id": "privacy", "url": "https://a.example/p"}]}]})
    assert watchlist.settings.database == "policy-monitor.db"
    assert watchlist.settings.concurrency >= 1
    (vendor, doc), = watchlist.documents()
    assert (vendor.display_name, doc.kind, doc.remove) == ("acme", "privacy", ())


def test_shipped_watchlist_is_valid():
    from pathlib import Path

    watchlist = load_watchlist(Path(__file__).parent.parent / "watchlist.toml")
    assert len(watchlist.vendors) >= 3
    assert all(d.url.startswith("https://") for _, d in watchlist.documents())


def test_a_deeply_nested_watchlist_exits_2_on_one_line(tmp_path, cli):
    cli.watchlist.write_text("x = " + "{a = " * 50_000 + "1" + "}" * 50_000 + "\n", encoding="utf-8")
    result = cli("check")
    assert result.exit_code == 2
    assert "nested too deeply" in result.stderr and result.stderr.count("\n") == 1
