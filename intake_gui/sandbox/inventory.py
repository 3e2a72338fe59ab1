"""Receiving and its read-backs (course modules 4–6), with the traps the course teaches:

- no Status: the raw SQL NULL error, as the real server leaks it;
- a line without RoomId: recorded in history, Result true, yet no package and no stock (the orphan);
- a line whose ProductId matches nothing, or whose Sku contradicts it: dropped without a word;
- packages asked for by `Id` instead of `ReceiveInventoryHistoryId`: an empty list, no error;
- stock in a room that is not both a POS and an inventory room: never sellable;
- new stock shows in sellable inventory only after `visibility_delay_s`.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from starlette.responses import Response

from intake_gui.sandbox.call import Call
from intake_gui.sandbox.lookups import LOCATION_NOT_FOUND
from intake_gui.sandbox.seed import SandboxLocation, rooms_at, vendors_at
from intake_gui.sandbox.store import NewLine, NewReceive
from intake_gui.sandbox.wire import as_int, envelope, from_milli, json_response, milli, refusal

STATUS_NULL = (
    "Cannot insert the value NULL into column 'Status', table "
    "'dutchie.dbo.ReceiveInventoryHistory'; column does not allow nulls. INSERT fails."
)
VENDOR_NOT_FOUND = "Vendor not found"


class Refused(Exception):
    """A receive the POS turns down; the message is what the clerk will read."""


def _local_naive(value: Any, zone: ZoneInfo) -> datetime | None:
    """An ISO date or date-time as the store's wall time; an explicit offset is converted to it."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(zone).replace(tzinfo=None)
    return parsed


def _wall_to_ts(wall: datetime, zone: ZoneInfo) -> float:
    return wall.replace(tzinfo=zone).timestamp()


def _ts_to_wall(ts: float, zone: ZoneInfo) -> str:
    return datetime.fromtimestamp(ts, zone).replace(tzinfo=None).isoformat(timespec="seconds")


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
    status = body.get("Status")
    if save:
        status = "Pending"
    elif status is None:
        raise Refused(STATUS_NULL)
    elif status != "Received":
        raise Refused(
            f"Invalid Status '{status}': a receive must have Status 'Received' "
            "(use save-receive to keep a draft)."
        )
    vendor_id = as_int(body.get("VendorId"))
    vendor = next((v for v in vendors_at(loc.loc_id) if v.vendor_id == vendor_id), None)
    if vendor is None:
        raise Refused(VENDOR_NOT_FOUND)
    received_at = time.time()
    if body.get("ReceivedDate") not in (None, ""):
        wall = _local_naive(body["ReceivedDate"], loc.zone)
        if wall is None:
            raise Refused(f"Invalid ReceivedDate '{body['ReceivedDate']}'.")
        received_at = _wall_to_ts(wall, loc.zone)
    return _Header(loc, vendor.vendor_id, vendor.name, received_at), status


