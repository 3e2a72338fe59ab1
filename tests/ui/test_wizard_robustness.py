"""What must hold when things are slow, pressed twice, or closed halfway."""

from __future__ import annotations

import gc
import itertools
import time

import pytest
from PySide6.QtCore import Qt, QTimer

from intake_gui.sandbox import SandboxConfig
from intake_gui.sandbox.config import FaultRule

pytestmark = pytest.mark.gui

TOMMY_CHONG = "3B4791"
MAX_GUI_GAP_S = 0.25
"""A 10 ms timer may be late by scheduling noise on a busy CI box, never by a network wait."""


def _slow_receive(ms: int) -> SandboxConfig:
    return SandboxConfig(
        product_count=3000,
        faults=[
            FaultRule(endpoint="v2/inventory/receive", kind="latency", latency_ms=ms, times=-1)
        ],
    )


def _to_review(st, qtbot) -> None:
    st.to_products()
    st.scan(TOMMY_CHONG)
    st.scan(TOMMY_CHONG)
    st.wizard.go_next()
    st.wait_step("review")


def test_a_slow_submit_never_freezes_the_window(open_station, qtbot):
    st = open_station(sandbox_config=_slow_receive(1500))
    _to_review(st, qtbot)

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    # A station's process freezes its start-up heap out of the collector (main_window._freeze_start_up_heap);
    # this one is a test runner holding two thousand tests' leftovers, whose full collection alone stalled the
    # thread 0.7 s once in CI. Measure the window, not the runner's heap.
    gc.collect()
    gc.freeze()
    timer.start()
    started = time.perf_counter()
    try:
        with qtbot.waitSignal(st.wizard.submitted, timeout=30_000):
            st.wizard.submit()
            assert st.wizard.busy and not st.wizard.review_page.submit_button.isEnabled()
        elapsed = time.perf_counter() - started
        qtbot.waitSignal(st.wizard.verified, timeout=30_000).wait()
    finally:
        timer.stop()
        gc.unfreeze()
    assert elapsed >= 1.5, "the latency fault did not apply; the test would prove nothing"
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > elapsed / 0.05, f"only {len(ticks)} ticks in {elapsed:.1f}s"
    assert max(gaps) < MAX_GUI_GAP_S, f"the GUI stalled for {max(gaps) * 1000:.0f} ms"


def test_pressing_submit_twice_sends_one_receive(open_station, qtbot):
    st = open_station(sandbox_config=_slow_receive(800))
    _to_review(st, qtbot)
    page = st.wizard.review_page
    with qtbot.waitSignal(st.wizard.verified, timeout=30_000):
        qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
        assert not page.submit_button.isEnabled()
        qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
        st.wizard.submit()
        page.submit_requested.emit()
    receives = st.receives()
    assert len(receives) == 1, receives
    assert st.wizard.flow.step.value == "verify"


def test_closed_mid_draft_and_reopened_offers_the_draft_back_intact(open_station, qtbot):
    first = open_station()
    first.to_products()
    first.scan(TOMMY_CHONG)
    first.scan(TOMMY_CHONG)
    page = first.wizard.products_page
    other = next(p for p in page.index.products if p.sku != TOMMY_CHONG and p.is_cannabis)
    outcome = page.session.add_product(other, 1)
    assert page.session.set_quantity(outcome.line_id, "5") is None
    page.title_edit.setText("Invoice 4711")
    page.title_edit.textEdited.emit("Invoice 4711")
    before = first.lines()
    draft = first.wizard.current_draft()
    assert before == [(TOMMY_CHONG, "2"), (other.sku, "5")] and draft is not None
    first.window.close()

    second = open_station()
    with qtbot.waitSignal(second.window.resume_offered, timeout=30_000) as offered:
        pass
    dialog = offered.args[0]
    assert len(dialog.entries) == 1
    assert "Invoice 4711" in dialog.list.item(0).text() and "2 lines" in dialog.list.item(0).text()
    with qtbot.waitSignal(second.wizard.resumed, timeout=30_000):
        qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    second.wait_step("products")
    second.wait_session()
    assert second.lines() == before
    resumed = second.wizard.current_draft()
    assert resumed is not None
    assert (resumed.draft_id, resumed.token, resumed.title) == (
        draft.draft_id,
        draft.token,
        "Invoice 4711",
    )
    assert (resumed.location.loc_id, resumed.vendor.vendor_id, resumed.room.room_id) == (
        draft.location.loc_id,
        draft.vendor.vendor_id,
        draft.room.room_id,
    )
    assert second.wizard.products_page.title_edit.text() == "Invoice 4711"
    assert "saved copy" in second.window.catalog_label.text(), (
        "the catalog came from the local cache"
    )


def _faults(*rules: FaultRule) -> SandboxConfig:
    return SandboxConfig(product_count=3000, faults=list(rules))


def test_a_refused_submit_is_explained_and_can_be_sent_again(open_station, qtbot):
    st = open_station(
        sandbox_config=_faults(
            FaultRule(endpoint="v2/inventory/receive", kind="not_permitted", times=1)
        )
    )
    _to_review(st, qtbot)
    page = st.wizard.review_page
    with qtbot.waitSignal(st.wizard.submit_refused, timeout=30_000) as refused:
        st.wizard.submit()
    diagnosis = refused.args[0]
    assert st.wizard.flow.step.value == "review", "a definite refusal leaves the draft editable"
    assert not page.error_box.isHidden() and diagnosis.headline in page.error_headline.text()
    assert "Traceback" not in page.error_text.text()
    assert page.submit_button.isEnabled() and not st.wizard.busy
    assert st.receives() == []
    with qtbot.waitSignal(st.wizard.verified, timeout=30_000):
        st.wizard.submit()
    assert len(st.receives()) == 1


def test_a_lost_answer_is_found_in_history_not_sent_twice(open_station, qtbot):
    from intake_gui.services.receiving import ReceivingService
    from intake_gui.ui.app_services import AppServices

    def quick_settle(ctx):
        services = AppServices.from_context(ctx)
        services.receiving = ReceivingService(ctx, settle_s=0.2)
        return services

    st = open_station(
        sandbox_config=_faults(
            FaultRule(endpoint="v2/inventory/receive", kind="drop_after_commit", times=1)
        ),
        services_factory=quick_settle,
    )
    _to_review(st, qtbot)
    with qtbot.waitSignal(st.wizard.submitted, timeout=30_000) as submitted:
        st.wizard.submit()
    assert submitted.args[0].reconciled
    qtbot.waitSignal(st.wizard.verified, timeout=30_000).wait()
    assert len(st.receives()) == 1
    assert "found in receive history" in st.wizard.verify_page.receipt.text()
