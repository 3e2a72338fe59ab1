"""Receiving and verifying it (course modules 4–6), traps included — in every calm dialect.

Each test runs once per dialect (`dbo`/`dbox`): ids come from `dbox.ids`, fields are read without regard
to case, quantities compared as decimals ("3.000" is 3). The course's strictness is the same in every
dialect; only the wire differs.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from intake_gui.sandbox import EmbeddedSandbox, SandboxConfig
from tests.sandbox.conftest import Backoffice, ci

STATUS_NULL = (
    "Cannot insert the value NULL into column 'Status', table "
    "'dutchie.dbo.ReceiveInventoryHistory'; column does not allow nulls. INSERT fails."
)


def line(
    box: EmbeddedSandbox, sku: str | None = None, qty: object = 3, room: object = "sales", **extra
) -> dict:
    ids = box.ids
    sku = sku or ids.sku
    out = {
        "ProductId": ids.product_ids[sku],
        "Sku": sku,
        "Quantity": qty,
        "UnitCost": 4.25,
        "UnitId": 1,
    }
    if room == "sales":
        out["RoomId"] = ids.sales_floor_id
    elif room is not None:
        out["RoomId"] = room
    return {**out, **extra}


def header(box: EmbeddedSandbox, *lines: dict, **extra: object) -> dict:
    return {
        "VendorId": box.ids.vendor_id,
        "OrderTitle": "INV-1001",
        "Status": "Received",
        "Products": list(lines),
        **extra,
    }


def history(bo: Backoffice, box: EmbeddedSandbox, loc_id: int | None = None) -> list[dict]:
    """Receive history from a day ago to a day ahead, store-local (safe around midnight)."""
    now = datetime.now(ZoneInfo(box.ids.az_timezone)).replace(tzinfo=None, microsecond=0)
    return bo.data(
        "v2/inventory/get-receive-history",
        LocId=loc_id or bo.loc_id,
        StartDate=(now - timedelta(days=1)).isoformat(),
        EndDate=(now + timedelta(days=1)).isoformat(),
    )


def history_row(bo: Backoffice, box: EmbeddedSandbox, receipt: int) -> dict:
    return next(r for r in history(bo, box) if ci(r, "ReceiveInventoryHistoryId") == receipt)


def products_sent(row: dict) -> int:
    """History's Products: a number in most dialects, the list of lines in `sparse`."""
    value = ci(row, "Products")
    return len(value) if isinstance(value, list) else value


def packages(bo: Backoffice, receipt: int) -> list[dict]:
    return bo.data("v2/inventory/get-packages-from-receive", ReceiveInventoryHistoryId=receipt)


def test_the_course_final_assessment_passes(dbo: Backoffice, dbox: EmbeddedSandbox) -> None:
    ids = dbox.ids
    baseline = dbo.sellable()
    receipt = dbo.data(
        "v2/inventory/receive", **header(dbox, line(dbox), line(dbox, ids.second_sku))
    )
    assert receipt == ids.first_receive_id

    found = packages(dbo, receipt)
    assert sorted(ci(p, "Sku") for p in found) == sorted([ids.sku, ids.second_sku])
    for p in found:
        assert isinstance(ci(p, "PackageId"), int)
        assert Decimal(str(ci(p, "Quantity"))) == 3
        assert ci(p, "RoomId") == ids.sales_floor_id
        assert ci(p, "RoomName", ids.sales_floor_name) == ids.sales_floor_name

    row = history_row(dbo, dbox, receipt)
    assert ci(row, "Status") == "Received"
    assert ci(row, "VendorId") == ids.vendor_id
    assert ci(row, "VendorName", ids.vendor_name) == ids.vendor_name
    assert ci(row, "OrderTitle") == "INV-1001"
    assert products_sent(row) == 2

    after = dbo.sellable()
    for sku in (ids.sku, ids.second_sku):
        assert after[sku] - baseline.get(sku, 0) == 3
    assert dbox.admin.receives()[0]["id"] == receipt


