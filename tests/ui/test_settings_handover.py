"""The light start-up path: the first frame from plain values, then `StationSettings` from a worker.

`ui/app.run` builds the window with `first_frame=` (store/first_frame_settings.py, no pydantic); once the Location
page has painted, the window loads and validates the settings on a worker and takes them (`settings_ready`): the menu
entries that use them, the scanner, the decimal mark, and then `start` (the connection). Settings Intake refuses stop
the station as they did when `run` loaded them itself: the same error, now also said in the window.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from intake_gui.services.drivers import load_station_settings
from intake_gui.store.first_frame_settings import FirstFrameSettings, read_first_frame_settings
from intake_gui.store.paths import AppPaths, app_paths
from intake_gui.store.settings import StationSettings
from intake_gui.ui.main_window import MainWindow, StartOptions


class Refused(Exception):
    """What the test's context factory raises: the test only needs to see that `start` got that far."""


@pytest.fixture
def paths() -> AppPaths:
    return app_paths().ensure()


def _write(paths: AppPaths, **values: Any) -> None:
    paths.settings_path.write_text(json.dumps({"schema_version": 2, **values}))


def _light_window(qtbot: Any, paths: AppPaths, calls: list[dict[str, Any]]) -> MainWindow:
    def factory(**kwargs: Any) -> Any:
        calls.append(kwargs)
        raise Refused("no POS in this test")

    window = MainWindow(
        StartOptions(),
        paths=paths,
        first_frame=read_first_frame_settings(paths),
        context_factory=factory,
    )
    qtbot.addWidget(window)
    return window


def test_the_first_frame_comes_from_plain_values_and_the_settings_follow(
    qtbot: Any, paths: AppPaths
) -> None:
    _write(
        paths,
        first_run_done=True,
        large_type=True,
        station_name="Front counter",
        sound=False,
        scanner={"max_gap_ms": 40},
    )
    calls: list[dict[str, Any]] = []
    window = _light_window(qtbot, paths, calls)

    # The first frame: drawn from the plain values, nothing that needs StationSettings exists yet.
    assert window.first_frame == FirstFrameSettings(large_type=True, first_run_done=True)
    assert not window.settings_loaded
    assert window.large_type_action.isChecked()
    assert window.wizard.location_page.status.text() == "Connecting to the POS…"
    assert window.wizard.scanner is None
    assert not any(action.isEnabled() for action in window.settings_actions)

    failed: list[object] = []
    window.context_failed.connect(failed.append)
    with qtbot.waitSignal(window.settings_ready, timeout=20_000) as ready:
        window.show()
        window.start()  # as `run` does once the window is shown: carried out when the settings arrive
    settings = ready.args[0]
    assert settings == load_station_settings(paths)
    assert window.settings is settings and window.wizard.settings is settings
    assert window.settings_loaded
    usable = [
        a for a in window.settings_actions if a is not window.sign_in_action
    ]  # no tenant: no sign-in
    assert all(action.isEnabled() for action in usable)
    assert window.wizard.scanner is not None
    assert window.wizard.scanner.settings.max_gap_ms == 40

    # `start` went on with those settings: the connection was asked for.
    qtbot.waitUntil(lambda: bool(failed), timeout=20_000)
    assert calls and calls[0]["settings"].station_name == "Front counter"


def test_a_bad_settings_file_at_start_up_is_repaired_as_before(qtbot: Any, paths: AppPaths) -> None:
    """A file with invalid values: the first frame uses the defaults for them, and the full load repairs the file
    as `load_station_settings` always has (defaults for those values, the original kept as settings.json.bad)."""
    _write(paths, first_run_done=True, large_type="maybe", request_timeout_s=-5)
    window = _light_window(qtbot, paths, [])
    assert window.first_frame.large_type is False
    with qtbot.waitSignal(window.settings_ready, timeout=20_000) as ready:
        window.show()
    settings = ready.args[0]
    assert settings.large_type is False
    assert settings.request_timeout_s == StationSettings.model_fields["request_timeout_s"].default
    assert settings.first_run_done is True
    assert paths.settings_path.with_name("settings.json.bad").exists()
    assert window.settings_error is None


