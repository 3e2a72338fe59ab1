"""Station settings a clerk or manager may change. Nothing secret: passwords and keys live in the keyring only.

The dialog returns a validated copy of the settings; saving and applying (restyle, reconnect) is the main
window's job, so this file stays a form. The POS list comes from the driver registry, and the clerk's name
is asked only where the chosen POS's login names nobody (its driver says so).
"""

from __future__ import annotations

import importlib.util

from pydantic import ValidationError
from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_gui.domain.input_refusals import clerk_message
from intake_gui.services.drivers import driver_for, drivers
from intake_gui.store.settings import StationSettings
from intake_gui.ui.dialogs.dialog_parts import ScrollBody, fit_to_width, refit_on_style_change
from intake_gui.ui.theme import repolish

CALIBRATION_MODULE = "intake_gui.ui.dialogs.calibration_dialog"
TRANSPORTS = (
    ("default", "Standard"),
    ("browser_tls", "Browser-like TLS (if Cloudflare refuses the standard one)"),
)
DECIMAL_MARKS = (
    ("auto", "As this computer's language settings say"),
    ("point", "Point: 1.5"),
    ("comma", "Comma: 1,5"),
)


class SettingsDialog(QDialog):
    calibrate_requested = Signal()

    def __init__(self, settings: StationSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.original = settings
        self.result_settings: StationSettings | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        # The fields scroll on a short screen; the error line and the buttons below them stay in view.
        outer = layout
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)

        self.api_base = QLineEdit(settings.api_base or "")
        self.api_base.setPlaceholderText("empty = the built-in training sandbox")
        self.pos_kind = QComboBox()
        self.pos_kind.setObjectName("pos_choice")
        for driver in drivers():
            self.pos_kind.addItem(driver.display_name, driver.kind)
        self.pos_kind.setCurrentIndex(max(0, self.pos_kind.findData(settings.pos_kind)))
        self.station = QLineEdit(settings.station_name)
        self.clerk = QLineEdit(settings.clerk_name)
        self.clerk.setMaxLength(80)
        self.clerk.setAccessibleName("Clerk receiving at this station")
        self.clerk_hint = QLabel("")
        self.clerk_hint.setObjectName("hint")
        self.clerk_hint.setWordWrap(True)
        self.transport = QComboBox()
        for value, text in TRANSPORTS:
            self.transport.addItem(text, value)
        self.transport.setCurrentIndex(max(0, self.transport.findData(settings.transport)))
        # How quantities are typed and shown: "1,5" is one and a half only where the comma is the mark.
        self.decimal_mark = QComboBox()
        self.decimal_mark.setObjectName("decimal_mark_choice")
        for value, text in DECIMAL_MARKS:
            self.decimal_mark.addItem(text, value)
        self.decimal_mark.setCurrentIndex(max(0, self.decimal_mark.findData(settings.decimal_mark)))
        self.large_type = QCheckBox("Large type (about 16 pt)")
        self.large_type.setChecked(settings.large_type)
        self.sound = QCheckBox("Beep on every scan")
        self.sound.setChecked(settings.sound)
        self.blind_count = QCheckBox("Blind count (hide a manifest's expected quantities)")
        self.blind_count.setChecked(settings.blind_count)
        self.require_costs = QCheckBox("Require a unit cost on every line before Submit")
        self.require_costs.setChecked(settings.require_costs)

        form.addRow("&Tenant address:", self.api_base)
        form.addRow("&POS:", self.pos_kind)
        form.addRow("&Station name:", self.station)
        form.addRow("&Clerk:", self.clerk)
        form.addRow("", self.clerk_hint)
        form.addRow("T&ransport:", self.transport)
        form.addRow("&Decimal mark:", self.decimal_mark)
        form.addRow("", self.large_type)
        form.addRow("", self.sound)
        form.addRow("", self.blind_count)
        form.addRow("", self.require_costs)
        layout.addLayout(form)

        self.calibrate_button = QPushButton("Ca&librate scanner…")  # Alt+C is the clerk
        has_calibration = importlib.util.find_spec(CALIBRATION_MODULE) is not None
        self.calibrate_button.setEnabled(has_calibration)
        if not has_calibration:
            self.calibrate_button.setToolTip("Scanner calibration is not part of this build.")
        self.calibrate_button.clicked.connect(self.calibrate_requested.emit)
        layout.addWidget(self.calibrate_button)

        # Test connection = the doctor's read-only probe of the tenant these fields name (issue 11).
        self.test_button = QPushButton("Test co&nnection…")  # [screens] Alt+T is the tenant address
        self.test_button.setToolTip(
            "Reads what Intake uses from the POS and reports it; writes nothing."
        )
        self.test_button.clicked.connect(self.test_connection)
        layout.addWidget(self.test_button)
        self.doctor_dialog: QDialog | None = None

        outer.addWidget(ScrollBody(body), 1)
        layout = outer

        self.error = QLabel("")
        self.error.setObjectName("status_line")
        self.error.setProperty("tone", "bad")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        layout.addWidget(self.error)

        note = QLabel("Changing the tenant or POS reconnects; you may be asked to sign in.")
        note.setObjectName("hint")
        note.setWordWrap(True)
        layout.addWidget(note)

        self.pos_kind.currentIndexChanged.connect(self._pos_changed)
        self._pos_changed()

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(620, 0)

    def changeEvent(self, event: QEvent) -> None:
        refit_on_style_change(self, event, 640)
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        # As tall as its fields need, or the screen if it is shorter (then the fields scroll, the buttons stay).
        fit_to_width(self, 640)
        super().showEvent(event)

    def _pos_changed(self, *_args: object) -> None:
        """The clerk's name matters where the POS's login names nobody; otherwise the login is the person."""
        driver = driver_for(self.pos_kind.currentData())
        words = driver.words
        self.clerk.setEnabled(not driver.names_person)
        if driver.names_person:
            self.clerk_hint.setText(
                f"{words.pos_name} signs in a person: the receiving record names the signed-in user."
            )
        else:
            self.clerk_hint.setText(
                f"{words.pos_name} signs in with a {words.credential_word}, which names the "
                f"{words.location_word}: the receiving record names the clerk entered here."
            )

    def values(self) -> dict[str, object]:
        return {
            "api_base": self.api_base.text().strip() or None,
            "pos_kind": self.pos_kind.currentData(),
            "station_name": self.station.text().strip(),
            "clerk_name": self.clerk.text().strip(),
            "transport": self.transport.currentData(),
            "decimal_mark": self.decimal_mark.currentData(),
            "large_type": self.large_type.isChecked(),
            "sound": self.sound.isChecked(),
            "blind_count": self.blind_count.isChecked(),
            "require_costs": self.require_costs.isChecked(),
        }

    def test_connection(self) -> None:
        from intake_gui.services.doctor import probe_settings
        from intake_gui.ui.doctor_view import DoctorDialog

        data = self.original.model_dump()
        data.update(self.values())
        try:
            settings = StationSettings.model_validate(data)
        except ValidationError:
            settings = self.original
        self.doctor_dialog = DoctorDialog(lambda step: probe_settings(settings, step), self)
        self.doctor_dialog.open()

    def _accept(self) -> None:
        data = self.original.model_dump()
        data.update(self.values())
        try:
            self.result_settings = StationSettings.model_validate(data)
        except ValidationError as exc:
            self.error.setText(
                f"✖ {clerk_message(exc)}"
            )  # the field and what to do, never pydantic's text
            self.error.setVisible(True)
            repolish(self.error)
            return
        self.accept()

    @property
    def reconnect_needed(self) -> bool:
        new = self.result_settings
        if new is None:
            return False
        return (new.api_base, new.pos_kind, new.transport) != (
            self.original.api_base,
            self.original.pos_kind,
            self.original.transport,
        )
