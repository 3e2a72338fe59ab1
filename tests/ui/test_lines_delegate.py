"""The lines table paints what Qt's own delegate would, and a scan repaints without redoing work it has done.

`LinesDelegate` draws each cell's text from a cache instead of laying it out on every paint, and the row-number
header works its width out from two sections instead of two hundred. Both are only worth having if the table
looks the same: the first test paints one table twice, with this delegate and with `QStyledItemDelegate`, under
the station's theme, and compares where the ink of every cell falls and what colour it is — selected row,
greyed expected-only rows, bold differences, right-aligned numbers, an elided name. The others pin the work a
scan may cause (roles computed, header sections asked), counted rather than timed; bench/bench_scan.py times it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QHeaderView, QStyledItemDelegate

from intake_gui.domain.catalog_index import CatalogIndex
from intake_gui.domain.manifest import parse_csv
from intake_gui.domain.models import Product
from intake_gui.domain.scan_session import ScanSession
from intake_gui.ui.lines_delegate import LinesDelegate
from intake_gui.ui.lines_model import Column, LinesTableModel
from intake_gui.ui.lines_view import ColumnTitles, LinesTableView, RowNumbers
from intake_gui.ui.theme import apply_theme

pytestmark = pytest.mark.gui

PRODUCTS = [
    Product(
        product_id=i,
        sku=f"SKU{i:04d}",
        name=f"Product number {i} with a rather long name",
        brand="B",
    )
    for i in range(1, 61)
]


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[QApplication]:
    """The station's look (its stylesheet and type size): what a clerk sees is what is compared."""
    style_sheet, font = qapp.styleSheet(), qapp.font()
    apply_theme(qapp)
    yield qapp
    qapp.setStyleSheet(style_sheet)
    qapp.setFont(font)


@pytest.fixture
def plain(qapp: QApplication) -> Iterator[QApplication]:
    """No style sheet, whatever an earlier test left on the application (a style sheet wraps a widget's own
    style, and would hide a proxy style's drawing)."""
    style_sheet = qapp.styleSheet()
    qapp.setStyleSheet("")
    yield qapp
    qapp.setStyleSheet(style_sheet)


def _table(
    qtbot: Any,
    scans: list[str],
    *,
    manifest: str = "",
    model_type: type[LinesTableModel] = LinesTableModel,
) -> tuple[LinesTableView, ScanSession]:
    session = ScanSession(CatalogIndex(PRODUCTS), room_id=1, blanking_ms=0)
    if manifest:
        session.load_expected(parse_csv(manifest))
    for sku in scans:
        session.scan(sku)
    model = model_type(session)
    view = LinesTableView()
    view.setModel(model)
    qtbot.addWidget(view)
    view.resize(900, 420)
    view.show()
    qtbot.waitExposed(view)
    return view, session


def _cells(view: LinesTableView) -> Iterator[tuple[int, int, QRect]]:
    model = view.model()
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            rect = view.visualRect(model.index(row, column))
            if not view.isColumnHidden(column) and rect.intersects(view.viewport().rect()):
                yield row, column, rect


def _ink(image: QImage, rect: QRect) -> tuple[QRect, QColor] | None:
    """Where a cell's text is (pixels unlike the cell's commonest colour) and its darkest such pixel."""
    inner = rect.adjusted(1, 1, -2, -2)
    counts: dict[int, int] = {}
    for y in range(inner.top(), inner.bottom() + 1):
        for x in range(inner.left(), inner.right() + 1):
            rgb = image.pixel(x, y)
            counts[rgb] = counts.get(rgb, 0) + 1
    background = QColor(max(counts, key=counts.__getitem__))
    left = top = 10**6
    right = bottom = -1
    darkest: QColor | None = None
    for y in range(inner.top(), inner.bottom() + 1):
        for x in range(inner.left(), inner.right() + 1):
            colour = QColor(image.pixel(x, y))
            if _distance(colour, background) < 60:
                continue
            left, top, right, bottom = min(left, x), min(top, y), max(right, x), max(bottom, y)
            if darkest is None or _distance(colour, background) > _distance(darkest, background):
                darkest = colour
    if darkest is None:
        return None
    return QRect(left, top, right - left + 1, bottom - top + 1), darkest


