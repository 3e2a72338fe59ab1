"""Shelf count: read what the POS believes one room holds, in the form the comparison needs, and export it.

Each POS has a different read for it, and the differences matter to what a count can claim:
- Dutchie Backoffice: no room-level count read is known. Its only stock read is sellable inventory
  (preorder/inventory), which covers sales rooms only and names no packages. So a sales room is counted
  against sellable inventory, per product; any other room is refused with the reason (see
  `domain.shelf_count.count_refusal`) instead of being compared with something that is not its stock.
- BLAZE: batch quantities by inventory give every product's batches in the room with their dates: the
  whole room, per package, oldest first, in a handful of reads.
- IndicaOnline: the office inventory lists every product cheaply, but package dates and tags cost one
  read per product. The whole office is read at the start and packages are read only for the products the
  clerk scans (`detail`), so a count never waits on a thousand reads.

Whatever the POS, a read that comes back empty for the room gets the room-access warning before anything is
compared (the AIQ lesson: a key without access to a room sees an empty room, not an error).
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from intake_gui.domain.counting import ShelfQuantity
from intake_gui.domain.diagnosis import Diagnosis
from intake_gui.domain.models import Location, PosKind, Room
from intake_gui.domain.shelf_count import (
    CountComparison,
    PackageDetail,
    RoomStock,
    count_refusal,
    room_access_warning,
    shelves_from_rows,
)
from intake_gui.pos.base import ProgressFn
from intake_gui.services.catalog import CatalogService, CatalogSnapshot
from intake_gui.services.context import AppContext
from intake_gui.services.setup import SetupService

log = logging.getLogger(__name__)

DUTCHIE_SOURCE = "Dutchie sellable inventory (preorder/inventory)"
BLAZE_SOURCE = "BLAZE batch quantities by inventory"
INDICA_SOURCE = "IndicaOnline inventory by office"

DUTCHIE_NO_PACKAGES = (
    "Dutchie's sellable inventory names no packages, so this count compares per product only."
)
DUTCHIE_SHARED_ROOMS = (
    "This location has {n} sales rooms and Dutchie's sellable inventory lists each product once, named "
    "after one room: a product stocked in two sales rooms may show the quantity of both."
)
INDICA_ON_DEMAND = (
    "IndicaOnline has no rooms: the whole office is one room. Package tags and check-in dates are read "
    "for each product as you scan it."
)
NO_DATES = (
    "The POS gave no package dates, so packages are listed in the POS's order, not oldest first."
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

    @property
    def kind(self) -> PosKind:
        return self.ctx.connector.kind

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
        return count_refusal(
            self.kind,
            location,
            room,
            rooms,
            can_count=self.ctx.connector.capabilities.count,
        )

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
        if self.kind is PosKind.DUTCHIE:
            return self._dutchie(location, room, all_rooms)
        if self.kind is PosKind.INDICA:
            return self._indica(location, room)
        return self._by_room(location, room)

    def _dutchie(self, location: Location, room: Room, rooms: list[Room]) -> RoomStock:
        items = self.ctx.connector.sellable_inventory(location)
        sales = [r for r in rooms if r.sellable]
        notes = [DUTCHIE_NO_PACKAGES]
        if len(sales) <= 1:
            mine = items
        else:
            notes.append(DUTCHIE_SHARED_ROOMS.format(n=len(sales)))
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
            source=DUTCHIE_SOURCE,
            pos=PosKind.DUTCHIE,
            package_detail=PackageDetail.NONE,
            notes=tuple(notes),
            access=room_access_warning(
                PosKind.DUTCHIE, location, room, room_rows=len(mine), location_rows=len(items)
            ),
        )

    def _indica(self, location: Location, room: Room) -> RoomStock:
        items = self.ctx.connector.sellable_inventory(location)
        resolved, _ = _with_product_ids(items)
        return RoomStock(
            location=location,
            room=room,
            shelves=shelves_from_rows(resolved),
            source=INDICA_SOURCE,
            pos=PosKind.INDICA,
            package_detail=PackageDetail.ON_DEMAND,
            notes=(INDICA_ON_DEMAND,),
            access=room_access_warning(PosKind.INDICA, location, room, room_rows=len(items)),
        )

    def _by_room(self, location: Location, room: Room) -> RoomStock:
        reader = getattr(self.ctx.connector, "room_quantities", None)
        if (
            reader is None
        ):  # a POS whose capabilities claim count without the read: say so, never guess
            missing = count_refusal(self.kind, location, room, can_count=False)
            assert missing is not None
            raise CountRefused(missing)
        shelves = tuple(reader(location, room))
        dated = any(p.received_on for s in shelves for p in s.packages)
        notes = () if dated or not any(s.packages for s in shelves) else (NO_DATES,)
        return RoomStock(
            location=location,
            room=room,
            shelves=shelves,
            source=BLAZE_SOURCE if self.kind is PosKind.BLAZE else "POS room quantities",
            pos=self.kind,
            package_detail=PackageDetail.FULL,
            notes=notes,
            access=room_access_warning(self.kind, location, room, room_rows=len(shelves)),
        )

    def read_detail(self, stock: RoomStock, product_ids: Iterable[int]) -> list[ShelfQuantity]:
        """The packages of these products, where `stock` still lacks them (IndicaOnline: one read each).

        Returns shelves to merge with `apply_detail`, so a window can merge them into whatever stock it
        holds by the time the read returns.
        """
        wanted = stock.missing_detail(product_ids)
        if not wanted:
            return []
        reader: Any = self.ctx.connector.room_quantities  # type: ignore[attr-defined]
        return list(reader(stock.location, stock.room, product_ids=wanted))

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
