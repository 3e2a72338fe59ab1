"""The shipped artefact, not the source tree: build the PyInstaller bundle and make it prove itself.

The build runs once per session (about a minute on two cores); the frozen app then runs its self-test twice:
as a station without a keyring (the clean in-memory fallback), and with a persistent keyring backend loaded
through keyring's own config file, which is the path a frozen app must still find when entry-point discovery
is the thing PyInstaller breaks.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = ROOT / "packaging" / "build.py"
DIST = ROOT / "packaging" / "dist"
EXE = DIST / "Intake" / ("intake-gui.exe" if sys.platform == "win32" else "intake-gui")
BUILD_TIMEOUT_S = 600
SELF_TEST_TIMEOUT_S = 120
CHECK_NAMES = (
    "resources",
    "keyring",
    "features",
    "tls",
    "barcode",
    "sandbox",
    "receive",
    "main window",
)

PROBE_BACKEND = textwrap.dedent(
    '''
    """A persistent keyring for the frozen self-test: a JSON file, plus a log of every operation."""
    import json
    import pathlib

    from keyring.backend import KeyringBackend
    from keyring.errors import PasswordDeleteError

    HERE = pathlib.Path(__file__).resolve().parent
    STORE = HERE / "store.json"
    OPS = HERE / "ops.log"


    class ProbeKeyring(KeyringBackend):
        priority = 1

        def _load(self):
            return json.loads(STORE.read_text()) if STORE.exists() else {}

        def _note(self, op, service):
            with OPS.open("a") as fh:
                fh.write(f"{op} {service}\\n")

        def get_password(self, service, username):
            self._note("get", service)
            return self._load().get(f"{service}|{username}")

        def set_password(self, service, username, password):
            self._note("set", service)
            data = self._load()
            data[f"{service}|{username}"] = password
            STORE.write_text(json.dumps(data))

        def delete_password(self, service, username):
            self._note("delete", service)
            data = self._load()
            if data.pop(f"{service}|{username}", None) is None:
                raise PasswordDeleteError(username)
            STORE.write_text(json.dumps(data))
    '''
)


def _clean_env(tmp_path: Path) -> dict[str, str]:
    """No display, no configured tenant, keyring config looked up under tmp only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTAKE_", "PYTHON_KEYRING"))}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    env["LOCALAPPDATA"] = str(tmp_path / "config")  # keyring's config root on Windows
    (tmp_path / "cwd").mkdir(exist_ok=True)
    return env


def _self_test(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*cmd, "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=SELF_TEST_TIMEOUT_S,
        cwd=Path(env["XDG_CONFIG_HOME"]).parent
        / "cwd",  # not the repo: nothing may be found by accident
    )


def _report(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """check name -> its line, asserting the report's shape on the way."""
    lines = result.stdout.splitlines()
    found = {}
    for line in lines:
        for name in CHECK_NAMES:
            if line[6:].startswith(name + " ") and line[:4] in ("PASS", "FAIL"):
                found[name] = line
    assert set(found) == set(CHECK_NAMES), result.stdout + result.stderr
    return found


def _assert_all_pass(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    report = _report(result)
    failed = [line for line in report.values() if line.startswith("FAIL")]
    assert result.returncode == 0 and not failed, result.stdout + result.stderr
    assert "RESULT: PASS (8/8 checks)" in result.stdout
    return report


@pytest.fixture(scope="module")
def bundle() -> Path:
    if importlib.util.find_spec("PyInstaller") is None:
        # The README's test command installs the [package] extra: a missing PyInstaller is a broken set-up.
        pytest.fail(
            "PyInstaller is not installed: run the README's test command (pip install -e '.[test,package]')"
        )
    result = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT)],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "Bundle size (du -sh):" in result.stdout
    assert EXE.is_file()
    return EXE


@pytest.mark.slow
@pytest.mark.timeout(BUILD_TIMEOUT_S + 2 * SELF_TEST_TIMEOUT_S)
def test_the_frozen_bundle_passes_its_self_test(bundle: Path, tmp_path: Path) -> None:
    result = _self_test([str(bundle)], _clean_env(tmp_path))
    report = _assert_all_pass(result)
    assert "frozen build" in result.stdout.splitlines()[0]
    # Entry-point discovery survived freezing: every backend keyring registers is in the bundle.
    assert "6 backends registered" in report["keyring"]
    assert "packages green, history green, sellable green" in report["receive"]


@pytest.mark.slow
@pytest.mark.timeout(BUILD_TIMEOUT_S + 2 * SELF_TEST_TIMEOUT_S)
def test_the_frozen_bundle_round_trips_secrets_through_a_persistent_keyring(
    bundle: Path, tmp_path: Path
) -> None:
    env = _clean_env(tmp_path)
    backend_dir = tmp_path / "probe-keyring"
    backend_dir.mkdir()
    (backend_dir / "intake_probe_keyring.py").write_text(PROBE_BACKEND)
    config_root = Path(env["XDG_CONFIG_HOME"]) / "python_keyring"
    if sys.platform == "win32":
        config_root = Path(env["LOCALAPPDATA"]) / "Python Keyring"
    config_root.mkdir(parents=True)
    (config_root / "keyringrc.cfg").write_text(
        "[backend]\n"
        "default-keyring = intake_probe_keyring.ProbeKeyring\n"
        f"keyring-path = {backend_dir}\n"
    )
    result = _self_test([str(bundle)], env)
    report = _assert_all_pass(result)
    assert (
        "intake_probe_keyring.ProbeKeyring: secret saved, read back and deleted"
        in report["keyring"]
    )
    ops = (backend_dir / "ops.log").read_text().split("\n")
    assert "set intake-self-test" in ops and "get intake-self-test" in ops
    assert "delete intake-self-test" in ops
    assert all(op.endswith("intake-self-test") for op in ops if op), "touched a real service"
    assert json.loads((backend_dir / "store.json").read_text()) == {}


@pytest.mark.timeout(SELF_TEST_TIMEOUT_S + 30)
def test_the_source_tree_passes_its_self_test(tmp_path: Path) -> None:
    env = _clean_env(tmp_path)
    env["INTAKE_API_BASE"] = (
        "https://tenant.invalid/api/"  # a configured station must still test offline
    )
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"  # a station without any keyring
    result = _self_test([sys.executable, "-m", "intake_gui"], env)
    report = _assert_all_pass(result)
    assert "source build" in result.stdout.splitlines()[0]
    assert "no usable keyring here" in report["keyring"]
    assert "Location page lists 19 stores" in report["main window"]
