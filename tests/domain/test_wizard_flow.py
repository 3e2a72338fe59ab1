"""Every wizard transition in plain pytest: the Qt pages only mirror what this state machine allows."""

from __future__ import annotations

import pytest

from intake_gui.domain.diagnosis import Speech
from intake_gui.domain.models import DraftLine, Location, ReceiveDraft, Room, Vendor
from intake_gui.domain.wizard_block import Blocked
from intake_gui.domain.wizard_flow import (
    STEP_ORDER,
    FlowError,
    Gate,
    Step,
    WizardFlow,
)
from intake_gui.pos.dutchie.words import DUTCHIE_WORDS

AZ = Location(loc_id=1989, name="AZ Sandbox", state="AZ", lsp_id=575)
IL = Location(loc_id=2862, name="IL Sandbox", state="IL", lsp_id=575)
OH = Location(loc_id=2869, name="OH Sandbox", state="OH", lsp_id=575)
SALES = Room(room_id=24772, name="Sales Floor", inventory_room=True, pos_room=True)
VAULT = Room(room_id=24773, name="Vault", inventory_room=True, pos_room=False)
QUARANTINE = Room(room_id=24774, name="Quarantine", inventory_room=False, pos_room=False)
AZ_ROOMS = (SALES, VAULT, QUARANTINE)
VENDOR = Vendor(vendor_id=39195, name="PALOMINO PRINTING")
OTHER_VENDOR = Vendor(vendor_id=39196, name="PALOMINO PRINTING")


def at_room(rooms: tuple[Room, ...] = AZ_ROOMS, location: Location = AZ) -> WizardFlow:
    flow = WizardFlow()
    flow.choose_location(location)
    flow.advance()
    flow.choose_vendor(VENDOR)
    flow.advance()
    flow.set_rooms(rooms)
    return flow


def at_products(room: Room = SALES) -> WizardFlow:
    flow = at_room()
    flow.choose_room(room, confirmed=True)
    assert flow.advance() is Step.PRODUCTS
    return flow


def at_review() -> WizardFlow:
    flow = at_products()
    flow.set_lines(2)
    assert flow.advance() is Step.REVIEW
    return flow


def submitted(receipt_id: int | None = 1379127) -> WizardFlow:
    flow = at_review()
    assert flow.mark_submitted(receipt_id) is Step.VERIFY
    return flow


# ------------------------------------------------------------------------------- start and order


def test_starts_empty_on_location() -> None:
    flow = WizardFlow()
    assert flow.step is Step.LOCATION
    assert (flow.location, flow.vendor, flow.room, flow.rooms) == (None, None, None, None)
    assert flow.line_count == 0 and flow.blocking_problems == ()
    assert not flow.submitted and flow.receipt_id is None
    assert not flow.room_confirmed_non_sellable


def test_step_order_and_titles() -> None:
    assert STEP_ORDER == (
        Step.LOCATION,
        Step.VENDOR,
        Step.ROOM,
        Step.PRODUCTS,
        Step.REVIEW,
        Step.VERIFY,
    )
    assert [s.index for s in STEP_ORDER] == list(range(6))
    assert Step.PRODUCTS.title == "Products"
    assert Step.ROOM == "room"


def test_happy_path_to_verify() -> None:
    flow = submitted()
    assert flow.step is Step.VERIFY
    assert flow.submitted and flow.receipt_id == 1379127


# ------------------------------------------------------------------------------- location


def test_location_gate() -> None:
    flow = WizardFlow()
    assert flow.can_advance() == Gate(False, "Choose a location.")
    with pytest.raises(FlowError, match="Choose a location"):
        flow.advance()
    flow.choose_location(AZ)
    assert flow.can_advance().ok
    assert flow.advance() is Step.VENDOR


def test_back_from_first_step_is_refused() -> None:
    with pytest.raises(FlowError, match="first step"):
        WizardFlow().back()


def test_changing_location_clears_vendor_room_rooms_and_lines() -> None:
    flow = at_products()
    flow.set_lines(3)
    flow.set_problems(["x"])
    flow.choose_location(IL)
    assert flow.location == IL
    assert flow.vendor is None and flow.room is None and flow.rooms is None
    assert flow.line_count == 0 and flow.blocking_problems == ()
    assert not flow.room_confirmed_non_sellable
    assert flow.step is Step.VENDOR


