"""IndicaOnline's JSON shapes as pydantic models, and their translation to Intake's domain.

Lenient like every wire model here: unknown fields are ignored and optional ones may be missing or null.
Package quantities come as an object keyed by measurement ({"unit": null, "weight": 14.17} style; the
document's own example shows only `{"unit": null}`), so `measured` picks the number that is there.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from intake_gui.domain.barcode import normalize_gtin
from intake_gui.domain.counting import PackageQty
from intake_gui.domain.models import Location, Package, Product, Room, SellableItem


def _number(value: object) -> object:
    if isinstance(value, float):
        return Decimal(str(value))
    return value


def _text(value: object) -> object:
    return "" if value is None else value


def _blank_date(value: object) -> object:
    return None if value in ("", None) else value


Num = Annotated[Decimal, BeforeValidator(_number)]
Text = Annotated[str, BeforeValidator(_text)]
OptDate = Annotated[date | None, BeforeValidator(_blank_date)]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Page(_Wire):
    items: list[dict[str, Any]]
    count: int | None = None
    total: int | None = None


class Office(_Wire):
    id: int
    name: Text = ""
    state: Text = ""
    timezone: str | None = None


class IndicaProduct(_Wire):
    id: int
    name: Text = ""
    sku: Text = ""
    barcode: Text = ""
    brand: Text = ""
    category: Text = ""
    measurement: Text = ""
    is_cannabis: bool | None = None


class PackageRef(_Wire):
    id: int
    quantity: Num


class InventoryRow(_Wire):
    product_id: int
    office_id: int
    measurement: Text = ""
    quantity: Num
    packages: list[PackageRef] = Field(default_factory=list)


class IndicaPackage(_Wire):
    id: int
    uid: Text = ""
    batch_id: Text = ""
    vendor: Text = ""
    checked_in_to: int | None = None
    check_in_date: OptDate = None
    available_in_office: list[int] = Field(default_factory=list)
    measurement: Text = ""
    available_quantity: dict[str, Num | None] | None = None
    best_by: OptDate = None

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


def to_location(office: Office) -> Location:
    return Location(
        loc_id=office.id,
        name=office.name or f"Office {office.id}",
        state=office.state,
        lsp_id=0,  # no such notion at IndicaOnline
        timezone=office.timezone or "UTC",
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
