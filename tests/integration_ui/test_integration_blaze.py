"""BLAZE through the same six wizard pages as Dutchie: its inventories are the rooms, its batches the packages,
and a receive into the Safe can be moved to the Sales floor from the verify page until the sellable light is green."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from intake_gui.domain.counting import TransferStatus
from intake_gui.domain.verification import LightKind, LightState

pytestmark = pytest.mark.gui

WAIT = 30_000


def _fresh_products(desk, count: int = 2):
    """Catalog products with no sellable stock yet, so every light reads only what this receive did."""
    location = desk.wizard.flow.location
    on_floor = {item.sku for item in desk.ctx.connector.sellable_inventory(location)}
    products = desk.wizard.products_page.index.products
    return [p for p in products if p.sku not in on_floor and p.sku.isalnum()][:count]


def test_blaze_receives_end_to_end_and_proves_all_three_lights(open_desk, qtbot, key_burst):
    desk = open_desk("blaze")
    desk.wait_ready()
    window, wiz = desk.window, desk.wizard
    assert "BLAZE" in window.banner.text() and window.banner.isVisible()
    assert "Sandbox (BLAZE)" in window.windowTitle()
    assert wiz.can_receive and window.new_action.isEnabled()

    desk.pick_location()
    desk.pick_vendor()
    qtbot.waitUntil(lambda: wiz.flow.rooms is not None, timeout=WAIT)
    assert {r.name for r in wiz.flow.rooms} == {"Safe", "Sales floor", "Quarantine"}
    assert "inventories" in wiz.room_page.hint.text()
    wiz.choose_room(desk.room("Sales floor"))
    desk.wait_step("products")
    qtbot.waitUntil(lambda: wiz.products_page.session is not None, timeout=WAIT)

    first, second = _fresh_products(desk)
    for _ in range(3):
        with qtbot.waitSignal(wiz.products_page.scan_handled, timeout=WAIT):
            key_burst(QApplication.focusWidget() or window, first.sku)
    wiz.products_page.session.add_product(second, 2)
    assert desk.lines() == [(first.sku, "3"), (second.sku, "2")]

    report = desk.submit_and_verify("BLAZE delivery 77")
    lights = {light.kind: light.state for light in report.lights}
    assert lights == {
        LightKind.PACKAGES: LightState.GREEN,
        LightKind.HISTORY: LightState.GREEN,
        LightKind.SELLABLE: LightState.GREEN,
    }, [(light.kind, light.state, light.headline) for light in report.lights]
    packages = report.by_kind(LightKind.PACKAGES)
    assert {(ln.sku, str(ln.found)) for ln in packages.lines} == {
        (first.sku, "3"),
        (second.sku, "2"),
    }
    assert not wiz.verify_page.move_offered, "stock in a sales room needs no move"
    assert desk.ctx.journal.get(wiz.draft_id).receipt_id == report.receipt_id


def test_a_blaze_receive_into_the_safe_is_moved_and_the_sellable_light_turns_green(
    open_desk, qtbot
):
    desk = open_desk("blaze")
    desk.to_products(room="Safe")
    wiz = desk.wizard
    (product,) = _fresh_products(desk, 1)
    wiz.products_page.session.add_product(product, 4)
    report = desk.submit_and_verify("Into the safe")
    assert report.by_kind(LightKind.SELLABLE).state is LightState.RED
    assert report.by_kind(LightKind.PACKAGES).state is LightState.GREEN
    page = wiz.verify_page
    assert page.move_offered and page.move_button.isVisible()
    assert "transfer it to a sales room" in page.move_button.toolTip()

    with qtbot.waitSignal(wiz.move_offered, timeout=WAIT) as offered:
        qtbot.keyClick(page, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    dialog = offered.args[0]
    qtbot.waitUntil(lambda: dialog.offer is not None, timeout=WAIT)
    assert dialog.offer.supported and "Safe" in dialog.explain.text()
    assert wiz.open_move() is dialog, (
        "Alt+M again raises the open dialog, it does not stack another"
    )

    sales = next(r for r in dialog.offer.destinations if r.name == "Sales floor")
    employees = dialog.offer.employees
    dialog.choose(
        to_room_id=sales.room_id,
        creator=employees[0].employee_id,
        supervisor=employees[-1].employee_id,
    )
    with qtbot.waitSignal(dialog.created, timeout=WAIT):
        dialog.create_button.click()
    assert dialog.transfer.status is TransferStatus.PENDING
    with qtbot.waitSignal(wiz.verified, timeout=WAIT) as rechecked:
        dialog.accept_button.click()
    assert dialog.transfer.status is TransferStatus.ACCEPTED
    after = rechecked.args[0]
    assert after.receipt_id == report.receipt_id
    assert after.by_kind(LightKind.SELLABLE).state is LightState.GREEN, after.by_kind(
        LightKind.SELLABLE
    )
    assert page.panel.state_of(LightKind.SELLABLE) is LightState.GREEN
    assert not page.move_offered, "the move button goes once the stock is sellable"
    dialog.close()
