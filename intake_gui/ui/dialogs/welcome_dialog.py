"""First run: practise on the sandbox or connect the store's POS, name the station, find the scanner.

It is short on purpose: a new station should be scanning a training delivery within a minute. Everything here
can be changed later in Settings.

The keyboard starts on Start (the default button, with its focus ring), so Enter begins practising at once;
every control has its own Alt+letter, none shared with another. Calibration is a plain button: Enter never
opens it by surprise.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from intake_gui.services.drivers import drivers, words_for
from intake_gui.ui.dialogs.dialog_parts import (
    ScrollBody,
    fit_to_width,
    path_field,
    refit_on_style_change,
)
from intake_gui.ui.dialogs.settings_dialog import CALIBRATION_MODULE


@dataclass(frozen=True)
class WelcomeChoice:
    use_sandbox: bool
    api_base: str | None
    station_name: str
    pos_kind: str = "dutchie"
    """Which POS the store runs (the sandbox emulates each one, so a trainee practises on the right one)."""


class WelcomeDialog(QDialog):
    calibrate_requested = Signal()

    def __init__(
        self,
        station_name: str,
        where: Mapping[str, Path],
        *,
        api_base: str | None = None,
        pos_kind: str = "dutchie",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Intake")
        layout = QVBoxLayout(self)
        # The fields scroll on a short screen; the error line and the buttons below them stay in view.
        outer = layout
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("Welcome to Intake")
        heading.setObjectName("heading")
        layout.addWidget(heading)
        intro = QLabel(
            "Intake receives deliveries into your point-of-sale: choose the location, vendor and room, scan "
            "the products, submit, and three lights prove the stock landed and can be sold."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.sandbox_choice = QRadioButton(
            "&Practise first on the built-in sandbox (training data — nothing real changes)"
        )
        self.tenant_choice = QRadioButton("&Connect to my store's POS")
        group = QButtonGroup(self)
        group.addButton(self.sandbox_choice)
        group.addButton(self.tenant_choice)
        (self.tenant_choice if api_base else self.sandbox_choice).setChecked(True)
        layout.addWidget(self.sandbox_choice)
        layout.addWidget(self.tenant_choice)

        form = QFormLayout()
        # drivers helper: the POS list and the address example come from the driver registry.
        self.pos_kind = QComboBox()
        self.pos_kind.setObjectName("pos_choice")
        for driver in drivers():
            self.pos_kind.addItem(driver.display_name, driver.kind)
        self.pos_kind.setCurrentIndex(max(0, self.pos_kind.findData(pos_kind)))
        self.api_base = QLineEdit(api_base or "")
        self.pos_kind.currentIndexChanged.connect(self._pos_changed)
        self._pos_changed()
        self.api_base.setEnabled(bool(api_base))
        self.tenant_choice.toggled.connect(self.api_base.setEnabled)
        self.station = QLineEdit(station_name)
        form.addRow("&Your POS:", self.pos_kind)
        form.addRow("POS &address:", self.api_base)
        form.addRow("Station &name:", self.station)
        layout.addLayout(form)

        self.calibrate_button = QPushButton("Ca&librate the scanner…")
        has_calibration = importlib.util.find_spec(CALIBRATION_MODULE) is not None
        self.calibrate_button.setEnabled(has_calibration)
        self.calibrate_button.setToolTip(
            "Scan a test code so Intake learns how fast your scanner types."
            if has_calibration
            else "Scanner calibration is not part of this build."
        )
        self.calibrate_button.setAutoDefault(False)
        self.calibrate_button.clicked.connect(self.calibrate_requested.emit)
        layout.addWidget(self.calibrate_button)

        # Only the data folder on a first start (it holds the journal: what IT backs up); Help > About lists
        # logs, settings and the catalogue cache too, so the dialog keeps its buttons on a 1024×600 screen.
        where_label = QLabel(
            "Intake keeps its journal here (Help > Open data folder opens it; Help > About lists the rest):"
        )
        where_label.setObjectName("hint")
        where_label.setWordWrap(True)
        layout.addWidget(where_label)
        where_form = QFormLayout()
        for name, path in list(where.items())[:1]:
            where_form.addRow(f"{name}:", path_field(path))
        layout.addLayout(where_form)

        outer.addWidget(ScrollBody(body), 1)
        layout = outer

        self.error = QLabel("")
        self.error.setObjectName("status_line")
        self.error.setProperty("tone", "bad")
        self.error.setVisible(False)
        layout.addWidget(self.error)

        buttons = QDialogButtonBox()
        start = buttons.addButton("&Start", QDialogButtonBox.ButtonRole.AcceptRole)
        start.setObjectName("primary")
        start.setDefault(True)
        self.start_button = start
        buttons.accepted.connect(self._accept)
        layout.addWidget(buttons)
        self.resize(640, 0)

    def _pos_changed(self, *_args: object) -> None:
        self.api_base.setPlaceholderText(words_for(self.pos_kind.currentData()).api_base_example)

    def changeEvent(self, event: QEvent) -> None:
        refit_on_style_change(self, event, 680)
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        fit_to_width(self, 680)
        super().showEvent(event)
        self.start_button.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def choice(self) -> WelcomeChoice:
        use_sandbox = self.sandbox_choice.isChecked()
        return WelcomeChoice(
            use_sandbox=use_sandbox,
            api_base=None if use_sandbox else (self.api_base.text().strip() or None),
            station_name=self.station.text().strip(),
            pos_kind=self.pos_kind.currentData(),
        )

    def _accept(self) -> None:
        c = self.choice()
        if not c.use_sandbox and not c.api_base:
            self.error.setText("Enter your POS address, or choose the sandbox to practise first.")
            self.error.setVisible(True)
            return
        self.accept()
