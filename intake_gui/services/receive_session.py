"""One delivery, from the first choice to the last verification read — the receive both faces drive.

The wizard (`ui/wizard.py`) and `intake receive` (`cli/receive.py`) used to each hold half of a receive: draft
identity, the submit guard, the no-receive mode, verify attempts and a re-check schedule (two different ones).
`ReceiveSession` holds all of it once, without Qt, so the faces only collect input and show state:

- the draft under construction: its id and `[IN-…]` tag, title (which follows the vendor until the clerk types
  one), note, manifest reference, and the lines a resumed draft brings back;
- the flow (`domain.wizard_flow.WizardFlow`): steps, gates and the one no-rooms rule (`room_block`);
- the no-receive mode (a POS without a receive API: `can_receive` is False and no draft is ever built);
- submitting: `begin_submit` (the guard against a second press) -> `send` (on a worker: the per-delivery check,
  the sellable baseline, the send) -> `sent` / `failed` (back on the owner's thread);
- verification: `next_verify` -> `verify` -> `verified`, which answers when to look again from the one re-check
  schedule (`policy.recheck_s`); the CLI's `verify_until_settled` walks the same schedule with real waits.

State-changing methods belong to one thread (the GUI thread, or the CLI's only one); `send`, `confirm` and
`verify` do the I/O and touch no state, so the GUI runs them on its workers. Phases and waits reach the face as
plain callables (`on_phase(text)`, `on_wait(seconds, why)`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from intake_gui.domain.diagnosis import Diagnosis
from intake_gui.domain.draft_note import clerk_part, compose_note, variance_sentences
from intake_gui.domain.lifecycle import RECHECK_SCHEDULE_S, recheck_delay
from intake_gui.domain.models import (
    DraftLine,
    DraftState,
    Location,
    PosKind,
    ReceiveDraft,
    Room,
    Vendor,
    new_token,
)
from intake_gui.domain.verification import VerificationReport
from intake_gui.domain.wizard_block import Blocked
from intake_gui.domain.wizard_flow import FlowError, Gate, Step, WizardFlow
from intake_gui.services.deliveries import SameDelivery
from intake_gui.services.recovery import RecoveryOutcome
from intake_gui.services.submission import (
    NeedsDecision,
    SubmitPhase,
    SubmitRefused,
    SubmitResult,
    SubmitUncertain,
    Verdict,
)
from intake_gui.services.verification import VerificationService, VerifyTarget

if TYPE_CHECKING:
    from intake_gui.services.receiving import ReceivingService

TextFn = Callable[[str], None]
WaitFn = Callable[[float, str], None]


def default_title(vendor: Vendor, today: date | None = None) -> str:
    """A title the clerk can keep or overwrite: the POS needs one and the invoice number is often not at hand."""
    return f"{vendor.name} {(today or date.today()).isoformat()}"[:80]


class Stage(StrEnum):
    EDITING = "editing"
    SENDING = "sending"
    """A send or a look-again is on its way: nothing else may start, nothing may be changed."""
    SENT = "sent"
    """The POS has it (a receipt id); verification runs."""
    UNCONFIRMED = "unconfirmed"
    """Sent, and Intake could not find out whether it landed: a person decides (never back to editing)."""


class Ending(StrEnum):
    """How a send that did not produce a receipt ended, for the face to choose what to show."""

    SAME_DELIVERY = "same_delivery"
    """Nothing was sent: the delivery was sent before. The face asks whether to send a second receive."""
    REFUSED = "refused"
    """Nothing was received: the draft is editable again and the words say what to fix, or to send again."""
    UNCONFIRMED = "unconfirmed"
    """Sent, outcome unknown: the face shows the decision (it is in the POS / send it again)."""


@dataclass(frozen=True)
class Sent:
    """What `send` hands back to the owner's thread."""

    baseline: dict[str, Decimal] | None
    result: SubmitResult
    not_checked: tuple[str, ...] = ()
    """Places the per-delivery check could not ask (e.g. the shared record was unreachable): said, not fatal."""


@dataclass(frozen=True)
class VerifyRequest:
    draft: ReceiveDraft
    receipt_id: int
    baseline: dict[str, Decimal] | None
    submitted_at: datetime
    attempt: int


