"""Shelf count, the comparison: over/short per product, and per package oldest first where the POS names them.

The rules a clerk and a manager rely on are listed in `domain.shelf_count`; this module applies them to a
`RoomStock` and the scan session's lines, and nothing else (no I/O, no POS kind).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from intake_gui.domain.counting import PackageQty, ShelfQuantity
from intake_gui.domain.models import DraftLine
from intake_gui.domain.shelf_count import (
    ZERO,
    CountComparison,
    CountScope,
    CountStatus,
    PackageCount,
    ProductCount,
    RoomStock,
    UnknownScan,
)


def _status(expected: Decimal, counted: Decimal) -> CountStatus:
    if counted == expected:
        return CountStatus.MATCH
    return CountStatus.OVER if counted > expected else CountStatus.SHORT


def _package_rows(
    shelf: ShelfQuantity | None,
    lines: Sequence[DraftLine],
    detail_known: bool,
) -> tuple[tuple[PackageCount, ...], str]:
    """Package rows for one product, FIFO, and the product's FIFO note ("" when none).

    Without package detail (the POS's read has none, or it has not been read yet) there are no package
    rows at all: a scanned tag cannot be called "not listed" by a read that lists no packages.
    """
    if not detail_known:
        return (), ""
    packages: tuple[PackageQty, ...] = shelf.packages if shelf is not None else ()
    tagged: dict[str, Decimal] = defaultdict(Decimal)
    untagged = ZERO
    for line in lines:
        tag = line.package_tag.strip().upper()
        if tag:
            tagged[tag] += line.quantity
        else:
            untagged += line.quantity
    counted_total = sum(tagged.values(), ZERO) + untagged
    by_tag = bool(tagged)
    out: list[PackageCount] = []
    seen: set[str] = set()
    for rank, package in enumerate(packages, start=1):
        label = package.label.strip().upper()
        if label and by_tag:
            seen.add(label)
            counted = tagged.get(label, ZERO)
            out.append(
                PackageCount(
                    package.id,
                    package.label,
                    package.received_on,
                    package.quantity,
                    counted,
                    _status(package.quantity, counted),
                    "" if counted else "tag not scanned",
                    rank,
                )
            )
        elif counted_total == 0:
            # Nothing of this product was found at all: every package is missing, whatever its tag.
            out.append(
                PackageCount(
                    package.id,
                    package.label,
                    package.received_on,
                    package.quantity,
                    ZERO,
                    _status(package.quantity, ZERO),
                    "",
                    rank,
                )
            )
        else:
            note = (
                "the POS gives no tag for this package"
                if not label
                else "counted by product barcode, not by package tag"
            )
            out.append(
                PackageCount(
                    package.id,
                    package.label,
                    package.received_on,
                    package.quantity,
                    None,
                    CountStatus.NOT_BY_PACKAGE,
                    note,
                    rank,
                )
            )
    if by_tag:
        for tag, qty in tagged.items():
            if tag not in seen:
                out.append(
                    PackageCount(
                        None,
                        tag,
                        None,
                        None,
                        qty,
                        CountStatus.OVER,
                        "package not listed by the POS for this room",
                    )
                )
        if untagged:
            out.append(
                PackageCount(
                    None,
                    "",
                    None,
                    None,
                    untagged,
                    CountStatus.NOT_BY_PACKAGE,
                    "scanned without a package tag",
                )
            )
    return tuple(out), _fifo_note(out) if by_tag else ""


def _fifo_note(rows: Sequence[PackageCount]) -> str:
    """A newer package on the shelf while an older one is missing: the mix-up FIFO exists to prevent."""
    listed = [r for r in rows if r.fifo_rank is not None and r.counted is not None]
    for i, older in enumerate(listed):
        if older.counted:
            continue
        newer = next((r for r in listed[i + 1 :] if r.counted), None)
        if newer is not None:
            when = f" (received {older.received_on.isoformat()})" if older.received_on else ""
            return (
                f"FIFO: older package {older.label or older.package_id}{when} was not found while "
                f"newer package {newer.label or newer.package_id} is on the shelf; sell the oldest first."
            )
    return ""


def compare(
    stock: RoomStock,
    lines: Iterable[DraftLine],
    *,
    unknown: Iterable[UnknownScan] = (),
    scope: CountScope = CountScope.ROOM,
) -> CountComparison:
    """Over/short per product (and per package where the POS names packages), products in name order."""
    by_product: dict[int, list[DraftLine]] = defaultdict(list)
    names: dict[int, tuple[str, str]] = {}
    for line in lines:
        by_product[line.product_id].append(line)
        names.setdefault(line.product_id, (line.sku, line.name))
    ids = set(by_product)
    if scope is CountScope.ROOM:
        ids |= set(stock.by_product)
    pos_name = stock.pos_name
    products: list[ProductCount] = []
    for pid in ids:
        shelf = stock.shelf(pid)
        scanned = by_product.get(pid, [])
        counted = sum((ln.quantity for ln in scanned), ZERO)
        expected = shelf.quantity if shelf is not None else ZERO
        sku, name = (shelf.sku, shelf.name) if shelf is not None else names[pid]
        if not name and pid in names:
            name = names[pid][1]
        packages, fifo = _package_rows(shelf, scanned, stock.has_packages(pid))
        if shelf is None:
            note = f"{pos_name} lists none in {stock.room.name}"
        elif counted == 0:
            note = "not found on the shelf"
        else:
            note = fifo
        products.append(
            ProductCount(
                pid,
                sku,
                name,
                expected,
                counted,
                _status(expected, counted),
                packages,
                note,
                in_pos=shelf is not None,
            )
        )
    products.sort(key=lambda p: (p.name.casefold(), p.sku, p.product_id or 0))
    for scan in unknown:
        products.append(
            ProductCount(
                None,
                scan.code,
                "",
                ZERO,
                scan.quantity,
                CountStatus.UNKNOWN_CODE,
                note="not in the catalog: find the product and scan it again, or leave it out",
                in_pos=False,
            )
        )
    return CountComparison(stock.location, stock.room, scope, tuple(products), stock.source)
