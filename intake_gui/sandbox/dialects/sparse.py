"""`sparse`: only what a use cannot do without. No VendorName on history, no RoomName on packages or
sellable rows, no TimeZone or State on locations, no cost, brand or category on products; dates are the
store-local day only; quantities are strings ("3.000"), room flags real booleans; history's `Products`
is the list of lines rather than their number; empty values are left out rather than sent empty.
Other ids and names, as every dialect but the course's."""

from __future__ import annotations

from intake_gui.sandbox.dialects.base import (
    BOOL,
    DATE_ONLY,
    DAY_ISO,
    LINES,
    NAME,
    QTY_TEXT,
    TEXT,
    Dialect,
    IdSpace,
    ident,
)

SHAPES = {
    "login": (
        ("SessionId", "session_id", TEXT),
        ("UserId", "user_id", ident("user")),
        ("OrgId", "org_id", ident("org")),
        ("LspId", "lsp_id", ident("lsp")),
        ("LocId", "loc_id", ident("loc")),
    ),
    "location": (
        ("LocId", "loc_id", ident("loc")),
        ("LocationName", "name", NAME),
        ("LspId", "lsp_id", ident("lsp")),
    ),
    "vendor": (
        ("VendorId", "vendor_id", ident("vendor")),
        ("VendorName", "name", TEXT),
    ),
    "room": (
        ("RoomId", "room_id", ident("room")),
        ("RoomName", "name", NAME),
        ("PosRoom", "pos_room", BOOL),
        ("InventoryRoom", "inventory_room", BOOL),
    ),
    "product": (
        ("ProductId", "product_id", ident("product")),
        ("Sku", "sku", TEXT),
        ("ProductName", "name", TEXT),
        ("Upc", "upc", TEXT),
    ),
    "package": (
        ("PackageId", "package_id", ident("package")),
        ("ProductId", "product_id", ident("product")),
        ("Sku", "sku", TEXT),
        ("Quantity", "qty", QTY_TEXT),
        ("RoomId", "room_id", ident("room")),
        ("ExpirationDate", "expiration_date", DAY_ISO),
    ),
    "history": (
        ("ReceiveInventoryHistoryId", "receive_id", ident("receive")),
        ("ReceivedDate", "received_at", DATE_ONLY),
        ("VendorId", "vendor_id", ident("vendor")),
        ("OrderTitle", "order_title", TEXT),
        ("Status", "status", TEXT),
        ("Products", "lines", LINES),
    ),
    "history_line": (
        ("ProductId", "product_id", ident("product")),
        ("Quantity", "qty", QTY_TEXT),
    ),
    "sellable": (
        ("ProductId", "product_id", ident("product")),
        ("Sku", "sku", TEXT),
        ("Quantity", "qty", QTY_TEXT),
    ),
}

SPARSE = Dialect(
    name="sparse",
    summary=(
        "essentials only: no VendorName/RoomName/TimeZone/State, date-only dates, quantities as "
        "strings, boolean flags, history Products as a list of lines, other ids"
    ),
    shapes=SHAPES,
    omit_empty=True,
    ids=IdSpace(
        {
            "loc": 40_000,
            "lsp": 40_000,
            "org": 40_000,
            "user": 40_000,
            "vendor": 900_000,
            "room": 400_000,
            "product": 50_000_000,
            "receive": 20_000_000,
            "package": 60_000_000,
        }
    ),
    renames={
        "AZ Sandbox — Phoenix": "Store 1 Phoenix",
        "IL Sandbox — Chicago": "Store 14 Chicago",
        "OH Sandbox — Columbus": "Store 16 Columbus",
        "Sales Floor": "Floor",
        "Vault": "Storage",
    },
)