def test_rechoosing_the_same_location_keeps_everything() -> None:
    flow = at_products()
    flow.choose_location(AZ.model_copy(update={"name": "AZ Sandbox (renamed)"}))
    assert flow.vendor == VENDOR and flow.room == SALES and flow.rooms == AZ_ROOMS
    assert flow.step is Step.PRODUCTS
    assert flow.location is not None and flow.location.name == "AZ Sandbox (renamed)"


def test_changing_location_on_location_page_stays_there() -> None:
    flow = WizardFlow()
    flow.choose_location(AZ)
    flow.choose_location(IL)
    assert flow.step is Step.LOCATION


# ------------------------------------------------------------------------------- vendor


def test_vendor_gate_and_back() -> None:
    flow = WizardFlow()
    with pytest.raises(FlowError, match="location first"):
        flow.choose_vendor(VENDOR)
    flow.choose_location(AZ)
    flow.advance()
    assert not flow.can_advance().ok
    assert "vendor" in flow.can_advance().reason
    flow.choose_vendor(VENDOR)
    assert flow.advance() is Step.ROOM
    assert flow.back() is Step.VENDOR
    assert flow.back() is Step.LOCATION
    assert flow.vendor == VENDOR  # going back keeps choices


def test_changing_vendor_keeps_room() -> None:
    flow = at_products()
    flow.choose_vendor(OTHER_VENDOR)
    assert flow.vendor == OTHER_VENDOR and flow.room == SALES
    assert flow.step is Step.PRODUCTS


# ------------------------------------------------------------------------------- room


def test_rooms_loading_blocks_room_step() -> None:
    flow = WizardFlow()
    flow.choose_location(AZ)
    flow.advance()
    flow.choose_vendor(VENDOR)
    flow.advance()
    assert flow.can_advance() == Gate(False, "The rooms are still loading.")
    assert flow.room_page_block() is None


def test_set_rooms_needs_location() -> None:
    with pytest.raises(FlowError, match="location first"):
        WizardFlow().set_rooms(AZ_ROOMS)


def test_room_must_be_chosen() -> None:
    flow = at_room()
    gate = flow.can_advance()
    assert not gate.ok and "Choose the room" in gate.reason
    with pytest.raises(FlowError):
        flow.advance()


def test_non_inventory_room_is_impossible() -> None:
    flow = at_room()
    with pytest.raises(FlowError, match="not an inventory room") as info:
        flow.choose_room(QUARANTINE)
    assert "Quarantine" in info.value.reason
    assert flow.room is None


def test_room_of_another_location_is_refused() -> None:
    flow = at_room()
    stranger = Room(room_id=1, name="Elsewhere", inventory_room=True, pos_room=True)
    with pytest.raises(FlowError, match="not a room of AZ Sandbox"):
        flow.choose_room(stranger)


def test_sellable_room_needs_no_confirmation() -> None:
    flow = at_room()
    flow.choose_room(SALES)
    assert flow.can_advance() == Gate(True)
    assert flow.advance() is Step.PRODUCTS


def test_non_sellable_room_needs_confirmation() -> None:
    flow = at_room()
    flow.choose_room(VAULT)
    gate = flow.can_advance()
    assert not gate.ok
    assert (
        "Stock received into Vault will not be sellable until it is moved to a sales room"
        in gate.needs_confirmation
    )
    with pytest.raises(FlowError, match="not be sellable"):
        flow.advance()
    flow.confirm_room()
    assert flow.room_confirmed_non_sellable
    assert flow.can_advance().ok
    assert flow.advance() is Step.PRODUCTS


def test_non_sellable_room_confirmed_on_choice() -> None:
    flow = at_room()
    flow.choose_room(VAULT, confirmed=True)
    assert flow.advance() is Step.PRODUCTS


def test_confirmation_does_not_carry_to_another_room() -> None:
    flow = at_room()
    flow.choose_room(VAULT, confirmed=True)
    flow.choose_room(SALES)
    assert not flow.room_confirmed_non_sellable
    other_vault = Room(room_id=9, name="Back Stock", inventory_room=True, pos_room=False)
    flow.set_rooms((*AZ_ROOMS, other_vault))
    flow.choose_room(other_vault)
    assert flow.can_advance().needs_confirmation


