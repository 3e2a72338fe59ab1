"""The counting service against the three emulators over loopback HTTP: which read each POS gives, what it
can claim about packages, which rooms are refused, and the room-access warning for an empty read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from intake_gui.domain.count_compare import compare
from intake_gui.domain.counting import fifo_key
from intake_gui.domain.models import DraftLine, Location, Room, SellableItem
from intake_gui.domain.shelf_count import CountScope, CountStatus, PackageDetail
from intake_gui.pos.dutchie.words import DUTCHIE_WORDS
from intake_gui.pos.indica.words import INDICA_WORDS
from intake_gui.pos.registry import driver_for
from intake_gui.sandbox import AZ_LOC_ID
from intake_gui.services.context import AppContext
from intake_gui.services.counting import (
    CountingService,
    CountRefused,
    no_packages_note,
    read_count_csv,
)

OpenPos = Callable[..., AppContext]


def _place(counting: CountingService, loc_id: int | None = None) -> tuple[Location, list[Room]]:
    locations = counting.locations()
    loc = next(x for x in locations if loc_id is None or x.loc_id == loc_id)
    return loc, counting.rooms(loc)


def _room(rooms: list[Room], name: str) -> Room:
    return next(r for r in rooms if r.name == name)


def test_dutchie_counts_a_sales_room_against_sellable_inventory_per_product(
    open_pos: OpenPos,
) -> None:
    ctx = open_pos("dutchie")
    counting = CountingService(ctx)
    loc, rooms = _place(counting, AZ_LOC_ID)
    assert rooms[0].name == "Sales Floor"  # the one room Dutchie can count comes first
    stock = counting.read_stock(loc, rooms[0], rooms)
    sellable = ctx.connector.sellable_inventory(loc)
    assert len(stock.shelves) == len({i.product_id for i in sellable}) > 0
    assert stock.total == sum(i.quantity for i in sellable)
    assert stock.package_detail is PackageDetail.NONE and stock.access is None
    assert stock.notes == (no_packages_note(DUTCHIE_WORDS),)
    assert stock.source == DUTCHIE_WORDS.count_source
    assert all(s.packages == () for s in stock.shelves)


def test_dutchie_refuses_a_storage_room_and_says_why(open_pos: OpenPos) -> None:
    counting = CountingService(open_pos("dutchie"))
    loc, rooms = _place(counting, AZ_LOC_ID)
    with pytest.raises(CountRefused) as refused:
        counting.read_stock(loc, _room(rooms, "Vault"), rooms)
    words = refused.value.diagnosis
    assert "Dutchie offers no read of what Vault holds" in words.headline
    assert "Count a sales room (Sales Floor) here" in words.what_to_do
    with pytest.raises(CountRefused, match="not marked as holding inventory"):
        counting.read_stock(loc, _room(rooms, "Break Room"), rooms)


def test_dutchie_empty_sellable_read_warns_about_room_access(open_pos: OpenPos) -> None:
    counting = CountingService(open_pos("dutchie"))
    loc, rooms = _place(counting, 2001)
    stock = counting.read_stock(loc, _room(rooms, "Sales Floor"), rooms)
    assert stock.shelves == ()
    assert stock.access is not None
    assert "Dutchie shows no stock in Sales Floor" in stock.access.headline
    assert "Room accessible by menus" in stock.access.what_to_do


def test_blaze_reads_the_whole_room_with_packages_oldest_first(open_pos: OpenPos) -> None:
    ctx = open_pos("blaze")
    counting = CountingService(ctx)
    loc, rooms = _place(counting)
    stock = counting.read_stock(loc, _room(rooms, "Safe"), rooms)
    assert stock.package_detail is PackageDetail.FULL and stock.access is None
    multi = [s for s in stock.shelves if len(s.packages) > 1]
    assert multi, "the seed has products with several batches in the Safe"
    for shelf in multi:
        dates = [p.received_on for p in shelf.packages]
        assert dates == sorted(dates) and all(isinstance(d, date) for d in dates)
        assert sum(p.quantity for p in shelf.packages) == shelf.quantity
    assert all(p.label.startswith("1A") for s in stock.shelves for p in s.packages)
    assert set(stock.labels().values()) == {s.product_id for s in stock.shelves}


def test_blaze_empty_room_warns_before_comparing(open_pos: OpenPos) -> None:
    counting = CountingService(open_pos("blaze"))
    loc, rooms = _place(counting)
    stock = counting.read_stock(loc, _room(rooms, "Quarantine"), rooms)
    assert stock.shelves == () and stock.access is not None
    assert "BLAZE shows no stock in Quarantine" in stock.access.headline
    assert "Quarantine inventory" in stock.access.what_to_do


def test_indica_reads_the_office_and_packages_only_for_what_is_scanned(open_pos: OpenPos) -> None:
    ctx = open_pos("indica")
    counting = CountingService(ctx)
    loc, rooms = _place(counting)
    (room,) = rooms
    stock = counting.read_stock(loc, room, rooms)
    assert stock.package_detail is PackageDetail.ON_DEMAND and stock.notes == (
        INDICA_WORDS.count_note,
    )
    assert len(stock.shelves) == len(ctx.connector.sellable_inventory(loc)) > 100
    assert all(s.packages == () for s in stock.shelves)
    several = [s.product_id for s in stock.shelves][:6]
    detailed = counting.detail(stock, several)
    assert detailed.missing_detail(several) == []
    assert detailed.missing_detail([stock.shelves[-1].product_id]) == [stock.shelves[-1].product_id]
    shelves = [detailed.shelf(pid) for pid in several]
    assert all(s is not None and s.packages for s in shelves)
    for shelf in shelves:
        assert shelf is not None and list(shelf.packages) == sorted(shelf.packages, key=fifo_key)
    assert counting.detail(detailed, several) is detailed  # nothing missing: no read at all


def test_a_count_exports_to_csv_and_reads_back(open_pos: OpenPos, tmp_path: Path) -> None:
    counting = CountingService(open_pos("blaze"))
    loc, rooms = _place(counting)
    stock = counting.read_stock(loc, _room(rooms, "Safe"), rooms)
    shelf = next(s for s in stock.shelves if s.packages)
    oldest = shelf.packages[0]
    lines = [
        DraftLine(
            product_id=shelf.product_id,
            sku=shelf.sku,
            name=shelf.name,
            quantity=oldest.quantity + 1,
            package_tag=oldest.label,
        )
    ]
    comparison = compare(stock, lines, scope=CountScope.SCANNED)
    path = tmp_path / "count.csv"
    assert CountingService.export_csv(comparison, path) == 1 + len(shelf.packages)
    rows = read_count_csv(path)
    head, first = rows[0], rows[1]
    assert (head["row"], head["sku"], head["pos_quantity"]) == (
        "product",
        shelf.sku,
        format(shelf.quantity.normalize(), "f"),
    )
    assert first["package_tag"] == oldest.label and first["fifo"] == "1"
    assert first["difference"] == "+1" and first["status"] == CountStatus.OVER.value
    assert Decimal(first["counted"]) == oldest.quantity + 1


class _TwoSalesRooms:
    """A Dutchie-shaped connector whose location has two sales rooms (the sandbox has one per store)."""

    def __init__(self, loc: Location, rooms: list[Room]) -> None:
        self.loc, self._rooms = loc, rooms

    def rooms(self, location: Location) -> list[Room]:
        return list(self._rooms)

    def sellable_inventory(self, location: Location, skus: object = None) -> list[SellableItem]:
        return [
            SellableItem(sku="A", product_id=1, quantity=4, room_id=11, room_name="Front"),
            SellableItem(sku="B", product_id=2, quantity=2, room_id=12, room_name="Back bar"),
            SellableItem(sku="A", product_id=1, quantity=1, room_name="Front"),
            SellableItem(sku="C", quantity=9, room_id=11, room_name="Front"),
        ]


def test_dutchie_with_two_sales_rooms_keeps_each_rooms_rows_and_says_what_it_cannot_tell() -> None:
    loc = Location(loc_id=5, name="Two floors", lsp_id=1)
    front = Room(room_id=11, name="Front", inventory_room=True, pos_room=True)
    back = Room(room_id=12, name="Back bar", inventory_room=True, pos_room=True)
    dutchie = driver_for("dutchie")
    ctx = SimpleNamespace(
        connector=_TwoSalesRooms(loc, [front, back]), driver=dutchie, words=dutchie.words
    )
    stock = CountingService(ctx).read_stock(loc, front)  # type: ignore[arg-type]
    assert [(s.sku, s.quantity) for s in stock.shelves] == [("A", Decimal(5))]
    assert any("2 sales rooms" in n for n in stock.notes)
    assert any("1 row of sellable inventory had no product id" in n for n in stock.notes)
    assert stock.access is None
