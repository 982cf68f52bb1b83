"""The CLI as a user meets it: help on every command, the README documents each, the demo works."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from monitor.cli.app import app

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def commands():
    root = typer.main.get_command(app)
    for name, command in root.commands.items():
        if hasattr(command, "commands"):  # a group: `notify test`
            for sub_name, sub in command.commands.items():
                yield f"{name} {sub_name}", sub
        else:
            yield name, command


@pytest.mark.parametrize("name, command", list(commands()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_has_help_with_an_example_and_a_readme_entry(name, command):
    assert command.help and "Example:" in command.help, f"`{name}` needs help ending with an Example"
    assert f"policy-monitor {name}" in README or f"`{name}`" in README, f"README does not mention `{name}`"


def test_version_and_module_entry_point():
    result = subprocess.run([sys.executable, "-m", "monitor", "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("policy-monitor ")


def test_demo_shows_a_material_change_offline(tmp_path):
    result = CliRunner().invoke(app, ["demo", "--dir", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "acme/privacy" in result.stdout and "MATERIAL" in result.stdout
    # Not a terminal: the changed words are marked in the text itself, inside one modified clause.
    assert "We [-do not-] sell" in result.stdout and "We {+may+} sell" in result.stdout
    assert "sale: 'do not sell' became 'may sell'" in result.stdout
    history = CliRunner().invoke(app, ["--watchlist", str(tmp_path / "watchlist.toml"), "history", "acme/privacy", "--json"])
    assert [v["version"] for v in json.loads(history.stdout)] == [1, 2]
    changes = CliRunner().invoke(app, ["--watchlist", str(tmp_path / "watchlist.toml"), "changes", "--material", "--json"])
    (change,) = json.loads(changes.stdout)
    assert change["document"] == "acme/privacy"
    assert {"sale", "retention"} <= set(change["categories"])


def test_diff_two_local_files_needs_no_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    # three sentences: `diff` applies check's quality gate, which takes fewer on a page as no policy
    rest = " We keep logs for 30 days. You can delete your account at any time.\n"
    old.write_text("# Sharing\n\nWe do not sell your personal information to anyone." + rest, encoding="utf-8")
    new.write_text("# Sharing\n\nWe may sell your personal information to data brokers." + rest, encoding="utf-8")
    result = CliRunner().invoke(app, ["diff", str(old), str(new), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["material"] is True and "sale" in data["categories"]
    assert not list(tmp_path.glob("*.db"))
    same = CliRunner().invoke(app, ["diff", str(old), str(old)])
    assert same.exit_code == 0


def test_diff_of_a_missing_file_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(app, ["diff", str(tmp_path / "nope.html"), str(tmp_path / "nope2.html")])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and "no such file" in result.stderr


def test_backfill_then_check_gives_one_history_in_time_order(tmp_path, server):
    """The command a user runs on adding a vendor: its past from the archive, then live checks after it."""
    from archive_fixtures import Record, WaybackStub, at, policy_text_html

    server.set("/acme/privacy", policy_text_html(7), content_type="text/html")
    live_url = server.url("/acme/privacy")
    records = [Record(live_url, at(2019, 1), body=policy_text_html(1)), Record(live_url, at(2021, 6), body=policy_text_html(3))]
    with WaybackStub(records) as archive:
        watchlist = tmp_path / "watchlist.toml"
        watchlist.write_text(
            f'[settings]\ndatabase = "pm.db"\n[archive]\nkind = "wayback"\nurl = "{archive.url}"\n'
            f"cdx_per_minute = 100000\ncaptures_per_minute = 100000\n"
            f'[[vendors]]\nid = "acme"\n[[vendors.documents]]\nid = "privacy"\nurl = "{live_url}"\n',
            encoding="utf-8",
        )
        runner = CliRunner()
        base = ["--watchlist", str(watchlist)]
        nothing = runner.invoke(app, [*base, "backfill"])
        assert nothing.exit_code == 2 and "--all" in nothing.stderr
        result = runner.invoke(app, [*base, "backfill", "acme/privacy", "--json"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["counts"]["imported"] == 2
        again = runner.invoke(app, [*base, "backfill", "--all", "--json"], catch_exceptions=False)
        assert json.loads(again.stdout)["counts"]["imported"] == 0
    assert runner.invoke(app, [*base, "check"]).exit_code == 0
    history = json.loads(runner.invoke(app, [*base, "history", "acme/privacy", "--json"]).stdout)
    assert [(v["version"], v["source"]) for v in history] == [(1, "archive"), (2, "archive"), (3, "live")]
    assert history[0]["captured_at"].startswith("2019-01-01")
    changes = json.loads(runner.invoke(app, [*base, "changes", "--json"]).stdout)
    assert [(c["from_version"], c["to_version"]) for c in changes] == [(1, 2), (2, 3)]


def test_a_backfill_refused_by_the_run_lock_says_how_to_resume(make_watchlist, cli, tmp_path):
    from monitor.store.store import Store

    make_watchlist({"acme/privacy": "http://127.0.0.1:9/privacy"})
    holder = Store.open(tmp_path / "pm.db", create=True)
    with holder.run_lock():
        result = cli("backfill", "acme/privacy")
    holder.close()
    assert result.exit_code == 0, result.output
    assert "another policy-monitor run" in result.stderr and "rerun the backfill" in result.stderr
    assert "next run" not in result.stderr  # that is check's advice: the timer re-runs check, not backfill
