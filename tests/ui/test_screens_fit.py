"""Every page, the main dialogs, the mastery diagnosis and History on the screens stations have: nothing cut off.

In-process (pytest-qt, offscreen), against the embedded sandbox, with `ui/layout_check.find_clipped` walking the
widget tree: at 1366×768 and 1280×720 (the latter is also 1920×1080 at 150 %) in the roomy density, at 1024×600
in the compact one, each state of the wizard is checked for text that does not fit its widget, widgets reaching
past their parent, a window that cannot shrink to the screen, and a status bar outside the window. One walk of
the wizard serves all three sizes (the window is resized at each state), which keeps the test quick.
The real window (Xvfb) is checked the same way by tests/realwindow/test_screens_real_window.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from intake_gui.ui.layout_check import describe, find_clipped
from intake_gui.ui.theme import COMPACT_BELOW_HEIGHT, apply_theme

pytestmark = pytest.mark.gui

TOMMY_CHONG = "3B4791"
SIZES = ((1366, 768), (1280, 720), (1024, 600))


@pytest.fixture
def screens(qapp: QApplication) -> Iterator[list[str]]:
    """Problems found, gathered over the whole walk; the theme put back afterwards for the next tests."""
    problems: list[str] = []
    yield problems
    apply_theme(qapp)


def settle(qapp: QApplication) -> None:
    for _ in range(4):
        qapp.processEvents()


def check_window(qapp: QApplication, window: QWidget, what: str, problems: list[str]) -> None:
    """`window` at each station size (a main window is given the whole screen, as it is maximised there)."""
    for width, height in SIZES:
        apply_theme(qapp, compact=height < COMPACT_BELOW_HEIGHT)
        window.resize(width, height)
        settle(qapp)
        where = f"{what} at {width}×{height}"
        if window.width() > width or window.height() > height:
            hint = window.minimumSizeHint()
            problems.append(
                f"{where}: the window stays {window.width()}×{window.height()} (its minimum: {hint.width()}×"
                f"{hint.height()})"
            )
        bar = getattr(window, "statusBar", None)
        if callable(bar) and not QRect(0, 0, width, height).contains(bar().geometry()):
            problems.append(f"{where}: the status bar is outside the window: {bar().geometry()}")
        clips = find_clipped(window)
        if clips:
            problems.append(f"{where}:\n{describe(clips)}")


def check_dialog(qapp: QApplication, dialog: QDialog, what: str, problems: list[str]) -> None:
    """A dialog as it opens (its own size), in both densities: on the screen, nothing cut."""
    for compact, height in ((False, 768), (True, 600)):
        apply_theme(qapp, compact=compact)
        dialog.show()
        settle(qapp)
        where = f"{what} ({'compact' if compact else 'roomy'})"
        if dialog.height() > height or dialog.width() > 1024:
            problems.append(f"{where}: {dialog.width()}×{dialog.height()} does not fit the screen")
        clips = find_clipped(dialog)
        if clips:
            problems.append(f"{where}:\n{describe(clips)}")
    dialog.close()


def test_every_page_and_the_mastery_diagnosis_fit_at_station_sizes(
    open_station, qapp, qtbot, screens
):
    from intake_gui.domain.wizard_flow import Step

    st = open_station()
    wiz, window = st.wizard, st.window
    st.wait_ready()
    wiz.location_page.picker.filter.setText("az")
    check_window(qapp, window, "Location", screens)

    st.pick_location(1989)
    qtbot.waitUntil(lambda: bool(wiz.vendor_page.vendors), timeout=20_000)
    wiz.vendor_page.picker.filter.setText("pal")
    check_window(qapp, window, "Vendor", screens)

    vendor = st.pick_vendor(39195)
    vault = st.room("Vault")
    check_window(qapp, window, "Room", screens)
    wiz.choose_room(vault)
    check_window(qapp, window, "Room, not sellable", screens)
    wiz.room_page.cancel_confirmation()
    wiz.choose_room(st.room("Sales Floor"))
    st.wait_step("products")
    st.wait_session()

    page = wiz.products_page
    for _ in range(3):
        st.scan(TOMMY_CHONG)
    second = next(p for p in page.index.products if p.is_cannabis and p.sku != TOMMY_CHONG)
    page.session.add_product(second, Decimal(2))
    check_window(qapp, window, "Products", screens)
    st.scan("NOSUCHCODE42")
    page.search.setText(second.name.split()[0])
    check_window(qapp, window, "Products, unknown code", screens)
    page.search.setText("zzqqxx")
    assert (
        page.no_match.isVisibleTo(page) and "Nothing in the catalog matches" in page.no_match.text()
    )
    check_window(qapp, window, "Products, no match", screens)
    page.dismiss_unknown()
    page.search.clear()

    wiz.go_next()
    st.wait_step("review")
    check_window(qapp, window, "Review", screens)
    with qtbot.waitSignal(wiz.verified, timeout=30_000):
        wiz.submit()
    check_window(qapp, window, "Verify, all green", screens)

    wiz.new_receive()
    st.wait_step("vendor")
    wiz.choose_vendor(vendor)
    st.wait_step("room")
    wiz.choose_room(vault)
    wiz.confirm_room(vault)
    st.wait_step("products")
    st.wait_session()
    st.scan(TOMMY_CHONG)
    wiz.go_next()
    st.wait_step("review")
    with qtbot.waitSignal(wiz.verified, timeout=30_000) as blocker:
        wiz.submit()
    assert blocker.args[0].by_kind("sellable").state.value == "red"
    check_window(qapp, window, "Verify, the mastery diagnosis", screens)

    wiz.new_receive()
    wiz.go_to(Step.LOCATION)
    st.pick_location(2862)
    qtbot.waitUntil(lambda: bool(wiz.vendor_page.vendors), timeout=20_000)
    wiz.choose_vendor(wiz.vendor_page.vendors[0])
    qtbot.waitUntil(lambda: wiz.room_page.blocked, timeout=20_000)
    check_window(qapp, window, "Room, no rooms", screens)

    wiz.no_receive_page.show_for(
        "IndicaOnline", "Check deliveries in in IndicaOnline's own screens."
    )
    wiz.stack.setCurrentWidget(wiz.no_receive_page)
    check_window(qapp, window, "No receive API", screens)

    loads: list[Any] = []
    history = window.open_history()
    history.loaded.connect(loads.append)
    qtbot.waitUntil(lambda: bool(loads), timeout=30_000)
    check_window(qapp, history, "History", screens)
    history.close()
    assert not screens, "\n\n".join(screens)


def test_the_main_dialogs_fit_and_cut_nothing(qapp, screens, tmp_path):
    from intake_gui.store.settings import StationSettings
    from intake_gui.ui.dialogs.about_dialog import AboutDialog
    from intake_gui.ui.dialogs.crash_dialog import CrashDialog
    from intake_gui.ui.dialogs.login_dialog import LoginDialog
    from intake_gui.ui.dialogs.settings_dialog import SettingsDialog
    from intake_gui.ui.dialogs.shortcuts_dialog import ShortcutsDialog
    from intake_gui.ui.dialogs.welcome_dialog import WelcomeDialog

    where: dict[str, Any] = {
        name: tmp_path
        / "a-station's-rather-long-user-folder"
        / "AppData"
        / "Local"
        / "Intake"
        / name
        for name in ("Data", "Logs", "Settings", "Catalog cache")
    }
    for dialog in (
        WelcomeDialog("Receiving-1", where),
        SettingsDialog(StationSettings()),
        LoginDialog("https://tenant.backoffice.dutchie.com/api/", "ana"),
        ShortcutsDialog(),
        AboutDialog(where, pos_text="the built-in sandbox, emulating Dutchie"),
        CrashDialog("Traceback (most recent call last):\n  ...\nRuntimeError: boom", None),
    ):
        check_dialog(qapp, dialog, type(dialog).__name__, screens)
        dialog.deleteLater()
    assert not screens, "\n\n".join(screens)
