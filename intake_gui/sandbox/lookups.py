"""The prerequisite reads of the course's module 3: locations, vendors, rooms and the product master."""

from __future__ import annotations

from starlette.responses import Response

from intake_gui.sandbox.call import Call
from intake_gui.sandbox.seed import LOCATIONS, rooms_at, vendors_at
from intake_gui.sandbox.wire import envelope, json_response, refusal

NOT_PERMITTED = "User is not permitted"
LOCATION_NOT_FOUND = "Location not found"


def get_locations(call: Call) -> Response:
    """Every store of the org (no public path is known for this call; ours is `user/get-locations`)."""
    return json_response(envelope([loc.wire() for loc in LOCATIONS]))


def get_vendors(call: Call) -> Response:
    loc = call.location
    if loc is None:
        return refusal(LOCATION_NOT_FOUND)
    return json_response(envelope([v.wire() for v in vendors_at(loc.loc_id)]))


def get_rooms(call: Call) -> Response:
    loc = call.location
    if loc is None:
        return refusal(LOCATION_NOT_FOUND)
    return json_response(envelope([r.wire(loc.loc_id) for r in rooms_at(loc.loc_id)]))


def get_products_lite(call: Call) -> Response:
    """The whole LSP catalogue in one answer, pre-serialised (the session check has vetted LspId)."""
    products = call.runtime.catalog.products_json
    return json_response(b'{"Result":true,"Message":null,"Data":' + products + b"}")


def get_product_master(call: Call) -> Response:
    """The elevated endpoint the course warns about; reached only if a user held its permission."""
    return refusal(NOT_PERMITTED)
