"""The three-light panel, the pick lists and the dialogs, each on its own (no POS needed unless said)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from intake_gui.domain.models import Room
from intake_gui.domain.verification import (
    LIGHT_ORDER,
    Light,
    LightKind,
    LightState,
    LineCheck,
    VerificationReport,
)
from intake_gui.store.settings import StationSettings
from intake_gui.ui.filter_list import Choice, FilterList
from intake_gui.ui.pages.room_page import room_choice
from intake_gui.ui.verification_panel import VerificationPanel

pytestmark = pytest.mark.gui


def _report(
    states: dict[LightKind, LightState], *, lines: tuple[LineCheck, ...] = ()
) -> VerificationReport:
    lights = tuple(
        Light(
            kind=kind,
            state=states.get(kind, LightState.GREEN),
            headline=f"{kind.value} headline",
            what_happened=f"{kind.value} happened",
            what_to_do=f"{kind.value} to do",
            detail=f"{kind.value} detail",
            lines=lines if kind is LightKind.PACKAGES else (),
        )
        for kind in LIGHT_ORDER
    )
    return VerificationReport(receipt_id=1379127, lights=lights, checked_at=datetime.now(UTC))


def test_amber_rechecks_itself_with_backoff_then_stops(qtbot):
    panel = VerificationPanel(backoff_s=(0.05, 0.1))
    qtbot.addWidget(panel)
    amber = _report({LightKind.SELLABLE: LightState.AMBER})
    for expected_auto in (True, True):
        with qtbot.waitSignal(panel.recheck_requested, timeout=2000) as blocker:
            panel.set_report(amber)
            assert panel.auto_check_pending
        assert blocker.args == [expected_auto]
    panel.set_report(amber)
    assert not panel.auto_check_pending, "the back-off is finite"
    assert "stopped" in panel.next_check.text()


def test_the_button_and_f5_check_now(qtbot):
    panel = VerificationPanel(backoff_s=(60,))
    qtbot.addWidget(panel)
    panel.show()
    panel.set_report(_report({LightKind.HISTORY: LightState.AMBER}))
    with qtbot.waitSignal(panel.recheck_requested, timeout=1000) as blocker:
        panel.check_button.click()
    assert blocker.args == [False]
    assert not panel.auto_check_pending


def test_green_does_not_recheck_and_every_light_has_symbol_and_word(qtbot):
    panel = VerificationPanel(backoff_s=(0.01,))
    qtbot.addWidget(panel)
    panel.set_report(_report({}))
    assert not panel.auto_check_pending
    for kind in LightKind:
        card = panel.cards[kind]
        assert (card.symbol.text(), card.word.text()) == ("✔", "CONFIRMED")
        assert card.happened.isHidden(), "a green light needs no explanation"
        assert card.property("state") == "green"


def test_red_and_grey_explain_themselves_and_show_bad_lines(qtbot):
    panel = VerificationPanel()
    qtbot.addWidget(panel)
    panel.show()
    checks = (
        LineCheck(sku="A1", name="Alpha", expected=Decimal(3), found=Decimal(3), ok=True),
        LineCheck(sku="B2", name="Beta", expected=Decimal(3), found=None, ok=False, note="dropped"),
    )
    panel.set_report(
        _report(
            {LightKind.PACKAGES: LightState.RED, LightKind.SELLABLE: LightState.GREY}, lines=checks
        )
    )
    red = panel.cards[LightKind.PACKAGES]
    assert (red.symbol.text(), red.word.text()) == ("✖", "PROBLEM")
    assert red.todo.isVisible() and "packages to do" in red.todo.text()
    assert red.lines_button.isChecked() and red.lines_table.isVisible(), (
        "bad lines open by themselves"
    )
    assert red.lines_table.rowCount() == 2 and red.lines_table.item(1, 0).text() == "✖ no"
    assert red.detail.isHidden()
    red.detail_button.click()
    assert red.detail.isVisible() and red.detail.toPlainText() == "packages detail"
    grey = panel.cards[LightKind.SELLABLE]
    assert (grey.symbol.text(), grey.word.text()) == ("?", "NOT CHECKED")
    assert "Problem" in red.accessibleName() or "PROBLEM" in red.word.text()


def test_filter_list_filters_by_every_word_and_skips_disabled_entries(qtbot):
    fl = FilterList()
    qtbot.addWidget(fl)
    fl.show()
    fl.set_choices(
        [
            Choice("AZ · Phoenix #1989", 1989),
            Choice("AZ · Tempe #2001", 2001, enabled=False),
            Choice("AZ · Tucson #2002", 2002),
            Choice("IL · Chicago #2862", 2862),
        ]
    )
    fl.filter.setText("az")
    assert fl.visible_data() == [1989, 2001, 2002]
    assert fl.current_data() == 1989
    qtbot.keyClick(fl.filter, Qt.Key.Key_Down)
    assert fl.current_data() == 2002, "the disabled entry is skipped"
    with qtbot.waitSignal(fl.activated, timeout=1000) as blocker:
        qtbot.keyClick(fl.filter, Qt.Key.Key_Return)
    assert blocker.args == [2002]
    fl.filter.setText("az 1989")
    assert fl.visible_data() == [1989]
    fl.filter.setText("zzz")
    assert fl.visible_data() == [] and fl.empty.isVisible()


def test_rooms_say_sellable_in_words_not_only_colour():
    sales = room_choice(Room(room_id=1, name="Sales Floor", inventory_room=True, pos_room=True))
    vault = room_choice(Room(room_id=2, name="Vault", inventory_room=True, pos_room=False))
    lounge = room_choice(Room(room_id=3, name="Break Room", inventory_room=False, pos_room=False))
    assert sales.enabled and "sellable" in sales.text and "✔" in sales.text
    assert vault.enabled and "NOT sellable" in vault.text and "⚠" in vault.text
    assert not lounge.enabled and "not an inventory room" in lounge.text


def test_settings_dialog_validates_and_reports_a_reconnect(qtbot):
    from intake_gui.ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(StationSettings(first_run_done=True))
    qtbot.addWidget(dialog)
    dialog.api_base.setText("not a url")
    dialog._accept()
    assert dialog.result() == 0 and not dialog.error.isHidden() and "http" in dialog.error.text()
    dialog.api_base.setText("https://tenant.backoffice.dutchie.com/api/")
    dialog.large_type.setChecked(True)
    dialog._accept()
    assert dialog.result_settings is not None
    assert dialog.result_settings.large_type and dialog.reconnect_needed


def test_settings_dialog_sets_the_decimal_mark_and_refuses_in_clerk_words(qtbot):
    from intake_gui.ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(StationSettings(first_run_done=True))
    qtbot.addWidget(dialog)
    dialog.api_base.setText("tenant.example.com")  # no scheme
    dialog._accept()
    assert dialog.result() == 0 and not dialog.error.isHidden()
    assert "pydantic" not in dialog.error.text() and "Value error" not in dialog.error.text()
    dialog.api_base.setText("")
    dialog.decimal_mark.setCurrentIndex(dialog.decimal_mark.findData("comma"))
    dialog._accept()
    assert dialog.result_settings is not None and dialog.result_settings.decimal_mark == "comma"


def test_login_dialog_test_connection_gives_a_clear_verdict(qtbot, sandbox):
    from intake_gui.sandbox import TRAINING_SECRET, TRAINING_USER
    from intake_gui.ui.dialogs.login_dialog import LoginDialog

    dialog = LoginDialog(sandbox.base_url, TRAINING_USER)
    qtbot.addWidget(dialog)
    dialog.password.setText("wrong-password")
    dialog.test_connection()
    qtbot.waitUntil(
        lambda: not dialog.testing and dialog.verdict.text().startswith("✖"), timeout=20_000
    )
    assert "refused" in dialog.verdict.text()
    assert "wrong-password" not in dialog.verdict.text()
    dialog.password.setText(TRAINING_SECRET)
    dialog.test_connection()
    qtbot.waitUntil(
        lambda: not dialog.testing and dialog.verdict.text().startswith("✔"), timeout=20_000
    )
    assert "locations" in dialog.verdict.text()
    assert TRAINING_SECRET not in repr(dialog.request())


def test_history_waits_for_the_connection_and_says_so(qtbot):
    from intake_gui.ui import main_window

    window = main_window.MainWindow(
        settings=StationSettings(first_run_done=True), install_scanner=False
    )
    qtbot.addWidget(window)
    assert window.open_history() is None
    assert "once the connection is ready" in window.statusBar().currentMessage()
    assert window.banner.isHidden(), "no banner before we know it is the sandbox"


def test_calibration_saves_the_proposed_scanner_settings(qtbot):
    from PySide6.QtWidgets import QDialog

    from intake_gui.ui import main_window

    window = main_window.MainWindow(settings=StationSettings(first_run_done=True, sound=False))
    qtbot.addWidget(window)
    saved: list[StationSettings] = []
    window.wizard.settings_changed.disconnect()
    window.wizard.settings_changed.connect(saved.append)
    window.open_calibration()
    dialog = next(d for d in window.findChildren(QDialog) if d.isVisible())
    assert window.wizard.scanner.calibrating, "calibration scans are measured, never counted"
    dialog.settings_proposed.emit(
        {"max_gap_ms": 22, "min_length": 6, "prefix": "", "suffix": "enter"}
    )
    assert saved and saved[-1].scanner.max_gap_ms == 22 and saved[-1].scanner.suffix == "enter"
    assert window.wizard.scanner.settings.max_gap_ms == 22
    dialog.reject()
    assert not window.wizard.scanner.calibrating
    window.wizard.shutdown()
