"""Wire shapes <-> domain: the receive body the course demands, and strict-but-tolerant reads."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from intake_gui.domain.models import DraftLine
from intake_gui.pos.dutchie import wire


def test_receive_body_shape(kit: Any) -> None:
    draft = kit.draft()
    body = wire.receive_body(draft)
    assert body["Status"] == "Received"  # top level, or the SQL NULL error
    assert body["LocId"] == 1989 and body["LspId"] == 575
    assert body["VendorId"] == 39195
    assert body["OrderTitle"] == draft.wire_title
    assert draft.token in body["OrderTitle"]
    assert body["DeliveredBy"] == "Sam" and body["Note"] == "two boxes"
    first, second = body["Products"]
    assert first == {
        "ProductId": 11484902,
        "Sku": "3B4791",
        "Quantity": 3,
        "UnitCost": 4.1,
        "UnitId": 1,
        "RoomId": 24772,  # from the draft's room
    }
    assert second["RoomId"] == 24773  # the line's own room wins
    assert second["Quantity"] == 2.5
    assert second["UnitCost"] == 12.35
    assert second["PackageId"] == "1A4000000000000000001234"
    assert second["BatchName"] == "LOT-9"
    assert second["ExpirationDate"] == "2027-01-31"


def test_every_line_has_a_room_even_if_the_line_had_none(kit: Any) -> None:
    lines = tuple(
        DraftLine(product_id=i, sku=f"S{i}", name="x", quantity=1, unit_cost=0) for i in range(1, 6)
    )
    draft = kit.draft(lines=lines)
    body = wire.receive_body(draft)
    assert [p["RoomId"] for p in body["Products"]] == [24772] * 5
    assert all("PackageId" not in p and "BatchName" not in p for p in body["Products"])


def test_receive_body_numbers_are_json_numbers_exactly(kit: Any) -> None:
    line = DraftLine(
        product_id=1, sku="A", name="a", quantity=Decimal("0.125"), unit_cost=Decimal("0.10")
    )
    text = json.dumps(wire.receive_body(kit.draft(lines=(line,))))
    assert '"Quantity": 0.125' in text
    assert '"UnitCost": 0.1' in text
    assert json.loads(text, parse_float=Decimal)["Products"][0]["Quantity"] == Decimal("0.125")


@pytest.mark.parametrize(
    ("upc", "gtin"),
    [
        ("036000291452", "00036000291452"),  # UPC-A
        ("4006381333931", "04006381333931"),  # EAN-13
        ("96385074", "00000096385074"),  # EAN-8
        ("00036000291452", "00036000291452"),
        ("036000291453", ""),  # bad check digit
        ("", ""),
        (None, ""),
        ("12345", ""),
        ("03600029145X", ""),
        ("０３６０００２９１４５２", ""),  # full-width digits are not ASCII
    ],
)
def test_gtin14(upc: object, gtin: str) -> None:
    assert wire.gtin14(upc) == gtin


def test_product_translation() -> None:
    rows = wire.parse_rows(
        wire.WireProduct,
        [
            {
                "ProductId": 11484902,
                "Sku": "3B4791",
                "ProductName": "Tommy Chong Joint (H)",
                "BrandName": None,
                "Category": "Pre-Roll",
                "UnitCost": Decimal("4.10"),
                "UnitId": 1,
                "Upc": "036000291452",
                "IsCannabis": True,
                "Extra": "ignored",
            },
            {"ProductId": 5, "Sku": "ACC1", "Name": "Lighter", "IsCannabis": False, "UnitId": None},
        ],
    )
    joint, lighter = (r.to_domain() for r in rows)
    assert (
        joint.gtin == "00036000291452" and joint.brand == "" and joint.unit_cost == Decimal("4.10")
    )
    assert lighter.name == "Lighter" and not lighter.is_cannabis and lighter.gtin == ""
    assert lighter.unit_id == 1 and lighter.unit_cost is None


def test_room_yes_no() -> None:
    rows = wire.parse_rows(
        wire.WireRoom,
        [
            {"RoomId": 1, "RoomName": "Sales Floor", "PosRoom": "yes", "InventoryRoom": "Yes"},
            {"RoomId": 2, "RoomName": "Vault", "PosRoom": "no", "InventoryRoom": "yes"},
            {"RoomId": 3, "RoomName": "Break", "PosRoom": False, "InventoryRoom": "no"},
        ],
    )
    rooms = [r.to_domain() for r in rows]
    assert [(r.eligible, r.sellable) for r in rooms] == [
        (True, True),
        (True, False),
        (False, False),
    ]
    # An unreadable optional flag blanks to its default and is counted; it never fails the read.
    maybe = wire.parse_rows(
        wire.WireRoom,
        [{"RoomId": 1, "RoomName": "x", "PosRoom": "maybe", "InventoryRoom": "yes"}],
        "v2/room/get-rooms",
    )
    assert maybe[0].pos_room is True
    assert maybe.report.unreadable == {"PosRoom": 1}


def test_location_vendor_translation() -> None:
    loc = wire.WireLocation.model_validate(
        {
            "LocId": 1989,
            "LocationName": "AZ Sandbox — Phoenix",
            "State": "AZ",
            "LspId": 575,
            "OrgId": 7,
            "TimeZone": "America/Phoenix",
        }
    ).to_domain()
    assert (loc.loc_id, loc.lsp_id, loc.timezone) == (1989, 575, "America/Phoenix")
    no_tz = wire.WireLocation.model_validate(
        {"LocId": 1, "LocationName": "x", "LspId": 2, "TimeZone": None}
    ).to_domain()
    assert no_tz.timezone == "UTC"
    vendor = wire.WireVendor.model_validate(
        {"VendorId": 39195, "VendorName": "PALOMINO PRINTING", "VendorCode": None}
    ).to_domain()
    assert vendor.label == "PALOMINO PRINTING  (#39195)"


def test_package_and_history_dates() -> None:
    pkg = wire.WirePackage.model_validate(
        {
            "PackageId": 880001,
            "Label": "PKG-1",
            "ProductId": 11484902,
            "Sku": "3B4791",
            "Quantity": 3,
            "RoomId": 24772,
            "RoomName": "Sales Floor",
            "BatchName": None,
            "ExpirationDate": "2027-01-31T00:00:00",
            "ReceiveInventoryHistoryId": 1379127,
            "ReceivedDate": "2026-04-18T17:00:00Z",
        }
    ).to_domain("America/Phoenix")
    assert pkg.expiration == date(2027, 1, 31)
    assert pkg.received_at == datetime(2026, 4, 18, 10, 0)  # UTC -> Phoenix wall time, naive
    assert pkg.receipt_id == 1379127 and pkg.lot == ""

    row = wire.WireHistoryRow.model_validate(
        {
            "ReceiveInventoryHistoryId": 1379127,
            "ReceivedDate": "2026-04-18T10:00:00",
            "VendorId": 39195,
            "VendorName": "PALOMINO PRINTING",
            "OrderTitle": "INV [IN-ABC]",
            "Status": "Received",
            "Products": 2,
            "TotalQuantity": 6,
        }
    ).to_domain("America/Phoenix")
    assert row.received_at == datetime(2026, 4, 18, 10, 0)
    assert row.product_count == 2 and row.total_quantity == Decimal(6)
    listed = wire.WireHistoryRow.model_validate(
        {
            "ReceiveInventoryHistoryId": 1,
            "ReceivedDate": "2026-04-18T10:00:00",
            "Products": [{}, {}, {}],
        }
    )
    assert listed.product_count == 3


@pytest.mark.parametrize(
    "data",
    ["abc", {"Sku": "x"}, 5, [{"Sku": "x"}], [{"Sku": "x", "Quantity": "lots"}], [None]],
)
def test_wrong_shapes_raise_value_errors(data: object) -> None:
    with pytest.raises(ValueError):
        wire.parse_rows(wire.WireSellable, data)


def test_null_data_is_an_empty_list() -> None:
    assert wire.parse_rows(wire.WireSellable, None) == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (1379127, 1379127),
        ("1379128", 1379128),
        (Decimal("7"), 7),
        ({"ReceiveInventoryHistoryId": 9}, 9),
    ],
)
def test_receipt_id(data: object, expected: int) -> None:
    assert wire.parse_receipt_id(data) == expected


@pytest.mark.parametrize("data", [None, True, 0, -5, "abc", Decimal("1.5"), [1], {"Id": 3}])
def test_bad_receipt_id(data: object) -> None:
    with pytest.raises(ValueError):
        wire.parse_receipt_id(data)


def test_envelope_read_tolerantly() -> None:
    assert wire.read_envelope({"Result": True, "Data": [1]}).data == [1]
    assert wire.read_envelope({"result": "true", "data": [2]}).data == [2]
    assert wire.read_envelope({"success": 1, "payload": None}).result is True
    assert wire.read_envelope([{"RoomId": 1}]).data == [{"RoomId": 1}]  # a bare list is the Data
    assert wire.read_envelope({"Data": []}).result is True  # Data and no message: success
    refusal = wire.read_envelope({"Result": False, "Message": ["LocId", "is required"]})
    assert not refusal.result and refusal.message == "LocId; is required"
    for bad in ({"Message": "Session expired"}, {"Result": "maybe"}, "text", 5):
        with pytest.raises(ValueError):
            wire.read_envelope(bad)
