"""The wizard over ReceiveSession: one warning for a delivery sent before, and decisions a person makes."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from intake_gui.domain.models import DraftState
from intake_gui.sandbox import SandboxConfig
from intake_gui.sandbox.config import FaultRule
from intake_gui.services.receiving import ReceivingService
from intake_gui.services.submission import LifecyclePolicy
from intake_gui.ui.app_services import AppServices
from intake_gui.ui.dialogs.decision_dialog import DecisionDialog

pytestmark = pytest.mark.gui

TOMMY_CHONG = "3B4791"
RECEIVE = "v2/inventory/receive"
HISTORY = "v2/inventory/get-receive-history"
WAIT = 30_000


def quick(ctx: Any) -> AppServices:
    """Short settle time and history re-reads, so a lost answer is settled within a test's patience."""
    services = AppServices.from_context(ctx)
    services.receiving = ReceivingService(
        ctx, policy=LifecyclePolicy(settle_s=0.2, confirm_gaps_s=(0.1, 0.1))
    )
    return services


def faults(*rules: FaultRule) -> SandboxConfig:
    return SandboxConfig(product_count=3000, faults=list(rules))


def to_review(st, title: str = "Invoice 4711") -> None:
    st.to_products()
    st.scan(TOMMY_CHONG)
    st.scan(TOMMY_CHONG)
    page = st.wizard.products_page
    page.title_edit.setText(title)
    page.title_edit.textEdited.emit(title)
    st.wizard.go_next()
    st.wait_step("review")


def events(st, kind: str) -> list[tuple[str, str]]:
    path = st.window.services.ctx.paths.journal_path
    st.window.services.ctx.writer.flush()
    with sqlite3.connect(path) as db:
        return list(db.execute("SELECT draft_id, data FROM events WHERE kind = ?", (kind,)))


