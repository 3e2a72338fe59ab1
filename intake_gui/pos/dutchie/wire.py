"""The Backoffice's JSON shapes (PascalCase) and their translation to and from Intake's domain models.

Each response shape is a pydantic model with the wire names as aliases, so a missing key or a wrong type
becomes one ValidationError at the boundary (the connector turns it into MalformedResponse) instead of a
KeyError three layers up. Only fields Intake uses are declared; everything else is ignored, because the
Backoffice adds fields freely.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, NotRequired, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    TypeAdapter,
    ValidationError,
    with_config,
)
from typing_extensions import TypedDict

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

RECEIVED_STATUS = "Received"
"""Top-level Status. Without it the Backoffice fails with a SQL NULL-insert error (course module 6)."""


# ---------------------------------------------------------------- value parsing


def _yes_no(value: object) -> bool:
    """Backoffice flags are the strings "yes"/"no"; accept real booleans too, refuse anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("yes", "y", "true", "1"):
            return True
        if text in ("no", "n", "false", "0", ""):
            return False
    raise ValueError(f"expected 'yes' or 'no', got {type(value).__name__}")


def _blank_to_none(value: object) -> object:
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _to_date(value: object) -> date | None:
    """Expiration dates arrive as "2026-12-31" or "2026-12-31T00:00:00"; only the day matters."""
    value = _blank_to_none(value)
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value.strip()[:10])
    raise ValueError(f"expected a date, got {type(value).__name__}")


def _none_to_empty(value: object) -> object:
    return "" if value is None else value


def _none_to_one(value: object) -> object:
    return 1 if value is None else value


YesNo = Annotated[bool, BeforeValidator(_yes_no)]
OptDate = Annotated[date | None, BeforeValidator(_to_date)]
Text = Annotated[str, BeforeValidator(_none_to_empty)]
OptInt = Annotated[int | None, BeforeValidator(_blank_to_none)]
OptDecimal = Annotated[Decimal | None, BeforeValidator(_blank_to_none)]
UnitId = Annotated[int, BeforeValidator(_none_to_one)]

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


def to_store_local(value: datetime | None, timezone: str) -> datetime | None:
    """Store-local naive wall time. Naive values are already store-local (the Backoffice's habit)."""
    if value is None or value.tzinfo is None:
        return value
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return value.astimezone(zone).replace(tzinfo=None)


