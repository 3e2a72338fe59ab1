"""ReceiveSession without Qt: the receive both faces drive, step by step."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from intake_gui.domain.lifecycle import RECHECK_SCHEDULE_S, recheck_delay
from intake_gui.domain.models import DraftLine, Room
from intake_gui.domain.wizard_flow import FlowError, Step
from intake_gui.pos import errors as E
from intake_gui.pos.registry import driver_for
from intake_gui.services.receive_session import (
    Ending,
    ReceiveSession,
    Stage,
    default_title,
)
from intake_gui.services.receiving import ReceivingService, SameDelivery


def receiving(ctx):
    return ReceivingService(ctx, settle_s=0.0, sleep=lambda _s: None)


@pytest.fixture
def session_on(make_ctx, scripted_pos):
    def make(script=(), **kw):
        pos = scripted_pos(list(script))
        ctx = make_ctx(pos)
        return pos, ctx, ReceiveSession(receiving(ctx), **kw)

    return make


def walk_to_review(session: ReceiveSession, room_name: str = "Sales Floor", qty: str = "3"):
    pos = session.receiving.ctx.connector
    loc = pos.locations()[0]
    session.choose_location(loc)
    session.flow.advance()
    session.set_rooms(pos.rooms(loc))
    session.choose_vendor(pos.vendors(loc)[0])
    session.flow.advance()
    room = next(r for r in pos.rooms(loc) if r.name == room_name)
    gate = session.choose_room(room, confirmed=True)
    assert gate.ok
    session.flow.advance()
    draft = session.build_draft(
        [
            DraftLine(product_id=p.product_id, sku=p.sku, name=p.name, quantity=qty)
            for p in pos.products(loc)
        ]
    )
    session.flow.set_lines(len(draft.lines))
    session.flow.advance()
    assert session.flow.step is Step.REVIEW
    return draft


def test_the_title_follows_the_vendor_until_the_clerk_types_one(session_on):
    _pos, ctx, session = session_on()
    pos = ctx.connector
    loc = pos.locations()[0]
    session.choose_location(loc)
    session.flow.advance()
    vendor = pos.vendors(loc)[0]
    session.choose_vendor(vendor)
    assert session.title == default_title(vendor) == f"{vendor.name} {date.today().isoformat()}"
    other = vendor.model_copy(update={"vendor_id": 2, "name": "OTHER VENDOR"})
    session.choose_vendor(other)
    assert session.title == default_title(other)
    session.title = "Invoice 4711"
    session.choose_vendor(vendor)
    assert session.title == "Invoice 4711"


def test_a_new_location_starts_a_new_draft_and_the_same_one_keeps_it(session_on):
    _pos, ctx, session = session_on()
    loc = ctx.connector.locations()[0]
    assert session.choose_location(loc) is True
    identity = (session.draft_id, session.token)
    assert session.choose_location(loc) is False
    assert (session.draft_id, session.token) == identity
    other = loc.model_copy(update={"loc_id": 2, "name": "Elsewhere"})
    assert session.choose_location(other) is True
    assert session.draft_id != identity[0] and session.token != identity[1]


def test_the_one_no_rooms_rule(session_on):
    _pos, ctx, session = session_on()
    loc = ctx.connector.locations()[0]
    session.choose_location(loc)
    assert session.set_rooms([]) is not None
    storage = Room(room_id=1, name="Break room", inventory_room=False, pos_room=False)
    blocked = session.set_rooms([storage])
    assert blocked is not None and "Break room" in blocked.what_happened
    assert session.set_rooms(ctx.connector.rooms(loc)) is None


def test_a_pos_without_a_receive_api_builds_no_draft(session_on):
    _pos, ctx, session = session_on()
    # What a POS can do is its driver's to say (pos/registry.py): IndicaOnline's has no receive capability.
    ctx.driver = driver_for("indica")
    session.attach(session.receiving)
    assert not session.can_receive and session.receive_hint == ctx.words.receive_hint != ""
    with pytest.raises(FlowError):
        session.choose_location(ctx.connector.locations()[0])
    assert session.build_draft([]) is None
    session.detach()
    assert session.can_receive, "the next connection may be to a POS that can receive"


def test_receive_then_verify_until_settled_walks_the_one_schedule(session_on):
    pos, _ctx, session = session_on(["ok"])
    draft = walk_to_review(session)
    phases: list[str] = []
    sent = session.receive(draft, on_phase=phases.append)
    assert session.stage is Stage.SENT and session.flow.step is Step.VERIFY
    assert sent.result.receipt_id == pos.receipts[0][0]
    assert sent.baseline == {}  # nothing of these SKUs was sellable before
    assert "Checking this delivery was not sent before…" in phases
    assert phases[-1] == "Received."
    report = session.verify_until_settled(0)
    assert report.all_green and session.verify_attempt == 1
    assert session.recheck_s == RECHECK_SCHEDULE_S
    assert [recheck_delay(i) for i in range(3)] == [2.0, 4.0, 8.0]
    assert recheck_delay(len(RECHECK_SCHEDULE_S)) is None


def test_amber_lights_are_checked_again_on_the_schedule_until_the_timeout(session_on):
    pos, _ctx, session = session_on(["ok"], recheck_s=(0.01, 0.01, 0.01))
    draft = walk_to_review(session)
    session.receive(draft)
    real = pos.sellable_inventory
    calls = []

    def late_stock(location, skus=None):
        """The POS shows new stock as sellable only after a while (integrators saw minutes)."""
        calls.append(location)
        return [] if len(calls) < 3 else real(location, skus)

    pos.sellable_inventory = late_stock
    waits = []
    report = session.verify_until_settled(
        60, on_wait=lambda _s, words: waits.append(words), sleep=lambda _s: None
    )
    assert report.all_green and session.verify_attempt == 3
    assert len(waits) == 2 and all("checking again" in w for w in waits)


def test_submit_guard_refuses_a_second_send_and_editing_after_it(session_on):
    _pos, _ctx, session = session_on(["ok"])
    draft = walk_to_review(session)
    assert session.begin_submit(draft).ok
    assert session.busy
    second = session.begin_submit(draft)
    assert not second.ok and "being sent" in second.reason
    with pytest.raises(FlowError):
        session.choose_vendor(draft.vendor)
    session.sent(session.send(draft))
    assert not session.begin_submit(draft).ok


def test_endings_set_the_stage_the_face_shows(session_on):
    pos, ctx, session = session_on([E.ValidationRejected("Vendor not found")])
    draft = walk_to_review(session)
    assert session.begin_submit(draft).ok
    with pytest.raises(Exception) as info:
        session.send(draft)
    assert session.failed(info.value) is Ending.REFUSED
    assert session.stage is Stage.EDITING and session.flow.step is Step.REVIEW

    pos.script = ["ok"]
    session.receive(draft)
    twin = ReceiveSession(receiving(ctx))
    again = walk_to_review(twin)
    with pytest.raises(SameDelivery) as same:
        twin.receive(again)
    assert twin.stage is Stage.EDITING
    assert twin.failed(same.value) is Ending.SAME_DELIVERY
    twin.receive(again, again=True, how="test")
    assert len(pos.receipts) == 2


def test_resume_brings_back_identity_title_note_and_lines(session_on):
    _pos, ctx, session = session_on()
    draft = walk_to_review(session, qty="2")
    draft = draft.model_copy(update={"title": "Invoice 9", "note": "left by the door"})
    other = ReceiveSession(receiving(ctx))
    other.resume(draft, ctx.connector.rooms(draft.location))
    assert (other.draft_id, other.token, other.title) == (draft.draft_id, draft.token, "Invoice 9")
    assert other.clerk_note == "left by the door"
    assert other.flow.step is Step.PRODUCTS
    rebuilt = other.build_draft()
    assert [ln.quantity for ln in rebuilt.lines] == [Decimal(2), Decimal(2)]
    assert rebuilt.draft_id == draft.draft_id


def test_a_long_note_is_refused_not_cut(session_on):
    _pos, _ctx, session = session_on()
    walk_to_review(session)
    session.clerk_note = "x" * 501
    with pytest.raises(ValueError, match="500"):
        session.build_draft()
