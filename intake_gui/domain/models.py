"""The vocabulary every layer shares: what a location, room, product and receive *are* for Intake.

These models are POS-neutral. Connectors translate their wire shapes into them (and back), so the wizard,
the services and the verification rules never learn a POS's field names. Validation lives here because a
bad draft must be refused the same way whether it came from the GUI, the CLI or a restored journal entry.
"""

from __future__ import annotations

import math
import uuid
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

TITLE_MAX = 80
"""The clerk's part of the order title. The idempotency tag is appended after it, see `ReceiveDraft.wire_title`."""

NOTE_MAX = 500
QTY_MAX = Decimal("100000")
COST_MAX = Decimal("1000000")


class PosKind(StrEnum):
    DUTCHIE = "dutchie"
    BLAZE = "blaze"
    INDICA = "indica"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Location(_Model):
    loc_id: int
    name: str
    state: str = ""
    lsp_id: int
    org_id: int = 0
    timezone: str = "UTC"
    """IANA name. Backoffice dates are store-local wall time; we need the zone to show and compare them."""
    zone_source: str = ""
    """Where `timezone` came from: a `domain.store_time.ZoneSource` value ("pos", "state", "station",
    "default"), or "" for a location made before this was known. `zone_words` says it in words."""
    zone_given: str = ""
    """What the POS or the state said when it was not the IANA name itself ("MST", "AZ")."""

    @property
    def zone_words(self) -> str:
        """ "Mountain Standard Time, America/Phoenix — from the store's state, AZ"."""
        from intake_gui.domain.store_time import zone_words

        return zone_words(self.timezone, self.zone_source, self.zone_given)


class Vendor(_Model):
    vendor_id: int
    name: str
    code: str = ""

    @property
    def label(self) -> str:
        """Vendor names repeat with different ids; the label always carries the id so a clerk can tell."""
        extra = f" · {self.code}" if self.code else ""
        return f"{self.name}  (#{self.vendor_id}{extra})"


class Room(_Model):
    room_id: int
    name: str
    inventory_room: bool
    pos_room: bool
    sellable_known: bool = True
    """False when the POS did not say whether this is a POS (sales) room and `pos_room` is only assumed:
    verification then never takes the room as proof either way (verify helper)."""

    @property
    def eligible(self) -> bool:
        """Only inventory rooms can take a receive at all."""
        return self.inventory_room

    @property
    def sellable(self) -> bool:
        """Stock shows in sellable inventory only from rooms that are both inventory and POS rooms."""
        return self.inventory_room and self.pos_room


class Product(_Model):
    product_id: int
    sku: str
    name: str
    brand: str = ""
    category: str = ""
    unit_cost: Decimal | None = None
    gtin: str = ""
    """Normalised to 14 digits when known ("" when the POS has no barcode for it)."""
    unit_id: int = 1
    is_cannabis: bool = True


def parse_quantity(value: object) -> Decimal:
    """Turn whatever a clerk, a scanner or a file handed us into a valid quantity, or explain why not.

    Raises ValueError with a sentence a clerk can read; callers show it as-is.
    """
    if isinstance(value, bool):
        raise ValueError("Quantity must be a number.")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("Quantity must be a finite number.")
    try:
        qty = (
            Decimal(str(value).strip().replace(",", ""))
            if not isinstance(value, Decimal)
            else value
        )
    except (InvalidOperation, ValueError):
        raise ValueError(f"“{value}” is not a quantity. Type a number such as 3 or 3.5.") from None
    if not qty.is_finite():
        raise ValueError("Quantity must be a finite number.")
    if qty <= 0:
        raise ValueError("Quantity must be greater than zero.")
    if qty > QTY_MAX:
        raise ValueError(f"Quantity {qty} is larger than {QTY_MAX}; check the count.")
    if qty.as_tuple().exponent < -3:  # type: ignore[operator]
        raise ValueError("Quantity can have at most three decimal places.")
    return qty.normalize() if qty == qty.to_integral_value() else qty


