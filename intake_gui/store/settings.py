"""Station settings: what a receiving station remembers between runs, and nothing secret.

Precedence is environment (INTAKE_*, nested with "__", e.g. INTAKE_SCANNER__MAX_GAP_MS) over the settings
file over defaults, so a technician can point one run at another tenant without editing the file, and saving
from the GUI never bakes that temporary override into the file.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, SettingsConfigDict

from intake_gui.domain.double_read import BLANKING_DEFAULT_MS, BLANKING_MAX_MS
from intake_gui.store.paths import AppPaths, atomic_write_bytes

log = logging.getLogger(__name__)

_SECRET_KEY = re.compile(
    r"pass(word|wd|phrase)?$|^pwd$|secret|session|cookie|token|credential|api_?key|partner_?key"
    r"|dev(eloper)?_?key|authorization",
    re.IGNORECASE,
)
"""Key names that betray a credential. Header *names* (blaze_partner_header) deliberately do not match."""


class ScannerSettings(BaseModel):
    """How a keyboard-wedge scanner is told apart from a person typing, and how its GS1 separators arrive.

    Owned by the scanner work (ui/scanner_filter.py, ui/dialogs/calibration_dialog.py); calibration writes it."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    max_gap_ms: int = Field(default=50, ge=5, le=500)
    """Scanners type a whole code with 1-35 ms between keys (plus USB polling and a busy machine's jitter);
    people are slower than this. Gaps are measured between characters: Shift/AltGr/Ctrl presses do not count."""
    min_length: int = Field(default=4, ge=1, le=64)
    prefix: str = ""
    suffix: Literal["enter", "tab", "either", "none"] = "either"
    blanking_ms: int = Field(default=BLANKING_DEFAULT_MS, ge=0, le=10_000)
    """A second read of the same code starting within this many ms of the first one's end is the scanner
    firing twice for one trigger (that happens within ~100 ms), not a second item. Larger values eat real
    items scanned quickly one after another, so values above BLANKING_MAX_MS (the old 700 ms default) are
    brought down to it."""
    gs_char: str = "\x1d"
    gs_substitutes: list[str] = Field(default_factory=lambda: ["<GS>", "^]", "{GS}", "~"])
    """What keyboard wedges type instead of ASCII 29, which most keyboard layouts cannot produce. None of these
    can occur inside a GS1 element string (the GS1 character set excludes ^ ] { } ~ and a literal "<GS>" never
    appears in a real code), so treating them as separators cannot split a valid code."""
    scanner_layout: str = ""
    """The keyboard layout the scanner is programmed for ("us", "de", ... see domain/keyboard_layouts.py);
    "" when it matches the station's. Calibration detects it from a code it knows."""
    station_layout: str = ""

    @field_validator("blanking_ms")
    @classmethod
    def _blanking(cls, v: int) -> int:
        return min(v, BLANKING_MAX_MS)

    @field_validator("scanner_layout", "station_layout")
    @classmethod
    def _layout(cls, v: str) -> str:
        from intake_gui.domain.keyboard_layouts import LAYOUTS

        if v and v not in LAYOUTS:
            raise ValueError(f"unknown keyboard layout {v!r}; known: {', '.join(LAYOUTS)}")
        return v

    @field_validator("gs_char")
    @classmethod
    def _one_char(cls, v: str) -> str:
        if len(v) != 1:
            raise ValueError("gs_char must be exactly one character")
        return v

    @field_validator("gs_substitutes")
    @classmethod
    def _substitutes(cls, v: list[str]) -> list[str]:
        if any(not s for s in v):
            raise ValueError("a GS substitute cannot be empty (it would split every code)")
        return list(dict.fromkeys(v))


class StationSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="INTAKE_",
        env_nested_delimiter="__",
        extra="ignore",
        validate_default=True,
        validate_assignment=True,
        # A refused value may be the secret itself (a shared-record URL with its password in it): errors name
        # the field and the rule, never echo the input.
        hide_input_in_errors=True,
    )

    pos_kind: Literal["dutchie", "blaze", "indica"] = "dutchie"
    api_base: str | None = None
    """None means "no tenant configured": Intake runs against its embedded sandbox."""
    username: str = ""
    station_name: str = Field(default_factory=socket.gethostname)
    """Recorded with every journal event so a store with several stations can tell who received what."""
    last_location_id: int | None = None
    timezone_override: str | None = None
    """An IANA zone for when the POS reports a location's zone wrongly or not at all."""
    transport: Literal["default", "browser_tls"] = "default"
    request_timeout_s: float = Field(default=20.0, gt=0, le=300)
    rate_limit_per_minute: int = Field(default=60, ge=0, le=600)
    require_costs: bool = False
    """Refuse Submit until every line has a unit cost (lines without one are otherwise sent without)."""
    """Client-side pacing; 0 turns it off (only sensible against a local sandbox with its limit off)."""
    rate_limit_window_s: float | None = Field(default=None, gt=0, le=3600)
    """The POS's rate window in seconds, only when its refusals misstate it (they say "per minute");
    empty: as the POS says. (http helper)"""
    dutchie_locations_path: str | None = None
    """Where a Dutchie tenant lists the user's locations, when it is not Intake's built-in path (no public
    path is known; `intake doctor` says which path worked). Empty: try the known ones. (http helper)"""
    catalog_refresh_minutes: int = Field(default=15, ge=1, le=24 * 60)
    large_type: bool = False
    blind_count: bool = False
    """Hide expected quantities from an imported manifest so the clerk counts what is really there."""
    first_run_done: bool = False
    sound: bool = True
    scanner: ScannerSettings = Field(default_factory=ScannerSettings)
    blaze_partner_header: str = "partner_key"
    """Header *names* only (the keys live in the keyring). Unconfirmed against a live BLAZE tenant, hence
    settings rather than constants."""
    blaze_dev_header: str = "Authorization"
    indica_office_id: int | None = None
    """IndicaOnline scopes inventory by office; None until the clerk picks one."""
    shared_record_url: str | None = None
    """The store's shared receiving record (PostgreSQL), e.g. postgresql://receiving2@db.store.lan/intake; None
    keeps this station's journal to itself. Never holds a password (the keyring does: `intake shared-record
    login`); env INTAKE_SHARED_RECORD_URL."""

    @model_validator(mode="before")
    @classmethod
    def _refuse_secrets(cls, data: Any) -> Any:
        if isinstance(data, dict):
            found = _secret_paths(data)
            if found:
                names = ", ".join(".".join(p) for p in found)
                raise ValueError(
                    f"settings never hold credentials (refused: {names}); "
                    "passwords and sessions belong in the keyring"
                )
        return data

    @field_validator("api_base", mode="before")
    @classmethod
    def _api_base(cls, v: object) -> object:
        if isinstance(v, str):
            v = v.strip()
            if not v:
                return None
            if not re.match(r"^https?://[^/\s]+", v, re.IGNORECASE):
                raise ValueError(
                    "api_base must be an http(s) address such as https://tenant.example.com/api/"
                )
        return v

    @field_validator("shared_record_url", mode="before")
    @classmethod
    def _shared_record(cls, v: object) -> object:
        if isinstance(v, str):
            v = v.strip()
            if not v:
                return None
            from intake_gui.store.secrets import secret_registry
            from intake_gui.store.shared_record.config import embedded_password, parse

            secret_registry.add(embedded_password(v))  # redacted from every log line from now on
            parse(v)  # raises SharedRecordConfigError (a ValueError) with the words to fix it
        return v

    @field_validator("station_name", mode="before")
    @classmethod
    def _station(cls, v: object) -> object:
        if isinstance(v, str) and not v.strip():
            return socket.gethostname()
        return v.strip() if isinstance(v, str) else v

    @field_validator("timezone_override", mode="before")
    @classmethod
    def _zone(cls, v: object) -> object:
        if isinstance(v, str):
            v = v.strip()
            if not v:
                return None
            try:
                ZoneInfo(v)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {v!r}") from None
        return v


