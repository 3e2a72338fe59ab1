"""Dialects: the same business in other shapes and id spaces, over real HTTP.

Each calm dialect runs through the shared `dbox`; what a dialect promises is checked from the raw JSON
(key names and case, date formats, number types, what is left out), and what must not change (the
business: stores, rooms, vendors, stock) is compared with the course's.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from intake_gui.sandbox import DIALECT_NAMES, EmbeddedSandbox, SandboxConfig, business_ids
from intake_gui.sandbox.dialects import CALM_DIALECTS
from tests.sandbox.conftest import Backoffice, ci, envelope

PHOENIX = ZoneInfo("America/Phoenix")
WEB_UI_TIME = re.compile(r"^\d{2}/\d{2}/\d{4} \d{1,2}:\d{2} (am|pm)$")
QTY_TEXT = re.compile(r"^\d+\.\d{3}$")
SMALL = {"product_count": 300}


def receive_two_hours_ago(bo: Backoffice, box: EmbeddedSandbox) -> tuple[int, datetime]:
    ids = box.ids
    when = (datetime.now(PHOENIX) - timedelta(hours=2)).replace(second=0, microsecond=0)
    receipt = bo.data(
        "v2/inventory/receive",
        VendorId=ids.vendor_id,
        OrderTitle="DIALECT-1",
        Status="Received",
        ReceivedDate=when.replace(tzinfo=None).isoformat(),
        Products=[
            {
                "ProductId": ids.product_id,
                "Sku": ids.sku,
                "Quantity": 3,
                "RoomId": ids.sales_floor_id,
                "ExpirationDate": "2027-03-31",
            },
            {
                "ProductId": ids.second_product_id,
                "Sku": ids.second_sku,
                "Quantity": 2.5,
                "RoomId": ids.vault_id,
            },
        ],
    )
    return receipt, when


def history_row(bo: Backoffice, receipt: int) -> dict[str, Any]:
    now = datetime.now(PHOENIX).replace(tzinfo=None, microsecond=0)
    rows = bo.data(
        "v2/inventory/get-receive-history",
        StartDate=(now - timedelta(days=1)).isoformat(),
        EndDate=(now + timedelta(hours=1)).isoformat(),
    )
    return next(r for r in rows if ci(r, "ReceiveInventoryHistoryId") == receipt)


def all_keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in all_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in all_keys(v)}
    return set()


def all_values(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in all_values(v)]
    if isinstance(value, list):
        return [x for v in value for x in all_values(v)]
    return [value]


def wire_only(seen: dict[str, Any]) -> list[Any]:
    return [v for k, v in seen.items() if k not in ("receipt", "when")]


def everything(bo: Backoffice, box: EmbeddedSandbox) -> dict[str, Any]:
    """One answer of every read, raw, after a receive two hours ago."""
    receipt, when = receive_two_hours_ago(bo, box)
    return {
        "receipt": receipt,
        "when": when,
        "locations": bo.data("user/get-locations"),
        "vendors": bo.data("vendor/get-vendors"),
        "rooms": bo.data("v2/room/get-rooms"),
        "products": bo.data("product-master/get-products-lite", LspId=box.ids.lsp_id)[:50],
        "packages": bo.data(
            "v2/inventory/get-packages-from-receive", ReceiveInventoryHistoryId=receipt
        ),
        "history": history_row(bo, receipt),
        "sellable": bo.data("preorder/inventory"),
    }


# ---------------------------------------------------------------- what each dialect promises


def test_course_is_pascal_case_with_iso_local_dates_and_time_zones(bo, box) -> None:
    seen = everything(bo, box)
    az = next(loc for loc in seen["locations"] if loc["LocId"] == 1989)
    assert (az["TimeZone"], az["State"]) == ("America/Phoenix", "AZ")
    assert seen["history"]["ReceivedDate"] == seen["when"].replace(tzinfo=None).isoformat()
    assert seen["history"]["Products"] == 2
    assert {r["PosRoom"] for r in seen["rooms"]} == {"yes", "no"}
    created = datetime.fromisoformat(seen["packages"][0]["CreatedDate"])
    assert created.tzinfo is None
    assert abs(created - datetime.now(PHOENIX).replace(tzinfo=None)) < timedelta(seconds=30)
    assert all(k[0].isupper() for k in all_keys(wire_only(seen)))


def test_webui_writes_dates_as_the_web_ui_under_other_names(sandbox_factory, connect) -> None:
    box = sandbox_factory(SandboxConfig(dialect="webui", **SMALL))
    bo = connect(box)
    seen = everything(bo, box)
    row, when = seen["history"], seen["when"]
    assert "ReceivedDate" not in row
    assert WEB_UI_TIME.match(row["ReceivedOn"])
    assert datetime.strptime(row["ReceivedOn"], "%m/%d/%Y %I:%M %p") == when.replace(tzinfo=None)
    package = next(p for p in seen["packages"] if p["Sku"] == box.ids.sku)
    assert WEB_UI_TIME.match(package["CreatedOn"]) and package["ExpirationDate"] == "03/31/2027"
    for loc in seen["locations"]:
        assert "TimeZone" not in loc and loc["State"]
    assert all("Name" in p and "ProductName" not in p for p in seen["products"])
    assert {"Result", "Message", "Data"} == set(bo.call("user/get-locations").json())


def test_camel_is_camel_case_everywhere_with_zulu_and_offset_dates(
    sandbox_factory, connect
) -> None:
    box = sandbox_factory(SandboxConfig(dialect="camel", **SMALL))
    bo = connect(box)
    seen = everything(bo, box)
    assert all(k[0].islower() for k in all_keys(wire_only(seen)))
    assert set(bo.call("user/get-locations").json()) == {"result", "message", "data"}
    delivered = seen["history"]["deliveredOn"]
    assert delivered.endswith("Z")
    assert datetime.fromisoformat(delivered) == seen["when"].astimezone(UTC)
    added = datetime.fromisoformat(seen["packages"][0]["addedOn"])
    assert added.utcoffset() == timedelta(hours=-7)  # Phoenix, no DST
    assert abs(added - datetime.now(UTC)) < timedelta(seconds=30)
    assert {type(r["posRoom"]) for r in seen["rooms"]} == {bool}
    assert seen["history"]["products"] == 2


def test_sparse_sends_only_what_a_use_cannot_do_without(sandbox_factory, connect) -> None:
    box = sandbox_factory(SandboxConfig(dialect="sparse", **SMALL))
    bo = connect(box)
    seen = everything(bo, box)
    keys = all_keys({k: seen[k] for k in ("locations", "packages", "history", "sellable")})
    assert not keys & {"VendorName", "RoomName", "TimeZone", "State", "ReceivedOn", "Label"}
    assert seen["history"]["ReceivedDate"] == seen["when"].date().isoformat()
    lines = seen["history"]["Products"]
    assert [ln["ProductId"] for ln in lines] == [box.ids.product_id, box.ids.second_product_id]
    assert [ln["Quantity"] for ln in lines] == ["3.000", "2.500"]
    for row in seen["packages"] + seen["sellable"]:
        assert QTY_TEXT.match(row["Quantity"])
    assert {type(r["PosRoom"]) for r in seen["rooms"]} == {bool}
    assert all("UnitCost" not in p for p in seen["products"])
    assert None not in all_values(wire_only(seen)) and "" not in all_values(wire_only(seen))


# ---------------------------------------------------------------- other ids, same business


@pytest.mark.parametrize("name", [n for n in DIALECT_NAMES if n != "course"])
def test_every_other_dialect_moves_every_course_id(name: str) -> None:
    course, other = business_ids("course"), business_ids(name)
    for field in (
        "az_loc_id",
        "il_loc_id",
        "oh_loc_id",
        "lsp_id",
        "org_id",
        "user_id",
        "vendor_id",
        "sales_floor_id",
        "vault_id",
        "product_id",
        "second_product_id",
        "first_receive_id",
    ):
        assert getattr(other, field) != getattr(course, field), field
    assert (other.sku, other.vendor_name) == (course.sku, course.vendor_name)


@pytest.mark.parametrize("name", [n for n in CALM_DIALECTS if n != "course"])
def test_a_client_that_hard_codes_course_ids_fails_elsewhere(
    name: str, sandbox_factory, connect
) -> None:
    dbox = sandbox_factory(SandboxConfig(dialect=name, **SMALL))
    dbo = connect(dbox)
    course, ids = business_ids("course"), dbox.ids
    assert dbo.refused("v2/room/get-rooms", LocId=course.az_loc_id) == "Location not found"
    line = {"ProductId": ids.product_id, "Sku": ids.sku, "Quantity": 1}
    body = {"VendorId": course.vendor_id, "Status": "Received", "Products": [line]}
    assert dbo.refused("v2/inventory/receive", **body) == "Vendor not found"
    body = {
        **body,
        "VendorId": ids.vendor_id,
        "Products": [{**line, "RoomId": course.sales_floor_id}],
    }
    assert "does not belong" in dbo.refused("v2/inventory/receive", **body)
    body["Products"] = [{**line, "ProductId": course.product_id, "RoomId": ids.sales_floor_id}]
    receipt = dbo.data("v2/inventory/receive", **body)
    assert (
        dbo.data("v2/inventory/get-packages-from-receive", ReceiveInventoryHistoryId=receipt) == []
    )


def test_the_business_is_the_same_in_every_dialect(dbo: Backoffice, dbox, sandbox_factory, connect):
    course_box = sandbox_factory(SandboxConfig())
    course = connect(course_box)
    ids, cids = dbox.ids, course_box.ids
    assert len(dbo.data("user/get-locations")) == len(course.data("user/get-locations"))
    rooms = {ci(r, "RoomId") for r in dbo.data("v2/room/get-rooms")}
    assert rooms == {ids.sales_floor_id, ids.vault_id, ids.quarantine_id, ids.break_room_id}
    names = sorted(ci(v, "VendorName") for v in dbo.data("vendor/get-vendors"))
    assert names == sorted(v["VendorName"] for v in course.data("vendor/get-vendors"))
    assert dbo.data("v2/room/get-rooms", LocId=ids.il_loc_id) == []
    assert dbo.data("v2/room/get-rooms", LocId=ids.oh_loc_id) == []
    assert dbo.sellable() == course.sellable()
    products = dbo.data("product-master/get-products-lite", LspId=ids.lsp_id)
    tommy = next(p for p in products if ci(p, "Sku") == ids.sku)
    assert ci(tommy, "ProductId") == ids.product_id
    assert len(products) == len(course.data("product-master/get-products-lite", LspId=cids.lsp_id))


def test_requests_are_read_whatever_the_key_case(dbo: Backoffice, dbox: EmbeddedSandbox) -> None:
    ids = dbox.ids
    camel_block = {
        k[0].lower() + k[1:]: v for k, v in {**dbo.block, "LocId": ids.az_loc_id}.items()
    }
    body = {
        **camel_block,
        "vendorID": ids.vendor_id,
        "STATUS": "Received",
        "products": [
            {
                "productId": ids.product_id,
                "sku": ids.sku,
                "quantity": 1,
                "roomid": ids.sales_floor_id,
            }
        ],
    }
    response = dbo.http.post("v2/inventory/receive", json=body)
    assert envelope(response)["Result"] is True
    receipt = envelope(response)["Data"]
    asked = {**camel_block, "receiveInventoryHistoryId": receipt}
    found = envelope(dbo.http.post("v2/inventory/get-packages-from-receive", json=asked))["Data"]
    assert [ci(p, "Sku") for p in found] == [ids.sku]


def test_error_bodies_use_the_dialects_case(sandbox_factory, connect) -> None:
    box = sandbox_factory(SandboxConfig(dialect="camel", **SMALL))
    bo = connect(box)
    assert bo.call("v2/vendor/get-vendors").json()["message"].startswith("No HTTP resource")
    with httpx.Client(base_url=box.base_url) as bare:
        expired = bare.post("v2/room/get-rooms", json={"locId": box.ids.az_loc_id})
    assert (expired.status_code, set(expired.json())) == (401, {"result", "message"})
    box.admin.configure(read_error_every=1)
    failed = bo.call("v2/room/get-rooms")
    assert (failed.status_code, failed.json()) == (500, {"message": "An error has occurred."})


# ---------------------------------------------------------------- choosing and switching


def test_dialect_names_and_an_unknown_one() -> None:
    assert DIALECT_NAMES[0] == "course" and set(CALM_DIALECTS) == set(DIALECT_NAMES) - {"moody"}
    with pytest.raises(ValueError, match="unknown dialect"):
        SandboxConfig(dialect="klingon")
    assert SandboxConfig(dialect=" CAMEL ").dialect == "camel"


def test_switching_dialect_at_runtime_keeps_the_data_and_ends_sessions(
    box: EmbeddedSandbox, connect
) -> None:
    bo = connect(box)
    receipt = bo.data(
        "v2/inventory/receive",
        VendorId=39195,
        Status="Received",
        OrderTitle="SWITCH",
        Products=[{"ProductId": 11484902, "Sku": "3B4791", "Quantity": 3, "RoomId": 24772}],
    )
    assert box.admin.set_dialect("camel")["dialect"] == "camel"
    assert box.dialect == "camel" and box.ids.az_loc_id == business_ids("camel").az_loc_id
    assert envelope(bo.call("v2/room/get-rooms"))["Result"] is False  # its session ended
    camel = connect(box)
    moved = receipt - business_ids("course").first_receive_id + box.ids.first_receive_id
    found = camel.data("v2/inventory/get-packages-from-receive", ReceiveInventoryHistoryId=moved)
    assert [p["roomId"] for p in found] == [box.ids.sales_floor_id]
    assert box.admin.receives()[0]["id"] == moved
    assert box.admin.business()["az_loc_id"] == box.ids.az_loc_id
    listed = box.admin.dialects()
    assert listed["current"] == "camel"
    assert [d["name"] for d in listed["dialects"]] == list(DIALECT_NAMES)
    box.admin.reset()
    assert box.dialect == "course"


def test_unknown_dialect_at_runtime_is_refused(box: EmbeddedSandbox) -> None:
    with pytest.raises(httpx.HTTPStatusError):
        box.admin.set_dialect("klingon")
    assert box.dialect == "course"


def test_quantities_sent_as_strings_read_back_the_same(sandbox_factory, connect) -> None:
    box = sandbox_factory(SandboxConfig(dialect="sparse", **SMALL))
    bo = connect(box)
    ids = box.ids
    before = bo.sellable()[ids.sku]
    bo.data(
        "v2/inventory/receive",
        VendorId=ids.vendor_id,
        Status="Received",
        Products=[{"ProductId": ids.product_id, "Quantity": "1.250", "RoomId": ids.sales_floor_id}],
    )
    assert bo.sellable()[ids.sku] - before == Decimal("1.25")


def test_the_course_traps_hold_in_every_dialect(dbo: Backoffice, dbox, connect) -> None:
    ids = dbox.ids
    assert dbo.call("v2/vendor/get-vendors").status_code == 404
    limited = connect(dbox, ids.limited_user)
    assert limited.refused("preorder/inventory") == "User is not permitted"
    assert limited.data("v2/room/get-rooms")
    assert dbo.refused("product-master/get-product-master", LspId=ids.lsp_id) == (
        "User is not permitted"
    )
    assert dbo.data("v2/room/get-rooms", LocId=ids.il_loc_id) == []


def test_withheld_fields_are_never_sent(sandbox_factory, connect) -> None:
    settings = {"withhold_fields": ["package.Quantity", "timezone"], **SMALL}
    box = sandbox_factory(SandboxConfig(dialect="camel", **settings))
    bo = connect(box)
    seen = everything(bo, box)
    assert all("quantity" not in p for p in seen["packages"])
    assert all("quantity" in r for r in seen["sellable"])
    assert all("timeZone" not in loc for loc in seen["locations"])
    assert box.admin.configure(withhold_fields=[])["withhold_fields"] == []
    assert all(
        "quantity" in p
        for p in bo.data(
            "v2/inventory/get-packages-from-receive", ReceiveInventoryHistoryId=seen["receipt"]
        )
    )


def test_the_shared_fixtures_name_the_business_in_every_dialect(
    dialect: str, dialect_sandbox: EmbeddedSandbox, dialect_ids, connect
) -> None:
    assert dialect_sandbox.dialect == dialect == dialect_ids.dialect
    bo = connect(dialect_sandbox, login=False)
    assert envelope(bo.login())["Result"] is True  # moody refuses reads, never a login
    names = {}
    for _ in range(20):  # moody: one read in five is a 500
        response = bo.call("user/get-locations")
        if response.status_code == 200:
            names = {
                ci(loc, "LocId"): ci(loc, "LocationName") for loc in envelope(response)["Data"]
            }
            break
    assert names[dialect_ids.az_loc_id] == dialect_ids.az_name
    assert dialect_sandbox.admin.business()["vendor_id"] == dialect_ids.vendor_id