def test_ids_continue_the_sequence(dbo: Backoffice, dbox: EmbeddedSandbox) -> None:
    first = dbo.data("v2/inventory/receive", **header(dbox, line(dbox)))
    second = dbo.data("v2/inventory/receive", **header(dbox, line(dbox)))
    assert second == first + 1


def test_seeded_stock_means_clients_must_compare_against_a_baseline(
    dbo: Backoffice, dbox: EmbeddedSandbox
) -> None:
    stock = dbo.sellable()
    assert stock[dbox.ids.sku] >= 12
    assert len(stock) > 50
    assert dbox.ids.vault_sku not in stock  # its seeded stock sits in the Vault


@pytest.mark.parametrize("status", [None, "missing"])
def test_missing_status_is_a_server_error_carrying_the_sql_text(
    dbo: Backoffice, dbox: EmbeddedSandbox, status: str | None
) -> None:
    body = header(dbox, line(dbox))
    if status == "missing":
        del body["Status"]
    else:
        body["Status"] = None
    assert dbo.refused("v2/inventory/receive", status=500, **body) == STATUS_NULL
    assert dbox.admin.receives() == []


def test_a_status_other_than_received_is_refused(dbo: Backoffice, dbox: EmbeddedSandbox) -> None:
    message = dbo.refused("v2/inventory/receive", **header(dbox, line(dbox), Status="Pending"))
    assert "Received" in message
    assert dbox.admin.receives() == []


def test_lines_without_room_make_an_orphaned_receive(
    dbo: Backoffice, dbox: EmbeddedSandbox
) -> None:
    baseline = dbo.sellable()
    body = header(dbox, line(dbox, room=None), line(dbox, dbox.ids.second_sku, room=None))
    receipt = dbo.data("v2/inventory/receive", **body)
    assert packages(dbo, receipt) == []
    row = history_row(dbo, dbox, receipt)
    assert (ci(row, "Status"), products_sent(row)) == ("Received", 2)
    assert dbo.sellable() == baseline
    assert dbox.admin.receives()[0]["package_count"] == 0


def test_room_id_zero_is_the_dotnet_default_and_also_orphans(
    dbo: Backoffice, dbox: EmbeddedSandbox
) -> None:
    receipt = dbo.data("v2/inventory/receive", **header(dbox, line(dbox, room=0)))
    assert packages(dbo, receipt) == []


def test_lines_the_pos_drops_still_count_in_history_but_have_no_package(
    dbo: Backoffice, dbox: EmbeddedSandbox
) -> None:
    ids = dbox.ids
    unknown = {"ProductId": 999, "Sku": "ZZ9999", "Quantity": 5, "RoomId": ids.sales_floor_id}
    mismatched = line(dbox, ids.second_sku, Sku=ids.sku)
    receipt = dbo.data("v2/inventory/receive", **header(dbox, line(dbox), unknown, mismatched))
    assert [ci(p, "Sku") for p in packages(dbo, receipt)] == [ids.sku]
    row = history_row(dbo, dbox, receipt)
    assert products_sent(row) == 3  # the lines sent, as the course says
    admin = dbox.admin.receives()[0]
    assert (admin["line_count"], admin["package_count"]) == (3, 1)


def test_a_receive_whose_every_line_is_dropped_still_succeeds(
    dbo: Backoffice, dbox: EmbeddedSandbox
) -> None:
    receipt = dbo.data("v2/inventory/receive", **header(dbox, line(dbox, ProductId=1)))
    assert packages(dbo, receipt) == []
    assert products_sent(history_row(dbo, dbox, receipt)) == 1


@pytest.mark.parametrize("qty", [0, -1, "abc", True, None, "NaN"])
def test_bad_quantities_are_refused(dbo: Backoffice, dbox: EmbeddedSandbox, qty: object) -> None:
    body = header(dbox, line(dbox, dbox.ids.second_sku), line(dbox, qty=qty))
    message = dbo.refused("v2/inventory/receive", **body)
    assert "Quantity" in message and "line 2" in message
    assert dbox.admin.receives() == []


