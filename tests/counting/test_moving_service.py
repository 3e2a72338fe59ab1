"""Moving received stock to a sales room: BLAZE's create-then-accept/decline turns the sellable light green
only on acceptance; Dutchie, with no move API, gets exact manual steps; a lost answer is read back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from intake_gui.domain.counting import TransferStatus
from intake_gui.domain.models import DraftLine, ReceiveDraft, Room
from intake_gui.domain.verification import (
    LightKind,
    LightState,
    VerificationReport,
)
from intake_gui.pos.dutchie.connector import MOVE_HINT
from intake_gui.pos.errors import OutcomeUnknown
from intake_gui.sandbox import AZ_LOC_ID
from intake_gui.services.context import AppContext
from intake_gui.services.moving import MoveError, MovingService, move_needed

OpenPos = Callable[..., AppContext]


def _sellable(report: VerificationReport) -> LightState:
    return report.by_kind(LightKind.SELLABLE).state


@pytest.mark.parametrize(
    ("decision", "event"), [("accept", "move_accepted"), ("decline", "move_declined")]
)
def test_blaze_move_turns_the_sellable_light_green_only_when_accepted(
    open_pos: OpenPos, receive_into: Any, decision: str, event: str
) -> None:
    ctx = open_pos("blaze")
    got = receive_into(ctx, "Safe")
    assert _sellable(got.first) is LightState.RED
    assert move_needed(got.first, got.draft)

    moving = MovingService(ctx)
    offer = moving.offer(got.draft, got.result.receipt_id)
    assert offer.supported and offer.from_room.name == "Safe"
    assert [r.name for r in offer.destinations] == ["Sales floor"]
    assert offer.by_package and len(offer.lines) == 2
    assert {line.item.quantity for line in offer.lines} == {Decimal(3)}
    creator, supervisor = offer.employees[0].employee_id, offer.employees[1].employee_id

    pending = moving.create(offer, offer.destinations[0], creator)
    assert pending.status is TransferStatus.PENDING
    assert _sellable(got.verify()) is LightState.RED  # created is not moved

    if decision == "accept":
        done = moving.accept(offer, pending, supervisor)
        assert done.status is TransferStatus.ACCEPTED
        assert _sellable(got.verify()) is LightState.GREEN
    else:
        done = moving.decline(offer, pending, supervisor)
        assert done.status is TransferStatus.DECLINED
        after = got.verify()
        assert _sellable(after) is LightState.RED and move_needed(after, got.draft)

    ctx.writer.flush()
    moves = [e for e in ctx.journal.events(got.draft.draft_id) if e.kind.startswith("move_")]
    assert [e.kind for e in moves] == ["move_created", event]
    assert (
        moves[-1].data["transfer_id"] == pending.id and moves[-1].data["employee_id"] == supervisor
    )


def test_a_lost_accept_answer_is_read_back_not_sent_again(
    open_pos: OpenPos, receive_into: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = open_pos("blaze")
    got = receive_into(ctx, "Safe")
    moving = MovingService(ctx)
    offer = moving.offer(got.draft, got.result.receipt_id)
    who = offer.employees[0].employee_id
    pending = moving.create(offer, offer.destinations[0], who)
    real = ctx.connector.accept_transfer
    calls: list[str] = []

    def lost(transfer_id: str, employee_id: str) -> Any:
        calls.append(transfer_id)
        real(transfer_id, employee_id)
        raise OutcomeUnknown("answer lost")

    monkeypatch.setattr(ctx.connector, "accept_transfer", lost)
    assert moving.accept(offer, pending, who).status is TransferStatus.ACCEPTED
    assert calls == [pending.id]
    with pytest.raises(MoveError, match="already accepted"):
        monkeypatch.setattr(ctx.connector, "accept_transfer", real)
        moving.decline(offer, pending, who)


def test_dutchie_offers_the_manual_steps_and_refuses_to_pretend(
    open_pos: OpenPos, receive_into: Any
) -> None:
    ctx = open_pos("dutchie")
    got = receive_into(ctx, "Vault", AZ_LOC_ID)
    assert _sellable(got.first) is LightState.RED and move_needed(got.first, got.draft)
    moving = MovingService(ctx)
    offer = moving.offer(got.draft, got.result.receipt_id)
    assert not offer.supported and offer.employees == ()
    assert offer.instructions.startswith(MOVE_HINT)
    assert "Move from Vault to Sales Floor:" in offer.instructions
    for line in got.draft.lines:
        assert f"3 × {line.name} (SKU {line.sku}" in offer.instructions
    with pytest.raises(MoveError, match="no known API"):
        moving.create(offer, got.rooms["Sales Floor"], "anyone")


def test_no_move_is_offered_for_a_red_light_in_a_sales_room() -> None:
    from intake_gui.domain.models import Location, Vendor
    from intake_gui.domain.verification import Light, LineCheck

    floor = Room(room_id=1, name="Floor", inventory_room=True, pos_room=True)
    vault = Room(room_id=2, name="Vault", inventory_room=True, pos_room=False)
    draft = ReceiveDraft(
        location=Location(loc_id=1, name="L", lsp_id=1),
        vendor=Vendor(vendor_id=1, name="V"),
        room=floor,
        title="T",
        lines=(DraftLine(product_id=1, sku="A", name="A", quantity=1),),
    )

    def report(state: LightState, room_name: str) -> VerificationReport:
        ok = Light(kind=LightKind.PACKAGES, state=LightState.GREEN, headline="ok")
        return VerificationReport(
            receipt_id=1,
            checked_at=datetime.now(UTC),
            lights=(
                ok,
                ok.model_copy(update={"kind": LightKind.HISTORY}),
                Light(
                    kind=LightKind.SELLABLE,
                    state=state,
                    headline="h",
                    lines=(LineCheck(sku="A", expected=1, room_name=room_name, ok=False),),
                ),
            ),
        )

    assert not move_needed(report(LightState.RED, "Floor"), draft, {1: floor, 2: vault})
    assert move_needed(report(LightState.RED, "Vault"), draft, {1: floor, 2: vault})
    assert not move_needed(report(LightState.AMBER, "Vault"), draft, {1: floor, 2: vault})
