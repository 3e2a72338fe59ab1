"""The first frame's settings reader (store/first_frame_settings.py) must never disagree with `StationSettings`.

It is a second reader of the same file and the same INTAKE_* variables, without pydantic; these tests are what keeps
it from drifting: its defaults are `StationSettings`' defaults, and for any file and environment the full load
accepts, it reads the same values; where the full load refuses a value, it falls back to the default and never
raises.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, fields
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from intake_gui.services.drivers import load_station_settings
from intake_gui.store.first_frame_settings import FirstFrameSettings, read_first_frame_settings
from intake_gui.store.paths import AppPaths, app_paths
from intake_gui.store.settings import StationSettings

FIELDS = [f.name for f in fields(FirstFrameSettings)]


@pytest.fixture
def paths() -> AppPaths:
    return app_paths().ensure()


def _no_intake_env() -> dict[str, str]:
    return {
        k: v
        for k, v in os.environ.items()
        if not k.upper().startswith("INTAKE_") or k == "INTAKE_HOME"
    }


def test_defaults_are_station_settings_defaults() -> None:
    defaults = FirstFrameSettings()
    for name in FIELDS:
        assert name in StationSettings.model_fields, name
        assert getattr(defaults, name) == StationSettings.model_fields[name].default, name


def test_reads_the_file_and_the_environment_above_it(paths: AppPaths) -> None:
    paths.settings_path.write_text(json.dumps({"large_type": True, "first_run_done": True}))
    assert read_first_frame_settings(paths, {}) == FirstFrameSettings(True, True)
    assert read_first_frame_settings(paths, {"intake_LARGE_TYPE": "no"}) == FirstFrameSettings(
        False, True
    )


def test_unsure_means_defaults_and_nothing_raises(paths: AppPaths) -> None:
    paths.settings_path.write_bytes(b"{not json")
    assert read_first_frame_settings(paths, {}) == FirstFrameSettings()
    assert (
        paths.settings_path.exists()
    )  # read only: the full load sets a corrupt file aside, not this
    paths.settings_path.write_text(json.dumps({"large_type": "maybe", "first_run_done": 2}))
    assert read_first_frame_settings(paths, {}) == FirstFrameSettings()
    assert read_first_frame_settings(paths, {"INTAKE_LARGE_TYPE": ""}) == FirstFrameSettings()
    paths.settings_path.unlink()
    assert read_first_frame_settings(paths, {}) == FirstFrameSettings()


BOOL_WORDS = ["1", "0", "true", "false", "yes", "no", "on", "off", "t", "f", "y", "n"]
words = st.sampled_from(BOOL_WORDS).flatmap(
    lambda w: st.sampled_from([w, w.upper(), w.title(), f" {w}", f"{w} ", w + "x"])
)
env_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=5
)
file_values = st.one_of(
    st.booleans(),
    st.integers(-2, 3),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 1.0, -0.0]),
    words,
    st.text(max_size=5),
    st.none(),
    st.lists(st.booleans(), max_size=2),
)
env_keys = {
    name: st.sampled_from([f"INTAKE_{name.upper()}", f"intake_{name}", f"Intake_{name.title()}"])
    for name in FIELDS
}


@st.composite
def file_contents(draw: st.DrawFn) -> bytes | None:
    shape = draw(st.sampled_from(["missing", "corrupt", "not a dict", "dict"]))
    if shape == "missing":
        return None
    if shape == "corrupt":
        return draw(st.binary(max_size=12))
    if shape == "not a dict":
        return json.dumps(draw(st.lists(st.integers(), max_size=2))).encode()
    data = {}
    for name in FIELDS:
        if draw(st.booleans()):
            data[name] = draw(file_values)
    # Values of other fields, good and bad, and a credential-like key: the full load repairs around them.
    if draw(st.booleans()):
        data["request_timeout_s"] = draw(st.sampled_from([5, -1, "x"]))
    if draw(st.booleans()):
        data["api_token"] = "secret"
    if draw(st.booleans()):
        data["schema_version"] = draw(st.sampled_from([0, 1, 2, 99]))
    return json.dumps(data).encode()


@st.composite
def environments(draw: st.DrawFn) -> dict[str, str]:
    env: dict[str, str] = {}
    for name in FIELDS:
        if draw(st.booleans()):
            env[draw(env_keys[name])] = draw(st.one_of(words, env_text))
    return env


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=file_contents(), env=environments())
def test_agrees_with_station_settings(
    paths: AppPaths, content: bytes | None, env: dict[str, str]
) -> None:
    """Whenever `StationSettings` accepts a file and an environment, the reader yields the same values for its
    fields; where it refuses a field's value (an INTAKE_* variable it cannot read), the reader yields that
    field's default, and it never raises."""
    path: Path = paths.settings_path
    path.unlink(missing_ok=True)
    if content is not None:
        path.write_bytes(content)
    with mock.patch.dict(os.environ, {**_no_intake_env(), **env}, clear=True):
        peek = read_first_frame_settings(
            paths
        )  # first, as at start-up: the full load may repair the file
        try:
            full = load_station_settings(paths)
        except (ValidationError, ValueError) as exc:
            refused = _refused_fields(exc)
            for name in refused & set(FIELDS):
                assert getattr(peek, name) == getattr(FirstFrameSettings(), name), name
            return
    assert asdict(peek) == {name: getattr(full, name) for name in FIELDS}


def _refused_fields(exc: Exception) -> set[str]:
    if isinstance(exc, ValidationError):
        return {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
    return set()
