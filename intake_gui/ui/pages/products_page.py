"""Step 4: count the delivery. Scans arrive from the app-wide scanner filter whatever has focus on this page;
the title, the lines table, the catalog search and every button are reachable with Tab.

The page holds the ScanSession (domain) and its table model (ui/lines_model) for the receive in progress.
Every change the session reports goes out as `draft_changed` (the wizard autosaves through the journal writer
thread) and `audit` (the audit trail); nothing here touches the disk. Split by responsibility: what a scan did
and the catalog search (`products_scanning`), the lines table and the manifest (`products_lines`).

The keyboard lands in the title, as the walkthrough says (type the title, then scan): the scanner works
whatever has the focus, and a person's typing must go where the page's words say. It stays there when the
catalog finishes loading. Ctrl+Z undoes the last scan or edit wherever the focus is on this page, the title
included (the page says so; undoing the title's own typing is not what a clerk at the dock means).

Size: the page's widgets and the scan session's signals; what a scan did and the catalog search are already
split out (see above).
"""

from __future__ import annotations

import itertools
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_gui.domain.models import TITLE_MAX, DraftLine, Location, Room, Vendor
from intake_gui.domain.quantities import format_quantity
from intake_gui.store.settings import StationSettings
from intake_gui.ui.lines_view import LinesTableView
from intake_gui.ui.pages.base import Page
from intake_gui.ui.pages.products_lines import (
    COLUMN_CHARS,
    DETAIL_COLUMNS,
    MANIFEST_COLUMNS,
    PRODUCT_CHARS,
    LinesTableMixin,
    read_manifest,
)
from intake_gui.ui.pages.products_scanning import (
    SEARCH_LIMIT,
    TYPED_MULTIPLIER,
    ScanFeedbackMixin,
    product_text,
)
from intake_gui.ui.theme import density, repolish
from intake_gui.ui.wording import plural

if TYPE_CHECKING:
    from intake_gui.domain.catalog_index import CatalogIndex
    from intake_gui.domain.scan_session import ChangeEvent, ScanSession
    from intake_gui.ui.lines_model import LinesTableModel
    from intake_gui.ui.sounds import Sounds

# The session, its table model and biip's barcode tables load with the first session, not with the window:
# the window must appear before anything it does not need yet is imported.

__all__ = [
    "COLUMN_CHARS",
    "DETAIL_COLUMNS",
    "MANIFEST_COLUMNS",
    "PRODUCT_CHARS",
    "SEARCH_LIMIT",
    "TYPED_MULTIPLIER",
    "ProductsPage",
    "product_text",
    "read_manifest",
]

log = logging.getLogger(__name__)

FLASH_MS = 350
_NAV_KEYS = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}
GATE_PREFIX = "Before review: "
"""How the wizard's refusal to leave the page starts: stale as soon as the lines change (see `_session_changed`)."""


