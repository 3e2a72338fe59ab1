"""A re-check never overwrites a stronger earlier verdict with a weaker one, and evidence of the same kind
saying something new always wins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake_gui.domain import diagnosis as dg
from intake_gui.domain.verification import LightKind, LightState, ReadFailure

T0 = datetime(2026, 4, 18, 17, 0, tzinfo=UTC)


def report(ev, minutes=0, attempt=1):
    return dg.diagnose(ev, checked_at=T0 + timedelta(minutes=minutes), attempt=attempt)


def sellable(rep):
    return rep.by_kind(LightKind.SELLABLE)


def test_a_proven_green_survives_a_rate_limited_recheck(w) -> None:
    first = report(w.evidence())
    limited = report(
        w.evidence(
            packages=None,
            packages_failure=ReadFailure.RATE_LIMITED,
            history=None,
            history_failure=ReadFailure.RATE_LIMITED,
            sellable_after=None,
            sellable_failure=ReadFailure.RATE_LIMITED,
        ),
        minutes=1,
        attempt=2,
    )
    assert not limited.all_green
    merged = dg.merge_reports(first, limited)
    assert merged.all_green and not merged.needs_recheck
    assert merged.attempt == 2 and merged.checked_at == limited.checked_at
    kept = merged.by_kind(LightKind.PACKAGES)
    assert kept.carried_from == first.checked_at
    assert "read.rate_limited" in kept.detail
    assert dg.carried_note(kept, T0 + timedelta(minutes=3)) == "Proven 3 minutes ago."


def test_a_red_from_package_rooms_is_not_turned_green_by_totals(w) -> None:
    """Issue 11, measured 2: the first check is red (the packages are in the Vault); a re-check that cannot
    read the packages sees older stock in a sales room and would say green. It must not."""
    vault = (w.package("3B4791", room=w.VAULT), w.package("3B4792", room=w.VAULT))
    first = report(w.evidence(packages=vault, draft=w.make_draft(), sellable_after={}))
    assert sellable(first).rule == "sellable.non_sellable_room"
    recheck = report(
        w.evidence(
            packages=None,
            packages_failure=ReadFailure.SERVER,
            sellable_before=None,
            sellable_after={"3B4791": Decimal(40), "3B4792": Decimal(40)},
        ),
        minutes=5,
    )
    merged = dg.merge_reports(first, recheck)
    assert sellable(merged).state is LightState.RED
    assert sellable(merged).rule == "sellable.non_sellable_room"


def test_stock_moved_to_a_sales_room_after_a_red_turns_it_green(w) -> None:
    vault = (w.package("3B4791", room=w.VAULT), w.package("3B4792", room=w.VAULT))
    first = report(w.evidence(packages=vault, sellable_after={}))
    moved = report(w.evidence(sellable_before=None), minutes=10)
    assert sellable(moved).rests_on["rooms"].value == "package_rooms"
    assert sellable(dg.merge_reports(first, moved)).state is LightState.GREEN


def test_stock_moved_into_the_vault_after_a_green_turns_it_red(w) -> None:
    first = report(w.evidence())
    vault = (w.package("3B4791", room=w.VAULT), w.package("3B4792", room=w.VAULT))
    later = report(w.evidence(packages=vault, sellable_before=None), minutes=30)
    assert sellable(dg.merge_reports(first, later)).state is LightState.RED


def test_a_delta_proven_green_is_not_downgraded_by_totals_after_sales(w) -> None:
    first = report(w.evidence())
    sold_out = report(
        w.evidence(sellable_before=None, sellable_after={}, seconds_since_submit=w.LATE),
        minutes=60,
    )
    assert sellable(sold_out).state is LightState.RED
    merged = dg.merge_reports(first, sold_out)
    assert sellable(merged).state is LightState.GREEN
    assert sellable(merged).rests_on["quantity"].value == "baseline_delta"


def test_an_amber_is_replaced_by_whatever_comes_next(w) -> None:
    waiting = report(w.evidence(sellable_after={}, seconds_since_submit=5))
    assert sellable(waiting).state is LightState.AMBER
    now = report(w.evidence(), minutes=1)
    assert dg.merge_reports(waiting, now).all_green
    grey = report(
        w.evidence(sellable_after=None, sellable_failure=ReadFailure.NOT_PERMITTED), minutes=1
    )
    assert sellable(dg.merge_reports(waiting, grey)).state is LightState.GREY


def test_merging_is_idempotent_and_ignores_another_receipt(w) -> None:
    first = report(w.evidence())
    failed = report(
        w.evidence(sellable_after=None, sellable_failure=ReadFailure.CONNECTION), minutes=2
    )
    once = dg.merge_reports(first, failed)
    assert dg.merge_reports(once, once) == once
    assert dg.merge_reports(first, once) == once
    assert (
        dg.merge_reports(once, failed).by_kind(LightKind.SELLABLE).detail.count("A later check")
        == 1
    )
    other = failed.model_copy(update={"receipt_id": 1})
    assert dg.merge_reports(first, other) == other
    assert dg.merge_reports(None, failed) == failed


def test_the_merged_report_survives_the_journal(w) -> None:
    from intake_gui.domain.verification import VerificationReport

    merged = dg.merge_reports(
        report(w.evidence()),
        report(w.evidence(sellable_after=None, sellable_failure=ReadFailure.RATE_LIMITED), 1),
    )
    back = VerificationReport.from_json(merged.to_json())
    assert back == merged
    assert back.by_kind(LightKind.SELLABLE).carried_from == T0


_STATES = st.sampled_from(["green", "delta_red", "rooms_red", "amber", "grey", "totals_green"])


def _case(w, name):
    vault = (w.package("3B4791", room=w.VAULT), w.package("3B4792", room=w.VAULT))
    cases = {
        "green": lambda: w.evidence(),
        "delta_red": lambda: w.evidence(sellable_after={}, seconds_since_submit=w.LATE),
        "rooms_red": lambda: w.evidence(packages=vault, sellable_after={}),
        "amber": lambda: w.evidence(sellable_after={}, seconds_since_submit=3),
        "grey": lambda: w.evidence(sellable_after=None, sellable_failure=ReadFailure.SERVER),
        "totals_green": lambda: w.evidence(sellable_before=None),
    }
    return cases[name]()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# `w` is a namespace of pure builders: nothing in it changes between examples.
@given(st.lists(_STATES, min_size=1, max_size=5))
def test_a_sequence_of_rechecks_never_loses_a_proven_light_to_an_unproven_one(w, names) -> None:
    merged = None
    for i, name in enumerate(names):
        fresh = report(_case(w, name), minutes=i)
        previous = merged
        merged = dg.merge_reports(merged, fresh)
        for kind in LightKind:
            now, new = merged.by_kind(kind), fresh.by_kind(kind)
            if previous is not None and previous.by_kind(kind).proven and not new.proven:
                assert now.state is previous.by_kind(kind).state
            if new.proven and (previous is None or not previous.by_kind(kind).proven):
                assert now == new
