"""Receiving and verifying it (course modules 4–6), traps included."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from intake_gui.sandbox import (
    AZ_LOC_ID,
    IL_LOC_ID,
    KNOWN_PRODUCTS,
    TOMMY_CHONG,
    EmbeddedSandbox,
    SandboxConfig,
)

PHOENIX = ZoneInfo("America/Phoenix")
SALES_FLOOR, VAULT, QUARANTINE, BREAK_ROOM = 24772, 24773, 24774, 24775
BLUE_DREAM = KNOWN_PRODUCTS[1]
GELATO_CART = KNOWN_PRODUCTS[2]
STATUS_NULL = (
    "Cannot insert the value NULL into column 'Status', table "
    "'dutchie.dbo.ReceiveInventoryHistory'; column does not allow nulls. INSERT fails."
)


def line(
    product=TOMMY_CHONG, qty: object = 3, room: int | None = SALES_FLOOR, **extra: object
) -> dict:
    out = {
        "ProductId": product.product_id,
        "Sku": product.sku,
        "Quantity": qty,
        "UnitCost": 4.25,
        "UnitId": 1,
    }
    if room is not None:
        out["RoomId"] = room
    return {**out, **extra}


def header(*lines: dict, **extra: object) -> dict:
    return {
        "VendorId": 39195,
        "OrderTitle": "INV-1001",
        "Status": "Received",
        "Products": list(lines),
        **extra,
    }


def recent_history(bo, loc_id: int = AZ_LOC_ID, zone: ZoneInfo = PHOENIX) -> list[dict]:
    """Receive history from a day ago to a day ahead, store-local (safe around midnight)."""
    now = datetime.now(zone).replace(tzinfo=None, microsecond=0)
    return bo.data(
        "v2/inventory/get-receive-history",
        LocId=loc_id,
        StartDate=(now - timedelta(days=1)).isoformat(),
        EndDate=(now + timedelta(days=1)).isoformat(),
    )


def test_the_course_final_assessment_passes(bo, box: EmbeddedSandbox) -> None:
    baseline = bo.sellable()
    receipt = bo.data("v2/inventory/receive", **header(line(TOMMY_CHONG), line(BLUE_DREAM)))
    assert receipt == 1379127  # the course's first id: the live sequence starts there

    packages = bo.data("v2/inventory/get-packages-from-receive", ReceiveInventoryHistoryId=receipt)
    assert sorted(p["Sku"] for p in packages) == sorted([TOMMY_CHONG.sku, BLUE_DREAM.sku])
    for p in packages:
        assert isinstance(p["PackageId"], int)
        assert p["Quantity"] == 3
        assert (p["RoomId"], p["RoomName"]) == (SALES_FLOOR, "Sales Floor")
        assert p["ReceiveInventoryHistoryId"] == receipt
        assert len(p["Label"]) == 24

    row = next(r for r in recent_history(bo) if r["ReceiveInventoryHistoryId"] == receipt)
    assert row["Status"] == "Received"
    assert (row["VendorId"], row["VendorName"]) == (39195, "PALOMINO PRINTING")
    assert row["OrderTitle"] == "INV-1001"
    assert row["Products"] == 2
    assert row["TotalQuantity"] == 6

    after = bo.sellable()
    for sku in (TOMMY_CHONG.sku, BLUE_DREAM.sku):
        assert after[sku] - baseline.get(sku, 0) == 3
    assert box.admin.receives()[0]["id"] == receipt


def test_ids_continue_the_sequence(bo) -> None:
    first = bo.data("v2/inventory/receive", **header(line()))
    second = bo.data("v2/inventory/receive", **header(line()))
    assert second == first + 1


def test_seeded_stock_means_clients_must_compare_against_a_baseline(bo) -> None:
    stock = bo.sellable()
    assert stock[TOMMY_CHONG.sku] >= 12
    assert len(stock) > 50
    assert GELATO_CART.sku not in stock  # its seeded stock sits in the Vault


@pytest.mark.parametrize("status", [None, "missing"])
def test_missing_status_leaks_the_sql_error(bo, box: EmbeddedSandbox, status: str | None) -> None:
    body = header(line())
    if status == "missing":
        del body["Status"]
    else:
        body["Status"] = None
    assert bo.refused("v2/inventory/receive", **body) == STATUS_NULL
    assert box.admin.receives() == []


def test_a_status_other_than_received_is_refused(bo, box: EmbeddedSandbox) -> None:
    message = bo.refused("v2/inventory/receive", **header(line(), Status="Pending"))
    assert "Received" in message
    assert box.admin.receives() == []


def test_lines_without_room_make_an_orphaned_receive(bo, box: EmbeddedSandbox) -> None:
    baseline = bo.sellable()
    receipt = bo.data(
        "v2/inventory/receive", **header(line(room=None), line(BLUE_DREAM, room=None))
    )
    assert (
        bo.data("v2/inventory/get-packages-from-receive", ReceiveInventoryHistoryId=receipt) == []
    )
    row = next(r for r in recent_history(bo) if r["ReceiveInventoryHistoryId"] == receipt)
    assert (row["Status"], row["Products"]) == ("Received", 2)
    assert bo.sellable() == baseline
    assert box.admin.receives()[0]["package_count"] == 0


def test_room_id_zero_is_the_dotnet_default_and_also_orphans(bo) -> None:
    receipt = bo.data("v2/inventory/receive", **header(line(RoomId=0)))
    assert (
        bo.data("v2/inventory/get-packages-from-receive", ReceiveInventoryHistoryId=receipt) == []
    )


def test_lines_matching_no_product_are_dropped_silently(bo) -> None:
    unknown = {
        "ProductId": 999,
        "Sku": "ZZ9999",
        "Quantity": 5,
        "UnitCost": 1,
        "UnitId": 1,
        "RoomId": SALES_FLOOR,
    }
    mismatched = line(BLUE_DREAM, Sku=TOMMY_CHONG.sku)
    receipt = bo.data("v2/inventory/receive", **header(line(), unknown, mismatched))
    packages = bo.data("v2/inventory/get-packages-from-receive", ReceiveInventoryHistoryId=receipt)
    assert [p["Sku"] for p in packages] == [TOMMY_CHONG.sku]
    row = next(r for r in recent_history(bo) if r["ReceiveInventoryHistoryId"] == receipt)
    assert row["Products"] == 1


def test_a_receive_whose_every_line_is_dropped_still_succeeds(bo) -> None:
    receipt = bo.data("v2/inventory/receive", **header(line(ProductId=1)))
    assert (
        bo.data("v2/inventory/get-packages-from-receive", ReceiveInventoryHistoryId=receipt) == []
    )


@pytest.mark.parametrize("qty", [0, -1, "abc", True, None, "NaN"])
def test_bad_quantities_are_refused(bo, box: EmbeddedSandbox, qty: object) -> None:
    message = bo.refused("v2/inventory/receive", **header(line(BLUE_DREAM), line(qty=qty)))
    assert "Quantity" in message and "line 2" in message
    assert box.admin.receives() == []


def test_fractional_and_numeric_string_quantities_are_accepted(bo) -> None:
    receipt = bo.data("v2/inventory/receive", **header(line(qty=2.5), line(BLUE_DREAM, qty="4")))
    packages = bo.data("v2/inventory/get-packages-from-receive", ReceiveInventoryHistoryId=receipt)
    assert sorted(p["Quantity"] for p in packages) == [2.5, 4]


def test_unknown_vendor_is_refused(bo, box: EmbeddedSandbox) -> None:
    assert bo.refused("v2/inventory/receive", **header(line(), VendorId=1)) == "Vendor not found"
    il_vendor = bo.data("vendor/get-vendors", LocId=IL_LOC_ID)[0]["VendorId"]
    assert (
        bo.refused("v2/inventory/receive", **header(line(), VendorId=il_vendor))
        == "Vendor not found"
    )
    assert box.admin.receives() == []


@pytest.mark.parametrize("room", [BREAK_ROOM, 30_010, 123])
def test_rooms_that_are_not_inventory_rooms_here_are_refused(
    bo, box: EmbeddedSandbox, room: int
) -> None:
    message = bo.refused("v2/inventory/receive", **header(line(room=room)))
    assert "room" in message.lower()
    assert box.admin.receives() == []


def test_empty_products_are_refused(bo, box: EmbeddedSandbox) -> None:
    assert bo.refused("v2/inventory/receive", **header())
    body = header()
    del body["Products"]
    assert bo.refused("v2/inventory/receive", **body)
    assert box.admin.receives() == []


def test_packages_asked_by_id_come_back_empty_without_error(bo) -> None:
    receipt = bo.data("v2/inventory/receive", **header(line()))
    assert bo.data("v2/inventory/get-packages-from-receive", Id=receipt) == []
    assert bo.data("v2/inventory/get-packages-from-receive") == []
    assert (
        len(bo.data("v2/inventory/get-packages-from-receive", ReceiveInventoryHistoryId=receipt))
        == 1
    )


def test_packages_are_scoped_to_the_location(bo) -> None:
    receipt = bo.data("v2/inventory/receive", **header(line()))
    assert (
        bo.data(
            "v2/inventory/get-packages-from-receive", LocId=2001, ReceiveInventoryHistoryId=receipt
        )
        == []
    )


def test_stock_in_a_non_sellable_room_never_shows_as_sellable(bo) -> None:
    baseline = bo.sellable()
    receipt = bo.data(
        "v2/inventory/receive", **header(line(room=VAULT), line(BLUE_DREAM, room=QUARANTINE))
    )
    packages = bo.data("v2/inventory/get-packages-from-receive", ReceiveInventoryHistoryId=receipt)
    assert sorted(p["RoomName"] for p in packages) == ["Quarantine", "Vault"]
    assert bo.sellable() == baseline


def test_package_tag_lot_and_expiry_are_kept(bo) -> None:
    tag = "1A4FF0100000022000012345"
    receipt = bo.data(
        "v2/inventory/receive",
        **header(line(PackageId=tag, BatchName="LOT-77", ExpirationDate="2027-03-31")),
    )
    (package,) = bo.data(
        "v2/inventory/get-packages-from-receive", ReceiveInventoryHistoryId=receipt
    )
    assert (package["Label"], package["BatchName"], package["ExpirationDate"]) == (
        tag,
        "LOT-77",
        "2027-03-31",
    )


def test_bad_expiration_date_is_refused(bo) -> None:
    assert "ExpirationDate" in bo.refused(
        "v2/inventory/receive", **header(line(ExpirationDate="soon"))
    )


def test_new_stock_shows_only_after_the_visibility_delay(bo, box: EmbeddedSandbox) -> None:
    box.admin.configure(visibility_delay_s=3600)
    baseline = bo.sellable()
    receipt = bo.data("v2/inventory/receive", **header(line()))
    assert (
        len(bo.data("v2/inventory/get-packages-from-receive", ReceiveInventoryHistoryId=receipt))
        == 1
    )
    assert bo.sellable() == baseline
    box.admin.configure(visibility_delay_s=0)
    assert bo.sellable()[TOMMY_CHONG.sku] == baseline[TOMMY_CHONG.sku] + 3


def test_visibility_delay_set_at_start_elapses(sandbox_factory, connect) -> None:
    import time

    box = sandbox_factory(SandboxConfig(visibility_delay_s=0.4, product_count=100))
    bo = connect(box)
    baseline = bo.sellable()
    bo.data("v2/inventory/receive", **header(line()))
    assert bo.sellable() == baseline
    time.sleep(0.5)
    assert bo.sellable()[TOMMY_CHONG.sku] == baseline[TOMMY_CHONG.sku] + 3


def test_save_receive_keeps_a_pending_draft_that_moves_no_stock(bo, box: EmbeddedSandbox) -> None:
    baseline = bo.sellable()
    body = header(line())
    del body["Status"]
    receipt = bo.data("v2/inventory/save-receive", **body)
    assert (
        bo.data("v2/inventory/get-packages-from-receive", ReceiveInventoryHistoryId=receipt) == []
    )
    row = next(r for r in recent_history(bo) if r["ReceiveInventoryHistoryId"] == receipt)
    assert row["Status"] == "Pending"
    assert bo.sellable() == baseline
    assert box.admin.receives()[0]["status"] == "Pending"


def test_history_reports_store_local_wall_time(bo) -> None:
    before = datetime.now(PHOENIX).replace(tzinfo=None, microsecond=0)
    receipt = bo.data("v2/inventory/receive", **header(line()))
    row = next(r for r in recent_history(bo) if r["ReceiveInventoryHistoryId"] == receipt)
    stamp = datetime.fromisoformat(row["ReceivedDate"])
    assert stamp.tzinfo is None
    assert before - timedelta(seconds=1) <= stamp <= before + timedelta(seconds=5)


def test_history_uses_each_stores_own_zone(bo) -> None:
    chicago = ZoneInfo("America/Chicago")
    before = datetime.now(chicago).replace(tzinfo=None, microsecond=0)
    il_vendor = bo.data("vendor/get-vendors", LocId=IL_LOC_ID)[0]["VendorId"]
    # IL has no rooms: a receive there can only be the orphan the course warns about.
    receipt = bo.data(
        "v2/inventory/receive", **header(line(room=None), LocId=IL_LOC_ID, VendorId=il_vendor)
    )
    row = next(
        r
        for r in recent_history(bo, IL_LOC_ID, chicago)
        if r["ReceiveInventoryHistoryId"] == receipt
    )
    stamp = datetime.fromisoformat(row["ReceivedDate"])
    assert before - timedelta(seconds=1) <= stamp <= before + timedelta(seconds=5)
    assert bo.refused("v2/inventory/receive", **header(line(), LocId=IL_LOC_ID, VendorId=il_vendor))


def test_history_start_is_inclusive_and_end_exclusive(bo) -> None:
    when = (datetime.now(PHOENIX) - timedelta(hours=2)).replace(tzinfo=None, microsecond=0)
    receipt = bo.data("v2/inventory/receive", **header(line(), ReceivedDate=when.isoformat()))

    def ids(start: datetime, end: datetime) -> set[int]:
        rows = bo.data(
            "v2/inventory/get-receive-history", StartDate=start.isoformat(), EndDate=end.isoformat()
        )
        return {r["ReceiveInventoryHistoryId"] for r in rows}

    assert receipt in ids(when, when + timedelta(seconds=1))
    assert receipt not in ids(when - timedelta(hours=1), when)
    assert receipt in ids(when - timedelta(hours=1), when + timedelta(hours=1))
    row = next(r for r in recent_history(bo) if r["ReceiveInventoryHistoryId"] == receipt)
    assert row["ReceivedDate"] == when.isoformat()


def test_history_range_is_capped_at_31_days(bo) -> None:
    end = datetime.now(PHOENIX).replace(tzinfo=None, microsecond=0)
    too_long = bo.refused(
        "v2/inventory/get-receive-history",
        StartDate=(end - timedelta(days=31, seconds=1)).isoformat(),
        EndDate=end.isoformat(),
    )
    assert too_long == "Date range cannot exceed 31 days"
    bo.data(
        "v2/inventory/get-receive-history",
        StartDate=(end - timedelta(days=31)).isoformat(),
        EndDate=end.isoformat(),
    )
    assert bo.refused(
        "v2/inventory/get-receive-history", StartDate="yesterday", EndDate=end.isoformat()
    )


def test_history_window_has_seeded_content(bo) -> None:
    end = datetime.now(PHOENIX).replace(tzinfo=None, microsecond=0)
    rows = bo.data(
        "v2/inventory/get-receive-history",
        StartDate=(end - timedelta(days=30)).isoformat(),
        EndDate=end.isoformat(),
    )
    assert len(rows) >= 30
    assert {r["Status"] for r in rows} <= {"Received", "Pending"}
    for r in rows:
        assert r["ReceiveInventoryHistoryId"] < 1379127
        assert r["VendorName"] and r["Products"] >= 1
        datetime.fromisoformat(r["ReceivedDate"])
    older = bo.data(
        "v2/inventory/get-receive-history",
        StartDate=(end - timedelta(days=61)).isoformat(),
        EndDate=(end - timedelta(days=31)).isoformat(),
    )
    assert older and not {r["ReceiveInventoryHistoryId"] for r in older} & {
        r["ReceiveInventoryHistoryId"] for r in rows
    }


def test_history_dates_with_an_offset_are_read_in_the_store_zone(bo) -> None:
    when = (datetime.now(PHOENIX) - timedelta(hours=3)).replace(microsecond=0)
    receipt = bo.data("v2/inventory/receive", **header(line(), ReceivedDate=when.isoformat()))
    as_utc = when.astimezone(ZoneInfo("UTC"))
    rows = bo.data(
        "v2/inventory/get-receive-history",
        StartDate=as_utc.isoformat(),
        EndDate=(as_utc + timedelta(seconds=1)).isoformat().replace("+00:00", "Z"),
    )
    assert [r["ReceiveInventoryHistoryId"] for r in rows] == [receipt]
    assert rows[0]["ReceivedDate"] == when.replace(tzinfo=None).isoformat()
