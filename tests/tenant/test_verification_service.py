"""`VerificationService` over loopback HTTP: what it stores, what it keeps, and how it speaks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from intake_gui.domain.models import DraftLine, PosKind, ReceiveDraft
from intake_gui.domain.verification import LightKind, LightState, VerificationReport
from intake_gui.pos.blaze.words import BLAZE_WORDS
from intake_gui.pos.dutchie.words import DUTCHIE_WORDS
from intake_gui.pos.indica.words import INDICA_WORDS
from intake_gui.services.context import open_context
from intake_gui.services.receiving import ReceivingService
from intake_gui.services.verification import (
    VerificationService,
    VerifyTarget,
    pos_words_for,
    speech_for,
)


@pytest.fixture
def course(tenant_factory) -> Any:
    return tenant_factory("course")


@pytest.fixture
def ctx(course) -> Any:
    ids = course.ids
    context = open_context(
        api_base=course.api_base, username=ids.user, password=ids.secret, remember=False
    )
    yield context
    context.close()


def _received(ctx: Any, ids: Any) -> tuple[ReceiveDraft, Any, Any]:
    loc = next(x for x in ctx.connector.locations() if x.loc_id == ids.az_loc_id)
    rooms = {r.room_id: r for r in ctx.connector.rooms(loc)}
    vendor = next(v for v in ctx.connector.vendors(loc) if v.vendor_id == ids.vendor_id)
    draft = ReceiveDraft(
        location=loc,
        vendor=vendor,
        room=rooms[ids.sales_floor_id],
        title="Service test",
        lines=(DraftLine(product_id=ids.product_id, sku=ids.sku, name="Tommy", quantity=3),),
    )
    receiving = ReceivingService(ctx, settle_s=0.1)
    baseline = receiving.baseline(draft)
    result = receiving.submit(draft)
    return draft, result, baseline


def test_a_proven_green_is_stored_and_survives_a_failed_recheck(course, ctx) -> None:
    """Issue 11, measured 6: later re-reads that failed turned lights proven green back to amber."""
    draft, result, baseline = _received(ctx, course.ids)
    service = VerificationService(ctx)
    target = VerifyTarget(draft.location, result.receipt_id, draft, result.submitted_at, baseline)
    first = service.verify(target)
    assert first.all_green
    course.admin.add_fault(
        {"endpoint": "v2/inventory/get-packages-from-receive", "kind": "not_permitted", "times": -1}
    )
    fresh = service.check(target, attempt=2)
    assert fresh.by_kind(LightKind.PACKAGES).rule == "read.not_permitted"
    again = service.verify(target, attempt=2)
    assert again.all_green and again.attempt == 2
    kept = again.by_kind(LightKind.PACKAGES)
    assert kept.carried_from == first.checked_at and "read.not_permitted" in kept.detail
    stored = VerificationReport.model_validate(ctx.journal.get(draft.draft_id).last_verification)
    assert stored.all_green
    verify_events = [e for e in ctx.journal.events(draft.draft_id) if e.kind == "verify"]
    assert verify_events[-1].data["rules"]["packages"] == "read.not_permitted"
    # Sellable is kept too: without the package records its rooms rest only on the room Intake sent.
    assert verify_events[-1].data["kept"] == ["packages", "sellable"]


def test_a_recheck_finds_the_journals_lines_itself(course, ctx) -> None:
    draft, result, _ = _received(ctx, course.ids)
    service = VerificationService(ctx)
    target = service.target_for_receipt(draft.location, result.receipt_id)
    assert target.draft is not None and target.draft.draft_id == draft.draft_id
    assert target.baseline is None
    report = service.reverify_receipt(draft.location, result.receipt_id)
    assert report.by_kind(LightKind.HISTORY).facts["lines_sent"] == 1


def test_a_receipt_another_tool_made_is_not_filed_anywhere(course, ctx) -> None:
    ids = course.ids
    receipt = course.other_tool_receive((ids.product_id, ids.sku, 2), room=ids.sales_floor_id)
    loc = next(x for x in ctx.connector.locations() if x.loc_id == ids.az_loc_id)
    service = VerificationService(ctx)
    ev = service.evidence(service.target_for_receipt(loc, receipt))
    assert not ev.made_by_intake and ev.draft.lines == ()
    assert (
        ev.sellable_location_rows and ev.sellable_location_rows > 1
    )  # the whole location was read
    report = service.reverify_receipt(loc, receipt)
    assert [light.rule for light in report.lights] == [
        "packages.present",
        "history.recorded_sent_unknown",
        "sellable.counted",
    ]
    assert ctx.journal.by_receipt([receipt]) == {}


def test_a_read_the_pos_refused_quotes_the_pos(course, ctx) -> None:
    draft, result, baseline = _received(ctx, course.ids)
    course.admin.add_fault({"endpoint": "preorder/inventory", "kind": "not_permitted", "times": -1})
    service = VerificationService(ctx)
    target = VerifyTarget(draft.location, result.receipt_id, draft, result.submitted_at, baseline)
    sellable = service.check(target).by_kind(LightKind.SELLABLE)
    assert (sellable.state, sellable.rule) == (LightState.GREY, "read.not_permitted")
    assert "not permitted" in str(sellable.facts["pos_message"]).casefold()


def test_words_follow_the_pos_and_the_training_flag(ctx) -> None:
    assert pos_words_for(PosKind.DUTCHIE) is DUTCHIE_WORDS
    assert pos_words_for("blaze") is BLAZE_WORDS
    assert pos_words_for(PosKind.INDICA) is INDICA_WORDS
    speech = speech_for(ctx)
    assert speech.pos is DUTCHIE_WORDS and speech.training_sandbox is False


def test_the_embedded_sandbox_is_the_training_sandbox(tmp_path) -> None:
    from intake_gui.sandbox import SandboxConfig

    context = open_context(sandbox_config=SandboxConfig(product_count=50))
    try:
        assert speech_for(context).training_sandbox is True
    finally:
        context.close()


def test_clock_and_grace_are_injected(course, ctx) -> None:
    """A check long after the submit without stock showing is red, not a wait; the clock decides."""
    draft, result, baseline = _received(ctx, course.ids)
    later = datetime(2099, 1, 1, tzinfo=UTC)
    service = VerificationService(ctx, clock=lambda: later, grace_s=60)
    course.admin.configure(visibility_delay_s=3600.0)
    target = VerifyTarget(draft.location, result.receipt_id, draft, result.submitted_at, baseline)
    sellable = service.check(target).by_kind(LightKind.SELLABLE)
    assert (sellable.state, sellable.rule) == (LightState.RED, "sellable.not_counted")
