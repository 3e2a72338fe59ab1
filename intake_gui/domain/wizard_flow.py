"""The receiving wizard's navigation as a plain state machine, so every rule is tested without Qt.

Pages only collect input and show state (the electrum wizard split): they call `choose_*`/`set_*` when the
clerk picks something, ask `can_advance()` to enable Next and show why not, and call `advance()`/`back()`.
Every rule about what may follow what lives here.

Two invariants the methods keep:
- The current step never sits past a selection page (location, vendor, room) whose choice is missing: if a
  choice is cleared, the flow steps back to that page.
- Once submitted, there is no way back: VERIFY has no back, and nothing can be chosen again until a new
  receive is started. Going back to REVIEW would offer Submit a second time, and a second submit doubles stock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from intake_gui.domain.audience import Speech

if TYPE_CHECKING:
    from intake_gui.domain.models import Location, ReceiveDraft, Room, Vendor
    from intake_gui.domain.wizard_block import Blocked


class Step(StrEnum):
    LOCATION = "location"
    VENDOR = "vendor"
    ROOM = "room"
    PRODUCTS = "products"
    REVIEW = "review"
    VERIFY = "verify"

    # These shadow str.index/str.title on purpose (a step's place and label); nothing calls them as str methods.
    @property
    def index(self) -> int:  # type: ignore[override]
        return STEP_ORDER.index(self)

    @property
    def title(self) -> str:  # type: ignore[override]
        """The label in the wizard's step list."""
        return _TITLES[self]


STEP_ORDER: tuple[Step, ...] = tuple(Step)
_TITLES = {
    Step.LOCATION: "Location",
    Step.VENDOR: "Vendor",
    Step.ROOM: "Room",
    Step.PRODUCTS: "Products",
    Step.REVIEW: "Review",
    Step.VERIFY: "Verify",
}


