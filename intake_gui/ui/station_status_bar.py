"""The main window's status bar: messages that wrap instead of being cut, and the station's standing facts.

Qt's status bar paints a temporary message on one line in whatever room the permanent widgets leave; on a
1024-pixel screen "Scan not counted: you are on the Review step. Scan on the Products step." lost its second
half. Here the message is a word-wrapping label (the bar grows to two lines when it must), and the permanent
widgets — the catalog sync alert, the sync progress, the catalog state and the connection — keep their places
to its right. `showMessage`/`currentMessage`/`clearMessage` work as Qt's do; only the painting moved.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QStyle, QStyleOption, QWidget

from intake_gui.ui.layout_check import ELIDES_PROPERTY

QWIDGETSIZE_MAX = (1 << 24) - 1


class StatusMessage(QLabel):
    """A label exactly as tall as its words at its width: one line, or two when the message must wrap."""

    def show_text(self, text: str) -> None:
        self.setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        needed = self.heightForWidth(self.width()) if self.text() else 0
        height = max(self.fontMetrics().height(), needed)
        if self.minimumHeight() != height:
            self.setMinimumHeight(height)


class ElidedLabel(QLabel):
    """A standing fact (the catalog, the connection) that gives way to the message: when the bar is short of
    room it ends in "…", and its tooltip holds the whole text."""

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.setProperty(ELIDES_PROPERTY, True)
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(
            min(hint.width(), self.fontMetrics().horizontalAdvance("Catalog…") + 8), hint.height()
        )

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, rect.width()
        )
        painter.drawText(rect, int(self.alignment()), shown)


class StationStatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.message = StatusMessage("")
        self.message.setObjectName("status_message")
        self.message.setAccessibleName("Status")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.addPermanentWidget(self.message, 1)

        self.sync_alert = QLabel("")
        self.sync_alert.setObjectName("status_line")
        self.sync_alert.setProperty("tone", "bad")
        self.sync_alert.setAccessibleName("Catalog sync alert")
        self.sync_alert.setTextFormat(Qt.TextFormat.RichText)
        self.sync_alert.setVisible(False)
        self.catalog_progress = QProgressBar()
        self.catalog_progress.setMaximumWidth(200)
        self.catalog_progress.setVisible(False)
        self.catalog_label = ElidedLabel("Catalog: not loaded")
        self.connection_label = ElidedLabel("Not connected")
        for widget in (
            self.sync_alert,
            self.catalog_progress,
            self.catalog_label,
            self.connection_label,
        ):
            self.addPermanentWidget(widget)
        self.messageChanged.connect(self._message_changed)

    def _message_changed(self, text: str) -> None:
        self._share_room()
        self.message.show_text(text)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._share_room()
        super().resizeEvent(event)

    def _share_room(self) -> None:
        """The standing facts in full while the message fits beside them; otherwise each gives way down to a
        quarter of the bar, so the message keeps about half (and wraps to a second line only past that)."""
        facts = (self.catalog_label, self.connection_label)
        others = sum(
            w.sizeHint().width() + 12
            for w in (self.sync_alert, self.catalog_progress)
            if w.isVisible()
        )
        room = self.width() - others - 24
        message = self.fontMetrics().horizontalAdvance(self.currentMessage()) + 16
        natural = sum(label.sizeHint().width() + 12 for label in facts)
        cap = QWIDGETSIZE_MAX if natural + message <= room else max(160, self.width() // 4)
        for label in facts:
            label.setMaximumWidth(cap)

    def paintEvent(self, _event: QPaintEvent) -> None:
        """The panel only: the message is the label's to paint (Qt would paint it again, on one line)."""
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, option, painter, self)
