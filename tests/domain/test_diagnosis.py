"""Every light rule on its own, by rule id and the facts it found; and the course's cases end to end.

Words are tested in test_diagnosis_words.py; here no test depends on an English sentence.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from intake_gui.domain import diagnosis as dg
from intake_gui.domain.diagnosis import RuleId
from intake_gui.domain.models import Package, Room
from intake_gui.domain.verification import Basis, LightKind, LightState, ReadFailure


def lights(ev):
    report = dg.diagnose(ev)
    return {light.kind.value: (light.state, light.rule) for light in report.lights}


# ------------------------------------------------------------------------------- the course


def test_final_assessment_all_green(w) -> None:
    """Course step 4: two packages, history row with Products: 2, both SKUs sellable at 3."""
    report = dg.diagnose(
        w.evidence(), attempt=2, checked_at=datetime(2026, 4, 18, 17, 0, tzinfo=UTC)
    )
    assert report.all_green and not report.needs_recheck
    assert (report.attempt, report.receipt_id) == (2, w.RECEIPT)
    assert [light.rule for light in report.lights] == [
        "packages.match",
        "history.recorded",
        "sellable.counted",
    ]
    packages = report.by_kind(LightKind.PACKAGES)
    assert [(ln.sku, ln.found, ln.ok) for ln in packages.lines] == [
        ("3B4791", Decimal(3), True),
        ("3B4792", Decimal(3), True),
    ]
    sellable = report.by_kind(LightKind.SELLABLE)
    assert sellable.rests_on == {"quantity": Basis.BASELINE_DELTA, "rooms": Basis.PACKAGE_ROOMS}
    assert sellable.facts["quantities_from"] == "baseline_delta"
    assert sellable.judged_by


@pytest.mark.parametrize("baseline", [True, False], ids=["with-baseline", "re-check"])
def test_mastery_packages_in_a_non_sellable_room_are_red_with_or_without_baseline(
    w, baseline
) -> None:
    """Course step 5: 4a and 4b pass, 4c fails because the packages sit in a room customers cannot buy
    from. Older sellable stock of the same products (10 on hand) must not turn it green."""
    ev = w.evidence(
        packages=(w.package("3B4791", room=w.VAULT), w.package("3B4792", room=w.VAULT)),
        sellable_before={"3B4791": Decimal(10), "3B4792": Decimal(10)} if baseline else None,
        sellable_after={"3B4791": Decimal(10), "3B4792": Decimal(10)},
    )
    report = dg.diagnose(ev)
    assert lights(ev) == {
        "packages": (LightState.GREEN, "packages.match"),
        "history": (LightState.GREEN, "history.recorded"),
        "sellable": (LightState.RED, "sellable.non_sellable_room"),
    }
    light = report.by_kind(LightKind.SELLABLE)
    assert light.facts["rooms"] == ("Vault",)
    assert light.facts["skus"] == ("3B4791", "3B4792")
    assert light.facts["sales_rooms"] == ("Sales Floor",)
    assert light.facts["evidence"] == "package_rooms"
    assert light.facts["chosen_on_purpose"] is False
    assert light.rests_on == {"rooms": Basis.PACKAGE_ROOMS}
    assert {ln.reason for ln in light.lines} == {"non_sellable_room"}


def test_mastery_is_red_even_within_grace_and_without_a_sellable_read(w) -> None:
    """Stock in a non-sales room never becomes sellable by waiting, and no sellable read is needed to know."""
    ev = w.evidence(
        packages=(w.package("3B4791", room=w.VAULT), w.package("3B4792")),
        sellable_after=None,
        sellable_failure=ReadFailure.RATE_LIMITED,
        seconds_since_submit=1,
    )
    finding = dg.sellable_finding(ev)
    assert (finding.state, finding.rule) == (LightState.RED, RuleId.SELLABLE_NON_SELLABLE_ROOM)
    assert finding.facts["skus"] == ("3B4791",)


def test_growth_since_the_baseline_outweighs_a_package_record_naming_the_receiving_room(w) -> None:
    """Some POSes (BLAZE batches) keep the receiving room on the package record after a transfer. When the
    sellable stock grew by the received quantity since the baseline, the stock was moved: green, said so."""
    ev = w.evidence(
        draft=w.make_draft(w.VAULT),
        packages=(w.package("3B4791", room=w.VAULT), w.package("3B4792", room=w.VAULT)),
    )
    finding = dg.sellable_finding(ev)
    assert (finding.state, finding.rule) == (LightState.GREEN, RuleId.SELLABLE_COUNTED)
    assert finding.facts["moved_skus"] == ("3B4791", "3B4792")
    assert finding.rests_on == {"quantity": Basis.BASELINE_DELTA}
    assert {c.reason for c in finding.lines} == {"moved_since"}


def test_chosen_non_sellable_room_is_named_as_chosen(w) -> None:
    finding = dg.sellable_finding(w.evidence(draft=w.make_draft(w.VAULT), sellable_after={}))
    assert finding.rule is RuleId.SELLABLE_NON_SELLABLE_ROOM
    assert finding.facts["chosen_on_purpose"] is True
    assert finding.facts["chosen_room"] == "Vault"


def test_package_room_found_by_name_when_ids_differ(w) -> None:
    """Some tenants give other room ids on package records; the course's own evidence is RoomName."""
    odd = Package(package_id=1, sku="3B4791", quantity=Decimal(3), room_id=999, room_name="vault")
    ev = w.evidence(packages=(odd, w.package("3B4792")), sellable_after={"3B4792": Decimal(3)})
    assert dg.sellable_finding(ev).rule is RuleId.SELLABLE_NON_SELLABLE_ROOM


