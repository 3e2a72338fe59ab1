"""Start-up paths a clerk meets before the wizard: sign-in for a real tenant, the first-run welcome."""

from __future__ import annotations

import pytest

from intake_gui.store.settings import StationSettings
from intake_gui.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_a_tenant_without_a_saved_password_asks_once_then_connects(qtbot, sandbox, memory_keyring):
    from intake_gui.sandbox import TRAINING_SECRET, TRAINING_USER

    settings = StationSettings(
        first_run_done=True, sound=False, api_base=sandbox.base_url, username=TRAINING_USER
    )
    window = MainWindow(settings=settings)
    window.show()
    try:
        window.start()
        qtbot.waitUntil(
            lambda: window.login_dialog is not None and window.login_dialog.isVisible(),
            timeout=20_000,
        )
        dialog = window.login_dialog
        assert dialog.url.text() == sandbox.base_url and dialog.username.text() == TRAINING_USER
        dialog.password.setText(TRAINING_SECRET)
        with qtbot.waitSignal(window.context_opened, timeout=30_000):
            dialog.ok_button.click()
        qtbot.waitUntil(lambda: bool(window.wizard.location_page.locations), timeout=20_000)
        assert window.banner.isHidden()
        assert window.forget_action.isEnabled()
        assert TRAINING_SECRET in memory_keyring.store.values(), (
            "remember me keeps it in the keyring"
        )
        settings_file = window.paths.settings_path
        assert not settings_file.exists() or TRAINING_SECRET not in settings_file.read_text(
            encoding="utf-8"
        )
    finally:
        window.close()
        window.deleteLater()


def test_a_wrong_password_asks_again_with_the_reason(qtbot, sandbox):
    from intake_gui.sandbox import TRAINING_USER

    settings = StationSettings(
        first_run_done=True, sound=False, api_base=sandbox.base_url, username=TRAINING_USER
    )
    window = MainWindow(settings=settings)
    window.show()
    try:
        window.start()
        qtbot.waitUntil(
            lambda: window.login_dialog is not None and window.login_dialog.isVisible(),
            timeout=20_000,
        )
        first = window.login_dialog
        first.password.setText("not-the-password")
        first.ok_button.click()
        qtbot.waitUntil(
            lambda: (
                window.login_dialog is not first
                and window.login_dialog is not None
                and window.login_dialog.isVisible()
            ),
            timeout=30_000,
        )
        assert "did not accept" in window.login_dialog.intro.text()
        window.login_dialog.reject()
        qtbot.waitUntil(
            lambda: "Not signed in" in window.wizard.location_page.status.text(), timeout=5000
        )
    finally:
        window.close()
        window.deleteLater()


def test_first_run_welcome_offers_the_sandbox_and_remembers_the_choice(qtbot, monkeypatch):
    window = MainWindow(settings=StationSettings(sound=False))
    opened: list[bool] = []
    monkeypatch.setattr(window, "open_context", lambda login=None: opened.append(True))
    window.show()
    try:
        window.start()
        dialog = window.welcome_dialog
        assert dialog.isVisible() and dialog.sandbox_choice.isChecked()
        dialog.tenant_choice.setChecked(True)
        dialog._accept()
        assert dialog.isVisible() and "POS address" in dialog.error.text()
        dialog.sandbox_choice.setChecked(True)
        dialog.station.setText("Back door")
        dialog._accept()
        qtbot.waitUntil(lambda: opened == [True], timeout=5000)
        assert window.settings.first_run_done and window.settings.api_base is None
        assert window.settings.station_name == "Back door"
        qtbot.waitUntil(lambda: window.paths.settings_path.exists(), timeout=5000)
    finally:
        window.close()
        window.deleteLater()


def test_the_window_is_active_again_when_the_welcome_closes(qtbot, monkeypatch):
    """Without a window manager nothing else re-activates the window, and its shortcuts (Alt+→, Ctrl+Enter)
    would not fire though typing still reaches the title (seen in a real window under Xvfb)."""
    from PySide6.QtWidgets import QApplication

    window = MainWindow(settings=StationSettings(sound=False))
    monkeypatch.setattr(window, "open_context", lambda login=None: None)
    window.show()
    qtbot.waitExposed(window)
    try:
        window.start()
        dialog = window.welcome_dialog
        dialog.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
        dialog._accept()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    finally:
        window.close()
        window.deleteLater()
