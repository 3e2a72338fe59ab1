"""Verification: the three read-backs plus the rooms, turned into evidence, diagnosed, and merged with what
was proven before.

One service for every face: the wizard's verify page and re-checks (through `ReceivingService.verify`, until the
lifecycle's `ReceiveSession` calls it directly), the History window's re-check (`HistoryService.reverify`) and
`intake verify`. It decides nothing itself: the domain's rules (`domain.diagnosis`) turn evidence into lights,
and `merge_reports` keeps a re-check from overwriting a stronger verdict with a weaker one, both in what is
returned and in what the journal keeps.

"Sent" is what Intake's journal says was sent. A receipt the journal does not know was made by another tool:
it is checked against its own packages, and nothing is compared with lines nobody knows.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Generic, TypeVar

from intake_gui.domain.date_windows import from_store_local
from intake_gui.domain.diagnosis import Speech, diagnose, merge_reports
from intake_gui.domain.models import (
    HistoryRow,
    Location,
    Package,
    PosKind,
    ReceiveDraft,
    Room,
    Vendor,
)
from intake_gui.domain.pos_words import PosWords
from intake_gui.domain.store_time import to_store_local
from intake_gui.domain.verification import (
    ReadFailure,
    VerificationEvidence,
    VerificationReport,
    utc_now,
)
from intake_gui.pos import errors as E
from intake_gui.services.context import AppContext
from intake_gui.services.drivers import words_for
from intake_gui.store.journal import JournalEntry, JournalError

log = logging.getLogger(__name__)

PROPAGATION_GRACE_S = 900.0
"""How long "not visible yet" stays a wait before it is a problem (stock was seen to take minutes)."""


def pos_words_for(kind: PosKind | str) -> PosWords:
    """The `PosWords` of a POS kind: its driver's (`pos/registry.py`), neutral words for a kind none serves."""
    return words_for(str(kind))


def speech_for(ctx: AppContext) -> Speech:
    """Who diagnoses speak to: the POS in use, and whether it is the embedded training sandbox."""
    return Speech(pos=ctx.words, training_sandbox=ctx.is_sandbox)


_READ_FAILURES: list[tuple[type[E.PosError], ReadFailure]] = [
    (E.PermissionDenied, ReadFailure.NOT_PERMITTED),
    (E.SessionRejected, ReadFailure.SESSION),
    (E.RateLimited, ReadFailure.RATE_LIMITED),
    (E.MalformedResponse, ReadFailure.MALFORMED),
    (E.ConnectionFailed, ReadFailure.CONNECTION),
    (E.NotFound, ReadFailure.NOT_FOUND),
    (E.NotSupported, ReadFailure.NOT_SUPPORTED),
    (E.PosError, ReadFailure.SERVER),
]


def read_failure(exc: E.PosError) -> ReadFailure:
    return next(f for cls, f in _READ_FAILURES if isinstance(exc, cls))


@dataclass(frozen=True)
class VerifyTarget:
    """One receipt to verify, and what Intake knows about it."""

    location: Location
    receipt_id: int
    draft: ReceiveDraft | None
    """The draft as Intake sent it (the journal's), so its lines are what was sent; None for a receipt
    another tool made."""
    submitted_at: datetime | None
    """When it was sent (aware). None: taken from the history row."""
    baseline: dict[str, Decimal] | None = None
    """Sellable quantities read just before the submit; None on every re-check that does not have them."""
    history_row: HistoryRow | None = None
    """The receipt's history row when the caller already has it (History window): anchors the time."""
    draft_id: str | None = None
    """The journal entry to merge with and store into; defaults to `draft.draft_id` when made by Intake."""


T = TypeVar("T")


@dataclass(frozen=True)
class _Read(Generic[T]):
    value: T | None = None
    failure: ReadFailure | None = None
    message: str = ""


