"""The 17k-row products answer, parsed fast: WireProduct's rules, straight to domain Products.

Why a module of its own: this is the one answer large enough for parsing to show (it runs beside a clerk
who is scanning, see BENCHMARKS.md and `bench/bench_parse.py`), so it validates whole chunks in one Rust
call instead of one model per row, and falls back to the tolerant row-by-row reader only for a chunk the
fast call refuses. A test compares it with `WireProduct.to_domain` over the sandbox's whole catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, NotRequired

from pydantic import Field, TypeAdapter, ValidationError
from typing_extensions import TypedDict

from intake_gui.domain.models import Product
from intake_gui.pos.dutchie.wire import WireProduct, gtin14
from intake_gui.pos.tolerant import (
    ReadReport,
    check_usable,
    note_plan,
    plan_for,
    publish,
    read_row,
    rows_of,
)
from intake_gui.pos.units import dutchie_measure


class _ProductRow(TypedDict):
    """WireProduct's fields under their canonical wire names, validated into a plain dict keyed by field
    name: no model instance per row, which at 17k rows is most of the parsing cost. `parse_products` must
    give exactly what `WireProduct.to_domain` gives (a test compares the two over the whole catalogue)."""

    product_id: Annotated[int, Field(alias="ProductId")]
    sku: Annotated[str, Field(alias="Sku", min_length=1)]
    name: NotRequired[Annotated[str | None, Field(alias="ProductName")]]
    brand: NotRequired[Annotated[str | None, Field(alias="BrandName")]]
    category: NotRequired[Annotated[str | None, Field(alias="Category")]]
    unit_cost: NotRequired[Annotated[Decimal | None, Field(alias="UnitCost")]]
    unit_id: NotRequired[Annotated[int | None, Field(alias="UnitId")]]
    unit_name: NotRequired[Annotated[str | None, Field(alias="UnitName")]]
    upc: NotRequired[Annotated[str | None, Field(alias="Upc")]]
    is_cannabis: NotRequired[Annotated[bool | None, Field(alias="IsCannabis")]]


_PRODUCT_DEFAULTS: dict[str, Any] = {
    "name": "",
    "brand": "",
    "category": "",
    "unit_cost": None,
    "unit_id": 1,
    "unit_name": "",
    "upc": "",
    "is_cannabis": True,
}
_product_rows = TypeAdapter(list[_ProductRow])
_products = TypeAdapter(list[Product])

PARSE_CHUNK = 1000
"""Rows per validation call. One call is one stretch of Rust that holds the GIL; a thousand rows keep it
to a few milliseconds, so the GUI thread gets its turn between chunks of a 17k catalog."""


def parse_products(data: object, endpoint: str = "get-products-lite") -> list[Product]:
    """The products answer (`Data`), straight to domain Products: what
    `[row.to_domain() for row in parse_rows(WireProduct, data)]` gives, in well under half the time.

    Each chunk is renamed by its key layout's plan (free when the keys are already the canonical ones)
    and validated in one Rust call; a chunk that call refuses (a number with a thousands comma, " yes ",
    a row without its SKU) is read row by row by the tolerant reader instead, so the answer is the same
    and only odd chunks pay. Raises ValueError only when `Data` holds no list.
    """
    report = ReadReport(endpoint)
    rows = rows_of(data, report)
    out: list[Product] = []
    for start in range(0, len(rows), PARSE_CHUNK):
        chunk = rows[start : start + PARSE_CHUNK]
        domain = _fast_chunk(chunk, report)
        if domain is None:
            domain = []
            for raw in chunk:
                row = read_row(WireProduct, raw, report)
                if row is not None:
                    domain.append(_product_values(row.model_dump()))
        out.extend(_products.validate_python(domain))
    publish(report)
    check_usable(report)
    return out


def _fast_chunk(chunk: list[Any], report: ReadReport) -> list[dict[str, Any]] | None:
    renamed: list[Any] = []
    layouts: dict[Any, int] = {}
    last_keys: tuple[str, ...] = ()
    plan = None
    for raw in chunk:
        if not isinstance(raw, dict):
            return None
        keys = tuple(raw)
        if plan is None or keys != last_keys:  # rows of one answer nearly always share their keys
            plan, last_keys = plan_for(WireProduct, keys), keys
        layouts[plan] = layouts.get(plan, 0) + 1
        renamed.append(raw if plan.canonical else {c: raw[k] for c, k in plan.canonical_pairs})
    try:
        rows = _product_rows.validate_python(renamed)
    except ValidationError:
        return None
    report.rows += len(chunk)
    for seen, count in layouts.items():
        note_plan(WireProduct, seen, report, count)
    return [_product_values(row) for row in rows]


def _product_values(row: Mapping[str, Any]) -> dict[str, Any]:
    """Domain Product values from a validated row keyed by field name; null means the default."""
    values = {**_PRODUCT_DEFAULTS, **row}
    # [input] how it is counted, from the UnitId as sent (before the default 1) or the unit's name
    values["measure"] = dutchie_measure(row.get("unit_id"), values.pop("unit_name"))
    if None in row.values():
        for name, value in row.items():
            if value is None:
                values[name] = _PRODUCT_DEFAULTS[name]
    values["gtin"] = gtin14(values.pop("upc"))
    if not values["name"]:
        values["name"] = values["sku"]
    return values
