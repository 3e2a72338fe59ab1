"""Exactly once per delivery: before a draft is sent, find every earlier receive of the same delivery.

`domain.delivery` says what "the same delivery" means; this module asks the places that remember receives:
- this station's journal (`JournalGuard`), which also knows drafts whose outcome is still open;
- the shared record of all stations, when one is configured (the record helper's `shared_delivery_guard(ctx)`);
and returns one `DuplicateCheck`, so the clerk is warned once whatever found it.

Settling what is still open (looking for an unconfirmed earlier draft in receive history by its tag, and marking
one that provably did not land as superseded) is `services.recovery`'s job; the session calls both in order.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from intake_gui.domain.delivery import (
    REFERENCE_WINDOW,
    Candidate,
    DeliveryGuard,
    DuplicateCheck,
    PriorReceive,
    delivery_key,
    matching_priors,
)
from intake_gui.domain.diagnosis import Diagnosis
from intake_gui.domain.models import DraftState, ReceiveDraft
from intake_gui.services.context import AppContext
from intake_gui.store.journal import Journal, JournalEntry

log = logging.getLogger(__name__)

SENT_STATES = frozenset(
    {
        DraftState.SUBMITTING,
        DraftState.SUBMITTED,
        DraftState.VERIFIED,
        DraftState.NEEDS_DECISION,
    }
)
"""Drafts that went (or may have gone) to the POS. Open, failed and superseded ones never block a send."""


class SameDelivery(Exception):
    """The delivery was sent before: nothing was sent now; a second receive needs an explicit, logged yes."""

    def __init__(self, check: DuplicateCheck, diagnosis: Diagnosis) -> None:
        super().__init__(diagnosis.headline)
        self.check = check
        self.diagnosis = diagnosis


def _utc_now() -> datetime:
    return datetime.now(UTC)


def prior_from_entry(entry: JournalEntry, source: str = "journal") -> PriorReceive:
    d = entry.draft
    return PriorReceive(
        source=source,
        station=entry.station,
        clerk=entry.clerk,
        at=entry.submit_started_at or entry.updated_at,
        receipt_id=entry.receipt_id,
        draft_id=d.draft_id,
        state=entry.state.value,
        matched_on="",
        token=d.token,
        title=d.title,
        line_count=len(d.lines),
    )


class JournalGuard:
    """This station's journal as a `DeliveryGuard`."""

    def __init__(self, journal: Journal, *, now: Callable[[], datetime] = _utc_now) -> None:
        self.journal = journal
        self.now = now

    def check(self, draft: ReceiveDraft, *, manifest_ref: str = "") -> DuplicateCheck:
        now = self.now()
        key = delivery_key(draft, manifest_ref)
        try:
            entries = self.journal.drafts_near(draft.location.loc_id, now - REFERENCE_WINDOW)
        except Exception as exc:  # a guard never raises; it says what it could not check
            log.warning("Journal duplicate check failed", exc_info=exc)
            return DuplicateCheck(not_checked=(f"This station's journal could not be read: {exc}",))
        candidates = [
            Candidate(delivery_key(e.draft), prior_from_entry(e))
            for e in entries
            if e.draft_id != draft.draft_id and e.state in SENT_STATES and e.draft.pos == draft.pos
        ]
        return DuplicateCheck(matching_priors(key, candidates, now=now))


def shared_guard(ctx: AppContext) -> DeliveryGuard | None:
    """The shared record's guard (record helper), or None when that module or a shared record is absent."""
    try:
        module = importlib.import_module("intake_gui.services.shared_record")
    except ImportError:
        return None
    factory = getattr(module, "shared_delivery_guard", None)
    if factory is None:
        return None
    try:
        guard: DeliveryGuard | None = factory(ctx)
        return guard
    except Exception as exc:  # no shared record must never stop a receive
        log.warning("Shared record guard unavailable", exc_info=exc)
        return None


def default_guards(ctx: AppContext) -> list[DeliveryGuard]:
    guards: list[DeliveryGuard] = [JournalGuard(ctx.journal)]
    shared = shared_guard(ctx)
    if shared is not None:
        guards.append(shared)
    return guards


def check_all(
    guards: Sequence[DeliveryGuard], draft: ReceiveDraft, *, manifest_ref: str = ""
) -> DuplicateCheck:
    """Ask every guard and merge the answers; a guard that fails is reported as not checked."""
    result = DuplicateCheck()
    for guard in guards:
        try:
            found = guard.check(draft, manifest_ref=manifest_ref)
        except Exception as exc:  # see DeliveryGuard: report, never block on a broken guard
            log.warning("Duplicate-delivery guard %r failed", guard, exc_info=exc)
            found = DuplicateCheck(not_checked=(f"{type(guard).__name__} could not check: {exc}",))
        result = result.merged(found)
    return result


def confirmation_event(check: DuplicateCheck, how: str) -> dict[str, Any]:
    """The journal event data that records a person's yes to sending a second receive of a delivery."""
    return {
        "how": how,
        "priors": [
            {
                "draft_id": p.draft_id,
                "receipt_id": p.receipt_id,
                "token": p.token,
                "station": p.station,
                "source": p.source,
                "matched_on": p.matched_on,
                "state": p.state,
            }
            for p in check.priors
        ],
    }
