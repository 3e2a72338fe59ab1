"""Where the GUI shows the Done-when scenarios: the verify page after a receive, and the History window's
re-check of a receipt, against every sandbox dialect as a real tenant (pytest-qt, offscreen).

The wizard is driven through its public methods (the keyboard path has its own tests in tests/ui); what
is asserted is what the clerk sees: each light's card, its rule, and the product or room it names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from intake_gui.domain.verification import LightKind, LightState
from intake_gui.store.settings import ScannerSettings, StationSettings
from intake_gui.ui.main_window import MainWindow
from intake_gui.ui.workers import wait_for_workers

pytestmark = pytest.mark.gui


@pytest.fixture
def open_desk(qtbot: Any, qapp: QApplication) -> Iterator[Callable[..., Any]]:
    """A station window signed in to a tenant (never the embedded training sandbox)."""
    from intake_gui.services.context import open_context

    windows: list[MainWindow] = []

    def open_(tenant: Any, *, username: str = "") -> Any:
        ids = tenant.ids

        def factory(**kwargs: Any) -> Any:
            kwargs.update(
                api_base=tenant.api_base,
                username=username or ids.user,
                password=ids.secret,
                remember=False,
            )
            return open_context(**kwargs)

        settings = StationSettings(
            first_run_done=True, sound=False, scanner=ScannerSettings(blanking_ms=0)
        )
        window = MainWindow(
            settings=settings, context_factory=factory, verify_backoff_s=(0.5, 1.0, 2.0)
        )
        window.show()
        qtbot.waitExposed(window)
        window.start()
        windows.append(window)
        return Desk(qtbot, window, tenant)

    yield open_
    for window in windows:
        window.close()
        window.deleteLater()
    wait_for_workers(15)


class Desk:
    def __init__(self, qtbot: Any, window: MainWindow, tenant: Any) -> None:
        self.qtbot, self.window, self.tenant = qtbot, window, tenant
        self.wizard = window.wizard

    def receive(self, *scans: str, room_id: int, confirm: bool = False) -> Any:
        """Location, vendor, room, scans, submit; returns the first VerificationReport."""
        ids, wiz, bot = self.tenant.ids, self.wizard, self.qtbot
        bot.waitUntil(lambda: bool(wiz.location_page.locations), timeout=30_000)
        wiz.choose_location(
            next(x for x in wiz.location_page.locations if x.loc_id == ids.az_loc_id)
        )
        bot.waitUntil(lambda: bool(wiz.vendor_page.vendors), timeout=30_000)
        wiz.choose_vendor(next(v for v in wiz.vendor_page.vendors if v.vendor_id == ids.vendor_id))
        bot.waitUntil(lambda: wiz.flow.rooms is not None, timeout=30_000)
        room = next(r for r in wiz.flow.rooms or () if r.room_id == room_id)
        wiz.choose_room(room)
        if confirm:
            wiz.confirm_room(room)
        bot.waitUntil(lambda: wiz.flow.step.value == "products", timeout=30_000)
        bot.waitUntil(lambda: wiz.products_page.session is not None, timeout=30_000)
        for code in scans:
            wiz.handle_scan(code)
        wiz.go_next()
        bot.waitUntil(lambda: wiz.flow.step.value == "review", timeout=30_000)
        with bot.waitSignal(wiz.verified, timeout=60_000) as got:
            wiz.submit()
        return got.args[0]

    def card(self, kind: LightKind) -> Any:
        return self.wizard.verify_page.panel.cards[kind]

    def card_text(self, kind: LightKind) -> str:
        card = self.card(kind)
        return " ".join(w.text() for w in (card.headline, card.happened, card.todo))


def test_gui_course_assessment_three_green_cards(tenant, open_desk) -> None:
    """(1) on the verify page: three green cards, the sellable one judged from the baseline."""
    desk = open_desk(tenant)
    ids = tenant.ids
    reports: list[Any] = []
    desk.wizard.verified.connect(reports.append)
    desk.receive(*[ids.sku] * 3, *[ids.second_sku] * 3, room_id=ids.sales_floor_id)
    # Stock may take a moment to show (the moody dialect): the panel re-checks until it does.
    desk.qtbot.waitUntil(lambda: bool(reports) and reports[-1].all_green, timeout=30_000)
    assert [light.rule for light in reports[-1].lights] == [
        "packages.match",
        "history.recorded",
        "sellable.counted",
    ]
    for kind in LightKind:
        assert desk.card(kind).state is LightState.GREEN
    assert "since just before the submit" in desk.card_text(LightKind.SELLABLE)


def test_gui_vault_with_older_sellable_stock_is_red_and_names_the_room(tenant, open_desk) -> None:
    """(7) on the verify page: older stock of the product on the sales floor, this delivery in the Vault."""
    ids = tenant.ids
    assert tenant.receive(f"{ids.sku}=5", title="Older stock").code == 0
    desk = open_desk(tenant)
    report = desk.receive(*[ids.sku] * 3, room_id=ids.vault_id, confirm=True)
    sellable = report.by_kind(LightKind.SELLABLE)
    assert (sellable.state, sellable.rule) == (LightState.RED, "sellable.non_sellable_room")
    assert sellable.facts["rooms"] == (ids.vault_name,)
    card = desk.card(LightKind.SELLABLE)
    assert card.state is LightState.RED and card.symbol.text() == "✖"
    assert ids.vault_name in desk.card_text(LightKind.SELLABLE)


def test_gui_a_dropped_line_is_named_not_received(
    tenant_dialect, tenant_factory, open_desk
) -> None:
    """(8) on the verify page: the dropped product named on the packages card, sellable red, never amber."""
    tenant = tenant_factory(tenant_dialect)
    ids = tenant.ids
    tenant.admin.configure(dropped_skus=[ids.second_sku])
    desk = open_desk(tenant)
    report = desk.receive(ids.sku, ids.second_sku, room_id=ids.sales_floor_id)
    packages = report.by_kind(LightKind.PACKAGES)
    assert (packages.rule, packages.facts["dropped_skus"]) == (
        "packages.dropped_lines",
        (ids.second_sku,),
    )
    assert ids.second_sku in desk.card_text(LightKind.PACKAGES)
    sellable = report.by_kind(LightKind.SELLABLE)
    assert (sellable.state, sellable.rule) == (LightState.RED, "sellable.not_received")
    assert desk.card(LightKind.SELLABLE).state is LightState.RED


def test_gui_history_recheck_of_a_receive_made_elsewhere(tenant, qtbot, qapp) -> None:
    """(3) in the History window's receipt dialog: orphaned (no RoomId), 'sent' unknown, nothing to sell."""
    from intake_gui.services.context import open_context
    from intake_gui.services.history import HistoryEntry, HistoryService
    from intake_gui.ui.receipt_dialog import ReceiptDialog

    ids = tenant.ids
    receipt = tenant.other_tool_receive((ids.product_id, ids.sku, 3))
    ctx = open_context(
        api_base=tenant.api_base, username=ids.user, password=ids.secret, remember=False
    )
    try:
        history = HistoryService(ctx)
        loc = next(x for x in ctx.connector.locations() if x.loc_id == ids.az_loc_id)
        now = datetime.now()
        entries = history.history(loc, now - timedelta(days=2), now + timedelta(days=1))
        entry = next(e for e in entries if e.row.receipt_id == receipt)
        assert isinstance(entry, HistoryEntry) and entry.draft_id is None
        dialog = ReceiptDialog(history, loc, entry)
        dialog.show()
        qtbot.waitExposed(dialog)
        with qtbot.waitSignal(dialog.verified, timeout=60_000) as got:
            dialog.run_verification()
        report = got.args[0]
        assert [light.rule for light in report.lights] == [
            "packages.orphaned",
            "history.recorded_sent_unknown",
            "sellable.not_received",
        ]
        assert dialog.panel.state_of(LightKind.PACKAGES) is LightState.RED
        assert dialog.panel.state_of(LightKind.HISTORY) is LightState.GREEN
        dialog.close()
        dialog.deleteLater()
        wait_for_workers(15)
    finally:
        ctx.close()