class FlowError(Exception):
    """A move the wizard does not allow; `reason` is a sentence the UI can show as it is."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Gate:
    """Whether Next is allowed now, and if not, why.

    `needs_confirmation` non-empty means "allowed once the clerk confirms this text": the UI shows it,
    and on Yes calls `confirm_room()` (or `choose_room(room, confirmed=True)`) and asks again.
    """

    ok: bool
    reason: str = ""
    needs_confirmation: str = ""


def non_sellable_warning(room: Room) -> str:
    return (
        f"Stock received into {room.name} will not be sellable until it is moved to a sales room. "
        "Receive into it anyway?"
    )


class WizardFlow:
    """One receive from location to verification. Not thread-safe: the GUI thread owns it."""

    def __init__(self, speech: Speech | None = None) -> None:
        self.speech = speech or Speech()
        """How explanations speak: the POS's names, and whether this is the training sandbox (the wizard
        sets it when it attaches to a context; `reset` keeps it)."""
        self.reset()

    # ------------------------------------------------------------------------------------ state

    def reset(self) -> None:
        """Back to an empty wizard, e.g. after the clerk switches company or signs out."""
        self.step: Step = Step.LOCATION
        self.location: Location | None = None
        self.rooms: tuple[Room, ...] | None = None
        self._clear_after_location()

    def start_over_keep_location(self) -> Step:
        """The next delivery at the same store: keep the location (and its rooms), clear everything else."""
        location, rooms = self.location, self.rooms
        self.reset()
        self.location, self.rooms = location, rooms
        self.step = Step.VENDOR if location is not None else Step.LOCATION
        return self.step

    def _clear_after_location(self) -> None:
        self.vendor: Vendor | None = None
        self.room: Room | None = None
        self.room_confirmed_non_sellable: bool = False
        self.line_count: int = 0
        self.blocking_problems: tuple[str, ...] = ()
        self.submitted: bool = False
        self.receipt_id: int | None = None

    def _refuse_after_submit(self) -> None:
        if self.submitted:
            raise FlowError(
                "This receive has been submitted and cannot be changed. Start a new receive instead."
            )

    def _pull_back(self) -> None:
        """Keep the invariant: the step never sits past a selection page whose gate is now closed."""
        if self.location is None and self.step.index > Step.LOCATION.index:
            self.step = Step.LOCATION
        elif self.vendor is None and self.step.index > Step.VENDOR.index:
            self.step = Step.VENDOR
        elif self.step.index > Step.ROOM.index and not self._room_gate().ok:
            self.step = Step.ROOM

    # ------------------------------------------------------------------------------------ input

    def choose_location(self, loc: Location) -> None:
        """Vendors, rooms and products belong to a location, so a different one clears all of them."""
        self._refuse_after_submit()
        if self.location is not None and loc.loc_id == self.location.loc_id:
            self.location = loc
            return
        self.location = loc
        self.rooms = None
        self._clear_after_location()
        self._pull_back()

    def choose_vendor(self, vendor: Vendor) -> None:
        self._refuse_after_submit()
        if self.location is None:
            raise FlowError("Choose a location first.")
        self.vendor = vendor

    def set_rooms(self, rooms: Iterable[Room]) -> None:
        """The location's rooms, as just loaded. A chosen room that is no longer listed is dropped."""
        self._refuse_after_submit()
        if self.location is None:
            raise FlowError("Choose a location first.")
        self.rooms = tuple(rooms)
        if self.room is not None:
            fresh = next((r for r in self.rooms if r.room_id == self.room.room_id), None)
            if fresh is None or not fresh.eligible:
                self.room = None
                self.room_confirmed_non_sellable = False
            else:
                if fresh.sellable != self.room.sellable:
                    self.room_confirmed_non_sellable = False
                self.room = fresh
        self._pull_back()

    def choose_room(self, room: Room, *, confirmed: bool = False) -> None:
        """Pick the room every line lands in. `confirmed` records the clerk's Yes to the non-sellable warning."""
        self._refuse_after_submit()
        if self.location is None:
            raise FlowError("Choose a location first.")
        if self.rooms is not None and all(r.room_id != room.room_id for r in self.rooms):
            raise FlowError(f"Room “{room.name}” is not a room of {self.location.name}.")
        if not room.eligible:
            raise FlowError(
                f"Room “{room.name}” is not an inventory room; stock received there never reaches "
                "inventory. Choose an inventory room."
            )
        self.room = room
        self.room_confirmed_non_sellable = bool(confirmed) and not room.sellable
        self._pull_back()

    def confirm_room(self) -> None:
        """The clerk said Yes to receiving into a room that is not a sales room."""
        self._refuse_after_submit()
        if self.room is None:
            raise FlowError("Choose a room first.")
        self.room_confirmed_non_sellable = not self.room.sellable

    def set_lines(self, count: int) -> None:
        """Mirror of the draft's line count; the draft itself lives in the services layer."""
        self._refuse_after_submit()
        if count < 0:
            raise ValueError("line count cannot be negative")
        self.line_count = count

    def set_problems(self, problems: Iterable[str]) -> None:
        """The draft's `problems()`: anything here blocks REVIEW."""
        self._refuse_after_submit()
        self.blocking_problems = tuple(problems)

    # ------------------------------------------------------------------------------------ rules

    def room_page_block(self) -> Blocked | None:
        """The no-rooms stop: a receive would "succeed" yet put the stock nowhere. None while rooms load."""
        if self.location is None or self.rooms is None:
            return None
        if any(r.eligible for r in self.rooms):
            return None
        # The rule tables are imported here, not with this module: the window's first frame builds a flow long
        # before any rule runs, and by the time rooms arrive the context's worker has imported them.
        from intake_gui.domain.diagnosis import no_rooms_explanation
        from intake_gui.domain.wizard_block import Blocked

        explanation = no_rooms_explanation(self.location, self.rooms, speech=self.speech)
        return Blocked(**explanation.model_dump(), step=Step.ROOM)

    def _room_gate(self) -> Gate:
        if self.rooms is None:
            return Gate(False, "The rooms are still loading.")
        blocked = self.room_page_block()
        if blocked is not None:
            return Gate(False, blocked.headline)
        if self.room is None:
            return Gate(False, "Choose the room the delivery goes into.")
        if not self.room.sellable and not self.room_confirmed_non_sellable:
            return Gate(
                False,
                f"{self.room.name} is not a sales room.",
                needs_confirmation=non_sellable_warning(self.room),
            )
        return Gate(True)

    def can_advance(self) -> Gate:
        """Whether Next (on REVIEW: Submit) is allowed now, with the reason when it is not."""
        if self.step is Step.LOCATION:
            return Gate(True) if self.location is not None else Gate(False, "Choose a location.")
        if self.step is Step.VENDOR:
            if self.vendor is None:
                return Gate(False, "Choose the vendor of this delivery.")
            return Gate(True)
        if self.step is Step.ROOM:
            return self._room_gate()
        if self.step is Step.PRODUCTS:
            if self.line_count < 1:
                return Gate(False, "Scan or add at least one product.")
            return Gate(True)
        if self.step is Step.REVIEW:
            if self.line_count < 1:
                return Gate(False, "Add at least one product before submitting.")
            if self.blocking_problems:
                return Gate(False, self.blocking_problems[0])
            return Gate(True)
        return Gate(False, "The receive is submitted; start a new one for the next delivery.")

    def can_submit(self) -> Gate:
        """REVIEW's gate, under the name the Submit button thinks in."""
        if self.step is not Step.REVIEW:
            return Gate(False, "Submit from the review page.")
        return self.can_advance()

    # ------------------------------------------------------------------------------------ moves

    def advance(self) -> Step:
        """Next page. REVIEW moves on only through `mark_submitted`: only a receipt id proves the send."""
        gate = self.can_advance()
        if gate.needs_confirmation:
            raise FlowError(gate.needs_confirmation)
        if not gate.ok:
            raise FlowError(gate.reason)
        if self.step is Step.REVIEW:
            raise FlowError(
                "Submit the receive to continue; verification starts once the POS has it."
            )
        self.step = STEP_ORDER[self.step.index + 1]
        return self.step

    def back(self) -> Step:
        if self.submitted or self.step is Step.VERIFY:
            raise FlowError(
                "The receive is already submitted; going back could send it twice. "
                "Start a new receive instead."
            )
        if self.step is Step.LOCATION:
            raise FlowError("This is the first step.")
        self.step = STEP_ORDER[self.step.index - 1]
        return self.step

    def mark_submitted(self, receipt_id: int | None) -> Step:
        """The POS has the receive (or may have it: `receipt_id` None when the answer was lost).

        Either way the flow moves to VERIFY and locks, because the only safe next move after a send whose
        outcome is unknown is to look for it, never to send it again.
        """
        if self.submitted:
            if receipt_id is not None and self.receipt_id not in (None, receipt_id):
                raise FlowError(
                    f"Already submitted as receipt {self.receipt_id}; not replacing it with {receipt_id}."
                )
            if receipt_id is not None:
                self.receipt_id = receipt_id
            return self.step
        if self.step is not Step.REVIEW:
            raise FlowError("Submit from the review page.")
        self.submitted = True
        self.receipt_id = receipt_id
        self.step = Step.VERIFY
        return self.step

    def receipt_found(self, receipt_id: int) -> None:
        """Reconciliation found the receipt of a submit whose answer was lost."""
        if not self.submitted:
            raise FlowError("Nothing has been submitted yet.")
        self.mark_submitted(receipt_id)

    # ------------------------------------------------------------------------------------ resume

    @classmethod
    def resume(cls, draft: ReceiveDraft, rooms: Iterable[Room]) -> WizardFlow:
        """Rebuild the flow for an open draft from the journal, through the same gates a clerk passes.

        Ends on PRODUCTS (or earlier, where a gate now fails: e.g. the room was removed since), so a
        restored draft is re-checked rather than trusted. The room counts as confirmed: the clerk
        confirmed it when the draft was started.
        """
        flow = cls()
        flow.choose_location(draft.location)
        flow.advance()
        flow.choose_vendor(draft.vendor)
        flow.advance()
        flow.set_rooms(rooms)
        fresh = next((r for r in flow.rooms or () if r.room_id == draft.room.room_id), None)
        if fresh is None or not fresh.eligible:
            return flow
        flow.choose_room(fresh, confirmed=True)
        flow.advance()
        flow.set_lines(len(draft.lines))
        flow.set_problems(draft.problems())
        return flow
