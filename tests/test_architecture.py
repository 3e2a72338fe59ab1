"""The layering holds and the code is clean, checked by the same command that runs every other test."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is not installed next to {sys.executable}: install the [test] extra"
    return found


def test_import_contracts_hold():
    """Qt only in ui/, layers point one way, the sandbox never imports the client."""
    result = subprocess.run(
        [_tool("lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_ruff_check_is_clean():
    result = subprocess.run(
        [_tool("ruff"), "check", "intake_gui", "tests", "bench", "packaging"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_ruff_format_is_clean():
    result = subprocess.run(
        [_tool("ruff"), "format", "--check", "intake_gui", "tests", "bench", "packaging"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_no_qt_import_outside_ui():
    """A belt to import-linter's braces: a plain text scan, so a lazy import inside a function is caught too."""
    offenders = []
    for path in (ROOT / "intake_gui").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("intake_gui/ui/") or rel == "intake_gui/__main__.py":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import PySide6", "from PySide6", "import shiboken6")):
                offenders.append(f"{rel}: {stripped}")
    assert offenders == []
