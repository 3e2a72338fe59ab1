"""The receiving wizard: six pages as a thin view of one `ReceiveSession`.

The session (`services.receive_session`, no Qt) holds the receive: the flow and its gates, the draft's identity,
title and note, the no-receive mode, the submit guard, the verify attempts and the re-check schedule. The pages
collect input and show state. This widget is the glue: it turns page signals into session calls, runs every
POS/disk call on a worker (`ui/workers.py`), and shows what came back. Two parts live in their own modules:
the catalog (`wizard_catalog`) and steps 5–6, submit and verification (`wizard_submit`).

Results of workers started for an earlier location or an earlier connection are dropped by generation number,
so a slow vendor read for store A can never fill the vendor list of store B. A POS without a receive API
(IndicaOnline) never shows the steps at all: the wizard shows why and offers Shelf count instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from intake_gui.domain.wizard_flow import Step, WizardFlow
from intake_gui.ui.pages.location_page import LocationPage
from intake_gui.ui.wizard_catalog import WizardCatalog
from intake_gui.ui.wizard_nav import WizardNav
from intake_gui.ui.wizard_pages import NO_RECEIVE as NO_RECEIVE  # still importable from here
from intake_gui.ui.wizard_pages import AfterFirstPaint, PageAccess, WizardPages
from intake_gui.ui.wizard_steps import WizardSteps
from intake_gui.ui.workers import Worker, start_worker

if TYPE_CHECKING:
    from intake_gui.services.receive_session import ReceiveSession
    from intake_gui.store.settings import StationSettings
    from intake_gui.ui.app_services import AppServices
    from intake_gui.ui.wizard_submit import WizardSubmit

log = logging.getLogger(__name__)


class ReceiveWizard(WizardSteps, WizardNav, PageAccess, QWidget):
    status_message = Signal(str)
    catalog_progress = Signal(int, int)
    catalog_state = Signal(str)
    catalog_refresh_requested = Signal()
    """The location's catalog is missing or stale, or the clerk asked: the owner's scheduler syncs it."""
    count_requested = Signal()
    """Open Shelf count (offered where this POS cannot receive)."""
    move_offered = Signal(object)
    """The MoveDialog just opened from the verify page."""
    same_delivery_found = Signal(object)
    """The warning (a QMessageBox) that this delivery was sent before, just opened."""
    decision_offered = Signal(object)
    """The DecisionDialog for a receive whose outcome is unknown, just opened from the verify page."""
    retry_connection = Signal()
    settings_changed = Signal(object)
    step_changed = Signal(str)
    locations_loaded = Signal(object)
    rooms_loaded = Signal(object)
    catalog_ready = Signal(object)
    submitted = Signal(object)
    """SubmitResult, once the POS has the receive."""
    submit_refused = Signal(object)
    """Diagnosis of a definite refusal."""
    verified = Signal(object)
    """Each VerificationReport as it arrives (the first and every re-check)."""
    resumed = Signal(str)

    settings: StationSettings
    """The station's settings; on the window's light start-up path (`settings=None`) they arrive after the first
    frame through `settings_ready`, and nothing that reads them runs before."""

    def __init__(
        self,
        settings: StationSettings | None,
        parent: QWidget | None = None,
        *,
        verify_backoff_s: tuple[float, ...] | None = None,
        install_scanner: bool = True,
    ) -> None:
        super().__init__(parent)
        if settings is not None:
            self.settings = settings
        self.services: AppServices | None = None
        self._recheck_s = verify_backoff_s
        """None: the receive lifecycle's schedule (`domain.lifecycle.RECHECK_SCHEDULE_S`), read when the session
        is made (that module carries pydantic models, which the first frame does not import)."""
        self._session: ReceiveSession | None = None
        self._sending: WizardSubmit | None = None
        self._gen = 0
        self._workers: list[Worker] = []
        self._alive = True

        self.steps = QLabel()
        self.steps.setObjectName("steps")
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        self.notice = QLabel()
        self.notice.setObjectName("status_line")
        self.notice.setProperty("tone", "info")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)

        # Pages are built the first time anything touches them, and ahead of need once the first frame is
        # painted (`wizard_pages`): the first frame needs only the Location page.
        self.stack = QStackedWidget()
        self.location_page = LocationPage()
        self.stack.addWidget(self.location_page)
        self.pages = WizardPages(self, self.location_page)
        self.location_page.chosen.connect(self.choose_location)
        self.location_page.retry_requested.connect(self._retry_locations)
        self.cat = WizardCatalog(self)

        self.back_button = QPushButton("◀  Back  (Alt+←)")
        self.back_button.setShortcut(QKeySequence("Alt+Left"))
        self.back_button.setToolTip("Previous step (Alt+Left)")
        self.back_button.clicked.connect(self.go_back)
        self.next_button = QPushButton("Next  ▶  (Alt+→)")
        self.next_button.setObjectName("primary")
        self.next_button.setShortcut(QKeySequence("Alt+Right"))
        self.next_button.setToolTip("Next step (Alt+Right)")
        self.next_button.clicked.connect(self.go_next)
        self.gate_label = QLabel()
        self.gate_label.setObjectName("hint")
        self.gate_label.setWordWrap(True)
        nav = QHBoxLayout()
        nav.setContentsMargins(24, 6, 24, 12)
        nav.addWidget(self.back_button)
        nav.addWidget(self.gate_label, 1)
        nav.addWidget(self.next_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        top = QVBoxLayout()
        top.setContentsMargins(24, 10, 24, 0)
        top.addWidget(self.steps)
        top.addWidget(self.notice)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        layout.addLayout(nav)

        self.scanner: Any = None
        self._scanner_wanted = install_scanner
        self._painted = False
        self._first_paint = AfterFirstPaint(self.location_page, self._on_first_paint)
        if settings is not None and install_scanner:
            self._install_scanner()
        self._show_first_page()

    # ---- the session's state, as the window and tests read it ------------------------------------

    @property
    def session(self) -> ReceiveSession:
        """Made on first use, normally by `attach`: its module pulls in the services layer (context, journal,
        submission, verification), which the window's first frame does not need and the context's worker
        imports meanwhile (`StartupMixin._open_services`)."""
        if self._session is None:
            from intake_gui.domain.lifecycle import RECHECK_SCHEDULE_S
            from intake_gui.services.receive_session import ReceiveSession

            recheck = self._recheck_s if self._recheck_s is not None else RECHECK_SCHEDULE_S
            self._session = ReceiveSession(recheck_s=recheck)
        return self._session

    @property
    def sending(self) -> WizardSubmit:
        """Steps 5-6 (`wizard_submit`), made on first use for the same reason as the session."""
        if self._sending is None:
            from intake_gui.ui.wizard_submit import WizardSubmit

            self._sending = WizardSubmit(self)
        return self._sending

    def _reset_sending(self) -> None:
        if self._sending is not None:
            self._sending.reset()

    def _show_first_page(self) -> None:
        """The first frame: the Location step as a fresh flow shows it, without making the session."""
        fresh = WizardFlow()
        self.stack.setCurrentWidget(self.location_page)
        self.steps.setVisible(True)
        self._update_steps(fresh)
        self.update_nav(fresh)
        self.location_page.on_enter()

    @property
    def flow(self) -> WizardFlow:
        return self.session.flow

    @property
    def draft_id(self) -> str:
        return self.session.draft_id

    @property
    def can_receive(self) -> bool:
        """False for a POS without a receive API: no step is shown and no draft is ever built."""
        return self._session is None or self._session.can_receive

    @property
    def busy(self) -> bool:
        return self._session is not None and self._session.busy

    @property
    def catalog(self) -> Any:
        return self.cat.snapshot

    # ---- scanner ---------------------------------------------------------------------------------

    def _install_scanner(self) -> None:
        """Made with the settings (its thresholds are the station's), watching the application from the Location
        page's first paint (before any key can reach the window), or at once if the settings came after it: it
        sees every event, and the binding's setup of each Qt type an event first brings into Python (~180 ms)
        was otherwise paid inside the first frame. On the light start-up path the settings arrive a few hundred
        ms after the first frame and before the context opens, so no location can be chosen, nor a product
        scanned, before the scanner watches."""
        from intake_gui.ui.heap_tidy import HeapTidy
        from intake_gui.ui.scanner_filter import ScannerFilter

        self.scanner = ScannerFilter(self.settings.scanner, parent=self)
        self.scanner.scanned.connect(self.handle_scan)
        HeapTidy(self.scanner)  # garbage collections after a scan's paint, not inside a scan
        self._start_scanner()

    def _on_first_paint(self) -> None:
        self._painted = True
        self._start_scanner()

    def _start_scanner(self) -> None:
        app = QApplication.instance()
        if app is not None and self._painted and self._alive and self.scanner is not None:
            app.installEventFilter(self.scanner)

    def settings_ready(self, settings: StationSettings) -> None:
        """The light start-up path's hand-over (`MainWindow.settings_ready`): what waited for the settings."""
        self.apply_settings(settings)
        if self._scanner_wanted and self.scanner is None:
            self._install_scanner()

    def handle_scan(self, raw: str) -> None:
        """Scans count only on the Products page, whatever has the focus there; elsewhere they are refused
        out loud (never dropped silently) so the clerk knows the item was not counted."""
        if not self.can_receive:
            self.status_message.emit(
                "Scan not counted: this POS cannot receive through Intake. "
                "Open Shelf count (Ctrl+Shift+C) to count stock."
            )
            self.products_page.sounds_bad()
            return
        if self.flow.step is Step.PRODUCTS:
            self.products_page.handle_scan(raw)
        else:
            self.status_message.emit(
                f"Scan not counted: you are on the {self.flow.step.title} step. Scan on the Products step."
            )
            self.products_page.sounds_bad()

    # ---- connection ------------------------------------------------------------------------------

    def set_connecting(self, text: str) -> None:
        self.location_page.set_loading(text)

    def set_connection_error(self, headline: str, what_to_do: str) -> None:
        self.flow.reset()
        self.show_step()
        self.location_page.set_error(headline, what_to_do)

    def attach(self, services: AppServices, settings: StationSettings) -> None:
        self.services = services
        self.settings = settings
        self._gen += 1
        self.session.attach(services.receiving)
        self.cat.forget()
        self._reset_pages()
        words = services.ctx.words  # the POS driver's words and capabilities (pos/registry.py)
        pos_name = words.pos_name
        # Pages not built yet get these when they are (`_build_page`).
        if (products := self._built_page(Step.PRODUCTS)) is not None:
            products.reset(settings)
        if (vendor := self._built_page(Step.VENDOR)) is not None:
            vendor.pos_name = pos_name
        if (room := self._built_page(Step.ROOM)) is not None:
            room.set_pos_note(words.rooms_note)
        if not self.can_receive:
            caps = services.ctx.driver.summary
            self.no_receive_page.show_for(pos_name, caps.receive_hint)
            self.catalog_state.emit("Catalog: read by Shelf count only")
        self.show_step()
        if self.can_receive:
            self._load_locations()
            QTimer.singleShot(0, self.pages.build_ahead)

    def detach(self) -> None:
        self._gen += 1
        self.services = None
        self._reset_sending()
        self._stop_products_session()
        could_receive = self.can_receive
        self.session.detach()
        if not could_receive:
            self.show_step()  # the next connection may be to a POS that can receive: show the steps

    # ---- catalog (wizard_catalog) ----------------------------------------------------------------

    def refresh_catalog(self) -> None:
        """View > Refresh catalog, or a stale cache: the owner's scheduler syncs; `use_synced_catalog` gets it."""
        self.cat.refresh()

    def use_synced_catalog(self, snapshot: Any, lsp_id: int | None) -> None:
        self.cat.use_synced(snapshot, lsp_id)

    def catalog_sync_failed(self, words: str) -> None:
        self.cat.sync_failed(words)

    def catalog_sync_progress(self, done: int, total: int) -> None:
        self.cat.progress(done, total)

    # ---- step 4: products ------------------------------------------------------------------------

    def _reset_pages(self) -> None:
        """The pages' part of a new draft (the session already forgot the old one)."""
        review = self._built_page(Step.REVIEW)
        if review is not None:
            review.set_note("")
            review.clear_refusal()

    def _stop_products_session(self) -> None:
        products = self._built_page(Step.PRODUCTS)
        if products is not None:
            products.stop_session()

    # ---- steps 5-6 (wizard_submit) ---------------------------------------------------------------

    def submit(self) -> None:
        self.sending.submit()

    def open_move(self) -> Any:
        return self.sending.open_move()

    # ---- new receive / resume --------------------------------------------------------------------

    def request_new_receive(self) -> None:
        if not self.can_receive:
            self.status_message.emit("This POS cannot receive through Intake; use Shelf count.")
            return
        if self.busy:
            self.status_message.emit("A receive is being sent; start the next one when it is done.")
            return
        products = self._built_page(Step.PRODUCTS)
        scan = products.session if products is not None else None
        if not self.flow.submitted and scan is not None and scan.lines:
            answer = QMessageBox.question(
                self,
                "Start a new receive?",
                "The current receive is saved and can be resumed at the next start. Start a new one now?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.new_receive()

    def new_receive(self) -> None:
        """The next delivery at the same store: keep location, rooms and catalog; clear the rest."""
        if self.busy:
            return
        self._reset_sending()
        self._stop_products_session()
        self.session.start_over()
        self._reset_pages()
        if self.flow.location is not None:
            self.vendor_page.set_vendors(self.vendor_page.vendors)
            if self.flow.rooms is not None:
                self.room_page.set_rooms(self.flow.rooms)
        self.show_step()

    # ---- settings / misc -------------------------------------------------------------------------

    def apply_settings(self, settings: StationSettings) -> None:
        self.settings = settings
        if (products := self._built_page(Step.PRODUCTS)) is not None:
            products.apply_settings(settings)
        if self.scanner is not None:
            self.scanner.settings = settings.scanner

    def open_calibration(self, module: Any, parent: QWidget) -> None:
        """The scanner filter itself measures the calibration scans, so no scan is counted meanwhile."""
        if self.scanner is None:
            self.status_message.emit("The scanner is not active in this window.")
            return
        known = self.catalog.index if self.catalog is not None else None  # [scanner] layout check
        dialog = module.CalibrationDialog(
            self.scanner, parent, current=self.settings.scanner, known=known
        )

        def proposed(values: dict[str, Any]) -> None:
            scanner = self.settings.scanner.model_copy(update=dict(values))
            self.apply_settings(self.settings.model_copy(update={"scanner": scanner}))
            self.settings_changed.emit(self.settings)
            self.status_message.emit("Scanner settings saved.")

        dialog.settings_proposed.connect(proposed)
        dialog.open()

    def import_manifest(self) -> None:
        if self.flow.step is Step.PRODUCTS and self.can_receive:
            self.products_page.choose_manifest()
        else:
            self.status_message.emit("Import a manifest on the Products step.")

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def shutdown(self) -> None:
        self._alive = False
        self._gen += 1
        if self.services is not None:
            self.services.receiving.cancel()  # a wait in a running submit ends; start-up settles it
        self._reset_sending()
        if (products := self._built_page(Step.PRODUCTS)) is not None:
            products.shutdown()
        if self.scanner is not None:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self.scanner)

    # ---- helpers ---------------------------------------------------------------------------------

    def words(self, exc: BaseException) -> tuple[str, str]:
        """A known error in words (headline, what to do); a bug is logged and described generically."""
        if self.services is not None:
            d = self.services.receiving.diagnose_error(exc)
            return d.headline, d.what_to_do
        message = getattr(exc, "message", "") or "Something went wrong talking to the POS."
        return message, "Try again."

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_returned: Callable[[Any], None] | None = None,
        on_errored: Callable[[BaseException], None] | None = None,
        keep_generation: bool = False,
        **kwargs: Any,
    ) -> Worker:
        """Start a worker whose results are dropped if the wizard moved on (another location, reconnect).

        `keep_generation` is for work whose result must be handled whatever happened meanwhile (a submit).
        """
        gen = self._gen

        def current(callback: Callable[[Any], None] | None) -> Callable[[Any], None] | None:
            if callback is None:
                return None

            def guarded(value: Any) -> None:
                # _alive first: after shutdown the widget may already be deleted, even for a submit's result
                # (the journal has it; there is no page left to show it on).
                if self._alive and (keep_generation or gen == self._gen):
                    callback(value)

            return guarded

        worker = start_worker(
            fn,
            *args,
            on_returned=current(on_returned),
            on_errored=current(on_errored) or self._log_error,
            **kwargs,
        )
        self._workers = [w for w in self._workers if not w.done] + [worker]
        return worker

    @staticmethod
    def _log_error(exc: BaseException) -> None:
        log.warning("Background task failed", exc_info=exc)
