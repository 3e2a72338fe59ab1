"""The receiving wizard: six pages, one WizardFlow, and the workers that feed them.

The flow (domain.wizard_flow) decides where the clerk may go; the pages collect input and show state; this
widget is the glue: it turns page signals into flow calls, runs every POS/disk call on a worker, and guards the
two things that must never happen twice — a submit, and a location change under a running submit.

Results of workers started for an earlier location or an earlier connection are dropped by generation number,
so a slow vendor read for store A can never fill the vendor list of store B.

The catalog is refreshed by the main window's CatalogRefreshScheduler, not here: the wizard asks for a refresh
(`catalog_refresh_requested`) and is handed the synced snapshot (`use_synced_catalog`), so one schedule serves the
wizard, the History window and the sync dashboard. A POS without a receive API (IndicaOnline) never shows the
steps at all: the wizard shows why and offers Shelf count instead, so no draft that cannot be sent is ever built.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
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

from intake_gui.domain.models import Location, PosKind, Product, ReceiveDraft, Room, Vendor
from intake_gui.domain.wizard_flow import STEP_ORDER, FlowError, Step, WizardFlow
from intake_gui.store.settings import StationSettings
from intake_gui.ui.draft_note import clerk_part, compose_note
from intake_gui.ui.pages.location_page import LocationPage
from intake_gui.ui.pages.no_receive_page import NoReceivePage
from intake_gui.ui.pages.products_page import ProductsPage
from intake_gui.ui.pages.review_page import ReviewPage
from intake_gui.ui.pages.room_page import RoomPage
from intake_gui.ui.pages.vendor_page import VendorPage
from intake_gui.ui.pages.verify_page import VerifyPage
from intake_gui.ui.verification_panel import DEFAULT_BACKOFF_S
from intake_gui.ui.workers import PHASE, Worker, start_worker

if TYPE_CHECKING:
    from intake_gui.ui.app_services import AppServices

log = logging.getLogger(__name__)


ROOM_NOTES = {PosKind.BLAZE: "In BLAZE these are the shop's inventories."}
"""What a POS calls the wizard's rooms, shown on the room page."""


def default_title(vendor: Vendor, today: date | None = None) -> str:
    """A title the clerk can keep or overwrite: the POS needs one and the invoice number is often not at hand."""
    return f"{vendor.name} {(today or date.today()).isoformat()}"[:80]


def submit_job(
    receiving: Any, draft: ReceiveDraft, report_phase: Callable[[str], None]
) -> tuple[Any, Any]:
    """Runs on a worker: read the sellable baseline first (so old stock cannot fool the third light), then send."""
    report_phase("Reading current stock…")
    baseline = receiving.baseline(draft)
    result = receiving.submit(draft, on_phase=lambda _phase, words: report_phase(words))
    return baseline, result


