"""What makes two receives the same delivery, and the one warning a clerk sees when it is about to be sent twice.

Exactly-once per *draft* (the `[IN-…]` tag in the order title) does not stop a clerk who starts over: after a
crash, a `kill -9` or a frozen screen the natural move is to enter the delivery again, and that second draft has a
new tag. So before anything is sent, Intake asks every place that remembers receives — the station's journal, and
the shared record of all stations — whether *this delivery* was already sent, and the answer comes back in one
shape (`DuplicateCheck`) whatever its source, so the clerk is warned once.

A delivery is known by its location and vendor plus one of:
- its reference: the manifest / invoice number when one was imported, else the receive's title (case, spacing and
  the `[IN-…]` tag do not count). Titles are what clerks type from the paperwork, so the same title from the same
  vendor within `REFERENCE_WINDOW` is the same paper — except the title Intake proposes (vendor and date), which
  names no paper;
- its package tags (Metrc tags are unique per package: one shared tag is the same delivery, at any distance);
- its lines (the same SKUs in the same quantities) within `RECENT_WINDOW`, for a retry typed with another title.

A receive that was sent but not confirmed (still "sent, confirming", or waiting for a person's decision) counts
at any age: it is exactly the one a retry would double.

The interface was agreed with the shared-record helper (NOTES-record.md / NOTES-lifecycle.md): both the journal
guard and the shared-record guard return `DuplicateCheck`, merged before it is shown.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Protocol

from intake_gui.domain.models import DraftLine, DraftState, ReceiveDraft
from intake_gui.domain.quantities import MACHINE, format_quantity

RECENT_WINDOW = timedelta(hours=24)
"""Same vendor, same lines, another title: counted as the same delivery only this close together."""

REFERENCE_WINDOW = timedelta(days=7)
"""Same vendor and the same reference (manifest number or title): the same paperwork within a week."""

_TAG = re.compile(r"\s*\[IN-[0-9A-F]{6,}\]\s*$", re.IGNORECASE)

SETTLED_STATES = frozenset({DraftState.SUBMITTED.value, DraftState.VERIFIED.value})
UNSETTLED_STATES = frozenset(
    {DraftState.SUBMITTING.value, DraftState.NEEDS_DECISION.value},
)
"""Sent, outcome unknown: a second send of the same delivery could double it."""


def normalise_reference(text: str) -> str:
    """The part of a title or manifest number that identifies the paper: its letters and digits, casefolded
    (NFKC), without the tag — "INV-1001", "inv 1001" and "INV1001 [IN-…]" are one reference."""
    text = _TAG.sub("", unicodedata.normalize("NFKC", text or ""))
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def lines_fingerprint(lines: Iterable[DraftLine]) -> str:
    """The lines as a set of `sku=total` (quantities summed per SKU, order and splitting ignored); "" for none."""
    totals: dict[str, Decimal] = {}
    for ln in lines:
        sku = ln.sku.strip().casefold()
        totals[sku] = totals.get(sku, Decimal(0)) + ln.quantity
    if not totals:
        return ""
    text = "\n".join(
        f"{sku}={format_quantity(q, style=MACHINE)}" for sku, q in sorted(totals.items())
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class DeliveryKey:
    location_id: int
    vendor_id: int
    reference: str
    """Normalised manifest / invoice number, else the normalised title ("" = none)."""
    lines: str
    """`lines_fingerprint` of the draft."""
    packages: frozenset[str] = frozenset()
    """Package tags on the lines (normalised); one in common is the same delivery."""


_DATE_ONLY = re.compile(r"\d{8}")


def paper_reference(title: str, vendor_name: str) -> str:
    """The normalised reference a title carries, or "" when it carries none: the title Intake proposes (the
    vendor's name and a date) names no paper, and two deliveries from one vendor on one day would share it."""
    ref = normalise_reference(title)
    vendor = normalise_reference(vendor_name)
    if vendor and ref.startswith(vendor) and _DATE_ONLY.fullmatch(ref[len(vendor) :]):
        return ""
    return ref


def delivery_key(draft: ReceiveDraft, manifest_ref: str = "") -> DeliveryKey:
    ref = manifest_ref or draft.manifest_ref
    reference = normalise_reference(ref) if ref else paper_reference(draft.title, draft.vendor.name)
    return DeliveryKey(
        location_id=draft.location.loc_id,
        vendor_id=draft.vendor.vendor_id,
        reference=reference,
        lines=lines_fingerprint(draft.lines),
        packages=frozenset(
            ln.package_tag.strip().casefold() for ln in draft.lines if ln.package_tag.strip()
        ),
    )


def match(
    new: DeliveryKey,
    old: DeliveryKey,
    *,
    old_at: datetime,
    now: datetime,
    unsettled: bool = False,
) -> str | None:
    """How `old` (sent at `old_at`) is the same delivery as `new`: "packages", "reference", "lines", or None.

    `unsettled` (the old one's outcome is unknown) lifts the time windows: it is the receive a retry would double.
    """
    if new.location_id != old.location_id:
        return None
    if new.packages and new.packages & old.packages:
        return "packages"
    if new.vendor_id != old.vendor_id:
        return None
    age = now - old_at
    if new.reference and new.reference == old.reference and (unsettled or age <= REFERENCE_WINDOW):
        return "reference"
    if new.lines and new.lines == old.lines and (unsettled or age <= RECENT_WINDOW):
        return "lines"
    return None


@dataclass(frozen=True)
class PriorReceive:
    """One earlier receive of the same delivery, from wherever it is remembered."""

    source: str
    """"journal" (this station), "shared_record" (any station), "pos_history" (the POS's own receive history)."""
    station: str
    clerk: str
    at: datetime
    """Aware; when it was sent."""
    receipt_id: int | None
    """None while it is still "sent, confirming" (or waits for a person's decision)."""
    draft_id: str | None
    state: str
    """The DraftState value of that draft ("" when the source does not know it)."""
    matched_on: str
    """"reference" | "packages" | "lines"."""
    token: str = ""
    """Its `[IN-…]` tag: how it is found in receive history, and how a clerk finds it in the POS."""
    title: str = ""
    line_count: int = 0

    @property
    def settled(self) -> bool:
        """It certainly landed (a receipt id is known); False for a receive whose outcome is unknown."""
        if self.state in UNSETTLED_STATES:
            return False
        return self.receipt_id is not None or self.source == "pos_history"

    def sentence(self, tz: str = "UTC") -> str:
        """One line a clerk can act on: where, when, who, and the receipt or tag to look it up by."""
        from intake_gui.domain.store_time import to_store_local

        at = self.at if self.at.tzinfo else self.at.replace(tzinfo=UTC)
        when = "on " + to_store_local(at, tz).strftime("%a %d %b at %H:%M")
        where = f" at station {self.station}" if self.station else ""
        who = f" by {self.clerk}" if self.clerk else ""
        what = f"“{self.title}”" if self.title else "A receive of this delivery"
        how = {
            "reference": "same vendor and reference",
            "packages": "same package tags",
            "lines": "same vendor and the same lines",
        }.get(self.matched_on, self.matched_on)
        if self.settled:
            receipt = f" — receipt {self.receipt_id}" if self.receipt_id is not None else ""
            return f"{what} was received {when}{where}{who}{receipt} ({how})."
        tag = f", tag {self.token}" if self.token else ""
        if self.state == DraftState.NEEDS_DECISION.value:
            return (
                f"{what} was sent {when}{where}{who}{tag}; whether it landed is not known and needs "
                f"a person's decision ({how})."
            )
        return f"{what} was sent {when}{where}{who}{tag} and is not confirmed yet ({how})."


@dataclass(frozen=True)
class DuplicateCheck:
    """What every guard found; `not_checked` says which sources could not be asked (shown, not blocking)."""

    priors: tuple[PriorReceive, ...] = ()
    not_checked: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.priors)

    @property
    def settled(self) -> tuple[PriorReceive, ...]:
        return tuple(p for p in self.priors if p.settled)

    @property
    def unsettled(self) -> tuple[PriorReceive, ...]:
        return tuple(p for p in self.priors if not p.settled)

    def merged(self, other: DuplicateCheck) -> DuplicateCheck:
        """One warning from several sources: the same receive reported twice (by draft, receipt or tag) once.

        The journal's entry wins over the shared record's copy of it (it knows the local state best).
        """
        out: list[PriorReceive] = []
        for prior in (*self.priors, *other.priors):
            if any(_same_receive(prior, seen) for seen in out):
                continue
            out.append(prior)
        out.sort(key=lambda p: p.at)
        notes = tuple(dict.fromkeys((*self.not_checked, *other.not_checked)))
        return DuplicateCheck(tuple(out), notes)