class ProductsPage(ScanFeedbackMixin, LinesTableMixin, Page):
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
            "Type the title, then scan every item: the scanner works whatever has the focus. Ctrl+F searches "
            "the catalog · Delete removes a line · Ctrl+Z undoes the last scan or edit · Enter in the title "
            "goes to review.",
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

        # ---- header row: title, manifest, blind count; where the stock goes under it
        header = QGridLayout()
        header.setContentsMargins(0, 0, 0, 0)
        title_label = QLabel("T&itle:")
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("title_edit")
        self.title_edit.setMaxLength(TITLE_MAX)
        self.title_edit.setPlaceholderText("Invoice or manifest number")
        self.title_edit.setToolTip(
            "The order title in the POS (Ctrl+T, Alt+I). Enter goes to review."
        )
        self.title_edit.setAccessibleName("Title")
        title_label.setBuddy(self.title_edit)
        self.title_edit.textEdited.connect(self._title_edited)
        self.title_edit.returnPressed.connect(self.next_requested.emit)
        self.context_label = QLabel()
        self.context_label.setObjectName("hint")
        self.context_label.setWordWrap(True)
        self.context_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.heading_row.addWidget(self.context_label, 1)
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
        header.setColumnStretch(1, 1)
        self.layout_.addLayout(header)

        # ---- catalog loading state
        self.catalog_box = QFrame()
        catalog_row = QHBoxLayout(self.catalog_box)
        catalog_row.setContentsMargins(0, 0, 0, 0)
        self.catalog_text = QLabel("Loading the product catalog…")
        self.catalog_text.setWordWrap(True)
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
        frame_layout.setContentsMargins(4, 4, 4, 4)
        frame_layout.setSpacing(4)
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
        self.table.setAccessibleName("Lines")
        self.table.setToolTip(
            "Lines (Ctrl+L). F2 edits the quantity, Delete removes the line, Ctrl+Z undoes."
        )
        frame_layout.addWidget(self.table, 1)
        self.totals = QLabel("No lines yet.")
        self.totals.setObjectName("subheading")
        self.totals.setWordWrap(True)
        self.details_check = QCheckBox("Tag/lot/expiry")
        self.details_check.setToolTip(
            "Package tag, lot and expiry columns: shown by themselves once a line has any of them"
        )
        self.details_check.toggled.connect(lambda _on: self._update_columns())
        totals_row = QHBoxLayout()
        totals_row.addWidget(self.totals, 1)
        totals_row.addWidget(self.details_check)
        frame_layout.addLayout(totals_row)
        body.addWidget(self.scan_frame, 5)

        # ---- search column (products_scanning: it belongs with the search)
        search_box = self._build_search_column()
        self.title_edit.installEventFilter(self)
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
        # Reading order: the header row, the lines (the table lets Tab go on), the search column.
        chain = (
            self.title_edit,
            self.import_button,
            self.blind_check,
            self.table,
            self.details_check,
            self.search,
            self.results,
            self.map_button,
            self.dismiss_button,
        )
        for first, second in itertools.pairwise(chain):
            self.setTabOrder(first, second)
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
        if self.title_edit.text() != title:
            self.title_edit.setText(title)
            if self.title_edit.hasFocus():
                self.title_edit.selectAll()  # still the suggested title: typing replaces it
        self._update_totals()
        self._show_catalog_state()
        self.title_edit.setModified(False)
        if self.isVisible() and self.focusWidget() is None:
            self.take_focus(self.title_edit)
        self.scan_status.setText(
            "Ready: scan the first item."
            if not lines
            else f"Resumed with {plural(len(lines), 'line')}."
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
        self.no_match.setVisible(False)
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

    # ---- focus helpers ---------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.take_focus(self.search)
        self.search.selectAll()

    def focus_table(self) -> None:
        self.take_focus(self.table)
        if (
            self.model is not None
            and self.model.rowCount()
            and not self.table.currentIndex().isValid()
        ):
            self.table.setCurrentIndex(self.model.index(0, 0))

    def focus_title(self) -> None:
        self.take_focus(self.title_edit)
        self.title_edit.selectAll()

    def on_enter(self) -> None:
        """The title first, selected (the suggested one is replaced by typing): the walkthrough's next words
        are "type a title, then scan"."""
        self.focus_title()

    # ---- internals -------------------------------------------------------------------------------

    def _session_changed(self, event: ChangeEvent) -> None:
        self._update_totals()
        self._update_columns()
        self.clear_gate_message()
        self.audit.emit("change", event.as_dict())
        self.draft_changed.emit()

    def _update_totals(self) -> None:
        # On a short screen the opening instructions give their two lines to the table once counting started
        # (F1 lists the keys); they come back with the next receive.
        counting = self.session is not None and bool(self.session.lines)
        self.hint.setVisible(not (counting and density().compact))
        if self.session is None:
            self.totals.setText("No lines yet.")
            return
        t = self.session.totals()
        text = f"{plural(t.lines, 'line')} · {plural(t.units, 'unit')} · ${t.cost:,.2f}"
        if t.expected_units is not None and not self.blind_check.isChecked():
            text += f" · manifest expects {format_quantity(t.expected_units)}"
        if t.pending_unknown:
            text += f" · {plural(t.pending_unknown, 'unknown code')} waiting"
        self.totals.setText(text)

    def clear_gate_message(self) -> None:
        """The wizard's "Before review: …" no longer holds once the lines or the unknown codes changed (it
        said "a scanned code is still unknown" after every code was dismissed): Next checks again."""
        if self.status.text().startswith(GATE_PREFIX):
            self.say("", "info")

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

    def _flash(self, kind: str) -> None:
        self.scan_frame.setProperty("flash", kind)
        repolish(self.scan_frame, deep=False)
        if kind:
            self._flash_timer.start(FLASH_MS)

    def sounds_bad(self) -> None:
        self.sounds.play_bad()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.map_button and event.type() == QEvent.Type.Resize:
            self._update_map_button()
            return False
        if (
            (watched is self.search or watched is self.title_edit)
            and event.type() == QEvent.Type.ShortcutOverride
            and event.matches(QKeySequence.StandardKey.Undo)  # type: ignore[attr-defined]
        ):
            # Ctrl+Z on this page undoes the last scan or edit, not the search box's or the title's typing:
            # leave the override unaccepted so the page's shortcut fires.
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
