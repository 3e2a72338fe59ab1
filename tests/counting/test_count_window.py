"""The shelf-count window against each POS emulator: pick a room, scan a few items, see over/short, export CSV
and read it back; rooms that cannot be counted and empty rooms are explained before anything is compared."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from intake_gui.domain.counting import ShelfQuantity
from intake_gui.domain.quantities import MACHINE, format_quantity
from intake_gui.domain.shelf_count import CountStatus, PackageDetail
from intake_gui.sandbox import AZ_LOC_ID
from intake_gui.services.context import AppContext
from intake_gui.services.counting import read_count_csv
from intake_gui.ui.count_model import Column
from intake_gui.ui.count_window import CountWindow
from intake_gui.ui.scanner_filter import ScannerFilter
from intake_gui.ui.wedge_keys import WedgeKeyboard

OpenPos = Callable[..., AppContext]
WAIT = 20_000


@pytest.fixture
def open_window(qtbot: Any, qapp: Any, drain: Callable[[], None]) -> Any:
    windows: list[CountWindow] = []

    def open_(ctx: AppContext) -> CountWindow:
        window = CountWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: bool(window.rooms), timeout=WAIT)
        windows.append(window)
        return window

    yield open_
    for window in windows:
        window.close()
    drain()


def start(qtbot: Any, window: CountWindow, room_name: str) -> None:
    room = next(r for r in window.rooms if r.name == room_name)
    assert window.set_room(room.room_id)
    with qtbot.waitSignal(window.stock_loaded, timeout=WAIT):
        window.start_count()
    assert window.session is not None and window.comparison is not None


def scan(window: CountWindow, code: str, times: Decimal | int = 1) -> None:
    outcome = window.handle_scan(
        code if times == 1 else f"{format_quantity(Decimal(times))}*{code}"
    )
    assert outcome is not None and outcome.counted, outcome


def export_and_read(qtbot: Any, window: CountWindow, tmp_path: Path) -> list[dict[str, str]]:
    path = tmp_path / "count.csv"
    with qtbot.waitSignal(window.exported, timeout=WAIT) as done:
        window.export_to(path)
    assert done.args[0] == path and done.args[1] > 0
    return read_count_csv(path)


def product_rows(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["sku"]: r for r in rows if r["row"] == "product"}


def shown(window: CountWindow, sku: str, column: Column) -> str:
    for i, row in enumerate(window.model.rows()):
        if not row.is_package and row.product.sku == sku:
            return window.model.data(window.model.index(i, column))
    raise AssertionError(f"{sku} is not in the table")


def test_dutchie_count_over_and_short_per_product_exported(
    open_pos: OpenPos, open_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    window = open_window(open_pos("dutchie", full_size=True, last_location_id=AZ_LOC_ID))
    assert window.current_location().loc_id == AZ_LOC_ID
    start(qtbot, window, "Sales Floor")
    assert window.package_detail is PackageDetail.NONE
    assert "per product only" in window.notes.text() and not window.warning.isVisible()
    shelves = sorted(window.stock.shelves, key=lambda s: -s.quantity)
    short, over = shelves[0], shelves[1]
    scan(window, short.sku, short.quantity - 1)
    scan(window, over.sku, over.quantity)
    scan(window, over.sku)
    assert shown(window, short.sku, Column.DIFFERENCE) == "-1"
    assert shown(window, over.sku, Column.STATUS) == "▲ over"
    cmp = window.comparison
    assert len(cmp.short) == len(shelves) - 1 and [p.sku for p in cmp.over] == [over.sku]
    assert window.summary.text() == cmp.summary()

    rows = product_rows(export_and_read(qtbot, window, tmp_path))
    assert rows[short.sku]["status"] == "short" and rows[short.sku]["difference"] == "-1"
    assert rows[over.sku]["status"] == "over" and rows[over.sku]["difference"] == "+1"
    assert rows[over.sku]["counted"] == format_quantity(over.quantity + 1, style=MACHINE)
    assert len(rows) == len(shelves)

    with qtbot.waitSignal(window.stock_loaded, timeout=WAIT):
        window.refresh_button.click()  # the POS is read again; the scans stay
    assert window.comparison.product(over.product_id).counted == over.quantity + 1


def test_a_count_is_in_the_journal_for_the_shared_record(
    open_pos: OpenPos, open_window: Any, qtbot: Any
) -> None:
    """Who counted which room, each scan, and what differed: journal events, so the outbox sends them on."""
    ctx = open_pos("dutchie", full_size=True, last_location_id=AZ_LOC_ID)
    window = open_window(ctx)
    start(qtbot, window, "Sales Floor")
    count_id = window.count_id
    over = max(window.stock.shelves, key=lambda s: s.quantity)
    scan(window, over.sku, over.quantity + 1)
    window.close()
    ctx.writer.flush()
    events = ctx.journal.events(count_id)
    kinds = [e.kind for e in events]
    assert kinds == ["count_started", "count_scan", "count_result"], kinds
    assert {e.actor for e in events} == {ctx.clerk} and {e.station for e in events} == {ctx.station}
    result = events[-1].data
    assert result["room"] == "Sales Floor" and result["over"] == 1
    assert any(d["sku"] == over.sku and d["status"] == "over" for d in result["differences"])


def test_blaze_count_per_package_oldest_first_with_the_fifo_mixup_flagged(
    open_pos: OpenPos, open_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    window = open_window(open_pos("blaze", full_size=True))
    start(qtbot, window, "Safe")
    assert window.package_detail is PackageDetail.FULL
    multi: ShelfQuantity = next(s for s in window.stock.shelves if len(s.packages) >= 2)
    single: ShelfQuantity = next(s for s in window.stock.shelves if len(s.packages) == 1)
    newest = multi.packages[-1]
    scan(window, newest.label, newest.quantity)  # a package tag finds its product
    scan(window, single.sku, single.quantity)
    window.scope_box.setChecked(True)  # spot check: only what was scanned

    cmp = window.comparison
    assert {p.sku for p in cmp.products} == {multi.sku, single.sku}
    mixed = next(p for p in cmp.products if p.product_id == multi.product_id)
    assert mixed.status is CountStatus.SHORT and mixed.note.startswith("FIFO: older package")
    assert [k.status for k in mixed.packages][-1] is CountStatus.MATCH
    assert mixed.packages[0].status is CountStatus.SHORT
    assert next(p for p in cmp.products if p.sku == single.sku).status is CountStatus.MATCH

    rows = export_and_read(qtbot, window, tmp_path)
    packages = [r for r in rows if r["row"] == "package" and r["sku"] == multi.sku]
    assert [r["package_tag"] for r in packages] == [p.label for p in multi.packages]
    assert [r["fifo"] for r in packages] == [str(i) for i in range(1, len(multi.packages) + 1)]
    assert packages[0]["received_on"] <= packages[-1]["received_on"]
    assert packages[-1]["status"] == "match" and packages[0]["status"] == "short"


def test_indica_count_reads_packages_for_scanned_products(
    open_pos: OpenPos, open_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    window = open_window(open_pos("indica", full_size=True))
    start(qtbot, window, window.rooms[0].name)
    assert window.package_detail is PackageDetail.ON_DEMAND
    first, second = window.stock.shelves[0], window.stock.shelves[1]
    with qtbot.waitSignal(
        window.stock_loaded,
        timeout=WAIT,
        check_params_cb=lambda s: {first.product_id, second.product_id} <= s.detailed,
    ):
        scan(window, first.sku, first.quantity + 2)
        scan(window, second.sku)
    cmp = window.comparison
    one = next(p for p in cmp.products if p.product_id == first.product_id)
    assert one.status is CountStatus.OVER and one.difference == 2
    assert one.packages and all(k.status is CountStatus.NOT_BY_PACKAGE for k in one.packages)
    dates = [k.received_on for k in one.packages]
    assert dates == sorted(dates)
    assert next(p for p in cmp.products if p.product_id == second.product_id).counted == 1

    rows = export_and_read(qtbot, window, tmp_path)
    products = product_rows(rows)
    assert products[first.sku]["difference"] == "+2"
    assert len(products) == len(window.stock.shelves)
    assert [r for r in rows if r["row"] == "package" and r["sku"] == first.sku]


def test_a_room_that_cannot_be_counted_says_why_before_anything_is_read(
    open_pos: OpenPos, open_window: Any, qtbot: Any
) -> None:
    window = open_window(open_pos("dutchie", last_location_id=AZ_LOC_ID))
    vault = next(r for r in window.rooms if r.name == "Vault")
    window.set_room(vault.room_id)
    assert window.warning.isVisible() and "Dutchie offers no read" in window.warning.text()
    assert not window.start_button.isEnabled()
    assert window.handle_scan("ANYTHING") is None
    assert "Start count first" in window.status.text()


def test_an_empty_room_warns_about_room_access_and_scans_still_count(
    open_pos: OpenPos, open_window: Any, qtbot: Any
) -> None:
    window = open_window(open_pos("blaze"))
    start(qtbot, window, "Quarantine")
    assert window.warning.isVisible()
    assert "likely cause is access for this partner and developer key" in window.warning.text()
    assert "Backoffice" not in window.warning.text()
    sku = window.session.index.products[0].sku
    scan(window, sku)
    assert window.comparison.over[0].note == "BLAZE lists none in Quarantine"
    with qtbot.waitSignal(window.compared, timeout=WAIT):
        window.undo_button.click()
    assert window.comparison.products == () and window.status.text().startswith("Undid")


def _key_burst(target: Any, code: str, ts: int) -> None:
    """A wedge scan 5 ms a key (ui/wedge_keys: real Shift presses around capitals), then Enter."""
    WedgeKeyboard(target, start_ms=ts).scan(code, gap_ms=5, after_ms=5)


def test_a_scanner_burst_in_the_active_count_window_is_counted_there_only(
    open_pos: OpenPos, open_window: Any, qtbot: Any, qapp: Any
) -> None:
    wizard_filter = ScannerFilter()  # stands for the receiving wizard's filter, installed first
    wizard_scans: list[str] = []
    wizard_filter.scanned.connect(wizard_scans.append)
    wizard_filter.install(qapp)
    try:
        window = open_window(open_pos("blaze"))
        start(qtbot, window, "Sales floor")
        qtbot.waitUntil(lambda: window.scanner.enabled, timeout=WAIT)
        shelf = window.stock.shelves[0]
        with qtbot.waitSignal(window.scan_handled, timeout=WAIT):
            _key_burst(window.scan_edit, shelf.sku.lower(), 9_000_000)
        assert window.comparison.product(shelf.product_id).counted == 1
        assert wizard_scans == [] and window.scan_edit.text() == ""
        window.close()
        assert not window.scanner.enabled
    finally:
        wizard_filter.uninstall(qapp)


def test_the_table_repaints_changed_rows_and_can_hide_matches(qtbot: Any) -> None:
    from intake_gui.domain.count_compare import compare
    from intake_gui.domain.models import DraftLine, Location, Room
    from intake_gui.domain.shelf_count import RoomStock
    from intake_gui.ui.count_model import CountModel

    room = Room(room_id=1, name="Floor", inventory_room=True, pos_room=True)
    stock = RoomStock(
        location=Location(loc_id=1, name="L", lsp_id=1),
        room=room,
        shelves=(
            ShelfQuantity(product_id=1, sku="A", name="Apple", quantity=2),
            ShelfQuantity(product_id=2, sku="B", name="Berry", quantity=1),
        ),
        source="test",
        pos_name="Dutchie",
        package_detail=PackageDetail.NONE,
    )

    def line(pid: int, qty: int) -> DraftLine:
        return DraftLine(product_id=pid, sku="AB"[pid - 1], name="x", quantity=qty)

    model = CountModel()
    model.set_comparison(compare(stock, [line(1, 1)]))
    assert [r.product.sku for r in model.rows()] == ["A", "B"]
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged):
        model.set_comparison(compare(stock, [line(1, 2)]))
    assert model.data(model.index(0, Column.STATUS)) == "✔ match"
    assert model.data(model.index(1, Column.POS)) == "1"
    with qtbot.waitSignal(model.modelReset):
        model.set_differences_only(True)
    assert [r.product.sku for r in model.rows()] == ["B"]
    assert model.find_product(1) == -1 and model.find_product(2) == 0


def test_a_blanked_read_in_the_count_window_is_shown_and_counted_with_insert(
    open_pos: OpenPos, open_window: Any, qtbot: Any
) -> None:
    """[scanner] The shelf count shares the double-read guard, so it shares the way out of it."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from intake_gui.domain.scan_read import ScanRead

    window = open_window(open_pos("blaze"))
    start(qtbot, window, "Sales floor")
    window.session.blanking_ms = 120
    sku = window.session.index.products[0].sku
    assert window.handle_scan(ScanRead(sku, started_ms=1000, ended_ms=1030)).counted
    blanked = window.handle_scan(ScanRead(sku, started_ms=1070, ended_ms=1100))
    assert blanked is not None and blanked.blanked
    assert window.blanked_notice.isVisible() and "40 ms" in window.blanked_notice.text.text()
    QTest.keyClick(window.table, Qt.Key.Key_Insert)
    assert not window.blanked_notice.isVisible()
    assert sum(ln.quantity for ln in window.session.lines) == 2
