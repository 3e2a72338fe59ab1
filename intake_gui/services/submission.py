"""Exactly once per draft: send, and when the answer is lost, find out from receive history before anything else.

The POS has no idempotency key we can rely on, so Intake guarantees the outcome itself: the journal marks a draft
"submitting" before anything leaves, the order title carries the draft's `[IN-…]` tag, and after a lost answer
the tag is looked for in receive history. A draft is sent again only when a successful read, after the settle
time, proves the previous attempt did not land.

Every draft ends in a state a person can act on:
- *submitted* (a receipt id, from the answer or from history);
- *failed* (definitely not received: refused, or every send proven absent) — the words say "send it again";
- *needs a decision* — history could not be read within the reads Intake allows itself (`confirm_gaps_s`), so
  a person decides "it is in the POS" or "send it again" (`services.recovery`). Nothing is ever left
  "sent, confirming" with nobody asked.

Waits are real and announced: `Reporter.wait` tells the face how long and why *before* it sleeps, and a closing
window can cancel it (the draft then stays "submitting" and start-up settles it).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from intake_gui.domain.diagnosis import Diagnosis, Speech, diagnose_submit_error
from intake_gui.domain.lifecycle import (
    CONFIRM_GAPS_S,
    RECHECK_SCHEDULE_S,
    DecisionFacts,
    needs_decision,
    not_received,
)
from intake_gui.domain.models import DraftState, Location, ReceiveDraft
from intake_gui.domain.pos_words import GENERIC_WORDS, PosWords
from intake_gui.domain.store_time import to_store_local
from intake_gui.pos import errors as E
from intake_gui.services.context import AppContext
from intake_gui.store.journal import JournalEntry

log = logging.getLogger(__name__)


class SubmitPhase(StrEnum):
    SAVING = "saving"
    CHECKING = "checking"
    SENDING = "sending"
    CONFIRMING = "confirming"
    RESENDING = "resending"
    DONE = "done"


PHASE_WORDS = {
    SubmitPhase.SAVING: "Saving the draft…",
    SubmitPhase.CHECKING: "Checking this delivery was not sent before…",
    SubmitPhase.SENDING: "Sending to the POS…",
    SubmitPhase.CONFIRMING: "Sent; looking for it in the POS's receive history…",
    SubmitPhase.RESENDING: "It did not land; sending again…",
    SubmitPhase.DONE: "Received.",
}


@dataclass(frozen=True)
class LifecyclePolicy:
    """How long and how often: one set of numbers for the GUI, the CLI and recovery."""

    settle_s: float
    """How long a lost answer may still be in flight at the POS before "not in history" proves anything."""
    max_sends: int = 3
    confirm_gaps_s: tuple[float, ...] = CONFIRM_GAPS_S
    recheck_s: tuple[float, ...] = RECHECK_SCHEDULE_S

    @classmethod
    def for_timeout(cls, request_timeout_s: float, **overrides: object) -> LifecyclePolicy:
        values: dict[str, object] = {"settle_s": max(3.0, request_timeout_s)}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


@dataclass
class Reporter:
    """The plain callables a face hands in: what is happening now, and every wait before it starts."""

    on_phase: Callable[[SubmitPhase, str], None] | None = None
    on_wait: Callable[[float, str], None] | None = None
    """(seconds, words): the words are complete, duration included — faces show them as they are."""
    sleep: Callable[[float], None] | None = None
    cancelled: threading.Event = field(default_factory=threading.Event)

    def phase(self, p: SubmitPhase) -> None:
        if self.on_phase is not None:
            self.on_phase(p, PHASE_WORDS[p])

    def wait(self, seconds: float, why: str) -> None:
        """Announce the wait (why, and how long), then sleep; a closing face ends it (Interrupted)."""
        if seconds <= 0:
            return
        if self.cancelled.is_set():
            raise Interrupted(_CLOSED)
        if self.on_wait is not None:
            self.on_wait(seconds, f"{why} ({max(1, round(seconds))} s)")
        if self.sleep is not None:
            self.sleep(seconds)
        elif self.cancelled.wait(seconds):
            raise Interrupted(_CLOSED)


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
    """Sent, and whether it landed is not known; the draft is never sent again without settling that first."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NeedsDecision(SubmitUncertain):
    """Intake could not find out within the reads it allows itself: a person decides (journal NEEDS_DECISION)."""

    def __init__(self, facts: DecisionFacts, diagnosis: Diagnosis) -> None:
        super().__init__(f"{diagnosis.headline} {diagnosis.what_happened}")
        self.facts = facts
        self.diagnosis = diagnosis


