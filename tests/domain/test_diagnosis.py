"""Every diagnosis rule on its own, plus the course's final assessment and mastery case end to end."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from intake_gui.domain import diagnosis as dg
from intake_gui.domain.models import (
    DraftLine,
    HistoryRow,
    Location,
    Package,
    ReceiveDraft,
    Room,
    Vendor,
)
from intake_gui.domain.verification import (
    LightKind,
    LightState,
    ReadFailure,
    VerificationEvidence,
)

AZ = Location(loc_id=1989, name="AZ Sandbox", state="AZ", lsp_id=575, timezone="America/Phoenix")
IL = Location(loc_id=2862, name="IL Sandbox", state="IL", lsp_id=575, timezone="America/Chicago")
SALES = Room(room_id=24772, name="Sales Floor", inventory_room=True, pos_room=True)
VAULT = Room(room_id=24773, name="Vault", inventory_room=True, pos_room=False)
QUARANTINE = Room(room_id=24774, name="Quarantine", inventory_room=False, pos_room=False)
ROOMS = {r.room_id: r for r in (SALES, VAULT, QUARANTINE)}
VENDOR = Vendor(vendor_id=39195, name="PALOMINO PRINTING")
RECEIPT = 1379127


def make_draft(
    room: Room = SALES, lines: tuple[tuple[int, str, str], ...] | None = None
) -> ReceiveDraft:
    lines = lines or (
        (11484902, "3B4791", "Tommy Chong Joint (H)"),
        (11484903, "3B4792", "Blue Dream 1g"),
    )
    return ReceiveDraft(
        location=AZ,
        vendor=VENDOR,
        room=room,
        title="INV-1001",
        token="IN-ABCDEF1234",
        lines=tuple(
            DraftLine(product_id=pid, sku=sku, name=name, quantity=3, unit_cost="4.50")
            for pid, sku, name in lines
        ),
    )


def package(
    sku: str, qty: str = "3", room: Room = SALES, product_id: int | None = None, **kw: Any
) -> Package:
    return Package(
        package_id=f"PKG-{sku}",
        receipt_id=RECEIPT,
        product_id=product_id,
        sku=sku,
        quantity=Decimal(qty),
        room_id=room.room_id,
        room_name=room.name,
        **kw,
    )


def row(**kw: Any) -> HistoryRow:
    base: dict[str, Any] = dict(
        receipt_id=RECEIPT,
        received_at=datetime(2026, 4, 18, 10, 30),
        vendor_id=VENDOR.vendor_id,
        vendor_name=VENDOR.name,
        title="INV-1001 [IN-ABCDEF1234]",
        status="Received",
        product_count=2,
    )
    base.update(kw)
    return HistoryRow(**base)


def evidence(**kw: Any) -> VerificationEvidence:
    draft = kw.pop("draft", None) or make_draft(kw.pop("room", SALES))
    room = draft.room
    base: dict[str, Any] = dict(
        draft=draft,
        receipt_id=RECEIPT,
        packages=tuple(package(ln.sku, room=room) for ln in draft.lines),
        history=(row(product_count=len(draft.lines)),),
        sellable_before={ln.sku: Decimal("0") for ln in draft.lines},
        sellable_after={ln.sku: Decimal("3") for ln in draft.lines},
        rooms=ROOMS,
        seconds_since_submit=30.0,
    )
    base.update(kw)
    return VerificationEvidence(**base)


LATE = 3600.0


# ------------------------------------------------------------------------------- end to end


def test_final_assessment_all_green() -> None:
    """Course step 4: two packages, history row with Products: 2, both SKUs sellable at 3."""
    report = dg.diagnose(evidence(), attempt=2, checked_at=datetime(2026, 4, 18, 17, 0, tzinfo=UTC))
    assert report.all_green
    assert not report.needs_recheck
    assert report.attempt == 2
    assert report.receipt_id == RECEIPT
    packages = report.by_kind(LightKind.PACKAGES)
    assert [ln.sku for ln in packages.lines] == ["3B4791", "3B4792"]
    assert all(ln.ok and ln.found == Decimal(3) for ln in packages.lines)
    assert report.by_kind(LightKind.SELLABLE).lines[0].found == Decimal(3)


def test_mastery_case_packages_in_non_sellable_room() -> None:
    """Course step 5: 4a and 4b pass, 4c fails because the packages sit in a room customers cannot buy from."""
    ev = evidence(
        draft=make_draft(SALES),
        packages=(package("3B4791", room=VAULT), package("3B4792", room=VAULT)),
        sellable_after={},
    )
    report = dg.diagnose(ev)
    assert report.by_kind(LightKind.PACKAGES).state is LightState.GREEN
    assert report.by_kind(LightKind.HISTORY).state is LightState.GREEN
    light = report.by_kind(LightKind.SELLABLE)
    assert light.state is LightState.RED
    assert "Vault" in light.headline and "not a sales room" in light.headline
    assert "Sales Floor" in light.what_to_do
    assert "Backoffice > Inventory" in light.what_to_do
    assert "sellable room next time" in light.what_to_do
    assert "RoomName" in light.detail
    assert {ln.room_name for ln in light.lines} == {"Vault"}


def test_mastery_red_even_within_grace() -> None:
    """Stock in a non-sales room never becomes sellable by waiting, so there is no amber phase."""
    ev = evidence(
        packages=(package("3B4791", room=VAULT), package("3B4792")), seconds_since_submit=1
    )
    light = dg.sellable_in_non_sellable_room(
        ev.model_copy(update={"sellable_after": {"3B4792": Decimal(3)}})
    )
    assert light is not None and light.state is LightState.RED
    assert "3B4791" in light.what_happened and "3B4792" not in light.what_happened


def test_mastery_names_room_chosen_on_purpose() -> None:
    ev = evidence(draft=make_draft(VAULT), sellable_after={})
    light = dg.sellable_light(ev)
    assert light.state is LightState.RED
    assert "as chosen" in light.what_happened


def test_room_name_comes_from_rooms_when_package_lacks_it() -> None:
    bare = Package(package_id=1, sku="3B4791", quantity=Decimal(3), room_id=VAULT.room_id)
    ev = evidence(packages=(bare, package("3B4792", room=VAULT)), sellable_after={})
    light = dg.sellable_light(ev)
    assert light.state is LightState.RED
    assert "Vault" in light.headline


# ------------------------------------------------------------------------------- packages


def test_packages_read_failed_rule_only_fires_without_data() -> None:
    assert dg.packages_read_failed(evidence()) is None
    light = dg.packages_read_failed(
        evidence(packages=None, packages_failure=ReadFailure.NOT_PERMITTED)
    )
    assert light is not None and light.state is LightState.GREY


def test_orphaned_receive() -> None:
    ev = evidence(packages=(), history=(row(product_count=2),))
    light = dg.packages_orphaned(ev)
    assert light is not None
    assert light.state is LightState.RED
    assert "without a room" in light.what_happened
    assert (
        "ReceiveInventoryHistoryId" in light.what_happened and "Id instead" in light.what_happened
    )
    assert "Do not send this receive again" in light.what_to_do
    assert str(RECEIPT) in light.what_to_do
    assert f"RoomId {SALES.room_id}" in light.detail
    assert dg.packages_light(ev) == light


def test_orphaned_needs_history_products() -> None:
    assert dg.packages_orphaned(evidence(packages=(), history=())) is None
    assert dg.packages_orphaned(evidence(packages=(), history=(row(product_count=0),))) is None
    assert dg.packages_orphaned(evidence()) is None


def test_all_lines_dropped_when_history_has_no_products() -> None:
    ev = evidence(packages=(), history=(row(product_count=0),))
    light = dg.packages_light(ev)
    assert light.state is LightState.RED
    assert light.headline == "All 2 lines were dropped by the POS."
    assert "3B4791, 3B4792" in light.what_happened


def test_no_packages_no_history_is_amber_within_grace_then_red() -> None:
    early = dg.packages_light(evidence(packages=(), history=(), seconds_since_submit=120))
    assert early.state is LightState.AMBER
    assert "2 minutes after the submit" in early.what_happened
    assert "Do not send" in early.what_to_do
    late = dg.packages_light(evidence(packages=(), history=(), seconds_since_submit=LATE))
    assert late.state is LightState.RED
    assert "60 minutes" in late.what_happened
    assert str(RECEIPT) in late.what_to_do


def test_no_packages_with_history_unavailable_stays_amber() -> None:
    ev = evidence(packages=(), history=None, history_failure=ReadFailure.SERVER)
    light = dg.packages_light(ev)
    assert light.state is LightState.AMBER
    assert "history: unavailable" in light.detail


def test_dropped_lines_names_the_skus() -> None:
    ev = evidence(packages=(package("3B4791"),))
    light = dg.packages_dropped_lines(ev)
    assert light is not None
    assert light.state is LightState.RED
    assert light.headline == "1 line was dropped by the POS: 3B4792."
    assert "match nothing" in light.what_happened
    assert (
        "exists at this location" in light.what_to_do
        and "only the missing lines" in light.what_to_do
    )
    bad = light.bad_lines
    assert [(b.sku, b.found) for b in bad] == [("3B4792", None)]
    assert dg.packages_light(ev) == light


def test_dropped_lines_also_mentions_wrong_quantity() -> None:
    draft = make_draft(lines=((1, "A", "a"), (2, "B", "b"), (3, "C", "c")))
    ev = evidence(draft=draft, packages=(package("A", "2"),), history=(row(product_count=1),))
    light = dg.packages_light(ev)
    assert light.headline == "2 lines were dropped by the POS: B, C."
    assert "quantity is also wrong for A" in light.what_happened


def test_wrong_quantity_is_red_per_line() -> None:
    ev = evidence(packages=(package("3B4791", "2"), package("3B4792")))
    light = dg.packages_wrong_quantity(ev)
    assert light is not None
    assert light.state is LightState.RED
    assert "1 product" in light.headline
    assert "3B4791: sent 3, package has 2" in light.what_happened
    assert "do not send the receive again" in light.what_to_do.lower()
    assert [b.sku for b in light.bad_lines] == ["3B4791"]
    assert dg.packages_wrong_quantity(evidence()) is None


def test_packages_match_by_product_id_when_sku_differs() -> None:
    ev = evidence(packages=(package("3b4791-x", product_id=11484902), package("3B4792")))
    light = dg.packages_light(ev)
    assert light.state is LightState.GREEN


def test_sku_match_ignores_case_and_spaces() -> None:
    ev = evidence(packages=(package(" 3b4791 "), package("3B4792")))
    assert dg.packages_light(ev).state is LightState.GREEN


def test_lines_of_one_sku_are_summed() -> None:
    draft = make_draft(lines=((1, "A", "a"), (1, "A", "a")))
    ev = evidence(draft=draft, packages=(package("A", "6"),), sellable_after={"A": Decimal(6)})
    report = dg.diagnose(ev)
    assert report.by_kind(LightKind.PACKAGES).state is LightState.GREEN
    assert report.by_kind(LightKind.PACKAGES).lines[0].expected == Decimal(6)
    assert report.by_kind(LightKind.SELLABLE).state is LightState.GREEN


def test_packages_matching_no_line_are_named_in_detail() -> None:
    ev = evidence(packages=(package("3B4791"), package("3B4792"), package("ZZZ", "1")))
    light = dg.packages_light(ev)
    assert light.state is LightState.GREEN
    assert "packages matching no line: ZZZ×1" in light.detail


def test_packages_match_quantities_compare_as_numbers() -> None:
    ev = evidence(packages=(package("3B4791", "3.000"), package("3B4792", "3.0")))
    light = dg.packages_match(ev)
    assert light is not None and light.headline == "2 packages created with the right quantities."


# ------------------------------------------------------------------------------- history


def test_history_match() -> None:
    light = dg.history_light(evidence())
    assert light.state is LightState.GREEN
    assert "title differs" not in light.detail


def test_history_match_notes_changed_title_without_failing() -> None:
    light = dg.history_light(evidence(history=(row(title="something else"),)))
    assert light.state is LightState.GREEN
    assert "title differs" in light.detail


def test_history_missing_amber_within_grace_then_red() -> None:
    other = row(receipt_id=5, title="other delivery")
    early = dg.history_missing(evidence(history=(other,), seconds_since_submit=10))
    assert early is not None and early.state is LightState.AMBER
    assert "looked at 1 history rows" in early.detail
    late = dg.history_missing(evidence(history=(other,), seconds_since_submit=LATE))
    assert late is not None and late.state is LightState.RED
    assert dg.history_missing(evidence()) is None


def test_history_found_by_token_in_title() -> None:
    ev = evidence(
        history=(row(receipt_id=999, title="INV-1001 [in-abcdef1234]"),), receipt_id=RECEIPT
    )
    # Another receipt carrying our tag is a second receive of the same draft.
    light = dg.history_light(ev)
    assert light.state is LightState.RED
    assert "more than once" in light.headline
    assert "999" in light.what_happened


def test_history_duplicate_token() -> None:
    ev = evidence(history=(row(), row(receipt_id=RECEIPT + 1)))
    light = dg.history_duplicate(ev)
    assert light is not None and light.state is LightState.RED
    assert "IN-ABCDEF1234" in light.what_happened
    assert "reverse" in light.what_to_do
    assert dg.history_duplicate(evidence()) is None


def test_history_without_token_matches_by_receipt_id_only() -> None:
    draft = make_draft().model_copy(update={"token": ""})
    ev = evidence(draft=draft, history=(row(), row(receipt_id=5, title="anything")))
    assert dg.history_duplicate(ev) is None
    assert dg.history_light(ev).state is LightState.GREEN


def test_history_wrong_status() -> None:
    light = dg.history_light(evidence(history=(row(status="Saved"),)))
    assert light.state is LightState.RED
    assert "“Saved”" in light.headline
    assert "Status='Saved'" in light.detail
    assert dg.history_wrong_status(evidence(history=(row(status=" received "),))) is None


def test_history_wrong_vendor() -> None:
    light = dg.history_light(evidence(history=(row(vendor_id=1, vendor_name="OTHER"),)))
    assert light.state is LightState.RED
    assert "OTHER" in light.headline and "PALOMINO" in light.headline
    # Vendor names repeat with different ids: the id decides when the POS reports it.
    assert (
        dg.history_wrong_vendor(evidence(history=(row(vendor_name="palomino printing"),))) is None
    )
    assert (
        dg.history_wrong_vendor(
            evidence(history=(row(vendor_id=None, vendor_name="Palomino Printing"),))
        )
        is None
    )
    assert (
        dg.history_wrong_vendor(evidence(history=(row(vendor_id=None, vendor_name="X"),)))
        is not None
    )


def test_history_wrong_count() -> None:
    fewer = dg.history_light(evidence(history=(row(product_count=1),)))
    assert fewer.state is LightState.RED
    assert fewer.headline == "The history shows 1 product; 2 were sent."
    assert "dropped" in fewer.what_happened
    more = dg.history_wrong_count(evidence(history=(row(product_count=3),)))
    assert more is not None and "more products" in more.what_happened


def test_history_read_failed_rate_limited_is_amber() -> None:
    light = dg.history_light(evidence(history=None, history_failure=ReadFailure.RATE_LIMITED))
    assert light.state is LightState.AMBER
    assert "re-check" in light.headline


# ------------------------------------------------------------------------------- sellable


def test_sellable_grown_with_baseline() -> None:
    ev = evidence(
        sellable_before={"3B4791": Decimal(10), "3B4792": Decimal(0)},
        sellable_after={"3B4791": Decimal(13), "3B4792": Decimal(3)},
    )
    light = dg.sellable_grown(ev)
    assert light is not None and light.state is LightState.GREEN
    assert "grew by the received quantity" in light.what_happened


def test_sellable_existing_stock_does_not_count_as_growth() -> None:
    ev = evidence(
        sellable_before={"3B4791": Decimal(10)},
        sellable_after={"3B4791": Decimal(10), "3B4792": Decimal(3)},
    )
    light = dg.sellable_light(ev)
    assert light.state is LightState.AMBER
    assert [b.sku for b in light.bad_lines] == ["3B4791"]
    assert light.bad_lines[0].found == Decimal(0)


def test_sellable_without_baseline_compares_totals_and_says_weaker() -> None:
    light = dg.sellable_light(evidence(sellable_before=None))
    assert light.state is LightState.GREEN
    assert "weaker" in light.what_happened
    assert all(ln.note == "no baseline: compared the total on hand" for ln in light.lines)
    short = dg.sellable_light(evidence(sellable_before=None, sellable_after={"3B4791": Decimal(2)}))
    assert short.state is LightState.AMBER


def test_propagation_delay_amber_then_red_after_grace() -> None:
    early = dg.sellable_light(
        evidence(sellable_after={"3B4791": Decimal(3)}, seconds_since_submit=300)
    )
    assert early.state is LightState.AMBER
    assert "up to an hour" in early.what_happened
    assert "3B4792" in early.what_happened and "3B4791" not in early.what_happened
    late = dg.sellable_light(
        evidence(sellable_after={"3B4791": Decimal(3)}, seconds_since_submit=LATE)
    )
    assert late.state is LightState.RED
    assert "Assign Rooms To Menus" in late.what_to_do


def test_grace_boundary_is_exclusive() -> None:
    at = evidence(sellable_after={}, seconds_since_submit=900.0, propagation_grace_s=900.0)
    assert dg.sellable_light(at).state is LightState.RED
    just_before = at.model_copy(update={"seconds_since_submit": 899.9})
    assert dg.sellable_light(just_before).state is LightState.AMBER


def test_partial_growth_mentions_possible_sale() -> None:
    light = dg.sellable_light(evidence(sellable_after={"3B4791": Decimal(2), "3B4792": Decimal(3)}))
    assert light.state is LightState.AMBER
    assert "grew by 2 of 3" in light.bad_lines[0].note


def test_room_access_hint_when_location_reads_empty() -> None:
    ev = evidence(sellable_after={}, sellable_location_rows=0)
    light = dg.sellable_room_access(ev)
    assert light is not None and light.state is LightState.AMBER
    assert "whole location" in light.headline
    assert (
        "Assign Rooms To Menus" in light.what_to_do
        and "Room accessible by menus" in light.what_to_do
    )
    late = dg.sellable_room_access(ev.model_copy(update={"seconds_since_submit": LATE}))
    assert late is not None and late.state is LightState.RED


def test_room_access_recognised_from_a_location_wide_read() -> None:
    ev = evidence(sellable_after={"OTHER-SKU": Decimal(0)})
    assert dg.location_sellable_empty(ev)
    assert "whole location" in dg.sellable_light(ev).headline


def test_filtered_empty_read_is_not_called_a_room_access_problem() -> None:
    """An empty read filtered to our SKUs says only "not there yet"."""
    ev = evidence(sellable_after={})
    assert not dg.location_sellable_empty(ev)
    assert dg.sellable_room_access(ev) is None
    assert dg.sellable_light(ev).headline.startswith("Not sellable yet")
    stocked = evidence(sellable_after={"OTHER-SKU": Decimal(5)}, sellable_location_rows=40)
    assert dg.sellable_room_access(stocked) is None


def test_room_access_not_claimed_for_non_sellable_room() -> None:
    ev = evidence(
        packages=(package("3B4791", room=VAULT), package("3B4792", room=VAULT)),
        sellable_after={},
        sellable_location_rows=0,
    )
    assert dg.sellable_room_access(ev) is None
    assert "Vault" in dg.sellable_light(ev).headline


def test_sellable_not_supported_is_grey() -> None:
    light = dg.sellable_light(evidence(sellable_supported=False))
    assert light.state is LightState.GREY
    assert "no API for this check" in light.headline


def test_sellable_uses_draft_room_when_packages_unreadable() -> None:
    ev = evidence(
        draft=make_draft(VAULT),
        packages=None,
        packages_failure=ReadFailure.CONNECTION,
        sellable_after={},
    )
    assert dg.sellable_light(ev).state is LightState.RED
    unknown_room = Room(room_id=1, name="Annex", inventory_room=True, pos_room=True)
    ev2 = evidence(
        draft=make_draft(unknown_room),
        packages=None,
        packages_failure=ReadFailure.SERVER,
        sellable_after={},
        rooms={},
    )
    assert dg.sellable_light(ev2).state is LightState.AMBER


# ------------------------------------------------------------------------------- failed reads


@pytest.mark.parametrize("kind", list(LightKind))
def test_not_permitted_is_grey_and_not_fatal(kind: LightKind) -> None:
    field = {
        LightKind.PACKAGES: "packages",
        LightKind.HISTORY: "history",
        LightKind.SELLABLE: "sellable_after",
    }[kind]
    prefix = {
        LightKind.PACKAGES: "packages",
        LightKind.HISTORY: "history",
        LightKind.SELLABLE: "sellable",
    }[kind]
    ev = evidence(
        **{
            field: None,
            f"{prefix}_failure": ReadFailure.NOT_PERMITTED,
            f"{prefix}_message": "User is not permitted",
        }
    )
    light = dg.diagnose(ev).by_kind(kind)
    assert light.state is LightState.GREY
    assert light.headline.startswith("Could not be checked: this login is not permitted")
    assert "not fatal for intake" in light.what_happened
    assert "manager can check it in Backoffice" in light.what_to_do
    assert "User is not permitted" in light.detail


def test_rate_limited_read_is_amber_and_asks_for_recheck() -> None:
    report = dg.diagnose(evidence(packages=None, packages_failure=ReadFailure.RATE_LIMITED))
    assert report.by_kind(LightKind.PACKAGES).state is LightState.AMBER
    assert report.needs_recheck


def test_lost_connection_amber_then_grey() -> None:
    ev = evidence(sellable_after=None, sellable_failure=ReadFailure.CONNECTION)
    early = dg.sellable_light(ev)
    assert early.state is LightState.AMBER
    assert "Check the network" in early.what_to_do
    assert "receive itself is recorded" in early.what_happened
    late = dg.sellable_light(ev.model_copy(update={"seconds_since_submit": LATE}))
    assert late.state is LightState.GREY


@pytest.mark.parametrize(
    ("failure", "words"),
    [
        (ReadFailure.SERVER, "had a problem answering"),
        (ReadFailure.MALFORMED, "had a problem answering"),
        (ReadFailure.NOT_FOUND, "does not know this request"),
        (ReadFailure.NOT_SUPPORTED, "no API for this check"),
        (ReadFailure.ROOM_ACCESS, "cannot see the room"),
        (None, "Not checked"),
    ],
)
def test_other_read_failures_are_grey_with_detail(failure: ReadFailure | None, words: str) -> None:
    ev = evidence(history=None, history_failure=failure, history_message="HTTP 500 <html>")
    light = dg.history_light(ev)
    assert light.state is LightState.GREY
    assert words in light.headline
    if failure is not None:
        assert failure.value in light.detail
        assert "HTTP 500 <html>" in light.detail


def test_room_access_read_failure_points_at_menu_assignment() -> None:
    light = dg.failed_read_light(LightKind.SELLABLE, ReadFailure.ROOM_ACCESS, "", evidence())
    assert "Assign Rooms To Menus" in light.what_to_do


def test_diagnose_defaults_checked_at_to_now() -> None:
    before = datetime.now(UTC)
    report = dg.diagnose(evidence())
    assert before <= report.checked_at <= datetime.now(UTC)


# ------------------------------------------------------------------------------- submit errors


def test_submit_null_status_is_a_tenant_difference() -> None:
    d = dg.diagnose_submit_error(
        "validation", "Cannot insert the value NULL into column 'Status', table 'dbo.Receive'"
    )
    assert "Status is missing" in d.headline
    assert "Intake always sends" in d.what_happened
    assert "Nothing was received" in d.what_happened
    assert "support" in d.what_to_do
    assert d.safe_to_resend
    assert "column 'Status'" in d.detail


def test_submit_null_other_column() -> None:
    d = dg.diagnose_submit_error("server", "Cannot insert the value NULL into column 'UnitId'")
    assert "UnitId" in d.headline
    assert d.safe_to_resend


@pytest.mark.parametrize(
    ("message", "back_to"),
    [
        ("Vendor not found", "vendor"),
        ("The vendor no longer exists", "vendor"),
        ("Room 24774 is not an inventory room", "room"),
        ("Room not found", "room"),
        ("Product 11484902 does not exist", "products"),
        ("Quantity must be greater than zero", "products"),
        ("Invalid quantity for product 3B4791", "products"),
    ],
)
def test_submit_refusals_send_the_clerk_back(message: str, back_to: str) -> None:
    d = dg.diagnose_submit_error("validation", message)
    assert d.go_back_to == back_to
    assert d.safe_to_resend
    assert message in d.detail


def test_submit_quantity_refused_is_named() -> None:
    assert dg.diagnose_submit_error(
        "validation", "Quantity must be greater than zero"
    ).headline == ("The POS refused a quantity.")


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("rate_limited", ""),
        ("validation", "Too many requests - only 60 per minute allowed"),
        ("RateLimited", ""),
    ],
)
def test_submit_rate_limited(kind: str, message: str) -> None:
    d = dg.diagnose_submit_error(kind, message)
    assert "slow down" in d.headline
    assert "Wait" in d.what_to_do
    assert "Nothing was received" in d.what_happened
    assert d.safe_to_resend


@pytest.mark.parametrize(
    ("kind", "message"), [("authentication", ""), ("server", "Session expired")]
)
def test_submit_session_expired(kind: str, message: str) -> None:
    d = dg.diagnose_submit_error(kind, message)
    assert d.headline == "The POS session expired."
    assert "Sign in again" in d.what_to_do


def test_submit_lost_connection_is_being_checked_and_never_resent() -> None:
    d = dg.diagnose_submit_error("outcome_unknown", "Too many requests")
    assert "checking whether it landed" in d.headline
    assert "Do not submit again" in d.what_to_do
    assert not d.safe_to_resend
    assert dg.diagnose_submit_error("RequestTimeout", "").headline == d.headline


def test_submit_could_not_connect_sent_nothing() -> None:
    d = dg.diagnose_submit_error("connection", "")
    assert d.safe_to_resend
    assert "network" in d.what_to_do


def test_submit_permission() -> None:
    d = dg.diagnose_submit_error("validation", "User is not permitted")
    assert "not allowed" in d.headline
    assert dg.diagnose_submit_error("PermissionDenied", "").headline == d.headline


def test_submit_server_error_may_have_landed() -> None:
    d = dg.diagnose_submit_error("server", "Internal Server Error")
    assert not d.safe_to_resend
    assert "checks the receive history" in d.what_happened


def test_submit_unknown() -> None:
    d = dg.diagnose_submit_error("something-new", "weird")
    assert "does not recognise" in d.headline
    assert not d.safe_to_resend
    assert "error kind: unknown (something-new)" in d.detail


def test_submit_unrecognised_refusal_keeps_the_pos_message() -> None:
    d = dg.diagnose_submit_error("ValidationRejected", "Lot number required")
    assert d.headline == "The POS refused the receive."
    assert d.safe_to_resend
    assert "Lot number required" in d.detail


def test_submit_not_found_and_not_supported() -> None:
    assert dg.diagnose_submit_error("not_found", "").safe_to_resend
    d = dg.diagnose_submit_error("not_supported", "")
    assert "no API for receiving" in d.headline and not d.safe_to_resend


def test_submit_detail_hides_credentials() -> None:
    d = dg.diagnose_submit_error(
        "validation", 'bad {"Password": "hunter2", "SessionId": "abc123"} x'
    )
    assert "hunter2" not in d.detail and "abc123" not in d.detail
    assert "***" in d.detail


def test_scrub_limits_length() -> None:
    assert len(dg.scrub("x" * 5000)) == 600


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("VALIDATION", dg.SubmitErrorKind.VALIDATION),
        ("outcome-unknown", dg.SubmitErrorKind.OUTCOME_UNKNOWN),
        ("MalformedResponse", dg.SubmitErrorKind.OUTCOME_UNKNOWN),
        ("ConnectionFailed", dg.SubmitErrorKind.CONNECTION),
        ("ServerError", dg.SubmitErrorKind.SERVER),
        ("nonsense", dg.SubmitErrorKind.UNKNOWN),
    ],
)
def test_submit_error_kind_aliases(kind: str, expected: dg.SubmitErrorKind) -> None:
    assert dg.submit_error_kind(kind) is expected


# ------------------------------------------------------------------------------- no rooms


def test_no_rooms_explanation_for_il_sandbox() -> None:
    d = dg.no_rooms_explanation(IL)
    assert "has no rooms" in d.headline
    assert "success" in d.what_happened and "no stock" in d.what_happened
    assert "Illinois sandbox (2862)" in d.what_happened and "Ohio (2869)" in d.what_happened
    assert "1989" in d.what_to_do
    assert "Backoffice > Settings > Rooms" in d.what_to_do


def test_no_rooms_explanation_for_rooms_without_inventory() -> None:
    store = Location(loc_id=77, name="Main St", lsp_id=1)
    d = dg.no_rooms_explanation(store, [QUARANTINE])
    assert "no inventory room" in d.headline
    assert "Quarantine" in d.what_happened
    assert "sandbox" not in d.what_happened
    assert "mark a room as an inventory room" in d.what_to_do
    assert "1 rooms, 0 with InventoryRoom" in d.detail
