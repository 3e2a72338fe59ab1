"""Settings as pydantic-settings sources with a schema version: precedence, the version written and read, the
migration from version 0 (which wrote the BLAZE partner key into `username` and into a keyring account name),
a newer file read without harm, per-driver options from the environment, and the credential-name guard."""

from __future__ import annotations

import json
from typing import Any

import pytest

from intake_gui.pos.registry import driver_for
from intake_gui.services.context import open_context, sandbox_api_base
from intake_gui.services.credentials import training_values
from intake_gui.store.paths import AppPaths, app_paths
from intake_gui.store.settings import StationSettings, load_settings, save_settings
from intake_gui.store.settings_migrations import SCHEMA_VERSION


@pytest.fixture
def paths() -> AppPaths:
    return app_paths().ensure()


def _write(paths: AppPaths, data: dict[str, Any]) -> None:
    paths.settings_path.write_text(json.dumps(data), encoding="utf-8")


def _on_disk(paths: AppPaths) -> dict[str, Any]:
    return json.loads(paths.settings_path.read_text(encoding="utf-8"))


def test_sources_in_order_arguments_then_environment_then_file_then_defaults(paths, monkeypatch):
    _write(
        paths,
        {"schema_version": SCHEMA_VERSION, "station_name": "file", "clerk_name": "File Clerk"},
    )
    assert load_settings(paths).station_name == "file"
    assert StationSettings().station_name != "file", "the file is a source of load_settings only"
    monkeypatch.setenv("INTAKE_STATION_NAME", "env")
    monkeypatch.setenv("INTAKE_CLERK_NAME", "Env Clerk")
    loaded = load_settings(paths)
    assert (loaded.station_name, loaded.clerk_name) == ("env", "Env Clerk")
    assert StationSettings(station_name="init").station_name == "init"
    save_settings(paths, loaded.model_copy(update={"sound": False}))
    assert _on_disk(paths)["station_name"] == "file" and _on_disk(paths)["sound"] is False


def test_every_file_written_carries_the_schema_version_first(paths):
    save_settings(paths, StationSettings())
    assert next(iter(_on_disk(paths))) == "schema_version"
    assert _on_disk(paths)["schema_version"] == SCHEMA_VERSION == 2


def test_driver_options_come_from_the_file_or_the_environment_and_reach_no_file_from_env(
    paths, monkeypatch
):
    monkeypatch.setenv("INTAKE_POS_OPTIONS__BLAZE__PARTNER_HEADER", "X-Partner")
    settings = load_settings(paths)
    assert settings.pos_options == {"blaze": {"partner_header": "X-Partner"}}
    assert (
        driver_for("blaze").parse_options(settings.pos_options["blaze"]).partner_header
        == "X-Partner"
    )
    save_settings(paths, settings)
    assert _on_disk(paths)["pos_options"] == {}


def test_a_version_0_blaze_file_loses_the_partner_key_and_the_keyring_follows(
    paths, mounted_sandbox, memory_keyring, caplog
):
    base = sandbox_api_base(mounted_sandbox.root_url, "blaze").rstrip("/")
    keys = training_values(driver_for("blaze"))
    partner, developer = keys["partner_key"], keys["developer_key"]
    _write(
        paths,
        {
            "pos_kind": "blaze",
            "api_base": base,
            "username": partner,
            "blaze_partner_header": "partner_key",
            "blaze_dev_header": "Authorization",
            "indica_office_id": 3,
            "station_name": "dock-3",
            "rate_limit_per_minute": 0,
        },
    )
    memory_keyring.set_password("intake", f"blaze|{base}|{partner}", developer)
    caplog.set_level("INFO")
    settings = load_settings(paths)
    assert settings.username == "" and settings.pos_kind == "blaze"
    disk = _on_disk(paths)
    assert disk["schema_version"] == SCHEMA_VERSION and disk.get("username", "") == ""
    assert not {"blaze_partner_header", "blaze_dev_header", "indica_office_id"} & disk.keys()
    assert partner not in paths.settings_path.read_text()
    assert sorted(account for _s, account in memory_keyring.store) == [
        f"blaze|{base}||developer_key",
        f"blaze|{base}||partner_key",
    ]
    assert "moved the saved sign-in" in caplog.text and partner not in caplog.text
    ctx = open_context(settings=settings)  # signs in with the migrated keys, asks for nothing
    try:
        assert ctx.connector.locations()
    finally:
        ctx.close()


def test_version_0_dutchie_and_indica_sign_ins_are_migrated(paths, memory_keyring):
    base = "https://tenant.example.com/api"
    _write(paths, {"api_base": base, "username": "kim"})
    memory_keyring.set_password("intake", f"dutchie|{base}|kim", "pw-kim-0001")
    assert load_settings(paths).username == "kim"
    assert memory_keyring.store == {("intake", f"dutchie|{base}|kim|password"): "pw-kim-0001"}
    memory_keyring.store.clear()
    _write(paths, {"pos_kind": "indica", "api_base": base, "username": "front desk"})
    memory_keyring.set_password("intake", f"indica|{base}|front desk", "ak-0001")
    assert load_settings(paths).username == ""
    assert memory_keyring.store == {("intake", f"indica|{base}||api_key"): "ak-0001"}


def test_a_file_from_a_newer_intake_is_read_and_its_keys_kept(paths):
    newer = {"schema_version": 99, "station_name": "dock-9", "hologram_mode": True}
    _write(paths, newer)
    assert load_settings(paths).station_name == "dock-9"
    assert _on_disk(paths) == newer, "not rewritten downwards on load"
    save_settings(paths, load_settings(paths).model_copy(update={"sound": False}))
    assert _on_disk(paths)["hologram_mode"] is True


def test_nothing_named_like_a_credential_is_accepted_or_written(paths):
    with pytest.raises(ValueError, match=r"pos_options\.blaze\.api_key"):
        StationSettings(pos_options={"blaze": {"api_key": "abc"}})
    smuggled = StationSettings.model_construct(pos_options={"blaze": {"developer_key": "abc"}})
    with pytest.raises(ValueError, match="refusing to write"):
        save_settings(paths, smuggled)
    assert not paths.settings_path.exists()
    _write(paths, {"schema_version": 1, "hologram": {"session_id": "s-123456"}})
    save_settings(paths, load_settings(paths))
    assert "s-123456" not in paths.settings_path.read_text()


def test_version_1_dutchie_locations_path_becomes_the_dutchie_drivers_option(paths):
    _write(paths, {"schema_version": 1, "dutchie_locations_path": "custom/my-stores"})
    settings = load_settings(paths)
    assert settings.pos_options == {"dutchie": {"locations_path": "custom/my-stores"}}
    options = driver_for("dutchie").parse_options(settings.pos_options["dutchie"])
    assert options.locations_path == "custom/my-stores"  # type: ignore[attr-defined]
    disk = _on_disk(paths)
    assert disk["schema_version"] == 2 and "dutchie_locations_path" not in disk
