"""The command line: the Typer app with every command registered.

base.py holds the app, the global options and the error boundary; each command module registers
its commands on import. Commands import what they need when they run, so `--help` answers at once.
"""

from __future__ import annotations

from monitor.cli import db, extras, queries, report, runs  # noqa: F401 - registers the commands
from monitor.cli.base import app


from monitor.cli import report as _report_commands  # noqa: E402,F401 - registers report, review, export


def main() -> None:
    app()