def test_the_same_delivery_entered_again_is_warned_once_and_sent_only_on_yes(open_station, qtbot):
    st = open_station()
    to_review(st)
    with qtbot.waitSignal(st.wizard.verified, timeout=WAIT):
        st.wizard.submit()
    st.key(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    st.wait_step("vendor")
    st.pick_vendor(39195)
    st.wizard.choose_room(st.room("Sales Floor"))
    st.wait_step("products")
    st.wait_session()
    st.scan(TOMMY_CHONG)
    st.scan(TOMMY_CHONG)
    page = st.wizard.products_page
    page.title_edit.setText("invoice  4711")  # the same paper, typed a little differently
    page.title_edit.textEdited.emit("invoice  4711")
    st.wizard.go_next()
    st.wait_step("review")

    with qtbot.waitSignal(st.wizard.same_delivery_found, timeout=WAIT) as found:
        st.wizard.submit()
    box: QMessageBox = found.args[0]
    receipt = st.receives()[0]["id"]
    assert "already in the POS" in box.text() and str(receipt) in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert len(st.receives()) == 1
    assert st.wizard.flow.step.value == "review" and not st.wizard.busy
    review = st.wizard.review_page
    assert not review.error_box.isHidden() and "already in the POS" in review.error_headline.text()

    with qtbot.waitSignal(st.wizard.same_delivery_found, timeout=WAIT) as found:
        st.wizard.submit()
    box = found.args[0]
    second = next(b for b in box.buttons() if b.text() == "Send a second receive")
    with qtbot.waitSignal(st.wizard.verified, timeout=WAIT):
        second.click()
    assert len(st.receives()) == 2
    (confirmed,) = events(st, "duplicate_confirmed")
    assert confirmed[0] == st.wizard.draft_id and '"how": "gui confirm"' in confirmed[1]


def test_a_receive_intake_cannot_settle_offers_the_decision_and_records_it(open_station, qtbot):
    st = open_station(
        sandbox_config=faults(
            FaultRule(endpoint=RECEIVE, kind="drop_before"),
            FaultRule(endpoint=HISTORY, kind="not_permitted", times=-1),
        ),
        services_factory=quick,
    )
    to_review(st)
    with qtbot.waitSignal(
        st.wizard.step_changed, timeout=WAIT, check_params_cb=lambda s: s == "verify"
    ):
        st.wizard.submit()
    page = st.wizard.verify_page
    qtbot.waitUntil(lambda: page.decide_button.isVisible(), timeout=WAIT)
    said = page.status.text()
    assert "needs a decision" in said and "wait" not in said.lower()
    assert "F7" in page.panel.next_check.text()
    assert st.receives() == []

    with qtbot.waitSignal(st.wizard.decision_offered, timeout=WAIT) as offered:
        qtbot.keyClick(page, Qt.Key.Key_F7)
    dialog: DecisionDialog = offered.args[0]
    text = dialog.details.text()
    assert "could not be read" in text and "Tag IN-" in text
    with qtbot.waitSignal(st.wizard.verified, timeout=WAIT):
        dialog.resend_button.click()
    assert len(st.receives()) == 1
    entry = st.window.services.ctx.journal.get(st.wizard.draft_id)
    assert entry.state in (DraftState.SUBMITTED, DraftState.VERIFIED)
    assert [row for row in events(st, "decided") if '"resend"' in row[1]]


def test_undecided_receives_are_shown_at_start_up_and_it_is_in_the_pos_is_recorded(
    open_station, qtbot
):
    history_down = FaultRule(endpoint=HISTORY, kind="not_permitted", times=-1)
    first = open_station(
        sandbox_config=faults(FaultRule(endpoint=RECEIVE, kind="drop_after_commit"), history_down),
        services_factory=quick,
    )
    to_review(first)
    first.wizard.submit()
    qtbot.waitUntil(lambda: first.wizard.verify_page.decide_button.isVisible(), timeout=WAIT)
    draft_id = first.wizard.draft_id
    first.window.close()

    second = open_station(sandbox_config=faults(history_down), services_factory=quick)
    qtbot.waitUntil(lambda: bool(second.window.findChildren(DecisionDialog)), timeout=WAIT)
    (dialog,) = second.window.findChildren(DecisionDialog)
    assert dialog.isVisible() and [d.draft_id for d in dialog.decisions] == [draft_id]
    assert "Invoice 4711" in dialog.decisions[0].diagnosis.headline
    # "It is in the POS": recorded, never sent again; then the resume offer follows as usual.
    dialog.landed_button.click()
    journal = second.window.services.ctx.journal
    qtbot.waitUntil(lambda: journal.get(draft_id).state is DraftState.SUBMITTED, timeout=WAIT)
    assert len(second.receives()) == 1
    assert not [d for d in second.window.findChildren(DecisionDialog) if d.isVisible()]


def test_closed_mid_submit_and_reopened_lands_once(open_station, qtbot, monkeypatch):
    """Quit while Intake waits to look for a lost answer: the wait ends at once, the draft stays "submitting",
    and the next start settles it — found in history, never sent again."""
    first = open_station(
        sandbox_config=faults(FaultRule(endpoint=RECEIVE, kind="drop_after_commit"))
    )
    to_review(first)
    first.wizard.submit()
    phase = first.wizard.review_page.phase
    qtbot.waitUntil(lambda: "receive history" in phase.text(), timeout=WAIT)
    assert "s)" in phase.text(), "a wait is announced with how long it is"
    draft_id = first.wizard.draft_id
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    first.window.close()
    assert not first.window.isVisible()

    second = open_station(services_factory=quick)
    qtbot.waitUntil(lambda: second.window.recovery is not None, timeout=WAIT)
    (outcome,) = second.window.recovery
    assert outcome.draft_id == draft_id and outcome.receipt_id is not None
    assert "nothing was sent again" in outcome.message
    assert len(second.receives()) == 1
    journal = second.window.services.ctx.journal
    assert journal.get(draft_id).state is DraftState.SUBMITTED


def test_an_undecided_earlier_receive_of_the_delivery_can_be_decided_from_the_warning(
    open_station, qtbot
):
    st = open_station(
        sandbox_config=faults(
            FaultRule(endpoint=RECEIVE, kind="drop_before"),
            FaultRule(endpoint=HISTORY, kind="not_permitted", times=-1),
        ),
        services_factory=quick,
    )
    to_review(st)
    st.wizard.submit()
    qtbot.waitUntil(lambda: st.wizard.verify_page.decide_button.isVisible(), timeout=WAIT)
    first = st.wizard.draft_id
    st.wizard.new_receive()
    st.pick_vendor(39195)
    st.wizard.choose_room(st.room("Sales Floor"))
    st.wait_step("products")
    st.wait_session()
    st.scan(TOMMY_CHONG)
    st.scan(TOMMY_CHONG)
    page = st.wizard.products_page
    page.title_edit.setText("Invoice 4711")
    page.title_edit.textEdited.emit("Invoice 4711")
    st.wizard.go_next()
    st.wait_step("review")

    with qtbot.waitSignal(st.wizard.same_delivery_found, timeout=WAIT) as found:
        st.wizard.submit()
    box: QMessageBox = found.args[0]
    assert "not known" in box.text() and "wait" not in box.text().lower()
    decide = next(b for b in box.buttons() if b.text().startswith("Decide about"))
    with qtbot.waitSignal(st.wizard.decision_offered, timeout=WAIT) as offered:
        decide.click()
    dialog: DecisionDialog = offered.args[0]
    assert [d.draft_id for d in dialog.decisions] == [first]
    journal = st.window.services.ctx.journal
    dialog.resend_button.click()
    qtbot.waitUntil(lambda: journal.get(first).state is DraftState.SUBMITTED, timeout=WAIT)
    assert len(st.receives()) == 1
    # Now it is in the POS: the second draft of it is warned about as such, and not sent.
    with qtbot.waitSignal(st.wizard.same_delivery_found, timeout=WAIT) as found:
        st.wizard.submit()
    assert "already in the POS" in found.args[0].text()
    found.args[0].button(QMessageBox.StandardButton.Cancel).click()
    assert len(st.receives()) == 1