def wire_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number. Quantities have at most 3 decimals and costs 2, so the float's
    shortest repr is exactly the decimal we hold (no 0.30000000000000004 on the wire)."""
    return int(value) if value == value.to_integral_value() else float(value)


def wire_datetime(value: datetime) -> str:
    """Backoffice dates: ISO store-local wall time, no offset."""
    return value.replace(tzinfo=None, microsecond=0).isoformat()


# ---------------------------------------------------------------- envelope and login


class _Wire(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class Envelope(_Wire):
    """`{"Result": bool, "Message": str|null, "Data": ...}` — Result false can come with HTTP 200."""

    result: StrictBool = Field(alias="Result")
    message: str | None = Field(default=None, alias="Message")
    data: Any = Field(default=None, alias="Data")


class LoginData(_Wire):
    session_id: str = Field(alias="SessionId", min_length=1)
    user_id: int = Field(alias="UserId")
    org_id: int = Field(default=0, alias="OrgId")
    lsp_id: OptInt = Field(default=None, alias="LspId")
    loc_id: OptInt = Field(default=None, alias="LocId")
    user_name: Text = Field(default="", alias="UserName")
    full_name: Text = Field(default="", alias="FullName")


# ---------------------------------------------------------------- reads


class WireLocation(_Wire):
    loc_id: int = Field(alias="LocId")
    name: str = Field(alias="LocationName")
    state: Text = Field(default="", alias="State")
    lsp_id: int = Field(alias="LspId")
    org_id: int = Field(default=0, alias="OrgId")
    timezone: Text = Field(default="", alias="TimeZone")

    def to_domain(self) -> Location:
        return Location(
            loc_id=self.loc_id,
            name=self.name,
            state=self.state,
            lsp_id=self.lsp_id,
            org_id=self.org_id,
            timezone=self.timezone or "UTC",
        )


class WireVendor(_Wire):
    vendor_id: int = Field(alias="VendorId")
    name: str = Field(alias="VendorName")
    code: Text = Field(default="", alias="VendorCode")

    def to_domain(self) -> Vendor:
        return Vendor(vendor_id=self.vendor_id, name=self.name, code=self.code)


class WireRoom(_Wire):
    room_id: int = Field(alias="RoomId")
    name: str = Field(alias="RoomName")
    pos_room: YesNo = Field(alias="PosRoom")
    inventory_room: YesNo = Field(alias="InventoryRoom")

    def to_domain(self) -> Room:
        return Room(
            room_id=self.room_id,
            name=self.name,
            inventory_room=self.inventory_room,
            pos_room=self.pos_room,
        )


class WireProduct(_Wire):
    product_id: int = Field(alias="ProductId")
    sku: str = Field(alias="Sku")
    # The sandbox and get-product-master say ProductName; the course's lite sample shows Name.
    name: str = Field(validation_alias=AliasChoices("ProductName", "Name"))
    brand: Text = Field(default="", alias="BrandName")
    category: Text = Field(default="", alias="Category")
    unit_cost: OptDecimal = Field(default=None, alias="UnitCost")
    unit_id: UnitId = Field(default=1, alias="UnitId")
    upc: Text = Field(default="", alias="Upc")
    is_cannabis: YesNo = Field(default=True, alias="IsCannabis")

    def to_domain(self) -> Product:
        return Product(
            product_id=self.product_id,
            sku=self.sku,
            name=self.name,
            brand=self.brand,
            category=self.category,
            unit_cost=self.unit_cost,
            gtin=gtin14(self.upc),
            unit_id=self.unit_id,
            is_cannabis=self.is_cannabis,
        )


class WirePackage(_Wire):
    package_id: int | str = Field(alias="PackageId")
    receipt_id: OptInt = Field(default=None, alias="ReceiveInventoryHistoryId")
    product_id: OptInt = Field(default=None, alias="ProductId")
    sku: str = Field(alias="Sku")
    product_name: Text = Field(default="", alias="ProductName")
    quantity: Decimal = Field(alias="Quantity")
    room_id: OptInt = Field(default=None, alias="RoomId")
    room_name: Text = Field(default="", alias="RoomName")
    label: Text = Field(default="", alias="Label")
    lot: Text = Field(default="", alias="BatchName")
    expiration: OptDate = Field(default=None, alias="ExpirationDate")
    received_at: Annotated[datetime | None, BeforeValidator(_blank_to_none)] = Field(
        default=None, validation_alias=AliasChoices("ReceivedDate", "CreatedDate")
    )

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


def _count(value: object) -> object:
    """History's Products is a line count in the sandbox; a list of lines in some tenants."""
    if isinstance(value, list):
        return len(value)
    return 0 if value is None else value


class WireHistoryRow(_Wire):
    receipt_id: int = Field(alias="ReceiveInventoryHistoryId")
    received_at: datetime = Field(alias="ReceivedDate")
    vendor_id: OptInt = Field(default=None, alias="VendorId")
    vendor_name: Text = Field(default="", alias="VendorName")
    title: Text = Field(default="", alias="OrderTitle")
    status: Text = Field(default="", alias="Status")
    product_count: Annotated[int, BeforeValidator(_count)] = Field(default=0, alias="Products")
    total_quantity: OptDecimal = Field(default=None, alias="TotalQuantity")

    def to_domain(self, timezone: str) -> HistoryRow:
        received = to_store_local(self.received_at, timezone)
        assert received is not None  # a required field; narrowed for the type checker
        return HistoryRow(
            receipt_id=self.receipt_id,
            received_at=received,
            vendor_id=self.vendor_id,
            vendor_name=self.vendor_name,
            title=self.title,
            status=self.status,
            product_count=self.product_count,
            total_quantity=self.total_quantity,
        )


