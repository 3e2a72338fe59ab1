"""Every draft ends in a state a person can act on: "needs a decision", its facts, its two logged choices."""

from __future__ import annotations

import threading

import pytest

from intake_gui.domain.models import DraftState
from intake_gui.pos import errors as E
from intake_gui.services.receiving import (
    Interrupted,
    NeedsDecision,
    ReceivingService,
    SameDelivery,
    Verdict,
)

DOWN = [E.ServerError("history unavailable")] * 3
"""Every history read Intake allows itself after a lost answer."""


def service(ctx, **kw):
    kw.setdefault("sleep", lambda _s: None)
    return ReceivingService(ctx, settle_s=0.0, **kw)


def undecided(make_ctx, scripted_pos, draft_factory, step="lost"):
    pos = scripted_pos([step])
    pos.history_failures = list(DOWN)
    ctx = make_ctx(pos)
    draft = draft_factory()
    with pytest.raises(NeedsDecision) as info:
        service(ctx).submit(draft)
    return pos, ctx, draft, info.value


def test_a_lost_answer_with_unreadable_history_needs_a_decision_with_the_facts(
    make_ctx, scripted_pos, draft_factory
):
    _pos, ctx, draft, exc = undecided(make_ctx, scripted_pos, draft_factory)
    assert ctx.journal.get(draft.draft_id).state is DraftState.NEEDS_DECISION
    facts, words = exc.facts, exc.diagnosis
    assert facts.token == draft.token and facts.sends == 1 and facts.sent_at is not None
    assert "could not be read" in facts.history_said and "history unavailable" in facts.history_said
    text = f"{words.headline} {words.what_happened} {words.what_to_do}"
    assert draft.token in text
    assert "It is in the POS" in text and "Send it again" in text
    assert "wait" not in text.lower()
    assert "Backoffice" in words.what_to_do  # Dutchie's words for where receive history is
    (decision,) = service(ctx).decisions()
    assert decision.facts == facts


def test_it_is_in_the_pos_is_recorded_and_never_sent_again(make_ctx, scripted_pos, draft_factory):
    pos, ctx, draft, _ = undecided(make_ctx, scripted_pos, draft_factory)
    receipt = pos.receipts[0][0]
    outcome = service(ctx).decide(draft.draft_id[:8], "landed", receipt_id=receipt)
    assert outcome.verdict is Verdict.LANDED and outcome.receipt_id == receipt
    entry = ctx.journal.get(draft.draft_id)
    assert entry.state is DraftState.SUBMITTED and entry.receipt_id == receipt
    (event,) = [e for e in ctx.journal.events(draft.draft_id) if e.kind == "decided"]
    assert event.data["choice"] == "landed" and event.actor == "trainer"
    assert service(ctx).decisions() == [] and service(ctx).recover_pending() == []
    assert pos.sends == 1


def test_send_it_again_sends_once_and_is_logged(make_ctx, scripted_pos, draft_factory):
    pos, ctx, draft, _ = undecided(make_ctx, scripted_pos, draft_factory, step="refuse-before")
    outcome = service(ctx).decide(draft.token, "resend")
    assert outcome.verdict is Verdict.LANDED and len(pos.receipts) == 1 and pos.sends == 2
    kinds = [e.kind for e in ctx.journal.events(draft.draft_id)]
    assert "decided" in kinds and kinds.index("decided") < len(kinds) - 1


def test_send_it_again_is_refused_while_the_same_delivery_is_in_the_pos(
    make_ctx, scripted_pos, draft_factory
):
    pos, ctx, draft, _ = undecided(make_ctx, scripted_pos, draft_factory, step="refuse-before")
    twin = draft.model_copy(update={"draft_id": "twin", "token": "IN-AAAAAAAAAA"})
    service(ctx).submit(twin, again=True)  # a person sent it again another way meanwhile
    with pytest.raises(SameDelivery):
        service(ctx).decide(draft.draft_id, "resend")
    assert len(pos.receipts) == 1
    (decision,) = service(ctx).decisions()
    assert decision.landed_twins.found
    service(ctx).decide(draft.draft_id, "resend", again=True, how="cli --again")
    assert len(pos.receipts) == 2
    confirmed = [e for e in ctx.journal.events(draft.draft_id) if e.kind == "duplicate_confirmed"]
    assert confirmed and confirmed[0].data["how"] == "cli --again"


def test_an_undecided_draft_is_settled_when_history_later_shows_it(
    make_ctx, scripted_pos, draft_factory
):
    pos, ctx, draft, _ = undecided(make_ctx, scripted_pos, draft_factory)
    (outcome,) = service(ctx).recover_pending()
    assert outcome.verdict is Verdict.LANDED and outcome.receipt_id == pos.receipts[0][0]
    assert ctx.journal.get(draft.draft_id).state is DraftState.SUBMITTED


