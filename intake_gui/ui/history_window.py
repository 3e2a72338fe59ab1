"""The supervisors' History window: what was received, by whom, and whether it was proved to have landed.

It reads the POS's receive history for a store and a date range (in windows the POS accepts, with a progress bar),
joins every row with this station's journal and, where one is set up, the store's shared record (clerk, station,
scans, submit attempts, last verification — whichever station made the receive; "outside Intake" otherwise), and
lets a supervisor filter by text, station and clerk, group by vendor or store day, chart the range, export what is
visible to CSV, and drill into one receipt for its packages, a fresh three-light check, its audit trail and a
printable report. It also opens the catalog sync dashboard.

The window is split by concern: `history_range` (store and dates), `history_filter` (the proxy and the
station/clerk filter), `history_outputs` (drill-down, CSV, PDF, sync dashboard), `history_record_status` (the
shared record's status line), `history_model` (the table).

Backoffice times are store-local wall times: the window shows the store's zone beside every date it shows and
computes "today" and "this month" in the store's calendar, not the station's.

Everything that touches the POS or the disk runs on workers (`ui.workers`); the window only reacts to results, and a
result that arrives after a newer request was made is dropped, so a slow read can never overwrite a fresh one.

Size: the window's layout, filters and the wiring to its model, chart and export; the table model
(history_model.py), record status and PDF report are already their own modules.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from intake_gui.domain.models import Location
from intake_gui.domain.quantities import format_quantity
from intake_gui.services.error_words import error_words
from intake_gui.services.history import HistoryEntry, HistoryService
from intake_gui.services.setup import SetupService
from intake_gui.ui.history_chart import HistoryChart
from intake_gui.ui.history_filter import HistoryFilterProxy, PeopleFilter
from intake_gui.ui.history_model import (
    Column,
    Grouping,
    HistoryTreeModel,
    totals,
)
from intake_gui.ui.history_outputs import HistoryOutputsMixin
from intake_gui.ui.history_range import HistoryRangeMixin, Preset
from intake_gui.ui.history_record_status import SharedRecordLabel
from intake_gui.ui.receipt_dialog import ReceiptDialog
from intake_gui.ui.sync_status import CatalogRefreshScheduler, SyncStatusDialog, context_of
from intake_gui.ui.theme import app_icon, repolish
from intake_gui.ui.workers import PROGRESS, start_worker

log = logging.getLogger(__name__)

FILTER_DELAY_MS = 150
"""Typing pauses this long before the filter (and the chart) follow: no redraw per keystroke."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class HistoryWindow(HistoryRangeMixin, HistoryOutputsMixin, QMainWindow):
    """Receive history for supervisors. `services` is the GUI's AppServices (or a bare AppContext)."""

    locations_loaded = Signal(list)
    loaded = Signal(list)
    """The HistoryEntry list of the latest completed read."""
    load_failed = Signal(str)
    exported = Signal(object, int)
    """(Path, rows written) of a CSV export."""
    export_failed = Signal(str)
    report_saved = Signal(object)
    report_failed = Signal(str)
    receipt_opened = Signal(object)
    """The ReceiptDialog just opened (tests and screenshots drive it)."""

    def __init__(
        self,
        services: Any,
        parent: QWidget | None = None,
        *,
        scheduler: CatalogRefreshScheduler | None = None,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.ctx = context_of(services)
        self.history = HistoryService(self.ctx)
        self.setup = SetupService(self.ctx)
        self.scheduler = scheduler
        self._now = now
        self.locations: list[Location] = []
        self.range: tuple[datetime, datetime] | None = None
        """The wall-time range of the rows on screen (not of a read still in flight)."""
        self.range_location: Location | None = None
        self._generation = 0
        self._closed = False
        self._receipts: dict[tuple[int, int], ReceiptDialog] = {}
        self.sync_dialog: SyncStatusDialog | None = None

        self.setWindowTitle(f"Intake — History — {self.ctx.station}")
        self.setWindowIcon(app_icon())
        self.resize(1320, 800)

        self.model = HistoryTreeModel()
        self.proxy = HistoryFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(self._build_range_row())
        layout.addLayout(self._build_zone_row())
        layout.addLayout(self._build_filter_row())
        self.message = QLabel("")
        self.message.setObjectName("status_line")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout.addWidget(self.message)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_table(), "Receives")
        self.chart = HistoryChart()
        self.tabs.addTab(self.chart, "Chart")
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self._build_status_bar()
        self._build_menus()

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(lambda _t: self._filter_timer.start())
        # A new range or grouping resets the model; a filter change calls _views_changed itself. Sorting
        # changes neither the rows nor the totals, so it redraws nothing.
        self.proxy.modelReset.connect(self._views_changed)

        if scheduler is not None:
            scheduler.failed.connect(self._sync_failed)
            scheduler.synced.connect(self._sync_ok)
            if scheduler.consecutive_failures:
                self._sync_failed(scheduler.last_error)
        self.preset_combo.blockSignals(True)
        self.preset_combo.setCurrentIndex(self.preset_combo.findData(Preset.LAST_7_DAYS))
        self.preset_combo.blockSignals(False)
        self._apply_preset(Preset.LAST_7_DAYS)
        QTimer.singleShot(0, self.load_locations)

    # ---- building ------------------------------------------------------------------------------------

    def _build_filter_row(self) -> QVBoxLayout:
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(
            "Filter: vendor, title, receipt, clerk, station, status… (Ctrl+F)"
        )
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter")
        self.people = PeopleFilter()
        self.people.changed.connect(self._people_changed)
        self.group_combo = QComboBox()
        self.group_combo.setAccessibleName("Grouping")
        for grouping in Grouping:
            self.group_combo.addItem(grouping.label, grouping)
        self.group_combo.currentIndexChanged.connect(self._grouping_changed)
        self.open_button = QPushButton("&Open receipt")
        self.open_button.setToolTip("Packages, a fresh check and the audit trail (Enter)")
        self.open_button.clicked.connect(self.open_selected)
        self.export_button = QPushButton("&Export CSV…")
        self.export_button.setToolTip("The rows shown, as CSV (Ctrl+E)")
        self.export_button.clicked.connect(self.choose_export_path)
        self.report_button = QPushButton("Report &PDF…")  # [screens] Alt+R is the range
        self.report_button.setToolTip(
            "A printable receiving report for the selected receipt (Ctrl+P)"
        )
        self.report_button.clicked.connect(self.choose_report_path)
        self.sync_button = QPushButton("Catalog s&ync…")
        self.sync_button.setToolTip(
            "When the product catalog was last refreshed, and whether it is failing"
        )
        self.sync_button.clicked.connect(self.open_sync_status)
        for button in (self.open_button, self.report_button):
            button.setEnabled(False)
        self.export_button.setEnabled(False)

        row = QHBoxLayout()
        row.addWidget(self.filter_edit, 2)
        row.addWidget(self.people)
        row.addWidget(self.group_combo)
        # [screens] The actions on a row of their own: in one row with the filters the window could not be
        # narrower than ~1090 px, more than a 1024×600 station's screen.
        actions = QHBoxLayout()
        actions.addStretch(1)
        for button in (self.open_button, self.report_button, self.export_button, self.sync_button):
            actions.addWidget(button)
        rows = QVBoxLayout()
        rows.addLayout(row)
        rows.addLayout(actions)
        return rows

    def _build_table(self) -> QWidget:
        page = QWidget()
        self.view = QTreeView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(Column.RECEIVED, Qt.SortOrder.DescendingOrder)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAccessibleName("Receive history")
        self.view.activated.connect(self._activated)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        header = self.view.header()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.empty_label = QLabel("")
        self.empty_label.setObjectName("hint")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setVisible(False)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label)
        return page

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.totals_label = QLabel("")
        self.sync_alert = QLabel("")
        self.sync_alert.setObjectName("status_line")
        self.sync_alert.setProperty("tone", "bad")
        self.sync_alert.setVisible(False)
        self.record_label = SharedRecordLabel(lambda: None if self._closed else self.ctx)
        bar.addWidget(self.totals_label, 1)
        bar.addPermanentWidget(self.sync_alert)
        bar.addPermanentWidget(self.record_label)

    def _action(
        self, text: str, slot: Callable[[], Any], shortcut: str | QKeySequence.StandardKey | None
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.export_action = self._action(
            "&Export shown rows as CSV…", self.choose_export_path, "Ctrl+E"
        )
        self.report_action = self._action(
            "Receiving &report (PDF)…", self.choose_report_path, "Ctrl+P"
        )
        close_action = self._action("&Close", self.close, QKeySequence.StandardKey.Close)
        for action in (self.export_action, self.report_action, None, close_action):
            file_menu.addSeparator() if action is None else file_menu.addAction(action)
        view_menu = bar.addMenu("&View")
        self.reload_action = self._action("&Reload", self.reload, "F5")
        find_action = self._action("&Filter", self._focus_filter, "Ctrl+F")
        table_action = self._action("&Table", lambda: self.tabs.setCurrentIndex(0), "Ctrl+1")
        chart_action = self._action("C&hart", lambda: self.tabs.setCurrentIndex(1), "Ctrl+2")
        open_action = self._action("&Open receipt", self.open_selected, None)
        for action in (
            self.reload_action,
            find_action,
            None,
            table_action,
            chart_action,
            None,
            open_action,
        ):
            view_menu.addSeparator() if action is None else view_menu.addAction(action)
        catalog_menu = bar.addMenu("&Catalog")
        catalog_menu.addAction(self._action("&Sync status…", self.open_sync_status, None))

    # ---- loading -------------------------------------------------------------------------------------

    def reload(self) -> None:
        """F5: the stores again if they could not be read, else the range."""
        if not self.locations:
            self.load_locations()
        else:
            self.load()

    def load(self) -> None:
        """Read the chosen range for the chosen store on a worker; `loaded` or `load_failed` follows."""
        if self._closed:
            return
        loc = self.current_location()
        if loc is None:
            return
        start, end = self.requested_range()
        if end <= start:
            self._say(
                "The range ends before it starts: choose a “to” date on or after the “from” date.",
                "bad",
            )
            return
        self._generation += 1
        generation = self._generation
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.load_button.setEnabled(False)
        self._say(f"Reading receive history for {loc.name}…", "info")
        start_worker(
            self.history.history,
            loc,
            start,
            end,
            PROGRESS,
            on_progress=lambda done, total: self._progress(generation, done, total),
            on_returned=lambda entries: self._loaded(generation, loc, start, end, entries),
            on_errored=lambda exc: self._load_error(generation, exc),
        )

    def _progress(self, generation: int, done: int, total: int) -> None:
        if self._closed or generation != self._generation:
            return
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done)

    def _finish_loading(self) -> None:
        self.progress.setVisible(False)
        self.load_button.setEnabled(True)

    def _loaded(
        self,
        generation: int,
        loc: Location,
        start: datetime,
        end: datetime,
        entries: list[HistoryEntry],
    ) -> None:
        if self._closed or generation != self._generation:
            return
        self._finish_loading()
        self.range = (start, end)
        self.range_location = loc
        selected = self.selected_entry()
        self.model.set_entries(entries, loc.timezone)
        self.people.set_entries(entries)
        self._expand()
        self._fit_columns()
        if selected is not None:
            self.select_receipt(selected.row.receipt_id)
        problem = getattr(entries, "shared_problem", "")
        if problem:
            self._say(
                f"The store's shared record could not be read ({problem}): receives made at other "
                "stations show without their clerk, station and scans. Press F5 to try again.",
                "bad",
            )
        else:
            self._say("", "info")
        self.loaded.emit(entries)

    def _load_error(self, generation: int, exc: BaseException) -> None:
        if self._closed or generation != self._generation:
            return
        self._finish_loading()
        self._say(
            f"Could not read the receive history: {error_words(exc)} Press F5 to try again.", "bad"
        )
        self.load_failed.emit(error_words(exc))

    def _fit_columns(self) -> None:
        for col in Column:
            if col is not Column.VERIFICATION:
                self.view.resizeColumnToContents(col)
        self.view.setColumnWidth(Column.TITLE, min(self.view.columnWidth(Column.TITLE), 220))
        self.view.setColumnWidth(Column.VENDOR, min(self.view.columnWidth(Column.VENDOR), 220))

    # ---- filter, grouping, views -------------------------------------------------------------------

    def _focus_filter(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def set_filter_text(self, text: str) -> None:
        """Filter at once (the line edit's own typing is debounced)."""
        self.filter_edit.setText(text)
        self.apply_filter()

    def apply_filter(self) -> None:
        self._filter_timer.stop()
        self.proxy.set_filter_text(self.filter_edit.text())
        self._expand()
        self._views_changed()

    def _people_changed(self, station: str | None, clerk: str | None) -> None:
        self.proxy.set_people(station=station, clerk=clerk)
        self._expand()
        self._views_changed()

    def set_grouping(self, grouping: Grouping) -> None:
        self.group_combo.setCurrentIndex(self.group_combo.findData(grouping))

    def _grouping_changed(self, *_args: Any) -> None:
        grouping = self.group_combo.currentData()
        selected = self.selected_entry()
        self.model.set_grouping(grouping)
        self.view.setRootIsDecorated(grouping is not Grouping.NONE)
        self._expand()
        if selected is not None:
            self.select_receipt(selected.row.receipt_id)

    def _expand(self) -> None:
        if self.model.grouping is not Grouping.NONE:
            self.view.expandAll()

    def visible_entries(self) -> list[HistoryEntry]:
        return self.proxy.visible_entries()

    def _views_changed(self, *_args: Any) -> None:
        if self._closed:
            return
        visible = self.visible_entries()
        loaded = len(self.model.entries)
        count, units = totals(visible)
        tz = self.range_location.timezone if self.range_location else self.model.timezone
        start, end = self.range if self.range else (None, None)
        self.chart.set_entries(visible, start, end, tz)
        shown = f"{count} of {loaded} receives shown" if count != loaded else f"{count} receives"
        intake = sum(1 for e in visible if e.source != "outside")
        self.totals_label.setText(
            f"{shown} · {format_quantity(units)} units · {intake} made through Intake"
            + (f" · filter “{self.proxy.filter_text}”" if self.proxy.filter_text else "")
        )
        self.export_button.setEnabled(bool(visible))
        self.export_action.setEnabled(bool(visible))
        if self.range is not None and not loaded:
            self.empty_label.setText("No receives at this store in this range.")
        elif loaded and not count:
            self.empty_label.setText("No receive matches the filter.")
        else:
            self.empty_label.setText("")
        self.empty_label.setVisible(bool(self.empty_label.text()))

    def selected_entry(self) -> HistoryEntry | None:
        indexes = self.view.selectionModel().selectedRows()
        if not indexes:
            return None
        return self.model.entry(self.proxy.mapToSource(indexes[0]))

    def select_receipt(self, receipt_id: int) -> bool:
        index = self.proxy.proxy_index_for(receipt_id)
        if not index.isValid():
            return False
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    def _selection_changed(self, *_args: Any) -> None:
        has = self.selected_entry() is not None
        self.open_button.setEnabled(has)
        self.report_button.setEnabled(has)
        self.report_action.setEnabled(has)

    def _activated(self, index: QModelIndex) -> None:
        entry = self.model.entry(self.proxy.mapToSource(index))
        if entry is not None:
            self.open_receipt(entry)

    # ---- chrome --------------------------------------------------------------------------------------

    def _say(self, text: str, tone: str) -> None:
        self.message.setText(text)
        self.message.setProperty("tone", tone)
        self.message.setVisible(bool(text))
        repolish(self.message)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing hides the window and its dialogs; the owner may show it again (see `shutdown` for good)."""
        for dialog in self._receipts.values():
            dialog.close()
        if self.sync_dialog is not None:
            self.sync_dialog.close()
        event.accept()

    def shutdown(self) -> None:
        """The context is going away: drop late results and close everything this window opened."""
        self._closed = True
        self.record_label.stop()
        for dialog in self._receipts.values():
            dialog.shutdown()
        if self.sync_dialog is not None:
            self.sync_dialog.shutdown()
        self.close()
