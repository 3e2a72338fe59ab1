"""The vocabulary every layer shares: what a location, room, product and receive *are* for Intake.

These models are POS-neutral. Connectors translate their wire shapes into them (and back), so the wizard,
the services and the verification rules never learn a POS's field names. Validation lives here because a
bad draft must be refused the same way whether it came from the GUI, the CLI or a restored journal entry.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from intake_gui.domain import quantities
from intake_gui.domain.quantities import QTY_MAX, Measure
from intake_gui.domain.text import clean_text, json_safe

TITLE_MAX = 80
"""The clerk's part of the order title. The idempotency tag is appended after it, see `ReceiveDraft.wire_title`."""

NOTE_MAX = 500
DELIVERED_BY_MAX = 80
COST_MAX = Decimal("1000000")


_POS_KIND = re.compile(r"[a-z][a-z0-9_]{1,31}")


class PosKind(StrEnum):
    """Which POS a station or a draft talks to: the kind name of a driver in `pos/registry.py`.

    The built-in kinds are members. Any other well-formed name (lower-case letters, digits, "_") is accepted
    as a pseudo-member, so a driver added under `pos/<kind>/` needs no edit here; whether a kind is *known*
    is the registry's call, not the domain's.
    """

    DUTCHIE = "dutchie"
    BLAZE = "blaze"
    INDICA = "indica"

    @classmethod
    def _missing_(cls, value: object) -> PosKind | None:
        if not isinstance(value, str) or not _POS_KIND.fullmatch(value):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        # Cached, so `PosKind("x") is PosKind("x")` holds like it does for the members.
        return cls._value2member_map_.setdefault(value, member)  # type: ignore[return-value]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class _Storable(_Model):
    """A model that goes into a draft, and so into the journal's JSON: a POS answer's "\\udcff" escape (a lone
    surrogate) in a name would otherwise crash `save_draft` when serialised. Repaired to U+FFFD on the way in.
    (Not on Product: its 17k-row catalogue parse stays on pydantic's fast path; its text reaches a draft
    through DraftLine.)"""

    @field_validator("*", mode="before")
    @classmethod
    def _json_safe(cls, v: object) -> object:
        return json_safe(v) if isinstance(v, str) else v


class Location(_Storable):
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


class Vendor(_Storable):
    vendor_id: int
    name: str
    code: str = ""

    @property
    def label(self) -> str:
        """Vendor names repeat with different ids; the label always carries the id so a clerk can tell."""
        extra = f" · {self.code}" if self.code else ""
        return f"{self.name}  (#{self.vendor_id}{extra})"


class Room(_Storable):
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
    measure: Measure = Measure.UNKNOWN
    """How the catalogue says it is counted (each / by weight); `pos/units.py` reads it per POS."""


def parse_quantity(
    value: object, *, measure: Measure | str = Measure.UNKNOWN, what: str = ""
) -> Decimal:
    """A quantity a clerk, a scanner or the command line gave, read in the station's number style (see
    `domain.quantities`): `QuantityError` (a ValueError) with a sentence a clerk can read when it is refused.
    `measure`/`what` are the product's, when known: a product counted each refuses fractions."""
    return quantities.parse_quantity(value, measure=measure, what=what)


def parse_cost(value: object, *, style: quantities.NumberStyle | None = None) -> Decimal:
    """Unit cost a person typed (station style unless `style`): zero is allowed (samples), negative and
    absurd values are not; "$" is allowed, a thousands separator is not (the same reading as quantities)."""
    if isinstance(value, bool) or value is None:
        raise quantities.QuantityError("Type a unit cost, such as 12.50.", "not_a_number")
    if isinstance(value, str):
        text = value.strip().removeprefix("$").strip()
        if not text:
            raise quantities.QuantityError("Type a unit cost, such as 12.50.", "empty")
        if text.startswith(("-", "−")):
            raise quantities.QuantityError(
                "A unit cost must be zero or more; type it without a minus sign.", "not_positive"
            )
        try:
            cost = quantities.read_number(text, style or quantities.station_style(), what="price")
        except quantities.QuantityError as exc:
            raise quantities.QuantityError(f"Unit cost: {exc}", exc.code) from None
    elif isinstance(value, Decimal | int | float):
        cost = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        raise quantities.QuantityError(
            "A unit cost must be a number, such as 12.50.", "not_a_number"
        )
    if not cost.is_finite() or cost < 0:
        raise quantities.QuantityError("A unit cost must be zero or more.", "not_positive")
    if cost > COST_MAX:
        raise quantities.QuantityError(
            f"A unit cost of {cost:f} is more than {COST_MAX}; check the price.", "too_large"
        )
    return cost.quantize(Decimal("0.01"))


def _stored(info: ValidationInfo) -> bool:
    """Read back from the journal or the shared record: repair instead of refusing (NOTES-record.md)."""
    return bool(info.context and info.context.get("stored"))


Quantity = Annotated[Decimal, Field(gt=0, le=QTY_MAX)]


class DraftLine(_Storable):
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
    measure: Measure = Measure.UNKNOWN
    """The product's (`Product.measure`), so the line refuses a fraction of something sold each."""

    @field_validator("quantity", mode="before")
    @classmethod
    def _qty(cls, v: object) -> Decimal:
        # Text here is a stored or machine value ("1.5" in the journal's JSON), never a person's typing:
        # read it in the machine style whatever the station's decimal mark. People's text goes through
        # `parse_quantity` first.
        return quantities.parse_quantity(v, style=quantities.MACHINE)

    @field_validator("unit_cost", mode="before")
    @classmethod
    def _cost(cls, v: object) -> Decimal | None:
        # None when nobody gave a cost (sent without one, never as 0); stored/machine text, see `_qty`.
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        return parse_cost(v, style=quantities.MACHINE)

    @model_validator(mode="after")
    def _counted_as_sold(self, info: ValidationInfo) -> DraftLine:
        # A product sold each cannot be received as 3.5; a stored line is kept as it was sent.
        if self.measure is Measure.EACH and not _stored(info):
            quantities.check_quantity(
                self.quantity, measure=self.measure, what=self.name or self.sku
            )
        return self

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

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, v: object, info: ValidationInfo) -> str:
        return clean_text(
            v,
            field="title",
            limit=TITLE_MAX,
            required="Give the receive a title (for example the invoice or manifest number).",
            lenient=_stored(info),
        )

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, v: object, info: ValidationInfo) -> str:
        return clean_text(v, field="note", limit=NOTE_MAX, multiline=True, lenient=_stored(info))

    @field_validator("manifest_ref", mode="before")
    @classmethod
    def _manifest_ref(cls, v: object, info: ValidationInfo) -> str:
        # It identifies the delivery (domain.delivery): the same NFC text, no invisible characters.
        return clean_text(v, field="manifest number", limit=TITLE_MAX, lenient=_stored(info))

    @field_validator("delivered_by", mode="before")
    @classmethod
    def _delivered_by(cls, v: object, info: ValidationInfo) -> str:
        return clean_text(
            v, field="“delivered by” name", limit=DELIVERED_BY_MAX, lenient=_stored(info)
        )

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
                    f"{ln.sku} is {kind} (expected {quantities.format_quantity(ln.expected)}, "
                    f"counted {quantities.format_quantity(ln.quantity)}): give a reason."
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
