from __future__ import annotations

import json
import logging
import socket
from pathlib import Path

import pytest
from pydantic import ValidationError

from intake_gui.store.paths import AppPaths, app_paths
from intake_gui.store.settings import (
    ScannerSettings,
    StationSettings,
    load_settings,
    save_settings,
)


@pytest.fixture
def paths() -> AppPaths:
    return app_paths().ensure()


def test_defaults() -> None:
    s = StationSettings()
    assert s.pos_kind == "dutchie"
    assert s.api_base is None
    assert s.station_name == socket.gethostname()
    assert (s.request_timeout_s, s.rate_limit_per_minute, s.catalog_refresh_minutes) == (20, 60, 15)
    assert s.transport == "default"
    assert s.scanner == ScannerSettings()
    assert s.scanner.gs_char == "\x1d"
    assert s.scanner.suffix == "either"
    assert "<GS>" in s.scanner.gs_substitutes


def test_missing_file_gives_defaults_without_creating_it(paths: AppPaths) -> None:
    assert load_settings(paths) == StationSettings()
    assert not paths.settings_path.exists()


def test_round_trip(paths: AppPaths) -> None:
    s = StationSettings(
        pos_kind="blaze",
        api_base="https://mint.backoffice.dutchie.com/api/",
        username="kim",
        station_name="Back door",
        last_location_id=1989,
        timezone_override="America/Phoenix",
        transport="browser_tls",
        large_type=True,
        blind_count=True,
        first_run_done=True,
        sound=False,
        scanner=ScannerSettings(max_gap_ms=50, prefix="]C1", suffix="tab", gs_substitutes=["|"]),
        indica_office_id=7,
    )
    save_settings(paths, s)
    assert load_settings(paths) == s
    assert json.loads(paths.settings_path.read_text())["scanner"]["suffix"] == "tab"
    assert sorted(p.name for p in paths.config_dir.iterdir()) == ["settings.json"]


