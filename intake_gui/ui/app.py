"""Start the Qt application: high-DPI policy, look, logging, crash handler, then the window — fast.

Only what the first frame needs happens before `show()`; the POS connection, the sandbox and the catalog are
opened by the window on workers afterwards. The first frame is drawn from the two settings it needs, read without
pydantic (`store/first_frame_settings.py`); the full, validated `StationSettings` follow on a worker once that frame
is painted (`MainWindow.settings_ready`). Settings Intake refuses (a bad INTAKE_* variable) stop the station as
before: the window says why and closes, and `run` raises the same error.
"""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from intake_gui import __version__
from intake_gui.ui import qt_messages
from intake_gui.ui.main_window import MainWindow, StartOptions

log = logging.getLogger(__name__)

GUI_SWITCH_INTERVAL_S = 0.001
"""How long a thread may hold the GIL while another waits for it (Python's default is 5 ms).

Every event the window handles runs some Python (the application-wide scanner filter sees them all), and
each such call must first take the GIL back from whichever worker holds it (a catalog sync parsing 17k
products, the embedded sandbox). At 5 ms a wait, a handful of events already add up to a visible stall and
a scan at risk; at 1 ms the workers lose a little throughput and the window stays responsive."""


def create_application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication, configured before any widget exists (DPI policy must be set first)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    QCoreApplication.setOrganizationName("Intake")
    QCoreApplication.setApplicationName("Intake")
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication(argv if argv is not None else sys.argv[:1])
    QGuiApplication.setDesktopFileName("intake-gui")
    return app


def run(options: StartOptions) -> int:
    from intake_gui.services.station_log import configure_logging
    from intake_gui.store.first_frame_settings import read_first_frame_settings
    from intake_gui.store.paths import app_paths
    from intake_gui.ui.dialogs.crash_dialog import CrashHandler
    from intake_gui.ui.theme import app_icon, apply_theme

    if options.force_sandbox:
        # This run only: the tenant in the settings file is kept, see MainWindow._context_ready.
        os.environ.pop("INTAKE_API_BASE", None)
    paths = app_paths().ensure()
    log_path = configure_logging(paths.log_dir)
    log.info("Intake %s starting (sandbox forced: %s)", __version__, options.force_sandbox)
    app = create_application()
    qt_messages.install()
    first_frame = read_first_frame_settings(paths)
    apply_theme(app, large_type=first_frame.large_type)
    app.setWindowIcon(app_icon())

    window = MainWindow(options, paths=paths, first_frame=first_frame)
    handler = CrashHandler(lambda: log_path, lambda: window, window.flush_now)
    handler.install()
    if os.environ.get("INTAKE_UI_PROBE"):  # test harnesses only: see ui/ui_probe.py
        from intake_gui.ui.ui_probe import install_from_env

        install_from_env(window)
    window.show_on_screen()
    QTimer.singleShot(0, window.start)
    try:
        code = app.exec()
    finally:
        handler.uninstall()
        log.info("Intake stopped")
    if window.settings_error is not None:
        raise window.settings_error  # as when the settings were loaded here: the operator's error, in its words
    return code