def test_package_room_found_by_id_when_the_record_has_no_name(w) -> None:
    bare = Package(package_id=1, sku="3B4791", quantity=Decimal(3), room_id=w.VAULT.room_id)
    ev = w.evidence(packages=(bare, w.package("3B4792", room=w.VAULT)), sellable_after={})
    finding = dg.sellable_finding(ev)
    assert finding.rule is RuleId.SELLABLE_NON_SELLABLE_ROOM
    assert finding.facts["rooms"] == ("Vault",)


# ------------------------------------------------------------------------------- packages


def test_orphaned_receive(w) -> None:
    finding = dg.packages_finding(w.evidence(packages=(), history=(w.row(product_count=2),)))
    assert (finding.state, finding.rule) == (LightState.RED, RuleId.PACKAGES_ORPHANED)
    assert finding.facts["products_in_history"] == 2
    assert finding.facts["rooms_sent"] == (str(w.SALES.room_id),)
    assert finding.facts["made_by_intake"] is True


def test_all_lines_dropped_when_history_has_no_products(w) -> None:
    finding = dg.packages_finding(w.evidence(packages=(), history=(w.row(product_count=0),)))
    assert (finding.state, finding.rule) == (LightState.RED, RuleId.PACKAGES_ALL_DROPPED)
    assert finding.facts["skus"] == ("3B4791", "3B4792")


def test_no_packages_no_history_is_amber_within_grace_then_red(w) -> None:
    early = dg.packages_finding(w.evidence(packages=(), history=(), seconds_since_submit=12.4))
    assert (early.state, early.rule) == (LightState.AMBER, RuleId.PACKAGES_NOT_VISIBLE_YET)
    assert early.facts["seconds_since_submit"] == 12.4
    assert early.rests_on == {}
    late = dg.packages_finding(w.evidence(packages=(), history=(), seconds_since_submit=w.LATE))
    assert (late.state, late.rule) == (LightState.RED, RuleId.PACKAGES_STILL_MISSING)
    assert late.rests_on == {"packages": Basis.ELAPSED}


def test_no_packages_with_history_unavailable_stays_amber(w) -> None:
    ev = w.evidence(packages=(), history=None, history_failure=ReadFailure.SERVER)
    finding = dg.packages_finding(ev)
    assert finding.rule is RuleId.PACKAGES_NOT_VISIBLE_YET
    assert finding.facts["history_read"] is False


