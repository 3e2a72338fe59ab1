"""A type-to-filter list for the wizard's choices (locations, vendors, rooms), driven entirely by keyboard.

Typing filters; Up/Down/PageUp/PageDown in the filter box move the selection in the list without leaving the box;
Enter picks the highlighted entry. Disabled entries stay visible (with their reason in the text and tooltip)
because hiding a room the clerk expects is more confusing than showing why it cannot be used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

_NAV_KEYS = {
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown,
}
DATA_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class Choice:
    text: str
    data: Any
    enabled: bool = True
    tooltip: str = ""
    search_text: str = ""
    """Extra words the filter matches (ids, codes) that need not be shown."""


class FilterList(QWidget):
    """`activated(data)` fires when the clerk picks an enabled entry (Enter, double-click)."""

    activated = Signal(object)
    current_changed = Signal(object)
    filtered = Signal(int, int, str)
    """(shown, total, filter text) after every change of the filter or the choices: the page's count line says
    what is on screen ("1 of 10 vendors match “palo”"), not only what was loaded."""

    def __init__(
        self,
        placeholder: str = "Type to filter",
        *,
        filterable: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(placeholder)
        self.filter.setClearButtonEnabled(True)
        self.filter.setVisible(filterable)
        self.filter.textChanged.connect(self.apply_filter)
        self.filter.returnPressed.connect(self.activate_current)
        self.filter.installEventFilter(self)
        self.list = QListWidget(self)
        self.list.setAlternatingRowColors(True)
        self.list.setUniformItemSizes(True)
        self.list.itemActivated.connect(self._item_activated)
        self.list.currentItemChanged.connect(self._current_changed)
        self.empty = QLabel("", self)
        self.empty.setObjectName("hint")
        self.empty.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        self.setFocusProxy(self.filter if filterable else self.list)

    # ---- content ---------------------------------------------------------------------------------

    def set_choices(self, choices: Iterable[Choice], *, select: Any = None) -> None:
        self.list.clear()
        for choice in choices:
            item = QListWidgetItem(choice.text)
            item.setData(DATA_ROLE, choice.data)
            item.setData(
                Qt.ItemDataRole.UserRole + 1, f"{choice.text} {choice.search_text}".casefold()
            )
            if choice.tooltip:
                item.setToolTip(choice.tooltip)
            if not choice.enabled:
                item.setFlags(
                    item.flags() & ~Qt.ItemFlag.ItemIsEnabled & ~Qt.ItemFlag.ItemIsSelectable
                )
            self.list.addItem(item)
        self.apply_filter(self.filter.text())
        if select is not None:
            self.select_data(select)

    def select_data(self, data: Any) -> bool:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(DATA_ROLE) == data and not item.isHidden() and _enabled(item):
                self.list.setCurrentItem(item)
                self.list.scrollToItem(item)
                return True
        return False

    def visible_data(self) -> list[Any]:
        return [
            self.list.item(r).data(DATA_ROLE)
            for r in range(self.list.count())
            if not self.list.item(r).isHidden()
        ]

    def current_data(self) -> Any:
        item = self.list.currentItem()
        if item is None or item.isHidden() or not _enabled(item):
            return None
        return item.data(DATA_ROLE)

    # ---- behaviour -------------------------------------------------------------------------------

    def apply_filter(self, text: str) -> None:
        """Every word typed must appear somewhere (name, state, id, code): "az 19" finds AZ #1989."""
        words = text.casefold().split()
        first_visible: QListWidgetItem | None = None
        shown = 0
        for row in range(self.list.count()):
            item = self.list.item(row)
            hay = item.data(Qt.ItemDataRole.UserRole + 1) or ""
            hide = any(w not in hay for w in words)
            item.setHidden(hide)
            if not hide:
                shown += 1
                if first_visible is None and _enabled(item):
                    first_visible = item
        current = self.list.currentItem()
        if current is None or current.isHidden() or not _enabled(current):
            if first_visible is not None:
                self.list.setCurrentItem(first_visible)
            else:
                self.list.setCurrentRow(-1)
        self.empty.setVisible(self.list.count() > 0 and shown == 0)
        self.empty.setText(f"Nothing matches “{text}”." if text else "")
        self.filtered.emit(shown, self.list.count(), text.strip())

    def clear_filter(self) -> None:
        """A fresh start (a new receive): no words left from the last delivery narrowing the list."""
        if self.filter.text():
            self.filter.clear()

    def activate_current(self) -> None:
        data = self.current_data()
        if data is not None:
            self.activated.emit(data)

    def _item_activated(self, item: QListWidgetItem) -> None:
        if _enabled(item):
            self.activated.emit(item.data(DATA_ROLE))

    def _current_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        self.current_changed.emit(current.data(DATA_ROLE) if current is not None else None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.filter and event.type() == QEvent.Type.KeyPress:
            key_event: QKeyEvent = event  # type: ignore[assignment]
            if key_event.key() in _NAV_KEYS:
                self._move(key_event.key())
                return True
        return super().eventFilter(watched, event)

    def _move(self, key: Qt.Key) -> None:
        rows = [
            r
            for r in range(self.list.count())
            if not self.list.item(r).isHidden() and _enabled(self.list.item(r))
        ]
        if not rows:
            return
        current = self.list.currentRow()
        pos = rows.index(current) if current in rows else -1
        step = {
            Qt.Key.Key_Up: -1,
            Qt.Key.Key_Down: 1,
            Qt.Key.Key_PageUp: -8,
            Qt.Key.Key_PageDown: 8,
        }[key]
        pos = min(max(pos + step, 0), len(rows) - 1)
        self.list.setCurrentRow(rows[pos])
        self.list.scrollToItem(self.list.item(rows[pos]))


def _enabled(item: QListWidgetItem) -> bool:
    return bool(item.flags() & Qt.ItemFlag.ItemIsEnabled)
