"""The first frame stays light by design, checked by what exists, not by a clock (the clock is bench_startup.py).

A fresh interpreter builds and shows the real main window exactly as `ui/app.run` does up to its first frame
and reports which modules were imported and which wizard pages were built. Everything listed in NOT_BEFORE_FIRST_FRAME
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
import json, sys
import time
from PySide6.QtCore import QEvent, QObject
from intake_gui.ui.app import create_application
from intake_gui.ui.main_window import MainWindow, StartOptions
from intake_gui.services.drivers import load_station_settings
from intake_gui.store.paths import app_paths

app = create_application()
paths = app_paths().ensure()
window = MainWindow(StartOptions(), paths=paths, settings=load_station_settings(paths))
seen = {}

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not seen:
            seen.update(
                modules=sorted(sys.modules),
                pages=sorted(str(key) for key in window.wizard.built_pages()),
                shown=window.wizard.stack.currentWidget() is window.wizard.location_page,
            )
        return False

first_paint = FirstPaint()
window.wizard.location_page.installEventFilter(first_paint)
window.show_on_screen()
deadline = time.monotonic() + 60
while not seen and time.monotonic() < deadline:
    app.processEvents()
print(json.dumps(seen))
"""


def first_frame(home: Path) -> dict[str, object]:
    env = {**os.environ, "INTAKE_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
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
