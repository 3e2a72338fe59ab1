"""The Products page's table: a thin Qt view of a ScanSession's merged expected/scanned rows.

The session owns the lines; this model only mirrors `session.rows()`. After each change it compares the new
rows with the ones it shows and tells the view exactly what moved (rows inserted or removed, `dataChanged`
for the rows that differ), so a scan repaints one row, not the table. Edits go back through the session,
which validates them; a refused edit leaves the row as it was and its message goes out on `edit_rejected`.
"""

from __future__ import annotations

from decimal import Decimal
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from intake_gui.domain.quantities import format_amount, format_quantity, format_signed
from intake_gui.domain.scan_session import ChangeEvent, ChangeKind, Row, RowStatus, ScanSession

ModelIndex = QModelIndex | QPersistentModelIndex
ShownRow = tuple[list[dict[int, Any]], list[Qt.ItemFlag], int]
"""One row as shown: each cell's roles, each cell's flags, and the flags every cell has (as an int)."""


class Column(IntEnum):
    PRODUCT = 0
    SKU = 1
    EXPECTED = 2
    SCANNED = 3
    DIFFERENCE = 4
    UNIT_COST = 5
    LINE_TOTAL = 6
    PACKAGE_TAG = 7
    LOT = 8
    EXPIRATION = 9
    REASON = 10


TITLES = {
    Column.PRODUCT: "Product",
    Column.SKU: "SKU",
    Column.EXPECTED: "Expected",
    Column.SCANNED: "Counted",
    Column.DIFFERENCE: "Difference",
    Column.UNIT_COST: "Unit cost",
    Column.LINE_TOTAL: "Line total",
    Column.PACKAGE_TAG: "Package tag",
    Column.LOT: "Lot",
    Column.EXPIRATION: "Expires",
    Column.REASON: "Reason",
}
BLIND_HIDDEN = frozenset({Column.EXPECTED, Column.DIFFERENCE, Column.REASON})
"""A blind count must not show what the manifest says, nor invite explaining a difference it cannot see."""
_NUMERIC = frozenset(
    {Column.EXPECTED, Column.SCANNED, Column.DIFFERENCE, Column.UNIT_COST, Column.LINE_TOTAL}
)
_LINE_FIELDS = {
    Column.PACKAGE_TAG: "package_tag",
    Column.LOT: "lot",
    Column.EXPIRATION: "expiration",
}
_ROW_EVENTS = frozenset(
    {
        ChangeKind.LINE_ADDED,
        ChangeKind.LINE_CHANGED,
        ChangeKind.LINE_REMOVED,
        ChangeKind.EXPECTED_LOADED,
        ChangeKind.REASON_SET,
        ChangeKind.CODE_MAPPED,
        ChangeKind.CODE_UNMAPPED,
        ChangeKind.RESET,
    }
)
_HIGHLIGHT_CAUSES = frozenset({"scan", "search", "map"})

STATUS_COLOURS = {
    RowStatus.OVER: QColor(255, 176, 32, 70),
    RowStatus.SHORT: QColor(230, 60, 60, 60),
    RowStatus.UNEXPECTED: QColor(150, 90, 220, 60),
    RowStatus.OK: QColor(40, 170, 90, 45),
}
HIGHLIGHT_COLOUR = QColor(60, 140, 255, 90)
STATUS_WORDS = {
    RowStatus.OVER: "More than the manifest says",
    RowStatus.SHORT: "Less than the manifest says",
    RowStatus.UNEXPECTED: "Not on the manifest",
    RowStatus.OK: "Matches the manifest",
    RowStatus.COUNTED: "",
}

_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_EDIT = Qt.ItemDataRole.EditRole.value
_ALIGN = Qt.ItemDataRole.TextAlignmentRole.value
_BACKGROUND = Qt.ItemDataRole.BackgroundRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_FONT = Qt.ItemDataRole.FontRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_LEFT = int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value)
_GREY = QColor(128, 128, 128)

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
"""data(index, ROW_ROLE) is the session's Row for that table row."""
KEY_ROLE = Qt.ItemDataRole.UserRole + 2


def format_qty(value: Decimal | None) -> str:
    return format_quantity(value)  # [input] the one quantity formatter (station's decimal mark)


