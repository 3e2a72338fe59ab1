"""BLAZE's JSON shapes as pydantic models, and their translation to and from Intake's domain.

Every model is a `pos.tolerant.TolerantModel`: the partner API returns objects with over a hundred fields,
of which Intake needs a handful; only ids and quantities are essential, everything else is optional, found
under any casing or the aliases listed, and blanked when missing or unreadable. Numbers may come as the text
"ZERO" (the document's own examples show `"liveQuantity": "ZERO"`, a Java BigDecimal leaking through), which
`tolerant.Num` reads as 0; dates are epoch milliseconds, or any format `tolerant_dates` reads.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from pydantic import Field

from intake_gui.domain.barcode import normalize_gtin
from intake_gui.domain.counting import Employee, PackageQty, Transfer, TransferItem, TransferStatus
from intake_gui.domain.date_windows import from_store_local
from intake_gui.domain.models import (
    DraftLine,
    Location,
    Package,
    Product,
    ReceiveDraft,
    Room,
    Vendor,
)
from intake_gui.domain.store_time import resolve_zone, to_store_local
from intake_gui.pos.blaze.endpoints import SELLABLE_INVENTORY_TYPES
from intake_gui.pos.blaze.ids import IdBook
from intake_gui.pos.tolerant import (
    Aliases,
    EpochMs,
    Flag,
    Key,
    Num,
    OptFlag,
    OptInt,
    OptNum,
    Text,
    TolerantModel,
)
from intake_gui.pos.tolerant import read_rows as read_rows  # the connector reads every list with it
from intake_gui.pos.units import blaze_measure

_Wire = TolerantModel

RECEIVE_DATE_HINTS = ("receiv", "purchas", "deliver", "creat", "add")


class Page(_Wire):
    """A page of a list. The document says only "SearchResult"; BLAZE's pages show {values, skip, limit,
    total} on some endpoints and {searchResult, count, total} on others, so both are read."""

    __aliases__: ClassVar[Aliases] = {
        "values": ("searchResult", "results", "items", "data", "rows"),
        "total": ("count", "totalCount", "totalRecords"),
    }
    values: list[Any]
    total: OptInt = None


class Address(_Wire):
    __aliases__: ClassVar[Aliases] = {"state": ("stateCode", "province", "region")}
    state: Text = ""
    city: Text = ""


class Shop(_Wire):
    __aliases__: ClassVar[Aliases] = {
        "id": ("shopId",),
        "name": ("shopName",),
        "timeZone": ("timezone", "tz", "timeZoneId", "zone"),
    }
    id: Key
    name: Text = ""
    timeZone: Text = ""
    address: Address | None = None


class Inventory(_Wire):
    __aliases__: ClassVar[Aliases] = {"type": ("inventoryType", "kind")}
    id: Key
    name: Text = ""
    type: Text = ""
    active: Flag = True
    deleted: Flag = False

    @property
    def sellable(self) -> bool:
        return self.type in SELLABLE_INVENTORY_TYPES


class BlazeVendor(_Wire):
    __aliases__: ClassVar[Aliases] = {"licenseNumber": ("license",)}
    id: Key
    name: Text = ""
    licenseNumber: Text = ""
    active: Flag = True
    deleted: Flag = False


class BlazeEmployee(_Wire):
    id: Key
    firstName: Text = ""
    lastName: Text = ""
    active: Flag = True


class Category(_Wire):
    __aliases__: ClassVar[Aliases] = {"cannabis": ("isCannabis",)}
    name: Text = ""
    cannabis: OptFlag = None
    unitType: Text = ""  # [input] "units" / "grams": how its products are counted


class BlazeProduct(_Wire):
    __aliases__: ClassVar[Aliases] = {
        "brandName": ("brand",),
        "cost": ("unitCost", "costPerUnit"),
        "upc": ("barcode", "gtin"),
    }
    id: Key
    sku: Text = ""
    name: Text = ""
    brandName: Text = ""
    category: Category | None = None
    cost: OptNum = None
    upc: Text = ""
    active: Flag = True
    deleted: Flag = False


class Batch(_Wire):
    __aliases__: ClassVar[Aliases] = {
        "poNumber": ("purchaseOrderNumber", "po"),
        "trackPackageLabel": ("packageLabel", "label", "metrcLabel"),
        "lotId": ("lot", "batchNumber"),
        "roomId": ("inventoryId",),
    }
    __date_hints__: ClassVar[Aliases] = {"receiveDate": RECEIVE_DATE_HINTS}
    id: Key
    shopId: Text = ""
    productId: Key
    vendorId: Text = ""
    vendorName: Text = ""
    sku: Text = ""
    productName: Text = ""
    quantity: Num = Decimal(0)
    purchasedDate: EpochMs = None
    receiveDate: EpochMs = None
    poNumber: Text = ""
    externalId: Text = ""
    trackPackageLabel: Text = ""
    lotId: Text = ""
    expirationDate: EpochMs = None
    roomId: Text = ""
    status: Text = ""


class BatchQuantity(_Wire):
    id: Text = ""
    productId: Key
    inventoryId: Key
    batchId: Key
    quantity: Num = Decimal(0)
    batchPurchaseDate: EpochMs = None
    batchArchived: OptFlag = None
    unsellable: OptFlag = None

    @property
    def sellable(self) -> bool:
        return self.quantity > 0 and not self.batchArchived and not self.unsellable


class TransferLog(_Wire):
    productId: Key
    fromBatchId: str | None = None
    transferAmount: Num


class TransferHistory(_Wire):
    id: Key
    status: Key
    fromInventoryId: Key
    toInventoryId: Key
    transferNo: Text = ""
    transferLogs: list[TransferLog] = Field(default_factory=list)


# -- to the domain ---------------------------------------------------------------------------------


def local_datetime(epoch_ms: int | None, tz: str) -> datetime | None:
    """Store wall time of an epoch-ms instant; None (no date, or BLAZE's 0 for "unset") stays None."""
    if not epoch_ms:
        return None
    return to_store_local(datetime.fromtimestamp(epoch_ms / 1000, UTC), tz)


def local_date(epoch_ms: int | None, tz: str) -> date | None:
    when = local_datetime(epoch_ms, tz)
    return when.date() if when else None


def to_location(shop: Shop, ids: IdBook, station_zone: str | None = None) -> Location:
    state = shop.address.state if shop.address else ""
    zone = resolve_zone(shop.timeZone, state, station_zone)
    return Location(
        loc_id=ids.intern("shop", shop.id),
        name=shop.name or shop.id,
        state=state,
        lsp_id=0,  # BLAZE has no licensed-service-provider id; the developer key names the company
        timezone=zone.name,
        zone_source=zone.source.value,
        zone_given=zone.given,
    )


def to_room(inv: Inventory, ids: IdBook) -> Room:
    return Room(
        room_id=ids.intern("inventory", inv.id),
        name=inv.name or inv.id,
        inventory_room=inv.active and not inv.deleted,
        pos_room=inv.sellable,
    )


def to_vendor(vendor: BlazeVendor, ids: IdBook) -> Vendor:
    return Vendor(
        vendor_id=ids.intern("vendor", vendor.id), name=vendor.name, code=vendor.licenseNumber
    )


def to_employee(emp: BlazeEmployee) -> Employee:
    return Employee(employee_id=emp.id, name=f"{emp.firstName} {emp.lastName}".strip() or emp.id)


def to_product(p: BlazeProduct, ids: IdBook) -> Product:
    cannabis = p.category.cannabis if p.category and p.category.cannabis is not None else True
    return Product(
        product_id=ids.intern("product", p.id),
        sku=p.sku,
        name=p.name,
        brand=p.brandName,
        category=p.category.name if p.category else "",
        unit_cost=p.cost,
        gtin=normalize_gtin(p.upc),
        is_cannabis=cannabis,
        measure=blaze_measure(p.category.unitType if p.category else None),  # [input]
    )


def to_package(
    batch: Batch, receipt_id: int, ids: IdBook, tz: str, room_names: dict[str, str]
) -> Package:
    return Package(
        package_id=batch.id,
        receipt_id=receipt_id,
        product_id=ids.intern("product", batch.productId),
        sku=batch.sku,
        product_name=batch.productName,
        quantity=batch.quantity,
        room_id=ids.intern("inventory", batch.roomId) if batch.roomId else None,
        room_name=room_names.get(batch.roomId, ""),
        label=batch.trackPackageLabel,
        lot=batch.lotId,
        expiration=local_date(batch.expirationDate, tz),
        received_at=local_datetime(batch.receiveDate or batch.purchasedDate, tz),
    )


def to_package_qty(row: BatchQuantity, label: str, tz: str) -> PackageQty:
    return PackageQty(
        id=row.batchId,
        label=label,
        quantity=row.quantity,
        received_on=local_date(row.batchPurchaseDate, tz),
    )


def to_transfer(t: TransferHistory, ids: IdBook, skus: dict[str, str]) -> Transfer:
    try:
        status = TransferStatus(t.status)
    except ValueError:
        raise ValueError(f"unknown transfer status {t.status!r}") from None
    return Transfer(
        id=t.id,
        status=status,
        from_room=ids.intern("inventory", t.fromInventoryId),
        to_room=ids.intern("inventory", t.toInventoryId),
        number=t.transferNo,
        items=tuple(
            TransferItem(
                product_id=ids.intern("product", log.productId),
                quantity=log.transferAmount,
                package_id=log.fromBatchId,
                sku=skus.get(log.productId, ""),
            )
            for log in t.transferLogs
        ),
    )


# -- from the domain -------------------------------------------------------------------------------


def json_number(value: Decimal) -> int | float:
    """Decimals go out as JSON numbers (BLAZE fields are `number`), integral ones without a fraction."""
    try:
        return int(value) if value == value.to_integral_value() else float(value)
    except (InvalidOperation, ValueError):
        raise ValueError(f"{value} is not a finite number") from None


def epoch_ms_of_day(day: date, tz: str) -> int:
    """Midnight at the store on `day`, as BLAZE's epoch milliseconds."""
    return int(from_store_local(datetime(day.year, day.month, day.day), tz).timestamp() * 1000)


def external_line_id(draft: ReceiveDraft, line: DraftLine) -> str:
    """Marks each batch with the draft's token and the line, so a re-sent receive can skip what landed."""
    return f"{draft.token}:{line.line_id}"


def batch_body(
    draft: ReceiveDraft,
    line: DraftLine,
    *,
    product_ext: str,
    inventory_ext: str,
    vendor_ext: str,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "productId": product_ext,
        "quantity": json_number(line.quantity),
        "inventoryId": inventory_ext,
        "vendorId": vendor_ext,
        "status": "RECEIVED",
        "poNumber": draft.wire_title,
        "externalId": external_line_id(draft, line),
    }
    if line.unit_cost is not None:  # never a cost nobody gave: 0 would zero the cost of goods
        body["costPerUnit"] = json_number(line.unit_cost)
    if line.package_tag:
        body["trackPackageLabel"] = line.package_tag
    if line.lot:
        body["lotId"] = line.lot
    if line.expiration:
        body["expirationDate"] = epoch_ms_of_day(line.expiration, draft.location.timezone)
    note = " · ".join(
        part
        for part in (draft.note, f"Delivered by {draft.delivered_by}" if draft.delivered_by else "")
        if part
    )
    if note:
        body["referenceNote"] = {"message": note}
    return body
