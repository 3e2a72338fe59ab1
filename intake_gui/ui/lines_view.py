"""The Products page's lines table: a QTableView set up for scanning, that repaints only what a new line changed.

A scan of a product not yet in the receive inserts a row. QTableView answers any change in the row count by
laying its items out again and repainting the whole viewport: every visible cell, a few ms each at twenty
rows, on the scan path (bench/bench_scan.py measures it). After a pure insertion, though, the rows above the
new one are exactly as they were, so this view lets the layout run with the viewport's updates held and then
repaints from the first inserted row down; the view's scroll to the new row blits the rest. Anything else
that lays the items out again (rows removed or moved, a reset, a new model, a resize) repaints everything, as
QTableView always does, and so does a layout that resized the viewport or scrolled it sideways.
"""

from __future__ import annotations

import contextlib
from typing import cast

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyleOptionHeader,
    QStyleOptionHeaderV2,
    QTableView,
    QWidget,
)

from intake_gui.ui.lines_delegate import LinesDelegate
from intake_gui.ui.lines_painter import PaintMemory, paint_cells
from intake_gui.ui.theme import density

ROW_HEIGHT = 34
"""Tall enough to hit with a finger on a touch screen at the dock (the roomy density's; compact uses less)."""

_LOOK_CHANGES = (QEvent.Type.StyleChange, QEvent.Type.FontChange, QEvent.Type.PaletteChange)
"""What makes the cells' laid-out texts and remembered drawing stale."""

_END = QStyleOptionHeader.SectionPosition.End
_MIDDLE = QStyleOptionHeader.SectionPosition.Middle

_HOLD = Qt.WidgetAttribute.WA_UpdatesDisabled
"""Set directly rather than through setUpdatesEnabled, whose re-enabling repaints the whole widget."""


class _KeptHeader(QHeaderView):
    """A header that keeps something it worked out (a size, painted sections) until its model, header data or
    look change; `_forget` drops it."""

    def _forget(self, *_args: object) -> None:
        raise NotImplementedError

    def setModel(self, model: QAbstractItemModel | None) -> None:
        old = self.model()
        if old is not None:
            with contextlib.suppress(RuntimeError, TypeError):  # gone already, or never connected
                old.headerDataChanged.disconnect(self._forget)
        super().setModel(model)
        if model is not None:
            model.headerDataChanged.connect(self._forget)
        self._forget()

    def reset(self) -> None:
        self._forget()
        super().reset()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (
            QEvent.Type.StyleChange,
            QEvent.Type.FontChange,
            QEvent.Type.PaletteChange,
            QEvent.Type.EnabledChange,
        ):
            self._forget()
        super().changeEvent(event)


