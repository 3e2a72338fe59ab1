"""Expected against scanned: the rows the lines table shows once a manifest is loaded.

Lines merge into per-product groups (all lots and tags of a product together); the manifest's quantity is
compared with the group's total, shown on the group's first row. Split from scan_session.py; pure functions
over the session's lines, so the comparison can be read (and tested) on its own. Nothing here knows about Qt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from intake_gui.domain.barcode import CodeKind, ScanCode
from intake_gui.domain.catalog_index import CatalogIndex
from intake_gui.domain.manifest import Manifest, ManifestLine
from intake_gui.domain.models import DraftLine, Product

ZERO = Decimal("0")


class RowStatus(StrEnum):
    COUNTED = "counted"
    """No manifest loaded: nothing to compare with."""
    OK = "ok"
    OVER = "over"
    SHORT = "short"
    UNEXPECTED = "unexpected"


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the merged expected/scanned view."""

    key: str
    """The line id for a line row; the group key ("p:<product id>" or "m:<code>") for an expected-only row."""
    line: DraftLine | None
    product_id: int | None
    sku: str
    name: str
    expected: Decimal | None
    """The group's expected quantity, on the group's first row only."""
    scanned: Decimal
    """This row's own quantity (0 for an expected-only row)."""
    group_scanned: Decimal
    difference: Decimal | None
    """Group total minus expected, on the group's first row only."""
    status: RowStatus
    reason: str
    group: str = ""
    head: bool = True

    @property
    def line_id(self) -> str:
        return self.line.line_id if self.line is not None else ""

    @property
    def is_variance(self) -> bool:
        return self.head and self.status in (RowStatus.OVER, RowStatus.SHORT, RowStatus.UNEXPECTED)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "line_id": self.line_id,
            "product_id": self.product_id,
            "sku": self.sku,
            "name": self.name,
            "expected": None if self.expected is None else str(self.expected),
            "scanned": str(self.scanned),
            "difference": None if self.difference is None else str(self.difference),
            "status": self.status.value,
            "reason": self.reason,
        }


@dataclass(slots=True)
class Group:
    """The manifest lines of one product (or of one code no product matched), and their expected total."""

    key: str
    product: Product | None
    name: str
    sku: str
    expected: Decimal
    manifest_lines: list[ManifestLine]


def build_groups(
    manifest: Manifest | None, index: CatalogIndex
) -> tuple[dict[str, Group], dict[int, str]]:
    """The manifest's lines grouped per product (or per unmatched code): (groups, product id -> group key)."""
    groups: dict[str, Group] = {}
    line_group: dict[int, str] = {}
    if manifest is None:
        return groups, line_group
    for ml in manifest.lines:
        product = resolve_manifest_line(index, ml)
        if product is not None:
            key = f"p:{product.product_id}"
        else:
            key = f"m:{ml.gtin or ml.sku or ml.package_tag}"
        group = groups.get(key)
        if group is None:
            group = Group(
                key=key,
                product=product,
                name=product.name if product else ml.name or ml.label,
                sku=product.sku if product else ml.sku or ml.gtin or ml.package_tag,
                expected=ZERO,
                manifest_lines=[],
            )
            groups[key] = group
            if product is not None:
                line_group[product.product_id] = key
        group.expected += ml.quantity
        group.manifest_lines.append(ml)
    return groups, line_group


def resolve_manifest_line(index: CatalogIndex, ml: ManifestLine) -> Product | None:
    if ml.gtin:
        found = index.resolve(ScanCode(kind=CodeKind.GTIN, raw=ml.gtin, text=ml.gtin, gtin=ml.gtin))
        if found.product:
            return found.product
    if ml.package_tag:
        found = index.resolve(
            ScanCode(kind=CodeKind.PACKAGE_TAG, raw=ml.package_tag, package_tag=ml.package_tag)
        )
        if found.product:
            return found.product
    if ml.sku:
        found = index.resolve(ScanCode(kind=CodeKind.SKU, raw=ml.sku, text=ml.sku, sku=ml.sku))
        if found.product:
            return found.product
    return None


