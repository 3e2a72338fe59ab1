"""The IndicaOnline emulator on its own, over loopback HTTP: auth, paging limits, 400 vs 404, FIFO data."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from intake_gui.sandbox.indica import BASIC_API_KEY, TRAINING_API_KEY, IndicaConfig, create_app

from .conftest import Served

P = "open_api/v2.3"
KEYS = {"X-API-Key": TRAINING_API_KEY}


@pytest.fixture
def http(indica: Served) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=indica.base_url, headers=KEYS, timeout=10) as client:
        yield client


def test_a_key_is_required(indica: Served) -> None:
    for headers in ({}, {"X-API-Key": "nope"}):
        resp = httpx.get(f"{indica.base_url}{P}/inventory/office/101", headers=headers, timeout=10)
        assert resp.status_code == 401 and resp.json()["code"] == 401


def test_package_level_reads_are_for_pro_keys_only(indica: Served) -> None:
    basic = {"X-API-Key": BASIC_API_KEY}
    assert httpx.get(f"{indica.base_url}{P}/inventory/office/101", headers=basic).status_code == 200
    product = indica.state.world.rows_by_office[101][0]["product_id"]
    for path in (f"inventory/products/{product}/packages", "inventory/packages/100000"):
        resp = httpx.get(f"{indica.base_url}{P}/{path}", headers=basic)
        assert resp.status_code == 403 and "PRO" in resp.json()["message"]


def test_office_101_pages_its_1200_rows_500_at_a_time(http: httpx.Client) -> None:
    sizes = []
    for offset in (0, 500, 1000, 1500):
        page = http.get(f"{P}/inventory/office/101", params={"limit": 500, "offset": offset}).json()
        assert set(page) == {"items", "count", "total"} and page["total"] == 1200
        assert page["count"] == len(page["items"])
        sizes.append(page["count"])
    assert sizes == [500, 500, 200, 0]


@pytest.mark.parametrize(
    "params",
    [{"limit": 501}, {"limit": 0}, {"limit": "lots"}, {"offset": -1}, {"offset": "x"}],
)
def test_paging_parameters_out_of_bounds_are_400(
    http: httpx.Client, params: dict[str, object]
) -> None:
    resp = http.get(f"{P}/inventory/office/101", params=params)
    assert resp.status_code == 400 and resp.json()["code"] == 400


@pytest.mark.parametrize(
    "template",
    [
        "inventory/products/{}",
        "inventory/office/{}",
        "inventory/packages/{}",
        "inventory/products/{}/packages",
        "offices/{}",
    ],
)
def test_invalid_ids_are_400_and_unknown_ids_are_404(http: httpx.Client, template: str) -> None:
    for bad in ("abc", "-3", "0", "1.5"):
        assert http.get(f"{P}/{template.format(bad)}").status_code == 400, bad
    assert http.get(f"{P}/{template.format(987654321)}").status_code == 404


def test_inventory_by_product_spans_offices_and_sums_its_packages(
    http: httpx.Client, indica: Served
) -> None:
    world = indica.state.world
    product = next(p for p, rows in world.rows_by_product.items() if len(rows) > 1)
    page = http.get(f"{P}/inventory/products/{product}").json()
    assert page["total"] == len(world.rows_by_product[product]) > 1
    for row in page["items"]:
        assert row["product_id"] == product
        assert round(sum(p["quantity"] for p in row["packages"]), 3) == row["quantity"]


def test_updated_since_returns_later_changes_only(http: httpx.Client, indica: Served) -> None:
    world = indica.state.world
    since = int(time.time()) - 86_400 * 5
    expected = sum(
        1 for r in world.rows if world.row_updated[(r["product_id"], r["office_id"])] > since
    )
    page = http.get(f"{P}/inventory/updated/{since}", params={"limit": 500}).json()
    assert page["total"] == expected > 0
    for bad in ("yesterday", "-1"):
        assert http.get(f"{P}/inventory/updated/{bad}").status_code == 400


def test_packages_by_product_lists_active_ones_only(http: httpx.Client, indica: Served) -> None:
    world = indica.state.world
    sold_out = next(p for p in world.packages if not world.stock.get(p))
    product = world.package_product[sold_out]
    listed = http.get(f"{P}/inventory/products/{product}/packages").json()["items"]
    assert sold_out not in {p["id"] for p in listed}
    assert all(p["available_in_office"] for p in listed)
    by_id = http.get(f"{P}/inventory/packages/{sold_out}").json()
    assert by_id["available_in_office"] == [] and by_id["check_in_date"]
    measure = by_id["measurement"]
    assert by_id["available_quantity"][measure] == 0


def test_package_ids_are_not_in_check_in_order(indica: Served) -> None:
    """The FIFO trap the connector must survive: sorting by id would put packages in the wrong order."""
    world = indica.state.world
    misordered = 0
    for row in world.rows_by_office[101]:
        ids = [p["id"] for p in row["packages"]]
        dates = [world.packages[i]["check_in_date"] for i in ids]
        misordered += dates != sorted(dates)
    assert misordered > 10


def test_there_is_no_receive(http: httpx.Client) -> None:
    assert http.post(f"{P}/inventory/receive", json={}).status_code == 404
    assert http.post(f"{P}/inventory/office/101", json={}).status_code == 405


def test_the_same_data_dir_gives_the_same_world(tmp_path: Path) -> None:
    config = IndicaConfig(office_count=3, product_count=200, first_office_rows=50)
    first = create_app(tmp_path, config=config).state.indica.world
    again = create_app(tmp_path, config=config).state.indica.world
    assert first.packages == again.packages and first.rows == again.rows
    assert first.generated_at == again.generated_at


def test_rate_limit_answers_429(indica_server: Callable[..., Served]) -> None:
    served = indica_server(
        IndicaConfig(office_count=2, product_count=20, first_office_rows=5, rate_limit_per_minute=2)
    )
    with httpx.Client(base_url=served.base_url, headers=KEYS, timeout=10) as client:
        codes = [client.get(f"{P}/offices").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
