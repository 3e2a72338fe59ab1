"""The submit state machine: every way an answer can go missing ends with exactly one receive, or none."""

from __future__ import annotations

from decimal import Decimal

import pytest

from intake_gui.domain.models import DraftState
from intake_gui.pos import errors as E
from intake_gui.services.receiving import (
    NeedsDecision,
    ReceivingService,
    SubmitPhase,
    SubmitRefused,
    SubmitUncertain,
    Verdict,
)


def service(ctx, **kw):
    return ReceivingService(ctx, settle_s=0.0, sleep=lambda _s: None, **kw)


def state(ctx, draft):
    return ctx.journal.get(draft.draft_id).state


def test_plain_submit_lands_once_and_is_journaled(make_ctx, scripted_pos, draft_factory):
    pos = scripted_pos(["ok"])
    ctx = make_ctx(pos)
    draft = draft_factory()
    phases = []
    result = service(ctx).submit(draft, on_phase=lambda p, _w: phases.append(p))
    assert len(pos.receipts) == 1
    assert result.receipt_id == pos.receipts[0][0]
    assert not result.reconciled
    assert state(ctx, draft) is DraftState.SUBMITTED
    assert phases == [
        SubmitPhase.CHECKING,
        SubmitPhase.SAVING,
        SubmitPhase.SENDING,
        SubmitPhase.DONE,
    ]
    kinds = [e.kind for e in ctx.journal.events(draft.draft_id)]
    assert kinds.count("submit_attempt") == 1 and "submit_result" in kinds


def test_second_press_never_sends_again(make_ctx, scripted_pos, draft_factory):
    pos = scripted_pos(["ok", "ok"])
    ctx = make_ctx(pos)
    draft = draft_factory()
    first = service(ctx).submit(draft)
    second = service(ctx).submit(draft)
    assert pos.sends == 1
    assert second.receipt_id == first.receipt_id


def test_lost_answer_after_commit_is_found_in_history_not_resent(
    make_ctx, scripted_pos, draft_factory
):
    pos = scripted_pos(["lost"])
    ctx = make_ctx(pos)
    draft = draft_factory()
    phases = []
    result = service(ctx).submit(draft, on_phase=lambda p, _w: phases.append(p))
    assert pos.sends == 1 and len(pos.receipts) == 1
    assert result.reconciled and result.receipt_id == pos.receipts[0][0]
    assert SubmitPhase.CONFIRMING in phases
    assert state(ctx, draft) is DraftState.SUBMITTED


def test_500_after_commit_is_treated_as_unknown(make_ctx, scripted_pos, draft_factory):
    pos = scripted_pos(["500-after"])
    ctx = make_ctx(pos)
    result = service(ctx).submit(draft_factory())
    assert pos.sends == 1 and len(pos.receipts) == 1 and result.reconciled


def test_lost_before_commit_is_proven_absent_then_resent_once(
    make_ctx, scripted_pos, draft_factory
):
    pos = scripted_pos(["refuse-before", "ok"])
    ctx = make_ctx(pos)
    draft = draft_factory()
    phases = []
    result = service(ctx).submit(draft, on_phase=lambda p, _w: phases.append(p))
    assert pos.sends == 2 and len(pos.receipts) == 1
    assert result.attempts == 2
    assert SubmitPhase.RESENDING in phases


def test_history_unreadable_needs_a_decision_and_nothing_is_resent(
    make_ctx, scripted_pos, draft_factory
):
    pos = scripted_pos(["refuse-before", "ok"])
    pos.history_failures = [E.ConnectionFailed("down")] * 3  # every read Intake allows itself
    ctx = make_ctx(pos)
    draft = draft_factory()
    with pytest.raises(SubmitUncertain) as info:
        service(ctx).submit(draft)
    assert isinstance(info.value, NeedsDecision)
    assert pos.sends == 1
    assert state(ctx, draft) is DraftState.NEEDS_DECISION
    # Start-up recovery later: history readable, proves absence — but a person was asked, so nothing is
    # sent on Intake's own; the decision is still offered, with what history said.
    outcomes = service(ctx).recover_pending()
    assert [o.verdict for o in outcomes] == [Verdict.UNKNOWN] and outcomes[0].needs_person
    assert pos.sends == 1
    (decision,) = service(ctx).decisions()
    assert "not there" in decision.facts.history_said
    outcome = service(ctx).decide(draft.draft_id, "resend")
    assert outcome.verdict is Verdict.LANDED
    assert pos.sends == 2 and len(pos.receipts) == 1
    assert state(ctx, draft) is DraftState.SUBMITTED


def test_recovery_finds_a_landed_receive_and_sends_nothing(make_ctx, scripted_pos, draft_factory):
    pos = scripted_pos(["lost"])
    pos.history_failures = [E.ConnectionFailed("down")] * 3
    ctx = make_ctx(pos)
    draft = draft_factory()
    with pytest.raises(SubmitUncertain):
        service(ctx).submit(draft)
    outcomes = service(ctx).recover_pending()
    assert outcomes[0].verdict is Verdict.LANDED
    assert outcomes[0].receipt_id == pos.receipts[0][0]
    assert pos.sends == 1
    assert state(ctx, draft) is DraftState.SUBMITTED


