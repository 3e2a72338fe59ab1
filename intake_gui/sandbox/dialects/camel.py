"""`camel`: camelCase keys everywhere, the envelope included (`{"result", "message", "data"}`), dates
under the names Dutchie's public POS API uses (`deliveredOn` in UTC with `Z`, `addedOn` with the store's
offset), room flags as booleans, other ids and names."""

from __future__ import annotations

from intake_gui.sandbox.dialects.base import (
    BOOL,
    COUNT,
    DAY_ISO,
    ISO_OFFSET,
    ISO_UTC_Z,
    MONEY,
    NAME,
    QTY,
    TEXT,
    Dialect,
    IdSpace,
    ident,
)

SHAPES = {
    "login": (
        ("sessionId", "session_id", TEXT),
        ("userId", "user_id", ident("user")),
        ("orgId", "org_id", ident("org")),
        ("lspId", "lsp_id", ident("lsp")),
        ("locId", "loc_id", ident("loc")),
        ("userName", "user_name", TEXT),
        ("fullName", "full_name", TEXT),
    ),
    "location": (
        ("locId", "loc_id", ident("loc")),
        ("locationName", "name", NAME),
        ("state", "state", TEXT),
        ("lspId", "lsp_id", ident("lsp")),
        ("orgId", "org_id", ident("org")),
        ("timeZone", "timezone", TEXT),
    ),
    "vendor": (
        ("vendorId", "vendor_id", ident("vendor")),
        ("vendorName", "name", TEXT),
        ("vendorCode", "code", TEXT),
        ("licenseNumber", "license_number", TEXT),
        ("phone", "phone", TEXT),
        ("isActive", "is_active", BOOL),
    ),
    "room": (
        ("roomId", "room_id", ident("room")),
        ("roomName", "name", NAME),
        ("posRoom", "pos_room", BOOL),
        ("inventoryRoom", "inventory_room", BOOL),
        ("locId", "loc_id", ident("loc")),
    ),
    "product": (
        ("productId", "product_id", ident("product")),
        ("sku", "sku", TEXT),
        ("productName", "name", TEXT),
        ("brandName", "brand", TEXT),
        ("category", "category", TEXT),
        ("unitCost", "unit_cost", MONEY),
        ("unitId", "unit_id", TEXT),
        ("upc", "upc", TEXT),
        ("isCannabis", "is_cannabis", BOOL),
    ),
    "package": (
        ("packageId", "package_id", ident("package")),
        ("label", "label", TEXT),
        ("productId", "product_id", ident("product")),
        ("sku", "sku", TEXT),
        ("productName", "product_name", TEXT),
        ("quantity", "qty", QTY),
        ("unitCost", "unit_cost", MONEY),
        ("roomId", "room_id", ident("room")),
        ("roomName", "room_name", NAME),
        ("batchName", "batch_name", TEXT),
        ("expirationDate", "expiration_date", DAY_ISO),
        ("receiveInventoryHistoryId", "receive_id", ident("receive")),
        ("locId", "loc_id", ident("loc")),
        ("addedOn", "created_at", ISO_OFFSET),
    ),
    "history": (
        ("receiveInventoryHistoryId", "receive_id", ident("receive")),
        ("deliveredOn", "received_at", ISO_UTC_Z),
        ("vendorId", "vendor_id", ident("vendor")),
        ("vendorName", "vendor_name", TEXT),
        ("orderTitle", "order_title", TEXT),
        ("status", "status", TEXT),
        ("products", "lines", COUNT),
        ("totalQuantity", "total_qty", QTY),
        ("deliveredBy", "delivered_by", TEXT),
        ("note", "note", TEXT),
        ("locId", "loc_id", ident("loc")),
    ),
    "history_line": (
        ("productId", "product_id", ident("product")),
        ("sku", "sku", TEXT),
        ("quantity", "qty", QTY),
    ),
    "sellable": (
        ("productId", "product_id", ident("product")),
        ("sku", "sku", TEXT),
        ("productName", "product_name", TEXT),
        ("roomId", "room_id", ident("room")),
        ("roomName", "room_name", NAME),
        ("quantity", "qty", QTY),
        ("locId", "loc_id", ident("loc")),
    ),
}

CAMEL = Dialect(
    name="camel",
    summary="camelCase keys and envelope, deliveredOn (UTC, Z) / addedOn (offset), boolean flags, other ids",
    shapes=SHAPES,
    envelope_keys=("result", "message", "data"),
    ids=IdSpace(
        {
            "loc": 10_000,
            "lsp": 9_000,
            "org": 20_000,
            "user": 100_000,
            "vendor": 500_000,
            "room": 100_000,
            "product": 20_000_000,
            "receive": 7_000_000,
            "package": 30_000_000,
        }
    ),
    renames={
        "AZ Sandbox — Phoenix": "phoenix-az-01",
        "IL Sandbox — Chicago": "chicago-il-01",
        "OH Sandbox — Columbus": "columbus-oh-01",
        "Sales Floor": "Retail Floor",
        "Vault": "Safe",
    },
)
