"""Station settings: what a receiving station remembers between runs, and nothing secret.

pydantic-settings builds them from its sources, highest first:

1. keyword arguments (`StationSettings(pos_kind="blaze")`, a test, a dialog's validated copy);
2. the environment, `INTAKE_*`, nested with "__" (e.g. `INTAKE_SCANNER__MAX_GAP_MS`), so a technician can
   point one run at another tenant without editing the file;
3. the settings file (`settings.json`), read only by `load_settings` (see `SettingsFile`);
4. the defaults below.

Saving never bakes a value that came from the environment into the file. The file carries a
`schema_version`; an older file is migrated on load (`store.settings_migrations`) and written back in the
current shape. Credentials never live here: a key whose name looks like one is refused on construction,
removed from a file on load and refused on save; the POS drivers keep secret credential fields in the
keyring (`pos.descriptor`), and settings hold only the public `username` of a person's login.

Size: one pydantic-settings model per section and the sources that build them belong together (a field and its
source order are read side by side); the migrations already live in settings_migrations.py. Split the section
models out if it grows further.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from intake_gui.domain.double_read import BLANKING_DEFAULT_MS, BLANKING_MAX_MS
from intake_gui.domain.models import PosKind
from intake_gui.store.paths import AppPaths, atomic_write_bytes
from intake_gui.store.settings_migrations import SCHEMA_KEY, SCHEMA_VERSION, migrate

log = logging.getLogger(__name__)

_SECRET_KEY = re.compile(
    r"pass(word|wd|phrase)?$|^pwd$|secret|session|cookie|token|credential|api_?key|partner_?key"
    r"|dev(eloper)?_?key|authorization",
    re.IGNORECASE,
)
"""Key names that betray a credential: a guard that keeps working if a field or a driver option is ever
named like one. Header *names* (`pos_options.blaze.partner_header`) deliberately do not match."""


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

    pos_kind: str = "dutchie"
    """The driver's kind (`pos/registry.py`). Which kinds exist is the registry's to say: `load_settings`
    checks it when given the registry's kinds, and opening a context refuses an unknown one in words."""
    api_base: str | None = None
    """None means "no tenant configured": Intake runs against its embedded sandbox."""
    username: str = ""
    """The POS user, where the POS signs in a person (Dutchie). Never a key: a POS that signs in with keys
    has no username, and the person at the station is `clerk_name`."""
    clerk_name: str = Field(default="", max_length=80)
    """Who is receiving at this station, where the POS login is a shop's key rather than a person (BLAZE,
    IndicaOnline): the name the audit trail and the journal record for every receive and move."""
    station_name: str = Field(default_factory=socket.gethostname)
    """Recorded with every journal event so a store with several stations can tell who received what."""
    last_location_id: int | None = None
    timezone_override: str | None = None
    """An IANA zone for when the POS reports a location's zone wrongly or not at all."""
    transport: Literal["default", "browser_tls"] = "default"
    request_timeout_s: float = Field(default=20.0, gt=0, le=300)
    rate_limit_per_minute: int = Field(default=60, ge=0, le=600)
    """Client-side pacing; 0 turns it off (only sensible against a local sandbox with its limit off)."""
    require_costs: bool = False
    """Refuse Submit until every line has a unit cost (lines without one are otherwise sent without)."""
    rate_limit_window_s: float | None = Field(default=None, gt=0, le=3600)
    """The POS's rate window in seconds, only when its refusals misstate it (they say "per minute");
    empty: as the POS says. (http helper)"""
    catalog_refresh_minutes: int = Field(default=15, ge=1, le=24 * 60)
    large_type: bool = False
    decimal_mark: Literal["auto", "point", "comma"] = "auto"
    """How people at this station write decimals ("1,5" or "1.5"); "auto" follows the OS locale. Read by
    `domain.quantities` for every typed quantity and cost, and for every quantity shown (input helper)."""
    blind_count: bool = False
    """Hide expected quantities from an imported manifest so the clerk counts what is really there."""
    first_run_done: bool = False
    sound: bool = True
    scanner: ScannerSettings = Field(default_factory=ScannerSettings)
    pos_options: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Per POS kind, that driver's own non-secret options (`PosDriver.options`), e.g.
    `{"blaze": {"partner_header": "x-api-key"}}` or `INTAKE_POS_OPTIONS__BLAZE__PARTNER_HEADER`. Validated
    by the driver when its connector is built, so a driver adds options without touching this file."""
    shared_record_url: str | None = None
    """The store's shared receiving record (PostgreSQL), e.g. postgresql://receiving2@db.store.lan/intake; None
    keeps this station's journal to itself. Never holds a password (the keyring does: `intake shared-record
    login`); env INTAKE_SHARED_RECORD_URL."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # No .env and no secrets directory: a receiving PC has one settings file, and secrets go to the keyring.
        return (init_settings, env_settings, SettingsFile(settings_cls))

    @model_validator(mode="before")
    @classmethod
    def _refuse_secrets(cls, data: Any) -> Any:
        if isinstance(data, dict):
            found = _secret_paths(data)
            if found:
                names = ", ".join(".".join(p) for p in found)
                raise ValueError(
                    f"settings never hold credentials (refused: {names}); "
                    "passwords, keys and sessions belong in the keyring"
                )
        return data

    @field_validator("pos_kind", mode="before")
    @classmethod
    def _kind(cls, v: object) -> object:
        if isinstance(v, str):
            v = v.strip()
            try:
                return PosKind(v).value
            except ValueError:
                raise ValueError(
                    "pos_kind must be a POS kind name such as dutchie, blaze or indica"
                ) from None
        return v

    @field_validator("clerk_name", "username", mode="before")
    @classmethod
    def _name(cls, v: object) -> object:
        return " ".join(v.split()) if isinstance(v, str) else v

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


# ---- the settings file as a pydantic-settings source -----------------------------------------------------

_file_values: ContextVar[dict[str, Any] | None] = ContextVar("intake_settings_file", default=None)


class SettingsFile(PydanticBaseSettingsSource):
    """The settings file's values, below the environment and above the defaults.

    `load_settings` reads, migrates and cleans the file, then builds the settings with the result set for
    this source (a context variable: the file's path is the station's, not the class's). Built any other way
    (`StationSettings()`), the source is empty: keyword arguments, environment and defaults.
    """

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        values = _file_values.get() or {}
        return values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        values = _file_values.get() or {}
        # Only real fields: a file key such as "_env_file" must never become a constructor option.
        return {k: v for k, v in values.items() if k in self.settings_cls.model_fields}


@contextmanager
def _reading_file(values: dict[str, Any]) -> Iterator[None]:
    token = _file_values.set(values)
    try:
        yield
    finally:
        _file_values.reset(token)


def _from_file(values: dict[str, Any]) -> StationSettings:
    with _reading_file(values):
        return StationSettings()


def _environment() -> dict[str, Any]:
    """What the INTAKE_* variables set, as the environment source reads them (nested dicts for "__")."""
    return EnvSettingsSource(StationSettings)()


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


def load_settings(paths: AppPaths, *, pos_kinds: Collection[str] | None = None) -> StationSettings:
    """The station's settings; a missing or damaged file yields defaults and a warning, never a crash.

    An unparseable file is moved aside to settings.json.bad. A file with some invalid values keeps its valid
    ones, a copy of the original goes to settings.json.bad and the repaired file is written back; an older
    file is migrated and written back. A key that looks like a credential is removed from disk at once (and
    not copied anywhere). A bad INTAKE_* variable is the operator's mistake and raises ValidationError naming
    it. With `pos_kinds` (the registry's), a kind no driver serves is treated like any other invalid value.
    """
    path = paths.settings_path
    read = _read_file(paths)
    if read is None:
        return _checked_kind(_from_file({}), {}, pos_kinds)
    data, raw = read
    repaired = False
    secrets_found = _secret_paths(data)
    if secrets_found:
        names = ", ".join(".".join(p) for p in secrets_found)
        log.warning("Removed credential-like keys from settings: %s", names)
        data = _without(data, secrets_found)
        repaired = True
    version = data.get(SCHEMA_KEY, 0)
    migration = migrate(data, paths)
    for note in migration.notes:
        log.info("Settings %s: %s", path.name, note)
    data = migration.data
    if secrets_found or migration.scrubbed:
        raw = json.dumps(data, indent=2).encode()  # a copy set aside must not keep what was removed
    settings, dropped = _valid_part(data)
    if dropped:
        log.warning(
            "Settings %s has invalid values for %s; using defaults for those, original kept as %s.bad",
            path,
            ", ".join(sorted(".".join(p) for p in dropped)),
            path.name,
        )
        _keep_bad_copy(paths, raw)
        repaired = True
    checked = _checked_kind(settings, data, pos_kinds)
    if checked is not settings:
        _keep_bad_copy(paths, raw)
        repaired = True
    newer = isinstance(version, int) and version > SCHEMA_VERSION
    if repaired or (migration.changed and not newer):
        try:
            _write(paths, checked, data)
        except OSError as exc:
            log.warning("Could not write repaired settings %s: %s", path, exc.strerror)
    return checked


def _read_file(paths: AppPaths) -> tuple[dict[str, Any], bytes] | None:
    """The file as a dict, with its bytes (for the .bad copy); None when there is none to use."""
    path = paths.settings_path
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("Cannot read settings %s (%s); using defaults", path, exc.strerror)
        return None
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
        return None
    return data, raw


def _valid_part(data: dict[str, Any]) -> tuple[StationSettings, list[tuple[str, ...]]]:
    """Settings from `data`, leaving out each file value that fails validation (the smallest key that holds
    the error, so one bad scanner value keeps the other scanner values). An error the environment causes
    is raised: dropping file values cannot fix it."""
    env = _environment()
    dropped: list[tuple[str, ...]] = []
    while True:
        try:
            return _from_file(data), dropped
        except ValidationError as exc:
            bad = {tuple(str(p) for p in e["loc"]) for e in exc.errors()}
            from_file = [_file_key(data, env, loc) for loc in bad]
            if not bad or any(key is None for key in from_file):
                raise
            keys = [key for key in from_file if key is not None]
            data = _without(data, keys)
            dropped.extend(keys)


def _file_key(
    data: dict[str, Any], env: dict[str, Any], loc: tuple[str, ...]
) -> tuple[str, ...] | None:
    """The deepest key of `loc` the file has and the environment does not override; None if it is env's."""
    if _get(env, loc) is not _MISSING:
        return None
    for depth in range(len(loc), 0, -1):
        if _get(data, loc[:depth]) is not _MISSING:
            return loc[:depth]
    return None


_MISSING = object()


def _get(data: Any, loc: tuple[str, ...]) -> Any:
    for part in loc:
        if not isinstance(data, dict) or part not in data:
            return _MISSING
        data = data[part]
    return data


def _checked_kind(
    settings: StationSettings, data: dict[str, Any], pos_kinds: Collection[str] | None
) -> StationSettings:
    """`settings` when its POS kind is one of `pos_kinds` (or there is no list); otherwise the default kind
    when the file named it, and an error when the environment did (the operator's to fix)."""
    if pos_kinds is None or settings.pos_kind in pos_kinds:
        return settings
    if "pos_kind" in _environment():
        raise ValueError(
            f"INTAKE_POS_KIND={settings.pos_kind!r} names no POS this Intake knows "
            f"({', '.join(pos_kinds)})"
        )
    default = StationSettings.model_fields["pos_kind"].default
    log.warning(
        "Settings name an unknown POS %r (known: %s); using %s",
        data.get("pos_kind"),
        ", ".join(pos_kinds),
        default,
    )
    return settings.model_copy(update={"pos_kind": default})


def save_settings(paths: AppPaths, settings: StationSettings) -> None:
    """Write atomically, with the schema version; values that currently come from INTAKE_* variables keep
    their on-disk value, and keys this version does not know (a newer Intake's) are kept as they were.

    Refuses (ValueError) to write a key that looks like a credential: a guard behind the model's own check.
    """
    _write(paths, settings, _read_dict(paths))


def _write(paths: AppPaths, settings: StationSettings, on_disk: dict[str, Any]) -> None:
    """`on_disk` is what the file holds now, in the current shape (migrated, when load_settings writes back)."""
    data = settings.model_dump(mode="json")
    env = _environment()
    if env:
        _keep_file_values_for_env(data, env, StationSettings().model_dump(mode="json"), on_disk)
    # Keys this version does not know (a newer Intake's) survive a save here; credential-like ones never do.
    kept = _without(on_disk, _secret_paths(on_disk))
    for key, value in kept.items():
        if key not in StationSettings.model_fields and key != SCHEMA_KEY:
            data.setdefault(key, value)
    found = _secret_paths(data)
    if found:
        names = ", ".join(".".join(p) for p in found)
        raise ValueError(f"refusing to write credential-like keys to settings: {names}")
    out = {SCHEMA_KEY: SCHEMA_VERSION, **data}
    atomic_write_bytes(paths.settings_path, (json.dumps(out, indent=2) + "\n").encode())


def _keep_file_values_for_env(
    data: dict[str, Any],
    env: dict[str, Any],
    env_applied: dict[str, Any],
    on_disk: dict[str, Any],
    *,
    nested: bool = False,
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
                nested=True,
            )
            if nested and not data[key] and key not in on_disk:
                del data[key]  # a section only the environment made (pos_options.blaze)
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
            node = node.get(p) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(leaf, None)
    return out


def _keep_bad_copy(paths: AppPaths, raw: bytes) -> None:
    try:
        atomic_write_bytes(_bad_path(paths), raw)
    except OSError as copy_exc:
        log.warning("Could not keep a copy of the settings file: %s", copy_exc.strerror)


def _bad_path(paths: AppPaths) -> Path:
    return paths.settings_path.with_name(paths.settings_path.name + ".bad")
