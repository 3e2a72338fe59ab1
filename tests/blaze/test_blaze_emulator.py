"""The BLAZE emulator on its own, over loopback HTTP: auth, paging, errors, transfers, persistence.

These speak raw HTTP (no connector), so they pin the wire contract the connector is written against.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from intake_gui.sandbox.blaze import (
    LIMITED_PARTNER_KEY,
    TRAINING_DEVELOPER_KEY,
    TRAINING_PARTNER_KEY,
    BlazeConfig,
)
from intake_gui.sandbox.blaze.seed import DAY_MS
from intake_gui.sandbox.blaze.state import now_ms

from .conftest import SMALL, Served

KEYS = {"x-api-key": TRAINING_PARTNER_KEY, "Authorization": TRAINING_DEVELOPER_KEY}
B = "api/v1/partner/store/batches"


@pytest.fixture
def http(blaze: Served) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=blaze.base_url, headers=KEYS, timeout=10) as client:
        yield client


def _ids(http: httpx.Client, path: str) -> dict[str, str]:
    return {i["name"]: i["id"] for i in http.get(path).json()["values"]}


@pytest.mark.parametrize(
    ("headers", "status", "message"),
    [
        ({}, 401, "Missing partner key"),
        (
            {"x-api-key": "nope", "Authorization": TRAINING_DEVELOPER_KEY},
            401,
            "Invalid partner key",
        ),
        ({"x-api-key": TRAINING_PARTNER_KEY}, 401, "Missing developer key"),
        (
            {"x-api-key": TRAINING_PARTNER_KEY, "Authorization": "nope"},
            401,
            "Invalid developer key",
        ),
        (
            {"x-api-key": LIMITED_PARTNER_KEY, "Authorization": TRAINING_DEVELOPER_KEY},
            403,
            "NORMAL",
        ),
    ],
)
def test_auth_refusals_use_the_documented_codes_and_body(
    blaze: Served, headers: dict[str, str], status: int, message: str
) -> None:
    resp = httpx.get(f"{blaze.base_url}{B}", headers=headers, timeout=10)
    assert resp.status_code == status
    body = resp.json()
    assert body["status"] == status and message in body["message"] and body["error"]


def test_header_names_are_configurable(blaze_server: Callable[..., Served]) -> None:
    served = blaze_server(
        BlazeConfig(product_count=50, batches_per_shop=5, partner_header="X-Partner")
    )
    url = f"{served.base_url}api/v1/partner/store"
    ok = {"X-Partner": TRAINING_PARTNER_KEY, "Authorization": TRAINING_DEVELOPER_KEY}
    assert httpx.get(url, headers=ok, timeout=10).status_code == 200
    assert httpx.get(url, headers=KEYS, timeout=10).status_code == 401


def test_a_developer_key_selects_its_own_shop(blaze: Served) -> None:
    names = set()
    for key in BlazeConfig().developer_keys:
        headers = {"x-api-key": TRAINING_PARTNER_KEY, "Authorization": key}
        names.add(
            httpx.get(f"{blaze.base_url}api/v1/partner/store", headers=headers).json()["name"]
        )
    assert len(names) == 3


def test_batches_page_shape_caps_limit_at_100(http: httpx.Client) -> None:
    first = http.get(B, params={"limit": 500}).json()
    assert set(first) >= {"values", "skip", "limit", "total"}
    assert (
        first["limit"] == 100
        and len(first["values"]) == 100
        and first["total"] == SMALL.batches_per_shop
    )
    modified = [b["modified"] for b in first["values"]]
    assert modified == sorted(modified, reverse=True)  # "most recently modified first"
    tail = http.get(B, params={"start": 100, "limit": 100}).json()
    assert len(tail["values"]) == SMALL.batches_per_shop - 100 and tail["skip"] == 100
    assert http.get(B, params={"start": 10_000}).json()["values"] == []


@pytest.mark.parametrize("params", [{"start": -1}, {"limit": "ten"}, {"start": "x"}, {"limit": -5}])
def test_bad_paging_parameters_are_400(http: httpx.Client, params: dict[str, object]) -> None:
    resp = http.get(B, params=params)
    assert resp.status_code == 400 and resp.json()["error"] == "Invalid argument"


def test_batch_id_returns_the_batch_itself_and_404_when_unknown(http: httpx.Client) -> None:
    one = http.get(B, params={"limit": 1}).json()["values"][0]
    direct = http.get(B, params={"batchId": one["id"], "productId": "ignored", "term": "zzz"})
    assert direct.status_code == 200 and direct.json()["id"] == one["id"]
    assert http.get(B, params={"batchId": "f" * 24}).status_code == 404


def test_date_endpoints_filter_their_own_field_and_refuse_more_than_7_days(
    http: httpx.Client, blaze: Served
) -> None:
    end = now_ms()
    start = end - 7 * DAY_MS
    got = http.get(f"{B}/dates/purchaseDate", params={"startDate": start, "endDate": end}).json()
    assert got["total"] > 0
    assert all(start <= b["purchasedDate"] <= end for b in got["values"])
    expected = sum(
        1
        for b in blaze.state.world["batches"].values()
        if b["shopId"] == got["values"][0]["shopId"] and start <= b["purchasedDate"] <= end
    )
    assert got["total"] == expected
    too_long = http.get(f"{B}/dates", params={"startDate": start - DAY_MS, "endDate": end})
    assert too_long.status_code == 400 and "7 days" in too_long.json()["message"]
    assert http.get(f"{B}/dates", params={"startDate": end, "endDate": start}).status_code == 400


def test_quantities_by_inventory_and_by_product(http: httpx.Client) -> None:
    invs = _ids(http, "api/v1/partner/store/inventories")
    assert set(invs) == {"Safe", "Sales floor", "Quarantine"}
    page = http.get(f"{B}/quantities", params={"inventoryId": invs["Safe"]}).json()
    assert page["total"] > 0 and all(q["inventoryId"] == invs["Safe"] for q in page["values"])
    product = page["values"][0]["productId"]
    listed = http.get(f"{B}/{product}/batchQuantityInfo").json()
    assert isinstance(listed, list) and all(q["productId"] == product for q in listed)
    assert http.get(f"{B}/{'0' * 24}/batchQuantityInfo").status_code == 404
    assert http.get(f"{B}/quantities", params={"inventoryId": "nope"}).status_code == 400


def _some_stock(http: httpx.Client, inventory_id: str) -> dict[str, object]:
    rows = http.get(f"{B}/quantities", params={"inventoryId": inventory_id}).json()["values"]
    return max(rows, key=lambda q: q["quantity"])


def test_transfer_needs_an_employee_everywhere_and_moves_only_on_accept(
    http: httpx.Client, blaze: Served
) -> None:
    invs = _ids(http, "api/v1/partner/store/inventories")
    employee = http.get("api/v1/partner/employees").json()["values"][0]["id"]
    row = _some_stock(http, invs["Safe"])
    body = {
        "fromInventoryId": invs["Safe"],
        "toInventoryId": invs["Sales floor"],
        "transferLogs": [{"productId": row["productId"], "transferAmount": 2}],
    }
    refused = http.post(f"{B}/transferInventory", json=body)
    assert refused.status_code == 400 and "currentEmployeeId" in refused.json()["message"]
    created = http.post(
        f"{B}/transferInventory", json={**body, "currentEmployeeId": employee}
    ).json()
    assert created["status"] == "PENDING" and created["createByEmployeeId"] == employee
    shop = created["shopId"]
    before = blaze.state.product_quantity(shop, invs["Safe"], row["productId"])

    tid = created["id"]
    for verb in ("accept", "decline"):
        no_emp = http.post(f"{B}/transferInventory/{tid}/{verb}", json={})
        assert no_emp.status_code == 400 and "currentEmployeeId" in no_emp.json()["message"]
    assert http.get(f"{B}/transferInventory/{tid}").json()["status"] == "PENDING"
    assert blaze.state.product_quantity(shop, invs["Safe"], row["productId"]) == before

    accepted = http.post(
        f"{B}/transferInventory/{tid}/accept", json={"currentEmployeeId": employee}
    )
    assert accepted.json()["status"] == "ACCEPTED"
    assert blaze.state.product_quantity(shop, invs["Safe"], row["productId"]) == before - 2
    again = http.post(f"{B}/transferInventory/{tid}/decline", json={"currentEmployeeId": employee})
    assert again.status_code == 400 and "not PENDING" in again.json()["message"]
    update = http.put(f"{B}/transferInventory/{tid}", json={**body, "currentEmployeeId": employee})
    assert update.status_code == 400
    unknown = http.post(
        f"{B}/transferInventory/{'a' * 24}/accept", json={"currentEmployeeId": employee}
    )
    assert unknown.status_code == 404


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"transferLogs": []}, "transferLogs"),
        ({"toInventoryId": None}, "toInventoryId"),
        ({"transferLogs": [{"productId": "x", "transferAmount": 1}]}, "productId"),
        ({"transferLogs": "many"}, "transferLogs"),
        ({"currentEmployeeId": "someone-else"}, "employee"),
        ({"toShopId": "another-shop"}, "toShopId"),
    ],
)
def test_transfer_validation(http: httpx.Client, change: dict[str, object], message: str) -> None:
    invs = _ids(http, "api/v1/partner/store/inventories")
    employee = http.get("api/v1/partner/employees").json()["values"][0]["id"]
    row = _some_stock(http, invs["Safe"])
    body = {
        "fromInventoryId": invs["Safe"],
        "toInventoryId": invs["Sales floor"],
        "currentEmployeeId": employee,
        "transferLogs": [{"productId": row["productId"], "transferAmount": 1}],
        **change,
    }
    resp = http.post(f"{B}/transferInventory", json=body)
    assert resp.status_code == 400 and message in resp.json()["message"]


def test_transfer_of_more_than_is_there_is_refused(http: httpx.Client) -> None:
    invs = _ids(http, "api/v1/partner/store/inventories")
    employee = http.get("api/v1/partner/employees").json()["values"][0]["id"]
    row = _some_stock(http, invs["Safe"])
    body = {
        "fromInventoryId": invs["Safe"],
        "toInventoryId": invs["Sales floor"],
        "currentEmployeeId": employee,
        "transferLogs": [{"productId": row["productId"], "transferAmount": 10_000}],
    }
    resp = http.post(f"{B}/transferInventory", json=body)
    assert resp.status_code == 400 and "Not enough" in resp.json()["message"]


def test_receive_creates_a_batch_and_stock_that_survive_a_restart(
    http: httpx.Client, blaze: Served, blaze_server: Callable[..., Served], tmp_path
) -> None:
    invs = _ids(http, "api/v1/partner/store/inventories")
    product = http.get("api/v1/partner/products", params={"limit": 1}).json()["values"][0]
    body = {
        "productId": product["id"],
        "quantity": 7,
        "inventoryId": invs["Safe"],
        "poNumber": "PO 1",
    }
    batch = http.post(B, json=body).json()
    assert (
        batch["quantity"] == 7
        and batch["sku"] == product["sku"]
        and batch["roomId"] == invs["Safe"]
    )
    for bad, word in (
        ({"quantity": 0}, "quantity"),
        ({"inventoryId": None}, "inventoryId"),
        ({"productId": "x"}, "productId"),
        ({"vendorId": "x"}, "vendorId"),
    ):
        resp = http.post(B, json={**body, **bad})
        assert resp.status_code == 400 and word in resp.json()["message"]
    assert http.post(B, content=b"{not json").status_code == 400

    again = blaze_server(data_dir=tmp_path / "blaze")
    with httpx.Client(base_url=again.base_url, headers=KEYS, timeout=10) as client:
        assert client.get(B, params={"batchId": batch["id"]}).json()["quantity"] == 7


def test_unknown_paths_are_json_404(http: httpx.Client) -> None:
    resp = http.get("api/v1/partner/nothing-here")
    assert resp.status_code == 404 and resp.json()["status"] == 404


def test_rate_limit_answers_429_with_retry_after(blaze_server: Callable[..., Served]) -> None:
    served = blaze_server(
        BlazeConfig(product_count=20, batches_per_shop=5, rate_limit_per_minute=3)
    )
    with httpx.Client(base_url=served.base_url, headers=KEYS, timeout=10) as client:
        codes = [client.get("api/v1/partner/store").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert int(client.get("api/v1/partner/store").headers["Retry-After"]) >= 1