def test_not_received_drafts_are_listed_until_sent_again_or_discarded(
    make_ctx, scripted_pos, draft_factory
):
    pos = scripted_pos(["refuse-before"] * 3)
    ctx = make_ctx(pos)
    draft = draft_factory()
    with pytest.raises(Exception, match="did not reach the POS"):
        service(ctx).submit(draft)
    assert [e.draft_id for e in service(ctx).not_received()] == [draft.draft_id]
    outcome = service(ctx).decide(draft.draft_id, "resend")
    assert outcome.verdict is Verdict.LANDED and len(pos.receipts) == 1
    assert service(ctx).not_received() == []

    other = draft_factory(qty="5").model_copy(update={"title": "Another"})
    pos.script = ["refuse-before"] * 3
    with pytest.raises(Exception, match="did not reach the POS"):
        service(ctx).submit(other)
    service(ctx).decide(other.draft_id, "discard")
    assert ctx.journal.get(other.draft_id).state is DraftState.ABANDONED
    assert service(ctx).not_received() == []


def test_a_decision_only_applies_where_it_makes_sense(make_ctx, scripted_pos, draft_factory):
    pos = scripted_pos()
    ctx = make_ctx(pos)
    draft = draft_factory()
    service(ctx).submit(draft)
    with pytest.raises(ValueError, match="does not wait"):
        service(ctx).decide(draft.draft_id, "landed")
    with pytest.raises(ValueError, match="No draft"):
        service(ctx).decide("nosuchdraft", "landed")
    with pytest.raises(ValueError, match="Unknown choice"):
        service(ctx).decide(draft.draft_id, "maybe")


def test_every_wait_is_announced_before_it_starts_and_only_then(
    make_ctx, scripted_pos, draft_factory
):
    pos = scripted_pos(["refuse-before", "ok"])
    ctx = make_ctx(pos)
    timeline: list[tuple[str, float]] = []
    svc = ReceivingService(ctx, settle_s=1.5, sleep=lambda s: timeline.append(("sleep", s)))
    svc.submit(draft_factory(), on_wait=lambda s, why: timeline.append((why, s)))
    sleeps = [s for what, s in timeline if what == "sleep"]
    announced = [(why, s) for why, s in timeline if why != "sleep"]
    assert len(announced) == len(sleeps) >= 2
    for i, (what, s) in enumerate(timeline):
        if what == "sleep":
            assert timeline[i - 1][1] == s and timeline[i - 1][0] != "sleep"
    assert any("receive history" in why and "(2 s)" in why for why, _ in announced)

    quiet: list = []
    ReceivingService(ctx, settle_s=1.5, sleep=lambda _s: None).submit(
        draft_factory(qty="4").model_copy(update={"title": "Plain"}),
        on_wait=lambda s, why: quiet.append(why),
    )
    assert quiet == [], "nothing waited, so nothing may say 'wait'"


def test_the_connections_own_waits_reach_the_same_callback_while_a_send_runs(
    make_ctx, scripted_pos, draft_factory
):
    from intake_gui.pos.waits import WaitNotice

    pos = scripted_pos(["ok"])
    ctx = make_ctx(pos)
    plain_receive = pos.receive

    def paced_receive(draft):
        # What the HTTP layer does under a POS's limit: announce the wait, then send.
        pos.on_wait(WaitNotice(40, "rate_limit", pos_said="Too many requests - only 5 per minute"))
        pos.on_wait(WaitNotice(0.2, "pacing"))
        return plain_receive(draft)

    pos.receive = paced_receive
    heard: list[str] = []
    service(ctx).submit(draft_factory(), on_wait=lambda _s, words: heard.append(words))
    assert len(heard) == 1, "sub-second pacing is not worth a line"
    assert "Too many requests - only 5 per minute" in heard[0] and "40 s" in heard[0]
    assert pos.on_wait is None, "the connection's callback is put back after the send"


def test_closing_the_face_ends_a_wait_and_leaves_the_draft_for_start_up(
    make_ctx, scripted_pos, draft_factory
):
    pos = scripted_pos(["lost"])
    ctx = make_ctx(pos)
    svc = ReceivingService(ctx, settle_s=30.0)
    draft = draft_factory()
    waiting = threading.Event()
    errors: list[BaseException] = []

    def run():
        try:
            svc.submit(draft, on_wait=lambda _s, _w: waiting.set())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    assert waiting.wait(10)
    svc.cancel()
    thread.join(10)
    assert not thread.is_alive()
    assert isinstance(errors[0], Interrupted)
    assert ctx.journal.get(draft.draft_id).state is DraftState.SUBMITTING
    outcomes = service(ctx).recover_pending()
    assert outcomes[0].verdict is Verdict.LANDED and pos.sends == 1
