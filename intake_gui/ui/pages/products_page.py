"""Step 4: count the delivery. Scans arrive from the app-wide scanner filter whatever has focus on this page;
the catalog search, the lines table and the title are all keyboard-reachable.

The page holds the ScanSession (domain) and its table model (ui/lines_model) for the receive in progress.
Every change the session reports goes out as `draft_changed` (the wizard autosaves through the journal writer
thread) and `audit` (the audit trail); nothing here touches the disk.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from intake_gui.domain.models import TITLE_MAX, DraftLine, Location, Product, Room, Vendor
from intake_gui.domain.quantities import format_quantity
from intake_gui.store.settings import StationSettings
from intake_gui.ui.lines_view import LinesTableView
from intake_gui.ui.pages.base import Page
from intake_gui.ui.theme import repolish
from intake_gui.ui.workers import start_worker

if TYPE_CHECKING:
    from intake_gui.domain.catalog_index import CatalogIndex
    from intake_gui.domain.scan_session import (
        ChangeEvent,
        PendingCode,
        Row,
        ScanOutcome,
        ScanSession,
    )
    from intake_gui.ui.lines_model import LinesTableModel
    from intake_gui.ui.sounds import Sounds

# The session, its table model and biip's barcode tables load with the first session, not with the window:
# the window must appear before anything it does not need yet is imported.

log = logging.getLogger(__name__)

FLASH_MS = 350
TYPED_MULTIPLIER = re.compile(r"\s*(\d{1,6}(?:[.,]\d{1,3})?)\s*[*xX×]\s*")
"""A quantity typed before a scan ("3*" in the search box): too short for the scanner filter to treat as a
scan, so the page reads it from the box when the next scan arrives."""
SEARCH_LIMIT = 50
_NAV_KEYS = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}


def product_text(p: Product) -> str:
    """Two lines: names repeat across sizes and batches in a 17k catalog, so the SKU line tells them apart."""
    extra = " · ".join(
        x for x in (f"SKU {p.sku}", p.brand, f"UPC {p.gtin.lstrip('0')}" if p.gtin else "") if x
    )
    return f"{p.name}\n    {extra}"


COLUMN_CHARS = {
    "SKU": 9,
    "EXPECTED": 7,
    "SCANNED": 7,
    "DIFFERENCE": 7,
    "UNIT_COST": 8,
    "LINE_TOTAL": 9,
    "PACKAGE_TAG": 17,
    "LOT": 9,
    "EXPIRATION": 10,
    "REASON": 16,
}
"""Column widths in characters of the table's font, so large-type mode widens them too; a column is never
narrower than its header text."""
PRODUCT_CHARS = 32
MANIFEST_COLUMNS = ("EXPECTED", "DIFFERENCE", "REASON")
DETAIL_COLUMNS = ("PACKAGE_TAG", "LOT", "EXPIRATION")
"""lines_model.Column member names."""


def qty_text(value: Decimal) -> str:
    return format_quantity(value)  # [input] the one quantity formatter (station's decimal mark)


def read_manifest(path: str) -> Any:
    """Runs on a worker: read and parse a CSV or WCIA JSON manifest (the format is chosen by content)."""
    from intake_gui.domain.manifest import parse_csv, parse_wcia

    text = Path(path).read_text(encoding="utf-8-sig")
    if path.lower().endswith(".json") or text.lstrip().startswith("{"):
        return parse_wcia(text)
    return parse_csv(text)


class ProductsPage(Page):
    title = "Products"
    next_requested = Signal()
    draft_changed = Signal()
    audit = Signal(str, dict)
    code_mapped = Signal(str, object)
    """(code key, Product): the wizard saves the station's new code mapping through the receiving service."""
    title_changed = Signal(str)
    blind_count_toggled = Signal(bool)
    scan_handled = Signal(object)
    """Every ScanOutcome, after the page has shown it (tests and screenshots wait on this)."""

    def __init__(self, settings: StationSettings, parent: QWidget | None = None) -> None:
        super().__init__(
            "Scan the delivery",
            "Scan every item — the scanner works whatever is focused here. Ctrl+F searches the catalog, "
            "Delete removes a line, Ctrl+Z undoes, Alt+→ or Enter in the title goes to review.",
            parent,
        )
        self.settings = settings
        self.session: ScanSession | None = None
        self.model: LinesTableModel | None = None
        self.index: CatalogIndex | None = None
        self.queued_scans: list[str] = []
        self._context: tuple[Location | None, Vendor | None, Room | None] = (None, None, None)
        self._unsubscribe: Any = None
        self._sounds: Sounds | None = None

        # ---- header row: title, manifest, blind count
        header = QGridLayout()
        title_label = QLabel("&Title:")
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(TITLE_MAX)
        self.title_edit.setPlaceholderText("Invoice or manifest number")
        self.title_edit.setToolTip("The order title in the POS (Ctrl+T). Enter goes to review.")
        title_label.setBuddy(self.title_edit)
        self.title_edit.textEdited.connect(self._title_edited)
        self.title_edit.returnPressed.connect(self.next_requested.emit)
        self.context_label = QLabel()
        self.context_label.setObjectName("hint")
        self.context_label.setWordWrap(True)
        self.import_button = QPushButton("Import manifest… (Ctrl+I)")
        self.import_button.setToolTip("Compare the count with a CSV or WCIA JSON manifest (Ctrl+I)")
        self.import_button.clicked.connect(self.choose_manifest)
        self.blind_check = QCheckBox("&Blind count (Ctrl+B)")
        self.blind_check.setToolTip(
            "Hide the manifest's expected quantities while counting (Ctrl+B)"
        )
        self.blind_check.setChecked(settings.blind_count)
        self.blind_check.toggled.connect(self._blind_toggled)
        header.addWidget(title_label, 0, 0)
        header.addWidget(self.title_edit, 0, 1)
        header.addWidget(self.import_button, 0, 2)
        header.addWidget(self.blind_check, 0, 3)
        header.addWidget(self.context_label, 1, 1, 1, 3)
        header.setColumnStretch(1, 1)
        self.layout_.addLayout(header)

        # ---- catalog loading state
        self.catalog_box = QFrame()
        catalog_row = QHBoxLayout(self.catalog_box)
        catalog_row.setContentsMargins(0, 0, 0, 0)
        self.catalog_text = QLabel("Loading the product catalog…")
        self.catalog_bar = QProgressBar()
        self.catalog_bar.setMaximumWidth(260)
        catalog_row.addWidget(self.catalog_text, 1)
        catalog_row.addWidget(self.catalog_bar)
        self.layout_.addWidget(self.catalog_box)

        # ---- the scan frame: status line + lines table (flashes green/red on each scan)
        body = QHBoxLayout()
        self.scan_frame = QFrame()
        self.scan_frame.setObjectName("scan_frame")
        frame_layout = QVBoxLayout(self.scan_frame)
        frame_layout.setContentsMargins(6, 6, 6, 6)
        self.scan_status = QLabel("Ready: scan the first item.")
        self.scan_status.setObjectName("status_line")
        self.scan_status.setProperty("tone", "info")
        self.scan_status.setWordWrap(True)
        self.scan_status.setAccessibleName("Last scan")
        frame_layout.addWidget(self.scan_status)
        # [scanner] a read taken for a double read is shown here, loud, with Insert to count it.
        from intake_gui.ui.blanked_notice import BlankedReadNotice

        self.blanked_notice = BlankedReadNotice(self)
        self.blanked_notice.count_requested.connect(self.count_blanked)
        frame_layout.addWidget(self.blanked_notice)
        # Selection, edit keys and row height are the view's own: bench_scan measures the same view.
        self.table = LinesTableView()
        self.table.setToolTip(
            "Lines (Ctrl+L). F2 edits the quantity, Delete removes the line, Ctrl+Z undoes."
        )
        frame_layout.addWidget(self.table, 1)
        self.totals = QLabel("No lines yet.")
        self.totals.setObjectName("subheading")
        self.totals.setWordWrap(True)
        self.details_check = QCheckBox("Package tag, lot, expiry columns")
        self.details_check.setToolTip("Shown by themselves once a line has any of them")
        self.details_check.toggled.connect(lambda _on: self._update_columns())
        totals_row = QHBoxLayout()
        totals_row.addWidget(self.totals, 1)
        totals_row.addWidget(self.details_check)
        frame_layout.addLayout(totals_row)
        body.addWidget(self.scan_frame, 5)

        # ---- search column
        search_box = QWidget()
        search_box.setMaximumWidth(400)
        search_col = QVBoxLayout(search_box)
        search_col.setContentsMargins(0, 0, 0, 0)
        search_label = QLabel("&Search the catalog (Ctrl+F):")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Name, brand, SKU or barcode")
        self.search.setClearButtonEnabled(True)
        search_label.setBuddy(self.search)
        self.search.textChanged.connect(self.run_search)
        self.search.returnPressed.connect(self.pick_result)
        self.search.installEventFilter(self)
        self.results = QListWidget()
        self.results.setUniformItemSizes(True)
        self.results.itemActivated.connect(lambda _item: self.pick_result())
        self.results.currentItemChanged.connect(lambda *_: self._update_map_button())
        self.map_button = QPushButton()
        self.map_button.setObjectName("primary")
        # Long product names must not widen the window: the button clips, the tooltip has the full name.
        self.map_button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.map_button.setVisible(False)
        self.map_button.clicked.connect(self.pick_result)
        self.dismiss_button = QPushButton("Dismiss the unknown code (Ctrl+D)")
        self.dismiss_button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.dismiss_button.setVisible(False)
        self.dismiss_button.clicked.connect(self.dismiss_unknown)
        search_col.addWidget(search_label)
        search_col.addWidget(self.search)
        search_col.addWidget(self.results, 1)
        search_col.addWidget(self.map_button)
        search_col.addWidget(self.dismiss_button)
        body.addWidget(search_box, 2)
        self.layout_.addLayout(body, 1)
        self.add_status_line()

        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(lambda: self._flash(""))

        shortcuts = (
            ("Ctrl+F", self.focus_search),
            ("Ctrl+L", self.focus_table),
            ("Ctrl+T", self.focus_title),
            ("Ctrl+Z", self.undo),
            ("Ctrl+B", self.blind_check.toggle),
            ("Ctrl+D", self.dismiss_unknown),
            ("Ctrl+S", self.pick_result),
        )
        for keys, slot in shortcuts:
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_selected)
        edit_qty = QShortcut(QKeySequence("F2"), self)
        edit_qty.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        edit_qty.activated.connect(self.edit_selected_quantity)
        self.setTabOrder(self.title_edit, self.search)
        self.setTabOrder(self.search, self.results)
        self.setTabOrder(self.results, self.table)
        self.setTabOrder(self.table, self.import_button)
        self.setTabOrder(self.import_button, self.blind_check)
        self._show_catalog_state()

    # ---- lifecycle -------------------------------------------------------------------------------

    def reset(self, settings: StationSettings) -> None:
        self.stop_session()
        self.apply_settings(settings)
        self.index = None
        self.queued_scans.clear()
        self._show_catalog_state()

    def apply_settings(self, settings: StationSettings) -> None:
        resize = settings.large_type != self.settings.large_type
        self.settings = settings
        if resize:
            # After the new stylesheet has been applied, so the widths follow the new type size.
            QTimer.singleShot(0, self._size_columns)
        if self._sounds is not None:
            self._sounds.enabled = settings.sound
        if self.blind_check.isChecked() != settings.blind_count:
            self.blind_check.setChecked(settings.blind_count)

    @property
    def sounds(self) -> Sounds:
        """Built when the first receive starts, not with the window: QtMultimedia and its audio backend cost
        tens of ms and about 20 MB, which a station's start-up does not need (the first scan must not pay
        either, hence `start_session` builds it)."""
        if self._sounds is None:
            from intake_gui.ui.sounds import Sounds

            self._sounds = Sounds(self, enabled=self.settings.sound)
        return self._sounds

    def start_session(
        self, index: CatalogIndex, room_id: int, *, title: str, lines: tuple[DraftLine, ...] = ()
    ) -> ScanSession:
        """A new (or resumed) receive. Restored lines come back exactly, then any scans that arrived while
        the catalog was loading are counted in order."""
        from intake_gui.domain.scan_session import ScanSession
        from intake_gui.ui.lines_model import LinesTableModel

        self.sounds  # noqa: B018 - built now, before the first scan of this receive
        self.stop_session()
        self.index = index
        scanner = self.settings.scanner
        session = ScanSession(
            index,
            room_id,
            blanking_ms=scanner.blanking_ms,
            gs_substitutes=tuple(scanner.gs_substitutes),
        )
        if lines:
            session.restore(
                {
                    "room_id": room_id,
                    "lines": [
                        {"line": ln.model_copy(update={"room_id": room_id}).model_dump(mode="json")}
                        for ln in lines
                    ],
                    "reasons": {
                        ln.line_id: ln.variance_reason for ln in lines if ln.variance_reason
                    },
                }
            )
        self.session = session
        self.model = LinesTableModel(session, self, blind=self.blind_check.isChecked())
        self.model.edit_rejected.connect(lambda text: self._show_outcome_text(f"✖ {text}", "bad"))
        self.model.row_highlighted.connect(self._scroll_to_row)
        self.table.setModel(self.model)
        self._size_columns()
        self._unsubscribe = session.subscribe(self._session_changed)
        self.title_edit.setText(title)
        self._update_totals()
        self._show_catalog_state()
        self.title_edit.setModified(False)
        if self.isVisible() and not self.search.hasFocus() and not self.title_edit.isModified():
            # The search was disabled while the catalog loaded; now it is where the hands belong.
            self.search.setFocus()
        self.scan_status.setText(
            "Ready: scan the first item." if not lines else f"Resumed with {len(lines)} lines."
        )
        queued, self.queued_scans = self.queued_scans, []
        for raw in queued:
            self.handle_scan(raw)
        return session

    def stop_session(self) -> None:
        if self.model is not None:
            self.model.detach()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.table.setModel(None)
        self.model = None
        self.session = None
        self.results.clear()
        self.search.clear()
        self._update_map_button()
        self.totals.setText("No lines yet.")
        self.say("", "info")

    def shutdown(self) -> None:
        self._flash_timer.stop()
        self.stop_session()

    def set_context(
        self, location: Location | None, vendor: Vendor | None, room: Room | None
    ) -> None:
        self._context = (location, vendor, room)
        parts = []
        if location:
            parts.append(location.name)
        if vendor:
            parts.append(vendor.label)
        if room:
            parts.append(f"into {room.name} ({'sellable' if room.sellable else 'NOT sellable'})")
        self.context_label.setText("  ·  ".join(parts))

    # ---- catalog ---------------------------------------------------------------------------------

    def set_catalog_loading(self, text: str, done: int, total: int) -> None:
        if self.index is not None:
            return
        self.catalog_text.setText(text)
        self.catalog_bar.setVisible(done >= 0)
        self.catalog_bar.setRange(0, max(total, 0))
        self.catalog_bar.setValue(max(done, 0))
        self.catalog_box.setVisible(True)

    def set_catalog(self, index: CatalogIndex) -> None:
        self.index = index
        if self.session is not None:
            # Codes mapped at this station during the session travel to the fresher index.
            for code, product_id in self.session.index.codes.items():
                index.add_code(code, product_id)
            self.session.index = index
        self._show_catalog_state()
        if self.search.text():
            self.run_search(self.search.text())

    def _show_catalog_state(self) -> None:
        self.catalog_box.setVisible(self.index is None)
        ready = self.session is not None
        self.search.setEnabled(self.index is not None)
        self.import_button.setEnabled(ready)

    # ---- scanning --------------------------------------------------------------------------------

    def handle_scan(self, raw: str) -> None:
        if self.session is None:
            self.queued_scans.append(raw)
            self._show_outcome_text(
                f"… {len(self.queued_scans)} scan(s) waiting for the catalog; they will be counted as soon as it "
                "is loaded.",
                "info",
            )
            return
        typed = TYPED_MULTIPLIER.fullmatch(self.search.text())
        if typed:
            # [input] as typed: the station's decimal mark decides what "2,5" means (domain/quantities.py)
            error = self.session.set_quantity_next(typed.group(1))
            self.search.clear()
            if error:
                self._show_outcome_text(f"✖ {error}", "bad")
        outcome = self.session.scan(raw)
        self._show_outcome(outcome)

    def _show_outcome(self, outcome: ScanOutcome) -> None:
        from intake_gui.domain.scan_session import OutcomeKind

        kind = outcome.kind
        self.blanked_notice.dismiss()  # [scanner] any new outcome supersedes a waiting blanked read
        words = outcome.code.words(date.today()) if outcome.code is not None else ""
        if outcome.counted and outcome.product is not None:
            line = self.session.line(outcome.line_id) if self.session and outcome.line_id else None
            now = f" → {qty_text(line.quantity)}" if line is not None else ""
            verb = (
                "Added"
                if kind is OutcomeKind.ADDED
                else "Saved code and added"
                if kind is OutcomeKind.MAPPED
                else "+"
            )
            self._show_outcome_text(
                f"✔ {verb} {qty_text(outcome.quantity)} × {outcome.product.name} ({outcome.product.sku}){now}"
                + (f" — {words}" if words else ""),
                "bad" if "EXPIRED" in words else "good",
            )
        elif kind is OutcomeKind.MAPPED:
            self._show_outcome_text(f"✔ {outcome.message}", "good")
        elif kind is OutcomeKind.MULTIPLIER:
            self._show_outcome_text(f"× {outcome.message}", "info")
        elif kind is OutcomeKind.DOUBLE_READ:
            self._show_outcome_text(f"! Not counted: {outcome.message}", "bad")
            self.blanked_notice.show_for(outcome)
        elif kind in (OutcomeKind.UNKNOWN, OutcomeKind.AMBIGUOUS):
            self._offer_mapping(outcome)
        else:
            self._show_outcome_text(f"✖ {outcome.message or 'That scan was not counted.'}", "bad")
        self.sounds.play_for(outcome)
        self._flash(
            "good" if outcome.good else "bad" if outcome.needs_attention or outcome.blanked else ""
        )
        self.audit.emit("scan", outcome.as_dict())
        self.scan_handled.emit(outcome)

    def _offer_mapping(self, outcome: ScanOutcome) -> None:
        from intake_gui.domain.scan_session import OutcomeKind

        code = outcome.code
        shown = code.display if code is not None else outcome.raw
        if outcome.kind is OutcomeKind.AMBIGUOUS and outcome.candidates:
            self._show_outcome_text(
                f"? {shown} matches {len(outcome.candidates)} products. Pick the right one in the list and press "
                "Enter to count it.",
                "bad",
            )
            self._fill_results(list(outcome.candidates))
        else:
            if code is not None and code.words():
                shown = f"{shown} ({code.words(date.today())})"
            self._show_outcome_text(
                f"? Unknown code {shown}: it was kept, not counted. Type the product's name in the search, then "
                "press Enter to save this code for it (or Ctrl+D to dismiss).",
                "bad",
            )
            self.search.clear()
        self.search.setFocus()
        self._update_map_button()

    def count_blanked(self) -> None:
        """[scanner] Insert after a blanked read: the clerk says there were two; count the second."""
        if self.session is not None and self.session.blanked:
            self._show_outcome(self.session.count_blanked())
        else:
            self.blanked_notice.dismiss()

    def pending_unknown(self) -> tuple[PendingCode, ...]:
        return self.session.pending_unknown if self.session is not None else ()

    def _current_pending(self) -> PendingCode | None:
        pending = self.pending_unknown()
        return pending[-1] if pending else None

    def dismiss_unknown(self) -> None:
        pending = self._current_pending()
        if self.session is None or pending is None:
            return
        self.session.dismiss_unknown(pending.code.key)
        self._show_outcome_text(f"Dismissed {pending.code.display}; it is not counted.", "info")
        self._update_map_button()

    # ---- search ----------------------------------------------------------------------------------

    def run_search(self, text: str) -> None:
        if self.index is None:
            return
        query = text.strip()
        self._fill_results(self.index.search(query, limit=SEARCH_LIMIT) if query else [])

    def _fill_results(self, products: list[Product]) -> None:
        self.results.clear()
        for p in products:
            item = QListWidgetItem(product_text(p))
            item.setData(Qt.ItemDataRole.UserRole, p)
            self.results.addItem(item)
        if products:
            self.results.setCurrentRow(0)
        self._update_map_button()

    def selected_product(self) -> Product | None:
        item = self.results.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def pick_result(self) -> None:
        """Enter in the search: save a pending unknown code for the highlighted product, or add one of it."""
        product = self.selected_product()
        if self.session is None or product is None:
            return
        from intake_gui.domain.scan_session import OutcomeKind

        pending = self._current_pending()
        if pending is not None:
            outcome = self.session.map_code(pending.code, product, remember=True)
            if outcome.kind is OutcomeKind.MAPPED:
                self.code_mapped.emit(pending.code.key, product)
        else:
            outcome = self.session.add_product(product, 1)
        self._show_outcome(outcome)
        self.search.selectAll()
        self._update_map_button()

    def _update_map_button(self) -> None:
        pending = self._current_pending()
        product = self.selected_product()
        show = pending is not None and product is not None
        self.map_button.setVisible(show)
        self.dismiss_button.setVisible(pending is not None)
        if show:
            metrics = self.map_button.fontMetrics()
            frame = metrics.horizontalAdvance("Save code for “” (Enter)") + 48
            room = max(self.map_button.width(), 300) - frame
            name = metrics.elidedText(product.name, Qt.TextElideMode.ElideRight, max(room, 60))
            self.map_button.setText(f"Save code for “{name}” (Enter)")
            self.map_button.setToolTip(
                f"Save {pending.code.display} as {product.name} ({product.sku})"
            )

    # ---- table -----------------------------------------------------------------------------------

    def selected_row(self) -> Row | None:
        if self.model is None:
            return None
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def remove_selected(self) -> None:
        row = self.selected_row()
        if self.session is None or row is None or row.line is None:
            return
        error = self.session.remove(row.line.line_id)
        if error:
            self._show_outcome_text(f"✖ {error}", "bad")
        else:
            self._show_outcome_text(f"Removed {row.name}. Ctrl+Z brings it back.", "info")

    def edit_selected_quantity(self) -> None:
        if self.model is None:
            return
        row = max(self.table.currentIndex().row(), 0)
        from intake_gui.ui.lines_model import Column

        column = self.model.column_of(Column.SCANNED)
        if self.model.rowCount() and column >= 0:
            index = self.model.index(row, column)
            self.table.setCurrentIndex(index)
            self.table.edit(index)

    def undo(self) -> None:
        if self.session is None:
            return
        done = self.session.undo()
        self._show_outcome_text(done or "Nothing to undo.", "info")
        self._update_map_button()

    def _scroll_to_row(self, row: int) -> None:
        if self.model is not None:
            self.table.scrollTo(self.model.index(row, 0))

    def _size_columns(self) -> None:
        """Fixed widths for the short columns, the rest for the product name (it is what the clerk reads)."""
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        model = self.model
        if model is None:
            return
        metrics = header.fontMetrics()
        char = self.table.fontMetrics().averageCharWidth()
        from intake_gui.ui.lines_model import Column

        for name, chars in COLUMN_CHARS.items():
            section = model.column_of(Column[name])
            if section >= 0:
                title = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
                header.setSectionResizeMode(section, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(
                    section, max(chars * char + 16, metrics.horizontalAdvance(title) + 24)
                )
        product = model.column_of(Column.PRODUCT)
        if product >= 0:
            # Fixed, generous and first: the name stays readable; extra columns scroll sideways instead.
            header.setSectionResizeMode(product, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(product, PRODUCT_CHARS * char + 16)
        self._update_columns()

    def _update_columns(self) -> None:
        """Show the manifest columns only with a manifest, and tag/lot/expiry only when used or asked for."""
        model, session = self.model, self.session
        if model is None or session is None:
            return
        from intake_gui.ui.lines_model import Column

        with_manifest = session.manifest is not None
        details = self.details_check.isChecked() or any(
            ln.package_tag or ln.lot or ln.expiration for ln in session.lines
        )
        for columns, show in ((MANIFEST_COLUMNS, with_manifest), (DETAIL_COLUMNS, details)):
            for name in columns:
                section = model.column_of(Column[name])
                if section >= 0 and self.table.isColumnHidden(section) == show:
                    self.table.setColumnHidden(section, not show)

    # ---- manifest --------------------------------------------------------------------------------

    def choose_manifest(self) -> None:
        if self.session is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, "Import manifest", "", "Manifests (*.csv *.json *.txt);;All files (*)"
        )
        if path:
            self.load_manifest_file(path)

    def load_manifest_file(self, path: str) -> None:
        self.say("Reading the manifest…", "info")
        start_worker(
            read_manifest, path, on_returned=self.load_manifest, on_errored=self._manifest_failed
        )

    def load_manifest(self, manifest: Any) -> None:
        if self.session is None:
            return
        self.session.load_expected(manifest)
        bad = len(manifest.errors)
        text = f"Manifest loaded: {len(manifest.lines)} lines"
        if manifest.transfer_id:
            text += f" (transfer {manifest.transfer_id})"
        if bad:
            text += f"; {bad} row(s) could not be read: " + "; ".join(
                f"row {e.row}: {e.message}" for e in manifest.errors[:3]
            )
        self.say(text + ".", "bad" if bad else "good")
        self.audit.emit(
            "manifest_loaded",
            {
                "source": manifest.source,
                "transfer_id": manifest.transfer_id,
                "lines": len(manifest.lines),
                "errors": bad,
            },
        )

    def _manifest_failed(self, exc: BaseException) -> None:
        self.say(f"✖ The manifest could not be read: {exc}", "bad")

    def variances_missing_reason(self) -> list[Row]:
        return self.session.variances_missing_reason() if self.session is not None else []

    # ---- focus helpers ---------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def focus_table(self) -> None:
        self.table.setFocus()
        if (
            self.model is not None
            and self.model.rowCount()
            and not self.table.currentIndex().isValid()
        ):
            self.table.setCurrentIndex(self.model.index(0, 0))

    def focus_title(self) -> None:
        self.title_edit.setFocus()
        self.title_edit.selectAll()

    def on_enter(self) -> None:
        if self.search.isEnabled():
            self.search.setFocus()
        else:
            self.title_edit.setFocus()

    # ---- internals -------------------------------------------------------------------------------

    def _session_changed(self, event: ChangeEvent) -> None:
        self._update_totals()
        self._update_columns()
        self.audit.emit("change", event.as_dict())
        self.draft_changed.emit()

    def _update_totals(self) -> None:
        if self.session is None:
            self.totals.setText("No lines yet.")
            return
        t = self.session.totals()
        text = f"{t.lines} line{'s' if t.lines != 1 else ''} · {qty_text(t.units)} units · ${t.cost:,.2f}"
        if t.expected_units is not None and not self.blind_check.isChecked():
            text += f" · manifest expects {qty_text(t.expected_units)}"
        if t.pending_unknown:
            text += f" · {t.pending_unknown} unknown code(s) waiting"
        self.totals.setText(text)

    def _title_edited(self, text: str) -> None:
        self.title_changed.emit(text)

    def say_title_problem(self, text: str) -> None:
        if text:
            self.say(f"✖ {text}", "bad")
        elif self.status.property("tone") == "bad" and self.status.text().startswith("✖ Give"):
            self.say("", "info")

    def _blind_toggled(self, on: bool) -> None:
        if self.model is not None:
            self.model.set_blind(on)
            self._size_columns()
        self._update_totals()
        self.blind_count_toggled.emit(on)

    def _show_outcome_text(self, text: str, tone: str) -> None:
        self.scan_status.setText(text)
        self.scan_status.setProperty("tone", tone)
        repolish(self.scan_status, deep=False)

    def _flash(self, kind: str) -> None:
        self.scan_frame.setProperty("flash", kind)
        repolish(self.scan_frame, deep=False)
        if kind:
            self._flash_timer.start(FLASH_MS)

    def sounds_bad(self) -> None:
        self.sounds.play_bad()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search
            and event.type() == QEvent.Type.ShortcutOverride
            and event.matches(QKeySequence.StandardKey.Undo)  # type: ignore[attr-defined]
        ):
            # Ctrl+Z on this page undoes the last scan or edit, not the search box's typing: leave the
            # override unaccepted so the page's shortcut fires.
            return True
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key_event: QKeyEvent = event  # type: ignore[assignment]
            if key_event.key() in _NAV_KEYS and self.results.count():
                row = self.results.currentRow()
                step = {
                    Qt.Key.Key_Up: -1,
                    Qt.Key.Key_Down: 1,
                    Qt.Key.Key_PageUp: -8,
                    Qt.Key.Key_PageDown: 8,
                }[key_event.key()]
                self.results.setCurrentRow(min(max(row + step, 0), self.results.count() - 1))
                return True
        return super().eventFilter(watched, event)
