"""Shelf count: pick a location and room, scan what is physically there, see over/short against the POS.

The window reuses the receiving scanner pipeline (interpretation, catalog lookup, double-read blanking,
multipliers, undo) through its own `ScanSession`; only the comparison is new, and it lives in the domain.
Every read and the CSV export run on workers; the GUI thread only compares (cheap) and repaints.

Before anything is compared the window says what the POS's read can and cannot tell (per product only,
packages read as you scan, no dates) and, when the read is empty for the room, that room access for API
keys / menus is the likely cause: an empty room must never be mistaken for an empty shelf.

Scanner: the window installs its own application-wide ScannerFilter, enabled only while this window is the
active one. Installed after the receiving wizard's filter, it sees keys first, so a scan made here is counted
here and never reaches the wizard; with the main window active it stands aside.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from intake_gui.domain.diagnosis import Diagnosis
from intake_gui.domain.models import Location, Room
from intake_gui.domain.scan_session import ScanOutcome, ScanSession
from intake_gui.domain.shelf_count import (
    CountComparison,
    CountScope,
    PackageDetail,
    RoomStock,
    UnknownScan,
    compare,
    qty_text,
)
from intake_gui.pos.errors import PosError
from intake_gui.services.counting import CountingService, CountRefused, apply_detail
from intake_gui.ui.count_model import Column, CountModel
from intake_gui.ui.sync_status import context_of
from intake_gui.ui.theme import app_icon, repolish
from intake_gui.ui.workers import start_worker

log = logging.getLogger(__name__)

DETAIL_DELAY_MS = 400
"""Package reads for freshly scanned products wait this long, so a burst of scans costs one read per product
in one worker rather than one worker per scan."""


def _words(exc: BaseException) -> str:
    if isinstance(exc, PosError):
        return exc.message
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return "Intake could not complete this; the log has the details."


def diagnosis_text(d: Diagnosis) -> str:
    return "\n".join(part for part in (d.headline, d.what_happened, d.what_to_do) if part)


def start_job(
    counting: CountingService, location: Location, room: Room, rooms: list[Room]
) -> tuple[RoomStock, Any]:
    """Worker: the POS's belief first (a refused room stops here, before a catalog sync), then the catalog."""
    stock = counting.read_stock(location, room, rooms)
    return stock, counting.catalog(location)


def refresh_job(
    counting: CountingService, location: Location, room: Room, rooms: list[Room], scanned: list[int]
) -> RoomStock:
    """Worker: read the room again, with package detail for what has been scanned so far."""
    stock = counting.read_stock(location, room, rooms)
    return counting.detail(stock, scanned)


COLUMN_WIDTHS = {
    Column.STATUS: 130,
    Column.SKU: 110,
    Column.PACKAGE: 230,
    Column.RECEIVED: 105,
    Column.POS: 95,
    Column.COUNTED: 90,
    Column.DIFFERENCE: 100,
}