def test_environment_beats_the_file(paths: AppPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    save_settings(
        paths,
        StationSettings(
            api_base="https://file.example.com/api/", scanner=ScannerSettings(min_length=8)
        ),
    )
    monkeypatch.setenv("INTAKE_API_BASE", "http://127.0.0.1:9999/api/")
    monkeypatch.setenv("INTAKE_SCANNER__MAX_GAP_MS", "60")
    s = load_settings(paths)
    assert s.api_base == "http://127.0.0.1:9999/api/"
    assert s.scanner.max_gap_ms == 60
    assert s.scanner.min_length == 8  # the file's nested values survive a nested override


def test_saving_does_not_bake_in_environment_overrides(
    paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_file = StationSettings(api_base="https://file.example.com/api/")
    save_settings(paths, in_file)
    monkeypatch.setenv("INTAKE_API_BASE", "http://127.0.0.1:9999/api/")
    monkeypatch.setenv("INTAKE_SCANNER__MAX_GAP_MS", "60")
    s = load_settings(paths)
    save_settings(paths, s.model_copy(update={"large_type": True}))
    on_disk = json.loads(paths.settings_path.read_text())
    assert on_disk["api_base"] == "https://file.example.com/api/"
    # the value the file had, not the override
    assert on_disk["scanner"]["max_gap_ms"] == in_file.scanner.max_gap_ms != 60
    assert on_disk["large_type"] is True
    monkeypatch.delenv("INTAKE_API_BASE")
    monkeypatch.delenv("INTAKE_SCANNER__MAX_GAP_MS")
    again = load_settings(paths)
    assert again.api_base == "https://file.example.com/api/"
    assert again.scanner.max_gap_ms == in_file.scanner.max_gap_ms
    assert again.large_type is True


def test_corrupt_file_is_set_aside(paths: AppPaths, caplog: pytest.LogCaptureFixture) -> None:
    paths.settings_path.write_bytes(b'{"username": "kim", ')
    with caplog.at_level(logging.WARNING):
        s = load_settings(paths)
    assert s == StationSettings()
    assert not paths.settings_path.exists()
    assert (paths.config_dir / "settings.json.bad").read_bytes() == b'{"username": "kim", '
    assert "corrupt" in caplog.text


@pytest.mark.parametrize("content", [b"", b"[1, 2]", b"\xff\xfe not utf-8"])
def test_other_unreadable_files(paths: AppPaths, content: bytes) -> None:
    paths.settings_path.write_bytes(content)
    assert load_settings(paths) == StationSettings()
    assert (paths.config_dir / "settings.json.bad").exists()


def test_invalid_values_keep_the_valid_ones(
    paths: AppPaths, caplog: pytest.LogCaptureFixture
) -> None:
    original = json.dumps(
        {"username": "kim", "request_timeout_s": -5, "transport": "carrier pigeon"}
    )
    paths.settings_path.write_text(original)
    with caplog.at_level(logging.WARNING):
        s = load_settings(paths)
    assert s.username == "kim"
    assert s.request_timeout_s == 20
    assert s.transport == "default"
    assert (paths.config_dir / "settings.json.bad").read_text() == original
    assert json.loads(paths.settings_path.read_text())["request_timeout_s"] == 20
    assert "request_timeout_s" in caplog.text


def test_a_bad_environment_variable_is_reported(
    paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths.settings_path.write_text(json.dumps({"username": "kim"}))
    monkeypatch.setenv("INTAKE_REQUEST_TIMEOUT_S", "soon")
    with pytest.raises(ValidationError, match="request_timeout_s"):
        load_settings(paths)
    assert not (paths.config_dir / "settings.json.bad").exists()


@pytest.mark.parametrize(
    "field", ["password", "Password", "session_id", "SessionId", "llsession_cookie"]
)
def test_settings_refuse_secrets(field: str) -> None:
    with pytest.raises(ValidationError, match="credentials"):
        StationSettings(**{field: "hunter2hunter2"})


def test_nested_secret_refused() -> None:
    with pytest.raises(ValidationError, match=r"scanner\.api_key"):
        StationSettings(scanner={"api_key": "abc"})


def test_a_password_in_the_file_is_removed_from_disk(paths: AppPaths) -> None:
    paths.settings_path.write_text(json.dumps({"username": "kim", "password": "hunter2hunter2"}))
    s = load_settings(paths)
    assert s.username == "kim"
    for f in paths.config_dir.rglob("*"):
        assert b"hunter2hunter2" not in f.read_bytes(), f


def test_password_env_var_is_not_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI reads INTAKE_PASSWORD itself; it must neither break settings nor end up in them.
    monkeypatch.setenv("INTAKE_PASSWORD", "hunter2hunter2")
    assert "hunter2hunter2" not in StationSettings().model_dump_json()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("api_base", "ftp://example.com"),
        ("api_base", "example.com/api"),
        ("timezone_override", "Mars/Olympus_Mons"),
        ("pos_kind", "square"),
        ("rate_limit_per_minute", -1),
    ],
)
def test_invalid_values_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        StationSettings(**{field: value})


def test_blank_values_normalise() -> None:
    s = StationSettings(api_base="  ", timezone_override="", station_name="  ")
    assert s.api_base is None
    assert s.timezone_override is None
    assert s.station_name == socket.gethostname()


@pytest.mark.parametrize("subs", [[""], ["<GS>", ""]])
def test_empty_gs_substitute_refused(subs: list[str]) -> None:
    with pytest.raises(ValidationError):
        ScannerSettings(gs_substitutes=subs)


def test_assignment_is_validated() -> None:
    s = StationSettings()
    with pytest.raises(ValidationError):
        s.request_timeout_s = -1


def test_unknown_keys_from_a_newer_version_are_ignored(paths: AppPaths) -> None:
    paths.settings_path.write_text(json.dumps({"username": "kim", "hologram_mode": True}))
    assert load_settings(paths).username == "kim"


def test_settings_file_is_valid_json_object(paths: AppPaths, tmp_path: Path) -> None:
    save_settings(paths, StationSettings(username="kim"))
    data = json.loads(paths.settings_path.read_text())
    assert data["username"] == "kim"
    assert data["scanner"]["gs_char"] == "\x1d"
