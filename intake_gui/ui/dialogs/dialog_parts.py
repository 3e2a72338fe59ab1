"""Small pieces the station's dialogs share: a path shown so it is never cut off, and a dialog sized to its words.

A long folder path has no spaces to wrap at, so a label showing it was cut at the dialog's edge (the Welcome
dialog's "Logs: /home/…" lost its end on every screen). A read-only field shows it instead: the start is in
view, the rest scrolls, the tooltip and Ctrl+C give it whole. And a dialog whose labels wrap is as tall as
its words need at its width: Qt sizes a new dialog from its minimum size, which does not know that a wrapping
label needs more lines when the dialog is narrower than the label would like.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QLineEdit


def path_field(path: Path | str) -> QLineEdit:
    field = QLineEdit(str(path))
    field.setReadOnly(True)
    field.setObjectName("path_field")
    field.setToolTip(str(path))
    field.setCursorPosition(0)
    return field


def fit_to_width(dialog: QDialog, width: int) -> None:
    """Resize `dialog` to `width` (or the screen's, if smaller) and the height its layout needs there."""
    layout = dialog.layout()
    screen = dialog.screen().availableGeometry()
    width = min(width, screen.width())
    if layout is None:
        return
    height = (
        layout.totalHeightForWidth(width)
        if layout.hasHeightForWidth()
        else layout.totalSizeHint().height()
    )
    height = max(height, layout.totalMinimumSize().height())
    dialog.resize(width, min(height, screen.height()))
