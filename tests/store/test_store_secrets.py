from __future__ import annotations

import logging
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringError

from intake_gui.store.secrets import SERVICE, SecretStore, secret_registry, usable_backend

PW = "correct-horse-battery"
SID = "5f0c2a1e-session-9d7b"


class BrokenKeyring(KeyringBackend):
    """A backend that exists but fails at every call, like a locked Secret Service over D-Bus."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError(f"cannot unlock collection for {username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError(f"cannot store {password}")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringError("cannot delete")


def test_passwords_go_to_the_keyring(memory_keyring: object) -> None:
    store = SecretStore()
    assert store.persistent
    store.set_password("dutchie|https://t/api|kim", PW)
    assert memory_keyring.store[(SERVICE, "dutchie|https://t/api|kim")] == PW  # type: ignore[attr-defined]
    assert SecretStore().get_password("dutchie|https://t/api|kim") == PW  # a fresh store sees it
    store.delete_password("dutchie|https://t/api|kim")
    assert store.get_password("dutchie|https://t/api|kim") is None
    store.delete_password("dutchie|https://t/api|kim")  # deleting what is gone is fine


def test_empty_password_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        SecretStore().set_password("a", "")


def test_session_cache_protocol() -> None:
    store = SecretStore()
    assert store.load("dutchie:kim") is None
    store.save("dutchie:kim", SID)
    store.save("dutchie:kim", SID + "-2")
    assert store.load("dutchie:kim") == SID + "-2"
    store.clear("dutchie:kim")
    assert store.load("dutchie:kim") is None
    store.clear("dutchie:kim")


def test_forget_removes_password_and_sessions(memory_keyring: object) -> None:
    store = SecretStore()
    store.set_password("kim", PW)
    store.set_password("lee", "other-password")
    store.save("dutchie:kim", SID)
    store.save("blaze:kim", SID + "b")
    store.forget("kim")
    fresh = SecretStore()
    assert fresh.get_password("kim") is None
    assert fresh.load("dutchie:kim") is None
    assert fresh.load("blaze:kim") is None
    assert fresh.get_password("lee") == "other-password"
    assert list(memory_keyring.store) == [(SERVICE, "lee")]  # type: ignore[attr-defined]


def test_every_secret_seen_is_registered(memory_keyring: object) -> None:
    memory_keyring.store[(SERVICE, "pre-existing")] = "stored-before-start"  # type: ignore[attr-defined]
    store = SecretStore()
    store.set_password("kim", PW)
    store.save("k", SID)
    store.get_password("pre-existing")
    for value in (PW, SID, "stored-before-start"):
        assert value in secret_registry


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()], ids=["fail", "null"])
def test_no_backend_falls_back_to_memory(
    backend: KeyringBackend, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        store = SecretStore(backend=backend)
    assert not store.persistent
    assert "asked each session" in caplog.text
    store.set_password("kim", PW)
    store.save("s", SID)
    assert store.get_password("kim") == PW
    assert store.load("s") == SID
    assert (
        SecretStore(backend=backend).get_password("kim") is None
    )  # memory is per process and store
    _assert_not_on_disk(tmp_path, PW, SID)


def test_empty_chainer_is_not_usable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    assert not usable_backend(chainer.ChainerBackend())
    assert not SecretStore(backend=chainer.ChainerBackend()).persistent


def test_chainer_is_judged_by_its_first_member(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: KeyringBackend
) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [memory_keyring])
    assert usable_backend(chainer.ChainerBackend())
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [fail.Keyring(), memory_keyring])
    assert not usable_backend(chainer.ChainerBackend())


class PlaintextKeyring(BrokenKeyring):
    """Stands in for keyrings.alt's plaintext file backend, which writes passwords to disk as text."""

    __module__ = "keyrings.alt.file"


def test_plaintext_file_backends_are_refused() -> None:
    assert not usable_backend(PlaintextKeyring())
    assert not SecretStore(backend=PlaintextKeyring()).persistent


def test_erroring_backend_falls_back_without_leaking(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = SecretStore(backend=BrokenKeyring())
    assert store.persistent  # it looked usable
    with caplog.at_level(logging.WARNING):
        store.set_password("kim", PW)
    assert not store.persistent
    assert store.get_password("kim") == PW
    assert "KeyringError" in caplog.text
    assert PW not in caplog.text
    store.forget("kim")
    assert store.get_password("kim") is None
    _assert_not_on_disk(tmp_path, PW)


def _assert_not_on_disk(root: Path, *values: str) -> None:
    import os

    places = [
        root,
        *(Path(os.environ[v]) for v in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")),
    ]
    for place in places:
        for f in place.rglob("*") if place.exists() else ():
            if f.is_file():
                data = f.read_bytes()
                for v in values:
                    assert v.encode() not in data, f
