"""The Backoffice's JSON shapes and their translation to and from Intake's domain models.

Reads go through `pos.tolerant`: each model declares only what Intake needs, a field without a default is
essential (ids, quantities, the SKU a line is matched by), everything else is optional, read under its
canonical name, the aliases listed here (from the course, the Backoffice web UI and Dutchie's public POS
API) or any casing of them, and blanked when missing or unreadable. A row without an essential field is
skipped and counted in the read's report instead of failing the read: one tenant's other name for a date
must never take down a light, History or `intake recover`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import AliasChoices, Field

from intake_gui.domain.models import (
    DraftLine,
    HistoryRow,
    Location,
    Package,
    Product,
    ReceiveDraft,
    Room,
    SellableItem,
    Vendor,
)
from intake_gui.domain.store_time import resolve_zone, to_store_local
from intake_gui.pos.tolerant import (
    Aliases,
    Count,
    Day,
    Flag,
    Id,
    Int,
    Key,
    Num,
    OptInt,
    OptNum,
    Rows,
    Text,
    TolerantModel,
    When,
    plan_for,
    read_object,
    read_rows,
)

RECEIVED_STATUS = "Received"
"""Top-level Status. Without it the Backoffice fails with a SQL NULL-insert error (course module 6)."""

RECEIVE_DATE_HINTS = (
    "receiv",
    "deliver",
    "arriv",
    "checkin",
    "add",
    "creat",
    "transaction",
    "date",
)
"""Words that make a date-looking key a receive's date when no known name is there, best first."""

_DIGIT_BIAS = 48 * (3 * 7 + 6)
"""What the ASCII codes of the 13 weighted digits add on top of their values (48 is "0")."""


def gtin14(upc: object) -> str:
    """A UPC/EAN as the 14-digit GTIN our scanner index uses, or "" when absent or not a valid code.

    An invalid code is dropped rather than kept: a scanned barcode always has a valid check digit, so a
    broken one in the catalog could never match anything anyway. The check digit is summed over the ASCII
    bytes (one C call per half) because this runs once per product of every catalog sync.
    """
    text = "" if upc is None else str(upc).strip()
    if not text.isascii() or not text.isdigit() or len(text) not in (8, 12, 13, 14):
        return ""
    code = text.zfill(14)
    digits = code.encode("ascii")
    total = 3 * sum(digits[0:13:2]) + sum(digits[1:13:2]) - _DIGIT_BIAS
    return code if (10 - total % 10) % 10 == digits[13] - 48 else ""