class ReceiveWizard(QWidget):
    status_message = Signal(str)
    catalog_progress = Signal(int, int)
    catalog_state = Signal(str)
    catalog_refresh_requested = Signal()
    """The location's catalog is missing or stale, or the clerk asked: the owner's scheduler syncs it."""
    count_requested = Signal()
    """Open Shelf count (offered where this POS cannot receive)."""
    move_offered = Signal(object)
    """The MoveDialog just opened from the verify page."""
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

    def __init__(
        self,
        settings: StationSettings,
        parent: QWidget | None = None,
        *,
        verify_backoff_s: tuple[float, ...] = DEFAULT_BACKOFF_S,
        install_scanner: bool = True,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.services: AppServices | None = None
        self.flow = WizardFlow()
        self._gen = 0
        self._workers: list[Worker] = []

        self.catalog: Any = None
        """The CatalogSnapshot in use (cached first, replaced by the refreshed one)."""
        self._catalog_for: int | None = None
        self.receive_hint = ""
        """Non-empty while the POS cannot receive: why, and where to receive instead."""
        self._alive = True
        self._move_dialog: Any = None
        self._move_receipt: int | None = None
        self._recheck_pending = False
        self.draft_id = ""
        self.token = ""
        self.title = ""
        self.clerk_note = ""
        self._restore_lines: tuple[Any, ...] = ()
        self._submitting = False
        self._last_draft: ReceiveDraft | None = None
        self._baseline: dict[str, Decimal] | None = None
        self._submit_result: Any = None
        self._verify_attempt = 0
        self._verifying = False
        self._title_vendor: Vendor | None = None

        self.steps = QLabel()
        self.steps.setObjectName("steps")
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        self.notice = QLabel()
        self.notice.setObjectName("status_line")
        self.notice.setProperty("tone", "info")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)

        self.location_page = LocationPage()
        self.vendor_page = VendorPage()
        self.room_page = RoomPage()
        self.products_page = ProductsPage(settings)
        self.review_page = ReviewPage()
        self.verify_page = VerifyPage(backoff_s=verify_backoff_s)
        self.no_receive_page = NoReceivePage()
        self.pages: dict[Step, QWidget] = {
            Step.LOCATION: self.location_page,
            Step.VENDOR: self.vendor_page,
            Step.ROOM: self.room_page,
            Step.PRODUCTS: self.products_page,
            Step.REVIEW: self.review_page,
            Step.VERIFY: self.verify_page,
        }
        self.stack = QStackedWidget()
        for step in STEP_ORDER:
            self.stack.addWidget(self.pages[step])
        self.stack.addWidget(self.no_receive_page)

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

        self.location_page.chosen.connect(self.choose_location)
        self.location_page.retry_requested.connect(self._retry_locations)
        self.vendor_page.chosen.connect(self.choose_vendor)
        self.vendor_page.reload_requested.connect(self._reload_vendors)
        self.vendor_page.change_location.connect(lambda: self.go_to(Step.LOCATION))
        self.room_page.chosen.connect(self.choose_room)
        self.room_page.confirmed.connect(self.confirm_room)
        self.room_page.change_location.connect(lambda: self.go_to(Step.LOCATION))
        self.products_page.next_requested.connect(self.go_next)
        self.products_page.draft_changed.connect(self._draft_changed)
        self.products_page.audit.connect(self._audit)
        self.products_page.code_mapped.connect(self._save_code_mapping)
        self.products_page.title_changed.connect(self._title_changed)
        self.products_page.blind_count_toggled.connect(self._blind_count_toggled)
        self.review_page.submit_requested.connect(self.submit)
        self.review_page.note_changed.connect(self._note_changed)
        self.review_page.go_back_requested.connect(lambda step: self.go_to(Step(step)))
        self.verify_page.new_receive_requested.connect(self.new_receive)
        self.verify_page.confirm_requested.connect(self._confirm_again)
        self.verify_page.panel.recheck_requested.connect(self._verify)
        self.verify_page.move_requested.connect(self.open_move)
        self.no_receive_page.count_requested.connect(self.count_requested.emit)

        self.scanner: Any = None
        if install_scanner:
            self._install_scanner()
        self._show_step()

    # ---- scanner ---------------------------------------------------------------------------------

    def _install_scanner(self) -> None:
        from intake_gui.ui.scanner_filter import ScannerFilter

        app = QApplication.instance()
        self.scanner = ScannerFilter(self.settings.scanner, parent=self)
        self.scanner.scanned.connect(self.handle_scan)
        if app is not None:
            app.installEventFilter(self.scanner)

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
        self._show_step()
        self.location_page.set_error(headline, what_to_do)

    def attach(self, services: AppServices, settings: StationSettings) -> None:
        from intake_gui.domain.shelf_count import POS_NAMES  # late: not needed for the first frame
        from intake_gui.services.verification import speech_for

        self.services = services
        self.settings = settings
        self._gen += 1
        self.flow.speech = speech_for(services.ctx)
        self.flow.reset()
        self.catalog = None
        self._catalog_for = None
        self._new_draft_identity()
        self.products_page.reset(settings)
        kind = services.ctx.pos_kind
        pos_name = POS_NAMES.get(kind, "the POS")
        caps = services.ctx.connector.capabilities
        self.vendor_page.pos_name = pos_name
        self.room_page.set_pos_note(ROOM_NOTES.get(kind, ""))
        self.receive_hint = "" if caps.receive else (caps.receive_hint or "No receive API.")
        if not caps.receive:
            self.no_receive_page.show_for(pos_name, caps.receive_hint)
            self.catalog_state.emit("Catalog: read by Shelf count only")
        self._show_step()
        if caps.receive:
            self._load_locations()

    def detach(self) -> None:
        self._gen += 1
        self.services = None
        self.verify_page.panel.stop()
        self.products_page.stop_session()
        self._close_move_dialog()
        if self.receive_hint:
            # The next connection may be to a POS that can receive: show the steps while it opens.
            self.receive_hint = ""
            self.flow.reset()
            self._show_step()

    @property
    def can_receive(self) -> bool:
        """False for a POS without a receive API: no step is shown and no draft is ever built."""
        return not self.receive_hint

    def _retry_locations(self) -> None:
        if self.services is None:
            self.retry_connection.emit()
        else:
            self._load_locations()

    def _load_locations(self) -> None:
        assert self.services is not None
        self.location_page.set_loading("Loading locations…")
        self._run(
            self.services.setup.locations,
            on_returned=self._locations_loaded,
            on_errored=lambda exc: self.location_page.set_error(*self._words(exc)),
        )

    def _locations_loaded(self, locations: list[Location]) -> None:
        self.location_page.set_locations(locations, select_id=self.settings.last_location_id)
        self.locations_loaded.emit(locations)

    # ---- step 1-3 --------------------------------------------------------------------------------

    def choose_location(self, location: Location) -> None:
        if self._submitting or self.services is None or not self.can_receive:
            return
        changed = self.flow.location is None or self.flow.location.loc_id != location.loc_id
        try:
            self.flow.choose_location(location)
        except FlowError as exc:
            self.location_page.say(exc.reason, "bad")
            return
        if changed:
            self._gen += 1
            self.products_page.stop_session()
            self._new_draft_identity()
            self._load_location(location)
        if self.settings.last_location_id != location.loc_id:
            self.settings = self.settings.model_copy(update={"last_location_id": location.loc_id})
            self.settings_changed.emit(self.settings)
        self._advance()

    def _load_location(self, location: Location) -> None:
        assert self.services is not None
        self.room_page.set_loading(location)
        services = self.services
        self._load_vendors(location)
        self._run(
            services.setup.rooms,
            location,
            on_returned=self._rooms_loaded,
            on_errored=lambda exc: self.room_page.say(" ".join(self._words(exc)), "bad"),
        )
        self._load_catalog(location)

    def _load_vendors(self, location: Location) -> None:
        assert self.services is not None
        self.vendor_page.set_loading(location)
        self._run(
            self.services.setup.vendors,
            location,
            on_returned=self._vendors_loaded,
            on_errored=lambda exc: self.vendor_page.set_error(" ".join(self._words(exc))),
        )

    def _reload_vendors(self) -> None:
        """The empty-list way on: the vendor was added in the POS meanwhile, read the list again."""
        location = self.flow.location
        if self.services is not None and location is not None and not self.flow.submitted:
            self._load_vendors(location)

    def _vendors_loaded(self, vendors: list[Vendor]) -> None:
        self.vendor_page.set_vendors(vendors, select=self.flow.vendor)

    def _rooms_loaded(self, rooms: list[Room]) -> None:
        try:
            self.flow.set_rooms(rooms)
        except FlowError as exc:
            log.info("Rooms arrived after submit: %s", exc.reason)
            return
        self.room_page.set_rooms(rooms, select=self.flow.room)
        self._show_room_block()
        self.rooms_loaded.emit(rooms)
        self._show_step()

    def _show_room_block(self) -> None:
        blocked = self.flow.room_page_block()
        if blocked is not None:
            self.room_page.show_blocked(
                blocked.headline, blocked.what_happened, blocked.what_to_do, blocked.detail
            )

    def choose_vendor(self, vendor: Vendor) -> None:
        if self._submitting:
            return
        try:
            self.flow.choose_vendor(vendor)
        except FlowError as exc:
            self.vendor_page.say(exc.reason, "bad")
            return
        if not self.title or self.title == default_title(self._title_vendor or vendor):
            self.title = default_title(vendor)
        self._title_vendor = vendor
        self._advance()

    def choose_room(self, room: Room) -> None:
        if self._submitting:
            return
        try:
            self.flow.choose_room(room)
        except FlowError as exc:
            self.room_page.say(exc.reason, "bad")
            return
        gate = self.flow.can_advance()
        if gate.needs_confirmation:
            self.room_page.ask_confirmation(room, gate.needs_confirmation)
            self._update_nav()
            return
        self._advance()

    def confirm_room(self, room: Room) -> None:
        try:
            self.flow.choose_room(room, confirmed=True)
        except FlowError as exc:
            self.room_page.say(exc.reason, "bad")
            return
        self._audit("room_confirmed_non_sellable", {"room_id": room.room_id, "room": room.name})
        self._advance()

    # ---- catalog ---------------------------------------------------------------------------------

    def _load_catalog(self, location: Location) -> None:
        assert self.services is not None
        if self._catalog_for == location.lsp_id and self.catalog is not None:
            return
        self._catalog_for = location.lsp_id
        self.catalog = None
        self.catalog_state.emit("Catalog: loading…")
        self.products_page.set_catalog_loading("Loading the product catalog…", 0, 0)
        self._run(
            self.services.catalog.load_cached,
            location,
            on_returned=lambda snap: self._catalog_loaded(snap, location),
            on_errored=lambda exc: self._catalog_loaded(None, location, exc),
        )

    def _catalog_loaded(
        self, snapshot: Any, location: Location, error: BaseException | None = None
    ) -> None:
        if error is not None:
            log.warning("Cached catalog unreadable", exc_info=error)
        if self.catalog is not None and not self.catalog.from_cache:
            return  # a sync finished before the disk read: never swap the fresh catalog for the saved one
        if snapshot is not None:
            self._use_catalog(snapshot)
            synced = snapshot.synced_at
            if synced.tzinfo is None:
                synced = synced.replace(tzinfo=UTC)
            age_s = (datetime.now(UTC) - synced).total_seconds()
            if age_s < self.settings.catalog_refresh_minutes * 60:
                return  # fresh enough: the periodic refresh will pick up changes
        self.refresh_catalog()

    def refresh_catalog(self) -> None:
        """Ask the owner's scheduler for a sync of this location's catalog (View > Refresh catalog, a stale
        cache). The snapshot comes back through `use_synced_catalog`."""
        if self.services is None or self.flow.location is None:
            return
        self.catalog_refresh_requested.emit()

    def use_synced_catalog(self, snapshot: Any, lsp_id: int | None) -> None:
        """A scheduler sync finished (its index was built on the worker). `lsp_id` is the catalog it synced:
        a sync started for another company's store is not this location's catalog and is ignored."""
        if self.services is None or lsp_id is None or lsp_id != self._catalog_for:
            return
        self._use_catalog(snapshot)

    def catalog_sync_failed(self, words: str) -> None:
        """The scheduler's sync failed: keep the saved catalog if there is one, and say so either way."""
        if self.services is None or self._catalog_for is None:
            return
        if self.catalog is None:
            self.catalog_state.emit("Catalog: not loaded")
            self.products_page.set_catalog_loading(
                f"The catalog could not be loaded: {words} Use View > Refresh catalog to try again.",
                -1,
                0,
            )
        else:
            self.catalog_state.emit(
                self._catalog_text(self.catalog, note=" (refresh failed: using the saved copy)")
            )
        self.status_message.emit(f"Catalog refresh failed: {words}")

    def catalog_sync_progress(self, done: int, total: int) -> None:
        if self.services is not None:
            self._catalog_progress(done, total)

    def _catalog_progress(self, done: int, total: int) -> None:
        self.catalog_progress.emit(done, total)
        if self.catalog is None:
            self.products_page.set_catalog_loading("Loading the product catalog…", done, total)

    def _use_catalog(self, snapshot: Any) -> None:
        self.catalog = snapshot
        self.catalog_state.emit(self._catalog_text(snapshot))
        self.products_page.set_catalog(snapshot.index)
        self.catalog_ready.emit(snapshot)
        if self.flow.step is Step.PRODUCTS:
            self._ensure_session()

    @staticmethod
    def _catalog_text(snapshot: Any, note: str = "") -> str:
        when = snapshot.synced_at.astimezone().strftime("%H:%M")
        how = "saved copy from" if snapshot.from_cache else "synced"
        return f"Catalog: {len(snapshot.products):,} products · {how} {when}{note}"

    # ---- step 4: products ------------------------------------------------------------------------

    def _new_draft_identity(self) -> None:
        from intake_gui.domain.models import new_token

        self.draft_id = uuid.uuid4().hex
        self.token = new_token()
        self.title = ""
        self._title_vendor = None
        self.clerk_note = ""
        self._restore_lines = ()
        self._submit_result = None
        self._baseline = None
        self._last_draft = None
        self._verify_attempt = 0
        self.review_page.set_note("")
        self.review_page.clear_refusal()

    def _ensure_session(self) -> None:
        room = self.flow.room
        if room is None or self.catalog is None:
            return
        if self.products_page.session is None:
            self.products_page.start_session(
                self.catalog.index, room.room_id, title=self.title, lines=self._restore_lines
            )
            self._restore_lines = ()
        else:
            self.products_page.session.set_room(room.room_id)
        self.products_page.set_context(self.flow.location, self.flow.vendor, room)

    def _title_changed(self, title: str) -> None:
        self.title = title
        self._draft_changed()

    def _note_changed(self, note: str) -> None:
        self.clerk_note = note
        draft = self.current_draft()
        if draft is not None:
            self.review_page.show_draft(
                draft, draft.problems(require_costs=self.settings.require_costs)
            )
            self._autosave(draft)

    def _blind_count_toggled(self, on: bool) -> None:
        if self.settings.blind_count != on:
            self.settings = self.settings.model_copy(update={"blind_count": on})
            self.settings_changed.emit(self.settings)

    def current_draft(self) -> ReceiveDraft | None:
        """The draft as it would be sent now; None until location, vendor, room and a valid title exist,
        and always None for a POS that cannot receive."""
        flow = self.flow
        if not self.can_receive:
            return None
        if flow.location is None or flow.vendor is None or flow.room is None:
            return None
        session = self.products_page.session
        lines = session.draft_lines() if session is not None else tuple(self._restore_lines)
        try:
            return ReceiveDraft(
                draft_id=self.draft_id,
                token=self.token,
                pos=self.services.ctx.pos_kind if self.services else "dutchie",
                location=flow.location,
                vendor=flow.vendor,
                room=flow.room,
                title=self.title,
                note=compose_note(self.clerk_note, lines),
                lines=lines,
            )
        except ValueError as exc:
            self.products_page.say_title_problem(str(exc))
            return None

    def _draft_changed(self, *_args: Any) -> None:
        """Every change of lines, title or note: autosave (journal writer thread) and update the gates."""
        if self.flow.submitted:
            return
        draft = self.current_draft()
        if draft is None:
            return
        self.products_page.say_title_problem("")
        try:
            self.flow.set_lines(len(draft.lines))
        except FlowError:
            return
        self._autosave(draft)
        self._update_nav()

    def _autosave(self, draft: ReceiveDraft) -> None:
        if self.services is not None and not self.flow.submitted:
            self.services.receiving.autosave(draft)

    def autosave_now(self) -> None:
        """Queue the current draft once more (the window flushes the writer right after)."""
        if self.services is not None and not self.flow.submitted:
            draft = self.current_draft()
            if draft is not None and draft.lines:
                self.services.receiving.autosave(draft)

    def _audit(self, kind: str, data: dict[str, Any]) -> None:
        if self.services is not None and self.draft_id:
            self.services.receiving.record(self.draft_id, kind, data)

    def _save_code_mapping(self, code: str, product: Product) -> None:
        if self.services is not None:
            self.services.receiving.save_code_mapping(code, product, draft_id=self.draft_id)

    # ---- navigation ------------------------------------------------------------------------------

    def _advance(self) -> None:
        try:
            self.flow.advance()
        except FlowError as exc:
            self._page_say(exc.reason)
        self._show_step()

    def go_next(self) -> None:
        step = self.flow.step
        if self._submitting:
            return
        if step is Step.LOCATION:
            self.location_page.picker.activate_current()
            return
        if step is Step.VENDOR:
            self.vendor_page.picker.activate_current()
            return
        if step is Step.ROOM:
            if self.flow.room is not None and self.flow.can_advance().ok:
                self._advance()
            else:
                self.room_page.picker.activate_current()
            return
        if step is Step.PRODUCTS:
            self._leave_products()
            return
        if step is Step.REVIEW:
            self.submit()

    def _leave_products(self) -> None:
        draft = self.current_draft()
        if draft is None:
            return
        problems = draft.problems(require_costs=self.settings.require_costs)
        problems += [
            f"{row.sku} is {row.status.value}: give a reason in the Reason column."
            for row in self.products_page.variances_missing_reason()
            if not any(row.sku in p for p in problems)
        ]
        if self.products_page.pending_unknown():
            problems.append(
                "A scanned code is still unknown: find its product or dismiss it (Ctrl+D)."
            )
        try:
            self.flow.set_lines(len(draft.lines))
            self.flow.set_problems(problems)
        except FlowError as exc:
            self._page_say(exc.reason)
            return
        gate = self.flow.can_advance()
        if not gate.ok:
            self.products_page.say(gate.reason, "bad")
            return
        if problems:
            # Over/short reasons are required before Review, not only before Submit: the Review page is
            # the clerk's last look, and it should not open on something that still needs the lines table.
            self.products_page.say("Before review: " + " ".join(problems), "bad")
            return
        self._last_draft = draft
        self._advance()

    def go_back(self) -> None:
        if self._submitting:
            return
        try:
            self.flow.back()
        except FlowError as exc:
            self._page_say(exc.reason)
            return
        self._show_step()

    def go_to(self, step: Step) -> None:
        """Jump back to an earlier step (a refusal's "go to vendor", the no-rooms stop's way out)."""
        if self._submitting or self.flow.submitted:
            return
        while self.flow.step.index > step.index:
            try:
                self.flow.back()
            except FlowError:
                break
        self._show_step()

    def _page_say(self, text: str, tone: str = "bad") -> None:
        page = self.pages[self.flow.step]
        say = getattr(page, "say", None)
        if callable(say):
            say(text, tone)

    def _show_step(self) -> None:
        if not self.can_receive:
            self._show_no_receive()
            return
        step = self.flow.step
        page = self.pages[step]
        self.steps.setVisible(True)
        self.stack.setCurrentWidget(page)
        if step is Step.ROOM and self.flow.rooms is not None:
            self._show_room_block()
        if step is Step.PRODUCTS:
            self._ensure_session()
        if step is Step.REVIEW:
            draft = self.current_draft()
            if draft is not None:
                self.review_page.set_note(self.clerk_note)
                self.review_page.show_draft(
                    draft, draft.problems(require_costs=self.settings.require_costs)
                )
        self._update_steps()
        self._update_nav()
        self.step_changed.emit(step.value)
        page.on_enter()  # type: ignore[attr-defined]

    def _show_no_receive(self) -> None:
        self.stack.setCurrentWidget(self.no_receive_page)
        self.steps.setVisible(False)
        for button in (self.back_button, self.next_button):
            button.setVisible(False)
        self.gate_label.setText("")
        self.no_receive_page.on_enter()

    def _update_steps(self) -> None:
        parts = []
        for s in STEP_ORDER:
            text = f"{s.index + 1} {s.title}"
            if s is self.flow.step:
                parts.append(f"<b><u>{text}</u></b>")
            elif s.index < self.flow.step.index:
                parts.append(f"{text} ✔")
            else:
                parts.append(f"<span style='color:#6b726e'>{text}</span>")
        self.steps.setText("  ›  ".join(parts))

    def _update_nav(self) -> None:
        if not self.can_receive:
            return
        step = self.flow.step
        self.back_button.setVisible(step not in (Step.LOCATION, Step.VERIFY))
        self.back_button.setEnabled(not self._submitting)
        self.next_button.setVisible(step not in (Step.REVIEW, Step.VERIFY))
        self.next_button.setEnabled(not self._submitting and self.services is not None)
        gate = self.flow.can_advance()
        self.gate_label.setText(
            "" if gate.ok or step in (Step.REVIEW, Step.VERIFY) else gate.reason
        )

    # ---- step 5: submit --------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._submitting

    def submit(self) -> None:
        """Send the receive once. The guard flag is set before anything else so a second press (mouse, keyboard
        auto-repeat, a queued shortcut) can never start a second worker."""
        if self._submitting or self.services is None or self.flow.step is not Step.REVIEW:
            return
        draft = self.current_draft()
        if draft is None:
            return
        self.flow.set_problems(draft.problems(require_costs=self.settings.require_costs))
        gate = self.flow.can_submit()
        if not gate.ok:
            self.review_page.show_draft(
                draft, draft.problems(require_costs=self.settings.require_costs)
            )
            return
        self._submitting = True
        self._last_draft = draft
        self.review_page.set_busy(True, "Sending…")
        self._update_nav()
        self._audit("submit_pressed", {"lines": len(draft.lines), "token": draft.token})
        self._run(
            submit_job,
            self.services.receiving,
            draft,
            PHASE,
            on_phase=self.review_page.set_phase,
            on_returned=self._submit_done,
            on_errored=self._submit_failed,
            keep_generation=True,
        )

    def _submit_done(self, outcome: tuple[Any, Any]) -> None:
        baseline, result = outcome
        self._submitting = False
        self.review_page.set_busy(False)
        self._baseline = baseline
        self._submit_result = result
        draft = self._last_draft
        assert draft is not None
        self.flow.mark_submitted(result.receipt_id)
        self.products_page.stop_session()
        self.verify_page.start(draft)
        self.verify_page.set_receipt(result.receipt_id, draft, reconciled=result.reconciled)
        self.submitted.emit(result)
        self._show_step()
        self._verify_attempt = 0
        self._verify(True)

    def _submit_failed(self, exc: BaseException) -> None:
        from intake_gui.services.receiving import SubmitRefused, SubmitUncertain

        self._submitting = False
        self.review_page.set_busy(False)
        draft = self._last_draft
        if isinstance(exc, SubmitUncertain) and draft is not None:
            # Never back to Review: Submit there would risk a second receive. Verify waits for the answer.
            self.flow.mark_submitted(None)
            self.products_page.stop_session()
            self.verify_page.start(draft)
            self.verify_page.show_uncertain(exc.message)
            self._show_step()
            return
        diagnosis = self.services.receiving.diagnose_error(exc) if self.services else None
        if diagnosis is None:
            return
        if not isinstance(exc, SubmitRefused):
            log.error("Submit failed unexpectedly", exc_info=exc)
        step_title = (
            Step(diagnosis.go_back_to).title
            if diagnosis.go_back_to in Step._value2member_map_
            else ""
        )
        self.review_page.show_refusal(diagnosis, step_title)
        self.submit_refused.emit(diagnosis)
        self._update_nav()

    def _confirm_again(self) -> None:
        """Outcome unknown: ask the service again; it reconciles through receive history before any resend."""
        draft = self._last_draft
        if self._submitting or self.services is None or draft is None:
            return
        self._submitting = True
        self.verify_page.set_confirming(True, "Looking for the receive in the POS's history…")
        self._run(
            submit_job,
            self.services.receiving,
            draft,
            PHASE,
            on_phase=lambda text: self.verify_page.set_confirming(True, text),
            on_returned=self._confirmed,
            on_errored=self._confirm_failed,
            keep_generation=True,
        )

    def _confirmed(self, outcome: tuple[Any, Any]) -> None:
        baseline, result = outcome
        self._submitting = False
        self._baseline = self._baseline or baseline
        self._submit_result = result
        draft = self._last_draft
        assert draft is not None
        self.flow.receipt_found(result.receipt_id)
        self.verify_page.set_receipt(result.receipt_id, draft, reconciled=result.reconciled)
        self.submitted.emit(result)
        self._verify(True)

    def _confirm_failed(self, exc: BaseException) -> None:
        from intake_gui.services.receiving import SubmitUncertain

        self._submitting = False
        if isinstance(exc, SubmitUncertain):
            self.verify_page.show_uncertain(exc.message)
            return
        diagnosis = self.services.receiving.diagnose_error(exc) if self.services else None
        text = diagnosis.headline if diagnosis else "The check failed."
        self.verify_page.show_uncertain(text)

    # ---- step 6: verify --------------------------------------------------------------------------

    def _verify(self, _auto: bool = False) -> None:
        result, draft = self._submit_result, self._last_draft
        if self._verifying or self.services is None or result is None or draft is None:
            return
        self._verifying = True
        self._verify_attempt += 1
        self.verify_page.panel.set_checking()
        self._run(
            self.services.receiving.verify,
            draft,
            result.receipt_id,
            baseline=self._baseline,
            submitted_at=result.submitted_at,
            attempt=self._verify_attempt,
            on_returned=self._verified,
            on_errored=self._verify_failed,
        )

    def _verified(self, report: Any) -> None:
        self._verifying = False
        self.verify_page.panel.set_report(report)
        self._offer_move(report)
        self.verified.emit(report)
        if self._recheck_pending:
            self._recheck_pending = False
            self._verify()

    def _verify_failed(self, exc: BaseException) -> None:
        self._verifying = False
        log.warning("Verification attempt failed", exc_info=exc)
        headline, todo = self._words(exc)
        self.verify_page.panel.set_failed(
            f"? Could not check: {headline}", todo or "Press F5 to try again."
        )
        if self._recheck_pending:
            self._recheck_pending = False
            self._verify()

    # ---- step 6: move to a sales room ------------------------------------------------------------

    def _rooms_by_id(self) -> dict[int, Room]:
        return {r.room_id: r for r in self.flow.rooms or ()}

    def _offer_move(self, report: Any) -> None:
        """Show the move button while the sellable light is red because of the room (every re-check asks
        again, so the button goes once the stock is on the sales floor)."""
        from intake_gui.services.moving import move_needed

        draft = self._last_draft
        if draft is None or self.services is None:
            self.verify_page.show_move_offer(False)
            return
        needed = move_needed(report, draft, self._rooms_by_id())
        manual = not self.services.ctx.connector.capabilities.move
        self.verify_page.show_move_offer(needed, manual=manual)

    def open_move(self) -> Any:
        """The verify page's "Move to a sales room…": one dialog per receipt at a time (Alt+M raises it)."""
        from intake_gui.ui.move_dialog import offer_move

        report, draft = self.verify_page.panel.report, self._last_draft
        if self.services is None or report is None or draft is None:
            return None
        dialog = self._move_dialog
        if dialog is not None and self._move_receipt == report.receipt_id and dialog.isVisible():
            dialog.raise_()
            dialog.activateWindow()
            return dialog
        self._close_move_dialog()
        dialog = offer_move(
            self,
            self.services,
            draft,
            report,
            on_moved=lambda _transfer: self._recheck_after_move(),
            rooms=self._rooms_by_id(),
        )
        if dialog is None:
            self.verify_page.show_move_offer(False)
            return None
        self._move_dialog, self._move_receipt = dialog, report.receipt_id
        self.move_offered.emit(dialog)
        return dialog

    def _recheck_after_move(self) -> None:
        """The transfer was accepted: read the lights again against the same pre-submit baseline."""
        if self._verifying:
            self._recheck_pending = True
            return
        self.verify_page.panel.request_check()

    def _close_move_dialog(self) -> None:
        dialog, self._move_dialog, self._move_receipt = self._move_dialog, None, None
        if dialog is not None:
            dialog.close()

    # ---- new receive / resume --------------------------------------------------------------------

    def request_new_receive(self) -> None:
        if not self.can_receive:
            self.status_message.emit("This POS cannot receive through Intake; use Shelf count.")
            return
        if self._submitting:
            self.status_message.emit("Wait until the receive is sent.")
            return
        session = self.products_page.session
        if not self.flow.submitted and session is not None and session.lines:
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
        if self._submitting:
            return
        self.verify_page.panel.stop()
        self.verify_page.show_move_offer(False)
        self._close_move_dialog()
        self.products_page.stop_session()
        self._verifying = False
        self._recheck_pending = False
        self._new_draft_identity()
        self.flow.start_over_keep_location()
        if self.flow.location is not None:
            self.vendor_page.set_vendors(self.vendor_page.vendors)
            if self.flow.rooms is not None:
                self.room_page.set_rooms(self.flow.rooms)
        self._show_step()

    def resume(self, entry: Any) -> None:
        """Rebuild the wizard from a journal entry: same draft id and token, location, vendor, room, lines."""
        if self.services is None or self._submitting or not self.can_receive:
            return
        draft: ReceiveDraft = entry.draft
        self._gen += 1
        self.products_page.stop_session()
        self.verify_page.panel.stop()
        self.location_page.picker.select_data(draft.location)
        self.status_message.emit(f"Resuming “{draft.title}”…")
        self._run(
            self.services.setup.rooms,
            draft.location,
            on_returned=lambda rooms: self._resume_with_rooms(draft, rooms),
            on_errored=lambda exc: self.location_page.set_error(*self._words(exc)),
        )

    def _resume_with_rooms(self, draft: ReceiveDraft, rooms: list[Room]) -> None:
        self.flow = WizardFlow.resume(draft, rooms)
        self.draft_id = draft.draft_id
        self.token = draft.token
        self.title = draft.title
        self._title_vendor = None
        self.clerk_note = clerk_part(draft.note)
        self._restore_lines = tuple(draft.lines)
        self._submit_result = None
        self._baseline = None
        self._last_draft = None
        self.review_page.clear_refusal()
        self.review_page.set_note(self.clerk_note)
        self.room_page.set_rooms(rooms, select=self.flow.room)
        self.vendor_page.set_loading(draft.location)
        self.vendor_page.heading.setText(f"Who delivered to {draft.location.name}?")
        services = self.services
        assert services is not None
        self._run(
            services.setup.vendors,
            draft.location,
            on_returned=lambda vendors: self.vendor_page.set_vendors(vendors, select=draft.vendor),
        )
        self._load_catalog(draft.location)
        self._show_step()
        self.resumed.emit(draft.draft_id)
        self.status_message.emit(f"Resumed “{draft.title}” with {len(draft.lines)} lines.")

    # ---- settings / misc -------------------------------------------------------------------------

    def apply_settings(self, settings: StationSettings) -> None:
        self.settings = settings
        self.products_page.apply_settings(settings)
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
        self.verify_page.panel.stop()
        self._close_move_dialog()
        self.products_page.shutdown()
        if self.scanner is not None:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self.scanner)

    # ---- helpers ---------------------------------------------------------------------------------

    def _words(self, exc: BaseException) -> tuple[str, str]:
        """A known error in words (headline, what to do); a bug is logged and described generically."""
        if self.services is not None:
            d = self.services.receiving.diagnose_error(exc)
            return d.headline, d.what_to_do
        message = getattr(exc, "message", "") or "Something went wrong talking to the POS."
        return message, "Try again."

    def _run(
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
