"""What one scan did, and what is waiting for the clerk: the values the scan path hands to the page and the sound.

Split from scan_session.py so the page, the sounds and the count window can speak about outcomes without the
session's machinery. Nothing here knows about Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from intake_gui.domain.barcode import ScanCode
from intake_gui.domain.models import Product

ZERO = Decimal("0")


class OutcomeKind(StrEnum):
    ADDED = "added"
    INCREMENTED = "incremented"
    DOUBLE_READ = "double_read"
    DUPLICATE_SERIAL = "duplicate_serial"
    UNKNOWN = "unknown"
    AMBIGUOUS = "ambiguous"
    INVALID = "invalid"
    MULTIPLIER = "multiplier"
    MAPPED = "mapped"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    """What one scan (or search pick) did, for the status line, the sound and the audit trail."""

    kind: OutcomeKind
    raw: str = ""
    code: ScanCode | None = None
    line_id: str = ""
    product: Product | None = None
    quantity: Decimal = ZERO
    """How much this action added (0 when nothing was counted)."""
    candidates: tuple[Product, ...] = ()
    message: str = ""

    @property
    def counted(self) -> bool:
        return (
            self.kind in (OutcomeKind.ADDED, OutcomeKind.INCREMENTED, OutcomeKind.MAPPED)
            and self.quantity > 0
        )

    @property
    def good(self) -> bool:
        """Play the good beep: something was counted or a multiplier armed."""
        return self.counted or self.kind in (OutcomeKind.MULTIPLIER, OutcomeKind.MAPPED)

    @property
    def blanked(self) -> bool:
        """Taken for the scanner reading one label twice: not counted, kept for the clerk to count."""
        return self.kind is OutcomeKind.DOUBLE_READ

    @property
    def needs_attention(self) -> bool:
        """Play the bad buzz: the clerk has to look at the screen."""
        return self.kind in (
            OutcomeKind.UNKNOWN,
            OutcomeKind.AMBIGUOUS,
            OutcomeKind.INVALID,
            OutcomeKind.REJECTED,
            OutcomeKind.DUPLICATE_SERIAL,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "code": self.code.as_dict() if self.code else None,
            "line_id": self.line_id,
            "product_id": self.product.product_id if self.product else None,
            "quantity": str(self.quantity),
            "candidates": [p.product_id for p in self.candidates],
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class PendingCode:
    """An unknown (or ambiguous) code waiting for the clerk, with every read of it so far."""

    code: ScanCode
    quantity: Decimal
    candidates: tuple[Product, ...] = ()


@dataclass(frozen=True, slots=True)
class Totals:
    lines: int
    units: Decimal
    cost: Decimal
    expected_units: Decimal | None
    pending_unknown: int
