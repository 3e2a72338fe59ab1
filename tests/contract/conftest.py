"""What the Dutchie contract tests share: a connector factory for any dialect's sandbox (on the client clock
that moves only when the client sleeps, `fake_time` in tests/conftest.py), and the course's receive flow
written once.

Every id comes from the sandbox's `ids` (the dialect spoken), never from the course's numbers, so the same
test runs in every dialect.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from intake_gui.domain.models import (
    DraftLine,
    HistoryRow,
    Location,
    Package,
    Product,
    ReceiveDraft,
    Room,
    Vendor,
)
from intake_gui.pos.base import Credentials
from intake_gui.pos.dutchie import DutchieConnector
from intake_gui.sandbox import BusinessIds, EmbeddedSandbox
from intake_gui.sandbox.dialects import CALM_DIALECTS, DIALECT_NAMES
from tests.conftest import FakeTime

EVERY_DIALECT = DIALECT_NAMES
CALM = CALM_DIALECTS
"""Every dialect, and the calm ones (no mood presets): a test that counts requests or waits runs in CALM,
and the moods get their own tests, each switched on explicitly in every dialect (test_dutchie_moods)."""


@pytest.fixture
def connect(fake_time: FakeTime) -> Iterator[Callable[..., DutchieConnector]]:
    """`connect(box, user=None, **connector_options)`: a connector logged in as the dialect's trainer
    (or `user`), with fake time unless the test passes its own `sleep`/`clock`."""
    made: list[DutchieConnector] = []

    def make(box: EmbeddedSandbox, user: str | None = None, **kw: Any) -> DutchieConnector:
        options: dict[str, Any] = {
            "rate_per_minute": 0,
            "sleep": fake_time.sleep,
            "clock": fake_time.clock,
            "timeout": 10.0,
        }
        options.update(kw)
        ids = box.ids
        conn = DutchieConnector(box.base_url, Credentials(user or ids.user, ids.secret), **options)
        made.append(conn)
        return conn

    yield make
    for conn in made:
        conn.close()


def az_of(conn: DutchieConnector, ids: BusinessIds) -> Location:
    return next(loc for loc in conn.locations() if loc.loc_id == ids.az_loc_id)


def line(product: Product, qty: int = 3) -> DraftLine:
    return DraftLine(
        product_id=product.product_id,
        sku=product.sku,
        name=product.name,
        quantity=qty,
        unit_cost=product.unit_cost or Decimal("4"),
        unit_id=product.unit_id,
    )


def known_product(ids: BusinessIds, which: str = "first") -> Product:
    """A product of the course's catalogue as the dialect numbers it, without reading 17k rows."""
    if which == "first":
        return Product(product_id=ids.product_id, sku=ids.sku, name=ids.product_name)
    return Product(product_id=ids.second_product_id, sku=ids.second_sku, name=ids.second_sku)


def simple_draft(
    conn: DutchieConnector,
    ids: BusinessIds,
    *,
    room_id: int | None = None,
    title: str = "Contract",
    products: tuple[Product, ...] | None = None,
) -> ReceiveDraft:
    az = az_of(conn, ids)
    vendor = next(v for v in conn.vendors(az) if v.vendor_id == ids.vendor_id)
    room = next(r for r in conn.rooms(az) if r.room_id == (room_id or ids.sales_floor_id))
    return ReceiveDraft(
        location=az,
        vendor=vendor,
        room=room,
        title=title,
        lines=tuple(line(p) for p in (products or (known_product(ids),))),
    )


def sellable_qty(conn: DutchieConnector, az: Location, skus: list[str]) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for s in conn.sellable_inventory(az, skus):
        found[s.sku] = found.get(s.sku, Decimal(0)) + s.quantity
    return {sku: found.get(sku, Decimal(0)) for sku in skus}


def committed(box: EmbeddedSandbox) -> list[dict[str, Any]]:
    return box.admin.receives()


def history_around_now(conn: DutchieConnector, az: Location) -> list[HistoryRow]:
    now = datetime.now(UTC)
    return conn.receipt_history(az, now - timedelta(hours=26), now + timedelta(hours=26))


def logins(box: EmbeddedSandbox) -> int:
    return box.admin.state()["counters"].get("user/login", {}).get("requests", 0)


@dataclass
class FlowResult:
    receipt: int
    packages: list[Package]
    history: HistoryRow
    sellable_delta: dict[str, Decimal]
    rooms: list[Room]
    vendor: Vendor


def receive_flow(conn: DutchieConnector, ids: BusinessIds, *, title: str = "Flow") -> FlowResult:
    """The course's whole flow — locations, vendors, rooms, products, baseline, receive, the three
    reads — as the wizard drives it, each call a separate request."""
    az = az_of(conn, ids)
    vendor = next(v for v in conn.vendors(az) if v.vendor_id == ids.vendor_id)
    rooms = conn.rooms(az)
    floor = next(r for r in rooms if r.room_id == ids.sales_floor_id)
    catalog = {p.product_id: p for p in conn.products(az)}
    picked = (catalog[ids.product_id], catalog[ids.second_product_id])
    skus = [p.sku for p in picked]
    baseline = sellable_qty(conn, az, skus)
    draft = ReceiveDraft(
        location=az, vendor=vendor, room=floor, title=title, lines=tuple(line(p) for p in picked)
    )
    receipt = conn.receive(draft)
    packages = conn.packages_for_receipt(az, receipt)
    row = next(r for r in history_around_now(conn, az) if r.receipt_id == receipt)
    after = sellable_qty(conn, az, skus)
    return FlowResult(
        receipt=receipt,
        packages=packages,
        history=row,
        sellable_delta={sku: after[sku] - baseline[sku] for sku in skus},
        rooms=rooms,
        vendor=vendor,
    )