class CountWindow(QMainWindow):
    locations_loaded = Signal(list)
    rooms_loaded = Signal(list)
    stock_loaded = Signal(object)
    """The RoomStock the comparison now runs against (after a start, a refresh or a package read)."""
    count_refused = Signal(object)
    """The Diagnosis of a room that cannot be counted against this POS."""
    load_failed = Signal(str)
    compared = Signal(object)
    """Each CountComparison as it is recomputed."""
    scan_handled = Signal(object)
    """The ScanOutcome of every scan."""
    exported = Signal(object, int)
    """(Path, data rows written) of a CSV export."""
    export_failed = Signal(str)

    def __init__(
        self,
        services: Any,
        parent: QWidget | None = None,
        *,
        install_scanner: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.services = services
        self.ctx = context_of(services)
        self.counting = CountingService(self.ctx)
        self.locations: list[Location] = []
        self.rooms: list[Room] = []
        self.stock: RoomStock | None = None
        self.session: ScanSession | None = None
        self.comparison: CountComparison | None = None
        self._generation = 0
        self._closed = False
        self._busy = False
        self._detail_pending: set[int] = set()
        self._detail_running = False

        self.setWindowTitle(f"Intake — Shelf count — {self.ctx.station}")
        self.setWindowIcon(app_icon())
        self.resize(1320, 780)
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(DETAIL_DELAY_MS)
        self._detail_timer.timeout.connect(self._read_detail)
        self._compare_timer = QTimer(self)
        self._compare_timer.setSingleShot(True)
        self._compare_timer.setInterval(0)
        self._compare_timer.timeout.connect(self._recompare)
        self._build()

        self.scanner: Any = None
        if install_scanner:
            from intake_gui.ui.scanner_filter import ScannerFilter

            self.scanner = ScannerFilter(self.ctx.settings.scanner, parent=self)
            self.scanner.enabled = False
            self.scanner.scanned.connect(self.handle_scan)
            self.scanner.install()
        QTimer.singleShot(0, self.load_locations)

    # ---- building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)

        pick = QHBoxLayout()
        self.location_combo = QComboBox()
        self.location_combo.setAccessibleName("Location")
        self.location_combo.setMinimumWidth(280)
        self.location_combo.currentIndexChanged.connect(self._location_changed)
        self.room_combo = QComboBox()
        self.room_combo.setAccessibleName("Room")
        self.room_combo.setMinimumWidth(200)
        self.room_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.room_combo.currentIndexChanged.connect(self._room_changed)
        self.start_button = QPushButton("&Start count")
        self.start_button.setObjectName("primary")
        self.start_button.setToolTip("Read what the POS says this room holds, then scan the shelf")
        self.start_button.clicked.connect(self.start_count)
        self.refresh_button = QPushButton("&Refresh from POS")
        self.refresh_button.setToolTip("Read the POS's quantities again (F5); your scans are kept")
        self.refresh_button.setShortcut(QKeySequence("F5"))
        self.refresh_button.clicked.connect(self.refresh)
        for label, widget in (("Location", self.location_combo), ("Room", self.room_combo)):
            caption = QLabel(label)
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
        self.scan_edit.returnPressed.connect(self._typed_code)
        self.scope_box = QCheckBox("Only what I scanned (spot check)")
        self.scope_box.setToolTip(
            "Off: the whole room is counted, so anything the POS lists and you did not scan is short. "
            "On: only the products you scanned are compared."
        )
        self.scope_box.toggled.connect(lambda _on: self._recompare())
        self.differences_box = QCheckBox("Differences only")
        self.differences_box.toggled.connect(self._differences_toggled)
        self.undo_button = QPushButton("&Undo last scan")
        self.undo_button.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_button.clicked.connect(self.undo)
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
        from intake_gui.ui.blanked_notice import BlankedReadNotice

        self.blanked_notice = BlankedReadNotice(self)
        self.blanked_notice.count_requested.connect(self.count_blanked)
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
        self.summary = QLabel("Choose a location and a room, then press Start count.")
        self.summary.setObjectName("subheading")
        self.summary.setWordWrap(True)
        self.export_button = QPushButton("&Export CSV…")
        self.export_button.setToolTip(
            "The comparison as CSV: products, then their packages oldest first"
        )
        self.export_button.clicked.connect(self.choose_export_path)
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.export_button)
        layout.addLayout(bottom)
        self.setCentralWidget(central)

        close_action = QAction("Close", self)
        close_action.setShortcut(QKeySequence.StandardKey.Close)
        close_action.triggered.connect(self.close)
        self.addAction(close_action)
        self._update_buttons()

    # ---- locations and rooms ----------------------------------------------------------------------

    def load_locations(self) -> None:
        if self._closed:
            return
        self._say("Loading locations…")
        gen = self._generation
        start_worker(
            self.counting.locations,
            on_returned=lambda locs: self._locations_ready(gen, locs),
            on_errored=lambda exc: self._failed(gen, exc),
        )

    def _locations_ready(self, gen: int, locations: list[Location]) -> None:
        if self._stale(gen):
            return
        self.locations = list(locations)
        self.location_combo.blockSignals(True)
        self.location_combo.clear()
        for loc in self.locations:
            self.location_combo.addItem(
                f"{loc.name} ({loc.state})" if loc.state else loc.name, loc.loc_id
            )
        wanted = self.location_combo.findData(self.ctx.settings.last_location_id)
        self.location_combo.setCurrentIndex(max(wanted, 0))
        self.location_combo.blockSignals(False)
        self._say("")
        self.locations_loaded.emit(self.locations)
        self._location_changed()

    def current_location(self) -> Location | None:
        loc_id = self.location_combo.currentData()
        return next((loc for loc in self.locations if loc.loc_id == loc_id), None)

    def current_room(self) -> Room | None:
        room_id = self.room_combo.currentData()
        return next((r for r in self.rooms if r.room_id == room_id), None)

    def set_location(self, loc_id: int) -> bool:
        i = self.location_combo.findData(loc_id)
        if i < 0:
            return False
        if i == self.location_combo.currentIndex():
            self._location_changed()
        else:
            self.location_combo.setCurrentIndex(i)
        return True

    def set_room(self, room_id: int) -> bool:
        i = self.room_combo.findData(room_id)
        if i >= 0:
            self.room_combo.setCurrentIndex(i)
            self._room_changed()
        return i >= 0

    def _location_changed(self, *_args: Any) -> None:
        loc = self.current_location()
        self._reset_count()
        self.rooms = []
        self.room_combo.clear()
        if loc is None:
            return
        self._say(f"Loading the rooms of {loc.name}…")
        gen = self._generation
        start_worker(
            self.counting.rooms,
            loc,
            on_returned=lambda rooms: self._rooms_ready(gen, rooms),
            on_errored=lambda exc: self._failed(gen, exc),
        )

    def _rooms_ready(self, gen: int, rooms: list[Room]) -> None:
        if self._stale(gen):
            return
        loc = self.current_location()
        self.rooms = list(rooms)
        self.room_combo.blockSignals(True)
        self.room_combo.clear()
        for room in self.rooms:
            refused = loc is not None and self.counting.refusal(loc, room, self.rooms) is not None
            kind = (
                "sales room" if room.sellable else "storage" if room.inventory_room else "no stock"
            )
            self.room_combo.addItem(
                f"{room.name} ({kind}{', cannot be counted here' if refused else ''})", room.room_id
            )
        self.room_combo.blockSignals(False)
        self._say("")
        self.rooms_loaded.emit(self.rooms)
        self._room_changed()

    def _room_changed(self, *_args: Any) -> None:
        """A room that cannot be counted says why at once, before the clerk presses anything."""
        self._reset_count()
        loc, room = self.current_location(), self.current_room()
        refused = (
            self.counting.refusal(loc, room, self.rooms)
            if loc is not None and room is not None
            else None
        )
        self._show_warning(diagnosis_text(refused) if refused else "")
        self._update_buttons()

    # ---- the count --------------------------------------------------------------------------------

    def start_count(self) -> None:
        loc, room = self.current_location(), self.current_room()
        if self._busy or loc is None or room is None:
            return
        self._reset_count()
        self._busy = True
        self._update_buttons()
        self._say(f"Reading what the POS says {room.name} holds…")
        gen = self._generation
        start_worker(
            start_job,
            self.counting,
            loc,
            room,
            list(self.rooms),
            on_returned=lambda result: self._started(gen, *result),
            on_errored=lambda exc: self._failed(gen, exc),
        )

    def _started(self, gen: int, stock: RoomStock, snapshot: Any) -> None:
        if self._stale(gen):
            return
        self._busy = False
        scanner = self.ctx.settings.scanner
        index = snapshot.index
        self.session = ScanSession(
            index,
            stock.room.room_id,
            blanking_ms=scanner.blanking_ms,
            gs_substitutes=tuple(scanner.gs_substitutes),
        )
        # One scan or undo can emit several change events; they coalesce into one comparison.
        self.session.subscribe(lambda _event: self._compare_timer.start())
        self._use_stock(stock)
        self._say(
            f"Counting {stock.room.name}: scan every item on the shelf. "
            f"{len(stock.shelves)} products per {stock.source}.",
            "good",
        )
        self.scan_edit.setFocus()

    def _use_stock(self, stock: RoomStock) -> None:
        self.stock = stock
        if self.session is not None:
            for label, product_id in stock.labels().items():
                self.session.index.add_code(label, product_id)
        self._show_warning(diagnosis_text(stock.access) if stock.access else "")
        self.notes.setText("\n".join(stock.notes))
        self.notes.setVisible(bool(stock.notes))
        self._update_buttons()
        self._recompare()
        self.stock_loaded.emit(stock)

    def refresh(self) -> None:
        loc, room = self.current_location(), self.current_room()
        if self._busy or self.stock is None or loc is None or room is None:
            return
        self._busy = True
        self._update_buttons()
        self._say("Reading the POS's quantities again…")
        gen = self._generation
        scanned = [ln.product_id for ln in self.session.lines] if self.session else []
        start_worker(
            refresh_job,
            self.counting,
            loc,
            room,
            list(self.rooms),
            scanned,
            on_returned=lambda stock: self._refreshed(gen, stock),
            on_errored=lambda exc: self._failed(gen, exc),
        )

    def _refreshed(self, gen: int, stock: RoomStock) -> None:
        if self._stale(gen):
            return
        self._busy = False
        self._use_stock(stock)
        self._say(f"Quantities read again from the POS at {stock.read_at:%H:%M:%S} UTC.", "good")

    def _reset_count(self) -> None:
        """Forget the count in progress (another location or room): results still in flight are dropped."""
        self._generation += 1
        self._busy = False
        self.stock = None
        self.session = None
        self.comparison = None
        self._detail_pending.clear()
        self._detail_running = False
        self._detail_timer.stop()
        self._compare_timer.stop()
        self.model.set_comparison(None)
        self.notes.setVisible(False)
        self.summary.setText("Choose a location and a room, then press Start count.")
        self._update_buttons()

    # ---- scanning ---------------------------------------------------------------------------------

    def handle_scan(self, raw: str) -> ScanOutcome | None:
        """One complete scan (from the scanner filter or the scan box)."""
        if self.session is None:
            self._say("Scan not counted: choose a room and press Start count first.", "bad")
            return None
        outcome = self.session.scan(raw)
        self._recompare()  # now, not on the timer: the status line quotes the fresh numbers
        self._after_scan(outcome)
        return outcome

    def _typed_code(self) -> None:
        text = self.scan_edit.text().strip()
        self.scan_edit.clear()
        if text:
            self.handle_scan(text)

    def count_blanked(self) -> None:
        """[scanner] Insert after a blanked read: there were two; count the second."""
        self.blanked_notice.dismiss()
        if self.session is not None and self.session.blanked:
            outcome = self.session.count_blanked()
            self._recompare()
            self._after_scan(outcome)

    def _after_scan(self, outcome: ScanOutcome) -> None:
        if outcome.blanked:  # [scanner]
            self.blanked_notice.show_for(outcome)
        else:
            self.blanked_notice.dismiss()
        tone = (
            "bad"
            if outcome.needs_attention or outcome.blanked
            else "good"
            if outcome.good
            else "info"
        )
        text = outcome.message
        if outcome.counted and outcome.product is not None and self.comparison is not None:
            row = self.comparison.product(outcome.product.product_id)
            if row is not None:
                text += f" — counted {qty_text(row.counted)}, POS says {qty_text(row.expected)}"
                self._scroll_to(outcome.product.product_id)
            if self.stock is not None and self.stock.missing_detail([outcome.product.product_id]):
                self._detail_pending.add(outcome.product.product_id)
                self._detail_timer.start()
        self._say(text, tone)
        self.scan_handled.emit(outcome)

    def _scroll_to(self, product_id: int) -> None:
        row = self.model.find_product(product_id)
        if row >= 0:
            self.table.scrollTo(self.model.index(row, 0))
            self.table.selectRow(row)

    def undo(self) -> None:
        if self.session is None:
            return
        done = self.session.undo()
        self._say(done or "Nothing to undo.", "info")

    def _differences_toggled(self, on: bool) -> None:
        self.model.set_differences_only(on)

    @property
    def scope(self) -> CountScope:
        return CountScope.SCANNED if self.scope_box.isChecked() else CountScope.ROOM

    def _recompare(self) -> None:
        self._compare_timer.stop()
        if self.stock is None or self.session is None:
            return
        unknown = [UnknownScan(p.code.display, p.quantity) for p in self.session.pending_unknown]
        self.comparison = compare(self.stock, self.session.lines, unknown=unknown, scope=self.scope)
        self.model.set_comparison(self.comparison)
        self.summary.setText(self.comparison.summary())
        self._update_buttons()
        self.compared.emit(self.comparison)

    # ---- packages read as they are scanned (IndicaOnline) -----------------------------------------

    def _read_detail(self) -> None:
        if self._detail_running or not self._detail_pending or self.stock is None:
            return
        wanted = sorted(self._detail_pending)
        self._detail_pending.clear()
        self._detail_running = True
        gen = self._generation
        start_worker(
            self.counting.read_detail,
            self.stock,
            wanted,
            on_returned=lambda shelves: self._detail_ready(gen, shelves, wanted),
            on_errored=lambda exc: self._detail_failed(gen, exc),
        )

    def _detail_ready(self, gen: int, shelves: list[Any], wanted: list[int]) -> None:
        if self._stale(gen) or self.stock is None:
            return
        self._detail_running = False
        self._use_stock(apply_detail(self.stock, shelves, wanted))
        if self._detail_pending:
            self._detail_timer.start()

    def _detail_failed(self, gen: int, exc: BaseException) -> None:
        if self._stale(gen):
            return
        self._detail_running = False
        self._say(f"Package detail could not be read: {_words(exc)} Press F5 to try again.", "bad")

    # ---- export -----------------------------------------------------------------------------------

    def default_csv_name(self) -> str:
        loc, room = self.current_location(), self.current_room()
        where = f"{loc.loc_id if loc else 'store'}-{room.name if room else 'room'}"
        safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in where)
        return f"intake-count-{safe}-{date.today():%Y%m%d}.csv"

    def choose_export_path(self) -> None:
        if self.comparison is None:
            return
        start = str(Path.home() / self.default_csv_name())
        path, _ = QFileDialog.getSaveFileName(self, "Export the count as CSV", start, "CSV (*.csv)")
        if path:
            self.export_to(Path(path if path.lower().endswith(".csv") else path + ".csv"))

    def export_to(self, path: Path) -> None:
        """Write the comparison shown on a worker; `exported` (or `export_failed`) follows."""
        comparison = self.comparison
        if comparison is None:
            self._say("Nothing to export yet: start a count first.", "bad")
            return
        start_worker(
            self.counting.export_csv,
            comparison,
            Path(path),
            on_returned=lambda n: self._exported(Path(path), n),
            on_errored=self._export_error,
        )

    def _exported(self, path: Path, rows: int) -> None:
        if self._closed:
            return
        self._say(f"Exported {rows} rows to {path}", "good")
        self.exported.emit(path, rows)

    def _export_error(self, exc: BaseException) -> None:
        if self._closed:
            return
        self._say(f"The CSV could not be written: {_words(exc)}", "bad")
        self.export_failed.emit(_words(exc))

    # ---- state and words --------------------------------------------------------------------------

    def _stale(self, gen: int) -> bool:
        return self._closed or gen != self._generation

    def _failed(self, gen: int, exc: BaseException) -> None:
        if self._stale(gen):
            return
        self._busy = False
        self._update_buttons()
        if isinstance(exc, CountRefused):
            self._show_warning(diagnosis_text(exc.diagnosis))
            self._say("")
            self.count_refused.emit(exc.diagnosis)
            return
        if not isinstance(exc, PosError | OSError):
            log.error("Shelf count failed", exc_info=exc)
        self._say(f"{_words(exc)} Press Start count (or F5) to try again.", "bad")
        self.load_failed.emit(_words(exc))

    def _show_warning(self, text: str) -> None:
        self.warning.setText(text)
        self.warning.setVisible(bool(text))
        repolish(self.warning, deep=False)

    def _say(self, text: str, tone: str = "info") -> None:
        self.status.setText(text)
        self.status.setProperty("tone", tone)
        self.status.setVisible(bool(text))
        repolish(self.status, deep=False)
        if text and tone != "info":
            self.statusBar().showMessage(text, 8000)

    def _update_buttons(self) -> None:
        loc, room = self.current_location(), self.current_room()
        countable = (
            loc is not None
            and room is not None
            and self.counting.refusal(loc, room, self.rooms) is None
        )
        self.start_button.setEnabled(countable and not self._busy)
        self.refresh_button.setEnabled(self.stock is not None and not self._busy)
        self.export_button.setEnabled(self.comparison is not None)
        self.undo_button.setEnabled(self.session is not None)
        self.scan_edit.setEnabled(self.session is not None)

    @property
    def package_detail(self) -> PackageDetail | None:
        return self.stock.package_detail if self.stock else None

    # ---- window life ------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange and self.scanner is not None:
            # Scans belong to this window only while it is the one the clerk is looking at.
            self.scanner.enabled = self.isActiveWindow() and not self._closed
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        self._generation += 1
        self._detail_timer.stop()
        self._compare_timer.stop()
        if self.scanner is not None:
            self.scanner.enabled = False
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self.scanner)
        super().closeEvent(event)
