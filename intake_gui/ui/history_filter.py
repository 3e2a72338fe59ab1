"""Filtering and sorting the History table: every word typed, the station and clerk chosen, real values not text.

Group rows are never matched themselves: recursive filtering keeps a group exactly when one of its receives passes,
and the group's totals are computed here, over the receives still visible.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QWidget

from intake_gui.domain.quantities import format_quantity
from intake_gui.services.history import HistoryEntry
from intake_gui.ui.history_model import (
    NUMERIC_COLUMNS,
    AnyIndex,
    Column,
    HistoryTreeModel,
    clean_title,
)

OUTSIDE = "\x00outside"
"""The station filter's value for "receives not made through Intake"."""


def _sort_key(entry: HistoryEntry, col: Column) -> Any:
    r = entry.row
    when = r.received_at or datetime.min  # a row without a date sorts as the oldest
    return {
        Column.RECEIVED: (when, r.receipt_id),
        Column.VENDOR: (r.vendor_name.casefold(), when),
        Column.TITLE: (clean_title(r.title).casefold(), when),
        Column.PRODUCTS: (r.product_count, when),
        Column.QUANTITY: (r.total_quantity or Decimal(0), when),
        Column.STATUS: (r.status.casefold(), when),
        Column.RECEIPT: (r.receipt_id,),
        Column.CLERK: (entry.clerk.casefold(), when),
        Column.STATION: (entry.station.casefold(), when),
        Column.SCANS: (-1 if entry.scans is None else entry.scans, when),
        Column.ATTEMPTS: (-1 if entry.submit_attempts is None else entry.submit_attempts, when),
        Column.VERIFICATION: (
            {True: 2, False: 0, None: 1}[entry.all_green],
            entry.verification,
            when,
        ),
    }[col]


