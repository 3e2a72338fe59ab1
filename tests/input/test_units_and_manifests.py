"""How each POS says a product is counted, and manifests' numbers in the file's own style."""

from __future__ import annotations

from decimal import Decimal

import pytest

from intake_gui.domain.manifest import parse_csv, parse_wcia
from intake_gui.domain.quantities import Measure
from intake_gui.pos.units import blaze_measure, dutchie_measure, indica_measure, measure_from_words


@pytest.mark.parametrize(
    "word, measure",
    [
        ("Each", Measure.EACH),
        (" units ", Measure.EACH),
        ("EA", Measure.EACH),
        ("grams", Measure.WEIGHT),
        ("Fluid Ounce", Measure.WEIGHT),
        ("FLUID_OUNCE", Measure.WEIGHT),
        ("mg", Measure.WEIGHT),
        ("NONE", Measure.UNKNOWN),
        ("", Measure.UNKNOWN),
        (None, Measure.UNKNOWN),
        (3, Measure.UNKNOWN),
    ],
)
def test_unit_words(word, measure):
    assert measure_from_words(word) is measure


def test_each_pos_field():
    assert blaze_measure("units") is Measure.EACH and blaze_measure("grams") is Measure.WEIGHT
    assert indica_measure("unit") is Measure.EACH and indica_measure("weight") is Measure.WEIGHT
    assert dutchie_measure(1) is Measure.EACH and dutchie_measure(2) is Measure.WEIGHT
    assert dutchie_measure(None) is Measure.UNKNOWN, "no UnitId: nothing says how it is counted"
    assert dutchie_measure(99) is Measure.UNKNOWN and dutchie_measure(True) is Measure.UNKNOWN
    assert dutchie_measure(1, "Grams") is Measure.WEIGHT, "a unit's name beats its id"


def test_the_dutchie_readers_carry_the_measure_both_ways():
    from intake_gui.pos.dutchie.wire import WireProduct, parse_products, parse_rows

    rows = [
        {"ProductId": 1, "Sku": "A", "ProductName": "Joint", "UnitId": 1},
        {"ProductId": 2, "Sku": "B", "ProductName": "Bulk", "UnitId": 2},
        {"ProductId": 3, "Sku": "C", "ProductName": "Unsaid"},
        {"ProductId": 4, "Sku": "D", "ProductName": "Named", "UnitId": 1, "DefaultUnit": "Grams"},
    ]
    fast = parse_products(rows)
    slow = [r.to_domain() for r in parse_rows(WireProduct, rows)]
    expected = [Measure.EACH, Measure.WEIGHT, Measure.UNKNOWN, Measure.WEIGHT]
    assert [p.measure for p in fast] == expected
    assert [p.measure for p in slow] == expected
    assert [p.unit_id for p in fast] == [p.unit_id for p in slow] == [1, 2, 1, 1]


def test_the_sandbox_catalogue_says_how_products_are_counted(sandbox):
    """Over real loopback HTTP: the course's joint is counted each, bulk flower by weight."""
    from intake_gui.pos.base import Credentials
    from intake_gui.pos.dutchie.connector import DutchieConnector
    from intake_gui.sandbox import AZ_LOC_ID, TRAINING_SECRET, TRAINING_USER

    conn = DutchieConnector(sandbox.base_url, Credentials(TRAINING_USER, TRAINING_SECRET))
    try:
        az = next(loc for loc in conn.locations() if loc.loc_id == AZ_LOC_ID)
        products = conn.products(az)
    finally:
        conn.close()
    by_sku = {p.sku: p for p in products}
    assert by_sku["3B4791"].measure is Measure.EACH
    assert {p.measure for p in products} == {Measure.EACH, Measure.WEIGHT}


def test_blaze_and_indica_products_carry_their_unit():
    from intake_gui.pos.blaze.ids import IdBook
    from intake_gui.pos.blaze.wire import BlazeProduct, to_product
    from intake_gui.pos.indica.wire import IndicaProduct
    from intake_gui.pos.indica.wire import to_product as indica_product

    row = {"id": "a" * 24, "sku": "BZ1", "name": "Pre-Roll", "category": {"unitType": "units"}}
    assert to_product(BlazeProduct.model_validate(row), IdBook()).measure is Measure.EACH
    row["category"] = {"unitType": "grams"}
    assert to_product(BlazeProduct.model_validate(row), IdBook()).measure is Measure.WEIGHT
    row.pop("category")
    assert to_product(BlazeProduct.model_validate(row), IdBook()).measure is Measure.UNKNOWN
    io = IndicaProduct.model_validate({"id": 5, "sku": "IO-1", "measurement": "weight"})
    assert indica_product(io).measure is Measure.WEIGHT


def test_a_comma_decimal_manifest_is_read_as_its_writer_meant():
    m = parse_csv("sku;qty;cost\nA1;1,5;4,50\nA2;2;10\nA3;1,500;1\n")
    assert [(ln.sku, ln.quantity, ln.unit_cost) for ln in m.lines] == [
        ("A1", Decimal("1.5"), Decimal("4.50")),
        ("A2", Decimal(2), Decimal("10.00")),
        ("A3", Decimal("1.5"), Decimal("1.00")),
    ]
    assert m.errors == ()


def test_a_point_manifest_never_reads_a_comma_as_nothing():
    m = parse_csv('sku,qty\nA1,"1,5"\nA2,"1,500"\nA3,2.5\n')
    assert [(ln.sku, ln.quantity) for ln in m.lines] == [("A3", Decimal("2.5"))]
    assert [e.row for e in m.errors] == [2, 3]
    assert "Did you mean 1.5?" in m.errors[0].message
    assert "1500 or 1.5" in m.errors[1].message


def test_an_ambiguous_semicolon_file_is_reported_not_guessed():
    m = parse_csv("sku;qty\nA1;1,200\nA2;1.5\n")
    assert [(ln.sku, ln.quantity) for ln in m.lines] == [("A2", Decimal("1.5"))]
    assert "could mean 1200 or 1.2" in m.errors[0].message


def test_wcia_numbers_are_machine_numbers_whatever_the_station():
    from intake_gui.domain import quantities

    quantities.use_decimal_mark("comma")
    m = parse_wcia(
        '{"inventory_transfer_items": [{"product_sku": "A1", "qty": "10.0000", "line_price": "45.00"},'
        ' {"product_sku": "A2", "qty": 2.5}]}'
    )
    assert [(ln.sku, ln.quantity, ln.unit_cost) for ln in m.lines] == [
        ("A1", Decimal(10), Decimal("4.50")),
        ("A2", Decimal("2.5"), None),
    ]