def test_a_dropped_line_is_not_received_and_never_waits_for_sellable(w) -> None:
    """The POS dropped 3B4792 silently: packages red naming it, sellable red "not received", never amber."""
    ev = w.evidence(packages=(w.package("3B4791"),), sellable_after={"3B4791": Decimal(3)})
    assert lights(ev) == {
        "packages": (LightState.RED, "packages.dropped_lines"),
        "history": (LightState.GREEN, "history.recorded"),
        "sellable": (LightState.RED, "sellable.not_received"),
    }
    packages = dg.packages_finding(ev)
    assert packages.facts["dropped_skus"] == ("3B4792",)
    assert packages.facts["dropped_lines"] == 1
    assert [(c.sku, c.found, c.reason) for c in packages.lines if not c.ok] == [
        ("3B4792", None, "not_received")
    ]
    sellable = dg.sellable_finding(ev)
    assert sellable.facts["skus"] == ("3B4792",)
    assert sellable.rests_on == {"packages": Basis.PACKAGE_RECORDS}


def test_dropped_lines_also_name_wrong_quantities(w) -> None:
    draft = w.make_draft(lines=((1, "A", "a"), (2, "B", "b"), (3, "C", "c")))
    ev = w.evidence(draft=draft, packages=(w.package("A", "2"),), history=(w.row(product_count=3),))
    finding = dg.packages_finding(ev)
    assert finding.rule is RuleId.PACKAGES_DROPPED_LINES
    assert finding.facts["dropped_skus"] == ("B", "C")
    assert finding.facts["wrong_skus"] == ("A",)


def test_wrong_quantity_is_red_per_line(w) -> None:
    ev = w.evidence(packages=(w.package("3B4791", "2"), w.package("3B4792")))
    finding = dg.packages_finding(ev)
    assert (finding.state, finding.rule) == (LightState.RED, RuleId.PACKAGES_WRONG_QUANTITY)
    assert finding.facts["wrong_skus"] == ("3B4791",)
    assert [(c.sku, c.expected, c.found) for c in finding.lines if not c.ok] == [
        ("3B4791", Decimal(3), Decimal(2))
    ]


@pytest.mark.parametrize(
    "packages",
    [
        ("3b4791-x", 11484902),  # another SKU spelling, same product id
        (" 3b4791 ", None),  # case and spaces
    ],
)
def test_packages_match_by_product_id_or_normalised_sku(w, packages) -> None:
    sku, pid = packages
    ev = w.evidence(packages=(w.package(sku, product_id=pid), w.package("3B4792")))
    assert dg.packages_finding(ev).rule is RuleId.PACKAGES_MATCH


def test_lines_of_one_sku_are_summed(w) -> None:
    draft = w.make_draft(lines=((1, "A", "a"), (1, "A", "a")))
    ev = w.evidence(draft=draft, packages=(w.package("A", "6"),), sellable_after={"A": Decimal(6)})
    report = dg.diagnose(ev)
    assert report.all_green
    assert report.by_kind(LightKind.PACKAGES).lines[0].expected == Decimal(6)


def test_packages_matching_no_line_are_facts(w) -> None:
    ev = w.evidence(packages=(w.package("3B4791"), w.package("3B4792"), w.package("ZZZ", "1")))
    finding = dg.packages_finding(ev)
    assert finding.rule is RuleId.PACKAGES_MATCH
    assert finding.facts["extra_packages"] == ("ZZZ×1",)


def test_quantities_compare_as_numbers(w) -> None:
    ev = w.evidence(packages=(w.package("3B4791", "3.000"), w.package("3B4792", "3.0")))
    assert dg.packages_finding(ev).rule is RuleId.PACKAGES_MATCH


# ------------------------------------------------------------------------------- history


def test_history_compares_with_the_lines_intake_sent(w) -> None:
    fewer = dg.history_finding(w.evidence(history=(w.row(product_count=1),)))
    assert (fewer.state, fewer.rule) == (LightState.RED, RuleId.HISTORY_FEWER_LINES)
    assert (fewer.facts["products"], fewer.facts["lines_sent"]) == (1, 2)
    more = dg.history_finding(w.evidence(history=(w.row(product_count=3),)))
    assert more.rule is RuleId.HISTORY_MORE_LINES


def test_history_title_change_is_a_fact_not_a_failure(w) -> None:
    finding = dg.history_finding(w.evidence(history=(w.row(title="something else"),)))
    assert finding.rule is RuleId.HISTORY_RECORDED
    assert finding.facts["title_differs"] is True
    assert dg.history_finding(w.evidence()).facts["title_differs"] is False