def wire_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number. Quantities have at most 3 decimals and costs 2, so the float's
    shortest repr is exactly the decimal we hold (no 0.30000000000000004 on the wire)."""
    return int(value) if value == value.to_integral_value() else float(value)


def wire_datetime(value: datetime) -> str:
    """Backoffice dates: ISO store-local wall time, no offset."""
    return value.replace(tzinfo=None, microsecond=0).isoformat()


# ---------------------------------------------------------------- envelope and login


class Envelope(TolerantModel):
    """`{"Result": bool, "Message": str|null, "Data": ...}`. Result false can come with HTTP 200.

    Read with the same tolerance as rows (any casing, `Success`/`IsSuccess` for Result, `Error` for
    Message). Result is the one essential field: without it an answer cannot say whether it succeeded,
    so `read_envelope` only infers success from a `Data` key when there is no message either."""

    __aliases__: ClassVar[Aliases] = {
        "result": ("Success", "IsSuccess", "Succeeded", "Ok"),
        "message": ("ErrorMessage", "Error", "Errors", "Msg"),
        "data": ("Payload", "Value"),
    }
    result: Flag = Field(alias="Result")
    message: str | None = Field(default=None, alias="Message")
    data: Any = Field(default=None, alias="Data")


def _message_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or None
    return str(value)


def read_envelope(raw: object) -> Envelope:
    """The envelope of an answer. A bare list is taken as the Data of a successful answer, and an object
    without Result but with Data (and no message) too; anything else without Result raises ValueError."""
    if isinstance(raw, list):
        return Envelope(result=True, message=None, data=raw)
    if not isinstance(raw, dict):
        raise ValueError(f"JSON {type(raw).__name__} where an envelope object was expected")
    plan = plan_for(Envelope, tuple(raw))
    keys = dict(plan.pairs)
    values = {name: raw[key] for name, key in plan.pairs}
    values["message"] = _message_text(values.get("message"))
    if "result" not in keys:
        if "data" in keys and not values.get("message"):
            values["result"] = True
        else:
            raise ValueError("Result: Field required")
    return Envelope.model_validate(values)


class LoginData(TolerantModel):
    __aliases__: ClassVar[Aliases] = {
        "session_id": ("Session", "Token", "SessionToken"),
        "user_id": ("Id",),
    }
    session_id: Key = Field(alias="SessionId")
    user_id: Int = Field(alias="UserId")
    org_id: Int = Field(default=0, alias="OrgId")
    lsp_id: OptInt = Field(default=None, alias="LspId")
    loc_id: OptInt = Field(default=None, alias="LocId")
    user_name: Text = Field(default="", alias="UserName")
    full_name: Text = Field(default="", alias="FullName")


def read_login(data: object, endpoint: str = "user/login") -> LoginData:
    return read_object(LoginData, data, endpoint)


# ---------------------------------------------------------------- reads


class WireLocation(TolerantModel):
    __aliases__: ClassVar[Aliases] = {
        "loc_id": ("LocationId", "StoreId", "SiteId", "Id"),
        "name": ("Name", "StoreName", "LocationDisplayName"),
        "state": ("StateCode", "StateAbbreviation", "Province", "Region"),
        "lsp_id": ("LicensedServiceProviderId", "Lsp"),
        "org_id": ("OrganizationId",),
        "timezone": (
            "TimeZoneId", "TimeZoneName", "IanaTimeZone", "Tz", "Zone",
            "LocationTimeZone", "WindowsTimeZone", "TimeZoneInfo",
        ),
    }  # fmt: skip
    loc_id: Int = Field(alias="LocId")
    name: Text = Field(default="", alias="LocationName")
    state: Text = Field(default="", alias="State")
    lsp_id: OptInt = Field(default=None, alias="LspId")
    org_id: Int = Field(default=0, alias="OrgId")
    timezone: Text = Field(default="", alias="TimeZone")

    def to_domain(
        self, lsp_fallback: int | None = None, station_zone: str | None = None
    ) -> Location:
        """`lsp_fallback` is the session's LspId, for a tenant whose locations do not repeat it."""
        zone = resolve_zone(self.timezone, self.state, station_zone)
        return Location(
            loc_id=self.loc_id,
            name=self.name or f"Location {self.loc_id}",
            state=self.state,
            lsp_id=self.lsp_id if self.lsp_id is not None else (lsp_fallback or 0),
            org_id=self.org_id,
            timezone=zone.name,
            zone_source=zone.source.value,
            zone_given=zone.given,
        )


class WireVendor(TolerantModel):
    __aliases__: ClassVar[Aliases] = {
        "vendor_id": ("Id", "SupplierId"),
        "name": ("Name", "SupplierName", "VendorDisplayName"),
        "code": ("Code", "LicenseNumber", "VendorLicense"),
    }
    vendor_id: Int = Field(alias="VendorId")
    name: Text = Field(default="", alias="VendorName")
    code: Text = Field(default="", alias="VendorCode")

    def to_domain(self) -> Vendor:
        return Vendor(
            vendor_id=self.vendor_id, name=self.name or f"Vendor {self.vendor_id}", code=self.code
        )


