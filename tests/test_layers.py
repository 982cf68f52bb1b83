"""The architecture is a contract: `lint-imports` fails when a layer imports one above it.

The layers are listed in pyproject.toml ([tool.importlinter]); the folder listing of monitor/ is
the same picture.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_layer_imports_a_layer_above_it() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint, "import-linter is a test dependency: pip install -e '.[test]'"
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_the_command_line_loads_no_adapter_or_engine_until_a_command_runs() -> None:
    """`--help` must answer at once: only typer loads at start (bench/startup.py measures the time)."""
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from monitor.cli.app import app\n"
        "result = CliRunner().invoke(app, ['--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'pydantic', 'httpx',"
        " 'apprise', 'lxml', 'rich', 'diff_match_patch')"
        " or m.startswith(('monitor.store', 'monitor.engine', 'monitor.jobs', 'monitor.sources', 'monitor.text')))\n"
        "print(' '.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == []
