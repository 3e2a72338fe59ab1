"""What a shelf holds and how stock moves between rooms, in words every POS connector can fill.

Count mode compares what a clerk counts in one room with what the POS believes is there, package by package,
oldest first: the oldest package is the one that should be on the shelf (sold first, FIFO), so a count that
finds a newer package where an older one should be points at a mix-up. Moves are transfers with a life of
their own (pending, then accepted or declined), because BLAZE moves stock only once someone accepts.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator


class PackageDetail(StrEnum):
    """How much the POS's read says about packages, which decides what the count can claim about them."""

    FULL = "full"
    """Every product's packages are in the read (BLAZE batch quantities)."""
    ON_DEMAND = "on_demand"
    """Packages are read product by product as they are scanned (IndicaOnline: one read per product)."""
    NONE = "none"
    """The read has no packages at all (Dutchie's sellable inventory): per product only."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class PackageQty(_Model):
    """One package (BLAZE: batch) of a product in one room."""

    id: int | str
    label: str = ""
    """The tag a clerk can read on the package (Metrc UID or the POS's own label); "" when unknown."""
    quantity: Decimal
    received_on: date | None = None
    """When it was checked in; None when the POS does not say (such packages sort last)."""


def fifo_key(package: PackageQty) -> tuple[bool, date, str]:
    """Oldest first; undated packages after dated ones; ties broken by id so the order is stable."""
    return (package.received_on is None, package.received_on or date.max, str(package.id))


class ShelfQuantity(_Model):
    """The POS's belief about one product in one room. Packages are kept in FIFO order whatever the input."""

    product_id: int
    sku: str
    name: str = ""
    quantity: Decimal
    packages: tuple[PackageQty, ...] = ()

    @model_validator(mode="after")
    def _fifo(self) -> ShelfQuantity:
        ordered = tuple(sorted(self.packages, key=fifo_key))
        if ordered != self.packages:
            object.__setattr__(self, "packages", ordered)
        return self

    @property
    def oldest(self) -> PackageQty | None:
        return self.packages[0] if self.packages else None


class TransferStatus(StrEnum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    """Stock moved (BLAZE moves it on acceptance, not on creation)."""
    DECLINED = "DECLINED"
    """Nothing moved; the transfer is closed."""


class TransferItem(_Model):
    product_id: int
    quantity: Decimal = Field(gt=0)
    package_id: int | str | None = None
    """Move from this package only; None lets the POS choose (BLAZE and our emulator take oldest first)."""
    sku: str = ""


class Transfer(_Model):
    id: str
    status: TransferStatus
    from_room: int
    to_room: int
    items: tuple[TransferItem, ...] = ()
    number: str = ""
    """The POS's human-facing transfer number, for the clerk to quote; "" when it has none."""

    @property
    def open(self) -> bool:
        """Still changeable: only a pending transfer may be updated, accepted or declined."""
        return self.status is TransferStatus.PENDING


class Employee(_Model):
    """Someone the POS can record as having created, accepted or declined a move."""

    employee_id: str
    name: str
