"""Fixtures for the local-state tests: a draft factory with every line field filled, and clean global state."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal

import pytest

from intake_gui.domain.models import DraftLine, Location, ReceiveDraft, Room, Vendor
from intake_gui.store.secrets import secret_registry

DraftFactory = Callable[..., ReceiveDraft]


@pytest.fixture
def make_draft() -> DraftFactory:
    def make(
        *, lines: int = 2, title: str = "INV-1001", vendor_id: int = 39195, **kw: object
    ) -> ReceiveDraft:
        built = tuple(
            DraftLine(
                product_id=11484902 + i,
                sku=f"3B479{i}",
                name=f"Tommy Chong Joint (H) #{i}",
                quantity=Decimal("3.5") if i % 2 else Decimal("3"),
                unit_cost=Decimal("4.25"),
                unit_id=2,
                room_id=24772,
                package_tag=f"1A4FF0100000022000000{i:03d}",
                lot=f"LOT-{i}",
                expiration=date(2027, 1, 31),
                expected=Decimal("4"),
                variance_reason="one short in the case",
            )
            for i in range(lines)
        )
        fields: dict[str, object] = {
            "location": Location(
                loc_id=1989, name="AZ Sandbox", lsp_id=575, timezone="America/Phoenix"
            ),
            "vendor": Vendor(vendor_id=vendor_id, name="PALOMINO PRINTING"),
            "room": Room(room_id=24772, name="Sales Floor", inventory_room=True, pos_room=True),
            "title": title,
            "lines": built,
        }
        fields.update(kw)
        return ReceiveDraft(**fields)  # type: ignore[arg-type]

    return make


@pytest.fixture(autouse=True)
def _fresh_secret_registry() -> Iterator[None]:
    yield
    secret_registry.clear()
