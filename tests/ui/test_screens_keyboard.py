"""The clerk's keyboard, in-process: the lights stay, Tab reaches everything, Enter and Space press what has the
focus, every page and dialog has its own Alt+letters, and the focus lands where the page's words say.

Keys go through the application (QTest), so the app-wide scanner filter judges them as it judges a person's.
The same flows in a real window (X server, xdotool) are in tests/realwindow/test_screens_real_window.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from intake_gui.domain.verification import LightState
from intake_gui.ui.keyboard_check import mnemonic_clashes

pytestmark = pytest.mark.gui

TOMMY_CHONG = "3B4791"
CTRL = Qt.KeyboardModifier.ControlModifier


def tab_cycle(st, limit: int = 40) -> list[QWidget]:
    """Focus widgets met pressing Tab from the current one until it comes back round (or `limit` presses)."""
    start = st.focus()
    seen: list[QWidget] = []
    for _ in range(limit):
        st.key(Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is start:
            return seen
        seen.append(widget)
    raise AssertionError(f"Tab never came back to {start}: {[type(w).__name__ for w in seen]}")


def test_the_lights_stay_until_a_deliberate_new_receive(open_station, qtbot):
    st = open_station()
    st.to_products()
    wiz = st.wizard
    page = wiz.products_page
    assert st.focus() is page.title_edit, "Products opens in the title"
    st.type("Final assessment")
    for _ in range(2):
        st.scan(TOMMY_CHONG)
    assert page.title_edit.text() == "Final assessment"
    st.enter()  # Enter in the title: review
    st.wait_step("review")
    assert st.focus() is wiz.review_page.summary, "Review rests on the summary, not on Submit"
    with qtbot.waitSignal(wiz.verified, timeout=30_000):
        st.key(Qt.Key.Key_Return, CTRL)
    verify = wiz.verify_page
    assert st.focus() is verify.panel.summary
    assert not any(b.isDefault() or b.autoDefault() for b in verify.findChildren(QPushButton))

    # A second Ctrl+Enter, an Enter, a Space: still the lights.
    for key, mods in (
        (Qt.Key.Key_Return, CTRL),
        (Qt.Key.Key_Enter, CTRL),
        (Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier),
    ):
        QTest.keyClick(QApplication.focusWidget(), key, mods)
        qtbot.wait(50)
    assert wiz.flow.step.value == "verify"
    assert all(card.state is LightState.GREEN for card in verify.panel.cards.values())
    assert len(st.receives()) == 1
    assert "MST (store time)" in verify.panel.next_check.text(), verify.panel.next_check.text()

    # Tab to "New receive" and Enter there is deliberate: the next delivery, its filter words gone.
    wiz.vendor_page.picker.filter.setText("palo")
    verify.new_button.setFocus()
    st.enter()
    st.wait_step("vendor")
    assert wiz.vendor_page.picker.filter.text() == ""
    assert wiz.vendor_page.status.text().endswith("vendors."), wiz.vendor_page.status.text()
    st.type("palo")
    shown = len(wiz.vendor_page.picker.visible_data())
    total = len(wiz.vendor_page.vendors)
    assert wiz.vendor_page.status.text().startswith(f"{shown} of {total} vendors match “palo”")


def test_tab_reaches_every_control_and_enter_or_space_presses_it(open_station, qtbot):
    st = open_station()
    st.wait_ready()
    wiz = st.wizard
    # Location: Tab from the filter reaches the list and Next; Enter on Next chooses, as the page says.
    st.type("1989")
    seen = tab_cycle(st)
    assert wiz.location_page.picker.list in seen and wiz.next_button in seen
    wiz.next_button.setFocus()
    st.enter()
    st.wait_step("vendor")

    st.pick_vendor(39195)
    wiz.choose_room(st.room("Sales Floor"))
    st.wait_step("products")
    st.wait_session()
    page = wiz.products_page
    st.scan(TOMMY_CHONG)
    st.key(Qt.Key.Key_T, CTRL)
    seen = tab_cycle(st)
    for control in (
        page.import_button,
        page.blind_check,
        page.table,
        page.details_check,
        page.search,
        page.results,
        wiz.back_button,
        wiz.next_button,
    ):
        assert control in seen, f"Tab never reached {control}"
    assert seen.index(page.table) < seen.index(page.details_check), "Tab left the lines table"

    # Space and Enter on the focused Blind count check box; Space on Back.
    page.blind_check.setFocus()
    before = page.blind_check.isChecked()
    st.key(
        Qt.Key.Key_Space
    )  # a character: the scanner filter holds it a moment (it could start a scan)
    qtbot.waitUntil(lambda: page.blind_check.isChecked() is not before, timeout=2000)
    st.enter()
    qtbot.waitUntil(lambda: page.blind_check.isChecked() is before, timeout=2000)
    wiz.back_button.setFocus()
    st.key(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: wiz.flow.step.value == "room", timeout=2000)


def test_products_page_words_and_keys(open_station, qtbot):
    """Ctrl+Z in the title undoes the last scan; counts in words; the unknown-code gate clears when the code is
    dismissed; no matches says so; the save-code button names the SKU."""
    st = open_station()
    st.to_products()
    wiz = st.wizard
    page = wiz.products_page
    st.type("INV-7")
    st.scan(TOMMY_CHONG)
    assert page.totals.text().startswith("1 line · 1 unit · ")
    st.scan(TOMMY_CHONG)
    assert st.lines() == [(TOMMY_CHONG, "2")]
    assert st.focus() is page.title_edit
    st.key(Qt.Key.Key_Z, CTRL)
    assert st.lines() == [(TOMMY_CHONG, "1")] and page.title_edit.text() == "INV-7"

    st.scan("NOSUCHCODE42")
    assert "1 unknown code waiting" in page.totals.text()
    assert st.focus() is page.search
    wiz.go_next()
    assert page.status.text().startswith("Before review:") and "unknown" in page.status.text()
    st.type("zzqqxx")
    assert page.no_match.isVisibleTo(page) and "zzqqxx" in page.no_match.text()
    page.search.clear()
    st.type("Tommy")
    product = page.selected_product()
    assert product is not None and product.sku in page.map_button.text()
    st.key(Qt.Key.Key_D, CTRL)
    assert not page.status.isVisibleTo(page), "the gate's words went with the dismissed code"
    assert "unknown" not in page.totals.text()


def test_every_page_and_dialog_has_its_own_alt_letters(open_station, qtbot, tmp_path):
    from intake_gui.store.settings import StationSettings
    from intake_gui.ui.dialogs.about_dialog import AboutDialog
    from intake_gui.ui.dialogs.crash_dialog import CrashDialog
    from intake_gui.ui.dialogs.login_dialog import LoginDialog
    from intake_gui.ui.dialogs.settings_dialog import SettingsDialog
    from intake_gui.ui.dialogs.shortcuts_dialog import ShortcutsDialog
    from intake_gui.ui.dialogs.welcome_dialog import WelcomeDialog

    st = open_station()
    st.wait_ready()
    window, wiz = st.window, st.wizard
    clashes = {
        f"page {type(page).__name__}": mnemonic_clashes(window, page)
        for page in (*wiz.pages.values(), wiz.no_receive_page)
    }
    where = {"Data": Path(tmp_path)}
    for dialog in (
        WelcomeDialog("Receiving-1", where),
        SettingsDialog(StationSettings()),
        LoginDialog("", ""),
        ShortcutsDialog(),
        AboutDialog(where),
        CrashDialog("details", None),
    ):
        clashes[type(dialog).__name__] = mnemonic_clashes(dialog)
        dialog.deleteLater()
    history = window.open_history()
    clashes["History"] = mnemonic_clashes(history)
    count = window.open_count()
    clashes["Shelf count"] = mnemonic_clashes(count)
    history.close()
    count.close()
    assert {where: found for where, found in clashes.items() if found} == {}


def test_welcome_starts_on_start_and_enter_starts(qtbot):
    from intake_gui.ui.dialogs.welcome_dialog import WelcomeDialog

    dialog = WelcomeDialog("Receiving-1", {"Data": Path("/tmp")})
    qtbot.addWidget(dialog)
    calibrations: list[bool] = []
    dialog.calibrate_requested.connect(lambda: calibrations.append(True))
    dialog.show()
    dialog.activateWindow()
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.start_button
    assert dialog.start_button.isDefault() and not dialog.calibrate_button.autoDefault()
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        QTest.keyClick(dialog.start_button, Qt.Key.Key_Return)
    assert calibrations == [] and dialog.choice().use_sandbox


def test_escape_closes_history(open_station, qtbot):
    st = open_station()
    st.wait_ready()
    history = st.window.open_history()
    qtbot.waitExposed(history)
    history.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is history, timeout=5000)
    QTest.keyClick(QApplication.focusWidget() or history, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not history.isVisible(), timeout=2000)
