"""The catalog path's fast parts give exactly what the plain ones gave: products parsed straight to the domain
in chunks, the JSON floats decoded through Python, the index's position tables."""

from __future__ import annotations

import gc
import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from intake_gui.domain.barcode import interpret
from intake_gui.domain.catalog_index import CatalogIndex
from intake_gui.domain.models import Location, Product
from intake_gui.pos.base import Credentials
from intake_gui.pos.dutchie import wire
from intake_gui.pos.dutchie.connector import DutchieConnector
from intake_gui.pos.errors import MalformedResponse
from intake_gui.pos.tolerant import collect_reports
from intake_gui.sandbox.catalog import catalog_for

EDGE_ROWS: list[dict[str, Any]] = [
    {"ProductId": 1, "Sku": "A1", "Name": "Lite name", "UnitId": None, "IsCannabis": "no"},
    {
        "ProductId": 2,
        "Sku": "B2",
        "ProductName": "Full name",
        "BrandName": None,
        "Category": None,
        "UnitCost": "",
        "Upc": "036000291453",  # bad check digit: dropped
        "IsCannabis": " Yes ",
        "Extra": "ignored",
    },
    {"ProductId": 3, "Sku": "C3", "ProductName": "Beer", "Upc": "96385074", "UnitCost": 2},
    {"ProductId": 4, "Sku": "D4", "ProductName": "Gum", "Upc": None, "UnitCost": Decimal("0.10")},
]


def plain(data: Any) -> list[Product]:
    return [row.to_domain() for row in wire.parse_rows(wire.WireProduct, data)]


def test_parse_products_matches_the_wire_models_over_the_whole_catalogue() -> None:
    data = json.loads(catalog_for(17_000).products_json, parse_float=Decimal) + EDGE_ROWS
    fast = wire.parse_products(data)
    assert fast == plain(data)
    assert [p.model_fields_set for p in fast] == [p.model_fields_set for p in plain(data)]


def test_parse_products_edge_values() -> None:
    lite, full, beer, gum = wire.parse_products(EDGE_ROWS)
    assert (lite.name, lite.unit_id, lite.is_cannabis, lite.brand) == ("Lite name", 1, False, "")
    assert (full.unit_cost, full.gtin, full.is_cannabis, full.category) == (None, "", True, "")
    assert beer.gtin == "00000096385074" and beer.unit_cost == Decimal(2)
    assert gum.unit_cost == Decimal("0.10") and gum.gtin == ""
    assert wire.parse_products(None) == [] and wire.parse_products([]) == []
    with pytest.raises(ValueError, match="list"):
        wire.parse_products({"ProductId": 1})


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ({"ProductId": "x"}, "ProductId"),
        ({"Sku": None}, "Sku"),
        ({"ProductId": None, "Id": None}, "ProductId"),
    ],
)
def test_a_row_without_an_essential_field_is_skipped_and_counted(
    bad: dict[str, Any], why: str
) -> None:
    data = [
        {"ProductId": i, "Sku": f"S{i}", "ProductName": f"P{i}"}
        for i in range(wire.PARSE_CHUNK * 2 + 5)
    ]
    at = wire.PARSE_CHUNK + 7  # in the second chunk: only that chunk takes the row-by-row path
    data[at] = {**data[at], **bad}
    with collect_reports() as reports:
        products = wire.parse_products(data)
    assert len(products) == len(data) - 1
    assert data[at]["ProductName"] not in {p.name for p in products}
    (report,) = reports
    assert (report.rows, report.skipped, dict(report.skipped_for)) == (len(data), 1, {why: 1})
    assert products == plain(data)


def test_unreadable_optional_values_blank_only_themselves() -> None:
    rows = [
        {"ProductId": 1, "Sku": "A", "ProductName": "a", "IsCannabis": "maybe", "UnitCost": "n/a"},
        {"ProductId": "2", "Sku": 3, "Name": None, "UnitCost": "1,234.50", "UnitId": "2.0"},
    ]
    with collect_reports() as reports:
        a, b = wire.parse_products(rows)
    assert (a.is_cannabis, a.unit_cost) == (True, None)
    assert (b.product_id, b.sku, b.name, b.unit_cost, b.unit_id) == (
        2, "3", "3", Decimal("1234.50"), 2,
    )  # fmt: skip
    assert reports[0].unreadable == {"IsCannabis": 1, "UnitCost": 1}
    assert a == plain(rows)[0] and b == plain(rows)[1]


@pytest.mark.parametrize(
    ("upc", "gtin"),
    [
        ("036000291452", "00036000291452"),
        ("4006381333931", "04006381333931"),
        ("96385074", "00000096385074"),
        ("00036000291452", "00036000291452"),
        ("036000291453", ""),
        (" 036000291452 ", "00036000291452"),
        (36000291452, ""),  # an int has lost its leading zero: 11 digits, not a UPC
        ("12345678901234567", ""),
        ("３６０００２９１４５２", ""),
    ],
)
def test_gtin14_by_bytes_agrees_with_the_digit_by_digit_rule(upc: object, gtin: str) -> None:
    assert wire.gtin14(upc) == gtin
    text = "" if upc is None else str(upc).strip()
    if gtin:
        code = text.zfill(14)
        total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(code[:13]))
        assert (10 - total % 10) % 10 == int(code[13])


def _connector(products: Any) -> DutchieConnector:
    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/")
        if path == "user/login":
            data = {"SessionId": "s-1", "UserId": 7, "OrgId": 1, "LspId": 575, "LocId": 1989}
            return httpx.Response(
                200,
                json={"Result": True, "Message": None, "Data": data},
                headers={"Set-Cookie": "LLSession=c-1; Path=/"},
            )
        return httpx.Response(200, json={"Result": True, "Message": None, "Data": products})

    return DutchieConnector(
        "http://127.0.0.1:9/api/",
        Credentials("clerk", "pw-123456"),
        transport=httpx.MockTransport(handler),
        rate_per_minute=0,
    )


AZ = Location(loc_id=1989, name="AZ", lsp_id=575)


def test_the_connector_parses_products_and_refuses_malformed_ones() -> None:
    rows = [{"ProductId": 5, "Sku": "ACC1", "ProductName": "Lighter", "UnitCost": 1.25}]
    with _connector(rows) as conn:
        (lighter,) = conn.products(AZ)
    assert lighter.unit_cost == Decimal("1.25") and isinstance(lighter.unit_cost, Decimal)
    with (
        _connector([{"ProductId": "nope", "Sku": "X"}]) as conn,
        pytest.raises(MalformedResponse) as caught,
    ):
        conn.products(AZ)  # rows came and none had a readable id: unusable, said with the field
    assert "get-products-lite" in caught.value.detail and "ProductId" in caught.value.detail


def test_the_index_tables_hold_nothing_the_garbage_collector_visits() -> None:
    products = wire.parse_products(json.loads(catalog_for(3000).products_json))
    twin = products[10].model_copy(update={"product_id": 99_999_999})
    index = CatalogIndex([*products, twin])
    gc.collect()
    for table in (index._sku_at, index._gtin_at):
        assert not gc.is_tracked(table)
    shared = index.resolve(interpret(twin.sku))
    assert shared.ambiguous and {p.product_id for p in shared.products} == {
        products[10].product_id,
        twin.product_id,
    }
    assert index.by_sku(products[11].sku) == products[11]
    assert index.by_gtin(products[0].gtin or "x") == (products[0] if products[0].gtin else None)
