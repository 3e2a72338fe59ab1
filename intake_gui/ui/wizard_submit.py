"""Steps 5 and 6 of the wizard as views of the ReceiveSession: the send, its endings, and the three lights.

Every rule is the session's (`services.receive_session`): whether Submit may go, what a send that produced no
receipt means, when the lights are read again. This part only runs the session's I/O on workers and shows what
came back:
- a receipt -> the verify page and the first verification;
- the same delivery sent before -> one warning with its facts; a second receive only after "Send a second
  receive" (the session logs that yes in the journal);
- not received -> the review page's refusal, with what to fix or "send it again";
- sent, outcome unknown -> the verify page with what is known, F6 to look again, F7 to decide.
The move to a sales room after a red sellable light lives here too (it follows the verification).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMessageBox

from intake_gui.domain.models import ReceiveDraft, Room
from intake_gui.domain.wizard_flow import Step
from intake_gui.services.receive_session import Ending, ReceiveSession, Sent, Stage, VerifyRequest
from intake_gui.services.submission import SubmitRefused
from intake_gui.ui.workers import PHASE

if TYPE_CHECKING:
    from intake_gui.ui.wizard import ReceiveWizard

log = logging.getLogger(__name__)


def send_job(
    session: ReceiveSession, draft: ReceiveDraft, again: bool, report_phase: Callable[[str], None]
) -> Sent:
    """Runs on a worker: the session's send, its phases and announced waits as the page's phase line."""
    return session.send(
        draft,
        again=again,
        how="gui confirm" if again else "",
        on_phase=report_phase,
        on_wait=lambda _seconds, words: report_phase(words),
    )


def verify_job(
    session: ReceiveSession, request: VerifyRequest, report_phase: Callable[[str], None]
) -> Any:
    """Runs on a worker: one verification; the POS's pacing or rate waits are said on the verify page."""
    return session.verify(request, on_wait=lambda _seconds, words: report_phase(words))