def _distance(a: QColor, b: QColor) -> int:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())


def test_the_table_looks_as_qts_own_delegate_paints_it(qtbot: Any, themed: QApplication) -> None:
    manifest = "sku,qty\n" + "".join(f"SKU{i:04d},{i % 4 + 1}\n" for i in range(20, 26))
    scans = ["SKU0001", "SKU0001", "SKU0002", "SKU0020", "SKU0021", "SKU0021", "SKU0021", "SKU0003"]
    view, _session = _table(qtbot, scans, manifest=manifest)
    model = view.model()
    assert isinstance(view.itemDelegate(), LinesDelegate)
    product = model.column_of(Column.PRODUCT)  # type: ignore[attr-defined]
    view.setColumnWidth(product, 150)  # the long names must be elided
    view.selectRow(1)
    view.setFocus()
    qtbot.wait(20)
    ours = view.viewport().grab().toImage()
    view.setItemDelegate(QStyledItemDelegate(view))
    qtbot.wait(20)
    theirs = view.viewport().grab().toImage()

    compared = 0
    kinds: set[str] = set()
    for row, column, rect in _cells(view):
        mine, qt = _ink(ours, rect), _ink(theirs, rect)
        where = f"row {row} column {column} ({model.index(row, column).data()!r})"
        assert (mine is None) == (qt is None), f"text on one side only at {where}"
        if mine is None or qt is None:
            continue
        (box, colour), (qt_box, qt_colour) = mine, qt
        for side in ("left", "right", "top", "bottom"):
            assert abs(getattr(box, side)() - getattr(qt_box, side)()) <= 2, (
                f"{side} edge {getattr(box, side)()} vs Qt's {getattr(qt_box, side)()} at {where}"
            )
        assert _distance(colour, qt_colour) <= 60, (
            f"ink {colour.name()} vs {qt_colour.name()} at {where}"
        )
        compared += 1
        text = str(model.index(row, column).data())
        if row == 1:
            kinds.add("selected")
        if model.index(row, column).data(Qt.ItemDataRole.ForegroundRole) is not None:
            kinds.add("greyed")
        if model.index(row, column).data(Qt.ItemDataRole.FontRole) is not None:
            kinds.add("bold")
        if column == product and view.fontMetrics().horizontalAdvance(text) > rect.width():
            kinds.add("elided")
    assert compared >= 40
    assert kinds == {"selected", "greyed", "bold", "elided"}, kinds


def test_a_cell_changed_by_a_scan_is_painted_anew(qtbot: Any, themed: QApplication) -> None:
    """The caches are keyed on what a cell shows: a count going from 1 to 2 is not drawn from the old text."""
    view, session = _table(qtbot, ["SKU0001"])
    model = view.model()
    counted = model.column_of(Column.SCANNED)  # type: ignore[attr-defined]
    rect = view.visualRect(model.index(0, counted))
    before = view.viewport().grab().toImage().copy(rect)
    session.scan("SKU0001")
    qtbot.wait(20)
    after = view.viewport().grab().toImage().copy(rect)
    assert model.index(0, counted).data() == "2"
    assert before != after


def test_rows_a_scan_did_not_change_keep_their_cells(qtbot: Any) -> None:
    """The session builds its rows afresh on every change; the model keeps the ones that are equal, so their
    roles are not computed again when the table scrolls back to them."""
    view, session = _table(qtbot, [p.sku for p in PRODUCTS[:30]])
    model = view.model()
    assert isinstance(model, LinesTableModel)
    earlier = [model.cell_roles(row, 0) for row in range(10)]
    session.scan(PRODUCTS[40].sku)  # a new product: a row added at the end
    session.scan(PRODUCTS[3].sku)  # a repeat: row 3 changes
    later = [model.cell_roles(row, 0) for row in range(10)]
    for row in range(10):
        if row == 3:
            assert later[row] is not earlier[row]
        else:
            assert later[row] is earlier[row], f"row {row} was computed again"


