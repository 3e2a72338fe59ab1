"""A small, hand-written catalog the scanning tests can reason about line by line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from intake_gui.domain.catalog_index import CatalogIndex
from intake_gui.domain.models import Product
from intake_gui.domain.scan_session import ScanSession

TAG = "1A4060300002C35000012345"


def product(
    pid: int, sku: str, name: str, brand: str = "", gtin: str = "", cost: str | None = "10.00"
) -> Product:
    return Product(
        product_id=pid,
        sku=sku,
        name=name,
        brand=brand,
        gtin=gtin,
        unit_cost=Decimal(cost) if cost is not None else None,
    )


CATALOG = (
    product(1, "3B4791", "Tommy Chong Joint (H)", "Tommy Chong", "00012345678905"),
    product(2, "GUM-10", "Kiva Gelato Gummies 10pk", "Kiva", "04006381333931"),
    product(3, "CART-1", "Select Blue Dream Cartridge 1g", "Select", ""),
    product(
        4, "012345000065", "Raw Garden Live Resin", "Raw Garden", ""
    ),  # the UPC kept in the SKU field
    product(5, "PR-5PK", "Jeeter Pre-Roll 5pk", "Jeeter", "00000096385074"),
    product(6, "NAT-1", "Nature's Grace Tincture 30ml", "Nature's Grace", ""),
    product(7, "DUP-A", "Duplicate Barcode A", "Acme", "00614141123452"),
    product(8, "DUP-B", "Duplicate Barcode B", "Acme", "00614141123452"),
    product(9, "BLUE-9", "Blue Cheese Flower 3.5g", "Alien Labs", "", cost=None),
)


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms / 1000


@pytest.fixture
def catalog() -> tuple[Product, ...]:
    return CATALOG


@pytest.fixture
def index() -> CatalogIndex:
    return CatalogIndex(CATALOG, extra_codes={TAG: 3})


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def session(index: CatalogIndex, clock: Clock) -> ScanSession:
    return ScanSession(index, room_id=24772, clock=clock)