class ReceiveSession:
    """One delivery at a time; `start_over` begins the next one at the same location."""

    def __init__(
        self,
        receiving: ReceivingService | None = None,
        *,
        recheck_s: Sequence[float] | None = None,
    ) -> None:
        self.flow = WizardFlow()
        self.receiving: ReceivingService | None = None
        self.receive_hint = ""
        """Non-empty while the POS cannot receive: why, and where to receive instead."""
        self._recheck_override = tuple(recheck_s) if recheck_s is not None else None
        self.new_identity()
        if receiving is not None:
            self.attach(receiving)

    # ---- connection ---------------------------------------------------------------------------------

    def attach(self, receiving: ReceivingService) -> None:
        """A new connection: an empty flow, a fresh draft, and the POS's ability to receive at all."""
        self.receiving = receiving
        self.flow.speech = (
            receiving.speech
        )  # the no-rooms words in this POS's terms (verify helper)
        self.flow.reset()
        self.new_identity()
        caps = receiving.ctx.driver.summary
        self.receive_hint = "" if caps.receive else (caps.receive_hint or "No receive API.")

    def detach(self) -> None:
        self.receiving = None
        if self.receive_hint:
            # The next connection may be to a POS that can receive: show the steps while it opens.
            self.receive_hint = ""
            self.flow.reset()

    @property
    def can_receive(self) -> bool:
        """False for a POS without a receive API: no step is shown and no draft is ever built."""
        return not self.receive_hint

    @property
    def pos_kind(self) -> PosKind:
        return self.receiving.ctx.pos_kind if self.receiving is not None else PosKind.DUTCHIE

    @property
    def recheck_s(self) -> tuple[float, ...]:
        """The one re-check schedule (the GUI's timer and the CLI's loop both walk it)."""
        if self._recheck_override is not None:
            return self._recheck_override
        if self.receiving is not None:
            return tuple(self.receiving.policy.recheck_s)
        return RECHECK_SCHEDULE_S

    # ---- the draft under construction ---------------------------------------------------------------

    def new_identity(self) -> None:
        """A new draft: new id and tag; everything typed for the previous one is forgotten."""
        self.draft_id = uuid.uuid4().hex
        self.token = new_token()
        self.title = ""
        self.clerk_note = ""
        self.manifest_ref = ""
        self.restore_lines: tuple[DraftLine, ...] = ()
        self._title_vendor: Vendor | None = None
        self.stage = Stage.EDITING
        self.last_draft: ReceiveDraft | None = None
        self.baseline: dict[str, Decimal] | None = None
        self.result: SubmitResult | None = None
        self.verify_attempt = 0
        self.verifying = False

    def start_over(self) -> None:
        """The next delivery at the same store: keep location, rooms; clear the rest."""
        self.new_identity()
        self.flow.start_over_keep_location()

    @property
    def busy(self) -> bool:
        return self.stage is Stage.SENDING

    @property
    def editable(self) -> bool:
        return self.stage is Stage.EDITING and not self.flow.submitted

    def choose_location(self, location: Location) -> bool:
        """Pick the store; True when it changed (the draft then starts afresh). Raises FlowError."""
        if self.busy or not self.can_receive:
            raise FlowError(
                "The receive is being sent right now; nothing can be changed meanwhile."
            )
        changed = self.flow.location is None or self.flow.location.loc_id != location.loc_id
        self.flow.choose_location(location)
        if changed:
            self.new_identity()
        return changed

    def choose_vendor(self, vendor: Vendor) -> None:
        """Pick the vendor; a title the clerk has not typed follows it (the default names the vendor)."""
        if self.busy:
            raise FlowError(
                "The receive is being sent right now; nothing can be changed meanwhile."
            )
        self.flow.choose_vendor(vendor)
        if not self.title or self.title == default_title(self._title_vendor or vendor):
            self.title = default_title(vendor)
        self._title_vendor = vendor

    def choose_room(self, room: Room, *, confirmed: bool = False) -> Gate:
        """Pick the room; the gate says whether the clerk must first confirm a room that is not for sale."""
        if self.busy:
            raise FlowError(
                "The receive is being sent right now; nothing can be changed meanwhile."
            )
        self.flow.choose_room(room, confirmed=confirmed)
        return self.flow.can_advance()

    def set_rooms(self, rooms: Sequence[Room]) -> Blocked | None:
        """The location's rooms as loaded; returns the no-rooms stop when the location cannot take stock."""
        self.flow.set_rooms(rooms)
        return self.room_block()

    def room_block(self) -> Blocked | None:
        """The one no-rooms rule, for the wizard's room page and the CLI alike."""
        return self.flow.room_page_block()

    def build_draft(self, lines: Sequence[DraftLine] | None = None) -> ReceiveDraft | None:
        """The draft as it would be sent now, or None until location, vendor and room exist (and never for a
        POS that cannot receive). Raises ValueError (clerk's words) for a title or note the model refuses."""
        flow = self.flow
        if not self.can_receive or flow.location is None or flow.vendor is None:
            return None
        if flow.room is None:
            return None
        chosen = tuple(lines) if lines is not None else self.restore_lines
        # Over/short reasons are folded into the note; without any, the clerk's note goes as typed, so the
        # model refuses one that is too long instead of it being cut short unseen.
        note = (
            compose_note(self.clerk_note, chosen) if variance_sentences(chosen) else self.clerk_note
        )
        return ReceiveDraft(
            draft_id=self.draft_id,
            token=self.token,
            pos=self.pos_kind,
            location=flow.location,
            vendor=flow.vendor,
            room=flow.room,
            title=self.title,
            note=note,
            lines=chosen,
            manifest_ref=self.manifest_ref,
        )

    def resume(self, draft: ReceiveDraft, rooms: Sequence[Room]) -> None:
        """Carry on with a journal draft: same id and tag, location, vendor, room, title, note and lines."""
        self.new_identity()
        speech = self.flow.speech
        self.flow = WizardFlow.resume(draft, rooms)
        self.flow.speech = speech
        self.draft_id = draft.draft_id
        self.token = draft.token
        self.title = draft.title
        self.clerk_note = clerk_part(draft.note)
        self.manifest_ref = draft.manifest_ref
        self.restore_lines = tuple(draft.lines)
        if self.flow.step is Step.PRODUCTS:
            self.flow.set_problems(self.problems(draft))

    def problems(self, draft: ReceiveDraft) -> list[str]:
        """What stops this draft from being sent, by the station's rules (e.g. "every line needs a cost")."""
        require_costs = bool(self.receiving and self.receiving.ctx.settings.require_costs)
        return draft.problems(require_costs=require_costs)

    # ---- submit ------------------------------------------------------------------------------------

    def begin_submit(self, draft: ReceiveDraft) -> Gate:
        """On the owner's thread, before a worker starts: the guard against a second send."""
        if self.busy:
            return Gate(False, "The receive is being sent.")
        if self.stage is not Stage.EDITING:
            return Gate(False, "This receive was sent; start a new one for the next delivery.")
        self.flow.set_problems(self.problems(draft))
        self.flow.set_lines(len(draft.lines))
        gate = self.flow.can_submit()
        if gate.ok:
            self.stage = Stage.SENDING
            self.last_draft = draft
        return gate

    def send(
        self,
        draft: ReceiveDraft,
        *,
        again: bool = False,
        how: str = "",
        on_phase: TextFn | None = None,
        on_wait: WaitFn | None = None,
    ) -> Sent:
        """I/O (a worker): the per-delivery check, the sellable baseline, then the send. Touches no state.

        Raises SameDelivery (nothing sent), SubmitRefused (nothing received), SubmitUncertain (sent, unknown).
        """
        receiving = self._receiving()
        rep = receiving.reporter(_phase_text(on_phase), on_wait)
        with receiving.waits_to(on_wait):
            check = receiving.guard_delivery(draft, rep, again=again, how=how)
            if on_phase is not None:
                on_phase("Reading current stock…")
            baseline = VerificationService(receiving.ctx).baseline(draft)
            return Sent(baseline, receiving.send_checked(draft, rep), check.not_checked)

    def confirm(
        self, draft: ReceiveDraft, *, on_phase: TextFn | None = None, on_wait: WaitFn | None = None
    ) -> Sent:
        """I/O: look again for a sent draft whose answer was lost (never a second send of a decided one)."""
        receiving = self._receiving()
        result = receiving.confirm(draft, on_phase=_phase_text(on_phase), on_wait=on_wait)
        return Sent(None, result)

    def look_again(self, draft: ReceiveDraft) -> Sent:
        """I/O: one more history read for a sent draft whose outcome is unknown ("Look for it again").

        Found: a Sent to hand to `sent`. Not found or unreadable: NeedsDecision with the updated facts.
        """
        receiving = self._receiving()
        rec = receiving.look_again(draft.draft_id)
        entry = receiving.ctx.journal.get(draft.draft_id)
        if entry is None:
            raise FlowError("This draft is no longer in the journal.")
        if rec.verdict is Verdict.LANDED and rec.receipt_id is not None:
            started = entry.submit_started_at or entry.updated_at
            return Sent(None, SubmitResult(rec.receipt_id, True, 0, started))
        if entry.state is DraftState.NEEDS_DECISION:
            raise NeedsDecision(*receiving.submitter.decision(entry))
        return self.confirm(draft)

    def decided(self, outcome: RecoveryOutcome) -> bool:
        """A person's decision about this receive was recorded. True when there is now a receipt to verify."""
        if outcome.verdict is Verdict.LANDED and outcome.receipt_id is not None:
            self.sent(Sent(None, SubmitResult(outcome.receipt_id, False, 1, datetime.now(UTC))))
            return True
        if outcome.verdict is Verdict.LANDED:
            self.stage = Stage.SENT
        return False

    def sent(self, outcome: Sent) -> None:
        """Back on the owner's thread: the POS has it."""
        self.stage = Stage.SENT
        self.baseline = self.baseline or outcome.baseline
        self.result = outcome.result
        self.verify_attempt = 0
        if self.flow.submitted:
            self.flow.receipt_found(outcome.result.receipt_id)
        else:
            self.flow.mark_submitted(outcome.result.receipt_id)

    def failed(self, exc: BaseException) -> Ending:
        """Back on the owner's thread: why there is no receipt, and the stage that follows."""
        if isinstance(exc, SubmitUncertain):
            # Never back to editing: Submit there would risk a second receive. A person decides.
            self.stage = Stage.UNCONFIRMED
            if not self.flow.submitted:
                self.flow.mark_submitted(None)
            return Ending.UNCONFIRMED
        self.stage = Stage.UNCONFIRMED if self.flow.submitted else Stage.EDITING
        if isinstance(exc, SameDelivery):
            return Ending.SAME_DELIVERY
        return Ending.REFUSED

    def receive(
        self,
        draft: ReceiveDraft,
        *,
        again: bool = False,
        how: str = "",
        on_phase: TextFn | None = None,
        on_wait: WaitFn | None = None,
    ) -> Sent:
        """The whole submit on one thread (the CLI): guard, send, and the state that follows."""
        gate = self.begin_submit(draft)
        if not gate.ok:
            raise SubmitRefused(
                Diagnosis(headline="The receive is not ready to send.", what_happened=gate.reason),
                [gate.reason],
            )
        try:
            outcome = self.send(draft, again=again, how=how, on_phase=on_phase, on_wait=on_wait)
        except BaseException as exc:
            self.failed(exc)
            raise
        self.sent(outcome)
        return outcome

    # ---- verify ------------------------------------------------------------------------------------

    def next_verify(self) -> VerifyRequest | None:
        """The next verification to run, or None while one runs or before there is a receipt."""
        result, draft = self.result, self.last_draft
        if self.verifying or result is None or draft is None or self.receiving is None:
            return None
        self.verifying = True
        self.verify_attempt += 1
        return VerifyRequest(
            draft, result.receipt_id, self.baseline, result.submitted_at, self.verify_attempt
        )

    def verify(
        self, request: VerifyRequest, *, on_wait: WaitFn | None = None
    ) -> VerificationReport:
        """I/O: the three reads for one attempt (a worker); the connection's waits go to `on_wait`."""
        receiving = self._receiving()
        with receiving.waits_to(on_wait):
            return VerificationService(receiving.ctx).verify(
                VerifyTarget(
                    location=request.draft.location,
                    receipt_id=request.receipt_id,
                    draft=request.draft,
                    submitted_at=request.submitted_at,
                    baseline=request.baseline,
                ),
                attempt=request.attempt,
            )

    def verified(self, report: VerificationReport | None) -> float | None:
        """An attempt ended (None: it could not run). Seconds until the next automatic one, or None."""
        self.verifying = False
        if report is None or not report.needs_recheck:
            return None
        return recheck_delay(self.verify_attempt - 1, self.recheck_s)

    def verify_until_settled(
        self,
        timeout_s: float,
        *,
        on_wait: WaitFn | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> VerificationReport:
        """Verify, then re-check on the schedule while a light is AMBER (the CLI).

        `timeout_s` budgets the pauses between checks, not the checks themselves: under a POS's pacing one
        pass can take a minute, and a deadline on the wall clock would then allow no second look at all.
        """
        paused = 0.0
        while True:
            request = self.next_verify()
            if request is None:
                raise RuntimeError("nothing to verify: the receive has no receipt yet")
            try:
                report = self.verify(request, on_wait=on_wait)
            except BaseException:
                self.verified(None)
                raise
            delay = self.verified(report)
            if delay is None or paused + delay > timeout_s:
                return report
            if on_wait is not None:
                on_wait(
                    delay,
                    "Not everything is visible in the POS yet; checking again "
                    f"in {max(1, round(delay))} s.",
                )
            sleep(delay)
            paused += delay

    # ---- helpers -----------------------------------------------------------------------------------

    def _receiving(self) -> ReceivingService:
        if self.receiving is None:
            raise FlowError("Not connected to a POS.")
        return self.receiving


def _phase_text(on_phase: TextFn | None) -> Callable[[SubmitPhase, str], None] | None:
    if on_phase is None:
        return None
    return lambda _phase, words: on_phase(words)
