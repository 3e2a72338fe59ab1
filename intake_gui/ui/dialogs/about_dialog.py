"""About: which version is running and where its files are — the first two questions support asks."""

from __future__ import annotations

import platform
from collections.abc import Mapping
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from intake_gui import __version__
from intake_gui.ui.assets import asset_path
from intake_gui.ui.dialogs.dialog_parts import fit_to_width, path_field


class AboutDialog(QDialog):
    def __init__(
        self,
        paths: Mapping[str, Path],
        *,
        pos_text: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Intake")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        icon = QLabel()
        pixmap = QPixmap(str(asset_path("icons/intake.png")))
        if not pixmap.isNull():
            icon.setPixmap(
                pixmap.scaled(
                    96,
                    96,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        top.addWidget(icon)
        title = QLabel(
            f"<b>Intake {__version__}</b><br>Receiving station: scan a delivery in, submit it to the POS, "
            "and prove it landed."
        )
        title.setWordWrap(True)
        top.addWidget(title, 1)
        layout.addLayout(top)

        form = QFormLayout()
        if pos_text:
            form.addRow("Connected to:", _selectable(pos_text))
        for name, path in paths.items():
            form.addRow(f"{name}:", path_field(path))
        form.addRow(
            "Runtime:",
            _selectable(
                f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {pyside_version}"
            ),
        )
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def showEvent(self, event: QShowEvent) -> None:
        fit_to_width(self, 680)
        super().showEvent(event)


def _selectable(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label
