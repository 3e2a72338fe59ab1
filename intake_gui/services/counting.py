"""Shelf count: read what the POS believes one room holds, in the form the comparison needs, and export it.

How a POS is read is its driver's `count` method, and the differences matter to what a count can claim:
- NONE (Dutchie): the only stock read is sellable inventory, which covers sales rooms only and names no
  packages. So a sales room is counted against it, per product; any other room is refused with the reason
  (`domain.count_checks.count_refusal`) instead of being compared with something that is not its stock.
- FULL (BLAZE): a `RoomCounts` read gives every product's packages in the room with their dates: the whole
  room, per package, oldest first, in a handful of reads.
- ON_DEMAND (IndicaOnline): the location's stock lists every product cheaply, but package dates and tags
  cost one read per product. The stock is read at the start and packages only for the products the clerk
  scans (`detail`, through `PackagesOnDemand`), so a count never waits on a thousand reads.

Whatever the POS, a read that comes back empty for the room gets the room-access warning before anything is
compared (the AIQ lesson: a key without access to a room sees an empty room, not an error). Every sentence
takes the POS's own words from its driver.
"""

from __future__ import annotations

import csv
import logging
import uuid
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from intake_gui.domain.count_checks import count_refusal, room_access_warning
from intake_gui.domain.counting import PackageDetail, ShelfQuantity
from intake_gui.domain.diagnosis import Diagnosis
from intake_gui.domain.models import Location, Room
from intake_gui.domain.pos_words import PosWords
from intake_gui.domain.scan_outcome import ScanOutcome
from intake_gui.domain.shelf_count import (
    CountComparison,
    RoomStock,
    count_result_data,
    shelves_from_rows,
)
from intake_gui.pos.base import PackagesOnDemand, ProgressFn, RoomCounts
from intake_gui.services.catalog import CatalogService, CatalogSnapshot
from intake_gui.services.context import AppContext
from intake_gui.services.setup import SetupService

log = logging.getLogger(__name__)

NO_DATES = (
    "The POS gave no package dates, so packages are listed in the POS's order, not oldest first."
)


def no_packages_note(words: PosWords) -> str:
    return f"{words.pos_name}'s sellable inventory names no packages, so this count compares per product only."


def shared_rooms_note(words: PosWords, n: int) -> str:
    room = words.room_word
    return (
        f"This {words.location_word} has {n} sales {room}s and {words.pos_name}'s sellable inventory lists "
        f"each product once, named after one {room}: a product stocked in two sales {room}s may show the "
        "quantity of both."
    )


class CountRefused(Exception):
    """This room cannot be counted against this POS; `diagnosis` says why and what to do instead."""

    def __init__(self, diagnosis: Diagnosis) -> None:
        super().__init__(diagnosis.headline)
        self.diagnosis = diagnosis


