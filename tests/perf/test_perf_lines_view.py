"""LinesTableView repaints only what a new line changed, and what it shows is always what a full repaint shows.

The check compares the window's backing store (what the screen shows) with the same window repainted from
scratch, after every step of a receive: appends, repeat scans, removals, undo, a manifest (lines landing in
the middle), quantity edits, blind mode, a resize.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from intake_gui.domain.catalog_index import CatalogIndex
from intake_gui.domain.manifest import parse_csv
from intake_gui.domain.models import Product
from intake_gui.domain.scan_session import ScanSession
from intake_gui.ui.lines_model import LinesTableModel
from intake_gui.ui.lines_view import ROW_HEIGHT, LinesTableView, RowNumbers

pytestmark = pytest.mark.gui

PRODUCTS = [
    Product(product_id=i, sku=f"SKU{i:04d}", name=f"Product number {i} with a long name", brand="B")
    for i in range(1, 121)
]


class RecordingView(LinesTableView):
    def __init__(self) -> None:
        super().__init__()
        self.painted: list[QRect] = []

    def paintEvent(self, event: QPaintEvent) -> None:
        self.painted.append(event.region().boundingRect())
        super().paintEvent(event)


class Harness:
    def __init__(self, qtbot: Any) -> None:
        self.app = QApplication.instance()
        self.session = ScanSession(CatalogIndex(PRODUCTS), room_id=1, blanking_ms=0)
        self.model = LinesTableModel(self.session)
        self.view = RecordingView()
        self.view.setModel(self.model)
        self.model.row_highlighted.connect(lambda row: self.view.scrollTo(self.model.index(row, 0)))
        self.window = QWidget()
        QVBoxLayout(self.window).addWidget(self.view)
        self.window.resize(760, 420)
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)
        self.settle()

    def settle(self) -> None:
        for _ in range(6):
            self.app.processEvents()

    def on_screen(self) -> QImage:
        return self.app.primaryScreen().grabWindow(self.window.winId()).toImage()

    def assert_shows_the_truth(self, step: str) -> None:
        self.settle()
        shown = self.on_screen()
        for widget in (self.window, *self.window.findChildren(QWidget)):
            widget.repaint()  # a window's repaint leaves its opaque children (the headers' viewports) alone
        self.settle()
        truth = self.on_screen()
        stale = _differences(shown, truth, ignore=self._scroll_corner())
        assert not stale, f"stale pixels after {step}, e.g. at {stale[:3]}"

    def _scroll_corner(self) -> QRect:
        """Where the two scroll bars meet. QTableView itself leaves that square a shade off after some
        scrolls, with or without this view; it shows no data, so it is left out of the comparison."""
        vertical = self.view.verticalScrollBar()
        horizontal = self.view.horizontalScrollBar()
        left = vertical.mapTo(self.window, vertical.rect().topLeft()).x()
        top = horizontal.mapTo(self.window, horizontal.rect().topLeft()).y()
        if not vertical.isVisible():
            left = self.view.mapTo(self.window, self.view.rect().topRight()).x() - 20
        if not horizontal.isVisible():
            top = self.view.mapTo(self.window, self.view.rect().bottomLeft()).y() - 20
        return QRect(left - 2, top - 2, self.window.width(), self.window.height())


def _differences(a: QImage, b: QImage, *, ignore: QRect) -> list[tuple[int, int]]:
    if a == b:
        return []
    return [
        (x, y)
        for y in range(a.height())
        for x in range(a.width())
        if a.pixel(x, y) != b.pixel(x, y) and not ignore.contains(x, y)
    ]


def test_a_new_line_repaints_its_row_not_the_table(qtbot: Any) -> None:
    h = Harness(qtbot)
    for product in PRODUCTS[:4]:
        h.session.scan(product.sku)
        h.settle()
    h.view.painted.clear()
    h.session.scan(PRODUCTS[4].sku)
    h.settle()
    viewport = h.view.viewport().rect()
    assert h.view.painted, "the new line was painted"
    tallest = max(rect.height() for rect in h.view.painted)
    assert tallest <= viewport.height() - 3 * ROW_HEIGHT, "only the changed rows, not the table"
    h.assert_shows_the_truth("a new line")


def test_what_is_shown_is_what_a_full_repaint_shows(qtbot: Any) -> None:
    h = Harness(qtbot)
    rng = random.Random(11)
    manifest = parse_csv(
        "sku,qty\n" + "".join(f"{p.sku},{rng.randint(1, 9)}\n" for p in PRODUCTS[40:52])
    )
    for step in range(60):
        product = rng.choice(PRODUCTS[:60])
        h.session.scan(product.sku)
        h.assert_shows_the_truth(f"scan {step}")
        lines = h.session.lines
        if step % 9 == 4 and lines:
            h.session.remove(rng.choice(lines).line_id)
            h.assert_shows_the_truth(f"removal at {step}")
        if step % 13 == 7:
            h.session.undo()
            h.assert_shows_the_truth(f"undo at {step}")
        if step % 11 == 3 and lines:
            h.session.set_quantity(rng.choice(h.session.lines).line_id, rng.randint(1, 20))
            h.assert_shows_the_truth(f"quantity at {step}")
        if step == 20:
            h.session.load_expected(manifest)
            h.assert_shows_the_truth("the manifest")
        if step == 35:
            h.model.set_blind(True)
            h.assert_shows_the_truth("blind mode")
        if step == 45:
            h.model.set_blind(False)
            h.window.resize(700, 360)
            h.assert_shows_the_truth("a resize")


@pytest.mark.parametrize("scrolled", ["as the row lights up", "after the scan"])
def test_every_scanned_row_is_brought_wholly_into_view(qtbot: Any, scrolled: str) -> None:
    """A row added at the bottom is wholly in view whether the scroll comes while the model announces it or
    after the scan: the scroll range must take the new row in first. Before LinesTableView.scrollTo laid
    out pending rows, the scan that first overflowed the table showed its row cut off."""
    h = Harness(qtbot)
    if scrolled == "after the scan":
        h.model.row_highlighted.disconnect()
    for product in PRODUCTS[:30] + PRODUCTS[3:6] + PRODUCTS[30:34]:
        h.session.scan(product.sku)
        if scrolled == "after the scan":
            h.view.scrollTo(h.model.index(h.model.highlighted_row, 0))
        h.settle()
        row = h.model.highlighted_row
        top = h.view.rowViewportPosition(row)
        bottom = top + h.view.rowHeight(row)
        assert top >= 0 and bottom <= h.view.viewport().height(), (
            f"{product.sku}: row {row} not in view"
        )


def test_the_row_numbers_follow_a_selected_row_pushed_down_by_rows_inserted_above(
    qtbot: Any,
) -> None:
    """Rows inserted above the selected row move its highlighted number down: the row numbers repaint from
    the first inserted row down, although their updates are held while rows are inserted."""
    h = Harness(qtbot)
    for product in PRODUCTS[:8]:
        h.session.scan(product.sku)
        h.settle()
    h.view.selectRow(6)
    h.assert_shows_the_truth("a row selected")
    h.session.load_expected(
        parse_csv("sku,qty\n" + "".join(f"{p.sku},3\n" for p in PRODUCTS[60:64]))
    )
    h.assert_shows_the_truth("expected rows inserted")
    h.session.scan(PRODUCTS[61].sku)
    h.assert_shows_the_truth("an expected row counted")


class CountingNumbers(RowNumbers):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.painted: list[int] = []

    def paintSection(self, painter: QPainter, rect: QRect, logical: int) -> None:
        self.painted.append(logical)
        super().paintSection(painter, rect, logical)


def test_a_new_line_repaints_its_number_not_every_number(qtbot: Any) -> None:
    """Qt's header repaints every visible number when a row is added; the row numbers hold that repaint and
    redraw only from the number before the new one down (counted, not timed: bench_scan times it)."""
    h = Harness(qtbot)
    numbers = CountingNumbers(h.view)
    h.view.setVerticalHeader(numbers)
    numbers.show()  # a header set on a shown view stays hidden until shown
    for product in PRODUCTS[:30]:
        h.session.scan(product.sku)
        h.settle()
    numbers.painted.clear()
    h.session.scan(PRODUCTS[30].sku)
    h.settle()
    assert 30 in numbers.painted, "the new number was not painted"
    assert len(set(numbers.painted)) <= 3, f"numbers repainted: {sorted(set(numbers.painted))}"
    h.assert_shows_the_truth("a new line at the bottom")


def test_rows_added_while_the_window_holds_its_updates_leave_that_hold_alone(qtbot: Any) -> None:
    """The table and its row numbers hold their own updates while rows are inserted; a hold that was already
    there (a parent's setUpdatesEnabled(False)) is not theirs to lift."""
    h = Harness(qtbot)
    for product in PRODUCTS[:20]:
        h.session.scan(product.sku)
        h.settle()
    held = Qt.WidgetAttribute.WA_UpdatesDisabled
    h.window.setUpdatesEnabled(False)
    for product in PRODUCTS[20:23]:
        h.session.scan(product.sku)
        h.settle()
    assert h.view.viewport().testAttribute(held), "the cells' viewport lifted the window's hold"
    assert h.view.verticalHeader().viewport().testAttribute(held), "the row numbers lifted it"
    h.window.setUpdatesEnabled(True)
    h.assert_shows_the_truth("updates enabled again")
