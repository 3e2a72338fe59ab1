"""The lines table paints its cells itself, in one call, and what it paints is what QTableView paints, pixel for pixel.

`ui/lines_painter` walks the dirty cells as `QTableView::paintEvent` does and draws an ordinary cell from the
delegate's plan instead of making five calls into Python for it. Each test here paints the same table twice,
once that way and once by Qt's own paintEvent (`paints_itself = False`), and requires identical images: under
the station's theme and plain Qt; with a selected row, a current cell with focus, alternate rows, greyed and
bold cells, hidden columns, no grid, a disabled table, blind count, a scrolled table, a dirty region of two
rectangles, and a style whose row panel is not a plain fill. What it does not mirror, it leaves to Qt.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter, QRegion
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyledItemDelegate,
    QStyleOption,
    QStyleOptionViewItem,
    QWidget,
)

from intake_gui.domain.catalog_index import CatalogIndex
from intake_gui.domain.manifest import parse_csv
from intake_gui.domain.models import Product
from intake_gui.domain.scan_session import ScanSession
from intake_gui.ui.lines_model import Column, LinesTableModel
from intake_gui.ui.lines_painter import ASK_STYLE
from intake_gui.ui.lines_view import LinesTableView
from intake_gui.ui.theme import apply_theme

pytestmark = pytest.mark.gui

PRODUCTS = [
    Product(product_id=i, sku=f"SKU{i:04d}", name=f"Product {i} with a long name", brand="B")
    for i in range(1, 61)
]
MANIFEST = "sku,qty\n" + "".join(f"SKU{i:04d},{i % 4 + 1}\n" for i in range(20, 26))
SCANS = ["SKU0001", "SKU0001", "SKU0002", "SKU0020", "SKU0021", "SKU0021", "SKU0003"] + [
    p.sku for p in PRODUCTS[30:50]
]


@pytest.fixture(params=["station theme", "plain Qt"])
def look(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    style_sheet, font = qapp.styleSheet(), qapp.font()
    if request.param == "station theme":
        apply_theme(qapp)
    yield request.param
    qapp.setStyleSheet(style_sheet)
    qapp.setFont(font)


def _table(qtbot: Any, *, parent: QWidget | None = None) -> LinesTableView:
    session = ScanSession(CatalogIndex(PRODUCTS), room_id=1, blanking_ms=0)
    session.load_expected(parse_csv(MANIFEST))
    for sku in SCANS:
        session.scan(sku)
    view = LinesTableView(parent)
    view.setModel(LinesTableModel(session))
    if parent is None:
        qtbot.addWidget(view)
    view.resize(760, 520)
    view.show()
    qtbot.waitExposed(view)
    return view


def _both(view: LinesTableView, region: QRegion | None = None) -> tuple[QImage, QImage]:
    """The viewport rendered by the lines painter and by QTableView's own paintEvent."""
    viewport = view.viewport()
    pictures = []
    for itself in (True, False):
        view.paints_itself = itself
        image = QImage(viewport.size(), QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor("#808080"))
        viewport.render(image, QPoint(), region if region is not None else QRegion(viewport.rect()))
        pictures.append(image)
    view.paints_itself = True
    return pictures[0], pictures[1]


def _first_difference(a: QImage, b: QImage) -> str:
    for y in range(a.height()):
        for x in range(a.width()):
            if a.pixel(x, y) != b.pixel(x, y):
                return f"first at ({x}, {y}): {a.pixelColor(x, y).name()} vs Qt's {b.pixelColor(x, y).name()}"
    return "sizes differ"


