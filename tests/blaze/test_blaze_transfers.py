"""Count and move through the BLAZE connector: transfers move stock only when accepted, oldest first."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from intake_gui.domain.counting import ShelfQuantity, TransferItem, TransferStatus
from intake_gui.domain.models import Location, Room
from intake_gui.pos.blaze.connector import BlazeConnector
from intake_gui.pos.errors import NotFound, ValidationRejected
from intake_gui.sandbox.blaze import TRAINING_DEVELOPER_KEY, TRAINING_PARTNER_KEY
from intake_gui.sandbox.blaze.seed import DAY_MS
from intake_gui.sandbox.blaze.state import now_ms

from .conftest import Served


@pytest.fixture
def shop(conn: BlazeConnector) -> tuple[Location, dict[str, Room], str]:
    (loc,) = conn.locations()
    rooms = {r.name: r for r in conn.rooms(loc)}
    employee = conn.employees(loc)[0].employee_id
    return loc, rooms, employee


def _shelf(conn: BlazeConnector, loc: Location, room: Room) -> dict[int, ShelfQuantity]:
    return {s.product_id: s for s in conn.room_quantities(loc, room, labels=False)}


def _stocked(conn: BlazeConnector, loc: Location, room: Room) -> ShelfQuantity:
    return max(_shelf(conn, loc, room).values(), key=lambda s: s.quantity)


def _qty(shelf: dict[int, ShelfQuantity], product_id: int) -> Decimal:
    return shelf[product_id].quantity if product_id in shelf else Decimal(0)


def test_accept_moves_the_stock_and_sellable_sees_it(
    conn: BlazeConnector, shop: tuple[Location, dict[str, Room], str]
) -> None:
    loc, rooms, employee = shop
    item = _stocked(conn, loc, rooms["Safe"])
    safe0, floor0 = _shelf(conn, loc, rooms["Safe"]), _shelf(conn, loc, rooms["Sales floor"])
    sellable0 = sum(i.quantity for i in conn.sellable_inventory(loc, [item.sku]))

    pending = conn.create_transfer(
        loc,
        rooms["Safe"],
        rooms["Sales floor"],
        [TransferItem(product_id=item.product_id, quantity=4)],
        employee,
    )
    assert pending.status is TransferStatus.PENDING and pending.open and pending.number
    assert (
        pending.from_room == rooms["Safe"].room_id
        and pending.to_room == rooms["Sales floor"].room_id
    )
    assert pending.items[0].quantity == 4 and pending.items[0].sku == item.sku
    assert _qty(_shelf(conn, loc, rooms["Safe"]), item.product_id) == _qty(safe0, item.product_id)

    done = conn.accept_transfer(pending.id, employee)
    assert done.status is TransferStatus.ACCEPTED and not done.open
    assert (
        _qty(_shelf(conn, loc, rooms["Safe"]), item.product_id) == _qty(safe0, item.product_id) - 4
    )
    floor1 = _shelf(conn, loc, rooms["Sales floor"])
    assert _qty(floor1, item.product_id) == _qty(floor0, item.product_id) + 4
    assert sum(i.quantity for i in conn.sellable_inventory(loc, [item.sku])) == sellable0 + 4
    assert conn.transfer(pending.id).status is TransferStatus.ACCEPTED


def test_decline_moves_nothing_and_closes_the_transfer(
    conn: BlazeConnector, shop: tuple[Location, dict[str, Room], str]
) -> None:
    loc, rooms, employee = shop
    item = _stocked(conn, loc, rooms["Safe"])
    safe0 = _shelf(conn, loc, rooms["Safe"])
    floor0 = _shelf(conn, loc, rooms["Sales floor"])
    pending = conn.create_transfer(
        loc,
        rooms["Safe"],
        rooms["Sales floor"],
        [TransferItem(product_id=item.product_id, quantity=1)],
        employee,
    )
    declined = conn.decline_transfer(pending.id, employee)
    assert declined.status is TransferStatus.DECLINED
    assert _shelf(conn, loc, rooms["Safe"]) == safe0
    assert _shelf(conn, loc, rooms["Sales floor"]) == floor0
    with pytest.raises(ValidationRejected, match="not PENDING"):
        conn.accept_transfer(pending.id, employee)


def test_a_pending_transfer_can_be_updated_and_then_moves_the_new_amount(
    conn: BlazeConnector, shop: tuple[Location, dict[str, Room], str]
) -> None:
    loc, rooms, employee = shop
    item = _stocked(conn, loc, rooms["Safe"])
    safe0 = _qty(_shelf(conn, loc, rooms["Safe"]), item.product_id)
    quarantine0 = _qty(_shelf(conn, loc, rooms["Quarantine"]), item.product_id)
    pending = conn.create_transfer(
        loc,
        rooms["Safe"],
        rooms["Sales floor"],
        [TransferItem(product_id=item.product_id, quantity=5)],
        employee,
    )
    changed = conn.update_transfer(
        loc,
        pending.id,
        rooms["Safe"],
        rooms["Quarantine"],
        [TransferItem(product_id=item.product_id, quantity=2)],
        employee,
    )
    assert changed.id == pending.id and changed.status is TransferStatus.PENDING
    assert changed.to_room == rooms["Quarantine"].room_id and changed.items[0].quantity == 2
    conn.accept_transfer(pending.id, employee)
    assert _qty(_shelf(conn, loc, rooms["Safe"]), item.product_id) == safe0 - 2
    assert _qty(_shelf(conn, loc, rooms["Quarantine"]), item.product_id) == quarantine0 + 2
    with pytest.raises(ValidationRejected, match="not PENDING"):
        conn.update_transfer(
            loc,
            pending.id,
            rooms["Safe"],
            rooms["Quarantine"],
            [TransferItem(product_id=item.product_id, quantity=1)],
            employee,
        )


@pytest.mark.parametrize("verb", ["accept_transfer", "decline_transfer"])
def test_accept_or_decline_without_an_employee_is_refused_and_nothing_changes(
    conn: BlazeConnector, shop: tuple[Location, dict[str, Room], str], verb: str
) -> None:
    loc, rooms, employee = shop
    item = _stocked(conn, loc, rooms["Safe"])
    safe0 = _shelf(conn, loc, rooms["Safe"])
    pending = conn.create_transfer(
        loc,
        rooms["Safe"],
        rooms["Sales floor"],
        [TransferItem(product_id=item.product_id, quantity=1)],
        employee,
    )
    with pytest.raises(ValidationRejected, match="currentEmployeeId"):
        getattr(conn, verb)(pending.id, "")
    assert conn.transfer(pending.id).status is TransferStatus.PENDING
    assert _shelf(conn, loc, rooms["Safe"]) == safe0


def test_creating_without_an_employee_is_refused(
    conn: BlazeConnector, shop: tuple[Location, dict[str, Room], str]
) -> None:
    loc, rooms, _ = shop
    item = _stocked(conn, loc, rooms["Safe"])
    with pytest.raises(ValidationRejected, match="currentEmployeeId"):
        conn.create_transfer(
            loc,
            rooms["Safe"],
            rooms["Sales floor"],
            [TransferItem(product_id=item.product_id, quantity=1)],
            "",
        )


def test_unknown_transfer_is_not_found(
    conn: BlazeConnector, shop: tuple[Location, dict[str, Room], str]
) -> None:
    _, _, employee = shop
    with pytest.raises(NotFound):
        conn.transfer("0" * 24)
    with pytest.raises(NotFound):
        conn.accept_transfer("0" * 24, employee)


def test_packages_are_fifo_and_a_transfer_takes_the_oldest_first(
    conn: BlazeConnector, blaze: Served, shop: tuple[Location, dict[str, Room], str]
) -> None:
    loc, rooms, employee = shop
    product = next(
        p for p in conn.products(loc) if p.product_id not in _shelf(conn, loc, rooms["Quarantine"])
    )
    keys = {"x-api-key": TRAINING_PARTNER_KEY, "Authorization": TRAINING_DEVELOPER_KEY}
    invs = httpx.get(f"{blaze.base_url}api/v1/partner/store/inventories", headers=keys).json()[
        "values"
    ]
    quarantine = next(i["id"] for i in invs if i["name"] == "Quarantine")
    product_ext = next(
        p["id"] for p in blaze.state.world["products"].values() if p["sku"] == product.sku
    )
    # Newest first on purpose: the order of arrival must not decide the order on the shelf.
    made = []
    for days_ago, qty, tag in ((2, 5, "NEW"), (40, 3, "OLD"), (10, 4, "MID")):
        body = {
            "productId": product_ext,
            "quantity": qty,
            "inventoryId": quarantine,
            "purchasedDate": now_ms() - days_ago * DAY_MS,
            "trackPackageLabel": tag,
        }
        resp = httpx.post(f"{blaze.base_url}api/v1/partner/store/batches", json=body, headers=keys)
        made.append(resp.json()["id"])

    labelled = {s.product_id: s for s in conn.room_quantities(loc, rooms["Quarantine"])}
    shelf = labelled[product.product_id]
    assert [p.label for p in shelf.packages] == ["OLD", "MID", "NEW"]
    assert shelf.oldest is not None and shelf.oldest.label == "OLD"
    assert shelf.quantity == 12 and shelf.sku == product.sku

    transfer = conn.create_transfer(
        loc,
        rooms["Quarantine"],
        rooms["Safe"],
        [TransferItem(product_id=product.product_id, quantity=5)],
        employee,
    )
    conn.accept_transfer(transfer.id, employee)
    left = _shelf(conn, loc, rooms["Quarantine"])[product.product_id]
    assert [(p.id, p.quantity) for p in left.packages] == [(made[2], 2), (made[0], 5)]


def test_a_transfer_can_name_the_package_to_move(
    conn: BlazeConnector, shop: tuple[Location, dict[str, Room], str]
) -> None:
    loc, rooms, employee = shop
    item = next(s for s in _shelf(conn, loc, rooms["Safe"]).values() if len(s.packages) >= 1)
    newest = item.packages[-1]
    transfer = conn.create_transfer(
        loc,
        rooms["Safe"],
        rooms["Sales floor"],
        [TransferItem(product_id=item.product_id, quantity=1, package_id=newest.id)],
        employee,
    )
    assert transfer.items[0].package_id == newest.id
    conn.accept_transfer(transfer.id, employee)
    after = {
        p.id: p.quantity
        for p in _shelf(conn, loc, rooms["Safe"])
        .get(item.product_id, ShelfQuantity(product_id=0, sku="", quantity=0))
        .packages
    }
    assert after.get(newest.id, Decimal(0)) == newest.quantity - 1