def test_confirm_room_without_room() -> None:
    with pytest.raises(FlowError, match="room first"):
        at_room().confirm_room()


def test_confirmed_flag_is_false_for_sellable_room() -> None:
    flow = at_room()
    flow.choose_room(SALES, confirmed=True)
    assert not flow.room_confirmed_non_sellable


def test_choosing_unconfirmed_vault_later_pulls_back_to_room() -> None:
    flow = at_products()
    flow.choose_room(VAULT)
    assert flow.step is Step.ROOM
    assert flow.can_advance().needs_confirmation


def test_no_rooms_blocks_with_course_explanation() -> None:
    flow = at_room(rooms=(), location=IL)
    # The course's sandboxes are named only on the training sandbox; screens are named per POS.
    flow.speech = Speech(DUTCHIE_WORDS, training_sandbox=True)
    block = flow.room_page_block()
    assert isinstance(block, Blocked)
    assert block.step is Step.ROOM
    assert "has no rooms" in block.headline
    assert "success" in block.what_happened
    assert "2862" in block.what_happened
    assert "1989" in block.what_to_do and "Settings > Rooms" in block.what_to_do
    gate = flow.can_advance()
    assert not gate.ok and gate.reason == block.headline
    with pytest.raises(FlowError, match="no rooms"):
        flow.advance()


def test_ohio_sandbox_blocks_too() -> None:
    flow = at_room(rooms=(), location=OH)
    flow.speech = Speech(training_sandbox=True)
    block = flow.room_page_block()
    assert block is not None and "Ohio sandbox (2869)" in block.what_happened


def test_rooms_without_inventory_room_block() -> None:
    flow = at_room(rooms=(QUARANTINE,))
    block = flow.room_page_block()
    assert block is not None and "no inventory room" in block.headline
    assert not flow.can_advance().ok


def test_location_with_inventory_rooms_is_not_blocked() -> None:
    assert at_room().room_page_block() is None


def test_reloaded_rooms_drop_a_vanished_room_and_pull_back() -> None:
    flow = at_products()
    flow.set_rooms((VAULT,))
    assert flow.room is None
    assert flow.step is Step.ROOM


def test_reloaded_rooms_drop_a_room_that_stopped_being_inventory() -> None:
    flow = at_products()
    flow.set_rooms((SALES.model_copy(update={"inventory_room": False}), VAULT))
    assert flow.room is None and flow.step is Step.ROOM


def test_reloaded_room_that_stopped_being_sellable_asks_again() -> None:
    flow = at_products()
    flow.set_rooms((SALES.model_copy(update={"pos_room": False}),))
    assert flow.step is Step.ROOM
    assert flow.room is not None and not flow.room.sellable
    assert flow.can_advance().needs_confirmation


def test_reloaded_rooms_keep_a_room_still_there() -> None:
    flow = at_products()
    flow.set_rooms(AZ_ROOMS)
    assert flow.room == SALES and flow.step is Step.PRODUCTS


# ------------------------------------------------------------------------------- products and review


def test_products_need_a_line() -> None:
    flow = at_products()
    assert flow.can_advance() == Gate(False, "Scan or add at least one product.")
    flow.set_lines(1)
    assert flow.advance() is Step.REVIEW


def test_negative_line_count_is_a_bug() -> None:
    with pytest.raises(ValueError):
        at_products().set_lines(-1)


def test_review_blocked_by_problems() -> None:
    flow = at_review()
    assert flow.can_submit().ok
    flow.set_problems(["3B4791 is short (expected 5, counted 3): give a reason."])
    gate = flow.can_advance()
    assert not gate.ok and gate.reason.startswith("3B4791 is short")
    assert flow.can_submit() == gate
    flow.set_problems([])
    assert flow.can_submit().ok


def test_review_blocked_without_lines() -> None:
    flow = at_review()
    flow.set_lines(0)
    assert not flow.can_submit().ok


def test_review_moves_on_only_by_submitting() -> None:
    flow = at_review()
    with pytest.raises(FlowError, match="Submit the receive"):
        flow.advance()
    assert flow.step is Step.REVIEW


