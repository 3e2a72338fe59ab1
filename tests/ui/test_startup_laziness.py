"""The first frame stays light by design, checked by what exists, not by a clock (the clock is bench_startup.py).

A fresh interpreter starts the station through `ui/app.run` itself (the light settings path: the first frame is
drawn from `store/first_frame_settings.py`'s plain values, `StationSettings` loads on a worker afterwards) and, at the
Location page's first paint, reports which modules were imported, which wizard pages were built and what the page
says. Everything listed in NOT_BEFORE_FIRST_FRAME
is loaded later, on a worker or on first use; if one of them creeps back into the window's imports this fails
and names the module, which `python -X importtime` then traces to the import that brought it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit

from intake_gui.domain.wizard_flow import STEP_ORDER, Step
from intake_gui.store.settings import StationSettings
from intake_gui.ui.wizard import NO_RECEIVE, ReceiveWizard

NOT_BEFORE_FIRST_FRAME = (
    "pydantic",  # ~300 ms: the settings, the domain models and every explanation are pydantic models
    "pydantic_core",
    "pydantic_settings",
    "asyncio",  # pulled in by pydantic-settings
    "intake_gui.store.settings",  # StationSettings: loaded and validated on a worker (`settings_ready`)
    "intake_gui.services.drivers",  # loads the settings (and imports them)
    "intake_gui.domain.models",
    "intake_gui.domain.explanation",
    "intake_gui.domain.wizard_block",
    "intake_gui.domain.lifecycle",  # the re-check schedule is read when the session is made
    "intake_gui.domain.input_refusals",
    "intake_gui.ui.scanner_filter",  # made with the settings (its thresholds are theirs)
    "keyring",  # secrets are read by the context's worker
    "httpx",  # POS and sandbox clients: the worker
    "intake_gui.sandbox",  # the embedded sandbox starts on the worker
    "intake_gui.services.context",
    "intake_gui.services.receive_session",  # made on attach; the worker imports it
    "intake_gui.store.journal",
    "intake_gui.domain.diagnosis",  # the rule tables: the flow holds only `domain.explanation`'s types
    "intake_gui.domain.verification",
    "intake_gui.ui.wizard_submit",
    "intake_gui.ui.pages.vendor_page",
    "intake_gui.ui.pages.products_page",
    "intake_gui.ui.pages.review_page",
    "intake_gui.ui.pages.verify_page",
    "intake_gui.ui.verification_panel",
    "intake_gui.ui.history_window",  # History, counting, calibration, sounds: on first use
    "intake_gui.ui.count_window",
    "intake_gui.ui.dialogs.calibration_dialog",
    "intake_gui.ui.dialogs.login_dialog",
    "intake_gui.ui.dialogs.resume_dialog",
    "intake_gui.ui.sounds",
    "PySide6.QtMultimedia",
)

FIRST_FRAME = """
import json, os, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from intake_gui.ui import app as ui_app
from intake_gui.ui.main_window import MainWindow, StartOptions

