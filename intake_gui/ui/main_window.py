"""The station's one window: the sandbox banner, the receiving wizard, menus and the status bar.

The window is split by responsibility: start-up and sign-in (`station_startup`), the menu bar and its actions
(`station_menus`), the windows of one context (`context_windows`), the catalog schedule (`catalog_schedule`);
this module holds the window itself, its chrome, the one-scanner rule and shutdown.

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

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QWindow
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from intake_gui.domain.quantities import use_decimal_mark
from intake_gui.store.first_frame_settings import FirstFrameSettings
from intake_gui.store.paths import AppPaths, app_paths
from intake_gui.ui.button_keys import ButtonKeys
from intake_gui.ui.catalog_schedule import CatalogScheduleMixin
from intake_gui.ui.context_windows import HISTORY_MODULE, ContextWindowsMixin
from intake_gui.ui.screen_fit import show_fitted
from intake_gui.ui.station_menus import CALIBRATION_MODULE, COUNT_SHORTCUT, MenusMixin, pos_name
from intake_gui.ui.station_startup import SANDBOX_BANNER, StartupMixin
from intake_gui.ui.station_status_bar import StationStatusBar
from intake_gui.ui.theme import app_icon, apply_theme
from intake_gui.ui.wizard import ReceiveWizard
from intake_gui.ui.wizard_pages import AfterFirstPaint
from intake_gui.ui.workers import start_worker, wait_for_workers

if TYPE_CHECKING:
    from intake_gui.store.settings import StationSettings
    from intake_gui.ui.app_services import AppServices
    from intake_gui.ui.count_window import CountWindow
    from intake_gui.ui.dialogs.login_dialog import LoginDialog
    from intake_gui.ui.dialogs.resume_dialog import ResumeDialog
    from intake_gui.ui.history_window import HistoryWindow
    from intake_gui.ui.sync_status import CatalogRefreshScheduler, SyncStatusDialog

log = logging.getLogger(__name__)

PREFERRED_SIZE = (1440, 900)
"""The window's size on a screen with room to spare; on anything this size or smaller it is maximised."""

__all__ = [
    "CALIBRATION_MODULE",
    "COUNT_SHORTCUT",
    "HISTORY_MODULE",
    "SANDBOX_BANNER",
    "MainWindow",
    "StartOptions",
    "pos_name",
]


@dataclass(frozen=True)
class StartOptions:
    api_base: str | None = None
    force_sandbox: bool = False
    open_history: bool = False


ContextFactory = Callable[..., Any]
"""`services.context.open_context` or a test's wrapper around it (same keyword arguments)."""


def _load_station_settings(paths: AppPaths) -> StationSettings:
    """Runs on a worker: the settings, validated (pydantic and pydantic-settings are imported here, not on the
    GUI thread); a damaged file is repaired and logged exactly as before the window existed. The scanner filter's
    module, which the GUI thread needs as soon as they arrive, is imported here too."""
    from intake_gui.services.drivers import load_station_settings

    settings = load_station_settings(paths)
    importlib.import_module("intake_gui.ui.scanner_filter")
    return settings


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
    from intake_gui.services.heap import set_aside

    set_aside("the start-up heap")


