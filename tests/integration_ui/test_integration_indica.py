"""IndicaOnline has no receive API: the station says so on its first screen, offers Shelf count, and never lets a
clerk build a draft that could not be sent."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from intake_gui.domain.models import Location
from intake_gui.pos.indica.connector import RECEIVE_HINT

pytestmark = pytest.mark.gui

WAIT = 30_000


def test_indica_explains_there_is_no_receive_and_offers_shelf_count(open_desk, qtbot, key_burst):
    desk = open_desk("indica")
    desk.wait_connected()
    window, wiz = desk.window, desk.wizard
    page = wiz.no_receive_page

    assert not wiz.can_receive
    assert wiz.stack.currentWidget() is page and page.isVisible()
    assert page.heading.text() == "IndicaOnline has no receive API"
    assert page.summary.text().startswith(
        "This POS has no receive API — use Shelf count, or receive in IndicaOnline's own screen."
    )
    assert page.detail.text() == RECEIVE_HINT
    assert not wiz.steps.isVisible() and not wiz.next_button.isVisible()
    assert not wiz.back_button.isVisible()
    assert "IndicaOnline" in window.banner.text() and window.banner.isVisible()
    for action in (window.new_action, window.import_action, window.sync_action):
        assert not action.isEnabled(), action.text()
    assert window.count_action.isEnabled()
    assert window.catalog_label.text() == "Catalog: read by Shelf count only"

    # Nothing can start a draft: not a location pick, not a scan, not "new receive".
    office = Location(loc_id=101, name="GreenLeaf Los Angeles", lsp_id=0)
    wiz.choose_location(office)
    assert wiz.flow.location is None and wiz.current_draft() is None
    with qtbot.waitSignal(wiz.status_message, timeout=WAIT) as said:
        key_burst(page.count_button, "IO0000123")
    assert said.args[0].startswith("Scan not counted: this POS cannot receive")
    assert wiz.products_page.session is None
    wiz.request_new_receive()
    assert wiz.stack.currentWidget() is page

    # The way on: Shelf count, from the page's own button (it has the focus: Enter presses it).
    assert page.count_button.hasFocus()
    with qtbot.waitSignal(window.count_opened, timeout=WAIT) as opened:
        qtbot.keyClick(page.count_button, Qt.Key.Key_Return)
    count = opened.args[0]
    qtbot.waitUntil(lambda: bool(count.rooms), timeout=WAIT)
    assert "GreenLeaf" in count.location_combo.currentText()
    desk.ctx.writer.flush()
    assert desk.ctx.journal.open_drafts(include_failed=True) == []
