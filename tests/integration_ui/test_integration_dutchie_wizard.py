"""The Dutchie wizard's new ways on: the move button after a Vault receive (manual steps, Dutchie has no move API),
an empty vendor list that explains itself, and a learned barcode saved through the receiving service."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from intake_gui.domain.verification import LightKind, LightState
from intake_gui.pos.dutchie.connector import MOVE_HINT
from intake_gui.ui.app_services import AppServices
from intake_gui.ui.move_dialog import MoveDialog

pytestmark = pytest.mark.gui

WAIT = 30_000
TOMMY_CHONG = "3B4791"


def test_a_vault_receive_offers_the_move_with_dutchies_manual_steps(open_desk, qtbot):
    desk = open_desk("dutchie")
    desk.to_products(loc_id=1989, vendor_id=39195, room="Vault")
    wiz = desk.wizard
    for _ in range(3):
        wiz.handle_scan(TOMMY_CHONG)
    report = desk.submit_and_verify("Vault delivery")
    assert report.by_kind(LightKind.SELLABLE).state is LightState.RED
    page = wiz.verify_page
    assert page.move_offered and "how to move it in the POS" in page.move_button.toolTip()

    with qtbot.waitSignal(wiz.move_offered, timeout=WAIT) as offered:
        qtbot.keyClick(page, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    dialog = offered.args[0]
    qtbot.waitUntil(lambda: dialog.offer is not None, timeout=WAIT)
    assert not dialog.offer.supported
    text = dialog.instructions.text()
    assert dialog.instructions.isVisible() and text.startswith(MOVE_HINT)
    assert "Move from Vault to Sales Floor:" in text and TOMMY_CHONG in text
    assert not dialog.create_button.isVisible()

    # A re-check asks the question again; it never stacks a second dialog.
    with qtbot.waitSignal(wiz.verified, timeout=WAIT):
        page.panel.request_check()
    assert page.move_offered
    assert wiz.open_move() is dialog
    assert [d for d in wiz.findChildren(MoveDialog) if d.isVisible()] == [dialog]
    dialog.close()


def test_an_empty_vendor_list_explains_itself_and_offers_the_ways_on(open_desk, qtbot):
    asked: list[int] = []

    def first_read_empty(ctx: Any) -> AppServices:
        services = AppServices.from_context(ctx)
        real = services.setup.vendors

        def vendors(location: Any) -> list[Any]:
            asked.append(location.loc_id)
            return [] if len(asked) == 1 else real(location)

        services.setup.vendors = vendors  # type: ignore[method-assign]
        return services

    desk = open_desk("dutchie", services_factory=first_read_empty)
    desk.wait_ready()
    wiz = desk.wizard
    page = wiz.vendor_page
    desk.pick_location(1989)
    qtbot.waitUntil(lambda: page.empty, timeout=WAIT)
    assert page.empty_headline.text() == "✖  Dutchie lists no vendors for AZ Sandbox — Phoenix."
    assert "press F5" in page.empty_text.text() and "Alt+L" in page.empty_text.text()
    assert not page.picker.isVisible() and page.reload_button.hasFocus()
    assert wiz.gate_label.text() == "Choose the vendor of this delivery."

    qtbot.keyClick(page.reload_button, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    desk.wait_step("location")
    wiz.choose_location(wiz.flow.location)
    desk.wait_step("vendor")
    assert page.empty, "the same location's list is not read again by itself"

    qtbot.keyClick(page.reload_button, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: bool(page.vendors), timeout=WAIT)
    assert not page.empty and page.picker.isVisible()
    assert asked == [1989, 1989]
    desk.pick_vendor(39195)


def test_a_code_taught_while_scanning_is_saved_through_the_receiving_service(open_desk, qtbot):
    desk = open_desk("dutchie")
    desk.to_products(loc_id=1989, vendor_id=39195, room="Sales Floor")
    wiz = desk.wizard
    page = wiz.products_page
    wiz.handle_scan("NOSUCHCODE42")
    (pending,) = page.pending_unknown()
    product = next(p for p in page.index.products if p.is_cannabis and p.sku != TOMMY_CHONG)
    page.search.setText(product.sku)
    assert page.selected_product() == product
    page.pick_result()
    assert desk.lines() == [(product.sku, "1")]

    ctx = desk.ctx
    assert ctx.writer.flush()
    assert ctx.journal.code_mappings()[pending.code.key] == (product.product_id, product.sku)
    events = [e for e in ctx.journal.events(wiz.draft_id) if e.kind == "code_mapped"]
    assert [(e.data["code"], e.data["sku"], e.station) for e in events] == [
        (pending.code.key, product.sku, "dock-9")
    ]
