"""Receiving: the services both faces use to send a delivery once, settle what was left open, and verify it.

The parts live in their own modules, each small enough to read in one sitting:
- `submission`  — exactly once per *draft*: the journal state machine, the `[IN-…]` tag, reconcile after a
                  lost answer, "not received" and "needs a decision" as endings a person can act on;
- `deliveries`  — exactly once per *delivery*: earlier receives of the same delivery (journal, shared record);
- `recovery`    — start-up / `intake recover`: settle drafts left "submitting", and a person's decisions;
- `receive_session` — one delivery from the first choice to the last verification read, driven by the wizard
                  and by `intake receive` alike.

`ReceivingService` is the one object both faces hold (`AppServices.receiving`, the CLI's commands): it owns the
policy (settle time, sends, reads, the re-check schedule) and hands every wait and phase to the caller's plain
callables. Verification (the three reads) stays here until `services.verification` takes it over.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

from intake_gui.domain.delivery import DeliveryGuard, DuplicateCheck
from intake_gui.domain.diagnosis import Diagnosis
from intake_gui.domain.lifecycle import already_received
from intake_gui.domain.models import (
    DraftState,
    Product,
    ReceiveDraft,
)
from intake_gui.domain.pos_words import GENERIC_WORDS
from intake_gui.domain.verification import VerificationReport
from intake_gui.pos.waits import WaitNotice
from intake_gui.services.context import AppContext
from intake_gui.services.deliveries import (
    SameDelivery,
    check_all,
    confirmation_event,
    default_guards,
)
from intake_gui.services.recovery import Decision, Recovery, RecoveryOutcome
from intake_gui.services.submission import (
    PHASE_WORDS,
    Interrupted,
    LifecyclePolicy,
    NeedsDecision,
    Reconciliation,
    Reporter,
    SubmitPhase,
    SubmitRefused,
    SubmitResult,
    Submitter,
    SubmitUncertain,
    Verdict,
    error_kind,
)
from intake_gui.services.verification import VerificationService, VerifyTarget, speech_for
from intake_gui.store.journal import JournalEntry

log = logging.getLogger(__name__)

__all__ = [
    "PHASE_WORDS",
    "Decision",
    "Interrupted",
    "LifecyclePolicy",
    "NeedsDecision",
    "ReceivingService",
    "Reconciliation",
    "RecoveryOutcome",
    "SameDelivery",
    "SubmitPhase",
    "SubmitRefused",
    "SubmitResult",
    "SubmitUncertain",
    "Verdict",
    "error_kind",
]

PhaseFn = Callable[[SubmitPhase, str], None]
WaitFn = Callable[[float, str], None]


class ReceivingService:
    def __init__(
        self,
        ctx: AppContext,
        *,
        settle_s: float | None = None,
        max_sends: int = 3,
        sleep: Callable[[float], None] | None = None,
        guards: Sequence[DeliveryGuard] | None = None,
        policy: LifecyclePolicy | None = None,
    ) -> None:
        self.ctx = ctx
        self.policy = policy or LifecyclePolicy.for_timeout(
            ctx.settings.request_timeout_s,
            settle_s=settle_s,
            max_sends=max_sends,
        )
        self.sleep = sleep
        """None: real waits that a closing face can cancel. Tests pass a function that does not sleep."""
        self.speech = speech_for(ctx)
        self.words = self.speech.pos
        self.guards: list[DeliveryGuard] = (
            list(guards) if guards is not None else default_guards(ctx)
        )
        self.submitter = Submitter(ctx, self.policy, self.words, self.speech)
        self.recovery = Recovery(ctx, self.submitter, self.guards, self.words)
        self._cancelled = threading.Event()

    @property
    def settle_s(self) -> float:
        return self.policy.settle_s

    def reporter(self, on_phase: PhaseFn | None = None, on_wait: WaitFn | None = None) -> Reporter:
        return Reporter(on_phase, on_wait, self.sleep, self._cancelled)

    @contextmanager
    def waits_to(self, on_wait: WaitFn | None) -> Iterator[None]:
        """While a send, a look or a verification runs: the connector's own waits (a rate limit, pacing, a
        retry) reach the same `on_wait` as the session's, in the connector's words, duration included."""
        conn = self.ctx.connector
        if on_wait is None:
            yield
            return
        previous = conn.on_wait
        words = conn.words if conn.words is not GENERIC_WORDS else self.words

        def forward(notice: WaitNotice) -> None:
            if notice.seconds >= 1:  # a pacing gap of a few hundred ms is not worth a line
                on_wait(notice.seconds, notice.describe(words))

        conn.on_wait = forward
        try:
            yield
        finally:
            conn.on_wait = previous

    def cancel(self) -> None:
        """The face is closing: every wait ends now; drafts stay in the journal state they reached."""
        self._cancelled.set()

    # ---- drafts -------------------------------------------------------------------------------------

    def autosave(self, draft: ReceiveDraft) -> None:
        self.ctx.writer.save_draft_async(draft, actor=self.ctx.clerk, station=self.ctx.station)

    def record(self, draft_id: str, kind: str, data: dict[str, Any]) -> None:
        self.ctx.writer.record_event_async(
            draft_id, kind, data, actor=self.ctx.clerk, station=self.ctx.station
        )

    def save_code_mapping(self, code: str, product: Product, *, draft_id: str = "") -> None:
        """Remember, on the journal's writer thread, that a code the catalog did not know means `product`.

        The scan that taught it happened while counting a delivery, so the audit event ("code_mapped") goes
        on that draft's trail when `draft_id` is given: a supervisor reading the receive sees who taught the
        station which code. Catalog loads pick the mapping up from the journal from then on.
        """
        station = self.ctx.station
        product_id, sku = product.product_id, product.sku
        self.ctx.writer.submit(
            lambda journal: journal.save_code_mapping(code, product_id, sku, station)
        )
        self.record(
            draft_id,
            "code_mapped",
            {"code": code, "product_id": product_id, "sku": sku, "name": product.name},
        )

    def resumable_drafts(self) -> list[JournalEntry]:
        """Unsent drafts, and drafts that were not received (they can be corrected and sent again)."""
        self.ctx.writer.flush()
        return [
            e
            for e in self.ctx.journal.open_drafts(include_failed=True)
            if e.draft.pos.value == self.ctx.pos_kind.value
        ]

    def abandon(self, draft_id: str) -> None:
        self.ctx.writer.flush()
        self.ctx.journal.mark_abandoned(draft_id, actor=self.ctx.clerk)
        self._event(draft_id, "abandoned", {})

    def _event(self, draft_id: str, kind: str, data: dict[str, Any]) -> None:
        self.ctx.journal.record_event(
            draft_id, kind, data, actor=self.ctx.clerk, station=self.ctx.station
        )

    # ---- submit -------------------------------------------------------------------------------------

    def baseline(self, draft: ReceiveDraft) -> dict[str, Decimal] | None:
        """Sellable quantities before the receive, so existing stock cannot fool the sellable light."""
        return VerificationService(self.ctx).baseline(draft)

    def check_delivery(self, draft: ReceiveDraft, rep: Reporter) -> DuplicateCheck:
        """Earlier receives of this draft's delivery. Unconfirmed ones of this station are settled first, so
        the answer says "it landed" or "it did not" wherever receive history can tell."""
        check = check_all(self.guards, draft)
        settled_any = False
        for prior in check.unsettled:
            if prior.source != "journal" or not prior.draft_id:
                continue
            entry = self.ctx.journal.get(prior.draft_id)
            if entry is None or entry.state is not DraftState.SUBMITTING:
                continue
            rep.phase(SubmitPhase.CONFIRMING)
            self.recovery.settle(entry, rep, resend=False, superseded_by=draft.draft_id)
            settled_any = True
        return check_all(self.guards, draft) if settled_any else check

    def guard_delivery(
        self, draft: ReceiveDraft, rep: Reporter, *, again: bool = False, how: str = ""
    ) -> DuplicateCheck:
        """Before anything of a new draft is sent: stop if its delivery was sent before (SameDelivery), unless
        `again` — a person's explicit yes, logged on the draft as `duplicate_confirmed` with `how`."""
        existing = self.ctx.journal.get(draft.draft_id)
        if existing is not None and existing.state not in (
            DraftState.OPEN,
            DraftState.FAILED,
            DraftState.ABANDONED,
        ):
            return DuplicateCheck()  # already sent: the submitter settles it, nothing new goes out
        if draft.problems(require_costs=self.ctx.settings.require_costs):
            return DuplicateCheck()  # refused before sending anyway, with the draft's own words
        rep.phase(SubmitPhase.CHECKING)
        check = self.check_delivery(draft, rep)
        if check.found and not again:
            sentences = [p.sentence(draft.location.timezone) for p in check.priors]
            diagnosis = already_received(sentences, unsettled=not check.settled, words=self.words)
            raise SameDelivery(check, diagnosis)
        if check.found:
            self.ctx.journal.save_draft(draft, actor=self.ctx.clerk, station=self.ctx.station)
            self._event(
                draft.draft_id, "duplicate_confirmed", confirmation_event(check, how or "again")
            )
        return check

    def send_checked(self, draft: ReceiveDraft, rep: Reporter) -> SubmitResult:
        """Send a draft whose delivery was checked (`guard_delivery`); tidy its leftovers once it landed."""
        result = self.submitter.submit(draft, rep)
        if result.attempts:
            self.recovery.supersede_leftovers(draft, result.receipt_id)
        return result

    def submit(
        self,
        draft: ReceiveDraft,
        *,
        on_phase: PhaseFn | None = None,
        on_wait: WaitFn | None = None,
        again: bool = False,
        how: str = "",
    ) -> SubmitResult:
        """Send the draft once — and only if its delivery was not sent before, unless `again`. Raises
        SameDelivery (nothing sent), SubmitRefused (not received), NeedsDecision (sent; could not find out)."""
        rep = self.reporter(on_phase, on_wait)
        with self.waits_to(on_wait):
            self.guard_delivery(draft, rep, again=again, how=how)
            return self.send_checked(draft, rep)

    def confirm(
        self, draft: ReceiveDraft, *, on_phase: PhaseFn | None = None, on_wait: WaitFn | None = None
    ) -> SubmitResult:
        """Look again for a sent draft whose outcome is open ("Look for it again"). A draft still
        "submitting" is settled as start-up would settle it — so it is never sent again when the same delivery
        landed meanwhile; a draft that waits for a decision is never sent by this."""
        rep = self.reporter(on_phase, on_wait)
        entry = self.ctx.journal.get(draft.draft_id)
        if entry is None or entry.state is not DraftState.SUBMITTING:
            return self.submitter.submit(draft, rep)
        outcome = self.recovery.settle(entry, rep, resend=True)
        fresh = self.ctx.journal.get(draft.draft_id) or entry
        if outcome.verdict is Verdict.LANDED and outcome.receipt_id is not None:
            started = fresh.submit_started_at or fresh.updated_at
            return SubmitResult(outcome.receipt_id, True, 0, started)
        if fresh.state is DraftState.NEEDS_DECISION:
            raise NeedsDecision(*self.submitter.decision(fresh))
        raise SubmitRefused(Diagnosis(headline=outcome.message, safe_to_resend=False))

    def look_again(self, draft_id: str) -> Reconciliation:
        """One history read for a draft that needs a decision; found settles it."""
        entry = self.ctx.journal.get(draft_id)
        if entry is None:
            return Reconciliation(Verdict.UNKNOWN, message="no such draft")
        rec = self.submitter.look_once(entry)
        if rec.verdict is Verdict.LANDED:
            self.submitter.landed(entry.draft, rec, 0, entry.submit_started_at)
        return rec

    # ---- recovery and decisions ---------------------------------------------------------------------

    def recover_pending(
        self, on_phase: PhaseFn | None = None, on_wait: WaitFn | None = None
    ) -> list[RecoveryOutcome]:
        """Start-up: settle every draft a crash or a lost answer left "submitting"; look at undecided ones."""
        with self.waits_to(on_wait):
            return self.recovery.recover_pending(self.reporter(on_phase, on_wait))

    def decisions(self) -> list[Decision]:
        return self.recovery.decisions()

    def decide(
        self,
        draft_id: str,
        choice: str,
        *,
        again: bool = False,
        how: str = "",
        receipt_id: int | None = None,
        on_phase: PhaseFn | None = None,
        on_wait: WaitFn | None = None,
    ) -> RecoveryOutcome:
        entry = self.recovery.find(draft_id)
        if entry is None:
            raise ValueError(f"No draft {draft_id!r} waits for a decision on this station.")
        with self.waits_to(on_wait):
            return self.recovery.decide(
                entry,
                choice,
                self.reporter(on_phase, on_wait),
                again=again,
                how=how,
                receipt_id=receipt_id,
            )

    def not_received(self) -> list[JournalEntry]:
        return self.recovery.not_received()

    # ---- verify -------------------------------------------------------------------------------------

    def verify(
        self,
        draft: ReceiveDraft,
        receipt_id: int,
        *,
        baseline: dict[str, Decimal] | None,
        submitted_at: datetime,
        attempt: int = 1,
        record: bool = True,
    ) -> VerificationReport:
        """The three reads, diagnosed and merged with what was proven before (`services.verification`).

        `draft` is the draft as sent (its lines are what Intake sent); `record=False` keeps the result out of
        the journal. The session calls `VerificationService` itself; this stays for other callers.
        """
        return VerificationService(self.ctx).verify(
            VerifyTarget(
                location=draft.location,
                receipt_id=receipt_id,
                draft=draft,
                submitted_at=submitted_at,
                baseline=baseline,
            ),
            attempt=attempt,
            record=record,
        )

    def diagnose_error(self, exc: BaseException) -> Diagnosis:
        """Words for any error a clerk may meet while receiving."""
        if isinstance(exc, SameDelivery):
            return exc.diagnosis
        return self.submitter.diagnose_error(exc)
