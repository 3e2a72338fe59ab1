"""`webui`: the same data as the Backoffice web UI's own calls carry it — dates as the UI writes them
(`03/17/2021 1:42 pm`, store-local, minutes only) under other names (`ReceivedOn`, `CreatedOn`), the
product name under the course sample's `Name`, locations without a TimeZone (only their State), other
ids and other store and room names."""

from __future__ import annotations

from intake_gui.sandbox.dialects import course
from intake_gui.sandbox.dialects.base import (
    BOOL,
    COUNT,
    DAY_US,
    MONEY,
    NAME,
    QTY,
    TEXT,
    US_LOCAL,
    YESNO,
    Dialect,
    IdSpace,
    ident,
)

SHAPES = {
    **course.SHAPES,
    "location": (
        ("LocId", "loc_id", ident("loc")),
        ("LocationName", "name", NAME),
        ("State", "state", TEXT),
        ("LspId", "lsp_id", ident("lsp")),
        ("OrgId", "org_id", ident("org")),
    ),
    "vendor": (
        ("VendorId", "vendor_id", ident("vendor")),
        ("VendorName", "name", TEXT),
        ("VendorCode", "code", TEXT),
        ("LicenseNumber", "license_number", TEXT),
        ("IsActive", "is_active", BOOL),
    ),
    "room": (
        ("RoomId", "room_id", ident("room")),
        ("RoomName", "name", NAME),
        ("InventoryRoom", "inventory_room", YESNO),
        ("PosRoom", "pos_room", YESNO),
        ("LocId", "loc_id", ident("loc")),
    ),
    "product": (
        ("ProductId", "product_id", ident("product")),
        ("Sku", "sku", TEXT),
        ("Name", "name", TEXT),
        ("BrandName", "brand", TEXT),
        ("Category", "category", TEXT),
        ("UnitCost", "unit_cost", MONEY),
        ("UnitId", "unit_id", TEXT),
        ("Upc", "upc", TEXT),
        ("IsCannabis", "is_cannabis", BOOL),
    ),
    "package": (
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
        ("ExpirationDate", "expiration_date", DAY_US),
        ("ReceiveInventoryHistoryId", "receive_id", ident("receive")),
        ("CreatedOn", "created_at", US_LOCAL),
    ),
    "history": (
        ("ReceiveInventoryHistoryId", "receive_id", ident("receive")),
        ("ReceivedOn", "received_at", US_LOCAL),
        ("VendorId", "vendor_id", ident("vendor")),
        ("VendorName", "vendor_name", TEXT),
        ("OrderTitle", "order_title", TEXT),
        ("Status", "status", TEXT),
        ("Products", "lines", COUNT),
        ("TotalQuantity", "total_qty", QTY),
        ("DeliveredBy", "delivered_by", TEXT),
        ("Note", "note", TEXT),
    ),
}

WEBUI = Dialect(
    name="webui",
    summary=(
        "web-UI dates (03/17/2021 1:42 pm) under ReceivedOn/CreatedOn, products' Name, "
        "locations without TimeZone, other ids"
    ),
    shapes=SHAPES,
    ids=IdSpace(
        {
            "loc": 5_000,
            "lsp": 200,
            "org": 1_000,
            "user": 3_000,
            "vendor": 70_000,
            "room": 40_000,
            "product": 3_000_000,
            "receive": 600_000,
            "package": 1_000_000,
        }
    ),
    renames={
        "AZ Sandbox — Phoenix": "Phoenix Flagship (AZ)",
        "IL Sandbox — Chicago": "Chicago Loop (IL)",
        "OH Sandbox — Columbus": "Columbus Short North (OH)",
        "Sales Floor": "Showroom",
        "Vault": "Back Vault",
    },
)
