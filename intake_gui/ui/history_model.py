"""The History window's table: receives as the POS lists them, joined with what only Intake's journal knows.

A supervisor asks two kinds of question of a range: "show me this one" (filter by text) and "how did each vendor or
day go" (group). Both are served by one tree model under one `QSortFilterProxyModel`: flat, the rows are receives;
grouped, each vendor or store day is a parent row whose totals are counted over the children the filter lets
through, so a filtered group never claims more receives than it shows.

Times in the POS are store-local wall times without a zone; every header and label here names the zone they are in.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum, IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from intake_gui.domain import quantities
from intake_gui.domain.date_windows import zone
from intake_gui.domain.verification import LightState, VerificationReport
from intake_gui.services.history import HistoryEntry

AnyIndex = QModelIndex | QPersistentModelIndex

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
"""The `HistoryEntry` behind a receive row (None on a group row)."""

TOKEN_TAG = re.compile(r"\s*\[IN-[0-9A-F]{6,}\]\s*$")
"""The idempotency tag Intake appends to order titles; noise for a supervisor, kept in the tooltip."""


class Column(IntEnum):
    RECEIVED = 0
    VENDOR = 1
    TITLE = 2
    PRODUCTS = 3
    QUANTITY = 4
    STATUS = 5
    RECEIPT = 6
    CLERK = 7
    STATION = 8
    SCANS = 9
    ATTEMPTS = 10
    VERIFICATION = 11


HEADERS = {
    Column.RECEIVED: "Received",
    Column.VENDOR: "Vendor",
    Column.TITLE: "Title",
    Column.PRODUCTS: "Products",
    Column.QUANTITY: "Units",
    Column.STATUS: "Status",
    Column.RECEIPT: "Receipt",
    Column.CLERK: "Clerk",
    Column.STATION: "Station",
    Column.SCANS: "Scans",
    Column.ATTEMPTS: "Submits",
    Column.VERIFICATION: "Last verification",
}

NUMERIC_COLUMNS = {Column.PRODUCTS, Column.QUANTITY, Column.RECEIPT, Column.SCANS, Column.ATTEMPTS}

OUTSIDE_WORDS = "outside Intake"
"""What the Station column says for a receive Intake did not make (entered in the POS, or by another tool)."""


class Grouping(Enum):
    NONE = "none"
    VENDOR = "vendor"
    DAY = "day"

    @property
    def label(self) -> str:
        return {"none": "No grouping", "vendor": "Group by vendor", "day": "Group by day"}[
            self.value
        ]


# ---- words and times ---------------------------------------------------------------------------------


def zone_label(tz: str, when: datetime | None = None) -> str:
    """ "America/Phoenix (MST, UTC−07:00)": the name a supervisor can look up and the offset that applies."""
    instant = (when or datetime.now(UTC)).astimezone(zone(tz))
    offset = instant.strftime("%z")
    sign = "−" if offset.startswith("-") else "+"
    return f"{tz} ({instant.tzname()}, UTC{sign}{offset[1:3]}:{offset[3:5]})"


def format_wall(dt: datetime | None) -> str:
    """A store wall time as the POS gave it; seconds matter when two receives land in the same minute.
    A POS row without a readable date still proves the receive; it shows as "date unknown"."""
    return dt.strftime("%Y-%m-%d %H:%M:%S") if dt is not None else "date unknown"


def format_instant(instant: datetime, tz: str) -> str:
    """An aware instant (journal, sync) shown in a named zone, with the zone's abbreviation attached."""
    local = instant.astimezone(zone(tz))
    return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname()}"


def clean_title(title: str) -> str:
    return TOKEN_TAG.sub("", title)


def verification_words(report: VerificationReport) -> tuple[str, bool]:
    """The history column's phrase for a fresh report, worded like the journal-backed one in services.history."""
    if report.all_green:
        return "all green", True
    counts: dict[str, int] = {}
    for light in report.lights:
        if light.state is not LightState.GREEN:
            counts[light.state.value] = counts.get(light.state.value, 0) + 1
    return ", ".join(f"{n} {state}" for state, n in sorted(counts.items())), False


def verification_display(entry: HistoryEntry) -> str:
    """A symbol as well as words, so the column reads in greyscale and for colour-blind supervisors."""
    if entry.all_green is True:
        return f"✔ {entry.verification}"
    if entry.all_green is False:
        return f"✖ {entry.verification}"
    return entry.verification


# ---- the tree model ----------------------------------------------------------------------------------


