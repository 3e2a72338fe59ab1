"""The prerequisite reads: locations, vendors, rooms and the product master (course module 3)."""

from __future__ import annotations

from collections import Counter
from zoneinfo import ZoneInfo

import httpx

from intake_gui.sandbox import AZ_LOC_ID, IL_LOC_ID, OH_LOC_ID, TOMMY_CHONG, EmbeddedSandbox
from intake_gui.sandbox.catalog import upc_check_digit


def test_the_user_sees_at_least_18_locations_across_states(bo) -> None:
    locations = bo.data("user/get-locations")
    assert len(locations) >= 18
    by_id = {loc["LocId"]: loc for loc in locations}
    assert len(by_id) == len(locations)
    assert by_id[AZ_LOC_ID]["LocationName"] == "AZ Sandbox — Phoenix"
    assert by_id[AZ_LOC_ID]["TimeZone"] == "America/Phoenix"
    assert (by_id[IL_LOC_ID]["State"], by_id[IL_LOC_ID]["TimeZone"]) == ("IL", "America/Chicago")
    assert (by_id[OH_LOC_ID]["State"], by_id[OH_LOC_ID]["TimeZone"]) == ("OH", "America/New_York")
    assert {"AZ", "MI", "MA", "NV", "CA", "IL", "OH"} <= {loc["State"] for loc in locations}
    for loc in locations:
        assert loc["LspId"] == 575 and loc["OrgId"] == by_id[AZ_LOC_ID]["OrgId"]
        ZoneInfo(loc["TimeZone"])
        assert loc["LocationName"]


def test_az_sandbox_has_exactly_the_four_course_rooms(bo) -> None:
    rooms = {r["RoomId"]: r for r in bo.data("v2/room/get-rooms", LocId=AZ_LOC_ID)}
    assert len(rooms) == 4
    flags = {rid: (r["RoomName"], r["PosRoom"], r["InventoryRoom"]) for rid, r in rooms.items()}
    assert flags[24772] == ("Sales Floor", "yes", "yes")
    assert flags[24773] == ("Vault", "no", "yes")
    assert flags[24774] == ("Quarantine", "no", "yes")
    assert flags[24775][1:] == ("no", "no")


def test_il_and_oh_sandboxes_have_no_rooms(bo) -> None:
    assert bo.data("v2/room/get-rooms", LocId=IL_LOC_ID) == []
    assert bo.data("v2/room/get-rooms", LocId=OH_LOC_ID) == []


def test_other_stores_have_two_to_five_rooms_one_of_them_sellable(bo) -> None:
    for loc in bo.data("user/get-locations"):
        if loc["LocId"] in (AZ_LOC_ID, IL_LOC_ID, OH_LOC_ID):
            continue
        rooms = bo.data("v2/room/get-rooms", LocId=loc["LocId"])
        assert 2 <= len(rooms) <= 5, loc["LocId"]
        assert len({r["RoomId"] for r in rooms}) == len(rooms)
        assert [r["RoomName"] for r in rooms if r["PosRoom"] == r["InventoryRoom"] == "yes"] == [
            "Sales Floor"
        ]
        assert rooms == bo.data("v2/room/get-rooms", LocId=loc["LocId"])


def test_vendors_include_palomino_and_a_same_name_pair(bo) -> None:
    vendors = bo.data("vendor/get-vendors", LocId=AZ_LOC_ID)
    by_id = {v["VendorId"]: v for v in vendors}
    assert by_id[39195]["VendorName"] == "PALOMINO PRINTING"
    assert len(by_id) == len(vendors)
    twins = [name for name, n in Counter(v["VendorName"] for v in vendors).items() if n > 1]
    assert len(twins) == 1
    pair = [v for v in vendors if v["VendorName"] == twins[0]]
    assert pair[0]["VendorId"] != pair[1]["VendorId"]
    assert pair[0]["VendorCode"] != pair[1]["VendorCode"]
    for v in vendors:
        assert {"VendorId", "VendorName", "VendorCode", "LicenseNumber"} <= set(v)


def test_every_location_has_vendors_including_the_roomless_ones(bo) -> None:
    for loc_id in (IL_LOC_ID, OH_LOC_ID, 2210):
        assert bo.data("vendor/get-vendors", LocId=loc_id)


def test_unknown_location_is_refused(bo) -> None:
    assert bo.refused("vendor/get-vendors", LocId=999_999) == "Location not found"
    assert bo.refused("v2/room/get-rooms", LocId=999_999) == "Location not found"


def test_v2_vendor_path_and_unknown_paths_are_404(bo) -> None:
    assert bo.call("v2/vendor/get-vendors").status_code == 404
    assert bo.call("v2/nothing/here").status_code == 404
    assert bo.http.get("vendor/get-vendors").status_code == 405


def test_paths_are_case_insensitive_like_aspnet_routes(bo) -> None:
    assert bo.call("Vendor/Get-Vendors").json()["Result"] is True


def test_products_lite_has_the_whole_lsp_catalogue(bo) -> None:
    products = bo.data("product-master/get-products-lite", LspId=575)
    assert len(products) == 17_000
    assert len({p["ProductId"] for p in products}) == 17_000
    assert len({p["Sku"] for p in products}) == 17_000
    tommy = next(p for p in products if p["ProductId"] == 11484902)
    assert (tommy["Sku"], tommy["ProductName"]) == ("3B4791", "Tommy Chong Joint (H)")
    assert tommy["Upc"] == TOMMY_CHONG.upc and len(tommy["Upc"]) == 12
    keys = {
        "ProductId",
        "Sku",
        "ProductName",
        "BrandName",
        "Category",
        "UnitCost",
        "UnitId",
        "Upc",
        "IsCannabis",
    }
    with_upc = 0
    for p in products:
        assert keys <= set(p)
        assert p["Sku"].isalnum() and len(p["Sku"]) <= 8
        assert p["IsCannabis"] is (p["Category"] != "Accessory")
        if p["Upc"]:
            with_upc += 1
            assert len(p["Upc"]) == 12 and p["Upc"].isdigit()
            assert p["Upc"][-1] == upc_check_digit(p["Upc"][:11])
    assert 0.65 < with_upc / len(products) < 0.75
    upcs = [p["Upc"] for p in products if p["Upc"]]
    assert len(set(upcs)) == len(upcs)
    assert {
        "Flower",
        "Pre-Roll",
        "Vape",
        "Edible",
        "Concentrate",
        "Tincture",
        "Topical",
        "Accessory",
    } <= {p["Category"] for p in products}


def test_catalogue_size_follows_the_config(sandbox_factory, connect) -> None:
    from intake_gui.sandbox import SandboxConfig

    box = sandbox_factory(SandboxConfig(product_count=50))
    products = connect(box).data("product-master/get-products-lite", LspId=575)
    assert len(products) == 50
    assert 11484902 in {p["ProductId"] for p in products}


def test_the_index_page_says_what_this_is(box: EmbeddedSandbox) -> None:
    response = httpx.get(box.root_url)
    assert response.status_code == 200 and response.json()["api"] == "/api/"
