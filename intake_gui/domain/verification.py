"""The three lights after a submit, and the evidence they are computed from.

A receive that "succeeded" proves nothing: the POS can drop lines, record a receive with no packages, or put the
stock in a room customers cannot buy from. So after every submit Intake reads three things back and shows one
light for each. This module holds only the shapes: what was read (`VerificationEvidence`) and what the clerk is
shown (`Light`, `VerificationReport`). The rules that turn one into the other live in `domain.diagnosis`, so they
can be tested without any I/O, and the services that do the reading never decide what a result means.

Every light also says *what it rests on* (`Light.rests_on`: aspect -> `Basis`), because evidence differs in
strength: the rooms on the package records cannot be fooled by older stock, a sellable total without a count
from before the receive can. That is what lets a re-check refuse to overwrite a stronger verdict with a
weaker one (`domain.diagnosis.merge`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from intake_gui.domain.explanation import Fact as Fact
from intake_gui.domain.models import HistoryRow, Package, ReceiveDraft, Room


class LightKind(StrEnum):
    PACKAGES = "packages"
    HISTORY = "history"
    SELLABLE = "sellable"

    @property
    def title(self) -> str:  # type: ignore[override]  # shadows str.title on purpose: the light's label
        """The label under the light: what is being proved, in the clerk's words."""
        return _KIND_TITLES[self]


_KIND_TITLES = {
    LightKind.PACKAGES: "Packages created",
    LightKind.HISTORY: "Receive recorded",
    LightKind.SELLABLE: "Ready to sell",
}

_CHECKING = {
    LightKind.PACKAGES: "Looking for the packages…",
    LightKind.HISTORY: "Looking in the receive history…",
    LightKind.SELLABLE: "Looking at sellable stock…",
}

LIGHT_ORDER: tuple[LightKind, LightKind, LightKind] = (
    LightKind.PACKAGES,
    LightKind.HISTORY,
    LightKind.SELLABLE,
)
"""The order the lights are shown in and stored in: it follows the order in which stock materialises."""


class LightState(StrEnum):
    GREEN = "green"
    """Proved: the POS shows exactly what was sent."""
    AMBER = "amber"
    """Not proved yet, but time may fix it (propagation delay, rate limit): re-check later."""
    RED = "red"
    """Proved wrong, or still missing after the grace period: someone has to act."""
    GREY = "grey"
    """Could not be checked (no permission, no API, the read failed): says nothing about the receive."""
    CHECKING = "checking"
    """The read is under way."""

    @property
    def symbol(self) -> str:
        """A shape for every state, because a colour alone fails colour-blind clerks and greyscale printouts."""
        return _SYMBOLS[self]

    @property
    def word(self) -> str:
        return _WORDS[self]


_SYMBOLS = {
    LightState.GREEN: "✔",
    LightState.AMBER: "!",
    LightState.RED: "✖",
    LightState.GREY: "?",
    LightState.CHECKING: "…",
}
_WORDS = {
    LightState.GREEN: "Confirmed",
    LightState.AMBER: "Not yet",
    LightState.RED: "Problem",
    LightState.GREY: "Not checked",
    LightState.CHECKING: "Checking",
}
_SEVERITY = {
    LightState.RED: 4,
    LightState.AMBER: 3,
    LightState.CHECKING: 2,
    LightState.GREY: 1,
    LightState.GREEN: 0,
}


class ReadFailure(StrEnum):
    """Why a verification read produced no data; services map connector errors onto these."""

    NOT_PERMITTED = "not_permitted"
    RATE_LIMITED = "rate_limited"
    CONNECTION = "connection"
    SERVER = "server"
    NOT_FOUND = "not_found"
    MALFORMED = "malformed"
    NOT_SUPPORTED = "not_supported"
    ROOM_ACCESS = "room_access"
    """The login can read the endpoint but not the room the stock is in (menu/room assignment)."""
    SESSION = "session"
    """The POS kept refusing fresh sessions of this login (not a password problem; time may help)."""


class Basis(StrEnum):
    """What one aspect of a light's verdict rests on. Only ranks within one aspect are ever compared."""

    NONE = "none"
    """No successful read decided it (a failed, rate-limited or not-yet-visible read)."""
    ELAPSED = "elapsed"
    """Time decided it: still not visible after the grace period."""
    ROOM_SENT = "room_sent"
    """The room Intake sent, because the package records did not say (or could not be read)."""
    TOTALS = "totals"
    """Sellable totals without a count from before the receive: consistent, but older stock can fool it."""
    HISTORY_ROW = "history_row"
    """The receive-history row of this receipt."""
    PACKAGE_RECORDS = "package_records"
    """The packages the POS lists for this receipt, compared with the lines sent."""
    PACKAGE_ROOMS = "package_rooms"
    """The rooms on the package records, judged with the rooms list's sellable flag."""
    BASELINE_DELTA = "baseline_delta"
    """Growth of sellable stock since just before the submit: older stock cannot fool it."""

    @property
    def rank(self) -> int:
        return _BASIS_RANK[self]


