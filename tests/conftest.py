"""Test isolation: offscreen Qt, an in-memory keyring, and data dirs that never touch the developer's own.

Every test gets a fresh INTAKE_HOME (all of Intake's paths derive from it) and XDG dirs under tmp, so a test
that forgot to inject a path still cannot write into a real profile.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import keyring
import keyring.backend
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_SESSION_TMP = Path(tempfile.mkdtemp(prefix="intake-tests-"))
for _var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[_var] = str(_SESSION_TMP / _var.lower())
os.environ.pop("INTAKE_API_BASE", None)
os.environ.pop("INTAKE_USERNAME", None)
os.environ.pop("INTAKE_PASSWORD", None)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that forgets everything when the test ends."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring() -> MemoryKeyring:
    ring = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def intake_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "intake-home"
    home.mkdir()
    monkeypatch.setenv("INTAKE_HOME", str(home))
    return home
