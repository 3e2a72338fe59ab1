"""IndicaOnline's JSON shapes as pydantic models, and their translation to Intake's domain.

Every model is a `pos.tolerant.TolerantModel`, like every wire model here: only ids and quantities are
essential; other fields may be missing, null, differently cased or unreadable, and blank to their default.
Package quantities come as an object keyed by measurement ({"unit": null, "weight": 14.17} style; the
document's own example shows only `{"unit": null}`), so `measured` picks the number that is there.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from pydantic import Field

from intake_gui.domain.barcode import normalize_gtin
from intake_gui.domain.counting import PackageQty
from intake_gui.domain.models import Location, Package, Product, Room, SellableItem
from intake_gui.domain.store_time import resolve_zone
from intake_gui.pos.tolerant import (
    Aliases,
    Day,
    Int,
    Num,
    OptFlag,
    OptInt,
    OptNum,
    Text,
    TolerantModel,
)
from intake_gui.pos.tolerant import read_rows as read_rows  # the connector reads every list with it
from intake_gui.pos.units import indica_measure

_Wire = TolerantModel


class Page(_Wire):
    __aliases__: ClassVar[Aliases] = {"items": ("data", "results", "values", "rows")}
    items: list[Any]
    count: OptInt = None
    total: OptInt = None


class Office(_Wire):
    __aliases__: ClassVar[Aliases] = {
        "id": ("office_id",),
        "state": ("state_code", "region"),
        "timezone": ("time_zone", "tz", "timezone_name"),
    }
    id: Int
    name: Text = ""
    state: Text = ""
    timezone: Text = ""


class IndicaProduct(_Wire):
    __aliases__: ClassVar[Aliases] = {"barcode": ("upc", "gtin"), "id": ("product_id",)}
    id: Int
    name: Text = ""
    sku: Text = ""
    barcode: Text = ""
    brand: Text = ""
    category: Text = ""
    measurement: Text = ""
    is_cannabis: OptFlag = None


class PackageRef(_Wire):
    id: Int
    quantity: Num


class InventoryRow(_Wire):
    product_id: Int
    office_id: Int
    measurement: Text = ""
    quantity: Num
    packages: list[PackageRef] = Field(default_factory=list)


class IndicaPackage(_Wire):
    __aliases__: ClassVar[Aliases] = {
        "uid": ("label", "package_uid", "tag"),
        "check_in_date": ("checked_in_at", "checkin_date", "received_at", "created_at"),
        "best_by": ("expiration_date", "expires_at", "best_before"),
    }
    __date_hints__: ClassVar[Aliases] = {"check_in_date": ("check", "receiv", "creat", "add")}
    id: Int
    uid: Text = ""
    batch_id: Text = ""
    vendor: Text = ""
    checked_in_to: OptInt = None
    check_in_date: Day = None
    available_in_office: list[int] = Field(default_factory=list)
    measurement: Text = ""
    available_quantity: dict[str, OptNum] | None = None
    best_by: Day = None

    def measured(self) -> Decimal:
        """The available quantity in the package's own measurement, else whichever value is present."""
        values = self.available_quantity or {}
        picked = values.get(self.measurement)
        if picked is None:
            picked = next((v for v in values.values() if v is not None), Decimal(0))
        return picked


# -- to the domain ---------------------------------------------------------------------------------

VIRTUAL_ROOM_NAME = "Whole office"
"""IndicaOnline has no rooms in its inventory API: each office is one pool of stock, shown as one room."""


def to_location(office: Office, station_zone: str | None = None) -> Location:
    zone = resolve_zone(office.timezone, office.state, station_zone)
    return Location(
        loc_id=office.id,
        name=office.name or f"Office {office.id}",
        state=office.state,
        lsp_id=0,  # no such notion at IndicaOnline
        timezone=zone.name,
        zone_source=zone.source.value,
        zone_given=zone.given,
    )


def office_room(office_id: int) -> Room:
    """The one room of an office. Its id is the office id, so it is stable and unique per location."""
    return Room(room_id=office_id, name=VIRTUAL_ROOM_NAME, inventory_room=True, pos_room=True)


def virtual_room(location: Location) -> Room:
    return office_room(location.loc_id)


def to_product(p: IndicaProduct) -> Product:
    return Product(
        product_id=p.id,
        sku=p.sku,
        name=p.name,
        brand=p.brand,
        category=p.category,
        gtin=normalize_gtin(p.barcode),
        is_cannabis=True if p.is_cannabis is None else p.is_cannabis,
        measure=indica_measure(p.measurement),  # [input] "unit" / "weight"
    )


def to_sellable(row: InventoryRow, product: IndicaProduct | None, room: Room) -> SellableItem:
    return SellableItem(
        sku=product.sku if product else "",
        product_id=row.product_id,
        product_name=product.name if product else "",
        quantity=row.quantity,
        room_id=room.room_id,
        room_name=room.name,
    )


def to_package_qty(ref: PackageRef, detail: IndicaPackage | None) -> PackageQty:
    return PackageQty(
        id=ref.id,
        label=detail.uid if detail else "",
        quantity=ref.quantity,
        received_on=detail.check_in_date if detail else None,
    )


def to_package(pkg: IndicaPackage) -> Package:
    return Package(
        package_id=pkg.id,
        sku="",  # a package read by id does not name its product
        quantity=pkg.measured(),
        label=pkg.uid,
        lot=pkg.batch_id,
        expiration=pkg.best_by,
    )
