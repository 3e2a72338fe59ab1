"""The type checker is part of the test run: mypy over `intake_gui` with the `[tool.mypy]` config in
pyproject.toml (domain, pos and services strict; the rest at mypy's default strictness).

Why a test and not only a CI step: a developer runs pytest, not CI, and the package ships `py.typed`, so
its annotations are a promise to whoever imports it. mypy runs in a subprocess with this interpreter (the
venv's mypy and the venv's third-party stubs) from the repository root, where it finds the config. Its
cache lives in `.mypy_cache` (git-ignored), so a second run only re-checks what changed: about 3 s warm,
about 40 s cold on one core.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_finds_no_errors() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=110,  # under pytest's own 120 s; a cold cache takes about 40 s
        check=False,
    )
    assert result.returncode == 0, f"mypy found errors:\n{result.stdout}{result.stderr}"
    assert "Success: no issues found" in result.stdout, result.stdout + result.stderr