def test_settings_refused_at_start_up_stop_the_station_in_the_same_words(
    qtbot: Any, paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An INTAKE_* variable StationSettings refuses: nothing connects, and the window says what
    `load_station_settings` raises (the message `run` used to die with before a window existed)."""
    _write(paths, first_run_done=True)
    monkeypatch.setenv("INTAKE_REQUEST_TIMEOUT_S", "-1")
    with pytest.raises(ValidationError) as expected:
        load_station_settings(paths)
    calls: list[dict[str, Any]] = []
    window = _light_window(qtbot, paths, calls)
    with qtbot.waitSignal(window.settings_failed, timeout=20_000) as failed:
        window.show()
        window.start()
    error = failed.args[0]
    assert isinstance(error, ValidationError)
    assert str(error) == str(expected.value)
    assert window.settings_error is error
    box = window.settings_error_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert str(error) in box.text()
    assert "not valid" in window.wizard.location_page.status.text()
    assert not window.settings_loaded
    assert not any(action.isEnabled() for action in window.settings_actions)
    box.done(0)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)
    assert calls == []  # never connected


def test_run_raises_refused_settings_once_the_window_is_closed(
    qtbot: Any, paths: AppPaths, monkeypatch: pytest.MonkeyPatch, restore_logging: Any
) -> None:
    """`ui/app.run` ends as it did when it loaded the settings itself: with the error, for the log and stderr."""
    from intake_gui.ui import app as ui_app

    _write(paths, first_run_done=True)
    monkeypatch.setenv("INTAKE_REQUEST_TIMEOUT_S", "0")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    style = app.styleSheet()

    def close_the_box() -> None:
        for widget in QApplication.topLevelWidgets():
            if (
                isinstance(widget, QMessageBox)
                and widget.objectName() == "settings_error"
                and widget.isVisible()
            ):
                widget.done(0)

    poll = QTimer()
    poll.timeout.connect(close_the_box)
    poll.start(50)
    QTimer.singleShot(30_000, app.quit)  # a safety net: the test fails below rather than hang
    try:
        with pytest.raises(ValidationError, match="request_timeout_s"):
            ui_app.run(StartOptions())
    finally:
        poll.stop()
        app.setStyleSheet(style)
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow):
                widget.deleteLater()


def test_a_window_given_settings_has_them_at_once(qtbot: Any) -> None:
    """The many tests (and tools) that build the window with full settings get it whole, as before."""
    settings = StationSettings(first_run_done=True, sound=False, large_type=True)
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    assert window.settings_loaded and window.settings is settings
    assert window.first_frame == FirstFrameSettings(large_type=True, first_run_done=True)
    assert all(
        action.isEnabled()
        for action in window.settings_actions
        if action is not window.sign_in_action
    )
    assert window.wizard.scanner is not None


def test_a_first_run_waits_for_the_settings_then_welcomes(qtbot: Any, paths: AppPaths) -> None:
    """No settings file: the first frame does not claim to be connecting (the welcome comes first), and the
    welcome opens once the settings have arrived, with no connection attempted before it is answered."""
    calls: list[dict[str, Any]] = []
    window = _light_window(qtbot, paths, calls)
    assert window.first_frame == FirstFrameSettings()
    assert window.wizard.location_page.status.text() == ""
    with qtbot.waitSignal(window.settings_ready, timeout=20_000):
        window.show()
        window.start()
    qtbot.waitUntil(lambda: getattr(window, "welcome_dialog", None) is not None, timeout=5_000)
    assert window.welcome_dialog.isVisible()
    assert calls == []
    window.welcome_dialog.reject()
