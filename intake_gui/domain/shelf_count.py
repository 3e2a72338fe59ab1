"""Shelf count: what a clerk counted in one room against what the POS believes the room holds.

Pure comparison, no I/O, so every rule is replayable in a plain test. The POS's belief arrives as a
`RoomStock` (built by the counting service from whatever read the POS offers), the clerk's count as the
scan session's lines; `compare` turns the two into over/short per product and, where the POS names its
packages, per package in FIFO order (oldest first).

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from intake_gui.domain.counting import PackageQty, ShelfQuantity
from intake_gui.domain.diagnosis import ROOM_ACCESS_HINT, Diagnosis
from intake_gui.domain.models import DraftLine, Location, PosKind, Room

ZERO = Decimal(0)

POS_NAMES = {
    PosKind.DUTCHIE: "Dutchie",
    PosKind.BLAZE: "BLAZE",
    PosKind.INDICA: "IndicaOnline",
}


def qty_text(value: Decimal | None) -> str:
    """Decimals as a clerk writes them: 3, not 3.000 or 3E+0; "" for nothing."""
    if value is None:
        return ""
    return format(value.normalize(), "f") if value else "0"


def signed_text(value: Decimal | None) -> str:
    """A difference with its sign, so "+2" (over) and "-2" (short) read differently at a glance."""
    if value is None:
        return ""
    text = qty_text(value)
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


class PackageDetail(StrEnum):
    """How much the POS's read says about packages, which decides what the count can claim about them."""

    FULL = "full"
    """Every product's packages are in the read (BLAZE batch quantities)."""
    ON_DEMAND = "on_demand"
    """Packages are read product by product as they are scanned (IndicaOnline: one read per product)."""
    NONE = "none"
    """The read has no packages at all (Dutchie's sellable inventory): per product only."""


@dataclass(frozen=True)
class RoomStock:
    """What the POS believes one room holds, and how far that belief can be trusted."""

    location: Location
    room: Room
    shelves: tuple[ShelfQuantity, ...]
    source: str
    """The POS read this came from, in words, for the window and the export."""
    pos: PosKind | None = None
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
        units = f"counted {qty_text(self.counted_units)} of {qty_text(self.expected_units)} units"
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
                    qty_text(p.expected),
                    qty_text(p.counted),
                    signed_text(p.difference),
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
                        qty_text(k.expected),
                        qty_text(k.counted),
                        signed_text(k.difference),
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
    pos_name = POS_NAMES.get(stock.pos, "the POS") if stock.pos else "the POS"
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


# ----------------------------------------------------------------------------------- before comparing


def count_refusal(
    kind: PosKind,
    location: Location,
    room: Room,
    rooms: Iterable[Room] = (),
    *,
    can_count: bool = True,
) -> Diagnosis | None:
    """Why this room cannot be counted against this POS, in words; None when it can."""
    pos = POS_NAMES.get(kind, "This POS")
    if not can_count:
        return Diagnosis(
            headline=f"{pos} offers Intake no way to read a room's stock.",
            what_happened="Without the POS's quantities there is nothing to compare a count with.",
            what_to_do="Count in the POS itself.",
        )
    if not room.inventory_room:
        return Diagnosis(
            headline=f"{room.name} is not an inventory room, so the POS keeps no stock there.",
            what_happened=(
                f"At {location.name}, {room.name} is not marked as an inventory room; nothing can be "
                "received into it, so there is nothing to count against."
            ),
            what_to_do="Choose an inventory room.",
        )
    if kind is PosKind.DUTCHIE and not room.sellable:
        sales = sorted(r.name for r in rooms if r.sellable)
        sales_text = f" ({', '.join(sales)})" if sales else ""
        return Diagnosis(
            headline=f"Dutchie offers no read of what {room.name} holds, so Intake cannot count it.",
            what_happened=(
                "The Backoffice API's only stock read is sellable inventory (preorder/inventory), which "
                f"shows sales rooms only; {room.name} is not a sales room. Packages can be read only per "
                "receive, which says what arrived, not what is on the shelf now. Comparing with either "
                "would report a wrong difference."
            ),
            what_to_do=(
                f"Count a sales room{sales_text} here, or count {room.name} against the Backoffice's own "
                "inventory screen."
            ),
            detail=f"LocId {location.loc_id}, RoomId {room.room_id}: PosRoom=no",
        )
    return None


def room_access_warning(
    kind: PosKind,
    location: Location,
    room: Room,
    *,
    room_rows: int,
    location_rows: int | None = None,
) -> Diagnosis | None:
    """Zero rows for a room the location has: say that room access is the likely cause, before comparing.

    `location_rows` is how many rows the same read returned for the whole location, when the read covers
    more than this room (Dutchie's sellable inventory does): zero there too makes the case stronger.
    """
    if room_rows > 0:
        return None
    pos = POS_NAMES.get(kind, "The POS")
    everywhere = location_rows == 0
    headline = f"{pos} shows no stock in {room.name}: the likely cause is room access for API keys / menus."
    happened = (
        f"Before comparing: {pos} answered, but with no rows for {room.name}, a room {location.name} "
        "has"
        + (", and none for the whole location either" if everywhere else "")
        + ". An empty answer usually means this login or API key is not allowed to see the room's "
        "inventory, not that the shelf is empty; counting against it would report everything scanned "
        "as over."
    )
    if kind is PosKind.DUTCHIE:
        todo = (
            ROOM_ACCESS_HINT
            + " The “Assign Rooms To Menus” switch itself is under Back Office > Settings > Location > "
            "Integrations; turning it off gives every API key access to all rooms."
        )
    elif kind is PosKind.BLAZE:
        todo = (
            f"If {room.name} does hold stock, ask your BLAZE administrator to give this partner and "
            f"developer key access to the {room.name} inventory of {location.name}, then press Refresh."
        )
    elif kind is PosKind.INDICA:
        todo = (
            f"If {location.name} does hold stock, ask your IndicaOnline administrator to give this API key "
            "access to this office's inventory, then press Refresh."
        )
    else:
        todo = "If the room does hold stock, give this login access to the room in the POS, then press Refresh."
    return Diagnosis(
        headline=headline,
        what_happened=happened,
        what_to_do=todo,
        detail=(
            f"LocId {location.loc_id}, room {room.room_id} ({room.name}): 0 rows"
            + ("" if location_rows is None else f"; {location_rows} rows for the whole location")
        ),
    )


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