class WireRoom(TolerantModel):
    """PosRoom/InventoryRoom are optional: a tenant that does not say is read as an inventory room that
    can sell (the doctor reports the missing flag). Assuming "not sellable" would turn every sellable
    light red on such a tenant; the sellable read itself is the evidence that decides."""

    __aliases__: ClassVar[Aliases] = {
        "room_id": ("Id", "InventoryRoomId"),
        "name": ("Name", "Room", "Description"),
        "pos_room": ("IsPosRoom", "SellableRoom", "IsSellable", "Sellable", "ForSale", "SalesRoom"),
        "inventory_room": ("IsInventoryRoom", "Inventory", "CanReceive"),
    }
    room_id: Int = Field(alias="RoomId")
    name: Text = Field(default="", alias="RoomName")
    pos_room: Flag = Field(default=True, alias="PosRoom")
    inventory_room: Flag = Field(default=True, alias="InventoryRoom")

    def to_domain(self) -> Room:
        return Room(
            room_id=self.room_id,
            name=self.name or f"Room {self.room_id}",
            inventory_room=self.inventory_room,
            pos_room=self.pos_room,
            # [verify] an assumed PosRoom proves nothing about where stock can be sold
            sellable_known="pos_room" in self.model_fields_set,
        )


_PRODUCT_ALIASES: dict[str, tuple[str, ...]] = {
    "product_id": ("Id", "MasterProductId"),
    "sku": ("ProductSku", "ItemSku", "SkuCode"),
    "brand": ("Brand", "BrandName", "Manufacturer"),
    "category": ("CategoryName", "ProductCategory", "MasterCategory"),
    "unit_cost": ("Cost", "DefaultCost", "WholesaleCost", "UnitCostPrice"),
    "unit_id": ("UnitOfMeasureId", "UomId"),
    "upc": ("UPC", "Barcode", "Gtin", "Ean", "UpcCode"),
    "is_cannabis": ("Cannabis", "CannabisProduct", "IsCannabisProduct"),
}


class WireProduct(TolerantModel):
    __aliases__: ClassVar[Aliases] = _PRODUCT_ALIASES
    product_id: Int = Field(alias="ProductId")
    sku: Key = Field(alias="Sku")
    # The sandbox and get-product-master say ProductName; the course's lite sample shows Name.
    name: Text = Field(default="", validation_alias=AliasChoices("ProductName", "Name"))
    brand: Text = Field(default="", alias="BrandName")
    category: Text = Field(default="", alias="Category")
    unit_cost: OptNum = Field(default=None, alias="UnitCost")
    unit_id: Int = Field(default=1, alias="UnitId")
    upc: Text = Field(default="", alias="Upc")
    is_cannabis: Flag = Field(default=True, alias="IsCannabis")

    def to_domain(self) -> Product:
        return Product(
            product_id=self.product_id,
            sku=self.sku,
            name=self.name or self.sku,
            brand=self.brand,
            category=self.category,
            unit_cost=self.unit_cost,
            gtin=gtin14(self.upc),
            unit_id=self.unit_id,
            is_cannabis=self.is_cannabis,
        )