class HistoryFilterProxy(QSortFilterProxyModel):
    """Filters receives by every word typed (any column, any order) and sorts on real values, not text.

    Group rows are never matched themselves: recursive filtering keeps a group exactly when one of its receives
    passes, and the group's totals are computed here, over the receives still visible.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self._station: str | None = None
        self._clerk: str | None = None
        self.setRecursiveFilteringEnabled(True)
        self.setDynamicSortFilter(True)

    @property
    def filter_text(self) -> str:
        return " ".join(self._words)

    def set_filter_text(self, text: str) -> None:
        words = tuple(text.casefold().split())
        if words == self._words:
            return
        self.beginFilterChange()
        self._words = words
        self.endFilterChange()

    @property
    def station(self) -> str | None:
        return self._station

    @property
    def clerk(self) -> str | None:
        return self._clerk

    def set_people(self, *, station: str | None, clerk: str | None) -> None:
        """Only receives made at `station` and/or by `clerk` (None: any). `OUTSIDE` as the station keeps the
        receives not made through Intake."""
        if (station, clerk) == (self._station, self._clerk):
            return
        self.beginFilterChange()
        self._station, self._clerk = station, clerk
        self.endFilterChange()

    def history_model(self) -> HistoryTreeModel:
        model = self.sourceModel()
        assert isinstance(model, HistoryTreeModel)
        return model

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.history_model()
        index = model.index(source_row, 0, source_parent)
        if model.is_group(index):
            return False
        entry = model.entry(index)
        if entry is not None and not self._person_matches(entry):
            return False
        hay = model.haystack(index)
        return all(word in hay for word in self._words)

    def _person_matches(self, entry: HistoryEntry) -> bool:
        if self._station is not None:
            if self._station == OUTSIDE:
                if entry.source != "outside":
                    return False
            elif entry.station != self._station:
                return False
        return self._clerk is None or entry.clerk == self._clerk

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        model = self.history_model()
        if model.is_group(left) and model.is_group(right):
            return model.group_key(left) < model.group_key(right)
        a, b = model.entry(left), model.entry(right)
        if a is None or b is None:
            return False
        col = Column(left.column())
        return _sort_key(a, col) < _sort_key(b, col)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        model = self.history_model()
        source = self.mapToSource(index)
        grouped = model.is_group(source)
        if role == Qt.ItemDataRole.DisplayRole and grouped and index.column() > 0:
            return self._group_total(index, Column(index.column()))
        if (
            role == Qt.ItemDataRole.TextAlignmentRole
            and grouped
            and index.column() in NUMERIC_COLUMNS
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # Straight to the source model rather than super().data(): with PySide6 6.12 on Python 3.11 every
        # empty QVariant the C++ base class hands back costs None a reference (see tests/history_ui/conftest.py).
        return model.data(source, role)

    def _group_total(self, index: AnyIndex, col: Column) -> str | None:
        members = list(self._children(index.siblingAtColumn(0)))
        if col is Column.TITLE:
            return f"{len(members)} receive{'s' if len(members) != 1 else ''}"
        if col is Column.PRODUCTS:
            return str(sum(e.row.product_count for e in members))
        if col is Column.QUANTITY:
            return format_quantity(
                sum((e.row.total_quantity or Decimal(0) for e in members), Decimal(0))
            )
        if col is Column.VERIFICATION:
            green = sum(1 for e in members if e.all_green is True)
            checked = sum(1 for e in members if e.all_green is not None)
            return f"{green} of {checked} verified all green" if checked else None
        return None

    def _children(self, parent: AnyIndex) -> Iterable[HistoryEntry]:
        model = self.history_model()
        for row in range(self.rowCount(parent)):
            entry = model.entry(self.mapToSource(self.index(row, 0, parent)))
            if entry is not None:
                yield entry

    def visible_entries(self) -> list[HistoryEntry]:
        """Receives the filter lets through, in the order shown (what an export or a chart should use)."""
        model = self.history_model()
        out: list[HistoryEntry] = []
        for row in range(self.rowCount()):
            top = self.index(row, 0)
            entry = model.entry(self.mapToSource(top))
            if entry is not None:
                out.append(entry)
            else:
                out.extend(self._children(top))
        return out

    def proxy_index_for(self, receipt_id: int) -> QModelIndex:
        """Where a receipt is shown now (for selecting it after a reload), or an invalid index."""
        for row in range(self.rowCount()):
            top = self.index(row, 0)
            candidates = [top] + [self.index(r, 0, top) for r in range(self.rowCount(top))]
            for idx in candidates:
                entry = self.history_model().entry(self.mapToSource(idx))
                if entry is not None and entry.row.receipt_id == receipt_id:
                    return idx
        return QModelIndex()


class PeopleFilter(QWidget):
    """Two drop-downs, "Station" and "Clerk", listing who appears in the rows loaded; `changed` follows a choice.

    A supervisor's questions are often "what did the back door receive" and "what did Ana receive": typed text
    would also match a vendor or a title with the same word, these match the column exactly. A choice survives a
    reload while the station or clerk is still in the range.
    """

    changed = Signal(object, object)
    """(station or None, clerk or None); the station may be `OUTSIDE`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.station_combo = QComboBox()
        self.station_combo.setAccessibleName("Station")
        self.station_combo.setToolTip("Only receives made at this station")
        self.clerk_combo = QComboBox()
        self.clerk_combo.setAccessibleName("Clerk")
        self.clerk_combo.setToolTip("Only receives made by this clerk")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.station_combo)
        layout.addWidget(self.clerk_combo)
        self.set_entries([])
        self.station_combo.currentIndexChanged.connect(self._emit)
        self.clerk_combo.currentIndexChanged.connect(self._emit)

    def set_entries(self, entries: Iterable[HistoryEntry]) -> None:
        entries = list(entries)
        stations = sorted({e.station for e in entries if e.station}, key=str.casefold)
        clerks = sorted({e.clerk for e in entries if e.clerk}, key=str.casefold)
        outside = any(e.source == "outside" for e in entries)
        station_items = [("All stations", None), *((s, s) for s in stations)]
        if outside:
            station_items.append(("Outside Intake", OUTSIDE))
        self._fill(self.station_combo, station_items)
        self._fill(self.clerk_combo, [("All clerks", None), *((c, c) for c in clerks)])
        self._emit()

    def choose(self, *, station: str | None = None, clerk: str | None = None) -> None:
        """Select by value (tests, and a supervisor's saved choice); a value not listed selects "All"."""
        for combo, value in ((self.station_combo, station), (self.clerk_combo, clerk)):
            index = combo.findData(value)
            combo.setCurrentIndex(max(index, 0))

    @property
    def station(self) -> str | None:
        return self.station_combo.currentData()

    @property
    def clerk(self) -> str | None:
        return self.clerk_combo.currentData()

    @staticmethod
    def _fill(combo: QComboBox, items: list[tuple[str, Any]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for text, value in items:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.blockSignals(False)

    def _emit(self, *_args: Any) -> None:
        self.changed.emit(self.station, self.clerk)
