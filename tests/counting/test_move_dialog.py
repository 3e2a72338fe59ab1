"""The move dialog offered from the verify page: BLAZE's create-then-accept turns the sellable check green, a
decline leaves it red, Dutchie shows where to move it by hand, and nothing is offered when nothing is stuck."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from intake_gui.domain.counting import Transfer, TransferStatus
from intake_gui.domain.verification import LightKind, LightState
from intake_gui.pos.dutchie.connector import MOVE_HINT
from intake_gui.sandbox import AZ_LOC_ID
from intake_gui.services.context import AppContext
from intake_gui.ui.move_dialog import MoveDialog, offer_move

OpenPos = Callable[..., AppContext]
WAIT = 20_000


@pytest.fixture
def dialogs(qtbot: Any, drain: Callable[[], None]) -> Any:
    opened: list[MoveDialog] = []

    def track(dialog: MoveDialog | None) -> MoveDialog:
        assert dialog is not None, "a move should have been offered"
        qtbot.addWidget(dialog)
        opened.append(dialog)
        qtbot.waitUntil(lambda: dialog.offer is not None, timeout=WAIT)
        return dialog

    yield track
    for dialog in opened:
        dialog.close()
    drain()


def _sellable(report: Any) -> LightState:
    return report.by_kind(LightKind.SELLABLE).state


def _blaze_pending(qtbot: Any, open_pos: OpenPos, receive_into: Any, dialogs: Any) -> tuple:
    ctx = open_pos("blaze")
    got = receive_into(ctx, "Safe")
    assert _sellable(got.first) is LightState.RED
    moved: list[Transfer] = []
    dialog = dialogs(offer_move(None, ctx, got.draft, got.first, on_moved=moved.append))
    offer = dialog.offer
    assert offer.supported and dialog.form_widget.isVisible() and dialog.create_button.isVisible()
    assert "Safe, which is not a sales room" in dialog.explain.text()
    assert dialog.lines_label.text().count("•") == 2
    dialog.choose(
        to_room_id=offer.destinations[0].room_id,
        creator=offer.employees[0].employee_id,
        supervisor=offer.employees[2].employee_id,
    )
    with qtbot.waitSignal(dialog.created, timeout=WAIT):
        dialog.create_button.click()
    assert dialog.transfer.status is TransferStatus.PENDING
    assert "waiting for a supervisor" in dialog.state_label.text()
    assert dialog.accept_button.isVisible() and not dialog.create_button.isVisible()
    assert _sellable(got.verify()) is LightState.RED
    return got, dialog, moved


def test_blaze_accept_moves_the_stock_and_the_recheck_turns_green(
    qtbot: Any, open_pos: OpenPos, receive_into: Any, dialogs: Any
) -> None:
    got, dialog, moved = _blaze_pending(qtbot, open_pos, receive_into, dialogs)
    with qtbot.waitSignal(dialog.moved, timeout=WAIT):
        dialog.accept_button.click()
    assert [t.status for t in moved] == [TransferStatus.ACCEPTED]
    assert "was accepted" in dialog.state_label.text()
    assert not dialog.accept_button.isVisible()
    assert _sellable(got.verify()) is LightState.GREEN


def test_blaze_decline_moves_nothing_and_the_light_stays_red(
    qtbot: Any, open_pos: OpenPos, receive_into: Any, dialogs: Any
) -> None:
    got, dialog, moved = _blaze_pending(qtbot, open_pos, receive_into, dialogs)
    with qtbot.waitSignal(dialog.declined, timeout=WAIT):
        dialog.decline_button.click()
    assert moved == []
    assert "declined: nothing moved" in dialog.state_label.text()
    assert "stays red" in dialog.status.text()
    assert _sellable(got.verify()) is LightState.RED


def test_dutchie_move_offer_shows_the_manual_instructions(
    open_pos: OpenPos, receive_into: Any, dialogs: Any
) -> None:
    ctx = open_pos("dutchie")
    got = receive_into(ctx, "Vault", AZ_LOC_ID)
    dialog = dialogs(offer_move(None, ctx, got.draft, got.first))
    assert not dialog.offer.supported
    assert dialog.instructions.isVisible()
    text = dialog.instructions.text()
    assert text.startswith(MOVE_HINT) and "Move from Vault to Sales Floor:" in text
    assert all(line.sku in text for line in got.draft.lines)
    assert not dialog.create_button.isVisible() and not dialog.form_widget.isVisible()
    assert dialog.heading.text() == "Move it by hand in the POS"


def test_no_move_is_offered_when_the_stock_is_already_sellable(
    open_pos: OpenPos, receive_into: Any
) -> None:
    ctx = open_pos("blaze")
    got = receive_into(ctx, "Sales floor")
    assert _sellable(got.first) is LightState.GREEN
    assert offer_move(None, ctx, got.draft, got.first) is None
