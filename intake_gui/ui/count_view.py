"""The Shelf count window's widgets and their layout, and nothing else: the window (`count_window`) gives
them behaviour. Split off so each half reads in one sitting.

Top to bottom: where to count (location, room, Start, Refresh), the warning and the read's caveats, the scan
box with the scope and filter switches, the status line, the comparison table, the summary with Export.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from intake_gui.domain.diagnosis import Diagnosis
from intake_gui.domain.models import Location, Room
from intake_gui.ui.blanked_notice import BlankedReadNotice
from intake_gui.ui.count_model import Column, CountModel
from intake_gui.ui.theme import repolish

COLUMN_WIDTHS = {
    Column.STATUS: 130,
    Column.SKU: 110,
    Column.PACKAGE: 230,
    Column.RECEIVED: 105,
    Column.POS: 95,
    Column.COUNTED: 90,
    Column.DIFFERENCE: 100,
}

START_TEXT = "Choose a location and a room, then press Start count."


class CountView(QWidget):
    def name_places(self, location_word: str, room_word: str) -> None:
        """Caption the pickers with the POS's own words ("Shop" and "Inventory" in BLAZE)."""
        self.location_caption.setText(location_word.capitalize())
        self.room_caption.setText(room_word.capitalize())
        self.room_combo.setAccessibleName(room_word.capitalize())

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)

        pick = QHBoxLayout()
        self.location_combo = QComboBox()
        self.location_combo.setAccessibleName("Location")
        self.location_combo.setMinimumWidth(280)
        self.room_combo = QComboBox()
        self.room_combo.setAccessibleName("Room")
        self.room_combo.setMinimumWidth(200)
        self.room_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.start_button = QPushButton("&Start count")
        self.start_button.setObjectName("primary")
        self.start_button.setToolTip("Read what the POS says this room holds, then scan the shelf")
        self.refresh_button = QPushButton("&Refresh from POS")
        self.refresh_button.setToolTip("Read the POS's quantities again (F5); your scans are kept")
        self.refresh_button.setShortcut(QKeySequence("F5"))
        self.location_caption = QLabel("Location")
        self.room_caption = QLabel("Room")
        for caption, widget in (
            (self.location_caption, self.location_combo),
            (self.room_caption, self.room_combo),
        ):
            caption.setBuddy(widget)
            pick.addWidget(caption)
            pick.addWidget(widget)
        pick.addWidget(self.start_button)
        pick.addWidget(self.refresh_button)
        pick.addStretch(1)
        layout.addLayout(pick)

        self.warning = QLabel("")
        self.warning.setObjectName("status_line")
        self.warning.setProperty("tone", "bad")
        self.warning.setWordWrap(True)
        self.warning.setVisible(False)
        self.warning.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.warning)
        self.notes = QLabel("")
        self.notes.setObjectName("hint")
        self.notes.setWordWrap(True)
        self.notes.setVisible(False)
        layout.addWidget(self.notes)

        scan_row = QHBoxLayout()
        self.scan_edit = QLineEdit()
        self.scan_edit.setPlaceholderText(
            "Scan, or type a SKU or tag and press Enter (“3*” counts the next scan ×3)"
        )
        self.scan_edit.setAccessibleName("Scan or type a code")
        self.scope_box = QCheckBox("Only what I scanned (spot check)")
        self.scope_box.setToolTip(
            "Off: the whole room is counted, so anything the POS lists and you did not scan is short. "
            "On: only the products you scanned are compared."
        )
        self.differences_box = QCheckBox("Differences only")
        self.undo_button = QPushButton("&Undo last scan")
        self.undo_button.setShortcut(QKeySequence.StandardKey.Undo)
        scan_row.addWidget(self.scan_edit, 1)
        scan_row.addWidget(self.scope_box)
        scan_row.addWidget(self.differences_box)
        scan_row.addWidget(self.undo_button)
        layout.addLayout(scan_row)

        self.status = QLabel("")
        self.status.setObjectName("status_line")
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        layout.addWidget(self.status)
        # [scanner] a read taken for a double read is shown loud, and Insert counts it (ui/blanked_notice.py).
        self.blanked_notice = BlankedReadNotice(self)
        layout.addWidget(self.blanked_notice)

        self.model = CountModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Fixed starting widths: measuring contents would walk every row of a large room on each scan.
        for column, width in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(Column.PRODUCT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.NOTE, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)

        bottom = QHBoxLayout()
        self.summary = QLabel(START_TEXT)
        self.summary.setObjectName("subheading")
        self.summary.setWordWrap(True)
        self.export_button = QPushButton("&Export CSV…")
        self.export_button.setToolTip(
            "The comparison as CSV: products, then their packages oldest first"
        )
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.export_button)
        layout.addLayout(bottom)

    # ---- showing state ------------------------------------------------------------------------------

    def fill_locations(self, locations: list[Location], selected: int | None) -> None:
        combo = self.location_combo
        combo.blockSignals(True)
        combo.clear()
        for loc in locations:
            combo.addItem(f"{loc.name} ({loc.state})" if loc.state else loc.name, loc.loc_id)
        combo.setCurrentIndex(max(combo.findData(selected), 0))
        combo.blockSignals(False)

    def fill_rooms(self, rooms: list[Room], refused: set[int], room_word: str) -> None:
        """Each room with what it is, and whether it can be counted here (a refused one says so)."""
        combo = self.room_combo
        combo.blockSignals(True)
        combo.clear()
        for room in rooms:
            kind = (
                f"sales {room_word}"
                if room.sellable
                else "storage"
                if room.inventory_room
                else "no stock"
            )
            no = ", cannot be counted here" if room.room_id in refused else ""
            combo.addItem(f"{room.name} ({kind}{no})", room.room_id)
        combo.blockSignals(False)

    def ask_csv_path(self, default_name: str) -> Path | None:
        start = str(Path.home() / default_name)
        path, _ = QFileDialog.getSaveFileName(self, "Export the count as CSV", start, "CSV (*.csv)")
        if not path:
            return None
        return Path(path if path.lower().endswith(".csv") else path + ".csv")

    @staticmethod
    def show_line(label: QLabel, text: str, tone: str | None = None) -> None:
        label.setText(text)
        if tone is not None:
            label.setProperty("tone", tone)
        label.setVisible(bool(text))
        repolish(label, deep=False)


def diagnosis_text(d: Diagnosis) -> str:
    return "\n".join(part for part in (d.headline, d.what_happened, d.what_to_do) if part)


def one_shot(parent: QObject, interval_ms: int, slot: Callable[[], None]) -> QTimer:
    """A single-shot timer that `start()` re-arms: coalesces a burst of triggers into one call."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(interval_ms)
    timer.timeout.connect(slot)
    return timer