@dataclasses.dataclass
class _Group:
    key: Any
    label: str
    members: list[int]
    """Indexes into the model's entries."""


def _vendor_key(entry: HistoryEntry) -> tuple[str, int]:
    return (entry.row.vendor_name or "(no vendor)", entry.row.vendor_id or 0)


class HistoryTreeModel(QAbstractItemModel):
    """Receives, flat or under vendor/day group rows. Read-only: history is the POS's record, not ours to edit.

    Index ids: 0 for a top-level row, group number + 1 for a receive under a group, so `parent()` needs no
    Python objects behind Qt's back.
    """

    def __init__(self, tz: str = "UTC", parent: Any = None) -> None:
        super().__init__(parent)
        self._tz = tz
        self._entries: list[HistoryEntry] = []
        self._haystacks: list[str] = []
        self._grouping = Grouping.NONE
        self._groups: list[_Group] = []

    # -- state in --------------------------------------------------------------------------------------

    @property
    def timezone(self) -> str:
        return self._tz

    @property
    def grouping(self) -> Grouping:
        return self._grouping

    @property
    def entries(self) -> list[HistoryEntry]:
        return list(self._entries)

    def set_entries(self, entries: Sequence[HistoryEntry], tz: str) -> None:
        self.beginResetModel()
        self._tz = tz
        self._entries = list(entries)
        self._haystacks = [self._haystack(e) for e in self._entries]
        self._regroup()
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)

    def set_grouping(self, grouping: Grouping) -> None:
        if grouping is self._grouping:
            return
        self.beginResetModel()
        self._grouping = grouping
        self._regroup()
        self.endResetModel()

    def replace_entry(self, receipt_id: int, update: dict[str, Any]) -> bool:
        """Change one receive in place (a re-verification's new words); False if it is not in the range."""
        for i, entry in enumerate(self._entries):
            if entry.row.receipt_id == receipt_id:
                self._entries[i] = dataclasses.replace(entry, **update)
                self._haystacks[i] = self._haystack(self._entries[i])
                index = self._index_of_entry(i)
                self.dataChanged.emit(index, index.siblingAtColumn(len(Column) - 1))
                return True
        return False

    # -- lookups -----------------------------------------------------------------------------------------

    def is_group(self, index: AnyIndex) -> bool:
        return index.isValid() and self._grouping is not Grouping.NONE and index.internalId() == 0

    def entry(self, index: AnyIndex) -> HistoryEntry | None:
        pos = self._entry_pos(index)
        return None if pos is None else self._entries[pos]

    def haystack(self, index: AnyIndex) -> str:
        pos = self._entry_pos(index)
        return "" if pos is None else self._haystacks[pos]

    def group_key(self, index: AnyIndex) -> Any:
        return self._groups[index.row()].key if self.is_group(index) else None

    # -- QAbstractItemModel ------------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        if not parent.isValid():
            return len(self._groups) if self._grouping is not Grouping.NONE else len(self._entries)
        if self.is_group(parent) and parent.column() == 0:
            return len(self._groups[parent.row()].members)
        return 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return len(Column)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        col = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"Received ({self._tz})" if col is Column.RECEIVED else HEADERS[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col is Column.RECEIVED:
                return f"Store-local time as the POS records it: {zone_label(self._tz)}"
            if col in (Column.CLERK, Column.STATION, Column.VERIFICATION):
                return (
                    "From this station's journal, or from the store's shared record for receives made at "
                    "other stations; “outside Intake” for receives Intake did not make."
                )
            if col is Column.SCANS:
                return "Scans recorded while the delivery was counted"
            if col is Column.ATTEMPTS:
                return (
                    "How many times the receive was sent to the POS (more than one: a lost answer)"
                )
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in NUMERIC_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if self.is_group(index):
            return self._group_data(index, role)
        entry = self.entry(index)
        if entry is None:
            return None
        col = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(entry, col)
        if role == ENTRY_ROLE:
            return entry
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(entry, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in NUMERIC_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col is Column.VERIFICATION:
            if entry.all_green is True:
                return QBrush(QColor("#14532d"))
            if entry.all_green is False:
                return QBrush(QColor("#7f1d1d"))
            return QBrush(QColor("#4a524e"))
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and col is Column.STATION
            and entry.source == "outside"
        ):
            return QBrush(QColor("#4a524e"))
        status = entry.row.status
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and col is Column.STATUS
            and status.lower() != "received"
        ):
            return QBrush(QColor("#6b4400"))
        return None

    # -- internals ---------------------------------------------------------------------------------------

    def _display(self, entry: HistoryEntry, col: Column) -> str:
        r = entry.row
        return {
            Column.RECEIVED: format_wall(r.received_at),
            Column.VENDOR: r.vendor_name,
            Column.TITLE: clean_title(r.title),
            Column.PRODUCTS: str(r.product_count),
            Column.QUANTITY: quantities.format_quantity(r.total_quantity),
            Column.STATUS: r.status,
            Column.RECEIPT: str(r.receipt_id),
            Column.CLERK: entry.clerk,
            Column.STATION: entry.station or (OUTSIDE_WORDS if entry.source == "outside" else ""),
            Column.SCANS: "" if entry.scans is None else str(entry.scans),
            Column.ATTEMPTS: "" if entry.submit_attempts is None else str(entry.submit_attempts),
            Column.VERIFICATION: verification_display(entry),
        }[col]

    def _tooltip(self, entry: HistoryEntry, col: Column) -> str | None:
        r = entry.row
        if col is Column.RECEIVED:
            return f"{format_wall(r.received_at)} store time, {zone_label(self._tz, None)}"
        if col is Column.TITLE:
            return r.title
        if col is Column.VENDOR and r.vendor_id is not None:
            return f"{r.vendor_name} (vendor #{r.vendor_id})"
        if col is Column.VERIFICATION and entry.source == "outside":
            return "Made outside Intake: open it to verify it now."
        if col in (Column.CLERK, Column.STATION) and entry.source != "outside":
            return f"Made through {entry.made_through}"
        return None

    def _group_data(self, index: AnyIndex, role: int) -> Any:
        group = self._groups[index.row()]
        if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
            return group.label
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and self._grouping is Grouping.DAY:
            return f"Store day in {self._tz}"
        return None

    @staticmethod
    def _haystack(entry: HistoryEntry) -> str:
        r = entry.row
        parts = (
            r.received_at.isoformat(sep=" ") if r.received_at else "",
            r.vendor_name,
            str(r.vendor_id or ""),
            r.title,
            r.status,
            str(r.receipt_id),
            entry.clerk,
            entry.station,
            entry.made_through,
            entry.verification,
        )
        return " ".join(parts).casefold()

    def _regroup(self) -> None:
        self._groups = []
        if self._grouping is Grouping.NONE:
            return
        by_key: dict[Any, list[int]] = {}
        for i, entry in enumerate(self._entries):
            key = (
                (entry.row.received_at.date() if entry.row.received_at else None)
                if self._grouping is Grouping.DAY
                else _vendor_key(entry)
            )
            by_key.setdefault(key, []).append(i)
        names: dict[str, int] = {}
        if self._grouping is Grouping.VENDOR:
            for name, _vid in by_key:
                names[name] = names.get(name, 0) + 1
        for key, members in by_key.items():
            if self._grouping is Grouping.DAY:
                label = f"{key:%a %Y-%m-%d}" if key is not None else "Date unknown"
            else:
                name, vid = key
                # Vendor names repeat with different ids: only then does the id belong in the label.
                label = f"{name}  (#{vid})" if names[name] > 1 else name
            self._groups.append(_Group(key, label, members))

    def _entry_pos(self, index: AnyIndex) -> int | None:
        if not index.isValid():
            return None
        if self._grouping is Grouping.NONE:
            return index.row() if index.internalId() == 0 else None
        gid = index.internalId()
        if gid == 0:
            return None
        members = self._groups[gid - 1].members
        return members[index.row()] if index.row() < len(members) else None

    def _index_of_entry(self, pos: int) -> QModelIndex:
        if self._grouping is Grouping.NONE:
            return self.index(pos, 0)
        for g, group in enumerate(self._groups):
            if pos in group.members:
                return self.index(group.members.index(pos), 0, self.index(g, 0))
        return QModelIndex()


def totals(entries: Iterable[HistoryEntry]) -> tuple[int, Decimal]:
    """Receives and units, for status lines and chart titles that must agree with each other."""
    count = 0
    qty = Decimal(0)
    for e in entries:
        count += 1
        qty += e.row.total_quantity or Decimal(0)
    return count, qty


def day_span(start: datetime, end: datetime) -> list[date]:
    """The store days a half-open wall-time range covers (the end day only if the range reaches into it)."""
    days: list[date] = []
    day = start.date()
    while datetime.combine(day, datetime.min.time()) < end:
        days.append(day)
        day += timedelta(days=1)
    return days
