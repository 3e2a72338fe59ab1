"""Exactly once per delivery: a clerk's second attempt at the same delivery never lands it twice."""

from __future__ import annotations

import pytest

from intake_gui.domain.models import DraftState, PosKind
from intake_gui.pos import errors as E
from intake_gui.services.receiving import (
    ReceivingService,
    SameDelivery,
    SubmitUncertain,
    Verdict,
)


def service(ctx, **kw):
    return ReceivingService(ctx, settle_s=0.0, sleep=lambda _s: None, **kw)


def retry_of(draft):
    """The clerk enters the same delivery again: a new draft (new id, new tag), same paper, same lines."""
    return draft.model_copy(
        update={"draft_id": "retry-" + draft.draft_id[:8], "token": "IN-" + "F" * 10}
    )


def killed_mid_send(ctx, pos, draft, *, landed: bool):
    """What `kill -9` during the send leaves: the journal says "submitting"; the POS may or may not have it."""
    ctx.journal.save_draft(draft, actor="trainer", station="dock-1")
    ctx.journal.mark_submitting(draft.draft_id)
    if landed:
        pos._commit(draft)


def received_earlier(ctx, draft, receipt_id):
    """What an earlier, finished receive of `draft` left in the journal."""
    ctx.journal.save_draft(draft, actor="trainer", station="dock-1")
    ctx.journal.mark_submitting(draft.draft_id)
    ctx.journal.mark_submitted(draft.draft_id, receipt_id)


def state(ctx, draft):
    return ctx.journal.get(draft.draft_id).state


def test_the_same_delivery_again_is_stopped_and_nothing_is_sent(
    make_ctx, scripted_pos, draft_factory
):
    pos = scripted_pos()
    ctx = make_ctx(pos)
    first = draft_factory()
    receipt = service(ctx).submit(first).receipt_id
    with pytest.raises(SameDelivery) as info:
        service(ctx).submit(retry_of(first))
    assert pos.sends == 1
    check = info.value.check
    assert [p.receipt_id for p in check.settled] == [receipt]
    assert check.priors[0].matched_on == "reference"
    words = info.value.diagnosis
    assert "already in the POS" in words.headline and str(receipt) in words.what_happened
    assert "wait" not in f"{words.headline} {words.what_happened} {words.what_to_do}".lower()


def test_a_second_receive_needs_an_explicit_logged_yes(make_ctx, scripted_pos, draft_factory):
    pos = scripted_pos()
    ctx = make_ctx(pos)
    first = draft_factory()
    service(ctx).submit(first)
    second = retry_of(first)
    service(ctx).submit(second, again=True, how="cli --again")
    assert len(pos.receipts) == 2
    (event,) = [e for e in ctx.journal.events(second.draft_id) if e.kind == "duplicate_confirmed"]
    assert event.data["how"] == "cli --again"
    assert event.data["priors"][0]["draft_id"] == first.draft_id
    assert event.actor == "trainer" and event.station == "dock-1"


def test_same_lines_under_another_title_is_the_same_delivery(make_ctx, scripted_pos, draft_factory):
    pos = scripted_pos()
    ctx = make_ctx(pos)
    first = draft_factory()
    service(ctx).submit(first)
    retyped = retry_of(first).model_copy(update={"title": "Palomino invoice"})
    with pytest.raises(SameDelivery) as info:
        service(ctx).submit(retyped)
    assert info.value.check.priors[0].matched_on == "lines"
    other = retry_of(first).model_copy(
        update={"title": "Palomino invoice", "lines": first.lines[:1]}
    )
    service(ctx).submit(other)  # other paper, other lines: another delivery
    assert len(pos.receipts) == 2


def test_rerun_after_a_kill_that_landed_reports_the_first_and_sends_nothing(
    make_ctx, scripted_pos, draft_factory
):
    pos = scripted_pos()
    ctx = make_ctx(pos)
    first = draft_factory()
    killed_mid_send(ctx, pos, first, landed=True)
    with pytest.raises(SameDelivery) as info:
        service(ctx).submit(retry_of(first))
    assert pos.sends == 0 and len(pos.receipts) == 1
    # The first was settled on the way: found in history by its tag.
    assert state(ctx, first) is DraftState.SUBMITTED
    assert info.value.check.settled[0].receipt_id == pos.receipts[0][0]
    # And `intake recover` afterwards has nothing to do.
    assert service(ctx).recover_pending() == []