SITUATIONS: dict[str, Callable[[LinesTableView], None]] = {
    "as opened": lambda view: None,
    "a selected row and the current cell with focus": lambda view: (
        view.selectRow(4),
        view.setCurrentIndex(view.model().index(4, 2)),
        view.setFocus(),
    ),
    "scrolled to the end, a row selected": lambda view: (
        view.scrollToBottom(),
        view.selectRow(view.model().rowCount() - 2),
    ),
    "hidden columns, no grid": lambda view: (
        view.setColumnHidden(view.model().column_of(Column.PRODUCT), True),  # type: ignore[attr-defined]
        view.setShowGrid(False),
    ),
    "no alternate rows, dotted grid": lambda view: (
        view.setAlternatingRowColors(False),
        view.setGridStyle(Qt.PenStyle.DotLine),
    ),
    "disabled": lambda view: view.setEnabled(False),
    "blind count": lambda view: view.model().set_blind(True),  # type: ignore[attr-defined]
    "scrolled sideways": lambda view: (
        view.setColumnWidth(1, 600),
        view.horizontalScrollBar().setValue(view.horizontalScrollBar().maximum() // 2),
    ),
}


@pytest.mark.parametrize("situation", list(SITUATIONS))
def test_the_table_paints_itself_as_qt_paints_it(qtbot: Any, look: str, situation: str) -> None:
    view = _table(qtbot)
    SITUATIONS[situation](view)
    qtbot.wait(10)
    assert view.can_paint_itself()
    ours, qts = _both(view)
    assert ours == qts, f"{look}, {situation}: {_first_difference(ours, qts)}"


def test_a_dirty_region_of_two_rectangles_is_painted_as_qt_paints_it(qtbot: Any, look: str) -> None:
    view = _table(qtbot)
    view.selectRow(2)
    region = QRegion(QRect(0, 10, 300, 80)) + QRegion(QRect(150, 60, 400, 120))
    ours, qts = _both(view, region)
    assert ours == qts, _first_difference(ours, qts)


class _GradientRows(QProxyStyle):
    """A style whose alternate-row panel is a gradient, not a plain fill."""

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        alternate = QStyleOptionViewItem.ViewItemFeature.Alternate
        if (
            element == QStyle.PrimitiveElement.PE_PanelItemViewRow
            and isinstance(option, QStyleOptionViewItem)
            and option.features & alternate
        ):
            gradient = QLinearGradient(0, option.rect.top(), 0, option.rect.bottom())
            gradient.setColorAt(0, QColor("#ffe0e0"))
            gradient.setColorAt(1, QColor("#e0e0ff"))
            painter.fillRect(option.rect, gradient)
            return
        super().drawPrimitive(element, option, painter, widget)


def test_a_row_panel_that_is_not_a_plain_fill_is_left_to_the_style(qtbot: Any) -> None:
    view = _table(qtbot)
    style = _GradientRows("Fusion")
    style.setParent(view)  # setStyle does not take it: it must live as long as the table
    view.setStyle(style)
    qtbot.wait(10)
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    alternate = option.features | QStyleOptionViewItem.ViewItemFeature.Alternate
    plain = option.features & ~QStyleOptionViewItem.ViewItemFeature.Alternate
    panels = view._memory.panels
    assert panels.fill(view, option, alternate, view.rowHeight(0) - 1) is ASK_STYLE
    assert panels.fill(view, option, plain, view.rowHeight(0) - 1) is None  # Fusion draws nothing
    ours, qts = _both(view)
    assert ours == qts, _first_difference(ours, qts)


UNMIRRORED: dict[str, Callable[[LinesTableView], object]] = {
    "a hidden row": lambda view: view.setRowHidden(3, True),
    "right to left": lambda view: view.setLayoutDirection(Qt.LayoutDirection.RightToLeft),
    "a moved column": lambda view: view.horizontalHeader().moveSection(0, 2),
    "a span": lambda view: view.setSpan(0, 0, 1, 2),
    "a delegate for one column": lambda view: view.setItemDelegateForColumn(
        1, QStyledItemDelegate(view)
    ),
}


@pytest.mark.parametrize("situation", list(UNMIRRORED))
def test_what_the_painter_does_not_mirror_is_left_to_qt(qtbot: Any, situation: str) -> None:
    view = _table(qtbot)
    assert view.can_paint_itself()
    UNMIRRORED[situation](view)
    qtbot.wait(10)
    assert not view.can_paint_itself()
    ours, qts = _both(view)  # Qt paints both: the same picture
    assert ours == qts


class _Counting(LinesTableModel):
    calls: ClassVar[Counter[str]] = Counter()

    def flags(self, index: Any) -> Qt.ItemFlag:
        self.calls["flags"] += 1
        return super().flags(index)

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        self.calls["data"] += 1
        return super().data(index, role)

    def rowCount(self, parent: Any = None) -> int:
        self.calls["rowCount"] += 1
        return super().rowCount() if parent is None else super().rowCount(parent)

    def shown_row(self, r: int) -> Any:
        self.calls["shown_row"] += 1
        return super().shown_row(r)


def test_a_full_repaint_reads_each_row_once_not_each_cell_five_times(qtbot: Any) -> None:
    session = ScanSession(CatalogIndex(PRODUCTS), room_id=1, blanking_ms=0)
    for product in PRODUCTS[:40]:
        session.scan(product.sku)
    view = LinesTableView()
    model = _Counting(session)
    view.setModel(model)
    qtbot.addWidget(view)
    view.resize(760, 520)
    view.show()
    qtbot.waitExposed(view)
    visible_rows = view.rowAt(view.viewport().height() - 1) - view.rowAt(0) + 1
    visible_columns = view.columnAt(view.viewport().width() - 1) - view.columnAt(0) + 1
    for itself in (True, False):
        view.paints_itself = itself
        model.calls.clear()
        view.viewport().grab()  # paints the whole viewport
        if itself:
            assert model.calls["flags"] == 0 and model.calls["data"] == 0
            assert model.calls["shown_row"] <= visible_rows + 1
        else:  # what QTableView does: `flags`, `rowCount` and more for every cell
            cells = visible_rows * visible_columns
            assert model.calls["flags"] >= cells and model.calls["rowCount"] >= cells


def test_under_the_station_theme_the_viewport_paints_its_own_background(
    qtbot: Any, qapp: QApplication
) -> None:
    """So that a scan that scrolls the table repaints the cells, not the table's frame and the window too."""
    style_sheet, font = qapp.styleSheet(), qapp.font()
    try:
        apply_theme(qapp)
        holder = QWidget()
        qtbot.addWidget(holder)
        holder.resize(800, 560)
        holder.show()
        view = _table(qtbot, parent=holder)
        qtbot.waitExposed(holder)
        assert view.viewport().autoFillBackground()
        viewport = view.viewport()
        painted: list[tuple[QWidget, QRegion]] = []

        class Watch(QWidget):
            def eventFilter(self, watched: Any, event: Any) -> bool:
                if event.type() == event.Type.Paint:
                    painted.append((watched, QRegion(event.region())))
                return False

        watch = Watch()
        for widget in (holder, view, viewport):
            widget.installEventFilter(watch)
        view.scrollToBottom()  # a jump: the whole viewport is painted again
        qtbot.waitUntil(lambda: any(widget is viewport for widget, _ in painted))
        qtbot.wait(20)
        for widget, region in painted:
            if widget is viewport:
                continue
            # The frame and the window repaint at most around the scroll bar, never under the cells.
            under = QRegion(QRect(viewport.mapTo(widget, QPoint(0, 0)), viewport.size()))
            assert region.intersected(under).isEmpty(), (
                f"{type(widget).__name__} painted under the cells"
            )
        apply_theme(qapp, large_type=True)  # the style sheet applied again
        qtbot.wait(10)
        assert view.viewport().autoFillBackground()
    finally:
        qapp.setStyleSheet(style_sheet)
        qapp.setFont(font)


def test_what_the_painter_remembers_of_a_row_is_forgotten_when_the_row_or_look_changes(
    qtbot: Any, qapp: QApplication
) -> None:
    """Rows are painted from remembered drawing operations; a scan, a resized column or a new look must not
    show what was remembered before it."""
    view = _table(qtbot)
    session = view.model().session  # type: ignore[attr-defined]
    view.viewport().grab()  # remembers every visible row
    assert view._memory.rows
    steps: list[tuple[str, Callable[[], object]]] = [
        ("a scan counts a shown row up", lambda: session.scan("SKU0001")),
        ("a new product is added and lit", lambda: session.scan("SKU0055")),
        ("a column is resized", lambda: view.setColumnWidth(1, 90)),
        ("large type", lambda: apply_theme(qapp, large_type=True)),
    ]
    style_sheet, font = qapp.styleSheet(), qapp.font()
    try:
        for what, step in steps:
            step()
            qtbot.wait(10)
            view.scrollToTop()
            ours, qts = _both(view)
            assert ours == qts, f"after {what}: {_first_difference(ours, qts)}"
    finally:
        qapp.setStyleSheet(style_sheet)
        qapp.setFont(font)