class WireSellable(_Wire):
    sku: str = Field(alias="Sku")
    product_id: OptInt = Field(default=None, alias="ProductId")
    product_name: Text = Field(default="", alias="ProductName")
    quantity: Decimal = Field(alias="Quantity")
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


W = TypeVar("W", bound=_Wire)
_adapters: dict[type, TypeAdapter[Any]] = {}


def parse_rows(model: type[W], data: object) -> list[W]:
    """A list-shaped `Data` as wire models. null means "nothing" (the Backoffice's empty answer);
    anything that is not a list raises ValueError/ValidationError for the caller to translate."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise ValueError(f"expected a list of rows, got {type(data).__name__}")
    adapter = _adapters.get(model)
    if adapter is None:
        adapter = _adapters[model] = TypeAdapter(list[model])  # type: ignore[valid-type]
    return adapter.validate_python(data)


@with_config(ConfigDict(extra="ignore"))
class _ProductRow(TypedDict):
    """WireProduct's fields, validators and defaults, but validated into a plain dict: no model instance
    per row, which at 17k rows is most of the parsing cost. `parse_products` must give exactly what
    `WireProduct.to_domain` gives (a test compares the two over the sandbox's whole catalogue)."""

    product_id: Annotated[int, Field(alias="ProductId")]
    sku: Annotated[str, Field(alias="Sku")]
    name: Annotated[str, Field(validation_alias=AliasChoices("ProductName", "Name"))]
    brand: NotRequired[Annotated[Text, Field(alias="BrandName")]]
    category: NotRequired[Annotated[Text, Field(alias="Category")]]
    unit_cost: NotRequired[Annotated[OptDecimal, Field(alias="UnitCost")]]
    unit_id: NotRequired[Annotated[UnitId, Field(alias="UnitId")]]
    upc: NotRequired[Annotated[Text, Field(alias="Upc")]]
    is_cannabis: NotRequired[Annotated[YesNo, Field(alias="IsCannabis")]]


_PRODUCT_DEFAULTS: dict[str, Any] = {
    "brand": "",
    "category": "",
    "unit_cost": None,
    "unit_id": 1,
    "upc": "",
    "is_cannabis": True,
}
_product_rows = TypeAdapter(list[_ProductRow])
_products = TypeAdapter(list[Product])

PARSE_CHUNK = 1000
"""Rows per validation call. One call is one stretch of Rust that holds the GIL; a thousand rows keep it
to a few milliseconds, so the GUI thread gets its turn between chunks of a 17k catalog."""


def parse_products(data: object) -> list[Product]:
    """The products answer (`Data`), straight to domain Products: what
    `[row.to_domain() for row in parse_rows(WireProduct, data)]` gives, in well under half the time.

    A malformed row raises ValidationError (its location counts rows from the start of `Data`, as
    `parse_rows` does), anything but a list or null raises ValueError.
    """
    if data is None:
        return []
    if not isinstance(data, list):
        raise ValueError(f"expected a list of rows, got {type(data).__name__}")
    out: list[Product] = []
    for start in range(0, len(data), PARSE_CHUNK):
        chunk = data[start : start + PARSE_CHUNK]
        try:
            rows = _product_rows.validate_python(chunk)
        except ValidationError:
            # Rare, so simply ask the full model: its error names the row by its place in the whole list.
            parse_rows(WireProduct, data)
            raise
        domain = []
        for row in rows:
            values = {**_PRODUCT_DEFAULTS, **row}
            values["gtin"] = gtin14(values.pop("upc"))
            domain.append(values)
        out.extend(_products.validate_python(domain))
    return out


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
    """One Products[] item. RoomId is always sent: a line without it "succeeds" but never reaches stock."""
    item: dict[str, Any] = {
        "ProductId": line.product_id,
        "Sku": line.sku,
        "Quantity": wire_number(line.quantity),
        "UnitCost": wire_number(line.unit_cost),
        "UnitId": line.unit_id,
        "RoomId": line.room_id if line.room_id is not None else room_id,
    }
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
