"""The shapes of the three lights: states readable without colour, reports that survive the journal."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from intake_gui.domain.models import HistoryRow, Location, Package, ReceiveDraft, Room, Vendor
from intake_gui.domain.verification import (
    LIGHT_ORDER,
    Light,
    LightKind,
    LightState,
    LineCheck,
    ReadFailure,
    ReadOutcome,
    VerificationEvidence,
    VerificationReport,
)

NOW = datetime(2026, 4, 18, 17, 0, tzinfo=UTC)


def light(kind: LightKind, state: LightState = LightState.GREEN, **kw: object) -> Light:
    return Light(kind=kind, state=state, headline=f"{kind} {state}", **kw)  # type: ignore[arg-type]


def report(*states: LightState, attempt: int = 1) -> VerificationReport:
    return VerificationReport(
        receipt_id=42,
        lights=tuple(light(k, s) for k, s in zip(LIGHT_ORDER, states, strict=True)),  # type: ignore[arg-type]
        checked_at=NOW,
        attempt=attempt,
    )


def draft() -> ReceiveDraft:
    return ReceiveDraft(
        location=Location(loc_id=1989, name="AZ", lsp_id=575),
        vendor=Vendor(vendor_id=1, name="V"),
        room=Room(room_id=2, name="Sales Floor", inventory_room=True, pos_room=True),
        title="T",
        lines=[dict(product_id=1, sku="A", name="a", quantity=3)],
    )


def test_every_state_has_a_distinct_symbol_and_word() -> None:
    states = list(LightState)
    assert len({s.symbol for s in states}) == len(states)
    assert len({s.word for s in states}) == len(states)
    assert LightState.GREEN.symbol == "✔" and LightState.RED.symbol == "✖"
    assert light(LightKind.HISTORY, LightState.AMBER).symbol == "!"
    assert light(LightKind.HISTORY, LightState.GREY).word == "Not checked"


def test_every_kind_has_a_title() -> None:
    assert [k.title for k in LIGHT_ORDER] == [
        "Packages created",
        "Receive recorded",
        "Ready to sell",
    ]


def test_checking_light() -> None:
    lt = Light.checking(LightKind.SELLABLE)
    assert lt.state is LightState.CHECKING
    assert lt.symbol == "…"
    assert lt.headline == "Looking at sellable stock…"


def test_bad_lines() -> None:
    ok = LineCheck(sku="A", expected=Decimal(1), found=Decimal(1), ok=True)
    bad = LineCheck(sku="B", expected=Decimal(1), found=None, ok=False)
    assert light(LightKind.PACKAGES, lines=(ok, bad)).bad_lines == (bad,)


def test_report_summaries() -> None:
    g, a, r, grey = LightState.GREEN, LightState.AMBER, LightState.RED, LightState.GREY
    assert report(g, g, g).all_green
    assert not report(g, g, grey).all_green
    assert report(g, a, g).needs_recheck and not report(g, r, grey).needs_recheck
    assert report(g, r, a).has_problem and not report(g, a, g).has_problem
    assert report(g, a, r).overall is r
    assert report(g, grey, a).overall is a
    assert report(g, grey, g).overall is grey
    assert report(g, g, g).overall is g


def test_by_kind() -> None:
    rep = report(LightState.GREEN, LightState.AMBER, LightState.RED)
    assert rep.by_kind(LightKind.HISTORY).state is LightState.AMBER
    assert rep.by_kind("sellable").state is LightState.RED  # type: ignore[arg-type]


def test_report_requires_one_light_of_each_kind_in_order() -> None:
    with pytest.raises(ValidationError, match="in that order"):
        VerificationReport(
            receipt_id=1,
            lights=(light(LightKind.HISTORY), light(LightKind.PACKAGES), light(LightKind.SELLABLE)),
            checked_at=NOW,
        )
    with pytest.raises(ValidationError, match="in that order"):
        VerificationReport(
            receipt_id=1,
            lights=(
                light(LightKind.PACKAGES),
                light(LightKind.PACKAGES),
                light(LightKind.SELLABLE),
            ),
            checked_at=NOW,
        )


def test_report_rejects_naive_time_and_zero_attempt() -> None:
    lights = tuple(light(k) for k in LIGHT_ORDER)
    with pytest.raises(ValidationError, match="timezone-aware"):
        VerificationReport(receipt_id=1, lights=lights, checked_at=datetime(2026, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        VerificationReport(receipt_id=1, lights=lights, checked_at=NOW, attempt=0)  # type: ignore[arg-type]


def test_report_json_round_trip_keeps_decimals_and_lines() -> None:
    check = LineCheck(
        sku="3B4791",
        name="Tommy Chong Joint (H)",
        expected=Decimal("3.5"),
        found=Decimal("2.125"),
        room_name="Vault",
        ok=False,
        note="sent 3.5, package has 2.125",
    )
    rep = VerificationReport(
        receipt_id=1379127,
        lights=(
            light(LightKind.PACKAGES, LightState.RED, lines=(check,), detail="d"),
            light(LightKind.HISTORY),
            light(LightKind.SELLABLE, LightState.GREY, what_to_do="ask"),
        ),
        checked_at=NOW,
        attempt=3,
    )
    back = VerificationReport.from_json(rep.to_json())
    assert back == rep
    assert back.lights[0].lines[0].found == Decimal("2.125")
    assert back.checked_at.tzinfo is not None


def test_report_is_frozen() -> None:
    rep = report(LightState.GREEN, LightState.GREEN, LightState.GREEN)
    with pytest.raises(ValidationError):
        rep.attempt = 2  # type: ignore[misc]


def test_read_outcome_is_data_or_failure_never_both() -> None:
    ok = ReadOutcome[tuple[int, ...]].success((1, 2))
    assert ok.ok and ok.value == (1, 2) and ok.failure is None
    bad = ReadOutcome[tuple[int, ...]].failed(ReadFailure.RATE_LIMITED, "slow down")
    assert not bad.ok and bad.value is None and bad.failure is ReadFailure.RATE_LIMITED
    with pytest.raises(ValidationError, match="needs a failure"):
        ReadOutcome[int](ok=False)
    with pytest.raises(ValidationError, match="no failure"):
        ReadOutcome[int](ok=True, value=1, failure=ReadFailure.SERVER)
    with pytest.raises(ValidationError, match="carries no value"):
        ReadOutcome[int](ok=False, value=1, failure=ReadFailure.SERVER)


def test_evidence_from_reads_spreads_outcomes_into_fields() -> None:
    pkg = Package(package_id=1, sku="A", quantity=Decimal(3))
    hist = HistoryRow(receipt_id=9, received_at=datetime(2026, 1, 1))
    ev = VerificationEvidence.from_reads(
        draft(),
        9,
        packages=ReadOutcome[tuple[Package, ...]].success((pkg,)),
        history=ReadOutcome[tuple[HistoryRow, ...]].success((hist,)),
        sellable_after=ReadOutcome[dict[str, Decimal]].failed(
            ReadFailure.NOT_PERMITTED, "User is not permitted"
        ),
        sellable_before={"A": Decimal(0)},
        sellable_location_rows=None,
        seconds_since_submit=12.5,
    )
    assert ev.packages == (pkg,) and ev.packages_failure is None
    assert ev.history == (hist,)
    assert ev.sellable_after is None
    assert ev.sellable_failure is ReadFailure.NOT_PERMITTED
    assert ev.sellable_message == "User is not permitted"
    assert ev.sellable_before == {"A": Decimal(0)}
    assert ev.within_grace


def test_evidence_grace() -> None:
    base = VerificationEvidence(draft=draft(), receipt_id=1, packages=(), history=())
    assert base.propagation_grace_s == 900.0 and base.within_grace
    assert not base.model_copy(update={"seconds_since_submit": 900.0}).within_grace
    with pytest.raises(ValidationError):
        VerificationEvidence(
            draft=draft(), receipt_id=1, packages=(), history=(), seconds_since_submit=-1
        )


def test_evidence_refuses_unknown_fields() -> None:
    """A misspelt field must fail loudly, not silently default to 'no data'."""
    with pytest.raises(ValidationError):
        VerificationEvidence(draft=draft(), receipt_id=1, packages=(), history=(), sellable=None)  # type: ignore[call-arg]


def test_a_light_is_proven_only_when_a_read_decided_it() -> None:
    from intake_gui.domain.verification import Basis

    decided = {"rooms": Basis.PACKAGE_ROOMS}
    assert light(LightKind.SELLABLE, LightState.RED, rests_on=decided).proven
    assert light(LightKind.SELLABLE, LightState.GREEN, rests_on=decided).proven
    assert not light(LightKind.SELLABLE, LightState.AMBER, rests_on=decided).proven
    assert not light(LightKind.SELLABLE, LightState.GREEN).proven
    assert not light(LightKind.SELLABLE, LightState.RED, rests_on={"rooms": Basis.NONE}).proven


def test_basis_ranks_put_evidence_that_cannot_be_fooled_above_totals() -> None:
    from intake_gui.domain.verification import Basis

    assert Basis.NONE.rank < Basis.TOTALS.rank < Basis.BASELINE_DELTA.rank
    assert Basis.ROOM_SENT.rank < Basis.PACKAGE_ROOMS.rank
    assert Basis.ELAPSED.rank < Basis.PACKAGE_RECORDS.rank


def test_rule_facts_and_evidence_survive_the_journal() -> None:
    from intake_gui.domain.verification import Basis

    rep = VerificationReport(
        receipt_id=7,
        lights=(
            light(LightKind.PACKAGES),
            light(LightKind.HISTORY),
            light(
                LightKind.SELLABLE,
                LightState.RED,
                rule="sellable.non_sellable_room",
                facts={"rooms": ("Vault",), "baseline": False, "receipt_id": 7},
                rests_on={"rooms": Basis.PACKAGE_ROOMS},
                carried_from=NOW,
                lines=(
                    LineCheck(sku="A", expected=Decimal(3), ok=False, reason="non_sellable_room"),
                ),
            ),
        ),
        checked_at=NOW,
    )
    back = VerificationReport.from_json(rep.to_json())
    assert back == rep
    sellable = back.by_kind(LightKind.SELLABLE)
    assert (
        sellable.facts["rooms"] == ("Vault",) and sellable.rests_on["rooms"] is Basis.PACKAGE_ROOMS
    )
    assert sellable.lines[0].reason == "non_sellable_room"


def test_a_report_stored_before_rules_had_ids_still_reads() -> None:
    """Journals hold reports written by the previous version: no rule, facts or evidence fields."""
    old = (
        '{"receipt_id": 1, "checked_at": "2026-04-18T17:00:00Z", "attempt": 1, "lights": ['
        '{"kind": "packages", "state": "green", "headline": "ok"},'
        '{"kind": "history", "state": "green", "headline": "ok"},'
        '{"kind": "sellable", "state": "red", "headline": "Vault", "lines": [{"sku": "A", '
        '"expected": "3", "ok": false, "note": "x"}]}]}'
    )
    rep = VerificationReport.from_json(old)
    assert rep.by_kind(LightKind.SELLABLE).rule == "" and not rep.by_kind(LightKind.SELLABLE).proven


def test_evidence_knows_whether_intake_made_the_receive() -> None:
    ev = VerificationEvidence(draft=draft(), receipt_id=1, packages=(), history=())
    assert ev.made_by_intake
    elsewhere = VerificationEvidence.from_reads(
        draft(),
        1,
        packages=ReadOutcome[tuple[Package, ...]].success(()),
        history=ReadOutcome[tuple[HistoryRow, ...]].success(()),
        sellable_after=ReadOutcome[dict[str, Decimal]].success({}),
        made_by_intake=False,
    )
    assert not elsewhere.made_by_intake