def test_fractional_and_numeric_string_quantities_are_accepted(
    dbo: Backoffice, dbox: EmbeddedSandbox
) -> None:
    body = header(dbox, line(dbox, qty=2.5), line(dbox, dbox.ids.second_sku, qty="4"))
    receipt = dbo.data("v2/inventory/receive", **body)
    found = sorted(Decimal(str(ci(p, "Quantity"))) for p in packages(dbo, receipt))
    assert found == [Decimal("2.5"), 4]


def test_unknown_vendor_is_refused(dbo: Backoffice, dbox: EmbeddedSandbox) -> None:
    body = header(dbox, line(dbox), VendorId=1)
    assert dbo.refused("v2/inventory/receive", **body) == "Vendor not found"
    il_vendor = ci(dbo.data("vendor/get-vendors", LocId=dbox.ids.il_loc_id)[0], "VendorId")
    body = header(dbox, line(dbox), VendorId=il_vendor)
    assert dbo.refused("v2/inventory/receive", **body) == "Vendor not found"
    assert dbox.admin.receives() == []


def test_rooms_that_are_not_inventory_rooms_here_are_refused(
    dbo: Backoffice, dbox: EmbeddedSandbox
) -> None:
    ids = dbox.ids
    elsewhere = next(
        ci(loc, "LocId")
        for loc in dbo.data("user/get-locations")
        if ci(loc, "LocId") not in (ids.az_loc_id, ids.il_loc_id, ids.oh_loc_id)
    )
    other_room = ci(dbo.data("v2/room/get-rooms", LocId=elsewhere)[0], "RoomId")
    for room in (ids.break_room_id, other_room, 123):
        message = dbo.refused("v2/inventory/receive", **header(dbox, line(dbox, room=room)))
        assert "room" in message.lower()
    assert dbox.admin.receives() == []


def test_empty_products_are_refused(dbo: Backoffice, dbox: EmbeddedSandbox) -> None:
    assert dbo.refused("v2/inventory/receive", **header(dbox))
    body = header(dbox)
    del body["Products"]
    assert dbo.refused("v2/inventory/receive", **body)
    assert dbox.admin.receives() == []


def test_packages_asked_by_id_come_back_empty_without_error(
    dbo: Backoffice, dbox: EmbeddedSandbox
) -> None:
    receipt = dbo.data("v2/inventory/receive", **header(dbox, line(dbox)))
    assert dbo.data("v2/inventory/get-packages-from-receive", Id=receipt) == []
    assert dbo.data("v2/inventory/get-packages-from-receive") == []
    assert len(packages(dbo, receipt)) == 1


def test_packages_are_scoped_to_the_location(dbo: Backoffice, dbox: EmbeddedSandbox) -> None:
    receipt = dbo.data("v2/inventory/receive", **header(dbox, line(dbox)))
    other = dbox.ids.il_loc_id
    assert (
        dbo.data(
            "v2/inventory/get-packages-from-receive", LocId=other, ReceiveInventoryHistoryId=receipt
        )
        == []
    )


def test_stock_in_a_non_sellable_room_never_shows_as_sellable(
    dbo: Backoffice, dbox: EmbeddedSandbox
) -> None:
    ids = dbox.ids
    baseline = dbo.sellable()
    body = header(
        dbox, line(dbox, room=ids.vault_id), line(dbox, ids.second_sku, room=ids.quarantine_id)
    )
    receipt = dbo.data("v2/inventory/receive", **body)
    rooms = sorted(ci(p, "RoomId") for p in packages(dbo, receipt))
    assert rooms == sorted([ids.vault_id, ids.quarantine_id])
    assert dbo.sellable() == baseline


