"""Shelf count: pick a location and room, scan what is physically there, see over/short against the POS.

The window is a view over `services.count_session.CountSession` (the count in progress, Qt-free) and the
`CountingService` (the POS's reads); its widgets are laid out by `count_view.CountView`. Every read and the
CSV export run on workers; the GUI thread only compares (cheap) and repaints.

Before comparing, the window says what the POS's read cannot tell (per product only, packages read as you
scan, no dates) and, for an empty read, that access is the likely cause: never an empty shelf by default.

Scanner: the window installs its own application-wide ScannerFilter, enabled only while this window is the
active one. Installed after the receiving wizard's filter, it sees keys first, so a scan made here is counted
here and never reaches the wizard; with the main window active it stands aside.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from intake_gui.domain.counting import PackageDetail
from intake_gui.domain.diagnosis import Diagnosis
from intake_gui.domain.models import Location, Room
from intake_gui.domain.scan_session import ScanOutcome, ScanSession
from intake_gui.domain.shelf_count import CountComparison, CountScope, RoomStock
from intake_gui.pos.errors import PosError
from intake_gui.services.count_session import CountSession
from intake_gui.services.counting import CountingService, CountRefused
from intake_gui.services.error_words import error_words
from intake_gui.ui.count_export import CountExport
from intake_gui.ui.count_view import START_TEXT, CountView, diagnosis_text, one_shot
from intake_gui.ui.sync_status import context_of
from intake_gui.ui.theme import app_icon
from intake_gui.ui.workers import start_worker

log = logging.getLogger(__name__)

DETAIL_DELAY_MS = 400
"""Package reads for freshly scanned products wait this long, so a burst of scans costs one read per product
in one worker rather than one worker per scan."""


class CountWindow(CountExport, QMainWindow):
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
        self.words = self.ctx.words
        self.locations: list[Location] = []
        self.rooms: list[Room] = []
        self.count: CountSession | None = None
        self.count_id = ""
        """The journal's id for the count in progress (its events go to the shared record like a receive's)."""
        self._generation = 0
        self._closed = False
        self._busy = False
        self._detail_running = False

        self.setWindowTitle(f"Intake — Shelf count — {self.ctx.station}")
        self.setWindowIcon(app_icon())
        self.resize(1320, 780)
        self._detail_timer = one_shot(self, DETAIL_DELAY_MS, self._read_detail)
        self._compare_timer = one_shot(self, 0, self._recompare)
        self._build()

        self.scanner: Any = None
        if install_scanner:
            from intake_gui.ui.heap_tidy import HeapTidy
            from intake_gui.ui.scanner_filter import ScannerFilter

            self.scanner = ScannerFilter(self.ctx.settings.scanner, parent=self)
            self.scanner.enabled = False
            self.scanner.scanned.connect(self.handle_scan)
            HeapTidy(self.scanner)
            self.scanner.install()
        QTimer.singleShot(0, self.load_locations)

    # ---- building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        view = self.view = CountView()
        view.name_places(self.words.location_word, self.words.room_word)
        self.location_combo, self.room_combo = view.location_combo, view.room_combo
        self.start_button, self.refresh_button = view.start_button, view.refresh_button
        self.warning, self.notes, self.status = view.warning, view.notes, view.status
        self.scan_edit, self.scope_box = view.scan_edit, view.scope_box
        self.differences_box, self.undo_button = view.differences_box, view.undo_button
        self.model, self.table = view.model, view.table
        self.summary, self.export_button = view.summary, view.export_button
        self.blanked_notice = view.blanked_notice
        self.blanked_notice.count_requested.connect(self.count_blanked)

        self.location_combo.currentIndexChanged.connect(self._location_changed)
        self.room_combo.currentIndexChanged.connect(self._room_changed)
        self.start_button.clicked.connect(self.start_count)
        self.refresh_button.clicked.connect(self.refresh)
        self.scan_edit.returnPressed.connect(self._typed_code)
        self.scope_box.toggled.connect(lambda _on: self._recompare())
        self.differences_box.toggled.connect(self.model.set_differences_only)
        self.undo_button.clicked.connect(self.undo)
        self.export_button.clicked.connect(self.choose_export_path)
        self.setCentralWidget(view)

        close_action = QAction("Close", self)
        close_action.setShortcut(QKeySequence.StandardKey.Close)
        close_action.triggered.connect(self.close)
        self.addAction(close_action)
        self._update_buttons()

    # ---- the count in progress --------------------------------------------------------------------

    @property
    def stock(self) -> RoomStock | None:
        return self.count.stock if self.count else None

    @property
    def session(self) -> ScanSession | None:
        return self.count.scans if self.count else None

    @property
    def comparison(self) -> CountComparison | None:
        return self.count.comparison if self.count else None

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
        self.view.fill_locations(self.locations, self.ctx.settings.last_location_id)
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
        if i >= 0 and i == self.location_combo.currentIndex():
            self._location_changed()
        elif i >= 0:
            self.location_combo.setCurrentIndex(i)
        return i >= 0

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
        refused = {
            r.room_id for r in self.rooms if loc and self.counting.refusal(loc, r, self.rooms)
        }
        self.view.fill_rooms(self.rooms, refused, self.words.room_word)
        self._say("")
        self.rooms_loaded.emit(self.rooms)
        self._room_changed()

    def _room_changed(self, *_args: Any) -> None:
        """A room that cannot be counted says why at once, before the clerk presses anything."""
        self._reset_count()
        refused = self._refusal()
        self._show_warning(diagnosis_text(refused) if isinstance(refused, Diagnosis) else "")
        self._update_buttons()

    def _refusal(self) -> Diagnosis | bool:
        """Why the picked room cannot be counted; True when nothing is picked, False when it can be."""
        loc, room = self.current_location(), self.current_room()
        if loc is None or room is None:
            return True
        return self.counting.refusal(loc, room, self.rooms) or False

    # ---- the count --------------------------------------------------------------------------------

    def start_count(self) -> None:
        loc, room = self.current_location(), self.current_room()
        if self._busy or loc is None or room is None:
            return
        self._reset_count()
        self._busy = True
        self._update_buttons()
        self._say(f"Reading what {self.words.pos_name} says {room.name} holds…")
        gen = self._generation
        start_worker(
            self.counting.start,
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
        self.count = CountSession(stock, snapshot, self.ctx.settings.scanner)
        self.count_id = self.counting.count_started(stock)
        # One scan or undo can emit several change events; they coalesce into one comparison.
        self.count.scans.subscribe(lambda _event: self._compare_timer.start())
        self._show_stock(stock)
        self._say(
            f"Counting {stock.room.name}: scan every item on the shelf. "
            f"{len(stock.shelves)} products per {stock.source}.",
            "good",
        )
        self.scan_edit.setFocus()

    def _show_stock(self, stock: RoomStock) -> None:
        self._show_warning(diagnosis_text(stock.access) if stock.access else "")
        self.view.show_line(self.notes, "\n".join(stock.notes))
        self._update_buttons()
        self._recompare()
        self.stock_loaded.emit(stock)

    def refresh(self) -> None:
        loc, room = self.current_location(), self.current_room()
        if self._busy or self.count is None or loc is None or room is None:
            return
        self._busy = True
        self._update_buttons()
        self._say(f"Reading {self.words.pos_name}'s quantities again…")
        gen = self._generation
        start_worker(
            self.counting.refresh,
            loc,
            room,
            list(self.rooms),
            self.count.scanned_products,
            on_returned=lambda stock: self._refreshed(gen, stock),
            on_errored=lambda exc: self._failed(gen, exc),
        )

    def _refreshed(self, gen: int, stock: RoomStock) -> None:
        if self._stale(gen) or self.count is None:
            return
        self._busy = False
        self.count.use_stock(stock)
        self._show_stock(stock)
        self._say(
            f"Quantities read again from {self.words.pos_name} at {stock.read_at:%H:%M:%S} UTC.",
            "good",
        )

    def _finish_count(self) -> None:
        """The count in progress ends (another room, a new start, the window closed): what it found goes to the
        journal once."""
        comparison = self.comparison
        if self.count is not None and self.count_id and comparison is not None:
            self.counting.count_finished(self.count_id, comparison)
        self.count_id = ""

    def _reset_count(self) -> None:
        """Forget the count in progress (another location or room): results still in flight are dropped."""
        self._finish_count()
        self._generation += 1
        self._busy = False
        self.count = None
        self._detail_running = False
        self._detail_timer.stop()
        self._compare_timer.stop()
        self.model.set_comparison(None)
        self.notes.setVisible(False)
        self.summary.setText(START_TEXT)
        self._update_buttons()

    # ---- scanning ---------------------------------------------------------------------------------

    def handle_scan(self, raw: str) -> ScanOutcome | None:
        """One complete scan (from the scanner filter or the scan box)."""
        if self.count is None:
            self._say("Scan not counted: choose a room and press Start count first.", "bad")
            return None
        outcome, text = self.count.scan(raw)
        self.counting.count_scanned(self.count_id, outcome, raw)
        self._compare_timer.stop()
        self._show_comparison()  # now, not on the timer: the status line quotes the fresh numbers
        self._show_outcome(outcome, text)
        return outcome

    def _show_outcome(self, outcome: ScanOutcome, text: str) -> None:
        if outcome.blanked:  # [scanner] a read taken for a double read is shown loud
            self.blanked_notice.show_for(outcome)
        else:
            self.blanked_notice.dismiss()
        if outcome.counted and outcome.product is not None:
            self._scroll_to(outcome.product.product_id)
        if self.count is not None and self.count.waiting_detail:
            self._detail_timer.start()
        attention = outcome.needs_attention or outcome.blanked
        self._say(text, "bad" if attention else "good" if outcome.good else "info")
        self.scan_handled.emit(outcome)

    def _typed_code(self) -> None:
        text = self.scan_edit.text().strip()
        self.scan_edit.clear()
        if text:
            self.handle_scan(text)

    def count_blanked(self) -> None:
        """[scanner] Insert after a blanked read: there were two; count the second."""
        self.blanked_notice.dismiss()
        shown = self.count.count_blanked() if self.count is not None else None
        if shown is not None:
            self._show_comparison()
            self._show_outcome(*shown)

    def _scroll_to(self, product_id: int) -> None:
        row = self.model.find_product(product_id)
        if row >= 0:
            self.table.scrollTo(self.model.index(row, 0))
            self.table.selectRow(row)

    def undo(self) -> None:
        if self.count is not None:
            self._say(self.count.undo(), "info")

    @property
    def scope(self) -> CountScope:
        return CountScope.SCANNED if self.scope_box.isChecked() else CountScope.ROOM

    def _recompare(self) -> None:
        self._compare_timer.stop()
        if self.count is not None:
            self.count.compare(self.scope)
            self._show_comparison()

    def _show_comparison(self) -> None:
        comparison = self.comparison
        if comparison is None:
            return
        self.model.set_comparison(comparison)
        self.summary.setText(comparison.summary())
        self._update_buttons()
        self.compared.emit(comparison)

    # ---- packages read as they are scanned (ON_DEMAND detail) -------------------------------------

    def _read_detail(self) -> None:
        count = self.count
        if self._detail_running or count is None or not count.waiting_detail:
            return
        wanted = count.take_waiting_detail()
        self._detail_running = True
        gen = self._generation
        start_worker(
            self.counting.read_detail,
            count.stock,
            wanted,
            on_returned=lambda shelves: self._detail_ready(gen, shelves, wanted),
            on_errored=lambda exc: self._detail_failed(gen, exc),
        )

    def _detail_ready(self, gen: int, shelves: list[Any], wanted: list[int]) -> None:
        if self._stale(gen) or self.count is None:
            return
        self._detail_running = False
        self._show_stock(self.count.add_detail(shelves, wanted))
        if self.count.waiting_detail:
            self._detail_timer.start()

    def _detail_failed(self, gen: int, exc: BaseException) -> None:
        if self._stale(gen):
            return
        self._detail_running = False
        self._say(
            f"Package detail could not be read: {error_words(exc)} Press F5 to try again.", "bad"
        )

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
        self._say(f"{error_words(exc)} Press Start count (or F5) to try again.", "bad")
        self.load_failed.emit(error_words(exc))

    def _show_warning(self, text: str) -> None:
        self.view.show_line(self.warning, text)

    def _say(self, text: str, tone: str = "info") -> None:
        self.view.show_line(self.status, text, tone)
        if text and tone != "info":
            self.statusBar().showMessage(text, 8000)

    def _update_buttons(self) -> None:
        self.start_button.setEnabled(self._refusal() is False and not self._busy)
        self.refresh_button.setEnabled(self.count is not None and not self._busy)
        self.export_button.setEnabled(self.comparison is not None)
        self.undo_button.setEnabled(self.count is not None)
        self.scan_edit.setEnabled(self.count is not None)

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
        if not self._closed:
            self._finish_count()
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