def test_scrolling_back_to_rows_already_shown_computes_no_cell(
    qtbot: Any, monkeypatch: Any
) -> None:
    view, _session = _table(qtbot, [p.sku for p in PRODUCTS[:50]])
    model = view.model()
    view.scrollToTop()
    qtbot.wait(20)
    view.scrollToBottom()
    qtbot.wait(20)
    computed: list[int] = []
    original = LinesTableModel._cell_roles

    def counting(self: LinesTableModel, *args: Any) -> Any:
        computed.append(1)
        return original(self, *args)

    monkeypatch.setattr(LinesTableModel, "_cell_roles", counting)
    view.scrollToTop()
    view.viewport().repaint()
    assert model.rowCount() == 50
    assert computed == []


class _CountingHeaders(LinesTableModel):
    """Notes which row numbers are asked for. (A subclass: patching a Qt virtual on the class would leave
    the binding holding the patch after the test.)"""

    asked: ClassVar[list[int]] = []

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Vertical:
            self.asked.append(section)
        return super().headerData(section, orientation, role)


def test_adding_a_row_asks_the_row_numbers_for_two_sections_not_all(qtbot: Any) -> None:
    """Qt's header asks up to 200 sections (four roles each) for its width whenever a row is added."""
    view, session = _table(qtbot, [p.sku for p in PRODUCTS[:45]], model_type=_CountingHeaders)
    qtbot.wait(20)
    _CountingHeaders.asked = asked = []
    session.scan(PRODUCTS[50].sku)
    view.doItemsLayout()
    assert asked, "the header's width was not worked out again"
    assert set(asked) <= {0, 45}, sorted(set(asked))


@pytest.mark.parametrize("rows", [1, 9, 10, 99, 100, 1000])
def test_the_row_numbers_are_as_wide_as_qts_header_makes_them(
    qtbot: Any, themed: QApplication, rows: int
) -> None:
    products = [
        Product(product_id=i, sku=f"S{i:05d}", name=f"P{i}", brand="B") for i in range(1, rows + 1)
    ]
    session = ScanSession(CatalogIndex(products), room_id=1, blanking_ms=0)
    for product in products:
        session.scan(product.sku)
    model = LinesTableModel(session)
    ours = RowNumbers()
    qts = QHeaderView(Qt.Orientation.Vertical)
    for header in (ours, qts):
        qtbot.addWidget(header)
        header.setModel(model)
    assert ours.count() == rows
    assert ours.sizeHint() == qts.sizeHint()


def test_the_delegate_paints_other_models_as_qt_does(qtbot: Any) -> None:
    """Given a model that is not the lines model, the delegate hands every cell to Qt's own painting."""
    from PySide6.QtGui import QStandardItemModel

    view = LinesTableView()
    qtbot.addWidget(view)
    other = QStandardItemModel(3, 2)
    other.setData(other.index(0, 0), "hello")
    view.setModel(other)
    view.show()
    qtbot.waitExposed(view)
    delegate = view.itemDelegate()
    assert isinstance(delegate, LinesDelegate)
    assert delegate._lines is None
    image = view.viewport().grab().toImage()
    assert _ink(image, view.visualRect(other.index(0, 0))) is not None
    assert _ink(image, view.visualRect(other.index(1, 1))) is None


def test_the_column_titles_keep_qts_height_through_every_change(
    qtbot: Any, qapp: QApplication
) -> None:
    """The titles' height is kept between rows added, and worked out again whenever Qt's would change."""
    view, session = _table(qtbot, ["SKU0001"])
    model = view.model()
    assert isinstance(model, LinesTableModel)
    titles = view.horizontalHeader()
    assert isinstance(titles, ColumnTitles)

    def qts() -> QSize:
        plain = QHeaderView(Qt.Orientation.Horizontal)
        qtbot.addWidget(plain)
        plain.setModel(model)
        for section in range(titles.count()):
            plain.setSectionHidden(section, titles.isSectionHidden(section))
        plain.setFont(titles.font())
        plain.setStyle(titles.style())
        return plain.sizeHint()

    assert titles.sizeHint() == qts()
    session.scan("SKU0002")
    assert titles.sizeHint() == qts()
    for column in range(model.columnCount()):
        view.setColumnHidden(column, column % 2 == 1)
    assert titles.sizeHint() == qts()
    model.set_blind(True)
    assert titles.sizeHint() == qts()
    style_sheet, font = qapp.styleSheet(), qapp.font()
    try:
        apply_theme(qapp, large_type=True)
        qtbot.wait(10)
        assert titles.sizeHint() == qts()
    finally:
        qapp.setStyleSheet(style_sheet)
        qapp.setFont(font)