class VerificationService:
    def __init__(
        self,
        ctx: AppContext,
        *,
        clock: Callable[[], datetime] = utc_now,
        grace_s: float = PROPAGATION_GRACE_S,
    ) -> None:
        self.ctx = ctx
        self.clock = clock
        self.grace_s = grace_s

    @property
    def speech(self) -> Speech:
        return speech_for(self.ctx)

    # ---- the baseline -----------------------------------------------------------------------------

    def baseline(self, draft: ReceiveDraft) -> dict[str, Decimal] | None:
        """Sellable quantities before the receive, so existing stock cannot pass for this delivery."""
        if not self.ctx.driver.summary.verify_sellable:  # the driver declares it (drivers helper)
            return None
        try:
            totals, _ = self._sellable(draft.location, _skus_and_ids(draft.lines, ()))
        except E.PosError as exc:
            log.info("Sellable baseline unavailable: %s", exc.message)
            return None
        return totals

    # ---- reading ----------------------------------------------------------------------------------

    def _read(self, fn: Callable[[], T]) -> _Read[T]:
        try:
            return _Read(value=fn())
        except E.PosError as exc:
            # The POS's own words when it gave any: a hint quotes what the POS said.
            return _Read(failure=read_failure(exc), message=exc.pos_message or exc.message)

    def _sellable(
        self, location: Location, wanted: tuple[dict[str, str], dict[int, str]]
    ) -> tuple[dict[str, Decimal], int]:
        """Our SKUs' sellable totals, and how many rows the location's whole read had (0 hints at room
        access). Read unfiltered: a filtered empty read cannot tell "not there yet" from "cannot see"."""
        by_sku, by_product = wanted
        items = self.ctx.connector.sellable_inventory(location, None)
        totals: dict[str, Decimal] = {}
        for item in items:
            sku = by_sku.get(item.sku.strip().casefold())
            if sku is None and item.product_id is not None:
                sku = by_product.get(item.product_id)
            if sku is not None:
                totals[sku] = totals.get(sku, Decimal(0)) + item.quantity
        return totals, len(items)

    def _history_rows(
        self, location: Location, receipt_id: int, token: str, around: datetime
    ) -> tuple[HistoryRow, ...]:
        local = to_store_local(around, location.timezone).replace(tzinfo=None)
        rows = self.ctx.connector.receipt_history(
            location, local - timedelta(days=1), local + timedelta(days=1)
        )
        tag = f"[{token}]" if token else None
        return tuple(
            r for r in rows if r.receipt_id == receipt_id or (tag is not None and tag in r.title)
        )

    def evidence(self, target: VerifyTarget) -> VerificationEvidence:
        """The reads, as evidence. A failed read becomes a reason on the evidence, never an exception."""
        conn = self.ctx.connector
        loc, rid = target.location, target.receipt_id
        caps = self.ctx.driver.summary
        submitted = target.submitted_at or self._received_at(target)
        draft = target.draft or self._shell(target)
        packages = self._read(lambda: tuple(conn.packages_for_receipt(loc, rid)))
        # Look around the known time; with none known, around now (the receipt is recent or the window of a
        # day either side still finds it when it is not).
        around = submitted if target.submitted_at or _row_time(target) else self.clock()
        history = self._read(lambda: self._history_rows(loc, rid, draft.token, around))
        rooms: dict[int, Room] = {}
        if target.draft is not None:
            rooms[draft.room.room_id] = draft.room
        rooms_read = self._read(lambda: conn.rooms(loc))
        if rooms_read.failure is None:
            rooms.update({r.room_id: r for r in rooms_read.value or ()})
        else:
            log.info("Rooms unavailable during verification: %s", rooms_read.message)
        pkg_list: Iterable[Package] = packages.value or ()
        sellable: _Read[tuple[dict[str, Decimal], int]] = (
            self._read(lambda: self._sellable(loc, _skus_and_ids(draft.lines, pkg_list)))
            if caps.verify_sellable
            else _Read(failure=ReadFailure.NOT_SUPPORTED)
        )
        after: dict[str, Decimal] | None = None
        location_rows: int | None = None
        if (
            sellable.failure is None and sellable.value is not None
        ):  # a read that did not fail has its value
            after, location_rows = sellable.value
        return VerificationEvidence(
            draft=draft,
            receipt_id=rid,
            made_by_intake=target.draft is not None,
            packages=packages.value if packages.failure is None else None,
            packages_failure=packages.failure,
            packages_message=packages.message,
            history=history.value if history.failure is None else None,
            history_failure=history.failure,
            history_message=history.message,
            sellable_before=target.baseline,
            sellable_after=after,
            sellable_failure=sellable.failure,
            sellable_message=sellable.message,
            sellable_location_rows=location_rows,
            rooms=rooms,
            seconds_since_submit=max(0.0, (self.clock() - submitted).total_seconds()),
            propagation_grace_s=self.grace_s,
            sellable_supported=caps.verify_sellable,
        )

    def _received_at(self, target: VerifyTarget) -> datetime:
        """When a receipt Intake did not send was received, from its history row. Without a readable date
        (some POSes send none) it is taken as older than this look at it: a day, so no "still propagating"
        wait is granted to stock that has had all the time it needs."""
        when = _row_time(target)
        if when is None:
            return self.clock() - timedelta(days=1)
        return from_store_local(when, target.location.timezone)

    def _shell(self, target: VerifyTarget) -> ReceiveDraft:
        """Location and vendor of a receipt another tool made; no lines, because what was sent is unknown."""
        row = target.history_row
        return ReceiveDraft(
            location=target.location,
            vendor=Vendor(
                vendor_id=(row.vendor_id if row and row.vendor_id is not None else 0),
                name=row.vendor_name if row else "",
            ),
            room=Room(room_id=0, name="", inventory_room=True, pos_room=False),
            title=(row.title.strip() if row and row.title.strip() else "")[:80]
            or f"Receipt {target.receipt_id}",
            token="",
        )

    # ---- diagnosing, merging, keeping ----------------------------------------------------------------

    def check(self, target: VerifyTarget, *, attempt: int = 1) -> VerificationReport:
        """This attempt's lights alone: no merge, nothing stored."""
        return diagnose(
            self.evidence(target), attempt=attempt, checked_at=self.clock(), speech=self.speech
        )

    def verify(
        self,
        target: VerifyTarget,
        *,
        attempt: int = 1,
        previous: VerificationReport | None = None,
        record: bool = True,
    ) -> VerificationReport:
        """Check, merge with the stronger of `previous` and what the journal keeps, and store the result.

        Returns the merged report: what the clerk should see now.
        """
        fresh = self.check(target, attempt=attempt)
        draft_id = target.draft_id or (target.draft.draft_id if target.draft else None)
        stored = self.stored_report(draft_id) if draft_id else None
        merged = merge_reports(previous, merge_reports(stored, fresh))
        if record and draft_id:
            self._store(draft_id, target.receipt_id, merged, fresh)
        return merged

    def stored_report(self, draft_id: str) -> VerificationReport | None:
        self.ctx.writer.flush()
        entry = self.ctx.journal.get(draft_id)
        return _report_of(entry)

    def _store(
        self,
        draft_id: str,
        receipt_id: int,
        merged: VerificationReport,
        fresh: VerificationReport,
    ) -> None:
        journal = self.ctx.journal
        try:
            journal.mark_verified(
                draft_id, merged.to_json(), merged.all_green, actor=self.ctx.clerk
            )
        except JournalError as exc:
            log.warning("Verification of %s not stored: %s", draft_id, exc)
            return
        journal.record_event(
            draft_id,
            "verify",
            {
                "receipt_id": receipt_id,
                "attempt": fresh.attempt,
                "lights": {light.kind.value: light.state.value for light in merged.lights},
                "rules": {light.kind.value: light.rule for light in fresh.lights},
                "kept": [
                    light.kind.value
                    for light in merged.lights
                    if light.carried_from is not None and light != fresh.by_kind(light.kind)
                ],
            },
            actor=self.ctx.clerk,
            station=self.ctx.station,
        )

    # ---- re-checks of a receipt ------------------------------------------------------------------------

    def target_for_receipt(
        self, location: Location, receipt_id: int, *, row: HistoryRow | None = None
    ) -> VerifyTarget:
        """What Intake knows about a receipt: its journal draft (lines sent) when Intake made it."""
        self.ctx.writer.flush()
        entry = self.ctx.journal.by_receipt([receipt_id]).get(receipt_id)
        if entry is not None:
            return VerifyTarget(
                location=location,
                receipt_id=receipt_id,
                draft=entry.draft,
                submitted_at=entry.submit_started_at or entry.updated_at,
                history_row=row,
                draft_id=entry.draft.draft_id,
            )
        return VerifyTarget(
            location=location,
            receipt_id=receipt_id,
            draft=None,
            submitted_at=None,
            history_row=row,
        )

    def reverify_receipt(
        self,
        location: Location,
        receipt_id: int,
        *,
        row: HistoryRow | None = None,
        attempt: int = 1,
    ) -> VerificationReport:
        """A re-check without the baseline: the History window, `intake verify`. Never weakens a stored
        verdict; stores the merged one when the receipt is Intake's."""
        return self.verify(self.target_for_receipt(location, receipt_id, row=row), attempt=attempt)


def _row_time(target: VerifyTarget) -> datetime | None:
    row = target.history_row
    return row.received_at if row is not None else None


def _report_of(entry: JournalEntry | None) -> VerificationReport | None:
    if entry is None or not entry.last_verification:
        return None
    try:
        return VerificationReport.from_json(json.dumps(entry.last_verification))
    except ValueError:
        return None


def _skus_and_ids(
    lines: Iterable[object], packages: Iterable[Package]
) -> tuple[dict[str, str], dict[int, str]]:
    """Which sellable rows are ours: by SKU (case and spaces aside), else by product id."""
    by_sku: dict[str, str] = {}
    by_product: dict[int, str] = {}
    for line in lines:
        sku = line.sku  # type: ignore[attr-defined]
        by_sku.setdefault(sku.strip().casefold(), sku)
        by_product.setdefault(line.product_id, sku)  # type: ignore[attr-defined]
    for package in packages:
        sku = by_sku.setdefault(package.sku.strip().casefold(), package.sku)
        if package.product_id is not None:
            by_product.setdefault(package.product_id, sku)
    return by_sku, by_product
