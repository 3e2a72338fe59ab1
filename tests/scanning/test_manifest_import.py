"""Manifest import: forgiving CSV (headers, delimiters, BOM, bad rows) and WCIA transfer JSON v2.1."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from intake_gui.domain.manifest import ManifestError, parse_csv, parse_wcia

from .conftest import TAG


def test_csv_with_common_headers():
    m = parse_csv(
        "SKU,Product Name,Qty,Lot\n3B4791,Tommy Chong Joint,10,A1\nGUM-10,Kiva Gummies,4,\n"
    )
    assert m.source == "csv"
    assert [(ln.sku, ln.name, ln.quantity, ln.lot, ln.row) for ln in m.lines] == [
        ("3B4791", "Tommy Chong Joint", Decimal(10), "A1", 2),
        ("GUM-10", "Kiva Gummies", Decimal(4), "", 3),
    ]
    assert m.errors == ()
    assert m.total_quantity == 14


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_csv_delimiter_is_sniffed(delimiter):
    text = delimiter.join(["product_sku", "quantity", "name"]) + "\n"
    # [input] "1200", not "1,200": in a ;-separated file that is 1.2 to the person who wrote it (refused as
    # ambiguous, see tests/input/test_manifest_numbers.py)
    text += delimiter.join(["3b4791", "1200", "Joint, big pack"]) + "\n"
    m = parse_csv(text)
    assert [(ln.sku, ln.quantity) for ln in m.lines] == [("3B4791", Decimal(1200))]


def test_csv_bom_barcode_and_tag_columns():
    text = "\ufeffUPC;Package Tag;Count;Unit Cost\n012345678905;;3;$4.50\n;" + TAG.lower() + ";2;\n"
    m = parse_csv(text)
    assert [(ln.gtin, ln.package_tag, ln.quantity, ln.unit_cost) for ln in m.lines] == [
        ("00012345678905", "", Decimal(3), Decimal("4.50")),
        ("", TAG, Decimal(2), None),
    ]


def test_barcode_column_holding_a_tag_or_sku_is_understood():
    m = parse_csv(f"barcode,qty\n{TAG},1\nABC-9,2\n")
    assert [(ln.package_tag, ln.sku) for ln in m.lines] == [(TAG, ""), ("", "ABC-9")]


def test_bad_rows_are_reported_not_fatal():
    text = (
        "sku,qty,name\n"
        "A1,3,Good\n"
        "A2,three,Words\n"
        ",4,No id\n"
        "A3,-1,Negative\n"
        "\n"
        "A4,10.0000,Exporter zeros\n"
        "A5,2.5,Half\n"
    )
    m = parse_csv(text)
    assert [(ln.sku, ln.quantity) for ln in m.lines] == [
        ("A1", Decimal(3)),
        ("A4", Decimal(10)),
        ("A5", Decimal("2.5")),
    ]
    assert [e.row for e in m.errors] == [3, 4, 5]
    assert "not a quantity" in m.errors[0].message
    assert "No SKU" in m.errors[1].message
    assert "negative" in m.errors[2].message  # [input] quantities.py words


def test_bad_barcode_is_reported_but_other_ids_keep_the_line():
    m = parse_csv("sku,upc,qty\nA1,012345678906,2\n,012345678906,1\n")
    assert [ln.sku for ln in m.lines] == ["A1"]
    assert len(m.errors) == 2
    assert "check digit" in m.errors[0].message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("\n\n", "empty"),
        ("sku,name\nA,B\n", "quantity column"),
        ("name,qty\nA,1\n", "identifies the products"),
    ],
)
def test_not_a_manifest_raises(text, fragment):
    with pytest.raises(ManifestError, match=fragment):
        parse_csv(text)


def wcia_doc(**overrides):
    item = {
        "created_at": "2024-03-01T10:00:00Z",
        "updated_at": "2024-03-01T10:00:00Z",
        "external_id": "ext-1",
        "is_sample": "0",
        "sample_type": "null",
        "product_name": "Blue Dream 3.5g",
        "qty": "10.0000",
        "unit_weight": "3.5",
        "line_price": "$125.00",
        "uom": "ea",
        "unit_weight_uom": "g",
        "inventory_id": "wa412345.in7abc",
        "inventory_category": "EndProduct",
        "inventory_type": "Usable Marijuana",
        "strain_name": "Blue Dream",
        "product_sku": "bd-35",
    }
    doc = {
        "document_name": "WCIA Transfer Data Schema",
        "document_schema_version": "2.1.0",
        "from_license_number": "412345",
        "from_license_name": "Green Acres Farm",
        "to_license_number": "423456",
        "to_license_name": "Mint Dispensary",
        "manifest_type": "delivery",
        "transfer_id": "TR-9001",
        "inventory_transfer_items": [item],
    }
    doc.update(overrides)
    return doc


def test_wcia_transfer():
    doc = wcia_doc()
    doc["inventory_transfer_items"].append(
        {
            "product_name": "Sample gummy",
            "qty": 1,
            "product_sku": "",
            "inventory_id": "WA1.IN2",
            "is_sample": "1",
        }
    )
    m = parse_wcia(json.dumps(doc))
    assert (m.source, m.transfer_id, m.vendor_name) == ("wcia", "TR-9001", "Green Acres Farm")
    first, second = m.lines
    assert (first.sku, first.package_tag, first.quantity, first.unit_cost, first.name) == (
        "BD-35",
        "WA412345.IN7ABC",
        Decimal(10),
        Decimal("12.50"),
        "Blue Dream 3.5g",
    )
    assert (second.is_sample, second.sku, second.row) == (True, "", 2)
    assert m.errors == ()


def test_wcia_bad_items_are_reported():
    doc = wcia_doc()
    doc["inventory_transfer_items"] += [
        "not an object",
        {"product_name": "No ids", "qty": "1"},
        {"product_sku": "X1", "qty": "lots"},
        {"product_sku": "X2", "qty": "2", "line_price": "free"},
    ]
    m = parse_wcia(json.dumps(doc))
    assert [ln.sku for ln in m.lines] == ["BD-35", "X2"]
    assert [e.row for e in m.errors] == [2, 3, 4, 5]
    assert m.lines[1].unit_cost is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{not json", "not a JSON"),
        ("[1, 2]", "object at the top"),
        ('{"transfer_id": "x"}', "inventory_transfer_items"),
    ],
)
def test_wcia_not_a_transfer_raises(text, fragment):
    with pytest.raises(ManifestError, match=fragment):
        parse_wcia(text)


def test_manifest_serialises_for_the_journal():
    m = parse_csv("sku,qty\nA1,2\n")
    again = type(m).model_validate(json.loads(m.model_dump_json()))
    assert again == m
