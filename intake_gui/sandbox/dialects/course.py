"""`course`: the Backoffice exactly as the intake course shows it — PascalCase, the course's ids (AZ 1989,
Sales Floor 24772, PALOMINO PRINTING 39195, Tommy Chong 11484902), ISO dates without an offset in the
store's wall time, locations with their TimeZone, room flags as "yes"/"no". The training default."""

from __future__ import annotations

from intake_gui.sandbox.dialects.base import (
    BOOL,
    COUNT,
    DAY_ISO,
    ISO_LOCAL,
    MONEY,
    NAME,
    QTY,
    TEXT,
    YESNO,
    Dialect,
    Shape,
    ident,
)

LOGIN: Shape = (
    ("SessionId", "session_id", TEXT),
    ("UserId", "user_id", ident("user")),
    ("OrgId", "org_id", ident("org")),
    ("LspId", "lsp_id", ident("lsp")),
    ("LocId", "loc_id", ident("loc")),
    ("UserName", "user_name", TEXT),
    ("FullName", "full_name", TEXT),
)
LOCATION: Shape = (
    ("LocId", "loc_id", ident("loc")),
    ("LocationName", "name", NAME),
    ("State", "state", TEXT),
    ("LspId", "lsp_id", ident("lsp")),
    ("OrgId", "org_id", ident("org")),
    ("TimeZone", "timezone", TEXT),
)
VENDOR: Shape = (
    ("VendorId", "vendor_id", ident("vendor")),
    ("VendorName", "name", TEXT),
    ("VendorCode", "code", TEXT),
    ("LicenseNumber", "license_number", TEXT),
    ("Phone", "phone", TEXT),
    ("IsActive", "is_active", BOOL),
)
ROOM: Shape = (
    ("RoomId", "room_id", ident("room")),
    ("RoomName", "name", NAME),
    ("PosRoom", "pos_room", YESNO),
    ("InventoryRoom", "inventory_room", YESNO),
    ("LocId", "loc_id", ident("loc")),
)
PRODUCT: Shape = (
    ("ProductId", "product_id", ident("product")),
    ("Sku", "sku", TEXT),
    ("ProductName", "name", TEXT),
    ("BrandName", "brand", TEXT),
    ("Category", "category", TEXT),
    ("UnitCost", "unit_cost", MONEY),
    ("UnitId", "unit_id", TEXT),
    ("Upc", "upc", TEXT),
    ("IsCannabis", "is_cannabis", BOOL),
)
"""Key for key the catalogue's own dicts, so the course serves the cached catalogue bytes unchanged."""
PACKAGE: Shape = (
    ("PackageId", "package_id", ident("package")),
    ("Label", "label", TEXT),
    ("ProductId", "product_id", ident("product")),
    ("Sku", "sku", TEXT),
    ("ProductName", "product_name", TEXT),
    ("Quantity", "qty", QTY),
    ("UnitCost", "unit_cost", MONEY),
    ("RoomId", "room_id", ident("room")),
    ("RoomName", "room_name", NAME),
    ("BatchName", "batch_name", TEXT),
    ("ExpirationDate", "expiration_date", DAY_ISO),
    ("ReceiveInventoryHistoryId", "receive_id", ident("receive")),
    ("LocId", "loc_id", ident("loc")),
    ("CreatedDate", "created_at", ISO_LOCAL),
)
HISTORY: Shape = (
    ("ReceiveInventoryHistoryId", "receive_id", ident("receive")),
    ("ReceivedDate", "received_at", ISO_LOCAL),
    ("VendorId", "vendor_id", ident("vendor")),
    ("VendorName", "vendor_name", TEXT),
    ("OrderTitle", "order_title", TEXT),
    ("Status", "status", TEXT),
    ("Products", "lines", COUNT),
    ("TotalQuantity", "total_qty", QTY),
    ("DeliveredBy", "delivered_by", TEXT),
    ("Note", "note", TEXT),
    ("LocId", "loc_id", ident("loc")),
)
HISTORY_LINE: Shape = (
    ("ProductId", "product_id", ident("product")),
    ("Sku", "sku", TEXT),
    ("Quantity", "qty", QTY),
)
SELLABLE: Shape = (
    ("ProductId", "product_id", ident("product")),
    ("Sku", "sku", TEXT),
    ("ProductName", "product_name", TEXT),
    ("RoomId", "room_id", ident("room")),
    ("RoomName", "room_name", NAME),
    ("Quantity", "qty", QTY),
    ("LocId", "loc_id", ident("loc")),
)

SHAPES = {
    "login": LOGIN,
    "location": LOCATION,
    "vendor": VENDOR,
    "room": ROOM,
    "product": PRODUCT,
    "package": PACKAGE,
    "history": HISTORY,
    "history_line": HISTORY_LINE,
    "sellable": SELLABLE,
}

COURSE = Dialect(
    name="course",
    summary="the course's shapes and ids: PascalCase, ISO local dates, locations with TimeZone",
    shapes=SHAPES,
)
