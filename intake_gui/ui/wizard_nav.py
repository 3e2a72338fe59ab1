"""The wizard's navigation: Next, Back, jumps, and which page shows — all by the session's flow.

A mixin of `ReceiveWizard` (`ui/wizard.py`). The flow (`domain.wizard_flow`, held by the session) decides where
the clerk may go and why not; these methods ask it, show the page it names, and say its reasons on the page.
"""

from __future__ import annotations

from typing import Any

from intake_gui.domain.wizard_flow import STEP_ORDER, FlowError, Step, WizardFlow


class WizardNav:
    """Mixed into ReceiveWizard: uses its pages, session and buttons."""

    session: Any

    def _advance(self) -> None:
        try:
            self.flow.advance()
        except FlowError as exc:
            self._page_say(exc.reason)
        self.show_step()

    def go_next(self) -> None:
        step = self.flow.step
        if self.busy:
            return
        if step is Step.LOCATION:
            self.location_page.picker.activate_current()
        elif step is Step.VENDOR:
            self.vendor_page.picker.activate_current()
        elif step is Step.ROOM:
            if self.flow.room is not None and self.flow.can_advance().ok:
                self._advance()
            else:
                self.room_page.picker.activate_current()
        elif step is Step.PRODUCTS:
            self._leave_products()
        elif step is Step.REVIEW:
            self.submit()

    def _leave_products(self) -> None:
        draft = self.current_draft()
        if draft is None:
            return
        problems = self.session.problems(draft)
        problems += [
            f"{row.sku} is {row.status.value}: give a reason in the Reason column."
            for row in self.products_page.variances_missing_reason()
            if not any(row.sku in p for p in problems)
        ]
        if self.products_page.pending_unknown():
            problems.append(
                "A scanned code is still unknown: find its product or dismiss it (Ctrl+D)."
            )
        try:
            self.flow.set_lines(len(draft.lines))
            self.flow.set_problems(problems)
        except FlowError as exc:
            self._page_say(exc.reason)
            return
        gate = self.flow.can_advance()
        if not gate.ok:
            self.products_page.say(gate.reason, "bad")
            return
        if problems:
            # Over/short reasons are required before Review, not only before Submit: the Review page is
            # the clerk's last look, and it should not open on something that still needs the lines table.
            self.products_page.say("Before review: " + " ".join(problems), "bad")
            return
        self._advance()

    def go_back(self) -> None:
        if self.busy:
            return
        try:
            self.flow.back()
        except FlowError as exc:
            self._page_say(exc.reason)
            return
        self.show_step()

    def go_to(self, step: Step) -> None:
        """Jump back to an earlier step (a refusal's "go to vendor", the no-rooms stop's way out)."""
        if self.busy or self.flow.submitted:
            return
        while self.flow.step.index > step.index:
            try:
                self.flow.back()
            except FlowError:
                break
        self.show_step()

    def _page_say(self, text: str, tone: str = "bad") -> None:
        say = getattr(self.pages[self.flow.step], "say", None)
        if callable(say):
            say(text, tone)

    def show_step(self) -> None:
        if not self.can_receive:
            self._show_no_receive()
            return
        step = self.flow.step
        page = self.pages[step]
        self.steps.setVisible(True)
        self.stack.setCurrentWidget(page)
        if step is Step.ROOM and self.flow.rooms is not None:
            self._show_room_block()
        if step is Step.PRODUCTS:
            self.ensure_products_session()
        if step is Step.REVIEW:
            draft = self.current_draft()
            if draft is not None:
                self.review_page.set_note(self.session.clerk_note)
                self.review_page.show_draft(draft, self.session.problems(draft))
        self._update_steps()
        self.update_nav()
        self.step_changed.emit(step.value)
        page.on_enter()  # type: ignore[attr-defined]

    def _show_no_receive(self) -> None:
        self.stack.setCurrentWidget(self.no_receive_page)
        self.steps.setVisible(False)
        for button in (self.back_button, self.next_button):
            button.setVisible(False)
        self.gate_label.setText("")
        self.no_receive_page.on_enter()

    def _update_steps(self, flow: WizardFlow | None = None) -> None:
        current = (flow if flow is not None else self.flow).step
        parts = []
        for s in STEP_ORDER:
            text = f"{s.index + 1} {s.title}"
            if s is current:
                parts.append(f"<b><u>{text}</u></b>")
            elif s.index < current.index:
                parts.append(f"{text} ✔")
            else:
                parts.append(f"<span style='color:#6b726e'>{text}</span>")
        self.steps.setText("  ›  ".join(parts))

    def update_nav(self, flow: WizardFlow | None = None) -> None:
        """`flow`: the first frame's fresh flow, before the session (and its flow) exist."""
        if not self.can_receive:
            return
        flow = flow if flow is not None else self.flow
        step = flow.step
        self.back_button.setVisible(step not in (Step.LOCATION, Step.VERIFY))
        self.back_button.setEnabled(not self.busy)
        self.next_button.setVisible(step not in (Step.REVIEW, Step.VERIFY))
        self.next_button.setEnabled(not self.busy and self.services is not None)
        gate = flow.can_advance()
        self.gate_label.setText(
            "" if gate.ok or step in (Step.REVIEW, Step.VERIFY) else gate.reason
        )
