"""Receiving (course modules 4 and 6), with the traps the course teaches:

- no top-level Status: the INSERT fails and the server answers HTTP 500 with the raw SQL error in the
  envelope's Message, as the real one leaks it;
- a line without RoomId: recorded in history, Result true, yet no package and no stock (the orphan);
- a line whose ProductId matches nothing, or whose Sku contradicts it, or whose product is among
  `dropped_skus` (listed in the catalogue, refused by the receive): dropped without a word — it still
  counts in history's `Products` (the lines sent), but it has no package;
- a location without rooms (the IL and OH sandboxes): any RoomId is refused, only orphans "succeed".

The read-backs (packages, history, sellable stock) are in `readbacks`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from starlette.responses import Response

from intake_gui.sandbox.call import Call
from intake_gui.sandbox.dates import store_wall, wall_to_ts
from intake_gui.sandbox.lookups import LOCATION_NOT_FOUND
from intake_gui.sandbox.seed import SandboxLocation, rooms_at, vendors_at
from intake_gui.sandbox.store import NewLine, NewReceive, SentLine
from intake_gui.sandbox.wire import as_int, milli

STATUS_NULL = (
    "Cannot insert the value NULL into column 'Status', table "
    "'dutchie.dbo.ReceiveInventoryHistory'; column does not allow nulls. INSERT fails."
)
VENDOR_NOT_FOUND = "Vendor not found"


class Refused(Exception):
    """A receive the POS turns down; the message is what the clerk will read."""

    def __init__(self, message: str, *, status: int = 200) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class _Header:
    loc: SandboxLocation
    vendor_id: int
    vendor_name: str
    received_at: float


def _parse_header(call: Call, *, save: bool) -> tuple[_Header, str]:
    body = call.body
    loc = call.location
    if loc is None:
        raise Refused(LOCATION_NOT_FOUND)
    status = body.get("status")
    if save:
        status = "Pending"
    elif status is None:
        raise Refused(STATUS_NULL, status=500)  # the INSERT itself fails: a server error
    elif status != "Received":
        raise Refused(
            f"Invalid Status '{status}': a receive must have Status 'Received' "
            "(use save-receive to keep a draft)."
        )
    vendor_id = as_int(body.get("vendorid"))
    vendor = next((v for v in vendors_at(loc.loc_id) if v.vendor_id == vendor_id), None)
    if vendor is None:
        raise Refused(VENDOR_NOT_FOUND)
    received_at = time.time()
    given = body.get("receiveddate")
    if given not in (None, ""):
        wall = store_wall(given, loc.zone)
        if wall is None:
            raise Refused(f"Invalid ReceivedDate '{given}'.")
        received_at = wall_to_ts(wall, loc.zone)
    return _Header(loc, vendor.vendor_id, vendor.name, received_at), status


def _parse_lines(call: Call, loc: SandboxLocation) -> tuple[list[SentLine], list[NewLine]]:
    """Every line as sent, and the lines the POS keeps (known products)."""
    items = call.body.get("products")
    if not isinstance(items, list) or not items:
        raise Refused("No products to receive: Products is empty.")
    rooms = {r.room_id: r for r in rooms_at(loc.loc_id)}
    catalog = call.runtime.catalog.by_id
    dropped = {sku.strip().upper() for sku in call.runtime.config.dropped_skus}
    sent: list[SentLine] = []
    kept: list[NewLine] = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise Refused(f"Product line {number} is not an object.")
        where = f"line {number}, Sku {item.get('sku') or '?'}"
        qty = milli(item.get("quantity"))
        if qty is None:
            raise Refused(f"Quantity '{item.get('quantity')}' is not a number ({where}).")
        if qty <= 0:
            raise Refused(f"Quantity must be greater than zero ({where}).")
        cost: float | None = None
        if item.get("unitcost") is not None:
            cost_milli = milli(item["unitcost"])
            if cost_milli is None or cost_milli < 0:
                raise Refused(f"UnitCost '{item['unitcost']}' is not a valid cost ({where}).")
            cost = cost_milli / 1000
        room = None
        room_id = as_int(item.get("roomid"))
        if item.get("roomid") not in (None, 0, "") and room_id is None:
            raise Refused(f"RoomId '{item['roomid']}' is not a room id ({where}).")
        if room_id:  # absent, null and 0 (the .NET default) all mean "no room": the orphan
            room = rooms.get(room_id)
            if room is None:
                raise Refused(
                    f"Room {call.wire_id('room', room_id)} does not belong to location "
                    f"{call.wire_id('loc', loc.loc_id)} ({where})."
                )
            if not room.inventory_room:
                raise Refused(f"Room '{room.name}' is not an inventory room ({where}).")
        expiration = None
        if item.get("expirationdate") not in (None, ""):
            wall = store_wall(str(item["expirationdate"]), loc.zone)
            if wall is None:
                raise Refused(f"ExpirationDate '{item['expirationdate']}' is not a date ({where}).")
            expiration = date(wall.year, wall.month, wall.day).isoformat()
        product_id = as_int(item.get("productid"))
        product = catalog.get(product_id if product_id is not None else -1)
        sku = item.get("sku")
        sku_text = "" if sku is None else str(sku)
        sent.append(SentLine(product_id, sku_text or (product or {}).get("Sku", ""), qty))
        if (
            product is None
            or (sku_text and sku_text != product["Sku"])
            or product["Sku"] in dropped
        ):
            continue  # dropped silently, like the real one; history still counts it
        tag = item.get("packageid")
        batch = item.get("batchname")
        kept.append(
            NewLine(
                product=product,
                qty_milli=qty,
                unit_cost=cost,
                room=room,
                tag="" if tag in (None, "") else str(tag),
                batch_name=None if batch in (None, "") else str(batch),
                expiration_date=expiration,
            )
        )
    return sent, kept


def _record(call: Call, *, save: bool) -> Response:
    try:
        header, status = _parse_header(call, save=save)
        sent, kept = _parse_lines(call, header.loc)
    except Refused as exc:
        return call.refuse(str(exc), status=exc.status)
    body = call.body
    receive_id, _ = call.runtime.store.add_receive(
        NewReceive(
            loc_id=header.loc.loc_id,
            vendor_id=header.vendor_id,
            vendor_name=header.vendor_name,
            order_title=str(body.get("ordertitle") or ""),
            status=status,
            delivered_by=str(body.get("deliveredby") or ""),
            note=str(body.get("note") or ""),
            received_at=header.received_at,
            user_id=call.user.user_id,
            sent=sent,
            lines=kept,
            make_packages=not save,
        ),
        now=time.time(),
    )
    return call.dialect.ok(call.wire_id("receive", receive_id))


def receive(call: Call) -> Response:
    return _record(call, save=False)


def save_receive(call: Call) -> Response:
    """A draft on the POS side: a Pending history row that moves no stock."""
    return _record(call, save=True)