def test_a_rate_refusal_after_the_connection_waited_is_not_received_and_not_resent(
    make_ctx, scripted_pos, draft_factory
):
    """The connector re-sends a write the POS refused for its limit, for a full window; what reaches the
    submit is a definite refusal: not received, said so, and nothing sent again behind the clerk's back."""
    pos = scripted_pos(
        [E.RateLimited("Too many requests - only 5 per minute allowed", retry_after=7)]
    )
    ctx = make_ctx(pos)
    waits = []
    svc = ReceivingService(ctx, settle_s=0.0, sleep=waits.append)
    draft = draft_factory()
    with pytest.raises(SubmitRefused) as info:
        svc.submit(draft)
    assert pos.sends == 1 and pos.receipts == [] and waits == []
    assert info.value.diagnosis.safe_to_resend
    assert state(ctx, draft) is DraftState.FAILED
    pos.script = ["ok"]
    svc.submit(draft)
    assert len(pos.receipts) == 1


def test_validation_refusal_is_definite_and_leaves_draft_editable(
    make_ctx, scripted_pos, draft_factory
):
    pos = scripted_pos([E.ValidationRejected("Vendor not found")])
    ctx = make_ctx(pos)
    draft = draft_factory()
    with pytest.raises(SubmitRefused) as info:
        service(ctx).submit(draft)
    assert info.value.diagnosis.headline
    assert state(ctx, draft) is DraftState.FAILED
    assert pos.receipts == []
    # Corrected and sent again: it goes through, once.
    pos.script = ["ok"]
    service(ctx).submit(draft)
    assert len(pos.receipts) == 1


def test_not_ready_draft_is_refused_before_anything_is_sent(
    make_ctx, scripted_pos, draft_factory, rooms
):
    pos = scripted_pos()
    ctx = make_ctx(pos)
    draft = draft_factory().model_copy(update={"lines": ()})
    with pytest.raises(SubmitRefused) as info:
        service(ctx).submit(draft)
    assert info.value.problems
    assert pos.sends == 0


def test_gives_up_after_max_sends_when_it_never_lands(make_ctx, scripted_pos, draft_factory):
    pos = scripted_pos(["refuse-before"] * 5)
    ctx = make_ctx(pos)
    draft = draft_factory()
    with pytest.raises(SubmitRefused) as info:
        service(ctx, max_sends=3).submit(draft)
    assert pos.sends == 3 and pos.receipts == []
    assert state(ctx, draft) is DraftState.FAILED
    # Said to have failed, in words that tell the clerk to send it again — never to wait.
    d = info.value.diagnosis
    words = f"{d.headline} {d.what_happened} {d.what_to_do}".lower()
    assert d.safe_to_resend and "nothing was received" in words and "send it again" in words
    assert "wait" not in words and "checking" not in words


def test_verify_all_green_against_baseline(make_ctx, scripted_pos, draft_factory):
    pos = scripted_pos(["ok", "ok"])
    ctx = make_ctx(pos)
    svc = service(ctx)
    earlier = draft_factory(qty="2").model_copy(update={"title": "An earlier delivery"})
    svc.submit(earlier)  # existing stock of the same SKUs must not fool the sellable light
    draft = draft_factory()
    baseline = svc.baseline(draft)
    assert baseline == {ln.sku: Decimal(2) for ln in draft.lines}
    result = svc.submit(draft)
    report = svc.verify(
        draft, result.receipt_id, baseline=baseline, submitted_at=result.submitted_at
    )
    assert report.all_green, [(x.kind, x.state, x.headline) for x in report.lights]
    entry = ctx.journal.get(draft.draft_id)
    assert entry.state is DraftState.VERIFIED


def test_verify_non_sellable_room_names_the_room(make_ctx, scripted_pos, draft_factory, rooms):
    pos = scripted_pos(["ok"])
    ctx = make_ctx(pos)
    svc = service(ctx)
    draft = draft_factory(room=rooms["vault"])
    baseline = svc.baseline(draft)
    result = svc.submit(draft)
    report = svc.verify(
        draft, result.receipt_id, baseline=baseline, submitted_at=result.submitted_at
    )
    states = {x.kind.value: x.state.value for x in report.lights}
    assert states["packages"] == "green" and states["history"] == "green"
    sellable = report.by_kind(report.lights[2].kind)
    assert sellable.state.value == "red"
    assert "Vault" in sellable.what_happened + sellable.what_to_do


def test_verify_not_permitted_read_is_grey(make_ctx, scripted_pos, draft_factory):
    pos = scripted_pos(["ok"])
    ctx = make_ctx(pos)
    svc = service(ctx)
    draft = draft_factory()
    result = svc.submit(draft)

    def refuse(*_a, **_k):
        raise E.PermissionDenied("User is not permitted")

    pos.sellable_inventory = refuse
    report = svc.verify(draft, result.receipt_id, baseline=None, submitted_at=result.submitted_at)
    assert report.lights[2].state.value == "grey"
    assert report.lights[0].state.value == "green"