class MainWindow(StartupMixin, MenusMixin, ContextWindowsMixin, CatalogScheduleMixin, QMainWindow):
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
    settings_ready = Signal(object)
    """Once, on the light path (`first_frame=`): the validated StationSettings, loaded on a worker after the first
    frame; the window has taken them (menus, scanner, decimal mark) and `start` goes on from here."""
    settings_failed = Signal(object)
    """Once, on the light path, instead of `settings_ready`: the error `load_station_settings` raised (an INTAKE_*
    variable it refuses). The window says so in a message box and closes; `ui/app.run` re-raises it."""

    settings: StationSettings
    """Set from the start when given (or loaded) in the constructor; on the light path, from `settings_ready` on
    (`settings_loaded` says which). Nothing that reads it runs before: the menu entries that use it are off."""

    def __init__(
        self,
        options: StartOptions | None = None,
        *,
        paths: AppPaths | None = None,
        settings: StationSettings | None = None,
        first_frame: FirstFrameSettings | None = None,
        context_factory: ContextFactory | None = None,
        services_factory: Callable[[Any], AppServices] | None = None,
        verify_backoff_s: tuple[float, ...] | None = None,
        install_scanner: bool = True,
    ) -> None:
        """`settings`: the window is built whole, at once. `first_frame` without `settings`: the light path
        `ui/app.run` takes: the first frame is drawn from these plain values, and the full settings are loaded on a
        worker once it is painted (`settings_ready`). Neither: the settings are loaded here, on this thread."""
        super().__init__()
        self.options = options or StartOptions()
        self.paths = paths or app_paths()
        if settings is None and first_frame is None:
            from intake_gui.services.drivers import load_station_settings

            settings = load_station_settings(self.paths)
        self.settings_loaded = settings is not None
        self.settings_error: BaseException | None = None
        """Why the settings could not be loaded on the light path (`settings_failed`), for `ui/app.run`."""
        self._settings_loading = False
        self._start_pending = False
        if settings is not None:
            self.settings = settings
            use_decimal_mark(settings.decimal_mark)  # how quantities are typed and shown
            first_frame = FirstFrameSettings(
                large_type=settings.large_type, first_run_done=settings.first_run_done
            )
        assert first_frame is not None
        self.first_frame = first_frame
        """What the first frame was drawn with (the settings' own values when the window was given them)."""
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
        self.resize(*PREFERRED_SIZE)

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
            settings,
            verify_backoff_s=verify_backoff_s,
            install_scanner=install_scanner,
        )
        layout.addWidget(self.wizard, 1)
        self.setCentralWidget(central)

        # Measured in-process (offscreen, three samples): the status bar 1-2 ms, the menus 2-3 ms, the wizard with
        # its Location page 29-46 ms. Menus and status bar stay on the first frame: added later, the menu bar
        # would push the page down under the clerk's eyes, for no measurable gain.
        self._build_status_bar()
        self._build_menus()
        self.button_keys = ButtonKeys(self)
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
            self.button_keys.watch(app, self.wizard)
            self._focus_app = app
        if not self.settings_loaded:
            # The light path: load the settings once the first frame is painted, so the worker's imports do not
            # compete with it for the interpreter (`start` continues when they arrive).
            self._load_after_paint = AfterFirstPaint(
                self.wizard.location_page, lambda: QTimer.singleShot(0, self._load_settings)
            )
            # The page shows what the station is doing; on a first run the welcome comes first, and nothing
            # is connecting yet.
            if self.first_frame.first_run_done:
                self.wizard.set_connecting("Connecting to the POS…")
                self.connection_label.setText("Connecting…")

    # ---- settings, on the light path -------------------------------------------------------------

    def _load_settings(self) -> None:
        if self.settings_loaded or self._settings_loading or self._closing:
            return
        self._settings_loading = True
        start_worker(
            _load_station_settings,
            self.paths,
            on_returned=self._settings_loaded,
            on_errored=self._settings_failed,
        )

    def _settings_loaded(self, settings: StationSettings) -> None:
        """Everything that waited for the settings, then `start` if it was asked for meanwhile."""
        self._settings_loading = False
        if self._closing:
            return
        self.settings = settings
        self.settings_loaded = True
        use_decimal_mark(settings.decimal_mark)
        self.wizard.settings_ready(settings)
        for action in self.settings_actions:
            action.setEnabled(True)
        self._update_account_actions()
        self.large_type_action.setChecked(settings.large_type)
        if settings.large_type != self.first_frame.large_type:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_theme(app, large_type=settings.large_type)
        self.settings_ready.emit(settings)
        if self._start_pending:
            self._start_pending = False
            self.start()

    def _settings_failed(self, exc: BaseException) -> None:
        """As before the window existed: nothing runs on settings Intake refuses. The clerk is told why (the same
        words `load_station_settings` raised), and `ui/app.run` re-raises the error once the window is closed."""
        self._settings_loading = False
        self.settings_error = exc
        log.error("The station's settings cannot be used: %s", exc)
        headline = "Intake cannot start: its settings are not valid."
        self.wizard.location_page.say(f"{headline} {exc}", "bad")
        self.connection_label.setText("Not connected")
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "Intake cannot start",
            f"{headline}\n\n{exc}\n\nCorrect the variable or setting named above and start Intake again.",
            QMessageBox.StandardButton.Close,
            self,
        )
        box.setObjectName("settings_error")
        box.finished.connect(lambda _result: self.close())
        self.settings_error_box = box
        self.settings_failed.emit(exc)
        box.open()

    # ---- chrome ----------------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = StationStatusBar(self)
        self.setStatusBar(bar)
        self.catalog_progress = bar.catalog_progress
        self.catalog_label = bar.catalog_label
        self.connection_label = bar.connection_label
        self.sync_alert = bar.sync_alert
        self.sync_alert.linkActivated.connect(lambda _link: self.open_sync_status())
        self.shared_record_label: QLabel | None = None
        """Record helper's "shared record: up to date / N waiting / offline since 10:42" (hidden when not set
        up). Made with the first context: its module imports the shared record's client, which the first
        paint must not wait for (the context's worker imports it; see `_open_services`)."""

    def _add_shared_record_status(self) -> None:
        if self.shared_record_label is not None:
            return
        from intake_gui.ui.history_record_status import SharedRecordLabel

        self.shared_record_label = SharedRecordLabel(
            lambda: self.services.ctx if self.services is not None else None
        )
        self.statusBar().addPermanentWidget(self.shared_record_label)

    # ---- size and place ----------------------------------------------------------------------------

    def show_on_screen(self) -> None:
        """Show the window sized to the screen it opens on: maximised on the screens stations have (a
        1366×768 laptop, a 1024×600 netbook, 1920×1080 at 150 %), a roomy window centred on a large one."""
        show_fitted(self, QSize(*PREFERRED_SIZE))

    def _locations_shown(self, _locations: object) -> None:
        if self._interactive:
            return
        self._interactive = True
        _freeze_start_up_heap()
        self.interactive.emit()

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

    # ---- shutdown --------------------------------------------------------------------------------

    def flush_now(self) -> None:
        """For the crash handler: push every queued journal write to disk."""
        if self.services is not None:
            self.wizard.autosave_now()
            self.services.ctx.writer.flush(timeout=3)

    def _request_timeout_s(self) -> float:
        if self.settings_loaded:
            return self.settings.request_timeout_s
        from intake_gui.store.settings import StationSettings

        return float(StationSettings.model_fields["request_timeout_s"].default)

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
        if not wait_for_workers(timeout_s=self._request_timeout_s() + 10):
            log.warning("Closing with workers still running")
        self.wizard.autosave_now()
        self._close_context()
        app, self._focus_app = self._focus_app, None
        if app is not None:
            app.focusWindowChanged.disconnect(self._active_window_changed)
            self.button_keys.unwatch(app)
        event.accept()