def test_history_missing_amber_within_grace_then_red(w) -> None:
    other = w.row(receipt_id=5, title="other delivery")
    early = dg.history_finding(w.evidence(history=(other,), seconds_since_submit=10))
    assert (early.state, early.rule) == (LightState.AMBER, RuleId.HISTORY_NOT_YET)
    assert early.facts["rows_read"] == 1
    late = dg.history_finding(w.evidence(history=(other,), seconds_since_submit=w.LATE))
    assert (late.state, late.rule) == (LightState.RED, RuleId.HISTORY_STILL_MISSING)


def test_history_duplicate_token(w) -> None:
    ev = w.evidence(history=(w.row(), w.row(receipt_id=w.RECEIPT + 1)))
    finding = dg.history_finding(ev)
    assert (finding.state, finding.rule) == (LightState.RED, RuleId.HISTORY_DUPLICATE)
    assert finding.facts["other_receipts"] == (str(w.RECEIPT + 1),)
    assert finding.facts["token"] == "IN-ABCDEF1234"


def test_history_found_by_token_on_another_receipt_is_a_duplicate(w) -> None:
    ev = w.evidence(history=(w.row(receipt_id=999, title="INV-1001 [in-abcdef1234]"),))
    assert dg.history_finding(ev).rule is RuleId.HISTORY_DUPLICATE


def test_history_without_token_matches_by_receipt_id_only(w) -> None:
    draft = w.make_draft().model_copy(update={"token": ""})
    ev = w.evidence(draft=draft, history=(w.row(), w.row(receipt_id=5, title="anything")))
    assert dg.history_finding(ev).rule is RuleId.HISTORY_RECORDED


def test_history_wrong_status(w) -> None:
    finding = dg.history_finding(w.evidence(history=(w.row(status="Saved"),)))
    assert (finding.rule, finding.facts["status"]) == (RuleId.HISTORY_WRONG_STATUS, "Saved")
    assert dg.history_finding(w.evidence(history=(w.row(status=" received "),))).state is (
        LightState.GREEN
    )


def test_history_without_a_status_field_is_not_a_wrong_status(w) -> None:
    """A tenant that leaves Status off its rows says nothing against the receive."""
    assert dg.history_finding(w.evidence(history=(w.row(status=""),))).rule is (
        RuleId.HISTORY_RECORDED
    )


def test_history_wrong_vendor_keys_on_the_id(w) -> None:
    finding = dg.history_finding(w.evidence(history=(w.row(vendor_id=1, vendor_name="OTHER"),)))
    assert finding.rule is RuleId.HISTORY_WRONG_VENDOR
    assert (finding.facts["vendor"], finding.facts["sent_vendor_id"]) == ("OTHER", 39195)
    same_id_other_case = w.evidence(history=(w.row(vendor_name="palomino printing"),))
    assert dg.history_finding(same_id_other_case).rule is RuleId.HISTORY_RECORDED
    by_name = w.evidence(history=(w.row(vendor_id=None, vendor_name="Palomino Printing"),))
    assert dg.history_finding(by_name).rule is RuleId.HISTORY_RECORDED
    wrong_name = w.evidence(history=(w.row(vendor_id=None, vendor_name="X"),))
    assert dg.history_finding(wrong_name).rule is RuleId.HISTORY_WRONG_VENDOR


# ------------------------------------------------------------------------------- sellable


def test_sellable_existing_stock_does_not_count_as_growth(w) -> None:
    ev = w.evidence(
        sellable_before={"3B4791": Decimal(10)},
        sellable_after={"3B4791": Decimal(10), "3B4792": Decimal(3)},
    )
    finding = dg.sellable_finding(ev)
    assert (finding.state, finding.rule) == (LightState.AMBER, RuleId.SELLABLE_NOT_COUNTED_YET)
    assert finding.facts["skus"] == ("3B4791",)
    assert [(c.sku, c.found, c.reason) for c in finding.lines if not c.ok] == [
        ("3B4791", Decimal(0), "not_counted")
    ]


def test_without_baseline_rooms_on_the_package_records_make_quantities_consistent(w) -> None:
    finding = dg.sellable_finding(w.evidence(sellable_before=None))
    assert (finding.state, finding.rule) == (LightState.GREEN, RuleId.SELLABLE_COUNTED)
    assert finding.facts["quantities_from"] == "totals"
    assert finding.rests_on == {"quantity": Basis.TOTALS, "rooms": Basis.PACKAGE_ROOMS}