class Interrupted(SubmitUncertain):
    """The face closed while Intake was waiting; the draft stays in its journal state for start-up to settle."""


_CLOSED = "Intake was closed before it knew whether the receive landed; it looks for it again at the next start."


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


_ERROR_KINDS: list[tuple[type[BaseException], str]] = [
    (E.ValidationRejected, "validation"),
    (E.SessionRejected, "session"),
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


class Submitter:
    """The send / reconcile state machine for one draft at a time (no state of its own between calls)."""

    def __init__(
        self,
        ctx: AppContext,
        policy: LifecyclePolicy,
        words: PosWords = GENERIC_WORDS,
        speech: Speech | None = None,
    ):
        self.ctx = ctx
        self.policy = policy
        self.words = words
        self.speech = speech or Speech(pos=words)

    def _event(self, draft_id: str, kind: str, data: dict[str, Any]) -> None:
        self.ctx.journal.record_event(
            draft_id, kind, data, actor=self.ctx.clerk, station=self.ctx.station
        )

    # ---- submit -------------------------------------------------------------------------------------

    def submit(self, draft: ReceiveDraft, rep: Reporter) -> SubmitResult:
        """Send `draft` once. A second call for the same draft never sends twice (see the journal state)."""
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
        rep.phase(SubmitPhase.SAVING)
        self.ctx.writer.flush()
        journal = self.ctx.journal
        existing = journal.get(draft.draft_id)
        if existing and existing.state in (DraftState.SUBMITTED, DraftState.VERIFIED):
            # A second press, or a retry after the answer already arrived: never a second receive.
            return SubmitResult(
                existing.receipt_id or 0, False, 0, existing.submit_started_at or datetime.now(UTC)
            )
        if existing and existing.state is DraftState.NEEDS_DECISION:
            raise NeedsDecision(*self.decision(existing))
        if existing and existing.state is DraftState.SUBMITTING:
            rep.phase(SubmitPhase.CONFIRMING)
            rec = self.reconcile(existing, rep)
            if rec.verdict is Verdict.LANDED:
                return self.landed(draft, rec, 0, existing.submit_started_at)
            if rec.verdict is Verdict.UNKNOWN:
                self.give_up_confirming(draft, rec)
        journal.save_draft(draft, actor=self.ctx.clerk, station=self.ctx.station)
        if existing and existing.state in (DraftState.FAILED, DraftState.ABANDONED):
            journal.reopen(draft.draft_id, actor=self.ctx.clerk)
        journal.mark_submitting(draft.draft_id, actor=self.ctx.clerk)
        entry = journal.get(draft.draft_id)
        started = (entry.submit_started_at if entry else None) or datetime.now(UTC)
        return self.send_loop(draft, started, rep)

    def send_loop(self, draft: ReceiveDraft, started: datetime, rep: Reporter) -> SubmitResult:
        """Send until the POS has it, refuses it, or every send is proven absent. A rate refusal reaches here
        only after the connector waited a full window of the POS's limit and the POS still refused: it is a
        definite "not received" (the connector re-sends a write refused before processing, never this loop)."""
        sends = 0
        while True:
            sends += 1
            rep.phase(SubmitPhase.SENDING if sends == 1 else SubmitPhase.RESENDING)
            self._event(
                draft.draft_id,
                "submit_attempt",
                {"attempt": sends, "token": draft.token, "lines": len(draft.lines)},
            )
            try:
                receipt_id = self.ctx.connector.receive(draft)
            except (E.OutcomeUnknown, E.ServerError) as exc:
                # ServerError on a write is treated as unknown too: a 500 can come after the commit.
                self._event(
                    draft.draft_id,
                    "submit_result",
                    {"outcome": "unknown", "error": type(exc).__name__},
                )
                rep.phase(SubmitPhase.CONFIRMING)
                rec = self._confirm(draft, started, rep, settle=self.policy.settle_s)
                if rec.verdict is Verdict.LANDED:
                    rep.phase(SubmitPhase.DONE)
                    return self.landed(draft, rec, sends, started)
                if rec.verdict is Verdict.UNKNOWN:
                    self.give_up_confirming(draft, rec)
                if sends >= self.policy.max_sends:
                    self._not_received(draft, sends, exc)
                self.ctx.journal.mark_submitting(draft.draft_id, actor=self.ctx.clerk)
                entry = self.ctx.journal.get(draft.draft_id)
                started = (entry.submit_started_at if entry else None) or datetime.now(UTC)
                continue
            except E.PosError as exc:
                self._refuse(draft, exc)
            self.ctx.journal.mark_submitted(draft.draft_id, receipt_id, actor=self.ctx.clerk)
            self._event(
                draft.draft_id, "submit_result", {"outcome": "received", "receipt_id": receipt_id}
            )
            rep.phase(SubmitPhase.DONE)
            return SubmitResult(receipt_id, False, sends, started)

    def diagnose_error(self, exc: BaseException) -> Diagnosis:
        if isinstance(exc, SubmitRefused):
            return exc.diagnosis
        if isinstance(exc, NeedsDecision):
            return exc.diagnosis
        if isinstance(exc, SubmitUncertain):
            return diagnose_submit_error("outcome_unknown", exc.message, speech=self.speech)
        message = getattr(exc, "pos_message", None) or getattr(exc, "message", None) or str(exc)
        retry = getattr(exc, "retry_after", None)
        return diagnose_submit_error(
            error_kind(exc),
            message,
            speech=self.speech,
            retry_after_s=retry if isinstance(retry, int | float) and retry > 0 else None,
        )

    def _refuse(self, draft: ReceiveDraft, exc: E.PosError) -> None:
        diagnosis = self.diagnose_error(exc)
        self.ctx.journal.mark_failed(draft.draft_id, exc.message, actor=self.ctx.clerk)
        self._event(
            draft.draft_id,
            "submit_result",
            {"outcome": "refused", "kind": error_kind(exc), "message": exc.message},
        )
        raise SubmitRefused(diagnosis) from exc

    def _not_received(self, draft: ReceiveDraft, sends: int, exc: E.PosError) -> None:
        """Every send was proven absent: failed, in words that say to send it again (never "wait")."""
        diagnosis = not_received(sends, exc.message, self.words)
        self.ctx.journal.mark_failed(
            draft.draft_id, f"not received after {sends} sends: {exc.message}", actor=self.ctx.clerk
        )
        self._event(
            draft.draft_id,
            "submit_result",
            {"outcome": "not_received", "sends": sends, "message": exc.message},
        )
        raise SubmitRefused(diagnosis) from exc

    def landed(
        self, draft: ReceiveDraft, rec: Reconciliation, sends: int, started: datetime | None
    ) -> SubmitResult:
        assert rec.receipt_id is not None
        self.ctx.journal.mark_submitted(draft.draft_id, rec.receipt_id, actor=self.ctx.clerk)
        self._event(
            draft.draft_id,
            "reconciled",
            {"receipt_id": rec.receipt_id, "matches": rec.matches},
        )
        return SubmitResult(rec.receipt_id, True, sends, started or datetime.now(UTC))

    # ---- needs a decision ---------------------------------------------------------------------------

    def give_up_confirming(self, draft: ReceiveDraft, rec: Reconciliation) -> None:
        """The reads Intake allows itself could not tell: hand the draft to a person, and say so."""
        self.ctx.journal.mark_needs_decision(draft.draft_id, rec.message, actor=self.ctx.clerk)
        entry = self.ctx.journal.get(draft.draft_id)
        assert entry is not None
        raise NeedsDecision(*self.decision(entry))

    def decision(self, entry: JournalEntry) -> tuple[DecisionFacts, Diagnosis]:
        """What is known about a draft that needs a decision, from its journal entry and audit events."""
        events = self.ctx.journal.events(entry.draft_id)
        sends = sum(1 for e in events if e.kind == "submit_attempt")
        said = next(
            (e.data.get("message", "") for e in reversed(events) if e.kind == "history_read"),
            "",
        )
        read_at = next((e.at for e in reversed(events) if e.kind == "history_read"), None)
        when = f" ({read_at.astimezone().strftime('%H:%M')})" if read_at else ""
        history_said = (
            f"Last look at receive history{when}: {said}."
            if said
            else "Receive history was not read."
        )
        d = entry.draft
        facts = DecisionFacts(
            draft_id=d.draft_id,
            title=d.title,
            token=d.token,
            sent_at=entry.submit_started_at,
            sends=sends,
            history_said=history_said,
            station=entry.station,
            clerk=entry.clerk,
            lines=len(d.lines),
            location=d.location.name,
            vendor=d.vendor.name,
        )
        return facts, needs_decision(facts, self.words)

    # ---- reconcile ----------------------------------------------------------------------------------

    def reconcile(self, entry: JournalEntry, rep: Reporter) -> Reconciliation:
        """For a draft left "submitting": wait out what is left of the settle time since it was sent, then look."""
        started = entry.submit_started_at or entry.updated_at
        waited = (datetime.now(UTC) - started).total_seconds()
        return self._confirm(
            entry.draft, started, rep, settle=max(0.0, self.policy.settle_s - waited)
        )

    def look_once(self, entry: JournalEntry) -> Reconciliation:
        """One history read, no waiting (a person pressed "look again", or start-up re-checks a decision)."""
        started = entry.submit_started_at or entry.updated_at
        return self._read(entry.draft, started)

    def _confirm(
        self, draft: ReceiveDraft, started: datetime, rep: Reporter, *, settle: float
    ) -> Reconciliation:
        """Settle, then read history; "not landed" needs two reads that agree, "unknown" the whole budget."""
        rep.wait(
            settle,
            f"Giving {self.words.pos_name} time to finish before looking in its receive history.",
        )
        gaps = iter(self.policy.confirm_gaps_s)
        not_landed_reads = 0
        while True:
            rec = self._read(draft, started)
            if rec.verdict is Verdict.LANDED:
                return rec
            if rec.verdict is Verdict.NOT_LANDED:
                not_landed_reads += 1
                if not_landed_reads >= 2:
                    return rec
                # Look twice before concluding "not landed": a slow POS may commit just after the first read.
                rep.wait(
                    max(self.policy.settle_s / 2, 0.5),
                    "Not in receive history yet; looking once more before sending again.",
                )
                continue
            gap = next(gaps, None)
            if gap is None:
                return rec
            rep.wait(gap, f"Receive history: {rec.message}. Reading it again.")

    def _read(self, draft: ReceiveDraft, started: datetime) -> Reconciliation:
        rec = self.find_in_history(draft, started)
        self._event(
            draft.draft_id,
            "history_read",
            {"verdict": rec.verdict.value, "message": rec.message, "receipt_id": rec.receipt_id},
        )
        return rec

    def find_in_history(self, draft: ReceiveDraft, started: datetime) -> Reconciliation:
        found, error = self.find_tags(draft.location, [draft.token], started)
        if found is None:
            return Reconciliation(Verdict.UNKNOWN, message=error)
        matches = found.get(draft.token, [])
        if not matches:
            return Reconciliation(Verdict.NOT_LANDED, message="it was not there")
        if len(matches) > 1:
            log.error("Token %s found %d times in history: %s", draft.token, len(matches), matches)
            self._event(draft.draft_id, "duplicate_detected", {"receipt_ids": matches})
        first = min(matches)
        return Reconciliation(
            Verdict.LANDED, first, len(matches), f"it is there as receipt {first}"
        )

    def find_tags(
        self, location: Location, tokens: Iterable[str], around: datetime
    ) -> tuple[dict[str, list[int]] | None, str]:
        """Receipt ids per `[IN-…]` tag in history one day either side of `around`, or (None, why not)."""
        local = to_store_local(around, location.timezone).replace(tzinfo=None)
        try:
            rows = self.ctx.connector.receipt_history(
                location, local - timedelta(days=1), local + timedelta(days=1)
            )
        except E.PosError as exc:
            return None, f"it could not be read ({exc.message})"
        wanted = {t: f"[{t}]" for t in tokens if t}
        out: dict[str, list[int]] = {}
        for row in rows:
            for token, tag in wanted.items():
                if tag in row.title:
                    out.setdefault(token, []).append(row.receipt_id)
        return out, ""