def _secret_paths(data: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every key, at any depth, whose name says it holds a credential."""
    found: list[tuple[str, ...]] = []
    for key, value in data.items():
        here = (*prefix, str(key))
        if _SECRET_KEY.search(str(key)):
            found.append(here)
        elif isinstance(value, dict):
            found.extend(_secret_paths(value, here))
    return found


def load_settings(paths: AppPaths) -> StationSettings:
    """The station's settings; a missing or damaged file yields defaults and a warning, never a crash.

    An unparseable file is moved aside to settings.json.bad. A file with some invalid values keeps its valid
    ones, a copy of the original goes to settings.json.bad and the repaired file is written back. A key that
    looks like a credential is removed from disk at once (and not copied anywhere). A bad INTAKE_* variable is
    the operator's mistake and raises ValidationError naming it.
    """
    path = paths.settings_path
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return StationSettings()
    except OSError as exc:
        log.warning("Cannot read settings %s (%s); using defaults", path, exc.strerror)
        return StationSettings()
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except ValueError as exc:
        log.warning("Settings file %s is corrupt (%s); set aside as %s.bad", path, exc, path.name)
        try:
            os.replace(path, _bad_path(paths))
        except OSError as move_exc:
            log.warning("Could not set the corrupt settings file aside: %s", move_exc.strerror)
        return StationSettings()

    repaired = False
    secrets_found = _secret_paths(data)
    if secrets_found:
        names = ", ".join(".".join(p) for p in secrets_found)
        log.warning("Removed credential-like keys from settings: %s", names)
        data = _without(data, secrets_found)
        raw = json.dumps(data, indent=2).encode()
        repaired = True
    try:
        settings = _from_file(data)
    except ValidationError as exc:
        bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
        if not bad or not bad <= data.keys():
            raise  # at least one error comes from the environment, not the file
        log.warning(
            "Settings %s has invalid values for %s; using defaults for those, original kept as %s.bad",
            path,
            ", ".join(sorted(bad)),
            path.name,
        )
        try:
            atomic_write_bytes(_bad_path(paths), raw)
        except OSError as copy_exc:
            log.warning("Could not keep a copy of the settings file: %s", copy_exc.strerror)
        settings = _from_file({k: v for k, v in data.items() if k not in bad})
        repaired = True
    if repaired:
        try:
            save_settings(paths, settings)
        except OSError as exc:
            log.warning("Could not write repaired settings %s: %s", path, exc.strerror)
    return settings


def save_settings(paths: AppPaths, settings: StationSettings) -> None:
    """Write atomically; values that currently come from INTAKE_* variables keep their on-disk value."""
    data = settings.model_dump(mode="json")
    env = EnvSettingsSource(StationSettings)()
    if env:
        _keep_file_values_for_env(
            data, env, StationSettings().model_dump(mode="json"), _read_dict(paths)
        )
    atomic_write_bytes(paths.settings_path, (json.dumps(data, indent=2) + "\n").encode())


def _from_file(data: dict[str, Any]) -> StationSettings:
    # Only real fields: a file key such as "_env_file" or "_cli_parse_args" would otherwise reach
    # BaseSettings as a constructor option and make it read other files or the command line.
    known = {k: v for k, v in data.items() if k in StationSettings.model_fields}
    env = EnvSettingsSource(StationSettings)()
    return StationSettings(**_deep_merge(known, env))


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _keep_file_values_for_env(
    data: dict[str, Any], env: dict[str, Any], env_applied: dict[str, Any], on_disk: dict[str, Any]
) -> None:
    """Undo, in `data`, every value that is only there because an INTAKE_* variable put it there."""
    for key, raw in env.items():
        if key not in data:
            continue
        if isinstance(raw, dict) and isinstance(data[key], dict):
            sub_disk = on_disk.get(key)
            _keep_file_values_for_env(
                data[key],
                raw,
                env_applied.get(key) or {},
                sub_disk if isinstance(sub_disk, dict) else {},
            )
        elif data[key] == env_applied.get(key):
            if key in on_disk:
                data[key] = on_disk[key]
            else:
                del data[key]


def _read_dict(paths: AppPaths) -> dict[str, Any]:
    try:
        data = json.loads(paths.settings_path.read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _without(data: dict[str, Any], key_paths: list[tuple[str, ...]]) -> dict[str, Any]:
    out = json.loads(json.dumps(data))
    for *parents, leaf in key_paths:
        node = out
        for p in parents:
            node = node[p]
        node.pop(leaf, None)
    return out


def _bad_path(paths: AppPaths) -> Path:
    return paths.settings_path.with_name(paths.settings_path.name + ".bad")