class WizardSubmit:
    """Part of ReceiveWizard (one per wizard); the wizard's signals and pages are used through `w`."""

    def __init__(self, wizard: ReceiveWizard) -> None:
        self.w = wizard
        self._recheck_pending = False
        self._move_dialog: Any = None
        self._move_receipt: int | None = None
        self.same_delivery_box: QMessageBox | None = None

    @property
    def session(self) -> ReceiveSession:
        return self.w.session

    # ---- step 5: submit ----------------------------------------------------------------------------

    def submit(self, again: bool = False) -> None:
        """Send the receive once. The session's guard is set before anything else, so a second press (mouse,
        keyboard auto-repeat, a queued shortcut) can never start a second worker."""
        w, session = self.w, self.session
        if session.busy or w.services is None or w.flow.step is not Step.REVIEW:
            return
        draft = w.current_draft()
        if draft is None:
            return
        gate = session.begin_submit(draft)
        if not gate.ok:
            w.review_page.show_draft(draft, session.problems(draft))
            return
        w.review_page.set_busy(True, "Sending…")
        w.update_nav()
        w.audit("submit_pressed", {"lines": len(draft.lines), "token": draft.token})
        w.run(
            send_job,
            session,
            draft,
            again,
            PHASE,
            on_phase=w.review_page.set_phase,
            on_returned=self._sent,
            on_errored=self._failed,
            keep_generation=True,
        )

    def _sent(self, outcome: Sent) -> None:
        w, session = self.w, self.session
        w.review_page.set_busy(False)
        first = not w.flow.submitted
        session.sent(outcome)
        draft = session.last_draft
        assert draft is not None
        if first:
            w.products_page.stop_session()
            w.verify_page.start(draft)
        w.verify_page.set_receipt(
            outcome.result.receipt_id, draft, reconciled=outcome.result.reconciled
        )
        if outcome.not_checked:
            w.verify_page.say(" ".join(outcome.not_checked), "info")
        w.submitted.emit(outcome.result)
        w.show_step()
        self.verify(True)

    def _failed(self, exc: BaseException) -> None:
        w, session = self.w, self.session
        w.review_page.set_busy(False)
        was_submitted = w.flow.submitted
        ending = session.failed(exc)
        diagnosis = w.services.receiving.diagnose_error(exc) if w.services else None
        if diagnosis is None:
            return
        if ending is Ending.UNCONFIRMED:
            # Never back to Review: Submit there would risk a second receive. A person decides.
            draft = session.last_draft
            if not was_submitted and draft is not None:
                w.products_page.stop_session()
                w.verify_page.start(draft)
            w.verify_page.show_decision(
                diagnosis.headline, diagnosis.what_happened, diagnosis.what_to_do
            )
            w.show_step()
            return
        if ending is Ending.SAME_DELIVERY:
            w.review_page.show_refusal(diagnosis)
            w.update_nav()
            self._ask_second_receive(exc, diagnosis)
            return
        if was_submitted:
            w.verify_page.set_confirming(False, f"{diagnosis.headline} {diagnosis.what_to_do}")
            return
        if not isinstance(exc, SubmitRefused):
            log.error("Submit failed unexpectedly", exc_info=exc)
        step_title = (
            Step(diagnosis.go_back_to).title
            if diagnosis.go_back_to in Step._value2member_map_
            else ""
        )
        w.review_page.show_refusal(diagnosis, step_title)
        w.submit_refused.emit(diagnosis)
        w.update_nav()

    def _ask_second_receive(self, exc: Any, diagnosis: Any) -> None:
        """The one warning for a delivery sent before: its facts, Cancel by default, a second receive on yes."""
        w = self.w
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "This delivery was sent before",
            f"{diagnosis.headline}\n\n{diagnosis.what_happened}\n\n{diagnosis.what_to_do}",
            QMessageBox.StandardButton.Cancel,
            w,
        )
        again = box.addButton("Send a second receive", QMessageBox.ButtonRole.DestructiveRole)
        undecided = [
            p.draft_id for p in exc.check.unsettled if p.source == "journal" and p.draft_id
        ]
        decide = (
            box.addButton("Decide about the earlier one…", QMessageBox.ButtonRole.ActionRole)
            if undecided
            else None
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.same_delivery_box = box

        def answered(_result: int) -> None:
            self.same_delivery_box = None
            if box.clickedButton() is again:
                self.submit(again=True)
            elif decide is not None and box.clickedButton() is decide:
                self._decide_about(undecided)

        box.finished.connect(answered)
        box.open()
        w.same_delivery_found.emit(box)

    def _decide_about(self, draft_ids: list[str]) -> None:
        """The earlier, unsettled receive of this delivery: its decision now, not only at the next start."""
        from intake_gui.ui.dialogs.decision_dialog import DecisionDialog, record_decision

        w = self.w
        services = w.services
        if services is None:
            return

        def show(decisions: list[Any]) -> None:
            mine = [d for d in decisions if d.draft_id in draft_ids]
            if not mine:
                w.status_message.emit(
                    "That receive was settled meanwhile; press Submit to check again."
                )
                return
            dialog = DecisionDialog(mine, w)

            def done(outcome: Any) -> None:
                text = outcome.message if not isinstance(outcome, BaseException) else ""
                w.status_message.emit(text or "The decision could not be recorded; see the log.")

            dialog.chosen.connect(lambda d, choice: record_decision(w, services, d, choice, done))
            dialog.open()
            w.decision_offered.emit(dialog)

        w.run(services.receiving.decisions, on_returned=show)

    # ---- unknown outcome: look again, decide ---------------------------------------------------------

    def look_again(self) -> None:
        """F6: one more read of receive history for a receive whose outcome is not known."""
        w, session = self.w, self.session
        draft = session.last_draft
        if session.busy or w.services is None or draft is None or session.result is not None:
            return
        session.stage = Stage.SENDING
        w.verify_page.set_confirming(True, "Looking for the receive in the POS's history…")
        w.run(
            session.look_again,
            draft,
            on_returned=self._sent,
            on_errored=self._failed,
            keep_generation=True,
        )

    def decide(self) -> None:
        """F7: the decision for this receive (it is in the POS / send it again), recorded on a worker."""
        from intake_gui.ui.dialogs.decision_dialog import DecisionDialog, record_decision

        w, session = self.w, self.session
        draft = session.last_draft
        if session.busy or w.services is None or draft is None or session.result is not None:
            return
        services = w.services

        def show(decisions: list[Any]) -> None:
            mine = [d for d in decisions if d.draft_id == draft.draft_id]
            if not mine:
                return
            dialog = DecisionDialog(mine, w)

            def chosen(decision: Any, choice: str) -> None:
                session.stage = Stage.SENDING
                w.verify_page.set_confirming(True, "Recording your decision…")
                record_decision(w, services, decision, choice, self._decided)

            dialog.chosen.connect(chosen)
            dialog.open()
            w.decision_offered.emit(dialog)

        w.run(services.receiving.decisions, on_returned=show)

    def _decided(self, outcome: Any) -> None:
        w, session = self.w, self.session
        if isinstance(outcome, BaseException):
            self._failed(outcome)
            return
        session.stage = Stage.UNCONFIRMED
        w.verify_page.set_confirming(False, outcome.message)
        draft = session.last_draft
        if session.decided(outcome) and draft is not None:
            w.verify_page.set_receipt(outcome.receipt_id, draft, reconciled=False)
            w.submitted.emit(session.result)
            self.verify(True)

    # ---- step 6: verify ----------------------------------------------------------------------------

    def verify(self, _auto: bool = False) -> None:
        w = self.w
        request = self.session.next_verify()
        if request is None:
            return
        w.verify_page.panel.set_checking()
        w.run(
            verify_job,
            self.session,
            request,
            PHASE,
            on_phase=lambda text: w.verify_page.say(text, "info"),
            on_returned=self._verified,
            on_errored=self._verify_failed,
        )

    def _verified(self, report: Any) -> None:
        w = self.w
        self.session.verified(report)
        w.verify_page.panel.set_report(report)
        self._offer_move(report)
        w.verified.emit(report)
        if self._recheck_pending:
            self._recheck_pending = False
            self.verify()

    def _verify_failed(self, exc: BaseException) -> None:
        w = self.w
        self.session.verified(None)
        log.warning("Verification attempt failed", exc_info=exc)
        headline, todo = w.words(exc)
        w.verify_page.panel.set_failed(
            f"? Could not check: {headline}", todo or "Press F5 to try again."
        )
        if self._recheck_pending:
            self._recheck_pending = False
            self.verify()

    def reset(self) -> None:
        self._recheck_pending = False
        self.w.verify_page.panel.stop()
        self.w.verify_page.show_move_offer(False)
        self.close_move_dialog()

    # ---- step 6: move to a sales room --------------------------------------------------------------

    def _rooms_by_id(self) -> dict[int, Room]:
        return {r.room_id: r for r in self.w.flow.rooms or ()}

    def _offer_move(self, report: Any) -> None:
        """Show the move button while the sellable light is red because of the room (every re-check asks
        again, so the button goes once the stock is on the sales floor)."""
        from intake_gui.services.moving import move_needed

        w = self.w
        draft = self.session.last_draft
        if draft is None or w.services is None:
            w.verify_page.show_move_offer(False)
            return
        needed = move_needed(report, draft, self._rooms_by_id())
        manual = not w.services.ctx.driver.summary.move
        w.verify_page.show_move_offer(needed, manual=manual)

    def open_move(self) -> Any:
        """The verify page's "Move to a sales room…": one dialog per receipt at a time (Alt+M raises it)."""
        from intake_gui.ui.move_dialog import offer_move

        w = self.w
        report, draft = w.verify_page.panel.report, self.session.last_draft
        if w.services is None or report is None or draft is None:
            return None
        dialog = self._move_dialog
        if dialog is not None and self._move_receipt == report.receipt_id and dialog.isVisible():
            dialog.raise_()
            dialog.activateWindow()
            return dialog
        self.close_move_dialog()
        dialog = offer_move(
            w,
            w.services,
            draft,
            report,
            on_moved=lambda _transfer: self._recheck_after_move(),
            rooms=self._rooms_by_id(),
        )
        if dialog is None:
            w.verify_page.show_move_offer(False)
            return None
        self._move_dialog, self._move_receipt = dialog, report.receipt_id
        w.move_offered.emit(dialog)
        return dialog

    def _recheck_after_move(self) -> None:
        """The transfer was accepted: read the lights again against the same pre-submit baseline."""
        if self.session.verifying:
            self._recheck_pending = True
            return
        self.w.verify_page.panel.request_check()

    def close_move_dialog(self) -> None:
        dialog, self._move_dialog, self._move_receipt = self._move_dialog, None, None
        if dialog is not None:
            dialog.close()