def test_without_baseline_or_package_rooms_totals_prove_nothing(w) -> None:
    """The false green: older stock in a sales room satisfies a total. Without the package records' rooms
    and without a baseline, Intake says it cannot tell instead of showing green."""
    roomless = tuple(w.package(sku, room=None) for sku in ("3B4791", "3B4792"))
    finding = dg.sellable_finding(w.evidence(packages=roomless, sellable_before=None))
    assert (finding.state, finding.rule) == (LightState.GREY, RuleId.SELLABLE_UNPROVEN)
    assert finding.facts["skus"] == ("3B4791", "3B4792")
    unreadable = w.evidence(
        packages=None, packages_failure=ReadFailure.RATE_LIMITED, sellable_before=None
    )
    assert dg.sellable_finding(unreadable).rule is RuleId.SELLABLE_UNPROVEN


def test_rooms_whose_sellable_flag_the_pos_did_not_send_prove_nothing(w) -> None:
    """A tenant without PosRoom: every room reads as a sales room by assumption. The Vault must not pass
    for one: without a baseline the light cannot be green, with one the delta decides."""
    assumed = {
        rid: room.model_copy(update={"pos_room": True, "sellable_known": False})
        for rid, room in w.ROOMS.items()
    }
    vault = (w.package("3B4791", room=w.VAULT), w.package("3B4792", room=w.VAULT))
    recheck = w.evidence(packages=vault, rooms=assumed, sellable_before=None)
    assert dg.sellable_finding(recheck).rule is RuleId.SELLABLE_UNPROVEN
    first = w.evidence(packages=vault, rooms=assumed, sellable_after={})
    assert dg.sellable_finding(first).rule is RuleId.SELLABLE_NOT_COUNTED_YET
    grew = w.evidence(packages=vault, rooms=assumed)
    finding = dg.sellable_finding(grew)
    assert finding.rule is RuleId.SELLABLE_COUNTED
    assert finding.rests_on == {"quantity": Basis.BASELINE_DELTA}


def test_a_baseline_delta_is_proof_even_when_rooms_are_unknown(w) -> None:
    roomless = tuple(w.package(sku, room=None) for sku in ("3B4791", "3B4792"))
    finding = dg.sellable_finding(w.evidence(packages=roomless))
    assert finding.rule is RuleId.SELLABLE_COUNTED
    assert finding.rests_on == {"quantity": Basis.BASELINE_DELTA, "rooms": Basis.ROOM_SENT}


def test_propagation_delay_amber_then_red_after_grace(w) -> None:
    early = dg.sellable_finding(
        w.evidence(sellable_after={"3B4791": Decimal(3)}, seconds_since_submit=300)
    )
    assert (early.state, early.rule) == (LightState.AMBER, RuleId.SELLABLE_NOT_COUNTED_YET)
    assert early.facts["skus"] == ("3B4792",)
    late = dg.sellable_finding(
        w.evidence(sellable_after={"3B4791": Decimal(3)}, seconds_since_submit=w.LATE)
    )
    assert (late.state, late.rule) == (LightState.RED, RuleId.SELLABLE_NOT_COUNTED)
    assert late.rests_on["quantity"] is Basis.ELAPSED


def test_grace_boundary_is_exclusive(w) -> None:
    at = w.evidence(sellable_after={}, seconds_since_submit=900.0, propagation_grace_s=900.0)
    assert dg.sellable_finding(at).state is LightState.RED
    assert (
        dg.sellable_finding(at.model_copy(update={"seconds_since_submit": 899.9})).state
        is LightState.AMBER
    )


def test_partial_growth_is_a_fact_on_the_line(w) -> None:
    ev = w.evidence(sellable_after={"3B4791": Decimal(2), "3B4792": Decimal(3)})
    finding = dg.sellable_finding(ev)
    assert finding.facts["partial_skus"] == ("3B4791",)
    assert [c.reason for c in finding.lines] == ["partial", ""]


