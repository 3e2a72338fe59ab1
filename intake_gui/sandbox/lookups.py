"""The prerequisite reads of the course's module 3: locations, vendors, rooms and the product master."""

from __future__ import annotations

from starlette.responses import Response

from intake_gui.sandbox.call import Call
from intake_gui.sandbox.seed import LOCATIONS, rooms_at, vendors_at

NOT_PERMITTED = "User is not permitted"
LOCATION_NOT_FOUND = "Location not found"


def get_locations(call: Call) -> Response:
    """Every store of the org (no public path is known for this call; ours is `user/get-locations`)."""
    return call.answer("location", [loc.record() for loc in LOCATIONS])


def get_vendors(call: Call) -> Response:
    loc = call.location
    if loc is None:
        return call.refuse(LOCATION_NOT_FOUND)
    return call.answer("vendor", [v.record() for v in vendors_at(loc.loc_id)])


def get_rooms(call: Call) -> Response:
    """The course: "At the AZ sandbox there are 4 rooms"; the IL and OH sandboxes have none at all."""
    loc = call.location
    if loc is None:
        return call.refuse(LOCATION_NOT_FOUND)
    return call.answer("room", [r.record(loc.loc_id) for r in rooms_at(loc.loc_id)])


def get_products_lite(call: Call) -> Response:
    """The whole LSP catalogue in one answer, pre-serialised (the session check has vetted LspId)."""
    return call.dialect.raw_ok(call.runtime.products_json())


def get_product_master(call: Call) -> Response:
    """The elevated endpoint the course warns about; reached only if a user held its permission."""
    return call.refuse(NOT_PERMITTED)