_BASIS_RANK = {
    Basis.NONE: 0,
    Basis.ELAPSED: 1,
    Basis.ROOM_SENT: 1,
    Basis.TOTALS: 1,
    Basis.HISTORY_ROW: 2,
    Basis.PACKAGE_RECORDS: 2,
    Basis.PACKAGE_ROOMS: 2,
    Basis.BASELINE_DELTA: 2,
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LineCheck(_Frozen):
    """One SKU's result inside a light, so the clerk sees *which* product is wrong, not just that one is."""

    sku: str
    name: str = ""
    expected: Decimal
    found: Decimal | None = None
    """None when nothing at all was found for this SKU."""
    room_name: str = ""
    ok: bool
    reason: str = ""
    """A stable code for why the line is not ok ("not_received", "non_sellable_room", "short"…), for tests
    and tools; `note` says the same in words."""
    note: str = ""


class Light(_Frozen):
    kind: LightKind
    state: LightState
    headline: str
    """One short sentence: the first thing the clerk reads."""
    what_happened: str = ""
    what_to_do: str = ""
    detail: str = ""
    """Technical detail (ids, endpoint names, the POS's own message) for support; shown in an expander."""
    lines: tuple[LineCheck, ...] = ()
    rule: str = ""
    """The stable id of the diagnosis rule that decided this light ("sellable.non_sellable_room")."""
    facts: dict[str, Fact] = Field(default_factory=dict)
    """What that rule found (rooms, SKUs, counts, seconds…): tests and support read these, not the words."""
    rests_on: dict[str, Basis] = Field(default_factory=dict)
    """Aspect ("rooms", "quantity", "packages"…) -> the evidence that decided it; empty when nothing did."""
    judged_by: str = ""
    """One sentence naming the evidence used, for the clerk ("the rooms on the package records…")."""
    carried_from: datetime | None = None
    """Set when a later re-check was weaker and this earlier, stronger result was kept: when it was proven."""

    @property
    def proven(self) -> bool:
        """Green or red from a successful read: something a weaker later read must not overwrite."""
        return self.state in (LightState.GREEN, LightState.RED) and any(
            basis.rank > 0 for basis in self.rests_on.values()
        )

    @property
    def symbol(self) -> str:
        return self.state.symbol

    @property
    def word(self) -> str:
        return self.state.word

    @property
    def title(self) -> str:
        return self.kind.title

    @property
    def bad_lines(self) -> tuple[LineCheck, ...]:
        return tuple(ln for ln in self.lines if not ln.ok)

    @classmethod
    def checking(cls, kind: LightKind) -> Light:
        """The state the UI shows while a read is in flight, so it never has to invent its own wording."""
        return cls(kind=kind, state=LightState.CHECKING, headline=_CHECKING[LightKind(kind)])


class VerificationReport(_Frozen):
    receipt_id: int
    lights: tuple[Light, Light, Light]
    checked_at: datetime
    attempt: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _one_of_each(self) -> VerificationReport:
        kinds = tuple(light.kind for light in self.lights)
        if kinds != LIGHT_ORDER:
            raise ValueError(
                f"lights must be {[k.value for k in LIGHT_ORDER]} in that order, got {kinds}"
            )
        if self.checked_at.tzinfo is None:
            raise ValueError("checked_at must be timezone-aware")
        return self

    @property
    def all_green(self) -> bool:
        return all(light.state is LightState.GREEN for light in self.lights)

    @property
    def needs_recheck(self) -> bool:
        """Any AMBER: time may turn it green, so the UI schedules another attempt."""
        return any(light.state is LightState.AMBER for light in self.lights)

    @property
    def has_problem(self) -> bool:
        return any(light.state is LightState.RED for light in self.lights)

    @property
    def overall(self) -> LightState:
        """The worst light, for a one-word status in the history list."""
        return max((light.state for light in self.lights), key=_SEVERITY.__getitem__)

    def by_kind(self, kind: LightKind) -> Light:
        return self.lights[LIGHT_ORDER.index(LightKind(kind))]

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_json(cls, text: str | bytes) -> VerificationReport:
        return cls.model_validate_json(text)


T = TypeVar("T")


class ReadOutcome(_Frozen, Generic[T]):
    """The result of one verification read: data, or why there is none. Never both.

    Services wrap each read in one of these so a failed read becomes evidence (a grey or amber light)
    instead of an exception that would hide the other two lights.
    """

    ok: bool
    value: T | None = None
    failure: ReadFailure | None = None
    message: str = ""
    """What the POS or the network said, already free of secrets; goes into the light's detail."""

    @model_validator(mode="after")
    def _consistent(self) -> ReadOutcome[T]:
        if self.ok and self.failure is not None:
            raise ValueError("a successful read has no failure")
        if not self.ok and self.failure is None:
            raise ValueError("a failed read needs a failure reason")
        if not self.ok and self.value is not None:
            raise ValueError("a failed read carries no value")
        return self

    @classmethod
    def success(cls, value: T) -> ReadOutcome[T]:
        return cls(ok=True, value=value)

    @classmethod
    def failed(cls, failure: ReadFailure, message: str = "") -> ReadOutcome[T]:
        return cls(ok=False, failure=ReadFailure(failure), message=message)


class VerificationEvidence(_Frozen):
    """Everything read back after one submit. Pure data, so every diagnosis can be replayed in a test."""

    draft: ReceiveDraft
    receipt_id: int

    packages: tuple[Package, ...] | None
    """Packages the POS created for this receipt; None when the read failed or was not made."""
    packages_failure: ReadFailure | None = None
    packages_message: str = ""

    history: tuple[HistoryRow, ...] | None
    """Receive-history rows around the submit time (not only ours: duplicates show up there)."""
    history_failure: ReadFailure | None = None
    history_message: str = ""

    sellable_before: dict[str, Decimal] | None = None
    """SKU -> sellable quantity read just before the submit; None when that baseline could not be read."""
    sellable_after: dict[str, Decimal] | None = None
    """SKU -> sellable quantity now. Pass the location's whole read, not only our SKUs, when the POS returns it:
    an empty read for the entire location is what points at a room-access problem rather than a delay."""
    sellable_failure: ReadFailure | None = None
    sellable_message: str = ""
    sellable_location_rows: int | None = Field(default=None, ge=0)
    """How many rows the sellable read returned for the whole location before any filtering to our SKUs;
    None when unknown. Zero is the signature of a login that cannot see the room (the AIQ lesson)."""

    rooms: dict[int, Room] = Field(default_factory=dict)
    """The location's rooms by id, to name rooms and know which are sellable."""
    made_by_intake: bool = True
    """True when `draft` is the draft Intake sent (from the journal), so its lines are what was sent. False for
    a receive another tool made: `draft` then only carries the location and vendor, what was sent is unknown,
    and nothing is compared with it."""
    seconds_since_submit: float = Field(default=0.0, ge=0)
    propagation_grace_s: float = Field(default=900.0, ge=0)
    """How long "not visible yet" stays AMBER before it turns RED: stock can take minutes (reported up to an
    hour) to appear in some reads."""
    sellable_supported: bool = True

    @property
    def within_grace(self) -> bool:
        return self.seconds_since_submit < self.propagation_grace_s

    @classmethod
    def from_reads(
        cls,
        draft: ReceiveDraft,
        receipt_id: int,
        *,
        packages: ReadOutcome[tuple[Package, ...]],
        history: ReadOutcome[tuple[HistoryRow, ...]],
        sellable_after: ReadOutcome[dict[str, Decimal]],
        sellable_before: dict[str, Decimal] | None = None,
        sellable_location_rows: int | None = None,
        rooms: dict[int, Room] | None = None,
        seconds_since_submit: float = 0.0,
        propagation_grace_s: float = 900.0,
        sellable_supported: bool = True,
        made_by_intake: bool = True,
    ) -> VerificationEvidence:
        """Build evidence from three wrapped reads, so services never spread a result over three fields by hand."""
        return cls(
            draft=draft,
            receipt_id=receipt_id,
            packages=tuple(packages.value) if packages.ok and packages.value is not None else None,
            packages_failure=packages.failure,
            packages_message=packages.message,
            history=tuple(history.value) if history.ok and history.value is not None else None,
            history_failure=history.failure,
            history_message=history.message,
            sellable_before=sellable_before,
            sellable_after=dict(sellable_after.value)
            if sellable_after.ok and sellable_after.value is not None
            else None,
            sellable_failure=sellable_after.failure,
            sellable_message=sellable_after.message,
            sellable_location_rows=sellable_location_rows,
            rooms=dict(rooms or {}),
            seconds_since_submit=seconds_since_submit,
            propagation_grace_s=propagation_grace_s,
            sellable_supported=sellable_supported,
            made_by_intake=made_by_intake,
        )


def utc_now() -> datetime:
    """The one clock the diagnosis uses by default; tests pass their own instead."""
    return datetime.now(UTC)
