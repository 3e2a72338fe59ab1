"""The windows the main window owns: Shelf count for every POS kind (one scanner at a time), History from the
menu and from `--history` (replaced with the context on a reconnect), and the catalog schedule's failure alert."""

from __future__ import annotations

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTableWidget

from intake_gui.sandbox import SandboxConfig
from intake_gui.sandbox.config import FaultRule
from intake_gui.ui.count_window import CountWindow
from intake_gui.ui.dialogs.shortcuts_dialog import ShortcutsDialog
from intake_gui.ui.main_window import StartOptions

pytestmark = pytest.mark.gui

WAIT = 30_000
TOMMY_CHONG = "3B4791"
POS_NAMES = {"dutchie": "Dutchie", "blaze": "BLAZE", "indica": "IndicaOnline"}


@pytest.mark.parametrize("kind", ["dutchie", "blaze", "indica"])
def test_shelf_count_opens_from_the_main_window_for_each_pos(open_desk, qtbot, kind):
    desk = open_desk(kind)
    desk.wait_connected()
    window = desk.window
    assert f"emulating {POS_NAMES[kind]}" in window.banner.text()
    with qtbot.waitSignal(window.count_opened, timeout=WAIT) as opened:
        window.count_action.trigger()
    count = opened.args[0]
    assert isinstance(count, CountWindow) and count.isVisible()
    assert count.ctx is desk.ctx, "the count window works on the station's own connection"
    qtbot.waitUntil(lambda: bool(count.rooms), timeout=WAIT)
    assert count.locations and count.start_button.isEnabled()
    with qtbot.waitSignal(window.count_opened, timeout=WAIT) as again:
        window.count_action.trigger()
    assert again.args[0] is count, "an open count window is reused, not doubled"


def test_the_count_shortcut_is_listed_with_the_others(open_desk, qtbot):
    desk = open_desk("dutchie")
    desk.wait_connected()
    assert desk.window.count_action.shortcut().toString() == "Ctrl+Shift+C"
    dialog = ShortcutsDialog(desk.window)
    qtbot.addWidget(dialog)
    table = dialog.findChild(QTableWidget)
    rows = {
        (table.item(r, 1).text(), table.item(r, 2).text().split(" (")[0])
        for r in range(table.rowCount())
    }
    assert ("Ctrl+Shift+C", "Shelf count") in rows
    assert ("Alt+M", "Move stock received into a non-sales room to a sales room") in rows


def test_a_scan_is_counted_once_by_the_window_the_clerk_is_looking_at(open_desk, qtbot, key_burst):
    desk = open_desk("dutchie")
    desk.to_products(loc_id=1989, vendor_id=39195, room="Sales Floor")
    window, wiz = desk.window, desk.wizard
    with qtbot.waitSignal(window.count_opened, timeout=WAIT) as opened:
        window.count_action.trigger()
    count = opened.args[0]
    qtbot.waitUntil(lambda: bool(count.rooms), timeout=WAIT)
    desk.activate(count)
    qtbot.waitUntil(lambda: count.scanner.enabled and not wiz.scanner.enabled, timeout=WAIT)
    assert count.set_room(next(r.room_id for r in count.rooms if r.name == "Sales Floor"))
    with qtbot.waitSignal(count.stock_loaded, timeout=WAIT):
        count.start_count()

    with qtbot.waitSignal(count.scan_handled, timeout=WAIT):
        key_burst(count.scan_edit, TOMMY_CHONG)
    assert [(ln.sku, ln.quantity) for ln in count.session.lines] == [(TOMMY_CHONG, 1)]
    assert desk.lines() == [], "the wizard's filter stood aside: the scan was not counted twice"
    assert count.scan_edit.text() == ""

    # A person typing in the count window: the keys the count filter holds and hands back reach the box
    # once, without a second filter holding them again.
    count.scan_edit.setFocus()
    QTest.keyClicks(count.scan_edit, "3b47")
    qtbot.waitUntil(lambda: count.scanner.holding == 0 and wiz.scanner.holding == 0, timeout=WAIT)
    assert count.scan_edit.text() == "3b47"
    count.scan_edit.clear()

    desk.activate(window)
    qtbot.waitUntil(lambda: wiz.scanner.enabled and not count.scanner.enabled, timeout=WAIT)
    with qtbot.waitSignal(wiz.products_page.scan_handled, timeout=WAIT):
        key_burst(QApplication.focusWidget() or window, TOMMY_CHONG)
    assert desk.lines() == [(TOMMY_CHONG, "1")]
    assert [(ln.sku, ln.quantity) for ln in count.session.lines] == [(TOMMY_CHONG, 1)]


