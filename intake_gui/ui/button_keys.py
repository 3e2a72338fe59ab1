"""Enter presses the focused button or check box, as Space does.

Qt gives Enter to a focused push button only when the button is a dialog's (auto-)default; in the main window
Enter on a focused Next, Back or Blind count did nothing, though the Location page says "Press Enter". A clerk
who reaches a control with Tab expects Enter to work on it, so every button and check box of the window gets
this small filter.

It is installed on the widgets themselves, not on the application: object filters run after the application's
scanner filter, so the Enter that ends a scan is the scanner's and never presses whatever has the focus. And
only once a button first gets the focus (`ButtonKeys.watch`): a filter on every button from the start would put a
Python call in front of every event they get, most of all while the window is built. Only a
plain Enter counts: Ctrl+Enter (Submit on Review) pressed again on the Verify page must not press a button.
A dialog's push buttons keep Qt's own rule (they are auto-default there), and check boxes and radio buttons in
a dialog too: there Enter accepts the dialog, as people expect.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QPushButton, QWidget

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class ButtonKeys(QObject):
    def watch(self, app: QApplication, root: QWidget) -> None:
        """Give Enter to each button or check box under `root` the first time it gets the focus."""
        self._root = root
        self._given: set[int] = set()
        app.focusChanged.connect(self._focus_changed)

    def unwatch(self, app: QApplication) -> None:
        app.focusChanged.disconnect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if (
            isinstance(new, QAbstractButton)
            and id(new) not in self._given
            and self._root.isAncestorOf(new)
        ):
            self._given.add(id(new))
            new.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QAbstractButton):
            return False
        key_event: QKeyEvent = event  # type: ignore[assignment]
        modifiers = key_event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key_event.key() not in _ENTER or modifiers != Qt.KeyboardModifier.NoModifier:
            return False
        if key_event.isAutoRepeat() or not watched.isEnabled() or not watched.hasFocus():
            return False
        if isinstance(watched, QPushButton) and (watched.autoDefault() or watched.isDefault()):
            return False  # Qt presses it already
        if isinstance(watched.window(), QDialog) and not isinstance(watched, QPushButton):
            return False  # Enter accepts the dialog
        watched.animateClick()
        return True


def give_enter_to_buttons(root: QWidget, keys: ButtonKeys) -> None:
    """Install `keys` on every button and check box under `root` (call again after adding some)."""
    for button in root.findChildren(QAbstractButton):
        button.removeEventFilter(keys)
        button.installEventFilter(keys)