def format_diff(value: Decimal | None) -> str:
    return format_signed(value)  # [input]


def format_money(value: Decimal | None) -> str:
    return "no cost" if value is None else f"${value:,.2f}"


class LinesTableModel(QAbstractTableModel):
    edit_rejected = Signal(str)
    """An edit the session refused, with its message for the clerk."""
    row_highlighted = Signal(int)
    """The row a scan or search just changed; the view scrolls to it."""

    def __init__(
        self, session: ScanSession, parent: QObject | None = None, *, blind: bool = False
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._blind = blind
        self._columns = self._visible_columns()
        self._rows: list[Row] = self._visible_rows()
        self._highlight_key = ""
        self._cell_cache: dict[str, tuple[Row, bool, ShownRow]] = {}
        self._shown: list[ShownRow | None] = []
        """Per table row, the row as shown now (`ShownRow`; None: not asked for since the row changed).
        The view asks for seven roles of every visible cell on every paint, each a call from C++ into
        Python; this list makes each such call one index, which is most of what a full repaint costs."""
        self._bold = QFont()
        self._bold.setBold(True)
        self._unsubscribe = session.subscribe(self._on_change)

    # -- public ----------------------------------------------------------------------------------------

    @property
    def session(self) -> ScanSession:
        return self._session

    @property
    def blind(self) -> bool:
        return self._blind

    def set_blind(self, blind: bool) -> None:
        if blind == self._blind:
            return
        self.beginResetModel()
        self._blind = blind
        self._columns = self._visible_columns()
        self._rows = self._visible_rows()
        self._shown.clear()
        self._cell_cache.clear()
        self.endResetModel()

    def column_of(self, column: Column) -> int:
        """The view column showing `column`, or -1 when it is hidden (blind count)."""
        try:
            return self._columns.index(column)
        except ValueError:
            return -1

    def row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, key: str) -> int:
        for i, row in enumerate(self._rows):
            if row.key == key:
                return i
        return -1

    def highlight_row(self, row: int) -> None:
        """Mark one row as the one just changed (and un-mark the previous one)."""
        old = self.row_of(self._highlight_key) if self._highlight_key else -1
        target = self.row_at(row)
        self._highlight_key = target.key if target else ""
        for r in dict.fromkeys((old, row)):
            if 0 <= r < len(self._rows):
                self._row_changed(r)
        if target is not None:
            self.row_highlighted.emit(row)

    @property
    def highlighted_row(self) -> int:
        return self.row_of(self._highlight_key) if self._highlight_key else -1

    def detach(self) -> None:
        """Stop listening to the session (the page is closing or switching drafts)."""
        self._unsubscribe()

    # -- Qt model API ----------------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return TITLES[self._columns[section]] if 0 <= section < len(self._columns) else None
        return str(section + 1)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cells = self.cell_roles(index.row(), index.column())
        return cells.get(role) if cells is not None else None

    def cell_roles(self, r: int, c: int) -> dict[int, Any] | None:
        """Every role of one cell as `data()` answers them (the lines delegate paints from this), or None."""
        entry = self.shown_row(r)
        if entry is None:
            return None
        cells = entry[0]
        return cells[c] if 0 <= c < len(cells) else None

    def shown_row(self, r: int) -> ShownRow | None:
        """Row `r` as shown: every cell's roles and flags (the lines painter reads a row with one call)."""
        shown = self._shown
        entry = shown[r] if 0 <= r < len(shown) else None
        if entry is None:
            if not 0 <= r < len(self._rows):
                return None
            entry = self._show(r)
        return entry

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        entry = self.shown_row(index.row())
        if entry is None:
            return Qt.ItemFlag.NoItemFlags
        flags = entry[1]
        c = index.column()
        return flags[c] if 0 <= c < len(flags) else Qt.ItemFlag.NoItemFlags

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            role != Qt.ItemDataRole.EditRole
            or not index.isValid()
            or not (0 <= index.row() < len(self._rows))
        ):
            return False
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if not self._editable(row, column):
            return False
        error = self._apply_edit(row, column, value)
        if error:
            self.edit_rejected.emit(error)
            return False
        return True

    # -- internals -------------------------------------------------------------------------------------

    def _show(self, r: int) -> ShownRow:
        """Row `r` as shown, computed once per row version, and noted as shown at `r`.

        A view asks about seven roles per visible cell on each paint; answering from a dict keeps a full
        repaint of the table cheap (the Python call is the cost, not the answer).
        """
        row = self._rows[r]
        lit = row.key == self._highlight_key
        cached = self._cell_cache.get(row.key)
        if cached is not None and cached[0] is row:
            entry = cached[2]
            if cached[1] != lit:
                entry = self._relit(row, lit, entry)
                self._cell_cache[row.key] = (row, lit, entry)
        else:
            cells = [self._cell_roles(row, column, lit) for column in self._columns]
            flags = [self._cell_flags(row, column) for column in self._columns]
            common = ~0
            for flag in flags:
                common &= flag.value
            entry = (cells, flags, common)
            self._cell_cache[row.key] = (row, lit, entry)
        shown = self._shown
        if len(shown) != len(self._rows):
            shown[:] = [None] * len(self._rows)
        shown[r] = entry
        return entry

    def _relit(self, row: Row, lit: bool, entry: ShownRow) -> ShownRow:
        """The same row with its highlight turned on or off: only the background differs, so the cells are
        copied rather than worked out again (the row a new product's scan un-lights, on every such scan)."""
        background = self._background(row, lit)
        cells = [{**roles, _BACKGROUND: background} for roles in entry[0]]
        for roles in cells if background is None else ():
            del roles[_BACKGROUND]  # no background role at all, as `_cell_roles` makes it
        return (cells, entry[1], entry[2])

    def _background(self, row: Row, lit: bool) -> QColor | None:
        return HIGHLIGHT_COLOUR if lit else None if self._blind else STATUS_COLOURS.get(row.status)

    def _cell_roles(self, row: Row, column: Column, lit: bool) -> dict[int, Any]:
        roles: dict[int, Any] = {
            _DISPLAY: self._display(row, column),
            _EDIT: self._edit_value(row, column),
            _ALIGN: _RIGHT if column in _NUMERIC else _LEFT,
            ROW_ROLE: row,
            KEY_ROLE: row.key,
        }
        background = self._background(row, lit)
        if background is not None:
            roles[_BACKGROUND] = background
        if row.line is None:
            roles[_FOREGROUND] = _GREY
        if column == Column.DIFFERENCE and row.difference:
            roles[_FONT] = self._bold
        tip = self._tooltip(row)
        if tip:
            roles[_TOOLTIP] = tip
        return roles

    def _cell_flags(self, row: Row, column: Column) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable(row, column):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def _visible_columns(self) -> list[Column]:
        return [c for c in Column if not (self._blind and c in BLIND_HIDDEN)]

    def _visible_rows(self) -> list[Row]:
        rows = self._session.rows()
        if self._blind:
            return [r for r in rows if r.line is not None]
        return list(rows)

    def _on_change(self, event: ChangeEvent) -> None:
        if event.kind not in _ROW_EVENTS:
            return
        if event.kind is ChangeKind.RESET:
            self.beginResetModel()
            self._rows = self._visible_rows()
            self._shown.clear()
            self.endResetModel()
            return
        self._sync()
        if (
            event.cause in _HIGHLIGHT_CAUSES
            and event.line_id
            and event.kind is not ChangeKind.LINE_REMOVED
        ):
            row = self.row_of(event.line_id)
            if row >= 0:
                self.highlight_row(row)

    def _sync(self) -> None:
        """Bring the shown rows to the session's, touching only what differs."""
        new = self._visible_rows()
        old = self._rows
        n_old, n_new = len(old), len(new)
        start = 0
        while start < n_old and start < n_new and old[start].key == new[start].key:
            start += 1
        end_old, end_new = n_old, n_new
        while end_old > start and end_new > start and old[end_old - 1].key == new[end_new - 1].key:
            end_old -= 1
            end_new -= 1
        # What is shown of the rows that stay moves with them (a row's cells do not depend on where it is).
        shown = self._shown
        if len(shown) != n_old:
            shown.clear()
        if end_old > start:
            self.beginRemoveRows(QModelIndex(), start, end_old - 1)
            self._rows = old[:start] + old[end_old:]
            del shown[start:end_old]
            self.endRemoveRows()
        if end_new > start:
            self.beginInsertRows(QModelIndex(), start, end_new - 1)
            self._rows = self._rows[:start] + new[start:end_new] + self._rows[start:]
            if shown:
                shown[start:start] = [None] * (end_new - start)
            self.endInsertRows()
        # A row the change did not touch is the same object as before (the session's `build_rows` memo), and
        # one merely equal keeps the shown object too, so its cells stay cached (`_show` checks identity)
        # and a full repaint (a scan that scrolls the table to an earlier row) recomputes nothing it does
        # not have to.
        rows = list(new)
        changed = []
        for i in range(n_new):
            if start <= i < end_new:
                continue
            kept = self._rows[i]
            if kept is new[i] or kept == new[i]:
                rows[i] = kept
            else:
                changed.append(i)
        self._rows = rows
        if len(self._cell_cache) > 2 * len(new) + 16:
            live = {row.key for row in new}
            self._cell_cache = {k: v for k, v in self._cell_cache.items() if k in live}
        for i in changed:
            self._row_changed(i)

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self._shown):
            self._shown[row] = None
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self._columns) - 1))

    def _display(self, row: Row, column: Column) -> str:
        line = row.line
        if column == Column.PRODUCT:
            return row.name
        if column == Column.SKU:
            return row.sku
        if column == Column.EXPECTED:
            return format_qty(row.expected)
        if column == Column.SCANNED:
            return format_qty(row.scanned) if line is not None or row.expected is not None else ""
        if column == Column.DIFFERENCE:
            return format_diff(row.difference)
        if column == Column.REASON:
            return row.reason if row.is_variance or row.reason else ""
        if line is None:
            return ""
        if column == Column.UNIT_COST:
            return format_money(line.unit_cost)
        if column == Column.LINE_TOTAL:
            return format_money(line.line_total if line.unit_cost is not None else None)
        if column == Column.PACKAGE_TAG:
            return line.package_tag
        if column == Column.LOT:
            return line.lot
        if column == Column.EXPIRATION:
            return line.expiration.isoformat() if line.expiration else ""
        return ""

    def _edit_value(self, row: Row, column: Column) -> str:
        line = row.line
        if column == Column.SCANNED:
            return format_qty(row.scanned) if line is not None else ""
        if column == Column.UNIT_COST and line is not None:
            return format_amount(line.unit_cost)  # [input] in the station's decimal mark
        if column == Column.REASON:
            return row.reason
        return self._display(row, column)

    def _editable(self, row: Row, column: Column) -> bool:
        if column == Column.SCANNED:
            return row.line is not None or row.product_id is not None
        if column in (Column.UNIT_COST, Column.PACKAGE_TAG, Column.LOT, Column.EXPIRATION):
            return row.line is not None
        if column == Column.REASON:
            return not self._blind and row.head and row.status is not RowStatus.COUNTED
        return False

    def _apply_edit(self, row: Row, column: Column, value: Any) -> str | None:
        session = self._session
        line = row.line
        if column == Column.SCANNED:
            if line is not None:
                return session.set_quantity(line.line_id, value)
            product = session.index.by_id(row.product_id) if row.product_id is not None else None
            if product is None:
                return (
                    "This manifest line matches no product in the catalog; scan or search it first."
                )
            outcome = session.add_product(product, value)
            return outcome.message if not outcome.counted else None
        if line is None:
            return "Scan or add this product before editing it."
        if column == Column.UNIT_COST:
            return session.set_cost(line.line_id, value)
        if column in _LINE_FIELDS:
            return session.set_field(line.line_id, _LINE_FIELDS[column], value)
        if column == Column.REASON:
            return session.set_reason(row.key, "" if value is None else str(value))
        return None

    def _tooltip(self, row: Row) -> str | None:
        if self._blind:
            return None
        if row.line is None:
            return f"Expected {format_qty(row.expected)}, nothing counted yet."
        words = STATUS_WORDS.get(row.status, "")
        if row.is_variance and not row.reason:
            words += " — give a reason before submitting."
        return words or None