def test_history_opens_from_the_menu_and_is_replaced_when_the_station_switches_pos(
    open_desk, qtbot
):
    desk = open_desk("dutchie")
    desk.wait_ready()
    window = desk.window
    with qtbot.waitSignal(window.history_opened, timeout=WAIT) as opened:
        window.history_action.trigger()
    first = opened.args[0]
    assert first.isVisible() and first.scheduler is window.scheduler
    assert first.ctx is desk.ctx
    qtbot.waitUntil(lambda: bool(first.locations), timeout=WAIT)

    # Settings: the station chooses BLAZE; the context reopens and History comes back on the new one.
    window.open_settings()
    dialog = window.settings_dialog
    dialog.pos_kind.setCurrentIndex(dialog.pos_kind.findData("blaze"))
    with qtbot.waitSignal(window.history_opened, timeout=WAIT) as reopened:
        dialog._accept()
    second = reopened.args[0]
    assert second is not first and second.isVisible()
    assert first._closed, "the old window was shut down with its context"
    assert second.ctx is window.services.ctx and second.ctx.pos_kind == "blaze"
    assert second.scheduler is window.scheduler
    assert "emulating BLAZE" in window.banner.text()
    assert window.settings.pos_kind == "blaze"
    qtbot.waitUntil(lambda: bool(second.locations), timeout=WAIT)
    desk.wait_ready()


def test_the_history_flag_opens_history_at_start(open_desk, qtbot, monkeypatch):
    import intake_gui.ui.app as app_module
    from intake_gui.__main__ import main

    started: list[StartOptions] = []
    monkeypatch.setattr(app_module, "run", lambda options: started.append(options) or 0)
    assert main(["--history", "--sandbox"]) == 0
    assert started == [StartOptions(open_history=True, force_sandbox=True)]

    desk = open_desk("dutchie", options=started[0])
    qtbot.waitUntil(
        lambda: desk.window.history_window is not None and desk.window.history_window.isVisible(),
        timeout=WAIT,
    )
    history = desk.window.history_window
    qtbot.waitUntil(lambda: bool(history.locations), timeout=WAIT)
    desk.wait_ready()


def test_a_failing_catalog_sync_is_shown_in_the_status_bar_until_a_sync_succeeds(open_desk, qtbot):
    failing = FaultRule(endpoint="product-master/get-products-lite", kind="not_permitted", times=-1)
    desk = open_desk(
        sandbox_config=SandboxConfig(product_count=3000, rate_limit_per_minute=0, faults=[failing])
    )
    desk.wait_ready()
    window, wiz = desk.window, desk.wizard
    desk.pick_location(1989)
    qtbot.waitUntil(lambda: window.sync_alert.isVisible(), timeout=WAIT)
    alert = window.sync_alert.text()
    assert alert.startswith("⚠ Catalog sync failing:") and "permitted" in alert
    assert wiz.catalog is None
    assert "could not be loaded" in wiz.products_page.catalog_text.text()

    with qtbot.waitSignal(window.sync_status_opened, timeout=WAIT) as opened:
        window.sync_status_action.trigger()
    dashboard = opened.args[0]
    qtbot.waitSignal(dashboard.status_loaded, timeout=WAIT).wait()
    assert dashboard.alert.isVisible() and "failing" in dashboard.alert.text()

    desk.ctx.sandbox.admin.clear_faults()
    with qtbot.waitSignal(wiz.catalog_ready, timeout=WAIT) as ready:
        window.sync_action.trigger()
    snapshot = ready.args[0]
    assert not snapshot.from_cache and len(snapshot.products) == 3000
    assert wiz.catalog is snapshot and not window.sync_alert.isVisible()
    assert window.scheduler.consecutive_failures == 0
    qtbot.waitUntil(lambda: not dashboard.alert.isVisible(), timeout=WAIT)