class WirePackage(TolerantModel):
    __aliases__: ClassVar[Aliases] = {
        "package_id": ("Id", "PackageLabel", "InventoryId"),
        "receipt_id": ("ReceiptId", "ReceiveId", "ReceiveHistoryId"),
        "sku": ("ProductSku",),
        "quantity": ("Qty", "QuantityReceived", "ReceivedQuantity", "Amount"),
        "room_name": ("Room",),
        "label": ("PackageLabel", "Tag", "PackageTag", "SerialNumber"),
        "lot": ("Batch", "BatchNumber", "Lot", "LotNumber", "LotId"),
        "expiration": ("ExpirationOn", "ExpiresOn", "ExpiryDate", "Expiration", "BestBy"),
        "received_at": (
            "CreatedDate", "ReceivedOn", "ReceiveDate", "DateReceived", "DeliveredOn", "AddedOn",
        ),
    }  # fmt: skip
    __date_hints__: ClassVar[Aliases] = {"received_at": RECEIVE_DATE_HINTS}
    __essential_any__ = (("sku", "product_id"),)
    package_id: Id = Field(alias="PackageId")
    receipt_id: OptInt = Field(default=None, alias="ReceiveInventoryHistoryId")
    product_id: OptInt = Field(default=None, alias="ProductId")
    sku: Text = Field(default="", alias="Sku")
    product_name: Text = Field(default="", alias="ProductName")
    quantity: Num = Field(alias="Quantity")
    room_id: OptInt = Field(default=None, alias="RoomId")
    room_name: Text = Field(default="", alias="RoomName")
    label: Text = Field(default="", alias="Label")
    lot: Text = Field(default="", alias="BatchName")
    expiration: Day = Field(default=None, alias="ExpirationDate")
    received_at: When = Field(default=None, alias="ReceivedDate")

    def to_domain(self, timezone: str) -> Package:
        return Package(
            package_id=self.package_id,
            receipt_id=self.receipt_id,
            product_id=self.product_id,
            sku=self.sku,
            product_name=self.product_name,
            quantity=self.quantity,
            room_id=self.room_id,
            room_name=self.room_name,
            label=self.label,
            lot=self.lot,
            expiration=self.expiration,
            received_at=to_store_local(self.received_at, timezone),
        )


class WireHistoryRow(TolerantModel):
    """A receive. Only its id is essential: a row without a readable date still proves a receive by id
    and title, so `received_at` blanks (History shows "date unknown") instead of failing the page."""

    __aliases__: ClassVar[Aliases] = {
        "receipt_id": (
            "ReceiptId", "ReceiveId", "ReceiveHistoryId", "InventoryReceiveId", "ReceiveInventoryId", "Id",
        ),
        "received_at": (
            "ReceivedOn", "ReceiveDate", "DateReceived", "DeliveredOn", "DeliveredDate", "AddedOn",
            "ReceivedDateTime", "ReceivedDateUtc", "CreatedDate", "CreatedOn",
        ),
        "vendor_name": ("Vendor", "SupplierName"),
        "vendor_id": ("SupplierId",),
        "title": ("Title", "OrderName", "PurchaseOrder", "PoNumber", "Name"),
        "status": ("ReceiveStatus", "State"),
        "product_count": ("ProductCount", "ProductsCount", "LineCount", "Lines", "Items", "ItemCount"),
        "total_quantity": ("TotalQty", "Quantity", "TotalQuantityReceived"),
    }  # fmt: skip
    __date_hints__: ClassVar[Aliases] = {"received_at": RECEIVE_DATE_HINTS}
    receipt_id: Int = Field(alias="ReceiveInventoryHistoryId")
    received_at: When = Field(default=None, alias="ReceivedDate")
    vendor_id: OptInt = Field(default=None, alias="VendorId")
    vendor_name: Text = Field(default="", alias="VendorName")
    title: Text = Field(default="", alias="OrderTitle")
    status: Text = Field(default="", alias="Status")
    product_count: Count = Field(default=0, alias="Products")
    total_quantity: OptNum = Field(default=None, alias="TotalQuantity")

    def to_domain(self, timezone: str) -> HistoryRow:
        return HistoryRow(
            receipt_id=self.receipt_id,
            received_at=to_store_local(self.received_at, timezone),
            vendor_id=self.vendor_id,
            vendor_name=self.vendor_name,
            title=self.title,
            status=self.status,
            product_count=self.product_count,
            total_quantity=self.total_quantity,
        )


