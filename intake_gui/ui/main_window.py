"""The station's one window: the sandbox banner, the receiving wizard, menus and the status bar.

The window appears before anything slow happens. Opening the context (sandbox start, login), recovering
submissions a crash left "submitting", and loading the catalog all run on workers; the window only reacts to
their results. Dialogs that belong to that start-up (welcome, sign-in, resume) are opened window-modal with
`open()`, never `exec()`, so no nested event loop can re-enter a half-finished start-up.

Everything tied to one open context is owned here and replaced with it: the catalog refresh scheduler (one
schedule for the wizard, History and the sync dashboard; its failures stay visible in the status bar), the
History window, the Shelf count window and the sync dashboard. A reconnect (another tenant, another POS kind)
shuts them down with the old context, because each one holds that context's connector and journal.

One keyboard, two scanner filters: the wizard's filter stands aside while a window with its own scanner (Shelf
count) is the active one, so a scan is counted once, by the window the clerk is looking at.
"""

from __future__ import annotations

import gc
import html
import importlib
import importlib.util
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence, QWindow
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from intake_gui.domain.models import Location
from intake_gui.domain.quantities import use_decimal_mark
from intake_gui.pos.errors import AuthenticationError, PosError
from intake_gui.store.paths import AppPaths, app_paths
from intake_gui.store.settings import StationSettings, save_settings
from intake_gui.ui.dialogs.login_dialog import LoginDialog, LoginRequest, refused_message
from intake_gui.ui.dialogs.resume_dialog import ResumeAction, ResumeDialog
from intake_gui.ui.theme import app_icon, apply_theme, repolish
from intake_gui.ui.verification_panel import DEFAULT_BACKOFF_S
from intake_gui.ui.wizard import ReceiveWizard
from intake_gui.ui.workers import start_worker, wait_for_workers

if TYPE_CHECKING:
    from intake_gui.ui.app_services import AppServices
    from intake_gui.ui.count_window import CountWindow
    from intake_gui.ui.history_window import HistoryWindow
    from intake_gui.ui.sync_status import CatalogRefreshScheduler, SyncStatusDialog

log = logging.getLogger(__name__)

HISTORY_MODULE = "intake_gui.ui.history_window"
CALIBRATION_MODULE = "intake_gui.ui.dialogs.calibration_dialog"
SANDBOX_BANNER = (
    "SANDBOX — emulating {pos}, training data. Nothing you receive here reaches a real store."
)
COUNT_SHORTCUT = "Ctrl+Shift+C"


@dataclass(frozen=True)
class StartOptions:
    api_base: str | None = None
    force_sandbox: bool = False
    open_history: bool = False


ContextFactory = Callable[..., Any]
"""`services.context.open_context` or a test's wrapper around it (same keyword arguments)."""


def pos_name(kind: str) -> str:
    """The POS's own name for the banner and title, from its driver."""
    from intake_gui.services.drivers import words_for

    return words_for(kind).pos_name


def _default_context_factory(**kwargs: Any) -> Any:
    from intake_gui.services.context import open_context

    return open_context(**kwargs)


_heap_frozen = False


def _freeze_start_up_heap() -> None:
    """Move everything alive at the first interactive page out of the garbage collector's sight, once.

    Modules, classes, the window and its pages live as long as the process, yet every full collection would
    walk them again (about 90k objects, 50-70 ms with the GIL held, i.e. a frozen window), and a catalog sync
    allocates enough to trigger several. Frozen objects are still freed by reference counting; only cycles
    among them would outlive their use, and a young collection first leaves none to freeze.
    """
    global _heap_frozen
    if _heap_frozen:
        return
    _heap_frozen = True
    gc.collect(1)
    gc.freeze()


