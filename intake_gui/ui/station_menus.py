"""The main window's menu bar and what its entries do (settings, large type, account, help, calibration).

A mixin of `MainWindow` (ui/main_window.py), kept apart so the window's start-up and shutdown read in one
sitting. Every action has a shortcut or a mnemonic and a tooltip naming its keys; the mnemonics are unique
across the menu bar and the pages (tests/ui/test_screens_keyboard.py walks the widget tree for duplicates).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QApplication

from intake_gui.domain.quantities import use_decimal_mark
from intake_gui.ui.theme import apply_theme
from intake_gui.ui.workers import start_worker

if TYPE_CHECKING:
    from intake_gui.store.settings import StationSettings
    from intake_gui.ui.main_window import MainWindow

    _Base = MainWindow
else:
    _Base = object

CALIBRATION_MODULE = "intake_gui.ui.dialogs.calibration_dialog"
COUNT_SHORTCUT = "Ctrl+Shift+C"


def pos_name(kind: str) -> str:
    """The POS's own name for the banner and title, from its driver."""
    from intake_gui.services.drivers import words_for

    return words_for(kind).pos_name


class MenusMixin(_Base):
    def _action(
        self,
        text: str,
        slot: Callable[[], Any],
        shortcut: str | QKeySequence.StandardKey | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(
            f"{tip or text.replace('&', '').rstrip('…')}" + (f" ({keys})" if keys else "")
        )
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        mb = self.menuBar()
        file_menu = mb.addMenu("&File")
        self.new_action = self._action("&New receive", self.wizard.request_new_receive, "Ctrl+N")
        self.import_action = self._action(
            "&Import manifest…",
            self.wizard.import_manifest,
            "Ctrl+I",
            "Import a CSV or WCIA JSON manifest",
        )
        self.settings_action = self._action("&Settings…", self.open_settings, "Ctrl+,")
        quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        for a in (
            self.new_action,
            self.import_action,
            None,
            self.settings_action,
            None,
            quit_action,
        ):
            file_menu.addSeparator() if a is None else file_menu.addAction(a)

        view = mb.addMenu("&View")
        view.setToolTipsVisible(True)
        self.history_action = self._action("&History…", self.open_history, "Ctrl+H")
        self.large_type_action = self._action("&Large type", self.toggle_large_type, "Ctrl+Shift+L")
        self.large_type_action.setCheckable(True)
        self.large_type_action.setChecked(self.first_frame.large_type)
        self.sync_action = self._action(
            "&Refresh catalog now", self.wizard.refresh_catalog, "Ctrl+Shift+R"
        )
        self.sync_status_action = self._action(
            "Catalog &sync status…",
            self.open_sync_status,
            tip="When the catalog last synced, how long it took, and whether syncs are failing",
        )
        view.addAction(self.history_action)
        view.addAction(self.large_type_action)
        view.addSeparator()
        view.addAction(self.sync_action)
        view.addAction(self.sync_status_action)

        account = mb.addMenu("&Account")
        account.setToolTipsVisible(True)
        self.sign_in_action = self._action("Sign &in again…", lambda: self._ask_login(""))
        self.forget_action = self._action(
            "&Forget me",
            self.forget_me,
            tip="Remove the saved password and session from this station",
        )
        account.addAction(self.sign_in_action)
        account.addAction(self.forget_action)

        tools = mb.addMenu("&Tools")
        tools.setToolTipsVisible(True)
        self.count_action = self._action(
            "Shelf &count…",
            self.open_count,
            COUNT_SHORTCUT,
            "Scan a shelf and compare it with what the POS says is there",
        )
        self.calibrate_action = self._action("&Calibrate scanner…", self.open_calibration)
        tools.addAction(self.count_action)
        tools.addAction(self.calibrate_action)

        self.settings_actions = (
            self.settings_action,
            self.large_type_action,
            self.sign_in_action,
            self.calibrate_action,
        )
        """Entries that read or change the station's settings: off until the window has them (`settings_ready`)."""
        for action in self.settings_actions:
            action.setEnabled(self.settings_loaded)

        help_menu = mb.addMenu("&Help")
        self.shortcuts_action = self._action("&Keyboard shortcuts", self.show_shortcuts, "F1")
        logs_action = self._action(
            "Open &log folder", lambda: self._open_folder(self.paths.log_dir)
        )
        data_action = self._action(
            "Open &data folder", lambda: self._open_folder(self.paths.data_dir)
        )
        about_action = self._action("&About Intake", self.show_about)
        for a in (self.shortcuts_action, logs_action, data_action, about_action):
            help_menu.addAction(a)
        self._update_account_actions()

    def _update_account_actions(self) -> None:
        real = self.services is not None and not self.services.ctx.is_sandbox
        self.forget_action.setEnabled(real)
        self.sign_in_action.setEnabled(
            self.settings_loaded and (real or bool(self.settings.api_base))
        )
        receiving = self.wizard.can_receive
        for action in (self.new_action, self.import_action, self.sync_action):
            action.setEnabled(receiving)

    def open_settings(self) -> None:
        from intake_gui.ui.dialogs.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self)
        dialog.calibrate_requested.connect(self.open_calibration)

        def done(result: int) -> None:
            new = dialog.result_settings
            if not result or new is None:
                return
            reconnect = dialog.reconnect_needed
            self.apply_settings(new)
            if reconnect and not self.wizard.busy:
                self.open_context()

        dialog.finished.connect(done)
        self.settings_dialog = dialog
        dialog.open()

    def apply_settings(self, new: StationSettings) -> None:
        large_changed = new.large_type != self.settings.large_type
        interval_changed = new.catalog_refresh_minutes != self.settings.catalog_refresh_minutes
        self.settings = new
        use_decimal_mark(new.decimal_mark)  # how quantities are typed and shown
        if self.services is not None:
            self.services.ctx.settings = new
        if interval_changed and self.scheduler is not None:
            self.scheduler.reschedule()
        self.wizard.apply_settings(new)
        self.large_type_action.setChecked(new.large_type)
        if large_changed:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_theme(app, large_type=new.large_type)
        self._save_settings_async(new)

    def toggle_large_type(self) -> None:
        self.apply_settings(
            self.settings.model_copy(update={"large_type": not self.settings.large_type})
        )

    def _save_settings_async(self, settings: StationSettings) -> None:
        from intake_gui.store.settings import save_settings

        self.settings = settings
        if self.services is not None:
            self.services.ctx.settings = settings
        start_worker(
            save_settings,
            self.paths,
            settings,
            on_errored=lambda exc: self.statusBar().showMessage(
                f"Could not save settings: {exc}", 10000
            ),
        )

    def forget_me(self) -> None:
        if self.services is None or self.services.ctx.is_sandbox:
            return
        from intake_gui.services.context import forget_credentials

        ctx = self.services.ctx
        start_worker(
            forget_credentials,
            ctx,
            on_returned=lambda _r: self.statusBar().showMessage(
                f"This station has forgotten the {ctx.words.credential_word}; you will be asked next "
                "time.",
                10000,
            ),
        )

    def open_calibration(self) -> None:
        module = importlib.import_module(CALIBRATION_MODULE)
        self.wizard.open_calibration(module, parent=self)

    def show_shortcuts(self) -> None:
        from intake_gui.ui.dialogs.shortcuts_dialog import ShortcutsDialog

        ShortcutsDialog(self).open()

    def show_about(self) -> None:
        from intake_gui.services.context import data_locations
        from intake_gui.ui.dialogs.about_dialog import AboutDialog

        ctx = self.services.ctx if self.services else None
        pos_text = ""
        if ctx is not None:
            pos = pos_name(ctx.pos_kind)
            pos_text = (
                f"the built-in sandbox, emulating {pos}"
                if ctx.is_sandbox
                else f"{pos} at {ctx.api_base}"
            )
        AboutDialog(data_locations(self.paths), pos_text=pos_text, parent=self).open()

    def _open_folder(self, path: Any) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