def _parse_lines(call: Call, loc: SandboxLocation) -> list[NewLine]:
    items = call.body.get("Products")
    if not isinstance(items, list) or not items:
        raise Refused("No products to receive: Products is empty.")
    rooms = {r.room_id: r for r in rooms_at(loc.loc_id)}
    catalog = call.runtime.catalog.by_id
    lines: list[NewLine] = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise Refused(f"Product line {number} is not an object.")
        where = f"line {number}, Sku {item.get('Sku') or '?'}"
        qty = milli(item.get("Quantity"))
        if qty is None:
            raise Refused(f"Quantity '{item.get('Quantity')}' is not a number ({where}).")
        if qty <= 0:
            raise Refused(f"Quantity must be greater than zero ({where}).")
        cost: float | None = None
        if item.get("UnitCost") is not None:
            cost_milli = milli(item["UnitCost"])
            if cost_milli is None or cost_milli < 0:
                raise Refused(f"UnitCost '{item['UnitCost']}' is not a valid cost ({where}).")
            cost = cost_milli / 1000
        room = None
        room_id = as_int(item.get("RoomId"))
        if item.get("RoomId") not in (None, 0, "") and room_id is None:
            raise Refused(f"RoomId '{item['RoomId']}' is not a room id ({where}).")
        if room_id:  # absent, null and 0 (the .NET default) all mean "no room": the orphan
            room = rooms.get(room_id)
            if room is None:
                raise Refused(f"Room {room_id} does not belong to location {loc.loc_id} ({where}).")
            if not room.inventory_room:
                raise Refused(f"Room '{room.name}' is not an inventory room ({where}).")
        expiration = None
        if item.get("ExpirationDate") not in (None, ""):
            try:
                expiration = date.fromisoformat(str(item["ExpirationDate"])[:10]).isoformat()
            except ValueError:
                raise Refused(
                    f"ExpirationDate '{item['ExpirationDate']}' is not a date ({where})."
                ) from None
        product = catalog.get(as_int(item.get("ProductId")) or -1)
        sku = item.get("Sku")
        if product is None or (sku not in (None, "") and sku != product["Sku"]):
            continue  # dropped silently, like the real one
        tag = item.get("PackageId")
        batch = item.get("BatchName")
        lines.append(
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
    return lines


def _record(call: Call, *, save: bool) -> Response:
    try:
        header, status = _parse_header(call, save=save)
        lines = _parse_lines(call, header.loc)
    except Refused as exc:
        return refusal(str(exc))
    body = call.body
    receive_id, _ = call.runtime.store.add_receive(
        NewReceive(
            loc_id=header.loc.loc_id,
            vendor_id=header.vendor_id,
            vendor_name=header.vendor_name,
            order_title=str(body.get("OrderTitle") or ""),
            status=status,
            delivered_by=str(body.get("DeliveredBy") or ""),
            note=str(body.get("Note") or ""),
            received_at=header.received_at,
            user_id=call.user.user_id,
            lines=lines,
            make_packages=not save,
        ),
        now=time.time(),
    )
    return json_response(envelope(receive_id))


def receive(call: Call) -> Response:
    return _record(call, save=False)


def save_receive(call: Call) -> Response:
    """A draft on the POS side: a Pending history row that moves no stock."""
    return _record(call, save=True)


def _package_wire(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "PackageId": row["package_id"],
        "Label": row["label"],
        "ProductId": row["product_id"],
        "Sku": row["sku"],
        "ProductName": row["product_name"],
        "Quantity": from_milli(row["qty_milli"]),
        "UnitCost": row["unit_cost"],
        "RoomId": row["room_id"],
        "RoomName": row["room_name"],
        "BatchName": row["batch_name"],
        "ExpirationDate": row["expiration_date"],
        "ReceiveInventoryHistoryId": row["receive_id"],
        "LocId": row["loc_id"],
    }


def get_packages_from_receive(call: Call) -> Response:
    loc = call.location
    if loc is None:
        return refusal(LOCATION_NOT_FOUND)
    receive_id = as_int(call.body.get("ReceiveInventoryHistoryId"))
    if receive_id is None:  # `Id`, or nothing: silently empty
        return json_response(envelope([]))
    rows = call.runtime.store.packages_of(loc.loc_id, receive_id)
    return json_response(envelope([_package_wire(r) for r in rows]))


def get_receive_history(call: Call) -> Response:
    loc = call.location
    if loc is None:
        return refusal(LOCATION_NOT_FOUND)
    zone = loc.zone
    start = _local_naive(call.body.get("StartDate"), zone)
    end = _local_naive(call.body.get("EndDate"), zone)
    if start is None or end is None:
        return refusal("StartDate and EndDate are required as ISO dates.")
    max_days = call.runtime.config.history_max_days
    if end - start > timedelta(days=max_days):
        return refusal(f"Date range cannot exceed {max_days} days")
    rows = call.runtime.store.receives_between(
        loc.loc_id, _wall_to_ts(start, zone), _wall_to_ts(end, zone)
    )
    return json_response(
        envelope(
            [
                {
                    "ReceiveInventoryHistoryId": r["receive_id"],
                    "ReceivedDate": _ts_to_wall(r["received_at"], zone),
                    "VendorId": r["vendor_id"],
                    "VendorName": r["vendor_name"],
                    "OrderTitle": r["order_title"],
                    "Status": r["status"],
                    "Products": r["line_count"],
                    "TotalQuantity": from_milli(r["total_milli"]),
                    "DeliveredBy": r["delivered_by"],
                    "Note": r["note"],
                    "LocId": r["loc_id"],
                }
                for r in rows
            ]
        )
    )


def preorder_inventory(call: Call) -> Response:
    """Sellable stock, one row per SKU, from packages that are visible by now."""
    loc = call.location
    if loc is None:
        return refusal(LOCATION_NOT_FOUND)
    sellable = [r.room_id for r in rooms_at(loc.loc_id) if r.sellable]
    visible_before = time.time() - call.runtime.config.visibility_delay_s
    rows = call.runtime.store.stock_in_rooms(loc.loc_id, sellable, visible_before)
    by_product: dict[int, dict[str, Any]] = {}
    biggest: dict[int, int] = {}
    for r in rows:
        item = by_product.setdefault(
            r["product_id"],
            {
                "ProductId": r["product_id"],
                "Sku": r["sku"],
                "ProductName": r["product_name"],
                "qty": 0,
            },
        )
        item["qty"] += r["qty"]
        if r["qty"] > biggest.get(r["product_id"], -1):  # the room holding most of it names the row
            biggest[r["product_id"]] = r["qty"]
            item["RoomId"], item["RoomName"] = r["room_id"], r["room_name"]
    data = []
    for item in by_product.values():
        qty = item.pop("qty")
        data.append({**item, "Quantity": from_milli(qty), "LocId": loc.loc_id})
    return json_response(envelope(data))