class RowNumbers(_KeptHeader):
    """The row numbers down the table's side: as wide as the first and last need, each drawn once.

    Two costs of Qt's own header land on every scan of a new product. Its width is worked out from up to 200
    sections, four Python `headerData` calls each, whenever a row is added (600 calls at 150 lines); rows are
    numbered 1…n, so the first and last sections give the same width. And every scroll repaints every visible
    section: seven `headerData` calls and a freshly shaped number each, ~1–1.5 ms for a screenful. A section
    looks the same whenever its number, size and state are the same, so Qt paints each such section once into
    a pixmap and later paints draw that; a section under the mouse (hover and press are the header's private
    state) is always painted by Qt.

    A row added makes Qt's header repaint every visible section, although the numbers above it do not
    change: while rows are inserted the header's viewport holds its updates (`_hold`/`_release`), then
    repaints from the number before the first new one down; the view's scroll blits the rest.

    A new product's row adds a number, and the number before it stops being the last. Whether the style
    draws a last section differently from a middle one is asked once per look and section state, by drawing
    both and comparing them (`_end_looks_like_middle`); where it does not, a section's pixmap does not depend
    on being last, and the number before the new one is not painted again.
    """

    SECTIONS_KEPT = 1024
    remember = True
    """False paints every section with Qt each time (tests compare the two)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        # What QTableView sets on the header it makes for itself.
        self.setSectionsClickable(True)
        self.setHighlightSections(True)
        self._painted: dict[tuple[int, ...], QPixmap] = {}
        self._first: QSize | None = None
        """The first section's size (`sizeHint`)."""
        self._look: tuple[frozenset[int], frozenset[int], int, int] | None = None
        """While a paint runs: what its sections share (`_paint_look`)."""
        self._end_like_middle: dict[tuple[int | bool, ...], bool] = {}
        """Per section size and state: whether the style draws a last section as it draws a middle one."""
        self._holding = False
        """Between rows about to be inserted and inserted: this header holds its viewport's updates."""

    def setModel(self, model: QAbstractItemModel | None) -> None:
        old = self.model()
        if old is not None:
            with contextlib.suppress(RuntimeError, TypeError):  # gone already, or never connected
                old.rowsAboutToBeInserted.disconnect(self._hold)
                old.rowsInserted.disconnect(self._release)
        super().setModel(model)  # connects Qt's own slots first: `_release` runs after them
        if model is not None:
            model.rowsAboutToBeInserted.connect(self._hold)
            model.rowsInserted.connect(self._release)

    def _hold(self, parent: QModelIndex, _first: int, _last: int) -> None:
        viewport = self.viewport()
        # Not when updates are off already (a parent's setUpdatesEnabled): that hold is not ours to lift.
        if not parent.isValid() and viewport.isVisible() and not viewport.testAttribute(_HOLD):
            viewport.setAttribute(_HOLD, True)
            self._holding = True

    def _release(self, parent: QModelIndex, first: int, _last: int) -> None:
        if parent.isValid() or not self._holding:
            return
        self._holding = False
        viewport = self.viewport()
        viewport.setAttribute(_HOLD, False)
        # The number before the first new one may change its look (no longer the last); the rest is new.
        top = max(0, self.sectionViewportPosition(max(0, first - 1)))
        if top < viewport.height():
            viewport.update(QRect(0, top, viewport.width(), viewport.height() - top))

    def sizeHint(self) -> QSize:
        last = self.count() - 1
        if last < 0:
            return super().sizeHint()
        if self._first is None:  # "1" whatever the rows: worked out once per model and look
            self._first = self.sectionSizeFromContents(0)
        return self._first.expandedTo(self.sectionSizeFromContents(last))

    def paintSection(self, painter: QPainter, rect: QRect, logical: int) -> None:
        look = self._look
        if look is None:
            super().paintSection(painter, rect, logical)
            return
        x, y, w, h = cast(tuple[int, int, int, int], rect.getRect())
        if w <= 0 or h <= 0:
            return
        touched, whole, last, state = look
        shared = (
            w,
            h,
            logical in touched,
            logical in whole,
            logical - 1 in whole,
            logical + 1 in whole,
            logical == 0,
            state,
        )
        is_last = logical == last
        if is_last and logical > 0 and self._end_looks_like_middle(shared, logical, w, h):
            is_last = False  # drawn as a middle section would be: the same pixmap serves both
        key = (logical, is_last, *shared)
        pixmap = self._painted.get(key)
        if pixmap is None:
            ratio = painter.device().devicePixelRatioF()
            pixmap = QPixmap(rect.size() * ratio)
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            into = QPainter(pixmap)
            try:
                super().paintSection(into, QRect(0, 0, w, h), logical)
            finally:
                into.end()
            if len(self._painted) >= self.SECTIONS_KEPT:
                self._painted.clear()
            self._painted[key] = pixmap
        painter.drawPixmap(x, y, pixmap)

    def _end_looks_like_middle(
        self, shared: tuple[int | bool, ...], logical: int, w: int, h: int
    ) -> bool:
        known = self._end_like_middle.get(shared)
        if known is None:
            option = QStyleOptionHeaderV2()
            self.initStyleOption(option)
            # The section's own state, as QHeaderView.paintSection sets it up.
            self.initStyleOptionForIndex(option, logical)
            option.rect = QRect(0, 0, w, h)
            drawn = []
            for position in (_END, _MIDDLE):
                option.position = position
                image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
                image.fill(Qt.GlobalColor.transparent)
                into = QPainter(image)
                try:
                    self.style().drawControl(QStyle.ControlElement.CE_Header, option, into, self)
                finally:
                    into.end()
                drawn.append(image)
            known = self._end_like_middle[shared] = drawn[0] == drawn[1]
        return known

    def paintEvent(self, event: QPaintEvent) -> None:
        self._look = self._paint_look()
        try:
            super().paintEvent(event)
        finally:
            self._look = None

    def _paint_look(self) -> tuple[frozenset[int], frozenset[int], int, int] | None:
        """What every section's look shares in this paint, worked out once, or None to let Qt paint them all.

        Qt's section look depends on the section's number and size, whether its row is touched or wholly
        selected (and its neighbours' rows), whether it is first or last, and whether the header is enabled and
        in the active window. Selection is read from its ranges (`isRowSelected` asks the model's `flags` of
        every column, 33 Python calls a section). Moved or hidden sections (never done here) and the mouse over
        the header (hover and press are the header's private state) leave the painting to Qt.
        """
        if (
            not self.remember
            or self.underMouse()
            or self.sectionsMoved()
            or self.hiddenSectionCount()
        ):
            return None
        selection = self.selectionModel()
        model = self.model()
        if selection is None or model is None:
            return None
        columns = model.columnCount(self.rootIndex())
        touched: set[int] = set()
        whole: set[int] = set()
        for span in selection.selection():
            rows = range(span.top(), span.bottom() + 1)
            touched.update(rows)
            if span.left() <= 0 and span.right() >= columns - 1:
                whole.update(rows)
        state = int(self.isEnabled()) | int(self.isActiveWindow()) << 1
        return frozenset(touched), frozenset(whole), self.count() - 1, state

    def _forget(self, *_args: object) -> None:
        self._painted = {}  # assigned, not cleared: Qt may report a style change while the header is built
        self._end_like_middle = {}
        self._first = None