def test_can_submit_only_on_review() -> None:
    assert at_products().can_submit() == Gate(False, "Submit from the review page.")


def test_back_through_every_step() -> None:
    flow = at_review()
    assert [flow.back() for _ in range(4)] == [
        Step.PRODUCTS,
        Step.ROOM,
        Step.VENDOR,
        Step.LOCATION,
    ]


# ------------------------------------------------------------------------------- submit and verify


def test_mark_submitted_only_from_review() -> None:
    flow = at_products()
    flow.set_lines(1)
    with pytest.raises(FlowError, match="review page"):
        flow.mark_submitted(5)
    assert not flow.submitted


def test_verify_has_no_back_and_no_next() -> None:
    flow = submitted()
    with pytest.raises(FlowError, match="send it twice"):
        flow.back()
    assert not flow.can_advance().ok
    with pytest.raises(FlowError):
        flow.advance()


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f.choose_location(AZ),
        lambda f: f.choose_vendor(VENDOR),
        lambda f: f.set_rooms(AZ_ROOMS),
        lambda f: f.choose_room(SALES),
        lambda f: f.confirm_room(),
        lambda f: f.set_lines(1),
        lambda f: f.set_problems([]),
    ],
)
def test_nothing_changes_after_submit(change) -> None:  # type: ignore[no-untyped-def]
    flow = submitted()
    with pytest.raises(FlowError, match="cannot be changed"):
        change(flow)


def test_lost_answer_still_locks_the_flow() -> None:
    flow = submitted(receipt_id=None)
    assert flow.step is Step.VERIFY and flow.receipt_id is None
    with pytest.raises(FlowError):
        flow.back()
    flow.receipt_found(777)
    assert flow.receipt_id == 777


def test_receipt_found_before_submit_is_refused() -> None:
    with pytest.raises(FlowError, match="Nothing has been submitted"):
        at_review().receipt_found(1)


def test_mark_submitted_again_is_idempotent_but_never_replaces() -> None:
    flow = submitted(receipt_id=10)
    assert flow.mark_submitted(10) is Step.VERIFY
    assert flow.mark_submitted(None) is Step.VERIFY
    assert flow.receipt_id == 10
    with pytest.raises(FlowError, match="not replacing"):
        flow.mark_submitted(11)


# ------------------------------------------------------------------------------- start over


def test_reset_forgets_everything() -> None:
    flow = submitted()
    flow.reset()
    fresh = WizardFlow()
    assert vars(flow) == vars(fresh)


def test_start_over_keeps_location_and_rooms() -> None:
    flow = submitted()
    assert flow.start_over_keep_location() is Step.VENDOR
    assert flow.location == AZ and flow.rooms == AZ_ROOMS
    assert flow.vendor is None and flow.room is None
    assert flow.line_count == 0 and not flow.submitted and flow.receipt_id is None
    flow.choose_vendor(VENDOR)
    flow.advance()
    flow.choose_room(SALES)
    assert flow.advance() is Step.PRODUCTS


def test_start_over_without_location_goes_to_location() -> None:
    assert WizardFlow().start_over_keep_location() is Step.LOCATION


# ------------------------------------------------------------------------------- resume


def _draft(room: Room) -> ReceiveDraft:
    return ReceiveDraft(
        location=AZ,
        vendor=VENDOR,
        room=room,
        title="INV-1",
        lines=(DraftLine(product_id=1, sku="A", name="a", quantity=2),),
    )


def test_resume_open_draft_lands_on_products() -> None:
    flow = WizardFlow.resume(_draft(VAULT), AZ_ROOMS)
    assert flow.step is Step.PRODUCTS
    assert flow.room == VAULT and flow.room_confirmed_non_sellable
    assert flow.line_count == 1 and flow.blocking_problems == ()
    assert flow.advance() is Step.REVIEW


def test_resume_when_room_is_gone_stops_on_room() -> None:
    flow = WizardFlow.resume(_draft(VAULT), (SALES,))
    assert flow.step is Step.ROOM and flow.room is None


def test_resume_at_location_without_rooms_shows_the_block() -> None:
    flow = WizardFlow.resume(_draft(SALES), ())
    assert flow.step is Step.ROOM
    assert flow.room_page_block() is not None