def test_a_late_recheck_without_baseline_reads_sales_since_as_consistent(w) -> None:
    """Days later, stock in a sales room shows less than received: sales explain it, it is not a fault."""
    ev = w.evidence(
        sellable_before=None,
        sellable_after={"3B4791": Decimal(1), "3B4792": Decimal(3)},
        seconds_since_submit=w.LATE * 48,
    )
    finding = dg.sellable_finding(ev)
    assert (finding.state, finding.rule) == (LightState.GREEN, RuleId.SELLABLE_COUNTED)
    assert finding.facts["sold_since_skus"] == ("3B4791",)


def test_room_access_when_the_whole_location_reads_empty(w) -> None:
    ev = w.evidence(sellable_after={}, sellable_location_rows=0)
    finding = dg.sellable_finding(ev)
    assert (finding.state, finding.rule) == (LightState.AMBER, RuleId.SELLABLE_ROOM_ACCESS)
    late = dg.sellable_finding(ev.model_copy(update={"seconds_since_submit": w.LATE}))
    assert (late.state, late.facts["late"]) == (LightState.RED, True)


def test_room_access_recognised_from_a_location_wide_read(w) -> None:
    ev = w.evidence(sellable_after={"OTHER-SKU": Decimal(0)})
    assert dg.location_sellable_empty(ev)
    assert dg.sellable_finding(ev).rule is RuleId.SELLABLE_ROOM_ACCESS


def test_a_filtered_empty_read_is_only_not_yet(w) -> None:
    ev = w.evidence(sellable_after={})
    assert not dg.location_sellable_empty(ev)
    assert dg.sellable_finding(ev).rule is RuleId.SELLABLE_NOT_COUNTED_YET
    stocked = w.evidence(sellable_after={"OTHER-SKU": Decimal(5)}, sellable_location_rows=40)
    assert dg.sellable_finding(stocked).rule is RuleId.SELLABLE_NOT_COUNTED_YET


def test_sellable_not_supported_is_grey_but_rooms_still_decide(w) -> None:
    grey = dg.sellable_finding(w.evidence(sellable_supported=False, sellable_after=None))
    assert (grey.state, grey.rule) == (LightState.GREY, RuleId.READ_NOT_SUPPORTED)
    vault = w.evidence(sellable_supported=False, sellable_after=None, draft=w.make_draft(w.VAULT))
    assert dg.sellable_finding(vault).rule is RuleId.SELLABLE_NON_SELLABLE_ROOM


def test_sent_room_decides_when_packages_are_unreadable(w) -> None:
    ev = w.evidence(
        draft=w.make_draft(w.VAULT),
        packages=None,
        packages_failure=ReadFailure.CONNECTION,
        sellable_after={},
    )
    finding = dg.sellable_finding(ev)
    assert finding.rule is RuleId.SELLABLE_NON_SELLABLE_ROOM
    assert (finding.facts["evidence"], finding.rests_on["rooms"]) == ("room_sent", Basis.ROOM_SENT)
    annex = Room(room_id=1, name="Annex", inventory_room=True, pos_room=True)
    unknown = w.evidence(
        draft=w.make_draft(annex),
        packages=None,
        packages_failure=ReadFailure.SERVER,
        sellable_after={},
        rooms={},
    )
    assert dg.sellable_finding(unknown).state is LightState.AMBER


def test_no_packages_yet_means_waiting_for_packages_not_for_sellable(w) -> None:
    ev = w.evidence(packages=(), history=(), seconds_since_submit=5)
    assert dg.sellable_finding(ev).rule is RuleId.SELLABLE_WAITING_FOR_PACKAGES


def test_an_orphaned_receive_is_not_received_on_the_sellable_light(w) -> None:
    ev = w.evidence(packages=(), history=(w.row(product_count=2),))
    finding = dg.sellable_finding(ev)
    assert (finding.state, finding.rule) == (LightState.RED, RuleId.SELLABLE_NOT_RECEIVED)
    assert finding.facts["all_missing"] is True


# ------------------------------------------------------------------------------- made elsewhere


def test_a_receive_made_elsewhere_is_compared_with_nothing_it_did_not_send(w) -> None:
    ev = w.foreign()
    assert lights(ev) == {
        "packages": (LightState.GREEN, "packages.present"),
        "history": (LightState.GREEN, "history.recorded_sent_unknown"),
        "sellable": (LightState.GREEN, "sellable.counted"),
    }
    history = dg.history_finding(ev)
    assert history.facts["lines_sent"] is None and history.facts["products"] == 2


