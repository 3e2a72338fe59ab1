"""What the delivery *should* contain: a vendor's manifest, from a CSV export or a WCIA transfer JSON.

Manifests come from many vendor systems, so the CSV reader is forgiving about headers, delimiters and a BOM,
and a bad row is reported next to the good ones instead of refusing the file: a clerk standing at the dock
with a driver needs the 58 good lines now and a note about the 2 bad ones. Only a file that is not a manifest
at all (no quantity column, not JSON) raises `ManifestError`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from intake_gui.domain.barcode import CodeKind, interpret
from intake_gui.domain.models import parse_cost
from intake_gui.domain.quantities import COMMA, MACHINE, NumberStyle, parse_quantity

MAX_LINES = 20_000


class ManifestError(ValueError):
    """The file as a whole is not a readable manifest. The message is for the clerk."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class ManifestLine(_Frozen):
    row: int
    """Where it came from: the CSV line number, or the 1-based item number in a WCIA transfer."""
    quantity: Decimal
    sku: str = ""
    gtin: str = ""
    """14 digits when the manifest gave a valid barcode."""
    package_tag: str = ""
    name: str = ""
    lot: str = ""
    unit_cost: Decimal | None = None
    is_sample: bool = False

    @property
    def label(self) -> str:
        """How to name this line to a clerk when it matches nothing in the catalog."""
        ident = self.sku or self.gtin or self.package_tag
        return f"{self.name} ({ident})" if self.name and ident else self.name or ident


class ManifestProblem(_Frozen):
    row: int
    message: str


class Manifest(_Frozen):
    lines: tuple[ManifestLine, ...] = ()
    source: str = ""
    """"csv" or "wcia"."""
    transfer_id: str = ""
    vendor_name: str = ""
    errors: tuple[ManifestProblem, ...] = ()

    @property
    def total_quantity(self) -> Decimal:
        return sum((ln.quantity for ln in self.lines), Decimal("0"))


_ALIASES: dict[str, frozenset[str]] = {
    "sku": frozenset(
        {"sku", "productsku", "itemsku", "vendorsku", "skucode", "productcode", "itemcode"}
    ),
    "gtin": frozenset({"gtin", "upc", "barcode", "ean", "upca", "gtin14", "ean13", "upccode"}),
    "tag": frozenset(
        {
            "package",
            "tag",
            "packagetag",
            "inventoryid",
            "packageid",
            "packagelabel",
            "metrctag",
            "metrc",
            "packagenumber",
            "uid",
        }
    ),
    "qty": frozenset(
        {
            "qty",
            "quantity",
            "count",
            "units",
            "qtyshipped",
            "quantityshipped",
            "shippedquantity",
            "shippedqty",
            "qtyordered",
            "quantityordered",
            "receivedqty",
            "unitcount",
        }
    ),
    "name": frozenset(
        {"name", "productname", "product", "item", "itemname", "description", "productdescription"}
    ),
    "lot": frozenset(
        {"lot", "batch", "lotnumber", "batchnumber", "lotno", "batchno", "lotid", "batchid"}
    ),
    "cost": frozenset({"cost", "unitcost", "unitprice", "price", "costperunit", "wholesaleprice"}),
}


def _header_key(header: str) -> str:
    return "".join(ch for ch in header.lower() if ch.isalnum())


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, title in enumerate(header):
        key = _header_key(title)
        for field, names in _ALIASES.items():
            if key in names and field not in found:
                found[field] = i
    return found


def _quantity(value: Any, style: NumberStyle = MACHINE) -> Decimal:
    """A manifest's quantity in the file's number style: "10.0000" (as exporters write it) is 10, "1,5" in a
    comma-decimal file is 1.5 and never 15; a thousands separator is a row error, not a guess."""
    return parse_quantity(value.strip() if isinstance(value, str) else value, style=style)


def _file_style(rows: list[list[str]], columns: dict[str, int]) -> NumberStyle:
    """Comma decimals only when the numbers say so: some quantity or cost cell is written "1,5" and none
    "1.5", in a file not separated by commas (a comma-separated file's numbers use the point)."""
    commas = points = 0
    for row in rows:
        for field in ("qty", "cost"):
            cell = _cell(row, columns, field)
            if _COMMA_DECIMAL.fullmatch(cell):
                commas += 1
            elif _POINT_DECIMAL.fullmatch(cell):
                points += 1
    return COMMA if commas and not points else MACHINE


_COMMA_DECIMAL = re.compile(r"\$?\s*\d+,(\d{1,2}|\d{4,})")
_POINT_DECIMAL = re.compile(r"\$?\s*\d*\.\d+")


def _cell(row: list[str], columns: dict[str, int], field: str) -> str:
    i = columns.get(field)
    if i is None or i >= len(row):
        return ""
    return row[i].strip()


