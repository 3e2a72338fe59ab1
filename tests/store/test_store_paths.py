from __future__ import annotations

import os
from pathlib import Path

import pytest
from platformdirs import PlatformDirs

from intake_gui.store import paths as paths_mod
from intake_gui.store.paths import app_paths, atomic_write_bytes


def test_everything_lives_under_intake_home(intake_home: Path) -> None:
    p = app_paths()
    assert p.data_dir == intake_home / "data"
    assert p.config_dir == intake_home / "config"
    assert p.cache_dir == intake_home / "cache"
    assert p.log_dir == intake_home / "logs"
    assert p.journal_path.parent == p.data_dir
    assert p.settings_path == p.config_dir / "settings.json"
    assert p.catalog_dir.parent == p.cache_dir
    assert p.sandbox_dir.parent == p.data_dir


def test_directories_are_created_only_by_ensure(intake_home: Path) -> None:
    p = app_paths()
    assert list(intake_home.iterdir()) == []
    assert p.ensure() is p
    for d in (p.data_dir, p.config_dir, p.cache_dir, p.log_dir, p.catalog_dir, p.sandbox_dir):
        assert d.is_dir()
    p.ensure()  # idempotent


def test_without_intake_home_platformdirs_decide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTAKE_HOME")
    p = app_paths()
    dirs = PlatformDirs("Intake", "Intake")
    assert p.data_dir == Path(dirs.user_data_dir)
    assert p.config_dir == Path(dirs.user_config_dir)
    assert p.cache_dir == Path(dirs.user_cache_dir)
    assert p.log_dir == Path(dirs.user_log_dir)
    assert "Intake" in p.data_dir.parts


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "f.json"
    atomic_write_bytes(target, b"one")
    atomic_write_bytes(target, b"two", durable=False)
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["f.json"]


def test_failed_replace_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "only" / "f.json"
    target.parent.mkdir()
    target.write_bytes(b"old")

    def refuse(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        paths_mod.atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["f.json"]
