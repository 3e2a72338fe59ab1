"""The layering holds and the code is clean, checked by the same command that runs every other test."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "intake_gui"

# What the faces may import from below services: types and errors (see the contracts in pyproject.toml).
FACE_MAY_IMPORT = {
    "intake_gui.pos.errors",
    "intake_gui.pos.waits",
    "intake_gui.store.settings",
    "intake_gui.store.first_frame_settings",  # the settings' pydantic-free reader for the first frame
    "intake_gui.store.paths",
}
# The one CLI module still outside the rule: the database administrator's commands drive
# store.shared_record.admin directly (init/upgrade/add-login have no service of their own yet).
CLI_OUTSIDE_RULE = {"intake_gui.cli.shared_record"}


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


def _contract(contract_id: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c.get("id") == contract_id)


def _children(package: str) -> set[str]:
    folder = ROOT.joinpath(*package.split("."))
    found = set()
    for path in folder.iterdir():
        if path.suffix == ".py" and path.stem != "__init__":
            found.add(f"{package}.{path.stem}")
        elif path.is_dir() and (path / "__init__.py").exists():
            found.add(f"{package}.{path.name}")
    return found


def test_faces_contracts_cover_every_store_and_pos_module():
    """A new module in store/ or pos/ is forbidden to the faces until it is named a type or error module."""
    below = _children("intake_gui.store") | _children("intake_gui.pos")
    assert below >= FACE_MAY_IMPORT, (
        "an allowed module was renamed: update FACE_MAY_IMPORT and pyproject"
    )
    for contract_id in ("ui-through-services", "cli-through-services"):
        forbidden = set(_contract(contract_id)["forbidden_modules"])
        assert forbidden == below - FACE_MAY_IMPORT, contract_id
    assert _contract("ui-through-services")["source_modules"] == ["intake_gui.ui"]


def test_cli_contract_names_every_cli_module():
    """The CLI's contract lists its modules one by one (to leave out one exception): none may be forgotten."""
    listed = set(_contract("cli-through-services")["source_modules"])
    assert listed == _children("intake_gui.cli") - CLI_OUTSIDE_RULE


MAX_MODULE_LINES = 500


def test_no_module_over_500_lines_without_a_written_reason():
    """Modules are read in one sitting: past 500 lines the docstring must say why, on a line starting `Size:`."""
    over = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = len(text.splitlines())
        if lines <= MAX_MODULE_LINES:
            continue
        doc = ast.get_docstring(ast.parse(text)) or ""
        if not any(line.startswith("Size:") for line in doc.splitlines()):
            over.append(f"{path.relative_to(ROOT).as_posix()}: {lines} lines, no 'Size:' reason")
    assert over == []