class CountingService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._setup = SetupService(ctx)
        self._catalog = CatalogService(ctx)

    # A count's steps go to the journal (written by its own thread, never the GUI's) and from there to the
    # shared record like a receive's events: a supervisor sees who counted which room, what they scanned and
    # what differed.

    def count_started(self, stock: RoomStock) -> str:
        """A new count of `stock`'s room: its journal id."""
        count_id = f"count-{uuid.uuid4().hex}"
        self._record(
            count_id,
            "count_started",
            {
                "location_id": stock.location.loc_id,
                "room_id": stock.room.room_id,
                "room": stock.room.name,
                "source": stock.source,
                "products": len(stock.shelves),
            },
        )
        return count_id

    def count_scanned(self, count_id: str, outcome: ScanOutcome, raw: str) -> None:
        product = outcome.product
        self._record(
            count_id,
            "count_scan",
            {
                "code": outcome.raw or raw,
                "outcome": outcome.kind.value,
                "product_id": product.product_id if product else None,
                "sku": product.sku if product else "",
                "quantity": str(outcome.quantity),
            },
        )

    def count_finished(self, count_id: str, comparison: CountComparison) -> None:
        self._record(count_id, "count_result", count_result_data(comparison))

    def _record(self, count_id: str, kind: str, data: dict[str, Any]) -> None:
        if count_id:
            self.ctx.writer.record_event_async(
                count_id, kind, data, actor=self.ctx.clerk, station=self.ctx.station
            )

    @property
    def words(self) -> PosWords:
        return self.ctx.words

    @property
    def method(self) -> PackageDetail | None:
        """How this POS is read for a count (its driver's `count`); None when it cannot be."""
        return self.ctx.driver.count

    # ---- what to count ----------------------------------------------------------------------------

    def locations(self) -> list[Location]:
        return self._setup.locations()

    def rooms(self, location: Location) -> list[Room]:
        """Countable rooms first (an inventory room this POS can read), then the rest with their reason."""
        rooms = self._setup.rooms(location)
        return sorted(rooms, key=lambda r: self.refusal(location, r, rooms) is not None)

    def refusal(
        self, location: Location, room: Room, rooms: Iterable[Room] = ()
    ) -> Diagnosis | None:
        return count_refusal(self.words, self.method, location, room, rooms)

    def catalog(self, location: Location, progress: ProgressFn | None = None) -> CatalogSnapshot:
        """The catalog to resolve scans with: the cached copy when there is one (a count must start at
        once), else a sync."""
        cached = self._catalog.load_cached(location)
        if cached is not None:
            return cached
        return self._catalog.sync(location, progress)

    # ---- the POS's belief -------------------------------------------------------------------------

    def read_stock(
        self, location: Location, room: Room, rooms: Iterable[Room] | None = None
    ) -> RoomStock:
        """What the POS believes `room` holds. Raises CountRefused when it cannot be counted here."""
        all_rooms = list(rooms) if rooms is not None else self._setup.rooms(location)
        refused = self.refusal(location, room, all_rooms)
        if refused is not None:
            raise CountRefused(refused)
        if self.method is PackageDetail.NONE:
            return self._sellable(location, room, all_rooms)
        if self.method is PackageDetail.ON_DEMAND:
            return self._on_demand(location, room)
        return self._full(location, room)

    def _sellable(self, location: Location, room: Room, rooms: list[Room]) -> RoomStock:
        words = self.words
        items = self.ctx.connector.sellable_inventory(location)
        sales = [r for r in rooms if r.sellable]
        notes = [no_packages_note(words)]
        if len(sales) <= 1:
            mine = items
        else:
            notes.append(shared_rooms_note(words, len(sales)))
            mine = [
                i
                for i in items
                if i.room_id == room.room_id
                or (i.room_id is None and i.room_name.casefold() == room.name.casefold())
            ]
        resolved, unresolved = _with_product_ids(mine)
        if unresolved:
            notes.append(
                f"{unresolved} row{'s' if unresolved != 1 else ''} of sellable inventory had no product "
                "id and could not be compared."
            )
        return RoomStock(
            location=location,
            room=room,
            shelves=shelves_from_rows(resolved),
            source=words.count_source,
            pos_name=words.pos_name,
            package_detail=PackageDetail.NONE,
            notes=tuple(notes),
            access=room_access_warning(
                words, location, room, room_rows=len(mine), location_rows=len(items)
            ),
        )

    def _on_demand(self, location: Location, room: Room) -> RoomStock:
        words = self.words
        items = [
            i
            for i in self.ctx.connector.sellable_inventory(location)
            if i.room_id is None or i.room_id == room.room_id
        ]
        resolved, _ = _with_product_ids(items)
        return RoomStock(
            location=location,
            room=room,
            shelves=shelves_from_rows(resolved),
            source=words.count_source,
            pos_name=words.pos_name,
            package_detail=PackageDetail.ON_DEMAND,
            notes=(words.count_note,) if words.count_note else (),
            access=room_access_warning(words, location, room, room_rows=len(items)),
        )

    def _full(self, location: Location, room: Room) -> RoomStock:
        words = self.words
        reader = self.ctx.capability(RoomCounts)  # type: ignore[type-abstract]  # a Protocol as a key: mypy#4717
        if (
            reader is None
        ):  # the driver's declaration and the connector disagree: say so, never guess
            raise CountRefused(count_refusal(words, None, location, room))  # type: ignore[arg-type]
        shelves = tuple(reader.room_quantities(location, room))
        dated = any(p.received_on for s in shelves for p in s.packages)
        notes = () if dated or not any(s.packages for s in shelves) else (NO_DATES,)
        return RoomStock(
            location=location,
            room=room,
            shelves=shelves,
            source=words.count_source,
            pos_name=words.pos_name,
            package_detail=PackageDetail.FULL,
            notes=notes,
            access=room_access_warning(words, location, room, room_rows=len(shelves)),
        )

    def start(
        self, location: Location, room: Room, rooms: list[Room]
    ) -> tuple[RoomStock, CatalogSnapshot]:
        """The POS's belief first (a refused room stops here, before a catalog sync), then the catalog."""
        stock = self.read_stock(location, room, rooms)
        return stock, self.catalog(location)

    def refresh(
        self, location: Location, room: Room, rooms: list[Room], scanned: list[int]
    ) -> RoomStock:
        """Read the room again, with package detail for what has been scanned so far."""
        return self.detail(self.read_stock(location, room, rooms), scanned)

    def read_detail(self, stock: RoomStock, product_ids: Iterable[int]) -> list[ShelfQuantity]:
        """The packages of these products, where `stock` still lacks them (ON_DEMAND: one read each).

        Returns shelves to merge with `apply_detail`, so a window can merge them into whatever stock it
        holds by the time the read returns.
        """
        wanted = stock.missing_detail(product_ids)
        reader = self.ctx.capability(PackagesOnDemand)  # type: ignore[type-abstract]  # a Protocol as a key: mypy#4717
        if not wanted or reader is None:
            return []
        return list(reader.room_quantities(stock.location, stock.room, product_ids=wanted))

    def detail(self, stock: RoomStock, product_ids: Iterable[int]) -> RoomStock:
        """`stock` with the packages of these products read; unchanged when nothing is missing."""
        wanted = stock.missing_detail(product_ids)
        if not wanted:
            return stock
        return apply_detail(stock, self.read_detail(stock, wanted), wanted)

    # ---- export -----------------------------------------------------------------------------------

    @staticmethod
    def export_csv(comparison: CountComparison, path: Path) -> int:
        """Write the comparison as UTF-8 CSV; returns the number of data rows (products and packages)."""
        rows = comparison.csv_rows()
        with Path(path).open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
        log.info("Count of %s exported: %d rows", comparison.room.name, len(rows) - 1)
        return len(rows) - 1


def _with_product_ids(items: Iterable[Any]) -> tuple[list[tuple[int, str, str, Any]], int]:
    """(product id, sku, name, quantity) rows, and how many rows had no product id to key them on."""
    out = []
    missing = 0
    for item in items:
        if item.product_id is None:
            missing += 1
            continue
        out.append((item.product_id, item.sku, item.product_name, item.quantity))
    return out, missing


def apply_detail(
    stock: RoomStock, shelves: Iterable[ShelfQuantity], product_ids: Iterable[int]
) -> RoomStock:
    """Merge a per-product package read into `stock`, noting once when the POS gave no dates."""
    shelves = list(shelves)
    fresh = stock.with_detail(shelves, product_ids)
    undated = any(s.packages and not any(p.received_on for p in s.packages) for s in shelves)
    if undated and NO_DATES not in fresh.notes:
        fresh = replace(fresh, notes=(*fresh.notes, NO_DATES))
    return fresh


def read_count_csv(path: Path) -> list[dict[str, str]]:
    """The rows of an exported count, as dicts keyed by the header (for checks and re-imports)."""
    with Path(path).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
