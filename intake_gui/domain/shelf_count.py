"""Shelf count: what a clerk counted in one room against what the POS believes the room holds.

Pure data, no I/O, so every rule is replayable in a plain test. The POS's belief arrives as a `RoomStock`
(built by the counting service from whatever read the POS offers), the clerk's count as the scan session's
lines; `count_compare.compare` turns the two into a `CountComparison`: over/short per product and, where
the POS names its packages, per package in FIFO order (oldest first). `count_checks` says, before anything
is compared, when a room cannot be counted or its empty read is more likely missing access than an empty
shelf. This module holds the shapes all three share.

Rules a clerk and a manager rely on:

* A product the POS lists but nobody scanned is *short* by its whole quantity when the whole room is
  counted; a spot check (`CountScope.SCANNED`) leaves such products out instead of crying wolf.
* Per package, only scans that carry the package's tag count for it. A product counted by its barcode alone
  says nothing about *which* package is on the shelf, so its packages read "not counted by package"
  rather than short.
* Oldest first: when the clerk counts by tag and finds a newer package while an older one is missing, the
  product gets a FIFO note, because that is the mix-up a count is meant to catch.
* An unknown code is never dropped: it becomes its own row, so the export shows everything that was scanned.
* Zero rows for a room the location has is not an empty shelf until proved otherwise: an API key without
  access to the room sees nothing (the AIQ lesson), so `room_access_warning` says so before comparing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from intake_gui.domain.counting import PackageDetail, ShelfQuantity
from intake_gui.domain.diagnosis import Diagnosis
from intake_gui.domain.models import Location, Room
from intake_gui.domain.quantities import MACHINE, NumberStyle, format_quantity

ZERO = Decimal(0)


def signed_text(value: Decimal | None, *, style: NumberStyle | None = None) -> str:
    """A difference with its sign, so "+2" (over) and "-2" (short) read differently at a glance (an ASCII
    minus, so the CSV's column reads back as a number); the station's decimal mark unless `style` says."""
    if value is None:
        return ""
    text = format_quantity(value, style=style)
    return f"+{text}" if value > 0 else text


class CountScope(StrEnum):
    ROOM = "room"
    """The clerk counts the whole room: anything the POS lists and nobody scanned is short."""
    SCANNED = "scanned"
    """A spot check: only what was scanned is compared."""


class CountStatus(StrEnum):
    MATCH = "match"
    OVER = "over"
    SHORT = "short"
    NOT_BY_PACKAGE = "not counted by package"
    """A package row of a product counted by barcode alone, or a package the POS gives no tag for."""
    UNKNOWN_CODE = "unknown code"
    """A scanned code that matches no product: kept so nothing scanned disappears from the count."""

    @property
    def is_variance(self) -> bool:
        return self in (CountStatus.OVER, CountStatus.SHORT, CountStatus.UNKNOWN_CODE)


@dataclass(frozen=True)
class RoomStock:
    """What the POS believes one room holds, and how far that belief can be trusted."""

    location: Location
    room: Room
    shelves: tuple[ShelfQuantity, ...]
    source: str
    """The POS read this came from, in words, for the window and the export."""
    pos_name: str = "the POS"
    """The POS's name as a clerk says it, for notes such as "BLAZE lists none in Safe"."""
    package_detail: PackageDetail = PackageDetail.FULL
    detailed: frozenset[int] = frozenset()
    """With ON_DEMAND detail: the products whose packages have been read."""
    notes: tuple[str, ...] = ()
    """What the clerk should know about this read (a caveat of the POS), shown above the table."""
    access: Diagnosis | None = None
    """The room-access warning, when the read came back empty for this room."""
    read_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @cached_property
    def by_product(self) -> dict[int, ShelfQuantity]:
        return {s.product_id: s for s in self.shelves}

    def shelf(self, product_id: int) -> ShelfQuantity | None:
        return self.by_product.get(product_id)

    @property
    def total(self) -> Decimal:
        return sum((s.quantity for s in self.shelves), ZERO)

    def has_packages(self, product_id: int) -> bool:
        """Whether this read can speak about the product's packages at all."""
        if self.package_detail is PackageDetail.NONE:
            return False
        if self.package_detail is PackageDetail.ON_DEMAND:
            return product_id in self.detailed
        return True

    def missing_detail(self, product_ids: Iterable[int]) -> list[int]:
        """Products the POS lists here whose packages still have to be read (ON_DEMAND only)."""
        if self.package_detail is not PackageDetail.ON_DEMAND:
            return []
        return sorted(
            {pid for pid in product_ids if pid in self.by_product and pid not in self.detailed}
        )

    def with_detail(
        self, shelves: Iterable[ShelfQuantity], product_ids: Iterable[int]
    ) -> RoomStock:
        """This stock with the packages of `product_ids` filled in from a per-product read.

        The detailed read is the newer one, so its quantity wins; a product it no longer lists has been sold
        out since the first read and is dropped.
        """
        asked = set(product_ids)
        fresh = {s.product_id: s for s in shelves if s.product_id in asked}
        kept = [s for s in self.shelves if s.product_id not in asked]
        return replace(
            self,
            shelves=tuple(kept + list(fresh.values())),
            detailed=self.detailed | frozenset(asked),
        )

    def labels(self) -> dict[str, int]:
        """Package tag -> product id, so a scanned package tag finds its product in count mode."""
        out: dict[str, int] = {}
        for shelf in self.shelves:
            for package in shelf.packages:
                if package.label:
                    out[package.label.strip().upper()] = shelf.product_id
        return out


@dataclass(frozen=True)
class PackageCount:
    package_id: int | str | None
    label: str
    received_on: date | None
    expected: Decimal | None
    """What the POS says is in this package here; None for a package the POS does not list."""
    counted: Decimal | None
    """What the clerk counted by this package's tag; None when the count cannot say (see NOT_BY_PACKAGE)."""
    status: CountStatus
    note: str = ""
    fifo_rank: int | None = None
    """1 for the oldest package of the product, 2 for the next; None for a package the POS does not list."""

    @property
    def difference(self) -> Decimal | None:
        if self.counted is None:
            return None
        return self.counted - (self.expected or ZERO)


@dataclass(frozen=True)
class ProductCount:
    product_id: int | None
    sku: str
    name: str
    expected: Decimal
    counted: Decimal
    status: CountStatus
    packages: tuple[PackageCount, ...] = ()
    note: str = ""
    in_pos: bool = True

    @property
    def difference(self) -> Decimal:
        return self.counted - self.expected

    @property
    def key(self) -> str:
        return f"p:{self.product_id}" if self.product_id is not None else f"c:{self.sku}"


@dataclass(frozen=True)
class CountComparison:
    location: Location
    room: Room
    scope: CountScope
    products: tuple[ProductCount, ...]
    source: str = ""

    @property
    def over(self) -> list[ProductCount]:
        return [p for p in self.products if p.status is CountStatus.OVER]

    @property
    def short(self) -> list[ProductCount]:
        return [p for p in self.products if p.status is CountStatus.SHORT]

    @property
    def matched(self) -> list[ProductCount]:
        return [p for p in self.products if p.status is CountStatus.MATCH]

    @property
    def unknown(self) -> list[ProductCount]:
        return [p for p in self.products if p.status is CountStatus.UNKNOWN_CODE]

    @property
    def counted_units(self) -> Decimal:
        return sum((p.counted for p in self.products), ZERO)

    @property
    def expected_units(self) -> Decimal:
        return sum((p.expected for p in self.products), ZERO)

    def product(self, product_id: int) -> ProductCount | None:
        return next((p for p in self.products if p.product_id == product_id), None)

    def summary(self) -> str:
        """One line for the window's status: how many products, and how many differ which way."""
        n = len(self.products)
        if n == 0:
            return "Nothing to compare yet: scan what is on the shelf."
        parts = [f"{len(self.matched)} match", f"{len(self.over)} over", f"{len(self.short)} short"]
        if self.unknown:
            parts.append(f"{len(self.unknown)} unknown code{'s' if len(self.unknown) != 1 else ''}")
        counted, expected = (
            format_quantity(self.counted_units),
            format_quantity(self.expected_units),
        )
        units = f"counted {counted} of {expected} units"
        return f"{n} product{'s' if n != 1 else ''}: " + ", ".join(parts) + f"; {units}."

    def csv_rows(self) -> list[list[str]]:
        """The comparison as CSV rows (header first): one row per product, then its packages oldest first."""
        rows = [list(CSV_COLUMNS)]
        where = [self.location.name, self.room.name]
        for p in self.products:
            rows.append(
                [
                    *where,
                    "product",
                    "" if p.product_id is None else str(p.product_id),
                    p.sku,
                    p.name,
                    "",
                    "",
                    "",
                    "",
                    format_quantity(p.expected, style=MACHINE),
                    format_quantity(p.counted, style=MACHINE),
                    signed_text(p.difference, style=MACHINE),
                    p.status.value,
                    p.note,
                ]
            )
            for k in p.packages:
                rows.append(
                    [
                        *where,
                        "package",
                        "" if p.product_id is None else str(p.product_id),
                        p.sku,
                        p.name,
                        "" if k.package_id is None else str(k.package_id),
                        k.label,
                        k.received_on.isoformat() if k.received_on else "",
                        "" if k.fifo_rank is None else str(k.fifo_rank),
                        format_quantity(k.expected, style=MACHINE),
                        format_quantity(k.counted, style=MACHINE),
                        signed_text(k.difference, style=MACHINE),
                        k.status.value,
                        k.note,
                    ]
                )
        return rows


CSV_COLUMNS = (
    "location",
    "room",
    "row",
    "product_id",
    "sku",
    "product",
    "package_id",
    "package_tag",
    "received_on",
    "fifo",
    "pos_quantity",
    "counted",
    "difference",
    "status",
    "note",
)
"""One header for product and package rows ("row" tells them apart), so a spreadsheet can filter either."""


@dataclass(frozen=True)
class UnknownScan:
    """A scanned code the catalog could not resolve, with how many times it was read."""

    code: str
    quantity: Decimal


def shelves_from_rows(
    rows: Iterable[tuple[int, str, str, Decimal]],
) -> tuple[ShelfQuantity, ...]:
    """Per-product totals from (product id, sku, name, quantity) rows; a read may list a product twice."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    info: dict[int, tuple[str, str]] = {}
    for pid, sku, name, qty in rows:
        totals[pid] += qty
        info.setdefault(pid, (sku, name))
    return tuple(
        ShelfQuantity(product_id=pid, sku=info[pid][0], name=info[pid][1], quantity=qty)
        for pid, qty in totals.items()
    )


def count_result_data(comparison: CountComparison) -> dict[str, object]:
    """What a finished count found, for the journal and the shared record: the totals and every product that
    differs (a matching product is only counted), quantities as machine text."""
    differs = [p for p in comparison.products if p.status is not CountStatus.MATCH]
    return {
        "location_id": comparison.location.loc_id,
        "room_id": comparison.room.room_id,
        "room": comparison.room.name,
        "scope": comparison.scope.value,
        "source": comparison.source,
        "products": len(comparison.products),
        "matched": len(comparison.matched),
        "over": len(comparison.over),
        "short": len(comparison.short),
        "unknown": len(comparison.unknown),
        "counted_units": str(comparison.counted_units),
        "expected_units": str(comparison.expected_units),
        "differences": [
            {
                "product_id": p.product_id,
                "sku": p.sku,
                "status": p.status.value,
                "expected": str(p.expected),
                "counted": str(p.counted),
            }
            for p in differs
        ],
    }
