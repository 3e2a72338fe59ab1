"""The lines table's cells, painted in one Python call per paint, as QTableView paints them.

QTableView paints each cell through calls from C++ into Python (the model's `flags`, its `rowCount` and
`columnCount` to make the cell's index, the delegate's `paint`), ~35 µs a cell whatever the cell holds.
A scan that lands on a row off screen scrolls the table there and repaints every visible cell, and that was
3–4 ms of the 8 ms a scan may take to reach the screen (bench/bench_scan.py). Here one call walks the dirty
rows and columns exactly as `QTableView::paintEvent` does (the same rectangles, alternate rows, selection,
focus and grid), reads each row from the model once (`LinesTableModel.shown_row`) and draws an ordinary cell
from the delegate's plan: the style's row panel, the cell's background, its laid-out text. A row of ordinary
cells is remembered as the drawing operations it comes to (`PaintMemory`), so painting it again is a few C++
calls a cell. A cell that is selected, current with focus, under the mouse or disabled goes the way Qt draws
it: a copy of the option with that state, the style's row panel, then the delegate's `paint`.

What this does not mirror (spans, hidden rows, moved sections, right-to-left, a drag in flight, a second
delegate, a root index) the view leaves to Qt: `LinesTableView.paintEvent` asks `LinesTableView.can_paint_itself`
first. tests/ui/test_lines_painter.py paints the same tables both ways and compares them pixel for pixel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QLineF, QRect, Qt
from PySide6.QtGui import (
    QColor,
    QCursor,
    QFont,
    QImage,
    QPainter,
    QPalette,
    QPen,
    QStaticText,
    qAlpha,
)
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem, QTableView

if TYPE_CHECKING:
    from collections.abc import Iterable

    from PySide6.QtCore import QItemSelection, QItemSelectionRange
    from PySide6.QtGui import QPaintEvent

    from intake_gui.ui.lines_delegate import LinesDelegate
    from intake_gui.ui.lines_model import LinesTableModel

_SELECTED = QStyle.StateFlag.State_Selected.value
_ENABLED = QStyle.StateFlag.State_Enabled.value
_MOUSE_OVER = QStyle.StateFlag.State_MouseOver.value
_HAS_FOCUS = QStyle.StateFlag.State_HasFocus.value
_ROW_PANEL = QStyle.PrimitiveElement.PE_PanelItemViewRow
_ALTERNATE = QStyleOptionViewItem.ViewItemFeature.Alternate
_ITEM_ENABLED = Qt.ItemFlag.ItemIsEnabled.value
_ITEM_SELECTABLE = Qt.ItemFlag.ItemIsSelectable.value


_NONE: frozenset[int] = frozenset()


class _AskStyle:
    """The style's row panel is not a plain fill: ask the style for every cell, as Qt does."""


ASK_STYLE = _AskStyle()


def paint_cells(
    view: QTableView,
    event: QPaintEvent,
    model: LinesTableModel,
    delegate: LinesDelegate,
    memory: PaintMemory,
) -> None:
    """Paint the dirty part of the view's viewport: what `QTableView.paintEvent` would paint there."""
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    painter = QPainter(view.viewport())
    try:
        _Walk(view, option, painter, model, delegate, memory).paint(event)
    finally:
        painter.end()


_Fill = tuple[int, int, QColor]
"""x and width of a fill across the row's height, and its colour."""
_Text = tuple[int, int, QStaticText, QFont, QColor]
"""x and y (from the row's top) of a laid-out text, in its font and colour."""
_AskedPanel = tuple[int, int]
"""x and width of a cell whose row panel the style draws."""
_Op = _Fill | _AskedPanel | _Text


class PaintMemory:
    """What the painter keeps from one paint to the next, for as long as the table's look stays the same.

    `panels`: what the style's row panel is (`RowPanels`). `rows`: for an ordinary row (no selected, focused,
    hovered or disabled cell) at a given size, alternation and set of columns, the drawing operations its
    cells come to, in Qt's order: a screenful is then a few C++ calls a cell and almost no Python. A row is
    known by its cells (the model makes new ones when the row changes), so nothing here outlives a change."""

    ROWS_KEPT = 1024

    def __init__(self) -> None:
        self.panels = RowPanels()
        self.rows: dict[tuple[object, ...], tuple[list[dict[int, Any]], tuple[_Op, ...]]] = {}

    def clear(self) -> None:
        self.panels.clear()
        self.rows.clear()


