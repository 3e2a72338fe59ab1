"""Receive history in the course's own dialect: store-local ISO wall time, the 31-day cap, seeded content.
(Other dialects' date formats are checked in test_sandbox_dialects.)"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from intake_gui.sandbox import IL_LOC_ID, TOMMY_CHONG
from tests.sandbox.conftest import Backoffice

PHOENIX = ZoneInfo("America/Phoenix")
CHICAGO = ZoneInfo("America/Chicago")
SALES_FLOOR = 24772


def line(room: int | None = SALES_FLOOR) -> dict:
    out = {"ProductId": TOMMY_CHONG.product_id, "Sku": TOMMY_CHONG.sku, "Quantity": 3}
    return out if room is None else {**out, "RoomId": room}


def header(*lines: dict, **extra: object) -> dict:
    body = {"VendorId": 39195, "OrderTitle": "INV-1", "Status": "Received", "Products": list(lines)}
    return {**body, **extra}


def recent(bo: Backoffice, loc_id: int = 1989, zone: ZoneInfo = PHOENIX) -> list[dict]:
    now = datetime.now(zone).replace(tzinfo=None, microsecond=0)
    return bo.data(
        "v2/inventory/get-receive-history",
        LocId=loc_id,
        StartDate=(now - timedelta(days=1)).isoformat(),
        EndDate=(now + timedelta(days=1)).isoformat(),
    )


def row_of(rows: list[dict], receipt: int) -> dict:
    return next(r for r in rows if r["ReceiveInventoryHistoryId"] == receipt)


def test_history_reports_store_local_wall_time(bo: Backoffice) -> None:
    before = datetime.now(PHOENIX).replace(tzinfo=None, microsecond=0)
    receipt = bo.data("v2/inventory/receive", **header(line()))
    stamp = datetime.fromisoformat(row_of(recent(bo), receipt)["ReceivedDate"])
    assert stamp.tzinfo is None
    assert before - timedelta(seconds=1) <= stamp <= before + timedelta(seconds=5)


def test_history_uses_each_stores_own_zone(bo: Backoffice) -> None:
    before = datetime.now(CHICAGO).replace(tzinfo=None, microsecond=0)
    il_vendor = bo.data("vendor/get-vendors", LocId=IL_LOC_ID)[0]["VendorId"]
    # IL has no rooms: a receive there can only be the orphan the course warns about.
    receipt = bo.data(
        "v2/inventory/receive", **header(line(None), LocId=IL_LOC_ID, VendorId=il_vendor)
    )
    stamp = datetime.fromisoformat(row_of(recent(bo, IL_LOC_ID, CHICAGO), receipt)["ReceivedDate"])
    assert before - timedelta(seconds=1) <= stamp <= before + timedelta(seconds=5)
    assert bo.refused("v2/inventory/receive", **header(line(), LocId=IL_LOC_ID, VendorId=il_vendor))


def test_history_start_is_inclusive_and_end_exclusive(bo: Backoffice) -> None:
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
    assert row_of(recent(bo), receipt)["ReceivedDate"] == when.isoformat()


def test_history_range_is_capped_at_31_days(bo: Backoffice) -> None:
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


def test_history_window_has_seeded_content(bo: Backoffice) -> None:
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


def test_history_dates_with_an_offset_are_read_in_the_store_zone(bo: Backoffice) -> None:
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


def test_history_dates_may_be_sent_as_the_web_ui_writes_them(bo: Backoffice) -> None:
    when = (datetime.now(PHOENIX) - timedelta(hours=2)).replace(
        tzinfo=None, second=0, microsecond=0
    )
    web = f"{when:%m/%d/%Y} {when.hour % 12 or 12}:{when:%M} {'am' if when.hour < 12 else 'pm'}"
    receipt = bo.data("v2/inventory/receive", **header(line(), ReceivedDate=web))
    assert row_of(recent(bo), receipt)["ReceivedDate"] == when.isoformat()
    day = f"{when:%m/%d/%Y}"
    rows = bo.data("v2/inventory/get-receive-history", StartDate=day, EndDate=web)
    assert receipt not in {r["ReceiveInventoryHistoryId"] for r in rows}  # the end is exclusive
