"""The self-test's own verdicts: a check that cannot fail would let a broken bundle ship with a green report."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import keyring
import keyring.backend
import pytest

from intake_gui.ui import self_test
from intake_gui.ui.self_test import CheckFailed, check_keyring, check_resources


class _ForgetfulKeyring(keyring.backend.KeyringBackend):
    """Accepts every write and never returns anything: the bug a frozen backend stub would have."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        pass

    def delete_password(self, service: str, username: str) -> None:
        pass


class _BrokenKeyring(_ForgetfulKeyring):
    """A backend that errors on use, like a locked or crashed Secret Service."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("the keyring daemon went away")


def _state() -> self_test._State:
    return self_test._State(paths=None, settings=None)


@pytest.mark.gui
def test_resources_fail_when_the_bundle_lacks_them(
    qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "style.qss").write_text("QWidget {}")
    monkeypatch.setattr("intake_gui.ui.assets._SOURCE_ROOT", tmp_path)
    with pytest.raises(CheckFailed) as info:
        check_resources(_state())
    assert "icons/intake.svg" in str(info.value) and "sounds/good.wav" in str(info.value)
    assert "style.qss" not in str(info.value)


@pytest.mark.gui
def test_resources_pass_on_the_source_tree(qapp: object) -> None:
    detail = check_resources(_state())
    assert "icon (SVG renders)" in detail


def test_keyring_round_trip_through_a_persistent_backend(memory_keyring: object) -> None:
    detail = check_keyring(_state())
    assert "secret saved, read back and deleted" in detail
    assert memory_keyring.store == {}  # type: ignore[attr-defined]


def test_keyring_check_leaves_the_run_on_a_memory_only_keyring(memory_keyring: object) -> None:
    check_keyring(_state())
    from intake_gui.store.secrets import SecretStore

    assert not SecretStore().persistent


def test_a_keyring_that_loses_secrets_fails() -> None:
    keyring.set_keyring(_ForgetfulKeyring())
    with pytest.raises(CheckFailed, match="did not read back"):
        check_keyring(_state())


def test_a_keyring_that_errors_falls_back_to_memory() -> None:
    keyring.set_keyring(_BrokenKeyring())
    detail = check_keyring(_state())
    assert "failed when used" in detail and "clean fallback" in detail


def test_keyring_without_registered_backends_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("importlib.metadata.entry_points", lambda **_kw: [])
    with pytest.raises(CheckFailed, match="distribution metadata is missing"):
        check_keyring(_state())


def test_receive_is_reported_not_run_without_a_sandbox() -> None:
    with pytest.raises(CheckFailed, match="sandbox did not start"):
        self_test.check_receive(_state())


@pytest.mark.gui
def test_run_reports_each_check_and_fails_when_one_fails(
    qapp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fine(_state: object) -> str:
        return "all good"

    def refuses(_state: object) -> str:
        raise CheckFailed("the bundle is missing something")

    def crashes(_state: object) -> str:
        raise KeyError("lights")

    def echoes_a_password(_state: object) -> str:
        raise ValueError('login refused: {"Password": "hunter2-secret"}')

    monkeypatch.setattr(
        self_test,
        "CHECKS",
        (("first", fine), ("second", refuses), ("third", crashes), ("fourth", echoes_a_password)),
    )
    monkeypatch.setattr(self_test, "_application", lambda: qapp)
    monkeypatch.setenv("INTAKE_API_BASE", "https://tenant.invalid/api/")
    out = io.StringIO()
    assert self_test.run(out=out) == 1
    lines = out.getvalue().splitlines()
    assert lines[1].startswith("PASS  first") and "all good" in lines[1]
    assert lines[2].startswith("FAIL  second") and "the bundle is missing something" in lines[2]
    assert lines[3].startswith("FAIL  third") and "KeyError" in lines[3]
    assert lines[4].startswith("FAIL  fourth") and "login refused" in lines[4]
    assert "hunter2-secret" not in out.getvalue()
    assert lines[5].startswith("RESULT: FAIL (1/4 checks)")
    kept = Path(lines[6].removeprefix("Self-test files and log kept in "))
    assert (kept / "logs").is_dir()
    shutil.rmtree(kept)
    # The environment the station was configured with is back once the run is over.
    assert os.environ["INTAKE_API_BASE"] == "https://tenant.invalid/api/"


@pytest.mark.gui
def test_run_passes_and_cleans_up_when_every_check_passes(
    qapp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Path] = []

    def home(state: self_test._State) -> str:
        seen.append(state.paths.data_dir.parent)
        return "home checked"

    monkeypatch.setattr(self_test, "CHECKS", (("home", home),))
    monkeypatch.setattr(self_test, "_application", lambda: qapp)
    out = io.StringIO()
    assert self_test.run(out=out) == 0
    assert "RESULT: PASS (1/1 checks)" in out.getvalue()
    assert seen and not seen[0].exists()


def test_a_feature_module_left_out_of_the_build_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec

    def find_spec(name: str, *args: object) -> object:
        return None if name == "intake_gui.ui.history_window" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(CheckFailed, match=r"intake_gui\.ui\.history_window"):
        self_test.check_features(_state())


@pytest.mark.gui
def test_features_export_a_real_pdf(qapp: object, tmp_path: Path) -> None:
    from intake_gui.store.paths import app_paths

    state = self_test._State(paths=app_paths().ensure(), settings=None)
    assert "PDF export" in self_test.check_features(state)
    assert (state.paths.data_dir / "t.pdf").read_bytes().startswith(b"%PDF")