@pytest.mark.parametrize("look", ["station theme", "plain Qt"])
def test_row_numbers_drawn_from_memory_look_as_qt_paints_them(
    qtbot: Any, request: pytest.FixtureRequest, look: str
) -> None:
    if look == "station theme":
        request.getfixturevalue("themed")
    view, session = _table(qtbot, [p.sku for p in PRODUCTS[:30]])
    header = view.verticalHeader()
    assert isinstance(header, RowNumbers)

    def shown(*, remember: bool) -> QImage:
        header.remember = remember
        header.viewport().repaint()  # the first paint fills the memory when remembering
        header.viewport().repaint()
        return header.viewport().grab().toImage()

    pictures = []
    for row in (3, 5, 29):
        view.selectRow(row)
        view.scrollTo(view.model().index(row, 0))
        qtbot.wait(10)
        remembered, painted = shown(remember=True), shown(remember=False)
        assert remembered == painted, f"row numbers differ from Qt's with row {row} selected"
        pictures.append(remembered)
    assert pictures[0] != pictures[2]  # scrolled: other numbers
    session.scan(PRODUCTS[40].sku)  # a row added: its number appears
    qtbot.wait(10)
    assert shown(remember=True) == shown(remember=False)


def _scroll_to_end_and_paint(qtbot: Any, view: LinesTableView) -> None:
    view.scrollTo(view.model().index(view.model().rowCount() - 1, 0))
    view.verticalHeader().viewport().repaint()
    qtbot.wait(10)


@pytest.mark.parametrize("look", ["station theme", "plain Qt"])
def test_a_new_products_row_number_is_the_only_one_qt_paints(
    qtbot: Any, request: pytest.FixtureRequest, look: str
) -> None:
    """Where the style draws a last section as a middle one (both looks here do), the number that stops
    being the last keeps its pixmap: one section painted by Qt per new product, not two."""
    if look == "station theme":
        request.getfixturevalue("themed")
    view, session = _table(qtbot, [p.sku for p in PRODUCTS[:30]])
    header = view.verticalHeader()
    assert isinstance(header, RowNumbers)
    _scroll_to_end_and_paint(qtbot, view)
    for product in PRODUCTS[30:33]:
        kept = len(header._painted)
        session.scan(product.sku)
        _scroll_to_end_and_paint(qtbot, view)
        assert len(header._painted) == kept + 1, "more than the new number was painted by Qt"
    assert set(header._end_like_middle.values()) == {True}


def test_a_style_that_draws_the_last_section_its_own_way_is_followed(
    qtbot: Any, plain: QApplication
) -> None:
    """A style whose last section differs (here: a red bar) keeps "last" in the pixmap's key, so the number
    that stops being the last is painted again as a middle one, and the pixels stay Qt's."""
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOption, QStyleOptionHeader, QWidget

    class LastInRed(QProxyStyle):
        def drawControl(
            self,
            element: QStyle.ControlElement,
            option: QStyleOption,
            painter: QPainter,
            widget: QWidget | None = None,
        ) -> None:
            super().drawControl(element, option, painter, widget)
            is_end = (
                isinstance(option, QStyleOptionHeader)
                and option.position == QStyleOptionHeader.SectionPosition.End
            )
            if element == QStyle.ControlElement.CE_Header and is_end:
                painter.fillRect(option.rect.adjusted(0, 0, 0, -option.rect.height() // 2), Qt.red)

    view, session = _table(qtbot, [p.sku for p in PRODUCTS[:30]])
    header = view.verticalHeader()
    assert isinstance(header, RowNumbers)
    style = LastInRed("fusion")
    style.setParent(header)  # lives as long as the header that draws with it
    header.setStyle(style)

    def shown(*, remember: bool) -> QImage:
        header.remember = remember
        header.viewport().repaint()
        return header.viewport().grab().toImage()

    _scroll_to_end_and_paint(qtbot, view)
    assert shown(remember=True) == shown(remember=False)
    session.scan(PRODUCTS[30].sku)
    _scroll_to_end_and_paint(qtbot, view)
    assert shown(remember=True) == shown(remember=False), "the former last number kept its red bar"
    assert set(header._end_like_middle.values()) == {False}