class ColumnTitles(_KeptHeader):
    """The column titles, whose height is worked out once, not on every added row.

    Rows inserted into the model reach the horizontal header too, which then forgets its size hint and asks
    the model four roles of every column again (20–44 Python calls on each scan of a new product) to find the
    same height. The titles change only with the columns, the model or the look; the hint is kept until one
    of those does.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        # What QTableView sets on the header it makes for itself.
        self.setSectionsClickable(True)
        self.setHighlightSections(True)
        self._hint: tuple[tuple[object, ...], QSize] | None = None

    def sizeHint(self) -> QSize:
        model = self.model()
        shape = (id(model), self.count(), self.hiddenSectionCount())
        if self._hint is None or self._hint[0] != shape:
            self._hint = (shape, super().sizeHint())
        return QSize(self._hint[1])

    def _forget(self, *_args: object) -> None:
        self._hint = None


class LinesTableView(QTableView):
    paints_itself = True
    """False leaves every paint of the cells to QTableView (tests compare the two)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setVerticalHeader(RowNumbers(self))
        self.setHorizontalHeader(ColumnTitles(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.verticalHeader().setDefaultSectionSize(density().row_height)
        # Tab leaves the table for the next control (Import manifest, Blind count, …) instead of walking its
        # cells: a clerk reaches every control with Tab alone; arrows move within the table.
        self.setTabKeyNavigation(False)
        self._delegate = LinesDelegate(self)
        self.setItemDelegate(self._delegate)
        self._inserted_from: int | None = None
        """The first row inserted since the last layout, while insertions are all that happened."""
        self._changed_rows: list[tuple[int, int]] = []
        """Rows whose data changed since the last layout: QTableView skips repainting them while a layout is
        pending (the layout's full repaint would cover them), so a partial repaint must include them."""
        self._relayout_all = True
        self._model: QAbstractItemModel | None = None
        self._beyond_painter = False
        """Set once spans or other delegates are used: `ui/lines_painter` does not mirror those."""
        self._memory = PaintMemory()
        """What `ui/lines_painter` keeps from paint to paint; forgotten when the look changes."""

    def changeEvent(self, event: QEvent) -> None:
        look = event.type() in _LOOK_CHANGES
        if event.type() == QEvent.Type.StyleChange:
            self.verticalHeader().setDefaultSectionSize(density().row_height)
        if look:
            self._delegate.style_changed()
            self._memory.clear()
        super().changeEvent(event)
        if event.type() == QEvent.Type.StyleChange:
            self._fill_viewport()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fill_viewport()  # the first polish (a style sheet applied before the table existed) is done

    def _fill_viewport(self) -> None:
        """Let the viewport paint its own background, so that repainting it repaints nothing beneath.

        A style sheet that gives the table a background (the station's does, with rounded corners) turns the
        viewport's own fill off and draws the background on the table behind it; then every repaint of the
        viewport (each scan that scrolls the table) also repaints the table's frame and the window under
        it: ~1 ms of the scan-to-screen budget. The viewport fills itself with the same colour (the style
        sheet's background is the palette's base) unless that background is not a plain colour."""
        viewport = self.viewport()
        brush = viewport.palette().brush(viewport.backgroundRole())
        if brush.style() == Qt.BrushStyle.SolidPattern and brush.isOpaque():
            viewport.setAutoFillBackground(True)

    # ---- painting ----------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        lines = self._delegate.lines
        if lines is not None and self.can_paint_itself():
            paint_cells(self, event, lines, self._delegate, self._memory)
        else:
            super().paintEvent(event)

    def can_paint_itself(self) -> bool:
        """Whether this paint is one `ui/lines_painter` paints as Qt would (see its docstring)."""
        rows, columns = self.verticalHeader(), self.horizontalHeader()
        return (
            self.paints_itself
            and not self._beyond_painter
            and self.itemDelegate() is self._delegate
            and self.isLeftToRight()
            and not self.rootIndex().isValid()
            and self.state() != QAbstractItemView.State.DraggingState
            and not rows.hiddenSectionCount()
            and not rows.sectionsMoved()
            and not columns.sectionsMoved()
        )

    def setSpan(self, row: int, column: int, row_span: int, column_span: int) -> None:
        self._beyond_painter = True
        super().setSpan(row, column, row_span, column_span)

    def setItemDelegateForRow(self, row: int, delegate: QAbstractItemDelegate | None) -> None:
        self._beyond_painter = True
        super().setItemDelegateForRow(row, delegate)

    def setItemDelegateForColumn(self, column: int, delegate: QAbstractItemDelegate | None) -> None:
        self._beyond_painter = True
        super().setItemDelegateForColumn(column, delegate)

    # ---- what changed since the last layout --------------------------------------------------------

    def setModel(self, model: QAbstractItemModel | None) -> None:
        old = self._model
        if old is not None:
            # RuntimeError: the old model is already gone, and its connections with it.
            with contextlib.suppress(RuntimeError):
                for signal in self._structural_signals(old):
                    signal.disconnect(self._everything_changed)
        super().setModel(model)
        self._delegate.watch(model)
        self._model = model
        if model is not None:
            for signal in self._structural_signals(model):
                signal.connect(self._everything_changed)
        self._everything_changed()

    @staticmethod
    def _structural_signals(model: QAbstractItemModel) -> tuple[object, ...]:
        return (
            model.rowsRemoved,
            model.rowsMoved,
            model.columnsInserted,
            model.columnsRemoved,
            model.columnsMoved,
            model.layoutChanged,
            model.modelReset,
        )

    def _everything_changed(self, *_args: object) -> None:
        self._relayout_all = True

    def rowsInserted(
        self, parent: QModelIndex | QPersistentModelIndex, start: int, end: int
    ) -> None:
        super().rowsInserted(parent, start, end)
        if parent.isValid():
            self._relayout_all = True
        elif self._inserted_from is None or start < self._inserted_from:
            self._inserted_from = start

    def dataChanged(
        self,
        top_left: QModelIndex | QPersistentModelIndex,
        bottom_right: QModelIndex | QPersistentModelIndex,
        roles: list[int] | None = None,
    ) -> None:
        super().dataChanged(top_left, bottom_right, roles or [])
        if top_left.isValid() and bottom_right.isValid():
            self._changed_rows.append((top_left.row(), bottom_right.row()))
        else:
            self._relayout_all = True

    def reset(self) -> None:
        self._relayout_all = True
        super().reset()

    def scrollTo(
        self,
        index: QModelIndex | QPersistentModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        # Lay out rows inserted since the last layout first: QTableView scrolls within the scroll bar's range,
        # which takes a new row in only when the layout runs. Without this, a scan that overflowed the table
        # scrolled its row only partly into view (tests/perf/test_perf_lines_view.py).
        self.executeDelayedItemsLayout()
        super().scrollTo(index, hint)

    # ---- the layout --------------------------------------------------------------------------------

    def doItemsLayout(self) -> None:
        start, self._inserted_from = self._inserted_from, None
        everything, self._relayout_all = self._relayout_all, False
        changed, self._changed_rows = self._changed_rows, []
        viewport = self.viewport()
        # Updates off already (a parent's setUpdatesEnabled): that hold is not ours to lift; Qt repaints
        # everything when it is lifted.
        if everything or start is None or not viewport.isVisible() or viewport.testAttribute(_HOLD):
            super().doItemsLayout()
            return
        size, left, top_offset = viewport.size(), self.horizontalOffset(), self.verticalOffset()
        viewport.setAttribute(_HOLD, True)
        try:
            super().doItemsLayout()
        finally:
            viewport.setAttribute(_HOLD, False)
        if viewport.size() != size or self.horizontalOffset() != left:
            viewport.update()  # resized or scrolled sideways while held: nothing on screen can be kept
            return
        if self.verticalOffset() != top_offset:
            # Per-item scrolling re-anchors the last row when one is added: do the blit the hold skipped.
            viewport.scroll(0, top_offset - self.verticalOffset())
        width, height = viewport.width(), viewport.height()
        top = max(0, self.rowViewportPosition(start))
        if top < height:
            viewport.update(QRect(0, top, width, height - top))
        for first, last in changed:
            y = self.rowViewportPosition(first)
            bottom = self.rowViewportPosition(last) + self.rowHeight(last)
            if bottom > 0 and y < height:
                viewport.update(QRect(0, max(0, y), width, min(height, bottom) - max(0, y)))
