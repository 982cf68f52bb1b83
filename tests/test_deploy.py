"""deploy/: the units verify with systemd, name commands that exist; the container file builds the package."""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import typer

from monitor.cli.app import app

DEPLOY = Path(__file__).parent.parent / "deploy"
ROOT = DEPLOY.parent


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(DEPLOY / name)
    return parser


def cli_accepts(argv: list[str]) -> None:
    """The subcommand and its options exist in the real CLI."""
    command = typer.main.get_command(app)
    sub = command.commands[argv[0]]
    options = {opt for param in sub.params for opt in getattr(param, "opts", [])}
    for arg in argv[1:]:
        if arg.startswith("--"):
            assert arg in options, f"{argv[0]} has no option {arg}"


def test_service_runs_check_hardened_with_a_state_directory():
    service = unit("policy-monitor.service")["Service"]
    argv = shlex.split(service["ExecStart"])
    assert Path(argv[0]).name == "policy-monitor"
    cli_accepts(argv[1:])
    assert argv[1] == "check"
    assert service["StateDirectory"] == "policy-monitor"
    assert service["Environment"]  # last one wins in configparser; the DB sits in the state directory
    text = (DEPLOY / "policy-monitor.service").read_text()
    assert "POLICY_MONITOR_DB=/var/lib/policy-monitor/" in text
    for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "DynamicUser": "yes"}.items():
        assert service[key] == value
    assert service["SuccessExitStatus"] == "3"


def test_timer_triggers_the_service():
    timer = unit("policy-monitor.timer")
    assert timer["Timer"]["OnCalendar"]
    assert timer["Timer"]["Persistent"] in ("yes", "true")  # runs missed while the machine was off
    assert timer["Install"]["WantedBy"] == "timers.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_units_pass_systemd_analyze_verify(tmp_path):
    exe = Path(sys.prefix) / "bin" / "policy-monitor"
    service = (DEPLOY / "policy-monitor.service").read_text().replace("/opt/policy-monitor/bin/policy-monitor", str(exe))
    (tmp_path / "policy-monitor.service").write_text(service)
    shutil.copy(DEPLOY / "policy-monitor.timer", tmp_path)
    result = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / "policy-monitor.service"), str(tmp_path / "policy-monitor.timer")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""


def test_cron_line_names_a_real_command():
    jobs = [line for line in (DEPLOY / "policy-monitor.cron").read_text().splitlines()
            if line and not line.startswith("#") and "=" not in line.split()[0]]
    assert len(jobs) == 1
    fields = shlex.split(jobs[0].split(">>")[0])
    minute, hour, dom, month, dow, user, exe, *argv = fields
    assert user == "policy-monitor" and Path(exe).name == "policy-monitor"
    cli_accepts(argv)


def test_containerfile_copies_what_exists_and_runs_the_project_script():
    lines = [line.strip() for line in (DEPLOY / "Containerfile").read_text().splitlines() if line.strip() and not line.startswith("#")]
    for line in lines:
        if line.startswith("COPY "):
            *sources, _dest = line.split()[1:]
            for source in sources:
                assert (ROOT / source).exists(), f"Containerfile copies {source}, which is not in the repository"
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    entrypoint = next(line for line in lines if line.startswith("ENTRYPOINT"))
    assert '["policy-monitor"]' in entrypoint and "policy-monitor" in scripts
    cmd = next(line for line in lines if line.startswith("CMD"))
    cli_accepts([cmd.split('"')[1]])


def test_the_package_builds_as_the_container_builds_it(tmp_path):
    """`pip install .` in the Containerfile: the same build, offline, into a wheel we can inspect."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("policy_monitor-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "monitor/cli/app.py" in names and "monitor/demo/pages/acme-crm.html" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "policy-monitor = monitor.cli.app:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_log_lines_carry_syslog_priorities_under_journald(monkeypatch, capsys):
    import logging

    from monitor import logs

    monkeypatch.setenv("JOURNAL_STREAM", "8:12345")
    logs.setup()
    logging.getLogger("monitor.jobs.check").warning("acme/privacy failed: HTTP 503")
    assert capsys.readouterr().err.splitlines()[-1] == "<4>WARNING monitor.jobs.check: acme/privacy failed: HTTP 503"
    monkeypatch.delenv("JOURNAL_STREAM")
    logs.setup()
    logging.getLogger("monitor.jobs.check").warning("plain")
    assert capsys.readouterr().err.splitlines()[-1] == "WARNING monitor.jobs.check: plain"


def test_compose_points_several_workers_at_one_postgresql_without_a_password_in_the_url():
    text = (DEPLOY / "compose.yaml").read_text()
    assert "POLICY_MONITOR_DB: postgresql://monitor@db/policy_monitor" in text  # no password in the URL
    assert "PGPASSWORD: ${PGPASSWORD" in text and "--scale worker=" in text
    cli_accepts(["check"])
    cli_accepts(["status"])
    assert "db" in typer.main.get_command(app).commands  # `db copy`, named in the comments
