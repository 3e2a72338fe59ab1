"""Is this the same delivery as one already received? The key, and the words for the warning.

A delivery is one vendor's shipment to one store. Two stations (or one clerk twice) receiving it doubles the stock,
so before Submit Intake looks for an earlier receive of the same delivery: the same store, the same vendor and the
same manifest or invoice number; when the clerk gave no number, the same lines within a recent window. Both the
station's own journal and the store's shared record are asked, and their answers are merged into one warning
(`DuplicateCheck`), which names where, when, by whom and as which receipt the delivery was received already.

The reference is what a person would call the same number: case, spaces and punctuation do not matter
("INV-1001", "inv 1001" and "Inv.1001" are one invoice), Intake's own idempotency tag is ignored, and a title with no
digit in it ("Palomino delivery") is not a reference at all. Lines are compared as SKU → total quantity, so the
order of scanning and how a count was split across lines do not matter.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

from intake_gui.domain.models import ReceiveDraft

RECENT_WINDOW = timedelta(hours=24)
"""Without a reference, the same lines count as the same delivery only within this window."""

_TAG = re.compile(r"\[IN-[0-9A-F]{6,}\]")
_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def delivery_reference(title: str, manifest_ref: str = "") -> str:
    """The normalised manifest or invoice number, or "" when there is none to go by."""
    for candidate in (manifest_ref, title):
        text = _NOT_ALNUM.sub("", _TAG.sub("", candidate or "")).casefold()
        if any(ch.isdigit() for ch in text):
            return text[:120]
    return ""


def lines_fingerprint(draft: ReceiveDraft) -> str:
    """A short hash of SKU → total quantity; "" for a draft with no lines."""
    totals: dict[str, Decimal] = {}
    for line in draft.lines:
        totals[line.sku] = totals.get(line.sku, Decimal(0)) + Decimal(line.quantity)
    if not totals:
        return ""
    text = ";".join(f"{sku}={qty.normalize():f}" for sku, qty in sorted(totals.items()))
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:32]


@dataclass(frozen=True)
class DeliveryKey:
    location_id: int
    vendor_id: int
    reference: str
    lines: str


def delivery_key(draft: ReceiveDraft, manifest_ref: str = "") -> DeliveryKey:
    return DeliveryKey(
        location_id=draft.location.loc_id,
        vendor_id=draft.vendor.vendor_id,
        reference=delivery_reference(draft.title, manifest_ref),
        lines=lines_fingerprint(draft),
    )


@dataclass(frozen=True)
class PriorReceive:
    """One earlier receive of the same delivery, from wherever it was found."""

    source: str
    """"shared_record", "journal" or "pos_history"."""
    station: str
    clerk: str
    at: datetime
    """When it was sent (aware)."""
    receipt_id: int | None
    """None while that receive is still "sent, confirming"."""
    draft_id: str | None
    state: str
    """The DraftState value of that draft ("submitting", "submitted", "verified")."""
    matched_on: str
    """"reference" or "lines"."""
    title: str = ""

    def sentence(self, tz: str = "UTC") -> str:
        """ "Received already at Receiving-2 at 10:42 by Ana — receipt 1379127" (store time)."""
        local = self.at.astimezone(ZoneInfo(tz))
        today = datetime.now(UTC).astimezone(ZoneInfo(tz)).date()
        when = f"{local:%H:%M}" if local.date() == today else f"{local:%Y-%m-%d %H:%M}"
        where = f" at {self.station}" if self.station else ""
        who = f" by {self.clerk}" if self.clerk else ""
        if self.receipt_id is not None:
            return f"Received already{where} at {when}{who} — receipt {self.receipt_id}"
        return f"Sent already{where} at {when}{who}, not yet confirmed by the POS"


@dataclass(frozen=True)
class DuplicateCheck:
    """What the guards found. Empty means "checked, nothing found" unless `not_checked` says a source was missing."""

    priors: tuple[PriorReceive, ...] = ()
    not_checked: tuple[str, ...] = ()
    """One sentence per source that could not be asked (the review shows it; Submit goes ahead)."""

    @property
    def found(self) -> bool:
        return bool(self.priors)

    def merged(self, other: DuplicateCheck) -> DuplicateCheck:
        """Both sources' findings, each earlier receive once (the same draft seen locally and shared counts once)."""
        seen: dict[str, PriorReceive] = {}
        extra: list[PriorReceive] = []
        for prior in (*self.priors, *other.priors):
            key = prior.draft_id or (f"receipt:{prior.receipt_id}" if prior.receipt_id else "")
            if not key:
                extra.append(prior)
            elif key not in seen or (seen[key].receipt_id is None and prior.receipt_id is not None):
                seen[key] = prior
        priors = sorted([*seen.values(), *extra], key=lambda p: p.at)
        not_checked = tuple(dict.fromkeys((*self.not_checked, *other.not_checked)))
        return DuplicateCheck(tuple(priors), not_checked)

    def sentences(self, tz: str = "UTC") -> list[str]:
        return [p.sentence(tz) for p in self.priors]


class DeliveryGuard(Protocol):
    """Something that can say whether this delivery was received already (the journal, the shared record)."""

    def check(self, draft: ReceiveDraft, *, manifest_ref: str = "") -> DuplicateCheck: ...
