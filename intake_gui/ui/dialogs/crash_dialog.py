"""What a clerk sees when Intake itself has a bug: reassurance, where the log is, and details for support.

Never a raw traceback in the clerk's face: the details are one click away ("Copy details") and already scrubbed
of passwords, session ids and cookies by the same redaction the log file uses.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt, QThread, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_gui import __version__

log = logging.getLogger(__name__)

HEADLINE = "Intake hit a bug. Your draft is saved."


def scrub(text: str) -> str:
    """Remove credentials with the log's own redaction, so "Copy details" can never leak a password."""
    from intake_gui.services.station_log import redact

    return redact(text)


def format_details(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    body = "".join(traceback.format_exception(exc_type, exc, tb))
    return scrub(
        f"Intake {__version__} on Python {sys.version.split()[0]} ({sys.platform})\n\n{body}"
    )


class CrashDialog(QDialog):
    def __init__(self, details: str, log_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Intake — something went wrong")
        self.setObjectName("crash_dialog")
        self.details = details
        layout = QVBoxLayout(self)

        headline = QLabel(HEADLINE)
        headline.setObjectName("heading")
        headline.setWordWrap(True)
        layout.addWidget(headline)

        explain = QLabel(
            "Every scan was saved as it happened. You can keep working; if something looks wrong, close "
            "Intake and open it again — it will offer your draft back."
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)

        where = log_path if log_path is not None else Path("(logging is not set up)")
        self.log_label = QLabel(f"Log file: {where}")
        self.log_label.setObjectName("hint")
        self.log_label.setWordWrap(True)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.log_label)

        self.details_view = QPlainTextEdit(details)
        self.details_view.setReadOnly(True)
        self.details_view.setVisible(False)
        self.details_view.setMinimumHeight(200)
        layout.addWidget(self.details_view)

        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("&Copy details")
        self.copy_button.setToolTip("Copy the technical details for support (Alt+C)")
        self.copy_button.clicked.connect(self.copy_details)
        self.show_button = QPushButton("Show &details")
        self.show_button.setCheckable(True)
        self.show_button.toggled.connect(self.details_view.setVisible)
        self.open_logs_button = QPushButton("Open &log folder")
        self.open_logs_button.setEnabled(log_path is not None)
        self.open_logs_button.clicked.connect(lambda: _open_folder(log_path))
        close = QPushButton("Keep working")
        close.setObjectName("primary")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        for b in (self.copy_button, self.show_button, self.open_logs_button):
            buttons.addButton(b, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(close, QDialogButtonBox.ButtonRole.AcceptRole)
        layout.addWidget(buttons)
        self.resize(640, 280)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText("Copied ✔")


def _open_folder(path: Path | None) -> None:
    if path is not None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


class CrashHandler:
    """Installed as sys.excepthook: logs the bug, saves what can be saved, shows one dialog at a time.

    `on_crash` is the main window's chance to flush the journal so the promise "your draft is saved" holds;
    it must not raise (it is called while handling an error), and a failure there is only logged.
    """

    def __init__(
        self,
        log_path: Callable[[], Path | None],
        parent: Callable[[], QWidget | None] = lambda: None,
        on_crash: Callable[[], None] | None = None,
    ) -> None:
        self._log_path = log_path
        self._parent = parent
        self._on_crash = on_crash
        self._showing = False
        self._previous = sys.excepthook
        self.last_details: str = ""

    def install(self) -> None:
        self._previous = sys.excepthook
        sys.excepthook = self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self._previous

    def __call__(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        log.critical("Unhandled error", exc_info=(exc_type, exc, tb))
        try:
            self.last_details = format_details(exc_type, exc, tb)
        except Exception:
            self.last_details = f"{exc_type.__name__} (details unavailable)"
        if self._on_crash is not None:
            try:
                self._on_crash()
            except Exception:
                log.exception("Saving state after a crash failed")
        app = QApplication.instance()
        if app is None or QThread.currentThread() is not app.thread() or self._showing:
            return
        self._showing = True
        try:
            dialog = CrashDialog(self.last_details, self._log_path(), self._parent())
            dialog.exec()
        finally:
            self._showing = False
