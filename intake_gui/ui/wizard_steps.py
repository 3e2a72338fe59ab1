"""Steps 1–4 of the wizard (location, vendor, room, products) and resuming a saved draft.

A mixin of `ReceiveWizard` (`ui/wizard.py`), kept apart so the wizard reads in one sitting. Every rule is the
session's (`services.receive_session`): what a choice clears, the room gates, the one no-rooms rule. These methods
start the reads on workers (results for an earlier location are dropped by generation) and hand the choices to
the session; the draft itself is built by the session from the products page's lines. No state of their own.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from intake_gui.domain.wizard_flow import FlowError, Step

if TYPE_CHECKING:
    from intake_gui.domain.models import Location, Product, ReceiveDraft, Room, Vendor

log = logging.getLogger(__name__)


class WizardSteps:
    """Mixed into ReceiveWizard: uses its pages, session, `run` and signals."""

    services: Any
    session: Any

    # ---- locations -------------------------------------------------------------------------------

    def _retry_locations(self) -> None:
        if self.services is None:
            self.retry_connection.emit()
        else:
            self._load_locations()

    def _load_locations(self) -> None:
        assert self.services is not None
        self.location_page.set_loading("Loading locations…")
        self.run(
            self.services.setup.locations,
            on_returned=self._locations_loaded,
            on_errored=lambda exc: self.location_page.set_error(*self.words(exc)),
        )

    def _locations_loaded(self, locations: list[Location]) -> None:
        self.location_page.set_locations(locations, select_id=self.settings.last_location_id)
        self.locations_loaded.emit(locations)

    # ---- steps 1-3 -------------------------------------------------------------------------------

    def choose_location(self, location: Location) -> None:
        if self.busy or self.services is None or not self.can_receive:
            return
        try:
            changed = self.session.choose_location(location)
        except FlowError as exc:
            self.location_page.say(exc.reason, "bad")
            return
        if changed:
            self._gen += 1
            self._stop_products_session()
            self._reset_pages()
            self._load_location(location)
        if self.settings.last_location_id != location.loc_id:
            self.settings = self.settings.model_copy(update={"last_location_id": location.loc_id})
            self.settings_changed.emit(self.settings)
        self._advance()

    def _load_location(self, location: Location) -> None:
        assert self.services is not None
        self.room_page.set_loading(location)
        self._load_vendors(location)
        self.run(
            self.services.setup.rooms,
            location,
            on_returned=self._rooms_loaded,
            on_errored=lambda exc: self.room_page.say(" ".join(self.words(exc)), "bad"),
        )
        self.cat.load(location)

    def _load_vendors(self, location: Location) -> None:
        assert self.services is not None
        self.vendor_page.set_loading(location)
        self.run(
            self.services.setup.vendors,
            location,
            on_returned=lambda vendors: self.vendor_page.set_vendors(
                vendors, select=self.flow.vendor
            ),
            on_errored=lambda exc: self.vendor_page.set_error(" ".join(self.words(exc))),
        )

    def _reload_vendors(self) -> None:
        """The empty-list way on: the vendor was added in the POS meanwhile, read the list again."""
        location = self.flow.location
        if self.services is not None and location is not None and not self.flow.submitted:
            self._load_vendors(location)

    def _rooms_loaded(self, rooms: list[Room]) -> None:
        try:
            self.session.set_rooms(rooms)
        except FlowError as exc:
            log.info("Rooms arrived after submit: %s", exc.reason)
            return
        self.room_page.set_rooms(rooms, select=self.flow.room)
        self._show_room_block()
        self.rooms_loaded.emit(rooms)
        self.show_step()

    def _show_room_block(self) -> None:
        blocked = self.session.room_block()
        if blocked is not None:
            self.room_page.show_blocked(
                blocked.headline, blocked.what_happened, blocked.what_to_do, blocked.detail
            )

    def choose_vendor(self, vendor: Vendor) -> None:
        if self.busy:
            return
        try:
            self.session.choose_vendor(vendor)
        except FlowError as exc:
            self.vendor_page.say(exc.reason, "bad")
            return
        self._advance()

    def choose_room(self, room: Room) -> None:
        if self.busy:
            return
        try:
            gate = self.session.choose_room(room)
        except FlowError as exc:
            self.room_page.say(exc.reason, "bad")
            return
        if gate.needs_confirmation:
            self.room_page.ask_confirmation(room, gate.needs_confirmation)
            self.update_nav()
            return
        self._advance()

    def confirm_room(self, room: Room) -> None:
        try:
            self.session.choose_room(room, confirmed=True)
        except FlowError as exc:
            self.room_page.say(exc.reason, "bad")
            return
        self.audit("room_confirmed_non_sellable", {"room_id": room.room_id, "room": room.name})
        self._advance()

    def resume(self, entry: Any) -> None:
        """Rebuild the wizard from a journal entry: same draft id and tag, location, vendor, room, lines."""
        if self.services is None or self.busy or not self.can_receive:
            return
        draft: ReceiveDraft = entry.draft
        self._gen += 1
        self._stop_products_session()
        self._reset_sending()
        self.location_page.picker.select_data(draft.location)
        self.status_message.emit(f"Resuming “{draft.title}”…")
        self.run(
            self.services.setup.rooms,
            draft.location,
            on_returned=lambda rooms: self._resume_with_rooms(draft, rooms),
            on_errored=lambda exc: self.location_page.set_error(*self.words(exc)),
        )

    def _resume_with_rooms(self, draft: ReceiveDraft, rooms: list[Room]) -> None:
        self.session.resume(draft, rooms)
        self._reset_pages()
        self.review_page.set_note(self.session.clerk_note)
        self.room_page.set_rooms(rooms, select=self.flow.room)
        self.vendor_page.set_loading(draft.location)
        self.vendor_page.heading.setText(f"Who delivered to {draft.location.name}?")
        services = self.services
        assert services is not None
        self.run(
            services.setup.vendors,
            draft.location,
            on_returned=lambda vendors: self.vendor_page.set_vendors(vendors, select=draft.vendor),
        )
        self.cat.load(draft.location)
        self.show_step()
        self.resumed.emit(draft.draft_id)
        self.status_message.emit(f"Resumed “{draft.title}” with {len(draft.lines)} lines.")

    # ---- step 4: the draft ------------------------------------------------------------------------

    def ensure_products_session(self) -> None:
        room = self.flow.room
        if room is None or self.catalog is None:
            return
        if self.products_page.session is None:
            self.products_page.start_session(
                self.catalog.index,
                room.room_id,
                title=self.session.title,
                lines=self.session.restore_lines,
            )
            self.session.restore_lines = ()
        else:
            self.products_page.session.set_room(room.room_id)
        self.products_page.set_context(self.flow.location, self.flow.vendor, room)

    def _title_changed(self, title: str) -> None:
        self.session.title = title
        self._draft_changed()

    def _note_changed(self, note: str) -> None:
        self.session.clerk_note = note
        draft = self.current_draft()
        if draft is not None:
            self.review_page.show_draft(draft, self.session.problems(draft))
            self._autosave(draft)

    def _blind_count_toggled(self, on: bool) -> None:
        if self.settings.blind_count != on:
            self.settings = self.settings.model_copy(update={"blind_count": on})
            self.settings_changed.emit(self.settings)

    def current_draft(self) -> ReceiveDraft | None:
        """The draft as it would be sent now; None until location, vendor, room and a valid title exist,
        and always None for a POS that cannot receive."""
        products = self._built_page(Step.PRODUCTS)  # never built: nothing scanned
        scan = products.session if products is not None else None
        if scan is not None:
            manifest = scan.manifest
            self.session.manifest_ref = manifest.transfer_id if manifest is not None else ""
        try:
            return self.session.build_draft(scan.draft_lines() if scan is not None else None)
        except ValueError as exc:
            # Imported here: it brings pydantic, which the first frame does not load.
            from intake_gui.domain.input_refusals import clerk_message

            self.products_page.say_title_problem(clerk_message(exc))  # never pydantic's text
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
        self.update_nav()

    def _autosave(self, draft: ReceiveDraft) -> None:
        if self.services is not None and not self.flow.submitted:
            self.services.receiving.autosave(draft)

    def autosave_now(self) -> None:
        """Queue the current draft once more (the window flushes the writer right after)."""
        if self.services is not None and not self.flow.submitted:
            draft = self.current_draft()
            if draft is not None and draft.lines:
                self.services.receiving.autosave(draft)

    def audit(self, kind: str, data: dict[str, Any]) -> None:
        if self.services is not None and self.draft_id:
            self.services.receiving.record(self.draft_id, kind, data)

    def _save_code_mapping(self, code: str, product: Product) -> None:
        if self.services is not None:
            self.services.receiving.save_code_mapping(code, product, draft_id=self.draft_id)