def _same_receive(a: PriorReceive, b: PriorReceive) -> bool:
    if a.draft_id and a.draft_id == b.draft_id:
        return True
    if a.receipt_id is not None and a.receipt_id == b.receipt_id:
        return True
    return bool(a.token) and a.token == b.token


class DeliveryGuard(Protocol):
    """Anything that remembers receives and can say whether this draft's delivery was sent before.

    Must not raise for an unreachable source: it returns `DuplicateCheck(not_checked=(why,))` instead, and must
    exclude the draft itself (same draft_id) and drafts that were never sent or were superseded.
    """

    def check(self, draft: ReceiveDraft, *, manifest_ref: str = "") -> DuplicateCheck: ...


@dataclass(frozen=True)
class Candidate:
    """A receive a guard knows about, before matching (the journal guard builds these from its rows)."""

    key: DeliveryKey
    prior: PriorReceive = field(compare=False)


def matching_priors(
    key: DeliveryKey, candidates: Iterable[Candidate], *, now: datetime
) -> tuple[PriorReceive, ...]:
    """The candidates that are the same delivery as `key`, each tagged with what matched."""
    out = []
    for c in candidates:
        how = match(
            key, c.key, old_at=c.prior.at, now=now, unsettled=c.prior.state in UNSETTLED_STATES
        )
        if how is not None:
            out.append(replace(c.prior, matched_on=how))
    return tuple(out)
