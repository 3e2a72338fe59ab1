"""Receiving: submit exactly once, reconcile when the answer is lost, verify by reading the receive back.

The Backoffice API has no idempotency key we can rely on, so Intake guarantees the outcome itself:
the journal marks a draft "submitting" before anything leaves, the order title carries the draft's token,
and after a lost answer we look for that token in receive history. We only send again when a successful
history read proves the first attempt did not land.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from intake_gui.domain.date_windows import to_store_local
from intake_gui.domain.diagnosis import Diagnosis, diagnose_submit_error
from intake_gui.domain.models import DraftState, Product, ReceiveDraft
from intake_gui.domain.verification import ReadFailure, VerificationReport
from intake_gui.pos import errors as E
from intake_gui.services.context import AppContext
from intake_gui.services.verification import VerificationService, VerifyTarget, speech_for
from intake_gui.store.journal import JournalEntry

log = logging.getLogger(__name__)


class SubmitPhase(StrEnum):
    SAVING = "saving"
    SENDING = "sending"
    CONFIRMING = "confirming"
    RESENDING = "resending"
    DONE = "done"


PHASE_WORDS = {
    SubmitPhase.SAVING: "Saving the draft…",
    SubmitPhase.SENDING: "Sending to the POS…",
    SubmitPhase.CONFIRMING: "Sent, confirming…",
    SubmitPhase.RESENDING: "It did not land; sending again…",
    SubmitPhase.DONE: "Received.",
}


@dataclass(frozen=True)
class SubmitResult:
    receipt_id: int
    reconciled: bool
    attempts: int
    submitted_at: datetime


class SubmitRefused(Exception):
    """Definite: nothing was received. The draft is editable again (state FAILED, reopened on edit)."""

    def __init__(self, diagnosis: Diagnosis, problems: Iterable[str] = ()) -> None:
        super().__init__(diagnosis.headline)
        self.diagnosis = diagnosis
        self.problems = list(problems)


class SubmitUncertain(Exception):
    """Could not prove either way (the POS is unreachable): stays "sent, confirming" until reconciled."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Verdict(StrEnum):
    LANDED = "landed"
    NOT_LANDED = "not_landed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Reconciliation:
    verdict: Verdict
    receipt_id: int | None = None
    matches: int = 0
    message: str = ""


@dataclass(frozen=True)
class RecoveryOutcome:
    draft_id: str
    title: str
    verdict: Verdict
    receipt_id: int | None
    message: str


_READ_FAILURES: list[tuple[type[E.PosError], ReadFailure]] = [
    (E.PermissionDenied, ReadFailure.NOT_PERMITTED),
    (E.RateLimited, ReadFailure.RATE_LIMITED),
    (E.MalformedResponse, ReadFailure.MALFORMED),
    (E.ConnectionFailed, ReadFailure.CONNECTION),
    (E.NotFound, ReadFailure.NOT_FOUND),
    (E.NotSupported, ReadFailure.NOT_SUPPORTED),
    (E.PosError, ReadFailure.SERVER),
]

_ERROR_KINDS: list[tuple[type[BaseException], str]] = [
    (E.ValidationRejected, "validation"),
    (E.RateLimited, "rate_limited"),
    (E.AuthenticationError, "authentication"),
    (E.PermissionDenied, "permission"),
    (E.NotFound, "not_found"),
    (E.InvalidRequest, "validation"),
    (E.OutcomeUnknown, "outcome_unknown"),
    (E.ConnectionFailed, "connection"),
    (E.NotSupported, "not_supported"),
    (E.PosError, "server"),
]


def error_kind(exc: BaseException) -> str:
    for cls, kind in _ERROR_KINDS:
        if isinstance(exc, cls):
            return kind
    return "unknown"


def read_failure(exc: E.PosError) -> ReadFailure:
    return next(f for cls, f in _READ_FAILURES if isinstance(exc, cls))