def test_a_receive_made_elsewhere_without_room_id_is_orphaned_never_more_than_sent(w) -> None:
    """Issue 11, measured 3: history said "more products than were sent" (0 rebuilt from packages) and
    sellable green. The truth: no packages (red, orphaned), history recorded (sent unknown), nothing to sell."""
    ev = w.foreign(packages=(), sellable_after={"3B4791": Decimal(40)})
    assert lights(ev) == {
        "packages": (LightState.RED, "packages.orphaned"),
        "history": (LightState.GREEN, "history.recorded_sent_unknown"),
        "sellable": (LightState.RED, "sellable.not_received"),
    }
    orphan = dg.packages_finding(ev)
    assert orphan.facts["made_by_intake"] is False and orphan.facts["rooms_sent"] is None


def test_a_receive_made_elsewhere_into_the_vault_is_red(w) -> None:
    ev = w.foreign(packages=(w.package("3B4791", room=w.VAULT),))
    finding = dg.sellable_finding(ev)
    assert finding.rule is RuleId.SELLABLE_NON_SELLABLE_ROOM
    assert finding.facts["chosen_room"] is None


# ------------------------------------------------------------------------------- failed reads


@pytest.mark.parametrize("kind", list(LightKind))
def test_not_permitted_is_grey_and_says_what_the_pos_said(w, kind: LightKind) -> None:
    field, prefix = {
        LightKind.PACKAGES: ("packages", "packages"),
        LightKind.HISTORY: ("history", "history"),
        LightKind.SELLABLE: ("sellable_after", "sellable"),
    }[kind]
    ev = w.evidence(
        **{
            field: None,
            f"{prefix}_failure": ReadFailure.NOT_PERMITTED,
            f"{prefix}_message": "User is not permitted",
        }
    )
    light = dg.diagnose(ev).by_kind(kind)
    assert (light.state, light.rule) == (LightState.GREY, "read.not_permitted")
    assert light.facts["pos_message"] == "User is not permitted"
    assert light.facts["read"] == kind.value
    assert not light.proven


@pytest.mark.parametrize(
    ("failure", "state", "rule"),
    [
        (ReadFailure.RATE_LIMITED, LightState.AMBER, "read.rate_limited"),
        (ReadFailure.SESSION, LightState.AMBER, "read.session"),
        (ReadFailure.SERVER, LightState.GREY, "read.server"),
        (ReadFailure.MALFORMED, LightState.GREY, "read.malformed"),
        (ReadFailure.NOT_FOUND, LightState.GREY, "read.not_found"),
        (ReadFailure.NOT_SUPPORTED, LightState.GREY, "read.not_supported"),
        (ReadFailure.ROOM_ACCESS, LightState.GREY, "read.room_access"),
        (None, LightState.GREY, "read.not_made"),
    ],
)
def test_read_failures(w, failure, state, rule) -> None:
    ev = w.evidence(history=None, history_failure=failure, history_message="HTTP 500 <html>")
    light = dg.history_light(ev)
    assert (light.state, light.rule) == (state, rule)
    assert light.rests_on == {}


def test_lost_connection_is_amber_then_grey(w) -> None:
    ev = w.evidence(sellable_after=None, sellable_failure=ReadFailure.CONNECTION)
    assert dg.sellable_finding(ev).state is LightState.AMBER
    late = ev.model_copy(update={"seconds_since_submit": w.LATE})
    assert dg.sellable_finding(late).state is LightState.GREY


def test_every_rule_of_every_light_has_words(w) -> None:
    from intake_gui.domain.diagnosis.words import LIGHT_WORDS
    from intake_gui.domain.diagnosis.words_sellable import SELLABLE_WORDS

    light_rules = {r for r in RuleId if r.area in ("read", "packages", "history", "sellable")}
    assert light_rules == set(LIGHT_WORDS) | set(SELLABLE_WORDS)


def test_diagnose_defaults_checked_at_to_now(w) -> None:
    before = datetime.now(UTC)
    assert before <= dg.diagnose(w.evidence()).checked_at <= datetime.now(UTC)
