"""The generated product master, checked without a server."""

from __future__ import annotations

from intake_gui.sandbox.catalog import KNOWN_PRODUCTS, Catalog, catalog_for, upc_check_digit


def test_upc_check_digit_matches_published_examples() -> None:
    assert upc_check_digit("03600029145") == "2"  # 036000291452, the textbook UPC-A
    assert upc_check_digit("01234567890") == "5"


def test_generation_is_deterministic_and_prefix_stable() -> None:
    small = Catalog(300)
    again = Catalog(300)
    large = catalog_for(17_000)
    assert small.products == again.products
    generated = [
        p for p in small.products if p["ProductId"] not in {k.product_id for k in KNOWN_PRODUCTS}
    ]
    assert all(large.by_id[p["ProductId"]] == p for p in generated)


def test_known_products_are_always_present() -> None:
    catalog = Catalog(10)
    assert len(catalog.products) == 10
    for known in KNOWN_PRODUCTS:
        product = catalog.by_id[known.product_id]
        assert (product["Sku"], product["ProductName"], product["Upc"]) == (
            known.sku,
            known.name,
            known.upc,
        )
        assert product["IsCannabis"] is known.is_cannabis


def test_products_json_is_the_product_list() -> None:
    import json

    catalog = Catalog(40)
    assert json.loads(catalog.products_json) == catalog.products
