"""The few settings the window's first frame is drawn with, read without pydantic.

`StationSettings` (store/settings.py) is a pydantic-settings model: importing pydantic and pydantic-settings costs
~330 ms, more than the window itself, and the station's first frame (the Location page saying "Connecting to the
POS…") needs two of its values: whether type is large (the theme and the View menu's tick) and whether this is
the first run (the welcome dialog comes instead of a connection, so the page must not say it is connecting).
`ui/app.run` draws that frame from this reader; the full settings are loaded and validated on a worker right after
(`MainWindow.settings_ready`), and the window takes them from there on.

The reader honours the same sources as `StationSettings`, in the same order: an `INTAKE_*` variable (any case, as
pydantic-settings matches them) above the settings file above the defaults. It accepts a value only where it is
sure `StationSettings` accepts it with the same meaning (a JSON boolean, 0/1, or one of pydantic's boolean words);
anything else, an unreadable file included, yields the default, and the full load follows to say what was wrong.
It never raises, never writes, never moves the file. `tests/store/test_first_frame_settings.py` holds its defaults
and its reading to `StationSettings`' (a property test over random files and environments).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from intake_gui.store.paths import AppPaths

ENV_PREFIX = "intake_"
"""`StationSettings`' `env_prefix`, lower-cased: its variables are matched without regard to case."""

_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})
"""The strings pydantic reads as a boolean (compared lower-cased; no surrounding blanks allowed)."""


@dataclass(frozen=True)
class FirstFrameSettings:
    """What the first frame reads. The defaults are `StationSettings`' (a test compares them)."""

    large_type: bool = False
    first_run_done: bool = False


def read_first_frame_settings(
    paths: AppPaths, environ: Mapping[str, str] | None = None
) -> FirstFrameSettings:
    """The first frame's values from the environment and `paths`' settings file; defaults where unsure."""
    env = _environment(os.environ if environ is None else environ)
    file = _file_values(paths)
    values: dict[str, Any] = {}
    for field in fields(FirstFrameSettings):
        if field.name in env:
            # The environment wins even when it is wrong: StationSettings then refuses to load, and the
            # default stands until the window says so.
            value = _as_bool(env[field.name])
        elif field.name in file:
            value = _as_bool(file[field.name])
        else:
            value = None
        if value is not None:
            values[field.name] = value
    return FirstFrameSettings(**values)


def _environment(environ: Mapping[str, str]) -> dict[str, str]:
    """INTAKE_* variables by field name, as pydantic-settings reads them (case-insensitive, last one wins)."""
    out: dict[str, str] = {}
    for key, value in environ.items():
        lowered = key.lower()
        if lowered.startswith(ENV_PREFIX):
            out[lowered[len(ENV_PREFIX) :]] = value
    return out


def _file_values(paths: AppPaths) -> dict[str, Any]:
    try:
        data = json.loads(paths.settings_path.read_bytes())
    except (OSError, ValueError):
        return {}  # missing, unreadable or corrupt: the full load reports and repairs it
    return data if isinstance(data, dict) else {}


def _as_bool(value: object) -> bool | None:
    """`value` as pydantic's lax boolean would read it, or None where that is not certain."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.isascii():
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    return None
