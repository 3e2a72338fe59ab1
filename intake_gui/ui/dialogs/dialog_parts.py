"""Small pieces the station's dialogs share: a path shown so it is never cut off, and a dialog sized to its words.

A long folder path has no spaces to wrap at, so a label showing it was cut at the dialog's edge (the Welcome
dialog's "Logs: /home/…" lost its end on every screen). A read-only field shows it instead: the start is in
view, the rest scrolls, the tooltip and Ctrl+C give it whole. And a dialog whose labels wrap is as tall as
its words need at its width: Qt sizes a new dialog from its minimum size, which does not know that a wrapping
label needs more lines when the dialog is narrower than the label would like. And a dialog with many fields
(Settings, Welcome) keeps its buttons on a 1024×600 screen: its fields scroll, its buttons stay (`ScrollBody`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QApplication, QDialog, QFrame, QLineEdit, QScrollArea, QWidget

SHORTEST_BODY = 160
"""A scrolling body never shrinks below this many pixels: a few fields stay in view on any screen."""


def path_field(path: Path | str) -> QLineEdit:
    field = QLineEdit(str(path))
    field.setReadOnly(True)
    field.setObjectName("path_field")
    field.setToolTip(str(path))
    field.setCursorPosition(0)
    return field


FRAME_ALLOWANCE = 40
"""The window manager's title bar and border, which the available geometry does not leave room for."""
COMPACT_DIALOG_MAX = 540
"""The compact density means a screen about 600 pixels tall (less a taskbar): a dialog stays within it."""


def fit_to_width(dialog: QDialog, width: int) -> None:
    """Resize `dialog` to `width` (or the screen's, if smaller) and the height its layout needs there, never
    taller than the screen leaves room for (a `ScrollBody` then scrolls)."""
    from intake_gui.ui.theme import density

    layout = dialog.layout()
    screen = dialog.screen().availableGeometry()
    width = min(width, screen.width())
    tallest = screen.height() - FRAME_ALLOWANCE
    if density().compact:
        tallest = min(tallest, COMPACT_DIALOG_MAX)
    if layout is None:
        return
    height = (
        layout.totalHeightForWidth(width)
        if layout.hasHeightForWidth()
        else layout.totalSizeHint().height()
    )
    height = max(min(height, tallest), layout.totalMinimumSize().height())
    dialog.resize(width, height)


def refit_on_style_change(dialog: QDialog, event: QEvent, width: int) -> None:
    """From a dialog's `changeEvent`: a new theme (large type, the other density) changes the height its words
    need, so an open dialog is fitted again."""
    if event.type() == QEvent.Type.StyleChange and dialog.isVisible():
        fit_to_width(dialog, width)


class ScrollBody(QScrollArea):
    """A dialog's fields, scrolling only on a screen too short for them.

    QScrollArea's own size hint stops at about 24 text lines, so a dialog built around one would scroll on every
    screen; this one asks for its contents' whole height (for the width it gets) and only gives way when the
    screen cannot hold it. The focused field is scrolled into view, so Tab never leaves the clerk typing blind.
    """

    def __init__(self, body: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(body)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        body = self.widget()
        if new is not None and body is not None and body.isAncestorOf(new):
            self.ensureWidgetVisible(new)

    def _body_height(self, width: int) -> int:
        body = self.widget()
        layout = body.layout() if body is not None else None
        if layout is None:
            return super().sizeHint().height()
        if layout.hasHeightForWidth():
            return layout.totalHeightForWidth(width)
        return layout.totalSizeHint().height()

    def sizeHint(self) -> QSize:
        body = self.widget()
        width = body.sizeHint().width() if body is not None else super().sizeHint().width()
        return QSize(width, self._body_height(width))

    def minimumSizeHint(self) -> QSize:
        body = self.widget()
        width = body.minimumSizeHint().width() if body is not None else 0
        return QSize(width, min(SHORTEST_BODY, self._body_height(max(width, 1))))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._body_height(width)
