"""The person behind an API key: on every POS the audit trail names the station's clerk.

Dutchie signs a person in, so the clerk is that Backoffice user. BLAZE and IndicaOnline sign in with a shop's
keys, so the clerk is the name given at the station (asked with the keys, at start-up when it is missing, or
in Settings) — never "BLAZE API (shop)". Every journal event of a receive and a move carries it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from intake_gui.domain.models import DraftLine, ReceiveDraft
from intake_gui.pos.registry import driver_for
from intake_gui.services.context import open_context, sandbox_api_base
from intake_gui.services.credentials import training_values
from intake_gui.services.moving import MovingService
from intake_gui.services.receiving import ReceivingService
from intake_gui.services.setup import SetupService
from intake_gui.store.settings import StationSettings

WAIT = 30_000


def _open(box: Any, kind: str, **kw: Any) -> Any:
    return open_context(
        api_base=sandbox_api_base(box.root_url, kind),
        pos_kind=kind,
        credentials=training_values(driver_for(kind)),
        remember=False,
        settings=StationSettings(station_name="dock-3", rate_limit_per_minute=0),
        **kw,
    )


def _receive(ctx: Any, room_name: str, loc_id: int | None = None) -> tuple[ReceiveDraft, int]:
    setup = SetupService(ctx)
    loc = next(x for x in setup.locations() if loc_id is None or x.loc_id == loc_id)
    room = next(r for r in setup.rooms(loc) if r.name == room_name)
    on_floor = {i.sku for i in ctx.connector.sellable_inventory(loc)}
    product = next(p for p in ctx.connector.products(loc) if p.sku not in on_floor)
    draft = ReceiveDraft(
        pos=ctx.pos_kind,
        location=loc,
        vendor=setup.vendors(loc)[0],
        room=room,
        title="Who received it",
        lines=(
            DraftLine(
                product_id=product.product_id,
                sku=product.sku,
                name=product.name,
                quantity=Decimal(3),
            ),
        ),
    )
    service = ReceivingService(ctx, settle_s=0)
    baseline = service.baseline(draft)
    result = service.submit(draft)
    service.verify(draft, result.receipt_id, baseline=baseline, submitted_at=result.submitted_at)
    return draft, result.receipt_id


def _actors(ctx: Any, draft_id: str) -> set[str]:
    ctx.writer.flush()
    events = ctx.journal.events(draft_id)
    assert {"submit_attempt", "submit_result"} <= {e.kind for e in events}
    return {e.actor for e in events}


def test_dutchie_names_the_signed_in_backoffice_user(mounted_sandbox: Any) -> None:
    ctx = _open(mounted_sandbox, "dutchie", clerk="Someone Else")
    try:
        user = ctx.connector.user_name
        assert ctx.clerk == user and user and user != "Someone Else"
        draft, _ = _receive(
            ctx, mounted_sandbox.ids.sales_floor_name, mounted_sandbox.ids.az_loc_id
        )
        assert _actors(ctx, draft.draft_id) == {user}
    finally:
        ctx.close()


def test_blaze_names_the_clerk_for_the_receive_and_the_move(mounted_sandbox: Any) -> None:
    ctx = _open(mounted_sandbox, "blaze", clerk="Maria Lopez")
    try:
        assert ctx.connector.user_name.startswith("BLAZE API")  # what the key can say of itself
        assert ctx.clerk == "Maria Lopez"
        draft, receipt_id = _receive(ctx, "Safe")
        moving = MovingService(ctx)
        offer = moving.offer(draft, receipt_id)
        employee = offer.employees[0].employee_id
        transfer = moving.create(offer, offer.destinations[0], employee)
        moving.accept(offer, transfer, employee)
        actors = _actors(ctx, draft.draft_id)
        kinds = {e.kind for e in ctx.journal.events(draft.draft_id)}
        assert {"move_created", "move_accepted"} <= kinds
        assert actors == {"Maria Lopez"}
    finally:
        ctx.close()


def test_indica_names_the_clerk_and_a_station_without_one_says_so(mounted_sandbox: Any) -> None:
    named = _open(mounted_sandbox, "indica", clerk="Sam Chu")
    unnamed = _open(mounted_sandbox, "indica")
    try:
        assert (named.clerk, named.needs_clerk_name) == ("Sam Chu", False)
        assert (unnamed.clerk, unnamed.needs_clerk_name) == ("unnamed clerk at dock-3", True)
        assert "IndicaOnline API key" not in (named.clerk, unnamed.clerk)
    finally:
        named.close()
        unnamed.close()


@pytest.mark.gui
def test_a_blaze_station_asks_for_keys_and_a_name_then_asks_the_name_again_when_it_is_gone(
    mounted_sandbox: Any, qtbot: Any, memory_keyring: Any
) -> None:
    from intake_gui.ui.main_window import MainWindow

    base = sandbox_api_base(mounted_sandbox.root_url, "blaze")
    keys = training_values(driver_for("blaze"))
    settings = StationSettings(
        pos_kind="blaze", api_base=base, first_run_done=True, sound=False, station_name="dock-3"
    )
    window = MainWindow(settings=settings, install_scanner=False)
    window.show()
    try:
        window.start()
        qtbot.waitUntil(
            lambda: window.login_dialog is not None and window.login_dialog.isVisible(),
            timeout=WAIT,
        )
        dialog = window.login_dialog
        assert set(dialog.fields) == {"partner_key", "developer_key"} and dialog.clerk is not None
        for name, value in keys.items():
            dialog.fields[name].setText(value)
        dialog.clerk.setText("Maria Lopez")
        with qtbot.waitSignal(window.context_opened, timeout=WAIT):
            dialog.ok_button.click()
        ctx = window.services.ctx
        assert (
            ctx.clerk == "Maria Lopez" and "Maria Lopez @ dock-3" in window.connection_label.text()
        )
        assert window.clerk_dialog is None, "the name came with the keys"
        window.apply_settings(window.settings)  # what Settings > Save does
        path = window.paths.settings_path
        qtbot.waitUntil(lambda: path.exists() and "Maria" in path.read_text(), timeout=WAIT)
        on_disk = window.paths.settings_path.read_text()
        assert json.loads(on_disk)["clerk_name"] == "Maria Lopez"
        assert not any(value in on_disk for value in keys.values())
    finally:
        window.close()
        window.deleteLater()

    second = MainWindow(settings=settings, install_scanner=False)  # keys remembered, no name
    second.show()
    try:
        second.start()
        qtbot.waitUntil(
            lambda: second.clerk_dialog is not None and second.clerk_dialog.isVisible(),
            timeout=WAIT,
        )
        second.clerk_dialog.name.setText("Sam Chu")
        second.clerk_dialog._accept()
        assert second.services.ctx.clerk == "Sam Chu"
        assert "Sam Chu @ dock-3" in second.connection_label.text()
        qtbot.waitUntil(lambda: "Sam Chu" in second.paths.settings_path.read_text(), timeout=WAIT)
    finally:
        second.close()
        second.deleteLater()
