"""The count window's table: a read-only Qt view of a `CountComparison`, products with their packages under them.

The comparison is recomputed (cheaply, in the domain) after every scan; the model takes the new one and tells
the view what changed. When only numbers change (the usual scan) the row layout is the same and one
`dataChanged` repaints it; a scan that adds a product or package resets the model. "Differences only" hides
matching products and their packages, for the manager who wants the exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from intake_gui.domain.quantities import format_quantity
from intake_gui.domain.shelf_count import (
    CountComparison,
    CountStatus,
    PackageCount,
    ProductCount,
    signed_text,
)

ModelIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    STATUS = 0
    PRODUCT = 1
    SKU = 2
    PACKAGE = 3
    RECEIVED = 4
    POS = 5
    COUNTED = 6
    DIFFERENCE = 7
    NOTE = 8


TITLES = {
    Column.STATUS: "Status",
    Column.PRODUCT: "Product",
    Column.SKU: "SKU",
    Column.PACKAGE: "Package tag",
    Column.RECEIVED: "Received",
    Column.POS: "POS says",
    Column.COUNTED: "Counted",
    Column.DIFFERENCE: "Difference",
    Column.NOTE: "Note",
}
_NUMERIC = frozenset({Column.POS, Column.COUNTED, Column.DIFFERENCE})
STATUS_WORDS = {
    CountStatus.MATCH: "✔ match",
    CountStatus.OVER: "▲ over",
    CountStatus.SHORT: "▼ short",
    CountStatus.NOT_BY_PACKAGE: "– by product",
    CountStatus.UNKNOWN_CODE: "? unknown",
}
"""A shape with every word, because a colour alone fails colour-blind clerks and greyscale printouts."""
STATUS_COLOURS = {
    CountStatus.MATCH: QColor(40, 170, 90, 45),
    CountStatus.OVER: QColor(255, 176, 32, 70),
    CountStatus.SHORT: QColor(230, 60, 60, 60),
    CountStatus.UNKNOWN_CODE: QColor(150, 90, 220, 60),
}
_GREY = QColor(128, 128, 128)


@dataclass(frozen=True, slots=True)
class CountRow:
    product: ProductCount
    package: PackageCount | None = None

    @property
    def is_package(self) -> bool:
        return self.package is not None

    @property
    def status(self) -> CountStatus:
        return self.package.status if self.package is not None else self.product.status

    @property
    def layout_key(self) -> tuple[str, str]:
        pkg = self.package
        return (self.product.key, "" if pkg is None else f"{pkg.package_id}|{pkg.label}")


class CountModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._comparison: CountComparison | None = None
        self._rows: list[CountRow] = []
        self._differences_only = False
        self._bold = QFont()
        self._bold.setBold(True)

    # ---- feeding ----------------------------------------------------------------------------------

    @property
    def comparison(self) -> CountComparison | None:
        return self._comparison

    @property
    def differences_only(self) -> bool:
        return self._differences_only

    def set_differences_only(self, on: bool) -> None:
        if on != self._differences_only:
            self._differences_only = on
            self._relayout()

    def set_comparison(self, comparison: CountComparison | None) -> None:
        self._comparison = comparison
        self._relayout()

    def _relayout(self) -> None:
        rows = self._build()
        if [r.layout_key for r in rows] == [r.layout_key for r in self._rows]:
            changed = [i for i, (a, b) in enumerate(zip(self._rows, rows, strict=True)) if a != b]
            self._rows = rows
            if changed:
                self.dataChanged.emit(
                    self.index(changed[0], 0), self.index(changed[-1], len(Column) - 1)
                )
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def _build(self) -> list[CountRow]:
        if self._comparison is None:
            return []
        rows: list[CountRow] = []
        for product in self._comparison.products:
            if self._differences_only and not product.status.is_variance:
                continue
            rows.append(CountRow(product))
            rows.extend(CountRow(product, package) for package in product.packages)
        return rows

    # ---- reading ----------------------------------------------------------------------------------

    def row_at(self, row: int) -> CountRow:
        return self._rows[row]

    def rows(self) -> list[CountRow]:
        return list(self._rows)

    def find_product(self, product_id: int) -> int:
        """Row of a product's head row, -1 if it is not shown."""
        for i, r in enumerate(self._rows):
            if not r.is_package and r.product.product_id == product_id:
                return i
        return -1

    # ---- Qt model ---------------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return TITLES[Column(section)]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            note = row.package.note if row.package is not None else row.product.note
            return note or None
        if role == Qt.ItemDataRole.BackgroundRole:
            return STATUS_COLOURS.get(row.status)
        if role == Qt.ItemDataRole.ForegroundRole and row.status is CountStatus.NOT_BY_PACKAGE:
            return _GREY
        if role == Qt.ItemDataRole.FontRole and not row.is_package:
            return self._bold if row.status.is_variance else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    @staticmethod
    def _text(row: CountRow, column: Column) -> str:
        product, package = row.product, row.package
        if column is Column.STATUS:
            return STATUS_WORDS[row.status]
        if package is None:
            return {
                Column.PRODUCT: product.name or product.sku,
                Column.SKU: product.sku,
                Column.PACKAGE: "",
                Column.RECEIVED: "",
                Column.POS: format_quantity(product.expected) if product.in_pos else "—",
                Column.COUNTED: format_quantity(product.counted),
                Column.DIFFERENCE: signed_text(product.difference),
                Column.NOTE: product.note,
            }[column]
        rank = f"#{package.fifo_rank} " if package.fifo_rank is not None else ""
        return {
            Column.PRODUCT: f"    {rank}package",
            Column.SKU: "",
            Column.PACKAGE: package.label
            or (str(package.package_id) if package.package_id else ""),
            Column.RECEIVED: package.received_on.isoformat() if package.received_on else "",
            Column.POS: format_quantity(package.expected) if package.expected is not None else "—",
            Column.COUNTED: format_quantity(package.counted),
            Column.DIFFERENCE: signed_text(package.difference),
            Column.NOTE: package.note,
        }[column]