def test_package_tag_lot_and_expiry_are_kept(dbo: Backoffice, dbox: EmbeddedSandbox) -> None:
    tag = "1A4FF0100000022000012345"
    body = header(dbox, line(dbox, PackageId=tag, BatchName="LOT-77", ExpirationDate="2027-03-31"))
    receipt = dbo.data("v2/inventory/receive", **body)
    (package,) = packages(dbo, receipt)
    assert ci(package, "Label", tag) == tag
    assert ci(package, "BatchName", "LOT-77") == "LOT-77"
    assert ci(package, "ExpirationDate") in ("2027-03-31", "03/31/2027")


def test_bad_expiration_date_is_refused(dbo: Backoffice, dbox: EmbeddedSandbox) -> None:
    body = header(dbox, line(dbox, ExpirationDate="soon"))
    assert "ExpirationDate" in dbo.refused("v2/inventory/receive", **body)


def test_new_stock_shows_only_after_the_visibility_delay(
    dbo: Backoffice, dbox: EmbeddedSandbox
) -> None:
    dbox.admin.configure(visibility_delay_s=3600)
    baseline = dbo.sellable()
    receipt = dbo.data("v2/inventory/receive", **header(dbox, line(dbox)))
    assert len(packages(dbo, receipt)) == 1
    assert dbo.sellable() == baseline
    dbox.admin.configure(visibility_delay_s=0)
    assert dbo.sellable()[dbox.ids.sku] == baseline[dbox.ids.sku] + 3


def test_save_receive_keeps_a_pending_draft_that_moves_no_stock(
    dbo: Backoffice, dbox: EmbeddedSandbox
) -> None:
    baseline = dbo.sellable()
    body = header(dbox, line(dbox))
    del body["Status"]
    receipt = dbo.data("v2/inventory/save-receive", **body)
    assert packages(dbo, receipt) == []
    assert ci(history_row(dbo, dbox, receipt), "Status") == "Pending"
    assert dbo.sellable() == baseline
    assert dbox.admin.receives()[0]["status"] == "Pending"


def test_visibility_delay_set_at_start_elapses(sandbox_factory, connect) -> None:
    box = sandbox_factory(SandboxConfig(visibility_delay_s=0.4, product_count=100))
    bo = connect(box)
    baseline = bo.sellable()
    bo.data("v2/inventory/receive", **header(box, line(box)))
    assert bo.sellable() == baseline
    time.sleep(0.5)
    assert bo.sellable()[box.ids.sku] == baseline[box.ids.sku] + 3


def test_a_product_the_catalogue_lists_can_be_dropped_by_the_receive(
    dbo: Backoffice, dbox: EmbeddedSandbox
) -> None:
    ids = dbox.ids
    dbox.admin.configure(dropped_skus=[ids.second_sku])
    listed = dbo.data("product-master/get-products-lite", LspId=ids.lsp_id)
    assert any(ci(p, "Sku") == ids.second_sku for p in listed)
    baseline = dbo.sellable()
    receipt = dbo.data(
        "v2/inventory/receive", **header(dbox, line(dbox), line(dbox, ids.second_sku))
    )
    assert [ci(p, "Sku") for p in packages(dbo, receipt)] == [ids.sku]
    assert products_sent(history_row(dbo, dbox, receipt)) == 2
    after = dbo.sellable()
    assert (after[ids.sku] - baseline[ids.sku], after[ids.second_sku]) == (
        3,
        baseline[ids.second_sku],
    )


def test_a_fault_can_answer_the_sql_status_error_to_a_correct_receive(
    dbo: Backoffice, dbox: EmbeddedSandbox
) -> None:
    from intake_gui.sandbox import STATUS_NULL as EXPORTED

    assert EXPORTED == STATUS_NULL
    dbox.admin.add_fault(
        {"endpoint": "v2/inventory/receive", "kind": "http_error", "message": STATUS_NULL}
    )
    assert dbo.refused("v2/inventory/receive", status=500, **header(dbox, line(dbox))) == (
        STATUS_NULL
    )
    assert dbox.admin.receives() == []
    assert dbo.data("v2/inventory/receive", **header(dbox, line(dbox))) == dbox.ids.first_receive_id
