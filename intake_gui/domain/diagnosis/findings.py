"""What a diagnosis rule returns: a stable rule id and the facts it found, never words.

Rules decide; `words` and `submit_words` speak. Keeping the two apart is what lets a wording change touch one
file, lets every POS be spoken of in its own terms (`PosWords`), and lets tests assert *which* rule fired and
*what* it found instead of matching English sentences. The ids are part of the contract with tests, support
tools and the journal (stored reports carry them): rename one only with a migration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from intake_gui.domain.explanation import (
    Diagnosis as Diagnosis,
)  # lives there so holding one is light
from intake_gui.domain.verification import Basis, Fact, LightKind, LightState, LineCheck


class RuleId(StrEnum):
    """Every rule's stable id: `<area>.<what it recognised>`."""

    # a read that produced no data (any light)
    READ_NOT_PERMITTED = "read.not_permitted"
    READ_RATE_LIMITED = "read.rate_limited"
    READ_CONNECTION = "read.connection"
    READ_NOT_SUPPORTED = "read.not_supported"
    READ_ROOM_ACCESS = "read.room_access"
    READ_SESSION = "read.session"
    READ_NOT_FOUND = "read.not_found"
    READ_SERVER = "read.server"
    READ_MALFORMED = "read.malformed"
    READ_NOT_MADE = "read.not_made"

    # packages
    PACKAGES_ORPHANED = "packages.orphaned"
    PACKAGES_ALL_DROPPED = "packages.all_dropped"
    PACKAGES_NOT_VISIBLE_YET = "packages.not_visible_yet"
    PACKAGES_STILL_MISSING = "packages.still_missing"
    PACKAGES_DROPPED_LINES = "packages.dropped_lines"
    PACKAGES_WRONG_QUANTITY = "packages.wrong_quantity"
    PACKAGES_MATCH = "packages.match"
    PACKAGES_PRESENT = "packages.present"
    """A receive Intake did not make: packages exist, and there is nothing they could be compared with."""

    # history
    HISTORY_DUPLICATE = "history.duplicate"
    HISTORY_NOT_YET = "history.not_yet"
    HISTORY_STILL_MISSING = "history.still_missing"
    HISTORY_WRONG_STATUS = "history.wrong_status"
    HISTORY_WRONG_VENDOR = "history.wrong_vendor"
    HISTORY_FEWER_LINES = "history.fewer_lines"
    HISTORY_MORE_LINES = "history.more_lines"
    HISTORY_RECORDED = "history.recorded"
    HISTORY_RECORDED_SENT_UNKNOWN = "history.recorded_sent_unknown"

    # sellable
    SELLABLE_NON_SELLABLE_ROOM = "sellable.non_sellable_room"
    SELLABLE_NOT_RECEIVED = "sellable.not_received"
    SELLABLE_WAITING_FOR_PACKAGES = "sellable.waiting_for_packages"
    SELLABLE_ROOM_ACCESS = "sellable.room_access"
    SELLABLE_NOT_COUNTED_YET = "sellable.not_counted_yet"
    SELLABLE_NOT_COUNTED = "sellable.not_counted"
    SELLABLE_UNPROVEN = "sellable.unproven"
    SELLABLE_COUNTED = "sellable.counted"

    # a submit the POS refused or did not answer
    SUBMIT_NULL_STATUS = "submit.null_status"
    SUBMIT_NULL_COLUMN = "submit.null_column"
    SUBMIT_REQUIRED_FIELD = "submit.required_field"
    SUBMIT_RATE_LIMITED = "submit.rate_limited"
    SUBMIT_SESSION_EXPIRED = "submit.session_expired"
    SUBMIT_NOT_PERMITTED = "submit.not_permitted"
    SUBMIT_QUANTITY_REFUSED = "submit.quantity_refused"
    SUBMIT_VENDOR_UNKNOWN = "submit.vendor_unknown"
    SUBMIT_ROOM_UNKNOWN = "submit.room_unknown"
    SUBMIT_PRODUCT_UNKNOWN = "submit.product_unknown"
    SUBMIT_NOT_FOUND = "submit.not_found"
    SUBMIT_CONNECTION = "submit.connection"
    SUBMIT_OUTCOME_UNKNOWN = "submit.outcome_unknown"
    SUBMIT_SERVER_ERROR = "submit.server_error"
    SUBMIT_NOT_SUPPORTED = "submit.not_supported"
    SUBMIT_REFUSED = "submit.refused"
    """A refusal with a message no other rule recognises: the POS's own words are the fix."""
    SUBMIT_UNKNOWN = "submit.unknown"

    # a location Intake will not receive into
    LOCATION_NO_ROOMS = "location.no_rooms"
    LOCATION_NO_INVENTORY_ROOM = "location.no_inventory_room"

    @property
    def area(self) -> str:
        return self.value.split(".", 1)[0]


LIGHT_AREAS = frozenset({"read", "packages", "history", "sellable"})


@dataclass(frozen=True)
class Finding:
    """One light's verdict before it is put into words."""

    rule: RuleId
    kind: LightKind
    state: LightState
    facts: Mapping[str, Fact] = field(default_factory=dict)
    rests_on: Mapping[str, Basis] = field(default_factory=dict)
    lines: tuple[LineCheck, ...] = ()


@dataclass(frozen=True)
class SubmitFinding:
    """A refused or unanswered submit, or a location that cannot take a receive, before words."""

    rule: RuleId
    facts: Mapping[str, Fact] = field(default_factory=dict)
    safe_to_resend: bool = False
    """True only when the POS certainly recorded nothing, so sending the corrected draft cannot double stock."""
    go_back_to: str = ""
