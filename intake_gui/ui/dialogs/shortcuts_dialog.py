"""Help > Keyboard shortcuts: every action has one, and this is where a clerk finds them all at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

SHORTCUTS: tuple[tuple[str, str, str], ...] = (
    ("Everywhere", "Alt+→ / Alt+←", "Next step / previous step"),
    ("Everywhere", "Ctrl+N", "New receive (same location)"),
    ("Everywhere", "Ctrl+,", "Settings"),
    ("Everywhere", "Ctrl+H", "History"),
    ("Everywhere", "Ctrl+Shift+L", "Large type on/off"),
    ("Everywhere", "Ctrl+Shift+C", "Shelf count (scan a shelf, compare with the POS)"),
    ("Everywhere", "Ctrl+Shift+R", "Refresh the product catalog now"),
    ("Everywhere", "F1", "This list"),
    ("Everywhere", "Tab / Shift+Tab", "Next / previous control; Enter or Space presses a button"),
    ("Lists", "Type", "Filter the list"),
    ("Lists", "↑ ↓ PgUp PgDn", "Move the highlight"),
    ("Lists", "Enter", "Choose the highlighted entry and continue"),
    ("Room", "Enter / Esc", "Confirm / refuse a room that is not sellable"),
    ("Products", "Scan", "Adds the product (whatever has the focus on this page)"),
    ("Products", "Ctrl+F", "Search the catalog; Enter adds the highlighted product"),
    ("Products", "Ctrl+L", "Go to the lines table"),
    ("Products", "F2", "Edit the quantity of the selected line"),
    ("Products", "Delete", "Remove the selected line"),
    ("Products", "Ctrl+D", "Dismiss an unknown code (it is not counted)"),
    ("Products", "Insert", "Count a read that was taken for a double read"),
    ("Products", "Ctrl+Z", "Undo the last change (scan, edit, removal)"),
    ("Products", "Ctrl+T or Alt+I", "Edit the title (the page opens there)"),
    ("Products", "Ctrl+I", "Import a manifest (CSV or WCIA JSON)"),
    ("Products", "Ctrl+B", "Blind count on/off"),
    ("Review", "Ctrl+Enter", "Submit to the POS"),
    ("Verify", "F5", "Check the three lights again now"),
    ("Verify", "Ctrl+N", "The next delivery (the lights stay until then)"),
    ("Verify", "Alt+M", "Move stock received into a non-sales room to a sales room"),
)


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        table = QTableWidget(len(SHORTCUTS), 3)
        table.setHorizontalHeaderLabels(("Where", "Keys", "Does"))
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, values in enumerate(SHORTCUTS):
            for col, value in enumerate(values):
                table.setItem(row, col, QTableWidgetItem(value))
        # Short columns fit their words; the last takes the rest and wraps, so nothing runs off the side.
        table.setWordWrap(True)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.resizeColumnsToContents()
        header = table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_: table.resizeRowsToContents())
        table.setTabKeyNavigation(False)
        self.table = table
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def showEvent(self, event: QShowEvent) -> None:
        available = self.screen().availableGeometry()
        self.resize(min(760, available.width() - 40), min(560, available.height() - 40))
        super().showEvent(event)
