"""The shared count/move vocabulary (domain/counting.py): FIFO order and transfer states."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from intake_gui.domain.counting import (
    PackageQty,
    ShelfQuantity,
    Transfer,
    TransferItem,
    TransferStatus,
    fifo_key,
)


def test_shelf_packages_are_kept_oldest_first_with_undated_last() -> None:
    shelf = ShelfQuantity(
        product_id=1,
        sku="A",
        quantity=Decimal(6),
        packages=(
            PackageQty(id="n", quantity=1, received_on=date(2025, 3, 1)),
            PackageQty(id="u", quantity=2),
            PackageQty(id="o", quantity=3, received_on=date(2024, 12, 1)),
            PackageQty(id=7, quantity=0, received_on=date(2024, 12, 1)),
        ),
    )
    assert [p.id for p in shelf.packages] == [7, "o", "n", "u"]
    assert shelf.oldest == shelf.packages[0]
    assert ShelfQuantity(product_id=1, sku="A", quantity=0).oldest is None
    assert sorted(shelf.packages, key=fifo_key) == list(shelf.packages)


def test_only_a_pending_transfer_is_open_and_items_must_move_something() -> None:
    item = TransferItem(product_id=1, quantity=Decimal("2.5"))
    assert Transfer(
        id="t", status=TransferStatus.PENDING, from_room=1, to_room=2, items=(item,)
    ).open
    assert not Transfer(id="t", status="ACCEPTED", from_room=1, to_room=2).open
    with pytest.raises(ValidationError):
        TransferItem(product_id=1, quantity=0)