class WireSellable(TolerantModel):
    __aliases__: ClassVar[Aliases] = {
        "sku": ("ProductSku",),
        "product_name": ("Name",),
        "quantity": ("Qty", "QuantityAvailable", "AvailableQuantity", "Available", "OnHand"),
        "room_name": ("Room",),
    }
    __essential_any__ = (("sku", "product_id"),)
    sku: Text = Field(default="", alias="Sku")
    product_id: OptInt = Field(default=None, alias="ProductId")
    product_name: Text = Field(default="", alias="ProductName")
    quantity: Num = Field(alias="Quantity")
    room_id: OptInt = Field(default=None, alias="RoomId")
    room_name: Text = Field(default="", alias="RoomName")

    def to_domain(self) -> SellableItem:
        return SellableItem(
            sku=self.sku,
            product_id=self.product_id,
            product_name=self.product_name,
            quantity=self.quantity,
            room_id=self.room_id,
            room_name=self.room_name,
        )


def parse_rows(model: type[Any], data: object, endpoint: str = "") -> Rows:
    """A list-shaped `Data` as wire models, tolerantly (see `pos.tolerant.read_rows`).
    Raises ValueError only when `Data` holds no list at all."""
    return read_rows(model, data, endpoint)


def read_locations(
    data: object, endpoint: str, lsp_fallback: int | None = None, station_zone: str | None = None
) -> list[Location]:
    return [
        r.to_domain(lsp_fallback, station_zone) for r in parse_rows(WireLocation, data, endpoint)
    ]


def read_history(data: object, timezone: str, endpoint: str) -> list[HistoryRow]:
    return [r.to_domain(timezone) for r in parse_rows(WireHistoryRow, data, endpoint)]


def read_packages(data: object, timezone: str, endpoint: str) -> list[Package]:
    return [r.to_domain(timezone) for r in parse_rows(WirePackage, data, endpoint)]


def parse_receipt_id(data: object) -> int:
    """The receive's answer: Data is the ReceiveInventoryHistoryId (a bare int; tolerate {Id-key: n})."""
    value = data.get("ReceiveInventoryHistoryId") if isinstance(data, dict) else data
    if isinstance(value, bool):
        raise ValueError("receipt id is a boolean")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if not isinstance(value, int) or value <= 0:
        raise ValueError(f"expected a positive receipt id, got {type(value).__name__}")
    return value


# ---------------------------------------------------------------- writes


def receive_line(line: DraftLine, room_id: int) -> dict[str, Any]:
    """One Products[] item. RoomId is always sent: a line without it "succeeds" but never reaches stock.
    UnitCost only when somebody gave one: a 0 would silently zero the store's cost of goods."""
    item: dict[str, Any] = {
        "ProductId": line.product_id,
        "Sku": line.sku,
        "Quantity": wire_number(line.quantity),
        "UnitId": line.unit_id,
        "RoomId": line.room_id if line.room_id is not None else room_id,
    }
    if line.unit_cost is not None:
        item["UnitCost"] = wire_number(line.unit_cost)
    if line.package_tag:
        item["PackageId"] = line.package_tag
    if line.lot:
        item["BatchName"] = line.lot
    if line.expiration is not None:
        item["ExpirationDate"] = line.expiration.isoformat()
    return item


def receive_body(draft: ReceiveDraft) -> dict[str, Any]:
    """The receive as the Backoffice wants it (without the session block, which the connector adds).

    OrderTitle is `wire_title`: it carries the idempotency token, which receive history echoes back so
    a lost answer can be reconciled without sending twice.
    """
    return {
        "LocId": draft.location.loc_id,
        "LspId": draft.location.lsp_id,
        "VendorId": draft.vendor.vendor_id,
        "OrderTitle": draft.wire_title,
        "Status": RECEIVED_STATUS,
        "DeliveredBy": draft.delivered_by,
        "Note": draft.note,
        "Products": [receive_line(line, draft.room.room_id) for line in draft.lines],
    }


# The catalogue's fast path lives in products_wire (it needs the models above); re-exported here because
# `wire.parse_products` is what the connector and the tests have always called.
from intake_gui.pos.dutchie.products_wire import PARSE_CHUNK as PARSE_CHUNK  # noqa: E402
from intake_gui.pos.dutchie.products_wire import parse_products as parse_products  # noqa: E402
