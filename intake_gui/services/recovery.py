"""Settling what a crash, a lost answer or an unreadable history left open — and the decisions only a person makes.

Start-up (GUI) and `intake recover` (CLI) run `recover_pending`:
- a draft left "submitting" is looked for in receive history by its tag (after what is left of the settle time).
  Found: it is submitted. Proven absent: it is sent again — unless another receive of the *same delivery* landed
  meanwhile (a clerk's re-run, another station), in which case it is marked superseded and never sent. Still
  unknown after the reads Intake allows itself: it "needs a decision".
- a draft that needs a decision is looked for once more (a read is cheap; it may have become readable). Found: it
  is submitted. Otherwise it stays for a person, with what is known (`Decision`), and is never sent on its own —
  the person may meanwhile have entered it by hand.

`decide` records a person's choice ("landed": it is in the POS; "resend": send it again) in the journal and acts
on it; "resend" is refused while the same delivery is known to have landed, unless confirmed (`again`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from intake_gui.domain.delivery import (
    DeliveryGuard,
    DuplicateCheck,
    delivery_key,
    lines_fingerprint,
)
from intake_gui.domain.diagnosis import Diagnosis
from intake_gui.domain.lifecycle import DecisionFacts, already_received
from intake_gui.domain.models import DraftState, ReceiveDraft
from intake_gui.domain.pos_words import PosWords
from intake_gui.services.context import AppContext
from intake_gui.services.deliveries import (
    SameDelivery,
    check_all,
    confirmation_event,
)
from intake_gui.services.submission import (
    NeedsDecision,
    Reporter,
    SubmitRefused,
    Submitter,
    SubmitUncertain,
    Verdict,
)
from intake_gui.store.journal import JournalEntry as JournalEntry

log = logging.getLogger(__name__)

NOT_RECEIVED_LISTED_FOR = timedelta(days=7)
"""How long `intake recover` keeps listing a draft that was not received (and not sent again or discarded)."""


@dataclass(frozen=True)
class RecoveryOutcome:
    draft_id: str
    title: str
    verdict: Verdict
    receipt_id: int | None
    message: str
    state: DraftState = DraftState.SUBMITTED

    @property
    def needs_person(self) -> bool:
        return self.state is DraftState.NEEDS_DECISION


@dataclass(frozen=True)
class Decision:
    """A draft waiting for a person: the facts, the words, and whether the same delivery landed since."""

    entry: JournalEntry
    facts: DecisionFacts
    diagnosis: Diagnosis
    landed_twins: DuplicateCheck

    @property
    def draft_id(self) -> str:
        return self.entry.draft_id


class Recovery:
    def __init__(
        self, ctx: AppContext, submitter: Submitter, guards: list[DeliveryGuard], words: PosWords
    ) -> None:
        self.ctx = ctx
        self.submitter = submitter
        self.guards = guards
        self.words = words

    def _event(self, draft_id: str, kind: str, data: dict[str, Any]) -> None:
        self.ctx.journal.record_event(
            draft_id, kind, data, actor=self.ctx.clerk, station=self.ctx.station
        )

    def _mine(self, entry: JournalEntry) -> bool:
        return entry.draft.pos.value == self.ctx.pos_kind.value

    # ---- settling -----------------------------------------------------------------------------------

    def settle(
        self, entry: JournalEntry, rep: Reporter, *, resend: bool = True, superseded_by: str = ""
    ) -> RecoveryOutcome:
        """Find out about one "submitting" draft; `resend=False` when a newer draft of it is about to go."""
        draft = entry.draft
        rec = self.submitter.reconcile(entry, rep)
        if rec.verdict is Verdict.LANDED:
            self.submitter.landed(draft, rec, 0, entry.submit_started_at)
            return self._outcome(
                draft,
                Verdict.LANDED,
                rec.receipt_id,
                f"“{draft.title}” had landed as receipt {rec.receipt_id}; nothing was sent again.",
            )
        if rec.verdict is Verdict.UNKNOWN:
            try:
                self.submitter.give_up_confirming(draft, rec)
            except NeedsDecision as exc:
                return self._needs(draft, exc)
        twins = check_all(self.guards, draft).settled
        if twins:
            first = twins[0]
            self.supersede(
                entry,
                f"it had not landed, and the same delivery is in the POS as receipt {first.receipt_id}",
                by_draft=first.draft_id or "",
                by_receipt=first.receipt_id,
            )
            return self._outcome(
                draft,
                Verdict.NOT_LANDED,
                first.receipt_id,
                f"“{draft.title}” had not landed, and the same delivery is already in the POS "
                f"({first.sentence(draft.location.timezone)}) Nothing was sent again.",
                DraftState.ABANDONED,
            )
        if not resend:
            self.supersede(
                entry,
                "it had not landed; a new draft of the same delivery replaces it",
                superseded_by,
            )
            return self._outcome(
                draft,
                Verdict.NOT_LANDED,
                None,
                f"“{draft.title}” had not landed; the new receive of it replaces it.",
                DraftState.ABANDONED,
            )
        self._event(draft.draft_id, "recovery", {"verdict": "not_landed", "resend": True})
        return self._send(entry, rep, f"“{draft.title}” had not landed; it was sent again")

    def _send(self, entry: JournalEntry, rep: Reporter, lead: str) -> RecoveryOutcome:
        draft = entry.draft
        started = entry.submit_started_at or datetime.now(UTC)
        try:
            result = self.submitter.send_loop(draft, started, rep)
        except SubmitRefused as exc:
            d = exc.diagnosis
            return self._outcome(
                draft,
                Verdict.NOT_LANDED,
                None,
                f"{lead}, and it was not received: {d.headline} {d.what_to_do}",
                DraftState.FAILED,
            )
        except NeedsDecision as exc:
            return self._needs(draft, exc)
        self.supersede_leftovers(draft, result.receipt_id)
        return self._outcome(
            draft, Verdict.LANDED, result.receipt_id, f"{lead} and is receipt {result.receipt_id}."
        )

    def _needs(self, draft: ReceiveDraft, exc: NeedsDecision) -> RecoveryOutcome:
        # The headline only: the facts and the choices come with `decisions()` (dialog, `intake recover`).
        return self._outcome(
            draft, Verdict.UNKNOWN, None, exc.diagnosis.headline, DraftState.NEEDS_DECISION
        )

    @staticmethod
    def _outcome(
        draft: ReceiveDraft,
        verdict: Verdict,
        receipt_id: int | None,
        message: str,
        state: DraftState = DraftState.SUBMITTED,
    ) -> RecoveryOutcome:
        return RecoveryOutcome(draft.draft_id, draft.title, verdict, receipt_id, message, state)

    def recover_pending(self, rep: Reporter) -> list[RecoveryOutcome]:
        """Start-up / `intake recover`: settle every "submitting" draft, look again at every undecided one."""
        outcomes: list[RecoveryOutcome] = []
        settled_now: set[str] = set()
        for entry in self.ctx.journal.pending_submissions():
            if not self._mine(entry):
                continue
            # A settle above may have changed this one (superseded as a twin): read it fresh.
            fresh = self.ctx.journal.get(entry.draft_id)
            if fresh is None or fresh.state is not DraftState.SUBMITTING:
                continue
            settled_now.add(fresh.draft_id)
            try:
                outcomes.append(self.settle(fresh, rep, resend=True))
            except SubmitUncertain as exc:  # Interrupted: the face is closing
                outcomes.append(
                    self._outcome(fresh.draft, Verdict.UNKNOWN, None, exc.message, fresh.state)
                )
                break
        for entry in self.ctx.journal.needs_decision():
            if not self._mine(entry) or entry.draft_id in settled_now:
                continue
            # A read is cheap and history may be readable now; found settles it. Absent does not: a person
            # was asked, and may have entered it by hand meanwhile, so only their decision sends it again.
            rec = self.submitter.look_once(entry)
            if rec.verdict is Verdict.LANDED:
                self.submitter.landed(entry.draft, rec, 0, entry.submit_started_at)
                outcomes.append(
                    self._outcome(
                        entry.draft,
                        Verdict.LANDED,
                        rec.receipt_id,
                        f"“{entry.draft.title}” had landed as receipt {rec.receipt_id}; it no longer "
                        "needs a decision.",
                    )
                )
        reported = {o.draft_id for o in outcomes}
        for decision in self.decisions():
            if decision.draft_id in reported:
                continue
            outcomes.append(
                self._outcome(
                    decision.entry.draft,
                    Verdict.UNKNOWN,
                    None,
                    decision.diagnosis.headline,
                    DraftState.NEEDS_DECISION,
                )
            )
        return outcomes

    # ---- decisions ----------------------------------------------------------------------------------

    def decisions(self) -> list[Decision]:
        """Drafts waiting for a person, with what is known about each."""
        out: list[Decision] = []
        for entry in self.ctx.journal.needs_decision():
            if not self._mine(entry):
                continue
            facts, diagnosis = self.submitter.decision(entry)
            twins = check_all(self.guards, entry.draft)
            out.append(Decision(entry, facts, diagnosis, DuplicateCheck(twins.settled)))
        return out

    def find(self, ref: str) -> JournalEntry | None:
        """A draft by id, id prefix (≥ 6 characters) or tag, among those a person may decide about."""
        ref = ref.strip()
        journal = self.ctx.journal
        entry = journal.get(ref) or journal.by_token(ref.strip("[]").upper())
        if entry is not None:
            return entry
        if len(ref) >= 6:
            pool = journal.needs_decision() + journal.open_drafts(include_failed=True)
            hits = [e for e in pool if e.draft_id.startswith(ref)]
            if len(hits) == 1:
                return hits[0]
        return None

    def decide(
        self,
        entry: JournalEntry,
        choice: str,
        rep: Reporter,
        *,
        again: bool = False,
        how: str = "",
        receipt_id: int | None = None,
    ) -> RecoveryOutcome:
        """Act on a person's choice; every choice is a journal event (`decided`, and the state change)."""
        draft = entry.draft
        if choice == "landed":
            if entry.state is not DraftState.NEEDS_DECISION:
                raise ValueError(
                    f"“{draft.title}” does not wait for a decision ({entry.state.value})."
                )
            self.ctx.journal.decide(
                draft.draft_id, "landed", receipt_id=receipt_id, actor=self.ctx.clerk
            )
            return self._outcome(
                draft,
                Verdict.LANDED,
                receipt_id,
                f"“{draft.title}” is recorded as in the POS"
                + (f" (receipt {receipt_id})" if receipt_id else "")
                + "; it will not be sent again.",
            )
        if choice == "discard":
            if entry.state not in (DraftState.FAILED, DraftState.OPEN):
                raise ValueError(
                    f"Only a draft that was not received can be discarded; “{draft.title}” is "
                    f"{entry.state.value}."
                )
            self.ctx.journal.mark_abandoned(draft.draft_id, actor=self.ctx.clerk)
            self._event(draft.draft_id, "decided", {"choice": "discard", "how": how})
            return self._outcome(
                draft,
                Verdict.NOT_LANDED,
                None,
                f"“{draft.title}” was discarded.",
                DraftState.ABANDONED,
            )
        if choice != "resend":
            raise ValueError(f"Unknown choice {choice!r}: use landed, resend or discard.")
        if entry.state not in (DraftState.NEEDS_DECISION, DraftState.FAILED):
            raise ValueError(
                f"“{draft.title}” cannot be sent again from here ({entry.state.value})."
            )
        twins = DuplicateCheck(check_all(self.guards, draft).settled)
        if twins.found and not again:
            sentences = [p.sentence(draft.location.timezone) for p in twins.priors]
            raise SameDelivery(
                twins, already_received(sentences, unsettled=False, words=self.words)
            )
        if twins.found:
            self._event(draft.draft_id, "duplicate_confirmed", confirmation_event(twins, how))
        if entry.state is DraftState.NEEDS_DECISION:
            self.ctx.journal.decide(draft.draft_id, "resend", actor=self.ctx.clerk)
        else:
            self._event(draft.draft_id, "decided", {"choice": "resend", "how": how})
            self.ctx.journal.reopen(draft.draft_id, actor=self.ctx.clerk)
            self.ctx.journal.mark_submitting(draft.draft_id, actor=self.ctx.clerk)
        fresh = self.ctx.journal.get(draft.draft_id) or entry
        return self._send(fresh, rep, f"“{draft.title}” was sent again on request")

    def not_received(self) -> list[JournalEntry]:
        """Recent drafts that certainly did not land and were neither sent again nor discarded."""
        since = datetime.now(UTC) - NOT_RECEIVED_LISTED_FOR
        out = []
        for entry in self.ctx.journal.open_drafts(include_failed=True):
            if entry.state is not DraftState.FAILED or entry.updated_at < since:
                continue
            if not self._mine(entry):
                continue
            last = [e for e in self.ctx.journal.events(entry.draft_id) if e.kind == "submit_result"]
            if last and last[-1].data.get("outcome") == "not_received":
                out.append(entry)
        return out

    # ---- superseding --------------------------------------------------------------------------------

    def supersede(
        self, entry: JournalEntry, why: str, by_draft: str = "", by_receipt: int | None = None
    ) -> None:
        """A draft that provably did not land and is replaced by another receive of the same delivery."""
        journal = self.ctx.journal
        if entry.state is DraftState.SUBMITTING:
            journal.mark_failed(entry.draft_id, f"superseded: {why}", actor=self.ctx.clerk)
        if entry.state in (DraftState.SUBMITTING, DraftState.FAILED, DraftState.OPEN):
            journal.mark_abandoned(entry.draft_id, actor=self.ctx.clerk)
        self._event(
            entry.draft_id,
            "superseded",
            {"why": why, "by_draft": by_draft, "by_receipt": by_receipt},
        )

    def supersede_leftovers(self, draft: ReceiveDraft, receipt_id: int) -> None:
        """After `draft` landed: earlier unsent or failed drafts of the same delivery with the very same lines
        are retries of it (a killed run, a failed attempt re-entered) — close them so none is sent later."""
        key = delivery_key(draft)
        since = datetime.now(UTC) - timedelta(days=1)
        try:
            entries = self.ctx.journal.drafts_near(draft.location.loc_id, since)
        except Exception as exc:  # tidying up must never turn a landed receive into an error
            log.warning("Could not look for leftover drafts", exc_info=exc)
            return
        for entry in entries:
            if entry.draft_id == draft.draft_id or entry.state not in (
                DraftState.OPEN,
                DraftState.FAILED,
            ):
                continue
            other = entry.draft
            if (
                other.vendor.vendor_id == draft.vendor.vendor_id
                and lines_fingerprint(other.lines) == key.lines
                and other.pos == draft.pos
            ):
                self.supersede(
                    entry,
                    f"the same delivery landed as receipt {receipt_id}",
                    draft.draft_id,
                    receipt_id,
                )
