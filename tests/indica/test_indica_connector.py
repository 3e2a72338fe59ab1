"""The IndicaOnline connector against its emulator over loopback HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

import httpx
import pytest

from intake_gui.domain.models import DraftLine, Location, ReceiveDraft, Room, Vendor
from intake_gui.pos.errors import (
    AuthenticationError,
    InvalidRequest,
    NotFound,
    NotSupported,
    PermissionDenied,
    RateLimited,
)
from intake_gui.pos.indica.connector import IndicaConnector
from intake_gui.sandbox.indica import BASIC_API_KEY, TRAINING_API_KEY, IndicaConfig

from .conftest import Served


def _office(conn: IndicaConnector, office_id: int = 101) -> Location:
    return next(loc for loc in conn.locations() if loc.loc_id == office_id)


def test_offices_are_locations_with_one_virtual_room(conn: IndicaConnector) -> None:
    locations = conn.locations()
    assert len(locations) == 10 and {loc.loc_id for loc in locations} == set(range(101, 111))
    loc = locations[0]
    assert loc.timezone == "America/Los_Angeles" and loc.state == "CA"
    (room,) = conn.rooms(loc)
    assert room.room_id == loc.loc_id and room.eligible and room.sellable
    assert conn.vendors(loc) == []


def test_products_page_500_at_a_time_to_the_end(conn: IndicaConnector, indica: Served) -> None:
    loc = _office(conn)
    seen: list[tuple[int, int]] = []
    before = len(indica.calls("/open_api/v2.3/products"))
    products = conn.products(loc, progress=lambda done, total: seen.append((done, total)))
    pages = indica.calls("/open_api/v2.3/products")[before:]
    assert len(products) == 3000 and len({p.product_id for p in products}) == 3000
    assert [(q["limit"], q["offset"]) for q in pages] == [
        ("500", str(n)) for n in range(0, 3000, 500)
    ]
    assert seen[-1] == (3000, 3000)
    assert all(len(p.gtin) == 14 for p in products if p.gtin)


def test_sellable_reads_1200_rows_in_three_pages(conn: IndicaConnector, indica: Served) -> None:
    loc = _office(conn)
    before = len(indica.calls("/inventory/office/101"))
    items = conn.sellable_inventory(loc)
    pages = indica.calls("/inventory/office/101")[before:]
    assert [q["offset"] for q in pages] == ["0", "500", "1000"]
    assert all(q["limit"] == "500" for q in pages)
    assert len(items) == 1200 and all(i.sku and i.room_id == 101 for i in items)
    rows = indica.state.world.rows_by_office[101]
    assert sum(i.quantity for i in items) == sum(Decimal(str(r["quantity"])) for r in rows)

    some = [items[0].sku, items[1].sku, "NOT-A-SKU"]
    assert {i.sku for i in conn.sellable_inventory(loc, some)} == set(some[:2])


def test_receiving_is_not_supported_and_says_where_to_do_it(conn: IndicaConnector) -> None:
    caps = conn.capabilities
    assert not caps.receive and "IndicaOnline Web" in caps.receive_hint
    assert not caps.verify_packages and not caps.verify_history and caps.verify_sellable
    assert caps.count and not caps.move and caps.move_hint
    loc = _office(conn)
    (room,) = conn.rooms(loc)
    product = conn.products(loc)[0]
    draft = ReceiveDraft(
        location=loc,
        vendor=Vendor(vendor_id=1, name="Anyone"),
        room=room,
        title="Delivery",
        lines=(
            DraftLine(
                product_id=product.product_id, sku=product.sku, name=product.name, quantity=1
            ),
        ),
    )
    with pytest.raises(NotSupported, match="Check the delivery in"):
        conn.receive(draft)
    with pytest.raises(NotSupported):
        conn.packages_for_receipt(loc, 1)
    with pytest.raises(NotSupported):
        conn.receipt_history(loc, datetime(2025, 1, 1), datetime(2025, 1, 2))


def _misordered_products(indica: Served, office: int, n: int) -> list[int]:
    world = indica.state.world
    found = []
    for row in world.rows_by_office[office]:
        dates = [world.packages[p["id"]]["check_in_date"] for p in row["packages"]]
        if len(dates) > 1 and dates != sorted(dates):
            found.append(row["product_id"])
    return found[:n]


def test_room_quantities_list_packages_oldest_check_in_first(
    conn: IndicaConnector, indica: Served
) -> None:
    loc = _office(conn)
    (room,) = conn.rooms(loc)
    wanted = _misordered_products(indica, 101, 5)
    assert len(wanted) == 5
    shelf = conn.room_quantities(loc, room, product_ids=wanted)
    assert {s.product_id for s in shelf} == set(wanted)
    world = indica.state.world
    for item in shelf:
        dates = [p.received_on for p in item.packages]
        assert None not in dates and dates == sorted(dates)
        assert [p.id for p in item.packages] != sorted(p.id for p in item.packages)  # not id order
        assert item.oldest is not None and item.oldest.received_on == dates[0]
        assert all(p.label == world.packages[p.id]["uid"] for p in item.packages)
        assert item.quantity == sum(p.quantity for p in item.packages)
        assert item.sku == world.products[item.product_id]["sku"]


def test_room_quantities_cache_package_details(conn: IndicaConnector, indica: Served) -> None:
    loc = _office(conn)
    (room,) = conn.rooms(loc)
    wanted = _misordered_products(indica, 101, 3)
    conn.room_quantities(loc, room, product_ids=wanted)
    before = len(indica.calls("/packages"))
    conn.room_quantities(loc, room, product_ids=wanted)
    assert len(indica.calls("/packages")) == before


def test_room_quantities_of_another_room_is_not_found(conn: IndicaConnector) -> None:
    loc = _office(conn)
    other = Room(room_id=999, name="Back", inventory_room=True, pos_room=False)
    with pytest.raises(NotFound):
        conn.room_quantities(loc, other)


def test_without_a_pro_plan_counts_work_without_dates(
    connector_for: Callable[..., IndicaConnector], indica: Served
) -> None:
    basic = connector_for(BASIC_API_KEY)
    loc = _office(basic)
    (room,) = basic.rooms(loc)
    wanted = _misordered_products(indica, 101, 2)
    shelf = basic.room_quantities(loc, room, product_ids=wanted)
    assert len(shelf) == 2
    assert all(p.received_on is None and p.label == "" for s in shelf for p in s.packages)
    with pytest.raises(PermissionDenied):
        basic.package(next(iter(indica.state.world.packages)))


def test_400_and_404_stay_apart(conn: IndicaConnector, indica: Served) -> None:
    with pytest.raises(InvalidRequest) as bad:
        conn.product_stock(-1)
    assert "malformed" in bad.value.message
    with pytest.raises(NotFound) as missing:
        conn.product_stock(987654321)
    assert not isinstance(missing.value, InvalidRequest)
    with pytest.raises(InvalidRequest):
        conn.package(0)
    with pytest.raises(NotFound):
        conn.package(987654321)


def test_product_stock_and_package_by_id(conn: IndicaConnector, indica: Served) -> None:
    world = indica.state.world
    product = next(p for p, rows in world.rows_by_product.items() if len(rows) > 1)
    stock = conn.product_stock(product)
    assert {s.room_id for s in stock} == {r["office_id"] for r in world.rows_by_product[product]}
    assert all(s.sku == world.products[product]["sku"] for s in stock)
    pkg_id = world.rows_by_product[product][0]["packages"][0]["id"]
    pkg = conn.package(pkg_id)
    assert pkg.package_id == pkg_id and pkg.label == world.packages[pkg_id]["uid"]
    assert pkg.quantity == Decimal(str(sum(world.stock[pkg_id].values())))


def test_a_wrong_key_is_an_authentication_error(
    connector_for: Callable[..., IndicaConnector],
) -> None:
    with pytest.raises(AuthenticationError) as caught:
        connector_for("not-the-key").login()
    assert "not-the-key" not in caught.value.message + caught.value.detail


def test_the_key_header_name_is_configurable(
    indica_server: Callable[..., Served], connector_for: Callable[..., IndicaConnector]
) -> None:
    served = indica_server(
        IndicaConfig(
            office_count=2, product_count=20, first_office_rows=5, api_key_header="Authorization"
        )
    )
    connector_for(base_url=served.base_url, header_name="Authorization").login()
    with pytest.raises(AuthenticationError):
        connector_for(base_url=served.base_url).login()


def test_rate_limited_reads_back_off_then_raise(
    indica_server: Callable[..., Served], connector_for: Callable[..., IndicaConnector]
) -> None:
    served = indica_server(
        IndicaConfig(office_count=2, product_count=20, first_office_rows=5, rate_limit_per_minute=1)
    )
    slept: list[float] = []
    conn = connector_for(TRAINING_API_KEY, base_url=served.base_url, sleep=slept.append)
    conn.login()
    with pytest.raises(RateLimited):
        conn.login()
    assert slept and all(s >= 1 for s in slept)


class _FiveHundredEvery(httpx.BaseTransport):
    """Passes through to the emulator but answers every `every`-th request with an HTTP 500."""

    def __init__(self, every: int) -> None:
        self.inner = httpx.HTTPTransport()
        self.every = every
        self.seen = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen += 1
        if self.seen % self.every == 0:
            return httpx.Response(
                500, json={"code": 500, "message": "Server error"}, request=request
            )
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_reads_outlast_one_in_three_answering_500(
    connector_for: Callable[..., IndicaConnector],
) -> None:
    moody = _FiveHundredEvery(3)
    slept: list[float] = []
    conn = connector_for(transport=moody, sleep=slept.append, rng=lambda: 0.0)
    office = _office(conn)
    assert conn.products(office) and conn.sellable_inventory(office)
    assert moody.seen >= 6 and len(slept) == moody.seen // 3


def test_rate_limit_words_are_indicaonlines(
    indica_server: Callable[..., Served], connector_for: Callable[..., IndicaConnector]
) -> None:
    served = indica_server(
        IndicaConfig(office_count=2, product_count=20, first_office_rows=5, rate_limit_per_minute=1)
    )
    conn = connector_for(TRAINING_API_KEY, base_url=served.base_url, sleep=lambda s: None)
    conn.login()
    with pytest.raises(RateLimited) as caught:
        conn.login()
    message = caught.value.message
    assert message.startswith("IndicaOnline") and "Backoffice" not in message
    assert "60" not in message.replace(f"{caught.value.waited_s:.0f} s", "")
    assert caught.value.waited_s >= 60