class RowPanels:
    """What the style's row panel is under an ordinary cell, found out once per look.

    Before the delegate paints a cell, QTableView asks the style for the cell's row panel
    (`PE_PanelItemViewRow`). Under an unselected cell the usual styles draw nothing, or fill the cell with
    the alternate-row colour, and asking takes ~8 µs a cell through a style sheet: a tenth of a full repaint.
    So the style is asked once per look (style, palette, state, alternate or not, row height), into a small
    image: if it drew nothing, nothing is drawn; if it drew one opaque colour all over, that colour is filled
    in; anything else (a gradient, a pattern, see-through) and the style is asked for every cell.
    """

    WIDTH = 24
    KEPT = 64

    def __init__(self) -> None:
        self._known: dict[tuple[int, ...], QColor | _AskStyle | None] = {}

    def clear(self) -> None:
        self._known.clear()

    def fill(
        self,
        view: QTableView,
        option: QStyleOptionViewItem,
        features: QStyleOptionViewItem.ViewItemFeature,
        height: int,
    ) -> QColor | _AskStyle | None:
        """The colour to fill an ordinary cell's panel with, None for no panel, or ASK_STYLE."""
        style = view.style()
        palette = option.palette
        key = (
            id(style),
            palette.cacheKey(),
            palette.currentColorGroup().value,
            option.state.value,
            features.value,
            height,
            int(view.hasFocus()),
        )
        if key in self._known:
            return self._known[key]
        found: QColor | _AskStyle | None = ASK_STYLE
        if height > 0:
            image = QImage(self.WIDTH, height, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(0)
            probe = QStyleOptionViewItem(option)
            probe.rect = QRect(0, 0, self.WIDTH, height)
            probe.features = features
            painter = QPainter(image)
            try:
                style.drawPrimitive(_ROW_PANEL, probe, painter, view)
            finally:
                painter.end()
            colours = {image.pixel(x, y) for x in range(self.WIDTH) for y in range(height)}
            if colours == {0}:
                found = None
            elif len(colours) == 1 and qAlpha(next(iter(colours))) == 255:
                found = QColor.fromRgba(next(iter(colours)))
        if len(self._known) >= self.KEPT:
            self._known.clear()
        self._known[key] = found
        return found


class _Walk:
    """One paint: what every cell shares, worked out once, then the cells of each dirty rectangle."""

    def __init__(
        self,
        view: QTableView,
        option: QStyleOptionViewItem,
        painter: QPainter,
        model: LinesTableModel,
        delegate: LinesDelegate,
        memory: PaintMemory,
    ) -> None:
        self.view, self.option, self.painter = view, option, painter
        self.model, self.delegate = model, delegate
        self.style = view.style()
        self.rows_header, self.columns_header = view.verticalHeader(), view.horizontalHeader()
        self.gap = 1 if view.showGrid() else 0
        self.alternate = view.alternatingRowColors()
        self.state = option.state.value
        self.enabled = bool(self.state & _ENABLED)
        features = option.features
        self.features = (features & ~_ALTERNATE, features | _ALTERNATE)
        # An ordinary cell's option: the one Qt's drawCell gives an enabled, unselected cell.
        self.plain = QStyleOptionViewItem(option)
        if self.enabled:
            self.plain.palette.setCurrentColorGroup(QPalette.ColorGroup.Normal)
        selection = view.selectionModel()
        self.selected = (
            [(s.top(), s.bottom(), s.left(), s.right()) for s in _ranges(selection.selection())]
            if selection is not None
            else []
        )
        current = view.currentIndex()
        viewport = view.viewport()
        self.focus: tuple[int, int] | None = None
        if current.isValid() and (view.hasFocus() or viewport.hasFocus()):
            self.focus = (current.row(), current.column())
        self.hover: tuple[int, int] | None = None
        if viewport.underMouse():
            # Where Qt's view keeps its hover index: the cell under the pointer.
            at = view.indexAt(viewport.mapFromGlobal(QCursor.pos()))
            if at.isValid():
                self.hover = (at.row(), at.column())
        self.columns: dict[int, tuple[int, int] | None] = {}
        self.drawn: set[tuple[int, int]] | None = None
        """Cells painted so far, kept only when the dirty region has more than one rectangle (as Qt does, so
        that no cell is painted twice)."""
        self.panels = memory.panels
        self.row_ops = memory.rows
        self.panel_of: dict[tuple[int, int], QColor | _AskStyle | None] = {}

    def column(self, c: int) -> tuple[int, int] | None:
        """Column `c`'s x and cell width, or None when it is hidden."""
        if c not in self.columns:
            view = self.view
            self.columns[c] = (
                None
                if self.columns_header.isSectionHidden(c)
                else (view.columnViewportPosition(c), view.columnWidth(c) - self.gap)
            )
        return self.columns[c]

    def paint(self, event: QPaintEvent) -> None:
        region = event.region()
        if region.rectCount() > 1:
            self.drawn = set()
        rows_header, columns_header = self.rows_header, self.columns_header
        n_rows, n_columns = rows_header.count(), columns_header.count()
        if n_rows == 0 or n_columns == 0:
            return
        x_end = columns_header.length() - columns_header.offset() - 1
        y_end = rows_header.length() - rows_header.offset() - 1
        for dirty in cast("Iterable[QRect]", region):  # QRegion iterates its rectangles
            dirty.setBottom(min(dirty.bottom(), y_end))
            dirty.setRight(min(dirty.right(), x_end))
            if not dirty.isValid():
                continue
            left = columns_header.visualIndexAt(dirty.left())
            right = columns_header.visualIndexAt(dirty.right())
            left = 0 if left == -1 else left
            right = n_columns - 1 if right == -1 else right
            bottom = rows_header.visualIndexAt(dirty.bottom())
            bottom = n_rows - 1 if bottom == -1 else bottom
            top = rows_header.visualIndexAt(dirty.top())
            if top == -1 or top > bottom:
                continue
            alternate_base = bool(top & 1) and self.alternate
            columns = tuple(
                (c, *placed)
                for c in range(left, right + 1)
                if (placed := self.column(c)) is not None
            )
            for row in range(top, bottom + 1):
                self.paint_row(row, columns, alternate_base)
                alternate_base = not alternate_base and self.alternate
            if self.gap:
                self.paint_grid(dirty, top, bottom, left, right)

    def paint_row(
        self,
        row: int,
        columns: tuple[tuple[int, int, int], ...],
        alternate_base: bool,
    ) -> None:
        view, drawn = self.view, self.drawn
        shown = self.model.shown_row(row)
        if shown is None:
            return
        cells, flags, common = shown
        y = view.rowViewportPosition(row)
        h = view.rowHeight(row) - self.gap
        features = self.features[alternate_base] if self.alternate else self.option.features
        as_qt = self.cells_as_qt(row, flags, common)
        panel = self.panel(features, h)
        self.plain.features = features
        if not as_qt and drawn is None:
            # The panel is in the key by what it draws: the same row looks otherwise when it changes.
            drawn_panel = panel.rgba() if isinstance(panel, QColor) else panel is not None
            key = (id(cells), columns, h, features.value, self.state, drawn_panel)
            held = self.row_ops.get(key)
            if held is None or held[0] is not cells:
                if len(self.row_ops) >= PaintMemory.ROWS_KEPT:
                    self.row_ops.clear()
                held = self.row_ops[key] = (cells, self.ops(cells, columns, h, panel))
            self.run(held[1], y, h)
            return
        for c, x, w in columns:
            if c >= len(cells):
                continue
            if drawn is not None:
                if (row, c) in drawn:
                    continue
                drawn.add((row, c))
            if c in as_qt:
                self.paint_as_qt(row, c, QRect(x, y, w, h), flags[c].value, features)
            else:
                self.run(self.ops(cells, ((c, x, w),), h, panel), y, h)

    def ops(
        self,
        cells: list[dict[int, Any]],
        columns: tuple[tuple[int, int, int], ...],
        h: int,
        panel: QColor | _AskStyle | None,
    ) -> tuple[_Op, ...]:
        """What ordinary cells come to, cell by cell in Qt's order: the row panel (a fill, or the style asked),
        the background role's fill, the text."""
        plan, state, n = self.delegate.plan, self.state, len(cells)
        ops: list[_Op] = []
        for c, x, w in columns:
            if c >= n:
                continue
            if isinstance(panel, _AskStyle):
                ops.append((x, w))
            elif panel is not None:
                ops.append((x, w, panel))
            cell = plan(cells[c], w, h, state)
            if cell.background is not None:
                ops.append((x, w, cell.background))
            if cell.text is not None:
                ops.append((x + cell.dx, cell.dy, cell.text, cell.font, cell.colour))
        return tuple(ops)

    def run(self, ops: tuple[_Op, ...], y: int, h: int) -> None:
        """Draw `ops` (from `ops`) for a row whose top is at `y`; the painter is left as it was found."""
        painter, plain = self.painter, self.plain
        font = pen = None
        painter.save()
        for op in ops:
            if len(op) == 3:
                painter.fillRect(op[0], y, op[1], h, op[2])
            elif len(op) == 2:
                plain.rect = QRect(op[0], y, op[1], h)
                self.style.drawPrimitive(_ROW_PANEL, plain, painter, self.view)
            else:
                x, dy, text, text_font, colour = op
                if text_font is not font:
                    painter.setFont(font := text_font)
                if colour is not pen:
                    painter.setPen(pen := colour)
                painter.drawStaticText(x, y + dy, text)
        painter.restore()

    def panel(
        self, features: QStyleOptionViewItem.ViewItemFeature, height: int
    ) -> QColor | _AskStyle | None:
        """The row panel of an ordinary cell (`RowPanels`), looked up once per paint for each kind of row."""
        key = (features.value, height)
        if key not in self.panel_of:
            self.panel_of[key] = self.panels.fill(self.view, self.plain, features, height)
        return self.panel_of[key]

    def cells_as_qt(self, row: int, flags: list[Qt.ItemFlag], common: int) -> frozenset[int]:
        """The columns of `row` whose cell is not an ordinary one: selected, disabled, current with focus or
        under the mouse. Those are painted the way Qt paints them."""
        odd: set[int] = set()
        if self.enabled and not common & _ITEM_ENABLED:
            odd.update(c for c, flag in enumerate(flags) if not flag.value & _ITEM_ENABLED)
        for top, bottom, left, right in self.selected:
            if top <= row <= bottom:
                odd.update(
                    c
                    for c in range(max(0, left), min(right, len(flags) - 1) + 1)
                    if flags[c].value & _ITEM_SELECTABLE
                )
        for cell in (self.focus, self.hover):
            if cell is not None and cell[0] == row:
                odd.add(cell[1])
        return frozenset(odd) if odd else _NONE

    def _in_selection(self, row: int, c: int) -> bool:
        return any(t <= row <= b and lo <= c <= hi for t, b, lo, hi in self.selected)

    def paint_as_qt(
        self,
        row: int,
        c: int,
        rect: QRect,
        flag: int,
        features: QStyleOptionViewItem.ViewItemFeature,
    ) -> None:
        """One cell exactly as `QTableViewPrivate::drawCell` paints it."""
        option = QStyleOptionViewItem(self.option)
        option.rect = rect
        option.features = features
        state = self.state
        if flag & _ITEM_SELECTABLE and self._in_selection(row, c):
            state |= _SELECTED
        if self.hover == (row, c):
            state |= _MOUSE_OVER
        if self.enabled:
            if flag & _ITEM_ENABLED:
                option.palette.setCurrentColorGroup(QPalette.ColorGroup.Normal)
            else:
                state &= ~_ENABLED
                option.palette.setCurrentColorGroup(QPalette.ColorGroup.Disabled)
        if self.focus == (row, c):
            state |= _HAS_FOCUS
        option.state = QStyle.StateFlag(state)
        self.style.drawPrimitive(_ROW_PANEL, option, self.painter, self.view)
        self.delegate.paint(self.painter, option, self.model.index(row, c))

    def paint_grid(self, dirty: QRect, top: int, bottom: int, left: int, right: int) -> None:
        """The grid lines over one dirty rectangle, where and as `QTableView::paintEvent` draws them."""
        view, painter, style, option = self.view, self.painter, self.style, self.option
        hint = style.styleHint(QStyle.StyleHint.SH_Table_GridLineColor, option, view)
        colour = QColor.fromRgba(hint & 0xFFFFFFFF)
        old = painter.pen()
        painter.setPen(QPen(colour, 1, view.gridStyle()))
        gap = self.gap
        # The same lines, in the same order, as Qt's one by one; drawn by one call.
        x0, x1, y0, y1 = (
            dirty.left() + 0.5,
            dirty.right() + 0.5,
            dirty.top() + 0.5,
            dirty.bottom() + 0.5,
        )
        lines = []
        for row in range(top, bottom + 1):
            y = view.rowViewportPosition(row) + view.rowHeight(row) - gap + 0.5
            lines.append(QLineF(x0, y, x1, y))
        for c in range(left, right + 1):
            placed = self.column(c)
            if placed is not None:
                # x + the cell's width, which is the column's less the grid line
                x = placed[0] + placed[1] + 0.5
                lines.append(QLineF(x, y0, x, y1))
        painter.drawLines(lines)
        if style.styleHint(QStyle.StyleHint.SH_Table_AlwaysDrawLeftTopGridLines, option, view):
            if self.columns_header.isHidden():
                y = view.rowViewportPosition(top)
                if y == dirty.top():
                    painter.drawLine(dirty.left(), y, dirty.right(), y)
            if self.rows_header.isHidden():
                placed = self.column(left)
                if placed is not None and placed[0] == dirty.left():
                    painter.drawLine(placed[0], dirty.top(), placed[0], dirty.bottom())
        painter.setPen(old)


def _ranges(selection: QItemSelection) -> Iterable[QItemSelectionRange]:
    """A selection's ranges (it is a list of them; the type stubs do not say it iterates)."""
    return cast("Iterable[QItemSelectionRange]", selection)