class FirstPaint(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            wizard = self.window.wizard
            print(json.dumps(dict(
                modules=sorted(sys.modules),
                pages=sorted(str(key) for key in wizard.built_pages()),
                shown=wizard.stack.currentWidget() is wizard.location_page,
                status=wizard.location_page.status.text(),
                settings_loaded=self.window.settings_loaded,
            )), flush=True)
            os._exit(0)  # the first frame is what was asked about; the settings worker may be starting
        return False

show = MainWindow.show_on_screen

def watched_show(window):
    # The only addition to `run`: watch the Location page's paints from just before the window is shown.
    window.wizard.location_page.installEventFilter(FirstPaint(window))
    show(window)

MainWindow.show_on_screen = watched_show
ui_app.create_application()
QTimer.singleShot(60_000, lambda: os._exit(3))
ui_app.run(StartOptions())
"""


def first_frame(home: Path) -> dict[str, object]:
    """`home` as a station that has been set up before (the first run shows the welcome instead)."""
    settings_file = home / "config" / "settings.json"  # store/paths.py: INTAKE_HOME's layout
    settings_file.parent.mkdir(parents=True, exist_ok=True)
    settings_file.write_text(json.dumps({"schema_version": 2, "first_run_done": True}))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")},
        "INTAKE_HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
    }
    out = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_first_frame_imports_none_of_what_comes_later(tmp_path: Path) -> None:
    seen = first_frame(tmp_path / "home")
    modules = set(seen["modules"])  # type: ignore[arg-type]
    loaded = [
        name
        for name in NOT_BEFORE_FIRST_FRAME
        if name in modules or any(m.startswith(name + ".") for m in modules)
    ]
    assert loaded == [], f"imported before the first frame: {loaded}"
    assert seen["pages"] == [str(Step.LOCATION)], "pages built before the first frame"
    assert seen["shown"] is True
    assert seen["status"] == "Connecting to the POS…"  # the page shows its state on that frame
    assert (
        seen["settings_loaded"] is False
    )  # drawn from the plain values; StationSettings comes after


def test_pages_are_built_when_first_touched_and_wired(qtbot) -> None:
    wizard = ReceiveWizard(StationSettings(), install_scanner=False)
    qtbot.addWidget(wizard)
    assert wizard.built_pages() == {Step.LOCATION}
    assert wizard.stack.currentWidget() is wizard.location_page
    assert wizard._session is None  # the first frame made no session either

    vendor = wizard.vendor_page
    assert wizard.vendor_page is vendor  # built once
    assert wizard.stack.indexOf(vendor) >= 0
    assert wizard.built_pages() == {Step.LOCATION, Step.VENDOR}
    with qtbot.waitSignal(wizard.step_changed) as changed:
        vendor.change_location.emit()  # wired to the wizard at construction
    assert changed.args == [Step.LOCATION.value]

    # Navigation reads pages through the mapping; looking one up builds it.
    assert list(wizard.pages) == list(STEP_ORDER)
    assert wizard.pages[Step.REVIEW] is wizard.review_page
    assert Step.REVIEW in wizard.built_pages()
    assert NO_RECEIVE not in wizard.built_pages()


def test_resets_and_shutdown_do_not_build_pages(qtbot) -> None:
    wizard = ReceiveWizard(StationSettings(), install_scanner=False)
    qtbot.addWidget(wizard)
    wizard.apply_settings(StationSettings(sound=False))
    wizard.detach()
    assert wizard.current_draft() is None
    wizard.shutdown()
    assert wizard.built_pages() == {Step.LOCATION}


def test_the_other_pages_are_built_ahead_one_per_idle_turn(qtbot) -> None:
    """The clerk's next steps exist before the clerk gets there, so no keypress waits for a page to be built;
    and they are built one per turn of the event loop, so no input waits for more than one. (`attach` starts
    this once the context is open; here it is started directly, the wizard has no context.)"""
    wizard = ReceiveWizard(StationSettings(), install_scanner=False)
    qtbot.addWidget(wizard)
    assert wizard.built_pages() == {Step.LOCATION}
    counts: list[int] = []
    original = wizard.pages.build_ahead

    def counting() -> None:
        before = len(wizard.built_pages())
        original()
        counts.append(len(wizard.built_pages()) - before)

    wizard.pages.build_ahead = counting  # type: ignore[method-assign]
    wizard.show()
    wizard.pages.build_ahead()
    qtbot.waitUntil(lambda: wizard.built_pages() == {*STEP_ORDER}, timeout=20_000)
    assert max(counts) == 1, counts
    assert NO_RECEIVE not in wizard.built_pages()  # only a POS that cannot receive needs it
    assert wizard.stack.currentWidget() is wizard.location_page


def test_a_page_built_while_the_window_is_up_leaves_the_clerks_focus_alone(qtbot) -> None:
    """Building a page must not show any part of it as a window of its own (a parentless widget made visible
    does), which would take the focus window from the station and leave no widget focused."""
    wizard = ReceiveWizard(StationSettings(), install_scanner=False)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitActive(wizard)
    field = (
        QLineEdit()
    )  # a field on screen with the focus (the location list is disabled until it loads)
    wizard.layout().addWidget(field)
    field.show()
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    focused = field
    for step in STEP_ORDER[1:]:
        wizard.pages.page(step)
        qtbot.wait(10)
        assert QApplication.focusWidget() is focused, f"building {step} took the focus"
        assert QGuiApplication.focusWindow() is wizard.windowHandle()
