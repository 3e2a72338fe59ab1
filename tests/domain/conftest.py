"""Evidence builders for the diagnosis tests: the course's AZ store, two products x 3, and variations.

Exposed as the `w` fixture (a namespace of builders) because test modules run with importlib and cannot
import each other.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from intake_gui.domain.models import (
    DraftLine,
    HistoryRow,
    Location,
    Package,
    ReceiveDraft,
    Room,
    Vendor,
)
from intake_gui.domain.verification import VerificationEvidence

AZ = Location(loc_id=1989, name="AZ Sandbox", state="AZ", lsp_id=575, timezone="America/Phoenix")
IL = Location(loc_id=2862, name="IL Sandbox", state="IL", lsp_id=575, timezone="America/Chicago")
SALES = Room(room_id=24772, name="Sales Floor", inventory_room=True, pos_room=True)
VAULT = Room(room_id=24773, name="Vault", inventory_room=True, pos_room=False)
QUARANTINE = Room(room_id=24774, name="Quarantine", inventory_room=False, pos_room=False)
ROOMS = {r.room_id: r for r in (SALES, VAULT, QUARANTINE)}
VENDOR = Vendor(vendor_id=39195, name="PALOMINO PRINTING")
RECEIPT = 1379127
LATE = 3600.0


def make_draft(
    room: Room = SALES, lines: tuple[tuple[int, str, str], ...] | None = None
) -> ReceiveDraft:
    lines = lines or (
        (11484902, "3B4791", "Tommy Chong Joint (H)"),
        (11484903, "3B4792", "Blue Dream 1g"),
    )
    return ReceiveDraft(
        location=AZ,
        vendor=VENDOR,
        room=room,
        title="INV-1001",
        token="IN-ABCDEF1234",
        lines=tuple(
            DraftLine(product_id=pid, sku=sku, name=name, quantity=3, unit_cost="4.50")
            for pid, sku, name in lines
        ),
    )


def package(
    sku: str, qty: str = "3", room: Room | None = SALES, product_id: int | None = None, **kw: Any
) -> Package:
    return Package(
        package_id=f"PKG-{sku}",
        receipt_id=RECEIPT,
        product_id=product_id,
        sku=sku,
        quantity=Decimal(qty),
        room_id=room.room_id if room else None,
        room_name=room.name if room else "",
        **kw,
    )


def row(**kw: Any) -> HistoryRow:
    base: dict[str, Any] = dict(
        receipt_id=RECEIPT,
        received_at=datetime(2026, 4, 18, 10, 30),
        vendor_id=VENDOR.vendor_id,
        vendor_name=VENDOR.name,
        title="INV-1001 [IN-ABCDEF1234]",
        status="Received",
        product_count=2,
    )
    base.update(kw)
    return HistoryRow(**base)


def evidence(**kw: Any) -> VerificationEvidence:
    """The course's final assessment, all green, unless `kw` changes something."""
    draft = kw.pop("draft", None) or make_draft(kw.pop("room", SALES))
    room = draft.room
    base: dict[str, Any] = dict(
        draft=draft,
        receipt_id=RECEIPT,
        packages=tuple(package(ln.sku, room=room) for ln in draft.lines),
        history=(row(product_count=len(draft.lines)),),
        sellable_before={ln.sku: Decimal("0") for ln in draft.lines},
        sellable_after={ln.sku: Decimal("3") for ln in draft.lines},
        rooms=ROOMS,
        seconds_since_submit=30.0,
    )
    base.update(kw)
    return VerificationEvidence(**base)


def foreign(**kw: Any) -> VerificationEvidence:
    """A receive another tool made: the draft is a shell (no lines), what was sent is unknown."""
    shell = ReceiveDraft(
        location=AZ,
        vendor=VENDOR,
        room=Room(room_id=0, name="unknown", inventory_room=True, pos_room=False),
        title="Receipt from elsewhere",
        token="",
    )
    base: dict[str, Any] = dict(
        draft=shell,
        made_by_intake=False,
        receipt_id=RECEIPT,
        packages=(package("3B4791"), package("3B4792")),
        history=(row(title="from another tool"),),
        sellable_before=None,
        sellable_after={"3B4791": Decimal("3"), "3B4792": Decimal("3")},
        rooms=ROOMS,
        seconds_since_submit=LATE * 24,
    )
    base.update(kw)
    return VerificationEvidence(**base)


@pytest.fixture
def w() -> SimpleNamespace:
    return SimpleNamespace(
        AZ=AZ,
        IL=IL,
        SALES=SALES,
        VAULT=VAULT,
        QUARANTINE=QUARANTINE,
        ROOMS=ROOMS,
        VENDOR=VENDOR,
        RECEIPT=RECEIPT,
        LATE=LATE,
        make_draft=make_draft,
        package=package,
        row=row,
        evidence=evidence,
        foreign=foreign,
    )
