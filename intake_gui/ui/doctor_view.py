"""The doctor's report on screen: the Settings dialog's Test connection shows what `intake doctor` prints.

The probe runs on a worker (`ui.workers`), never on the GUI thread: it reads the whole catalogue and 90
days of history. The view shows each read as it starts, then the verdicts as coloured lines and the full
text report (selectable, with a Copy button, so it can go into a support ticket as it is).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_gui.services.doctor_report import SYMBOL, DoctorReport, State
from intake_gui.ui.theme import repolish
from intake_gui.ui.workers import PHASE, Worker, start_worker

Probe = Callable[[Callable[[str], None]], DoctorReport]
"""Runs the doctor, telling each read's name as it starts; called on a worker thread."""

_TONE = {State.OK: "good", State.WARN: "warn", State.FAIL: "bad", State.UNTESTED: ""}


class DoctorView(QWidget):
    """Runs a probe and shows its report. `finished_report` carries the report once it is in."""

    finished_report = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: DoctorReport | None = None
        self.worker: Worker | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.status = QLabel("")
        self.status.setObjectName("status_line")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.verdicts = QVBoxLayout()
        layout.addLayout(self.verdicts)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        # The report is laid out in columns for a ticket; a fixed-width font keeps them aligned on screen.
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlaceholderText("The report appears here.")
        self.text.setMinimumHeight(260)
        layout.addWidget(self.text, 1)
        self.copy_button = QPushButton("&Copy report")
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self._copy)
        layout.addWidget(self.copy_button)

    def run(self, probe: Probe) -> Worker:
        self._set_status("Testing… nothing is written to the POS.", "")
        self.worker = start_worker(
            probe,
            PHASE,
            on_phase=self._phase,  # bound methods: Qt drops them if the view is closed mid-probe
            on_returned=self.show_report,
            on_errored=self._failed,
        )
        return self.worker

    def show_report(self, report: DoctorReport) -> None:
        self.report = report
        while self.verdicts.count():
            item = self.verdicts.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        for verdict in report.verdicts:
            line = QLabel(f"{SYMBOL[verdict.state]} {verdict.capability}: {verdict.words}")
            line.setObjectName("status_line")
            line.setProperty("tone", _TONE[verdict.state])
            line.setWordWrap(True)
            self.verdicts.addWidget(line)
            repolish(line)
        self.text.setPlainText(report.text())
        self.copy_button.setEnabled(True)
        if report.ok:
            self._set_status("✔ Everything Intake needs is there.", "good")
        else:
            problems = report.essential_missing or ([report.fatal] if report.fatal else [])
            words = "; ".join(problems) or "a read a capability needs failed (see below)"
            self._set_status(f"✖ {words}", "bad")
        self.finished_report.emit(report)

    def _phase(self, name: str) -> None:
        self._set_status(f"Reading {name}…", "")

    def _failed(self, exc: BaseException) -> None:
        # run_doctor reports what the POS does; reaching here is a bug, said plainly and logged by the worker.
        self._set_status(f"✖ The test itself failed ({type(exc).__name__}); see the log.", "bad")

    def _set_status(self, text: str, tone: str) -> None:
        self.status.setText(text)
        self.status.setProperty("tone", tone)
        repolish(self.status)

    def _copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None and self.report is not None:
            clipboard.setText(self.report.text())


class DoctorDialog(QDialog):
    """Settings → Test connection: the doctor's report in a dialog, started as soon as it opens."""

    def __init__(self, probe: Probe, parent: QWidget | None = None, **_: Any) -> None:
        super().__init__(parent)
        self.setWindowTitle("Test connection")
        layout = QVBoxLayout(self)
        self.view = DoctorView(self)
        layout.addWidget(self.view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 560)
        self.view.run(probe)
