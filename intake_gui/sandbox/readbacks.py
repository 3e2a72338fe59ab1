"""The course's three verification reads (module 5), with its traps:

- packages asked for by `Id` instead of `ReceiveInventoryHistoryId`: an empty list, no error;
- history's `Products` is the number of lines *sent*, dropped ones included;
- stock in a room that is not both a POS and an inventory room is never sellable;
- new stock shows in sellable inventory only after `visibility_delay_s`.

Handlers build canonical records; the dialect being spoken renders them.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta
from typing import Any

from starlette.responses import Response

from intake_gui.sandbox.call import Call
from intake_gui.sandbox.dates import store_wall, ts_in_zone, wall_to_ts
from intake_gui.sandbox.lookups import LOCATION_NOT_FOUND
from intake_gui.sandbox.seed import SandboxLocation, rooms_at
from intake_gui.sandbox.wire import as_int


def _package(row: sqlite3.Row, loc: SandboxLocation) -> dict[str, Any]:
    return {
        "package_id": row["package_id"],
        "label": row["label"],
        "product_id": row["product_id"],
        "sku": row["sku"],
        "product_name": row["product_name"],
        "qty": row["qty_milli"],
        "unit_cost": row["unit_cost"],
        "room_id": row["room_id"],
        "room_name": row["room_name"],
        "batch_name": row["batch_name"],
        "expiration_date": row["expiration_date"],
        "receive_id": row["receive_id"],
        "loc_id": row["loc_id"],
        "created_at": ts_in_zone(row["created_at"], loc.zone),
    }


def get_packages_from_receive(call: Call) -> Response:
    loc = call.location
    if loc is None:
        return call.refuse(LOCATION_NOT_FOUND)
    receive_id = as_int(call.body.get("receiveinventoryhistoryid"))
    if receive_id is None:  # `Id`, or nothing: silently empty
        return call.answer("package", [])
    rows = call.runtime.store.packages_of(loc.loc_id, receive_id)
    return call.answer("package", [_package(r, loc) for r in rows])


def get_receive_history(call: Call) -> Response:
    loc = call.location
    if loc is None:
        return call.refuse(LOCATION_NOT_FOUND)
    zone = loc.zone
    start = store_wall(call.body.get("startdate"), zone)
    end = store_wall(call.body.get("enddate"), zone)
    if start is None or end is None:
        return call.refuse("StartDate and EndDate are required as ISO dates.")
    max_days = call.runtime.config.history_max_days
    if end - start > timedelta(days=max_days):
        return call.refuse(f"Date range cannot exceed {max_days} days")
    store = call.runtime.store
    rows = store.receives_between(loc.loc_id, wall_to_ts(start, zone), wall_to_ts(end, zone))
    lines = store.lines_of([r["receive_id"] for r in rows])
    return call.answer(
        "history",
        [
            {
                "receive_id": r["receive_id"],
                "received_at": ts_in_zone(r["received_at"], zone),
                "vendor_id": r["vendor_id"],
                "vendor_name": r["vendor_name"],
                "order_title": r["order_title"],
                "status": r["status"],
                "lines": [
                    {"product_id": ln["product_id"], "sku": ln["sku"], "qty": ln["qty_milli"]}
                    for ln in lines[r["receive_id"]]
                ],
                "total_qty": r["total_milli"],
                "delivered_by": r["delivered_by"],
                "note": r["note"],
                "loc_id": r["loc_id"],
            }
            for r in rows
        ],
    )


def preorder_inventory(call: Call) -> Response:
    """Sellable stock, one row per SKU, from packages that are visible by now."""
    loc = call.location
    if loc is None:
        return call.refuse(LOCATION_NOT_FOUND)
    sellable = [r.room_id for r in rooms_at(loc.loc_id) if r.sellable]
    visible_before = time.time() - call.runtime.config.visibility_delay_s
    rows = call.runtime.store.stock_in_rooms(loc.loc_id, sellable, visible_before)
    by_product: dict[int, dict[str, Any]] = {}
    biggest: dict[int, int] = {}
    for r in rows:
        item = by_product.setdefault(
            r["product_id"],
            {
                "product_id": r["product_id"],
                "sku": r["sku"],
                "product_name": r["product_name"],
                "qty": 0,
                "loc_id": loc.loc_id,
            },
        )
        item["qty"] += r["qty"]
        if r["qty"] > biggest.get(r["product_id"], -1):  # the room holding most of it names the row
            biggest[r["product_id"]] = r["qty"]
            item["room_id"], item["room_name"] = r["room_id"], r["room_name"]
    return call.answer("sellable", by_product.values())