def test_rerun_after_a_kill_that_did_not_land_replaces_the_first(
    make_ctx, scripted_pos, draft_factory
):
    pos = scripted_pos()
    ctx = make_ctx(pos)
    first = draft_factory()
    killed_mid_send(ctx, pos, first, landed=False)
    second = retry_of(first)
    service(ctx).submit(second)
    assert len(pos.receipts) == 1 and pos.receipts[0][1].token == second.token
    assert state(ctx, first) is DraftState.ABANDONED
    superseded = [e for e in ctx.journal.events(first.draft_id) if e.kind == "superseded"]
    assert superseded and superseded[0].data["by_draft"] == second.draft_id
    # Recovery never sends the replaced one.
    assert service(ctx).recover_pending() == []
    assert len(pos.receipts) == 1


def test_recover_never_resends_a_draft_whose_twin_landed(make_ctx, scripted_pos, draft_factory):
    pos = scripted_pos()
    ctx = make_ctx(pos)
    first = draft_factory()
    killed_mid_send(ctx, pos, first, landed=False)
    # The twin got through another way (here: a confirmed second send while the first was unknown).
    second = retry_of(first)
    received_earlier(ctx, second, pos._commit(second))
    outcomes = service(ctx).recover_pending()
    assert len(pos.receipts) == 1 and pos.sends == 0
    (outcome,) = outcomes
    assert outcome.verdict is Verdict.NOT_LANDED and outcome.state is DraftState.ABANDONED
    assert "already in the POS" in outcome.message


def test_two_killed_runs_of_one_delivery_recover_to_one_receive(
    make_ctx, scripted_pos, draft_factory
):
    pos = scripted_pos()
    ctx = make_ctx(pos)
    first = draft_factory()
    killed_mid_send(ctx, pos, first, landed=False)
    second = retry_of(first)
    killed_mid_send(ctx, pos, second, landed=False)
    service(ctx).recover_pending()
    assert len(pos.receipts) == 1
    states = {state(ctx, first), state(ctx, second)}
    assert states == {DraftState.SUBMITTED, DraftState.ABANDONED}


def test_an_unconfirmed_first_attempt_blocks_the_second_until_decided(
    make_ctx, scripted_pos, draft_factory
):
    pos = scripted_pos()
    ctx = make_ctx(pos)
    first = draft_factory()
    killed_mid_send(ctx, pos, first, landed=False)
    pos.history_failures = [E.ServerError("history down")] * 3
    with pytest.raises(SameDelivery) as info:
        service(ctx).submit(retry_of(first))
    assert pos.sends == 0
    assert state(ctx, first) is DraftState.NEEDS_DECISION
    assert info.value.check.unsettled and not info.value.check.settled
    assert "not known" in info.value.diagnosis.headline


def test_leftover_unsent_drafts_of_a_landed_delivery_are_closed(
    make_ctx, scripted_pos, draft_factory
):
    pos = scripted_pos()
    ctx = make_ctx(pos)
    first = draft_factory()
    ctx.journal.save_draft(first, actor="trainer", station="dock-1")  # killed before sending
    second = retry_of(first)
    service(ctx).submit(second)
    assert state(ctx, first) is DraftState.ABANDONED
    assert len(pos.receipts) == 1
    assert ctx.journal.open_drafts() == []


def test_a_delivery_sent_on_another_pos_kind_does_not_count(make_ctx, scripted_pos, draft_factory):
    pos = scripted_pos()
    ctx = make_ctx(pos)
    first = draft_factory().model_copy(update={"pos": PosKind.BLAZE})
    received_earlier(ctx, first, 1)
    service(ctx).submit(retry_of(draft_factory()))
    assert pos.sends == 1