RowMemo = dict[str, tuple[tuple[Any, ...], Row]]
"""Rows built last time, by key, with what they were built from (`build_rows(memo=...)`)."""


def build_rows(
    lines: Iterable[DraftLine],
    groups: Mapping[str, Group] | None,
    reasons: Mapping[str, str],
    memo: RowMemo | None = None,
) -> tuple[Row, ...]:
    """Expected and scanned merged: manifest order first (each product's lines, or an expected-only row),
    then lines nobody expected. Without a manifest (`groups` None): the lines in the order first scanned.

    The rows are built again after every scan, and most are what they were. With a `memo` (kept by the
    caller from one build to the next) a row built from the same things is the same object as last time:
    a frozen `Row` costs ~6 µs to make and an identity check nothing, which is most of a scan's time at a
    few hundred lines (bench/bench_scan.py), and the lines table tells an unchanged row by identity. The
    memo is refilled with exactly this build's rows, so it holds nothing a delivery no longer shows.
    """
    old = dict(memo) if memo is not None else {}
    if memo is not None:
        memo.clear()

    def row(*fields: Any) -> Row:
        # Lines are frozen models, so a line that is the same object is the same line; tuple equality
        # checks identity before `==`.
        held = old.get(fields[0])
        made = held[1] if held is not None and held[0] == fields else Row(*fields)
        if memo is not None:
            memo[fields[0]] = (fields, made)
        return made

    entries = list(lines)
    if groups is None:
        counted: list[Row] = []
        for e in entries:
            reason = reasons.get(e.line_id, "")
            held = old.get(e.line_id)
            if held is not None and _counted_from(held[0], e, reason):
                counted.append(held[1])
                if memo is not None:
                    memo[e.line_id] = held
                continue
            counted.append(
                row(
                    *_line_head(e),
                    None,
                    e.quantity,
                    e.quantity,
                    None,
                    RowStatus.COUNTED,
                    reason,
                )
            )
        return tuple(counted)
    by_product: dict[int, list[DraftLine]] = {}
    for e in entries:
        by_product.setdefault(e.product_id, []).append(e)
    rows: list[Row] = []
    for group in groups.values():
        lines = by_product.pop(group.product.product_id, []) if group.product else []
        total = sum((ln.quantity for ln in lines), ZERO)
        diff = total - group.expected
        status = RowStatus.OK if diff == 0 else RowStatus.OVER if diff > 0 else RowStatus.SHORT
        reason = reasons.get(group.key, "")
        if not lines:
            rows.append(
                row(
                    group.key,
                    None,
                    group.product.product_id if group.product else None,
                    group.sku,
                    group.name,
                    group.expected,
                    ZERO,
                    ZERO,
                    diff,
                    status,
                    reason,
                    group.key,
                )
            )
            continue
        for i, ln in enumerate(lines):
            rows.append(
                row(
                    *_line_head(ln),
                    group.expected if i == 0 else None,
                    ln.quantity,
                    total,
                    diff if i == 0 else None,
                    status,
                    reason,
                    group.key,
                    i == 0,
                )
            )
    for ln in entries:
        if ln.product_id in by_product:
            rows.append(
                row(
                    *_line_head(ln),
                    None,
                    ln.quantity,
                    ln.quantity,
                    None,
                    RowStatus.UNEXPECTED,
                    reasons.get(ln.line_id, ""),
                )
            )
    return tuple(rows)


def _counted_from(fields: tuple[Any, ...], line: DraftLine, reason: str) -> bool:
    """Whether a row built from `fields` is the counted row (no manifest) of this line with this reason: what
    the full comparison would say, in the few checks that can differ (the rest follow from the line)."""
    return (
        len(fields) == 11
        and fields[1] is line
        and fields[9] is RowStatus.COUNTED
        and fields[10] == reason
    )


def _line_head(line: DraftLine) -> tuple[str, DraftLine, int, str, str]:
    """The fields every row of a line starts with: key, line, product id, SKU, name."""
    return (line.line_id, line, line.product_id, line.sku, line.name)