class MainWindow(QMainWindow):
    interactive = Signal()
    """Once per window: the Location page lists the POS's locations, i.e. a clerk can start (bench_startup)."""
    context_opened = Signal()
    """Services are attached and the wizard is loading locations."""
    context_failed = Signal(object)
    recovery_done = Signal(object)
    """The list of RecoveryOutcome from start-up reconciliation."""
    resume_offered = Signal(object)
    """The ResumeDialog, once it is open (tests and screenshots drive it)."""
    history_opened = Signal(object)
    """The HistoryWindow just shown (a new one after every reconnect)."""
    count_opened = Signal(object)
    """The CountWindow just shown."""
    sync_status_opened = Signal(object)
    """The SyncStatusDialog just shown."""

    def __init__(
        self,
        options: StartOptions | None = None,
        *,
        paths: AppPaths | None = None,
        settings: StationSettings | None = None,
        context_factory: ContextFactory | None = None,
        services_factory: Callable[[Any], AppServices] | None = None,
        verify_backoff_s: tuple[float, ...] = DEFAULT_BACKOFF_S,
        install_scanner: bool = True,
    ) -> None:
        super().__init__()
        self.options = options or StartOptions()
        self.paths = paths or app_paths()
        if settings is None:
            from intake_gui.services.drivers import load_station_settings

            settings = load_station_settings(self.paths)
        self.settings = settings
        use_decimal_mark(self.settings.decimal_mark)  # how quantities are typed and shown
        self._context_factory = context_factory or _default_context_factory
        self._services_factory = services_factory
        self.services: AppServices | None = None
        self.login_dialog: LoginDialog | None = None
        self.clerk_dialog: QDialog | None = None
        self.resume_dialog: ResumeDialog | None = None
        self.recovery: list[Any] | None = None
        self._closing = False
        self._opening = False
        self._interactive = False
        self.history_window: HistoryWindow | None = None
        self.count_window: CountWindow | None = None
        self.sync_dialog: SyncStatusDialog | None = None
        self.scheduler: CatalogRefreshScheduler | None = None
        self._sync_lsp: int | None = None
        """The LSP whose catalog the running scheduler sync reads (a snapshot is only used for that LSP)."""
        self._refresh_pending = False
        self._reopen_history = self.options.open_history
        """Open History once the context is ready: `--history`, or it was open when the context was replaced."""

        self.setWindowTitle("Intake")
        self.setWindowIcon(app_icon())
        self.resize(1180, 800)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.banner = QLabel(SANDBOX_BANNER.format(pos="the POS"))
        self.banner.setObjectName("sandbox_banner")
        self.banner.setAccessibleName("Sandbox mode")
        self.banner.setVisible(False)
        layout.addWidget(self.banner)
        self.wizard = ReceiveWizard(
            self.settings,
            verify_backoff_s=verify_backoff_s,
            install_scanner=install_scanner,
        )
        layout.addWidget(self.wizard, 1)
        self.setCentralWidget(central)

        self._build_status_bar()
        self._build_menus()
        self.wizard.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.wizard.catalog_progress.connect(self._catalog_progress)
        self.wizard.catalog_state.connect(self.catalog_label.setText)
        self.wizard.retry_connection.connect(self.open_context)
        self.wizard.settings_changed.connect(self._save_settings_async)
        self.wizard.catalog_refresh_requested.connect(self.refresh_catalog)
        self.wizard.count_requested.connect(self.open_count)
        self.wizard.locations_loaded.connect(self._locations_shown)
        self._focus_app: QApplication | None = None
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusWindowChanged.connect(self._active_window_changed)
            self._focus_app = app

    # ---- chrome ----------------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.catalog_progress = QProgressBar()
        self.catalog_progress.setMaximumWidth(200)
        self.catalog_progress.setVisible(False)
        self.catalog_label = QLabel("Catalog: not loaded")
        self.connection_label = QLabel("Not connected")
        self.sync_alert = QLabel("")
        self.sync_alert.setObjectName("status_line")
        self.sync_alert.setProperty("tone", "bad")
        self.sync_alert.setAccessibleName("Catalog sync alert")
        self.sync_alert.setTextFormat(Qt.TextFormat.RichText)
        self.sync_alert.linkActivated.connect(lambda _link: self.open_sync_status())
        self.sync_alert.setVisible(False)
        bar.addPermanentWidget(self.sync_alert)
        bar.addPermanentWidget(self.catalog_progress)
        bar.addPermanentWidget(self.catalog_label)
        bar.addPermanentWidget(self.connection_label)
        # Record helper: "shared record: up to date / N waiting / offline since 10:42" (hidden when not set up).
        from intake_gui.ui.history_record_status import SharedRecordLabel

        self.shared_record_label = SharedRecordLabel(
            lambda: self.services.ctx if self.services is not None else None
        )
        bar.addPermanentWidget(self.shared_record_label)

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
        self.large_type_action.setChecked(self.settings.large_type)
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
        self.sign_in_action.setEnabled(real or bool(self.settings.api_base))
        receiving = self.wizard.can_receive
        for action in (self.new_action, self.import_action, self.sync_action):
            action.setEnabled(receiving)

    # ---- start-up --------------------------------------------------------------------------------

    def start(self) -> None:
        """Called once the window is visible: first-run welcome, then the connection."""
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
        self.wizard.attach(self.services, ctx.settings)
        if ctx.needs_clerk_name:  # drivers helper: a key names the shop, so ask who is receiving
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

    def _locations_shown(self, _locations: object) -> None:
        if self._interactive:
            return
        self._interactive = True
        _freeze_start_up_heap()
        self.interactive.emit()

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
        from intake_gui.store.secrets import SecretStore

        dialog = LoginDialog(
            api_base or self.options.api_base or self.settings.api_base or "",
            username if username is not None else self.settings.username,
            pos_kind=self.settings.pos_kind,
            message=message,
            keyring_persistent=SecretStore().persistent,
            clerk_name=self.settings.clerk_name,
            station=self.settings,
            parent=self,
        )
        self.login_dialog = dialog

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
        dialog = ResumeDialog(entries, self)
        self.resume_dialog = dialog

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

    # ---- menu actions ----------------------------------------------------------------------------

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
        use_decimal_mark(new.decimal_mark)  # [input]
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

    def open_history(self) -> HistoryWindow | None:
        """View > History (and `intake-gui --history`): one window per open context, shown again if hidden."""
        if self.services is None:
            self.statusBar().showMessage("History opens once the connection is ready.", 5000)
            return None
        module = importlib.import_module(HISTORY_MODULE)
        if self.history_window is None:
            self.history_window = module.HistoryWindow(
                self.services, parent=self, scheduler=self.scheduler
            )
        window = self.history_window
        window.show()
        window.raise_()
        window.activateWindow()
        self.history_opened.emit(window)
        return window

    def open_count(self) -> CountWindow | None:
        """Tools > Shelf count: reuse the open count window; a closed one is done with and replaced."""
        if self.services is None:
            self.statusBar().showMessage("Shelf count opens once the connection is ready.", 5000)
            return None
        window = self.count_window
        if window is None or not window.isVisible():
            from intake_gui.ui.count_window import CountWindow

            if window is not None:
                window.deleteLater()
            window = CountWindow(self.services, parent=self)
            self.count_window = window
        window.show()
        window.raise_()
        window.activateWindow()
        self.count_opened.emit(window)
        return window

    def open_sync_status(self) -> SyncStatusDialog | None:
        """View > Catalog sync status…: the dashboard for the catalog the wizard scans against."""
        location = self._sync_location()
        if self.services is None or location is None:
            self.statusBar().showMessage(
                "Choose a location first: the sync status is per catalog.", 5000
            )
            return None
        from intake_gui.ui.sync_status import SyncStatusDialog

        dialog = self.sync_dialog
        if dialog is not None and dialog.location.loc_id != location.loc_id:
            dialog.shutdown()
            dialog.deleteLater()
            dialog = None
        if dialog is None:
            dialog = SyncStatusDialog(
                self.services, location, scheduler=self.scheduler, parent=self
            )
            self.sync_dialog = dialog
        dialog.load()
        dialog.show()
        dialog.raise_()
        self.sync_status_opened.emit(dialog)
        return dialog

    def _sync_location(self) -> Location | None:
        """The wizard's location, or before one is chosen the station's usual one."""
        if self.wizard.flow.location is not None:
            return self.wizard.flow.location
        wanted = self.settings.last_location_id
        return next(
            (loc for loc in self.wizard.location_page.locations if loc.loc_id == wanted), None
        )

    # ---- the catalog schedule --------------------------------------------------------------------

    def _scheduler_location(self) -> Location | None:
        return self.wizard.flow.location if self.wizard.can_receive else None

    def _start_scheduler(self) -> None:
        from intake_gui.ui.sync_status import CatalogRefreshScheduler

        assert self.services is not None
        scheduler = CatalogRefreshScheduler(self.services, self._scheduler_location, parent=self)
        scheduler.sync_started.connect(self._sync_started)
        scheduler.progress.connect(self.wizard.catalog_sync_progress)
        scheduler.synced.connect(self._catalog_synced)
        scheduler.failed.connect(self._catalog_sync_failed)
        self.scheduler = scheduler
        self._sync_lsp = None
        self._refresh_pending = False
        self.sync_alert.setVisible(False)
        scheduler.start()

    def _retire_scheduler(self) -> None:
        """Stop the old context's schedule. A sync still running lands in the retired scheduler, which then
        deletes itself: its results belong to a closed context and must reach nobody."""
        scheduler, self.scheduler = self.scheduler, None
        if scheduler is None:
            return
        scheduler.stop()
        for signal, slot in (
            (scheduler.sync_started, self._sync_started),
            (scheduler.progress, self.wizard.catalog_sync_progress),
            (scheduler.synced, self._catalog_synced),
            (scheduler.failed, self._catalog_sync_failed),
        ):
            signal.disconnect(slot)
        if scheduler.busy:
            scheduler.synced.connect(scheduler.deleteLater)
            scheduler.failed.connect(scheduler.deleteLater)
        else:
            scheduler.deleteLater()
        self.catalog_progress.setVisible(False)

    def refresh_catalog(self) -> None:
        """A sync now (View > Refresh catalog, or the wizard found its catalog missing or stale)."""
        scheduler = self.scheduler
        if scheduler is None or not self.wizard.can_receive:
            return
        if not scheduler.refresh_now() and scheduler.busy:
            # A sync is running, maybe for the previous location's company: look again when it ends.
            self._refresh_pending = True

    def _sync_started(self) -> None:
        location = self._scheduler_location()
        self._sync_lsp = location.lsp_id if location is not None else None
        self._catalog_progress(0, 0)

    def _catalog_synced(self, snapshot: Any) -> None:
        self._catalog_progress(1, 1)
        self.sync_alert.setVisible(False)
        self.wizard.use_synced_catalog(snapshot, self._sync_lsp)
        self._after_sync()

    def _catalog_sync_failed(self, words: str) -> None:
        self._catalog_progress(1, 1)
        failures = self.scheduler.consecutive_failures if self.scheduler is not None else 1
        streak = f" ({failures} times in a row)" if failures > 1 else ""
        self.sync_alert.setText(
            f"⚠ Catalog sync failing{streak}: {html.escape(words)} "
            "<a href='sync-status'>Details…</a>"
        )
        self.sync_alert.setToolTip(
            "Scanning goes on against the saved catalog; products added in the POS since the last good sync "
            "will not scan. View > Catalog sync status… has the details."
        )
        self.sync_alert.setVisible(True)
        repolish(self.sync_alert, deep=False)
        self.statusBar().showMessage(f"Catalog sync failed: {words}", 15000)
        self.wizard.catalog_sync_failed(words)
        self._after_sync()

    def _after_sync(self) -> None:
        if not self._refresh_pending:
            return
        self._refresh_pending = False
        location = self._scheduler_location()
        if location is not None and location.lsp_id != self._sync_lsp:
            self.refresh_catalog()

    # ---- one scanner at a time -------------------------------------------------------------------

    def _active_window_changed(self, _window: QWindow | None = None) -> None:
        if self._closing:
            return
        scanner = self.wizard.scanner
        if scanner is not None:
            scanner.enabled = self._owns_the_scanner()

    def _owns_the_scanner(self) -> bool:
        """Whether scans belong to the wizard: not while another window with its own scanner is active."""
        widget = QApplication.activeWindow()
        while widget is not None:
            if widget is self:
                return True
            if getattr(widget, "scanner", None) is not None:
                return False
            widget = widget.parentWidget()
        return True

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

    def _catalog_progress(self, done: int, total: int) -> None:
        busy = total == 0 or done < total
        self.catalog_progress.setVisible(busy and done >= 0)
        self.catalog_progress.setRange(0, max(total, 0))
        self.catalog_progress.setValue(max(done, 0))

    # ---- shutdown --------------------------------------------------------------------------------

    def flush_now(self) -> None:
        """For the crash handler: push every queued journal write to disk."""
        if self.services is not None:
            self.wizard.autosave_now()
            self.services.ctx.writer.flush(timeout=3)

    def _close_windows_of_context(self) -> None:
        """History, Shelf count and the sync dashboard hold the closing context: shut them down with it."""
        history, self.history_window = self.history_window, None
        if history is not None:
            self._reopen_history = self._reopen_history or (
                history.isVisible() and not self._closing
            )
            history.shutdown()
            history.deleteLater()
        count, self.count_window = self.count_window, None
        if count is not None:
            count.close()
            count.deleteLater()
        dialog, self.sync_dialog = self.sync_dialog, None
        if dialog is not None:
            dialog.shutdown()
            dialog.deleteLater()

    def _close_context(self) -> None:
        if self.services is None:
            return
        services, self.services = self.services, None
        self._close_windows_of_context()
        self._retire_scheduler()
        self.wizard.detach()
        try:
            services.ctx.writer.flush(timeout=5)
        finally:
            services.ctx.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.wizard.busy and not self._closing:
            answer = QMessageBox.question(
                self,
                "A receive is being sent",
                "Intake is sending a receive right now. If you quit, it will check on the next start whether "
                "it landed — nothing is lost and nothing is sent twice. Quit anyway?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self._closing = True
        self.wizard.shutdown()
        if self.scheduler is not None:
            self.scheduler.stop()
        for window in (self.history_window, self.count_window, self.sync_dialog):
            if window is not None:
                window.close()
        if not wait_for_workers(timeout_s=self.settings.request_timeout_s + 10):
            log.warning("Closing with workers still running")
        self.wizard.autosave_now()
        self._close_context()
        app, self._focus_app = self._focus_app, None
        if app is not None:
            app.focusWindowChanged.disconnect(self._active_window_changed)
        event.accept()