def parse_csv(text: str) -> Manifest:
    """A vendor's CSV (or semicolon/tab/pipe separated) manifest."""
    text = text.lstrip("\ufeff")
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header: list[str] | None = None
    columns: dict[str, int] = {}
    rows: list[tuple[int, list[str]]] = []
    lines: list[ManifestLine] = []
    errors: list[ManifestProblem] = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = row
                columns = _columns(row)
                if "qty" not in columns:
                    raise ManifestError(
                        "No quantity column found (looked for qty, quantity, count, units). "
                        f"The first row was: {', '.join(c.strip() for c in row)[:200]}"
                    )
                if not {"sku", "gtin", "tag"} & columns.keys():
                    raise ManifestError(
                        "No column identifies the products (looked for sku, barcode/upc/gtin, package/tag)."
                    )
                continue
            if len(rows) >= MAX_LINES:
                errors.append(
                    ManifestProblem(
                        row=reader.line_num, message=f"Stopped after {MAX_LINES} lines."
                    )
                )
                break
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        errors.append(
            ManifestProblem(row=reader.line_num, message=f"The file is damaged from here on: {exc}")
        )
    if header is None:
        raise ManifestError("The file is empty.")
    style = MACHINE if dialect.delimiter == "," else _file_style([r for _, r in rows], columns)
    for row_no, row in rows:
        line, problem = _csv_line(row, columns, row_no, style)
        if problem:
            errors.append(ManifestProblem(row=row_no, message=problem))
        if line is not None:
            lines.append(line)
    errors.sort(key=lambda e: e.row)
    return Manifest(lines=tuple(lines), source="csv", errors=tuple(errors))


def _csv_line(
    row: list[str], columns: dict[str, int], row_no: int, style: NumberStyle = MACHINE
) -> tuple[ManifestLine | None, str]:
    sku = _cell(row, columns, "sku").upper()
    tag = _cell(row, columns, "tag").upper()
    barcode = _cell(row, columns, "gtin")
    name = _cell(row, columns, "name")
    problem = ""
    gtin = ""
    if barcode:
        code = interpret(barcode)
        if code.kind is CodeKind.GTIN or (code.kind is CodeKind.GS1 and code.gtin):
            gtin = code.gtin
        elif code.kind is CodeKind.PACKAGE_TAG and not tag:
            tag = code.package_tag
        elif code.kind is CodeKind.SKU and not sku:
            sku = code.sku
        else:
            problem = f"Barcode “{barcode}” is not valid ({code.message or 'unrecognised'})."
    if not (sku or gtin or tag):
        return None, problem or "No SKU, barcode or package tag on this line."
    try:
        qty = _quantity(_cell(row, columns, "qty"), style)
    except ValueError as exc:
        return None, f"{name or sku or gtin or tag}: {exc}"
    cost: Decimal | None = None
    raw_cost = _cell(row, columns, "cost")
    if raw_cost:
        try:
            cost = parse_cost(raw_cost, style=style)
        except ValueError as exc:
            problem = problem or str(exc)
    line = ManifestLine(
        row=row_no,
        quantity=qty,
        sku=sku,
        gtin=gtin,
        package_tag=tag,
        name=name,
        lot=_cell(row, columns, "lot"),
        unit_cost=cost,
    )
    return line, problem


def parse_wcia(json_text: str) -> Manifest:
    """A WCIA Transfer Data Schema (v2.x) JSON transfer: items carry product_sku, inventory_id, qty."""
    try:
        doc = json.loads(json_text.lstrip("\ufeff"))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ManifestError(f"This is not a JSON file ({exc}).") from None
    if not isinstance(doc, dict):
        raise ManifestError("This JSON is not a WCIA transfer (expected an object at the top).")
    items = doc.get("inventory_transfer_items")
    if not isinstance(items, list):
        raise ManifestError("This JSON is not a WCIA transfer (no inventory_transfer_items list).")
    lines: list[ManifestLine] = []
    errors: list[ManifestProblem] = []
    for n, item in enumerate(items[:MAX_LINES], start=1):
        if not isinstance(item, dict):
            errors.append(ManifestProblem(row=n, message="Item is not an object."))
            continue
        line, problem = _wcia_line(item, n)
        if problem:
            errors.append(ManifestProblem(row=n, message=problem))
        if line is not None:
            lines.append(line)
    if len(items) > MAX_LINES:
        errors.append(
            ManifestProblem(row=MAX_LINES + 1, message=f"Stopped after {MAX_LINES} items.")
        )
    return Manifest(
        lines=tuple(lines),
        source="wcia",
        transfer_id=_text(doc.get("transfer_id")),
        vendor_name=_text(doc.get("from_license_name")),
        errors=tuple(errors),
    )


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else "" if value is None else str(value)


def _wcia_line(item: dict[str, Any], n: int) -> tuple[ManifestLine | None, str]:
    sku = _text(item.get("product_sku")).upper()
    tag = _text(item.get("inventory_id")).upper()
    name = _text(item.get("product_name"))
    if not (sku or tag):
        return None, f"{name or 'Item'}: no product_sku or inventory_id."
    try:
        qty = _quantity(item.get("qty", ""))
    except ValueError as exc:
        return None, f"{name or sku or tag}: {exc}"
    cost: Decimal | None = None
    problem = ""
    line_price = _text(item.get("line_price"))
    if line_price:
        try:
            cost = parse_cost(parse_cost(line_price, style=MACHINE) / qty)
        except ValueError as exc:
            problem = f"{name or sku or tag}: line_price {exc}"
    is_sample = _text(item.get("is_sample")).lower() in ("1", "true", "yes")
    line = ManifestLine(
        row=n,
        quantity=qty,
        sku=sku,
        package_tag=tag,
        name=name,
        unit_cost=cost,
        is_sample=is_sample,
    )
    return line, problem
