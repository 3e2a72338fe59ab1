"""Opening a connection: the first-run welcome, sign-in, the context on a worker, start-up recovery, resume.

A mixin of `MainWindow`. Dialogs that belong to start-up are opened window-modal with `open()`, never `exec()`,
so no nested event loop can re-enter a half-finished start-up; opening the context (sandbox start, login) and
building its services run on a worker, and the window only reacts to their results.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from PySide6.QtCore import QTimer

from intake_gui.pos.errors import AuthenticationError, PosError
from intake_gui.ui.station_menus import pos_name
from intake_gui.ui.workers import start_worker

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

    from intake_gui.ui.app_services import AppServices
    from intake_gui.ui.dialogs.login_dialog import LoginRequest
    from intake_gui.ui.main_window import MainWindow

    _Base = MainWindow
else:
    _Base = object

log = logging.getLogger(__name__)

SETTINGS_LOAD_LATEST_MS = 500
"""On the light path the settings load starts once the Location page has painted its first frame; if that paint
never comes (a window that starts minimised), `start` loads them anyway after this long."""

SANDBOX_BANNER = (
    "SANDBOX — emulating {pos}, training data. Nothing you receive here reaches a real store."
)


class StartupMixin(_Base):
    def start(self) -> None:
        """Called once the window is visible: first-run welcome, then the connection.

        On the light path (`MainWindow(first_frame=...)`) both need the settings, which load once the first frame
        is painted: `start` is then remembered and carried out when they arrive (`settings_ready`). A window not
        on screen, or one whose page is never painted (started minimised), loads them without waiting for it."""
        if not self.settings_loaded:
            self._start_pending = True
            if self.isVisible():
                QTimer.singleShot(SETTINGS_LOAD_LATEST_MS, self._load_settings)
            else:
                self._load_settings()
            return
        if not self.settings.first_run_done:
            self.show_welcome()
        else:
            self.open_context()

    def show_welcome(self) -> None:
        from intake_gui.services.context import data_locations
        from intake_gui.ui.dialogs.welcome_dialog import WelcomeDialog

        dialog = WelcomeDialog(
            self.settings.station_name,
            data_locations(self.paths),
            api_base=self.settings.api_base,
            pos_kind=self.settings.pos_kind,
            parent=self,
        )
        dialog.calibrate_requested.connect(self.open_calibration)
        self.welcome_dialog = dialog
        self._take_keys_back_after(dialog)

        def done(result: int) -> None:
            choice = dialog.choice()
            update: dict[str, Any] = {"first_run_done": True}
            if result:
                update["api_base"] = choice.api_base
                update["pos_kind"] = choice.pos_kind
                if choice.station_name:
                    update["station_name"] = choice.station_name
            self.settings = self.settings.model_copy(update=update)
            self._save_settings_async(self.settings)
            self.open_context()

        dialog.finished.connect(done)
        dialog.open()

    def _take_keys_back_after(self, dialog: QDialog) -> None:
        """When a start-up dialog closes, the station's window becomes the active one again.

        The dialog was the active window; once it is gone, only a window manager would activate its parent,
        and a station may run without one (a kiosk session; Xvfb in the real-window tests). Typing still reached
        the focused title then, but no shortcut fired (Alt+→, Ctrl+Enter: Qt fires window shortcuts only in
        the active window), so Next and Submit answered to the mouse alone. Connected before the dialog's own
        `done`, so a dialog that opens the next one (sign-in after the welcome) leaves that one active."""
        dialog.finished.connect(lambda _result: self.activateWindow())

    def _context_kwargs(self, login: LoginRequest | None) -> dict[str, Any]:
        settings = self.settings
        kwargs: dict[str, Any] = {"paths": self.paths}
        if self.options.force_sandbox:
            settings = settings.model_copy(update={"api_base": None})
        elif self.options.api_base:
            kwargs["api_base"] = self.options.api_base
        if login is not None:
            kwargs.update(
                api_base=login.api_base,
                credentials=login.credentials,
                remember=login.remember,
            )
            if login.clerk_name:
                settings = settings.model_copy(update={"clerk_name": login.clerk_name})
        kwargs["settings"] = settings
        return kwargs

    def open_context(self, login: LoginRequest | None = None) -> None:
        if self._opening or self._closing:
            return
        self._opening = True
        self._close_context()
        self._update_account_actions()
        self.wizard.set_connecting("Connecting to the POS…")
        self.connection_label.setText("Connecting…")
        start_worker(
            self._open_services,
            self._context_kwargs(login),
            on_returned=self._context_ready,
            on_errored=self._context_error,
        )

    def _open_services(self, context_kwargs: dict[str, Any]) -> AppServices:
        """Runs on the worker: open the context and build its services there too. Building them imports the
        services layer, and the GUI thread must not spend the first seconds of a station importing modules
        while it could be showing the locations."""
        ctx = self._context_factory(**context_kwargs)
        try:
            factory = self._services_factory
            if factory is None:
                from intake_gui.ui.app_services import AppServices

                factory = AppServices.from_context
            services = factory(ctx)
            # Modules the GUI thread needs right after this, imported here instead of there.
            pos_name(ctx.pos_kind)
            importlib.import_module("intake_gui.ui.sync_status")
            importlib.import_module("intake_gui.ui.wizard_submit")  # and the receive session
            importlib.import_module("intake_gui.ui.history_record_status")
        except BaseException:
            ctx.close()
            raise
        return services

    def _context_ready(self, services: AppServices) -> None:
        self._opening = False
        ctx = services.ctx
        if self._closing:
            ctx.close()
            return
        if self.options.force_sandbox:
            # The tenant stays in the settings file; only this run uses the sandbox.
            ctx.settings = ctx.settings.model_copy(update={"api_base": self.settings.api_base})
        self.settings = ctx.settings
        self.services = services
        pos = pos_name(ctx.pos_kind)
        self.banner.setText(SANDBOX_BANNER.format(pos=pos))
        self.banner.setVisible(ctx.is_sandbox)
        where = (
            f"Sandbox ({pos})"
            if ctx.is_sandbox
            else (urlsplit(ctx.api_base).hostname or ctx.api_base)
        )
        self.setWindowTitle(f"Intake — {ctx.station} — {where}")
        self.connection_label.setText(f"{where} · {ctx.clerk} @ {ctx.station}")
        self._add_shared_record_status()
        self.wizard.attach(self.services, ctx.settings)
        if ctx.needs_clerk_name:  # a key names the shop, so ask who is receiving
            self._ask_clerk()
        self._update_account_actions()
        self._start_scheduler()
        self.context_opened.emit()
        start_worker(
            self.services.receiving.recover_pending,
            on_returned=self._recovered,
            on_errored=self._recovery_failed,
        )
        if self._reopen_history:
            self._reopen_history = False
            self.open_history()

    def _context_error(self, exc: BaseException) -> None:
        self._opening = False
        if self._closing:
            return
        from intake_gui.services.context import CredentialsNeeded

        self.context_failed.emit(exc)
        if isinstance(exc, CredentialsNeeded):
            self._ask_login("", api_base=exc.api_base, username=exc.username)
            return
        if isinstance(exc, AuthenticationError):
            from intake_gui.ui.dialogs.login_dialog import refused_message

            self._ask_login(refused_message(self.settings.pos_kind))
            return
        if isinstance(exc, PosError):
            self.wizard.set_connection_error(
                exc.message, "Check the network, then press F5 to try again."
            )
        else:
            log.error("Opening the connection failed", exc_info=exc)
            self.wizard.set_connection_error(
                "Intake could not start its connection to the POS.",
                "Press F5 to try again; if it keeps failing, the log has the details (Help > Open log folder).",
            )
        self.connection_label.setText("Not connected")

    def _ask_login(
        self, message: str, *, api_base: str | None = None, username: str | None = None
    ) -> None:
        if self.login_dialog is not None and self.login_dialog.isVisible():
            return
        from intake_gui.services.keyring_check import keyring_persistent
        from intake_gui.ui.dialogs.login_dialog import LoginDialog

        dialog = LoginDialog(
            api_base or self.options.api_base or self.settings.api_base or "",
            username if username is not None else self.settings.username,
            pos_kind=self.settings.pos_kind,
            message=message,
            keyring_persistent=keyring_persistent(),
            clerk_name=self.settings.clerk_name,
            station=self.settings,
            parent=self,
        )
        self.login_dialog = dialog
        self._take_keys_back_after(dialog)

        def done(result: int) -> None:
            if result:
                self.open_context(dialog.request())
            elif self.services is None:
                self.wizard.set_connection_error(
                    "Not signed in.", "Press F5 to sign in, or choose the sandbox in Settings."
                )

        dialog.finished.connect(done)
        dialog.open()

    def _ask_clerk(self) -> None:
        """Who is receiving, where the POS login names nobody; kept in settings and shown in the status bar."""
        if self.services is None:
            return
        from intake_gui.ui.dialogs.clerk_dialog import ClerkDialog

        ctx = self.services.ctx
        dialog = ClerkDialog(ctx.words, self.settings.clerk_name, self)
        self.clerk_dialog = dialog
        self._take_keys_back_after(dialog)

        def done(result: int) -> None:
            if result and self.services is not None:
                self.apply_settings(
                    self.settings.model_copy(update={"clerk_name": dialog.clerk_name()})
                )
                where = self.connection_label.text().split(" · ")[0]
                ctx = self.services.ctx
                self.connection_label.setText(f"{where} · {ctx.clerk} @ {ctx.station}")

        dialog.finished.connect(done)
        dialog.open()

    def _recovered(self, outcomes: list[Any]) -> None:
        self.recovery = list(outcomes)
        self.recovery_done.emit(self.recovery)
        if outcomes:
            text = " ".join(o.message for o in outcomes)
            self.statusBar().showMessage(f"Start-up check: {text}", 20000)
            self.wizard.show_notice(f"Start-up check: {text}")
        else:
            self.statusBar().showMessage("Start-up check: nothing was left half-sent.", 8000)
        if self.services is not None and any(o.needs_person for o in outcomes):
            # Receives Intake could not settle: a person decides before anything else is offered.
            from intake_gui.ui.dialogs.decision_dialog import offer_decisions

            offer_decisions(self, self.services, then=self._offer_resume)
            return
        self._offer_resume()

    def _recovery_failed(self, exc: BaseException) -> None:
        self.recovery = []
        self.recovery_done.emit([])
        words = self.services.receiving.diagnose_error(exc) if self.services else None
        self.wizard.show_notice(
            "Could not check for half-sent receives at start-up"
            + (f": {words.headline}" if words else ".")
            + " Nothing is sent again until they are checked."
        )
        self._offer_resume()

    def _offer_resume(self) -> None:
        if self.services is None:
            return
        start_worker(self.services.receiving.resumable_drafts, on_returned=self._show_resume)

    def _show_resume(self, entries: list[Any]) -> None:
        if not entries or self._closing:
            return
        from intake_gui.ui.dialogs.resume_dialog import ResumeAction, ResumeDialog

        dialog = ResumeDialog(entries, self)
        self.resume_dialog = dialog
        self._take_keys_back_after(dialog)

        def done(_result: int) -> None:
            chosen = dialog.selected
            if chosen is None or dialog.action is ResumeAction.LATER:
                return
            if dialog.action is ResumeAction.RESUME:
                self.wizard.resume(chosen)
            elif dialog.action is ResumeAction.DISCARD and self.services is not None:
                start_worker(
                    self.services.receiving.abandon,
                    chosen.draft.draft_id,
                    on_finished=self._offer_resume,
                )

        dialog.finished.connect(done)
        dialog.open()
        self.resume_offered.emit(dialog)