class ReceivingService:
    def __init__(
        self,
        ctx: AppContext,
        *,
        settle_s: float | None = None,
        max_sends: int = 3,
        max_rate_waits: int = 3,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.ctx = ctx
        # How long a lost answer may still be in flight at the POS before "not in history" proves anything.
        self.settle_s = (
            settle_s if settle_s is not None else max(3.0, ctx.settings.request_timeout_s)
        )
        self.max_sends = max_sends
        self.max_rate_waits = max_rate_waits
        self.sleep = sleep

    # ---- drafts -------------------------------------------------------------------------------------

    def autosave(self, draft: ReceiveDraft) -> None:
        self.ctx.writer.save_draft_async(draft, actor=self.ctx.clerk, station=self.ctx.station)

    def record(self, draft_id: str, kind: str, data: dict) -> None:
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
        self.ctx.writer.flush()
        return [
            e
            for e in self.ctx.journal.open_drafts()
            if e.draft.pos.value == self.ctx.pos_kind.value
        ]

    def abandon(self, draft_id: str) -> None:
        self.ctx.writer.flush()
        self.ctx.journal.mark_abandoned(draft_id)
        self._event(draft_id, "abandoned", {})

    def _event(self, draft_id: str, kind: str, data: dict) -> None:
        self.ctx.journal.record_event(
            draft_id, kind, data, actor=self.ctx.clerk, station=self.ctx.station
        )

    # ---- submit -------------------------------------------------------------------------------------

    def baseline(self, draft: ReceiveDraft) -> dict[str, Decimal] | None:
        """Sellable quantities before the receive, so existing stock cannot fool the sellable light."""
        return VerificationService(self.ctx).baseline(draft)

    def submit(
        self,
        draft: ReceiveDraft,
        *,
        on_phase: Callable[[SubmitPhase, str], None] | None = None,
    ) -> SubmitResult:
        def phase(p: SubmitPhase) -> None:
            if on_phase:
                on_phase(p, PHASE_WORDS[p])

        problems = draft.problems(require_costs=self.ctx.settings.require_costs)
        if problems:
            raise SubmitRefused(
                Diagnosis(
                    headline="The receive is not ready to send.",
                    what_happened=" ".join(problems),
                    what_to_do="Fix the lines listed, then submit again.",
                ),
                problems,
            )
        phase(SubmitPhase.SAVING)
        self.ctx.writer.flush()
        journal = self.ctx.journal
        existing = journal.get(draft.draft_id)
        if existing and existing.state in (DraftState.SUBMITTED, DraftState.VERIFIED):
            # A second press, or a retry after the answer already arrived: never a second receive.
            return SubmitResult(
                existing.receipt_id or 0, False, 0, existing.submit_started_at or datetime.now(UTC)
            )
        if existing and existing.state is DraftState.SUBMITTING:
            phase(SubmitPhase.CONFIRMING)
            rec = self.reconcile(existing)
            if rec.verdict is Verdict.LANDED:
                return self._landed(draft, rec, 0, existing.submit_started_at)
            if rec.verdict is Verdict.UNKNOWN:
                raise SubmitUncertain(rec.message)
        journal.save_draft(draft, actor=self.ctx.clerk, station=self.ctx.station)
        if existing and existing.state is DraftState.FAILED:
            journal.reopen(draft.draft_id)
        journal.mark_submitting(draft.draft_id)
        started = journal.get(draft.draft_id).submit_started_at or datetime.now(UTC)  # type: ignore[union-attr]
        return self._send_loop(draft, started, phase)

    def _send_loop(
        self, draft: ReceiveDraft, started: datetime, phase: Callable[[SubmitPhase], None]
    ) -> SubmitResult:
        sends = 0
        rate_waits = 0
        while True:
            sends += 1
            phase(SubmitPhase.SENDING if sends == 1 else SubmitPhase.RESENDING)
            self._event(
                draft.draft_id,
                "submit_attempt",
                {"attempt": sends, "token": draft.token, "lines": len(draft.lines)},
            )
            try:
                receipt_id = self.ctx.connector.receive(draft)
            except E.RateLimited as exc:
                # A refusal before processing: provably not received, so waiting and sending again is safe.
                self._event(draft.draft_id, "submit_result", {"outcome": "rate_limited"})
                rate_waits += 1
                sends -= 1
                if rate_waits > self.max_rate_waits:
                    self._refuse(draft, exc)
                self.sleep(min(max(exc.retry_after, 1.0), 60.0))
                continue
            except (E.OutcomeUnknown, E.ServerError) as exc:
                # ServerError on a write is treated as unknown too: a 500 can come after the commit.
                self._event(
                    draft.draft_id,
                    "submit_result",
                    {"outcome": "unknown", "error": type(exc).__name__},
                )
                phase(SubmitPhase.CONFIRMING)
                rec = self._reconcile_after(draft, started)
                if rec.verdict is Verdict.LANDED:
                    phase(SubmitPhase.DONE)
                    return self._landed(draft, rec, sends, started)
                if rec.verdict is Verdict.UNKNOWN:
                    raise SubmitUncertain(rec.message) from exc
                if sends >= self.max_sends:
                    self._refuse(draft, exc)
                continue
            except E.PosError as exc:
                self._refuse(draft, exc)
            self.ctx.journal.mark_submitted(draft.draft_id, receipt_id)
            self._event(
                draft.draft_id, "submit_result", {"outcome": "received", "receipt_id": receipt_id}
            )
            phase(SubmitPhase.DONE)
            return SubmitResult(receipt_id, False, sends, started)

    def _refuse(self, draft: ReceiveDraft, exc: E.PosError) -> None:
        diagnosis = self.diagnose_error(exc)
        self.ctx.journal.mark_failed(draft.draft_id, exc.message)
        self._event(
            draft.draft_id,
            "submit_result",
            {"outcome": "refused", "kind": error_kind(exc), "message": exc.message},
        )
        raise SubmitRefused(diagnosis) from exc

    def _landed(
        self, draft: ReceiveDraft, rec: Reconciliation, sends: int, started: datetime | None
    ) -> SubmitResult:
        assert rec.receipt_id is not None
        self.ctx.journal.mark_submitted(draft.draft_id, rec.receipt_id)
        self._event(
            draft.draft_id,
            "reconciled",
            {"receipt_id": rec.receipt_id, "matches": rec.matches},
        )
        return SubmitResult(rec.receipt_id, True, sends, started or datetime.now(UTC))

    # ---- reconcile ----------------------------------------------------------------------------------

    def _reconcile_after(self, draft: ReceiveDraft, started: datetime) -> Reconciliation:
        self.sleep(self.settle_s)
        first = self.find_in_history(draft, started)
        if first.verdict is not Verdict.NOT_LANDED:
            return first
        # Look twice before concluding "not landed": a slow POS may commit just after our first read.
        self.sleep(max(self.settle_s / 2, 0.5))
        return self.find_in_history(draft, started)

    def reconcile(self, entry: JournalEntry) -> Reconciliation:
        """For a draft left "submitting": wait out the settle time since it was sent, then look."""
        started = entry.submit_started_at or entry.updated_at
        waited = (datetime.now(UTC) - started).total_seconds()
        if waited < self.settle_s:
            self.sleep(self.settle_s - waited)
        first = self.find_in_history(entry.draft, started)
        if first.verdict is not Verdict.NOT_LANDED:
            return first
        self.sleep(max(self.settle_s / 2, 0.5))
        return self.find_in_history(entry.draft, started)

    def find_in_history(self, draft: ReceiveDraft, started: datetime) -> Reconciliation:
        loc = draft.location
        local = to_store_local(started, loc.timezone).replace(tzinfo=None)
        try:
            rows = self.ctx.connector.receipt_history(
                loc, local - timedelta(days=1), local + timedelta(days=1)
            )
        except E.PosError as exc:
            return Reconciliation(
                Verdict.UNKNOWN, message=f"Could not read receive history: {exc.message}"
            )
        matches = [r for r in rows if f"[{draft.token}]" in r.title]
        if not matches:
            return Reconciliation(Verdict.NOT_LANDED, message="Not in receive history.")
        if len(matches) > 1:
            log.error(
                "Token %s found %d times in history: %s",
                draft.token,
                len(matches),
                [m.receipt_id for m in matches],
            )
            self._event(
                draft.draft_id,
                "duplicate_detected",
                {"receipt_ids": [m.receipt_id for m in matches]},
            )
        first = min(matches, key=lambda r: r.receipt_id)
        return Reconciliation(Verdict.LANDED, first.receipt_id, len(matches), "Found in history.")

    def recover_pending(self) -> list[RecoveryOutcome]:
        """Start-up: settle every draft a crash or a lost answer left "submitting"."""
        outcomes: list[RecoveryOutcome] = []
        for entry in self.ctx.journal.pending_submissions():
            draft = entry.draft
            if draft.pos.value != self.ctx.pos_kind.value:
                continue
            rec = self.reconcile(entry)
            if rec.verdict is Verdict.LANDED:
                self._landed(draft, rec, 0, entry.submit_started_at)
                outcomes.append(
                    RecoveryOutcome(
                        draft.draft_id,
                        draft.title,
                        Verdict.LANDED,
                        rec.receipt_id,
                        f"“{draft.title}” had landed as receipt {rec.receipt_id}; nothing was sent again.",
                    )
                )
                continue
            if rec.verdict is Verdict.UNKNOWN:
                outcomes.append(
                    RecoveryOutcome(draft.draft_id, draft.title, Verdict.UNKNOWN, None, rec.message)
                )
                continue
            self._event(draft.draft_id, "recovery", {"verdict": "not_landed", "resend": True})
            started = entry.submit_started_at or datetime.now(UTC)
            try:
                result = self._send_loop(draft, started, lambda _p: None)
            except SubmitRefused as exc:
                outcomes.append(
                    RecoveryOutcome(
                        draft.draft_id,
                        draft.title,
                        Verdict.NOT_LANDED,
                        None,
                        f"“{draft.title}” had not landed and was refused when sent again: "
                        f"{exc.diagnosis.headline}",
                    )
                )
            except SubmitUncertain as exc:
                outcomes.append(
                    RecoveryOutcome(draft.draft_id, draft.title, Verdict.UNKNOWN, None, exc.message)
                )
            else:
                outcomes.append(
                    RecoveryOutcome(
                        draft.draft_id,
                        draft.title,
                        Verdict.LANDED,
                        result.receipt_id,
                        f"“{draft.title}” had not landed; it was sent again and is receipt "
                        f"{result.receipt_id}.",
                    )
                )
        return outcomes

    # ---- verify -------------------------------------------------------------------------------------
    # Delegates to services.verification (verify helper) until ReceiveSession calls it directly.

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
        """The three reads, diagnosed and merged with what was proven before (`VerificationService`).

        `draft` is the draft as sent (its lines are what Intake sent); `record=False` keeps the result out of
        the journal.
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
        if isinstance(exc, SubmitRefused):
            return exc.diagnosis
        if isinstance(exc, SubmitUncertain):
            return diagnose_submit_error(
                "outcome_unknown", exc.message, speech=speech_for(self.ctx)
            )
        message = getattr(exc, "pos_message", None) or getattr(exc, "message", None) or str(exc)
        retry = getattr(exc, "retry_after", None)
        return diagnose_submit_error(
            error_kind(exc),
            message,
            speech=speech_for(self.ctx),
            retry_after_s=retry if isinstance(retry, int | float) and retry > 0 else None,
        )