def test_an_unsettled_twin_that_cannot_be_read_raises_no_traceback_in_recover(
    make_ctx, scripted_pos, draft_factory
):
    pos = scripted_pos()
    ctx = make_ctx(pos)
    first = draft_factory()
    killed_mid_send(ctx, pos, first, landed=True)
    pos.history_failures = [E.ConnectionFailed("down")] * 3
    outcomes = service(ctx).recover_pending()
    assert [o.state for o in outcomes] == [DraftState.NEEDS_DECISION]
    assert outcomes[0].needs_person and "decision" in outcomes[0].message
    with pytest.raises(SubmitUncertain):
        service(ctx).submit(first)  # the same draft again: waits for its decision, sends nothing
    assert pos.sends == 0


def test_looking_again_for_an_interrupted_draft_never_resends_when_its_twin_landed(
    make_ctx, scripted_pos, draft_factory
):
    pos = scripted_pos()
    ctx = make_ctx(pos)
    first = draft_factory()
    killed_mid_send(ctx, pos, first, landed=False)
    twin = retry_of(first)
    received_earlier(ctx, twin, pos._commit(twin))
    with pytest.raises(Exception, match="already in the POS"):
        service(ctx).confirm(first)
    assert pos.sends == 0 and len(pos.receipts) == 1
    assert state(ctx, first) is DraftState.ABANDONED
    # Without a twin, the same look settles by sending it once.
    other = draft_factory(qty="7").model_copy(update={"title": "Other paper"})
    killed_mid_send(ctx, pos, other, landed=False)
    result = service(ctx).confirm(other)
    assert pos.sends == 1 and result.receipt_id == pos.receipts[-1][0]


class OtherStations:
    """A DeliveryGuard standing in for the shared record (its real one is tested in tests/shared_record)."""

    def __init__(self, priors=(), not_checked=()):
        from intake_gui.domain.delivery import DuplicateCheck

        self.result = DuplicateCheck(tuple(priors), tuple(not_checked))
        self.asked = []

    def check(self, draft, *, manifest_ref=""):
        self.asked.append(draft.draft_id)
        return self.result


def test_another_stations_receive_of_the_delivery_is_the_one_warning(
    make_ctx, scripted_pos, draft_factory
):
    from datetime import UTC, datetime

    from intake_gui.domain.delivery import PriorReceive
    from intake_gui.services.deliveries import JournalGuard

    pos = scripted_pos()
    ctx = make_ctx(pos)
    prior = PriorReceive(
        "shared_record",
        "Receiving-2",
        "Bo",
        datetime.now(UTC),
        1379120,
        "elsewhere",
        "verified",
        "reference",
        token="IN-0000000099",
        title="Invoice 4711",
    )
    other = OtherStations([prior])
    svc = ReceivingService(
        ctx, settle_s=0.0, sleep=lambda _s: None, guards=[JournalGuard(ctx.journal), other]
    )
    draft = draft_factory()
    with pytest.raises(SameDelivery) as info:
        svc.submit(draft)
    assert pos.sends == 0 and other.asked == [draft.draft_id]
    (seen,) = info.value.check.priors
    assert (
        seen.station == "Receiving-2"
        and "at station Receiving-2" in info.value.diagnosis.what_happened
    )
    svc.submit(draft, again=True, how="gui confirm")
    (event,) = [e for e in ctx.journal.events(draft.draft_id) if e.kind == "duplicate_confirmed"]
    assert event.data["priors"][0]["source"] == "shared_record"
    assert len(pos.receipts) == 1


def test_an_unreachable_shared_record_is_said_and_the_send_goes_ahead(
    make_ctx, scripted_pos, draft_factory
):
    from intake_gui.services.deliveries import JournalGuard
    from intake_gui.services.receive_session import ReceiveSession

    pos = scripted_pos()
    ctx = make_ctx(pos)
    note = "Other stations could not be checked for this delivery: the shared record could not be reached."
    svc = ReceivingService(
        ctx,
        settle_s=0.0,
        sleep=lambda _s: None,
        guards=[JournalGuard(ctx.journal), OtherStations(not_checked=[note])],
    )
    draft = draft_factory()
    sent = ReceiveSession(svc).send(draft)
    assert sent.not_checked == (note,)
    assert len(pos.receipts) == 1