def parse_cost(value: object) -> Decimal:
    """Unit cost: zero is allowed (samples), negative and absurd values are not."""
    if isinstance(value, bool):
        raise ValueError("Unit cost must be a number.")
    try:
        cost = Decimal(str(value).strip().lstrip("$").replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValueError(f"“{value}” is not a price. Type a number such as 12.50.") from None
    if not cost.is_finite() or cost < 0:
        raise ValueError("Unit cost must be zero or more.")
    if cost > COST_MAX:
        raise ValueError(f"Unit cost {cost} is larger than {COST_MAX}; check the price.")
    return cost.quantize(Decimal("0.01"))


Quantity = Annotated[Decimal, Field(gt=0, le=QTY_MAX)]


class DraftLine(_Model):
    line_id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    product_id: int
    sku: str
    name: str
    quantity: Decimal
    unit_cost: Decimal | None = None
    """None when nobody gave a cost: the line is sent without one (never as 0, which would zero the
    store's cost of goods), shown as "no cost", and refused at Submit when the station requires costs."""
    unit_id: int = 1
    room_id: int | None = None
    package_tag: str = ""
    lot: str = ""
    expiration: date | None = None
    expected: Decimal | None = None
    """From an imported manifest; None when the delivery had no manifest line for this product."""
    variance_reason: str = ""

    @field_validator("quantity", mode="before")
    @classmethod
    def _qty(cls, v: object) -> Decimal:
        return parse_quantity(v)

    @field_validator("unit_cost", mode="before")
    @classmethod
    def _cost(cls, v: object) -> Decimal | None:
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        return parse_cost(v)

    @property
    def line_total(self) -> Decimal:
        """Quantity x cost; 0 for a line without a cost (see `ReceiveDraft.costs_known`)."""
        if self.unit_cost is None:
            return Decimal("0.00")
        return (self.quantity * self.unit_cost).quantize(Decimal("0.01"))


class DraftState(StrEnum):
    OPEN = "open"
    SUBMITTING = "submitting"
    """Sent (or about to be); outcome not yet known. Never re-sent before reconciliation."""
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    FAILED = "failed"
    """The POS definitely refused it; the draft can be corrected and sent again."""
    ABANDONED = "abandoned"
    NEEDS_DECISION = "needs_decision"
    """Sent, and Intake could not find out whether it landed within the reads it is allowed: a person decides
    (it is in the POS / send it again). Never re-sent without that decision."""


def new_token() -> str:
    """The idempotency tag. Short enough for an order title, random enough never to collide at a store."""
    return "IN-" + uuid.uuid4().hex[:10].upper()


class ReceiveDraft(_Model):
    draft_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    pos: PosKind = PosKind.DUTCHIE
    location: Location
    vendor: Vendor
    room: Room
    title: str
    note: str = ""
    delivered_by: str = ""
    lines: tuple[DraftLine, ...] = ()
    token: str = Field(default_factory=new_token)
    manifest_ref: str = ""
    """The imported manifest's transfer / invoice number ("" when none): identifies the delivery (domain.delivery)."""

    @field_validator("title")
    @classmethod
    def _title(cls, v: str) -> str:
        v = " ".join(v.split())
        if not v:
            raise ValueError(
                "Give the receive a title (for example the invoice or manifest number)."
            )
        if len(v) > TITLE_MAX:
            raise ValueError(f"The title is {len(v)} characters; keep it to {TITLE_MAX}.")
        return v

    @field_validator("note")
    @classmethod
    def _note(cls, v: str) -> str:
        if len(v) > NOTE_MAX:
            raise ValueError(f"The note is {len(v)} characters; keep it to {NOTE_MAX}.")
        return v

    @property
    def wire_title(self) -> str:
        """The title as sent: the clerk's title plus the idempotency tag, which receive history echoes back."""
        return f"{self.title} [{self.token}]"

    @property
    def total_quantity(self) -> Decimal:
        return sum((ln.quantity for ln in self.lines), Decimal("0"))

    @property
    def total_cost(self) -> Decimal:
        return sum((ln.line_total for ln in self.lines), Decimal("0"))

    @property
    def costs_known(self) -> bool:
        """Every line has a unit cost (so `total_cost` is the real total)."""
        return all(ln.unit_cost is not None for ln in self.lines)

    def problems(self, *, require_costs: bool = False) -> list[str]:
        """Everything that stops this draft from being sent, in words; empty when it may go.
        `require_costs` is the station setting of that name: every line must then have a unit cost."""
        out: list[str] = []
        if not self.room.eligible:
            out.append(
                f"Room “{self.room.name}” is not an inventory room; stock received there never reaches "
                "inventory. Choose an inventory room."
            )
        if not self.lines:
            out.append("Add at least one product before submitting.")
        for ln in self.lines:
            if ln.room_id is None:
                out.append(f"Line {ln.sku} has no room.")
            if (
                ln.expected is not None
                and ln.quantity != ln.expected
                and not ln.variance_reason.strip()
            ):
                kind = "over" if ln.quantity > ln.expected else "short"
                out.append(
                    f"{ln.sku} is {kind} (expected {ln.expected}, counted {ln.quantity}): give a reason."
                )
        if require_costs:
            no_cost = [ln.sku for ln in self.lines if ln.unit_cost is None]
            if no_cost:
                shown = ", ".join(no_cost[:5]) + (
                    f" and {len(no_cost) - 5} more" if len(no_cost) > 5 else ""
                )
                out.append(
                    f"This station requires a unit cost on every line; give one for {shown}."
                )
        return out

    @model_validator(mode="after")
    def _lines_in_room(self) -> ReceiveDraft:
        # Every line carries a room: a line without RoomId "succeeds" yet never reaches stock.
        fixed = tuple(
            ln if ln.room_id is not None else ln.model_copy(update={"room_id": self.room.room_id})
            for ln in self.lines
        )
        if fixed != self.lines:
            object.__setattr__(self, "lines", fixed)
        return self


class Package(_Model):
    package_id: int | str
    receipt_id: int | None = None
    product_id: int | None = None
    sku: str
    product_name: str = ""
    quantity: Decimal
    room_id: int | None = None
    room_name: str = ""
    label: str = ""
    lot: str = ""
    expiration: date | None = None
    received_at: datetime | None = None


class HistoryRow(_Model):
    receipt_id: int
    received_at: datetime | None = None
    """Store-local wall time, naive, as the POS reports it; pair with Location.timezone to show it.
    None when the POS sent no readable date: the row still proves the receive by id and title."""
    vendor_id: int | None = None
    vendor_name: str = ""
    title: str = ""
    status: str = ""
    product_count: int = 0
    total_quantity: Decimal | None = None

    @property
    def sort_key(self) -> tuple[datetime, int]:
        """Oldest first by date, rows without a date first (as if at the start of time), then by id."""
        return (self.received_at or datetime.min, self.receipt_id)


class SellableItem(_Model):
    sku: str
    product_id: int | None = None
    product_name: str = ""
    quantity: Decimal
    room_id: int | None = None
    room_name: str = ""
