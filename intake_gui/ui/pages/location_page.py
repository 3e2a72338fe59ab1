"""Step 1: which store is receiving. A station usually serves one store, so the last choice is preselected."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from intake_gui.ui.filter_list import Choice, FilterList
from intake_gui.ui.pages.base import Page
from intake_gui.ui.wording import plural

if TYPE_CHECKING:
    from intake_gui.domain.models import Location


def location_choice(loc: Location) -> Choice:
    state = f"{loc.state} · " if loc.state else ""
    return Choice(
        text=f"{state}{loc.name}   #{loc.loc_id}",
        data=loc,
        tooltip=f"Location {loc.loc_id}, time zone {loc.timezone}",
        search_text=f"{loc.loc_id} {loc.timezone}",
    )


class LocationPage(Page):
    title = "Location"
    chosen = Signal(object)
    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Where are you receiving?",
            "Type to filter by state, store name or number; ↑/↓ to move; Enter to choose.",
            parent,
        )
        self.picker = FilterList("Filter locations — e.g. “AZ” or “1989”")
        self.picker.filter.setAccessibleName("Filter locations")
        self.picker.activated.connect(self.chosen.emit)
        self.picker.filtered.connect(self._count_shown)
        self.layout_.addWidget(self.picker, 1)
        self.add_status_line()
        row = QHBoxLayout()
        self.retry_button = QPushButton("Try again (F5)")
        self.retry_button.setShortcut(QKeySequence("F5"))
        self.retry_button.setVisible(False)
        self.retry_button.clicked.connect(self.retry_requested.emit)
        row.addWidget(self.retry_button)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.locations: list[Location] = []
        self._remembered: Location | None = None

    def set_loading(self, text: str = "Connecting to the POS…") -> None:
        self.picker.setEnabled(False)
        self.retry_button.setVisible(False)
        self.say(text, "info")

    def set_locations(self, locations: Sequence[Location], *, select_id: int | None = None) -> None:
        self.locations = list(locations)
        self.picker.setEnabled(True)
        self.retry_button.setVisible(False)
        selected = next((loc for loc in self.locations if loc.loc_id == select_id), None)
        self._remembered = selected
        self.picker.clear_filter()
        self.picker.set_choices((location_choice(loc) for loc in self.locations), select=selected)
        if not self.locations:
            self.say(
                "This login sees no locations. Ask an administrator to give it access to a store.",
                "bad",
            )
        self.on_enter()

    def _count_shown(self, shown: int, total: int, text: str) -> None:
        if not total:
            return
        if text:
            self.say(
                f"{shown} of {plural(total, 'location')} match “{text}”."
                + (" Enter chooses the highlighted one." if shown else ""),
                "info",
            )
        elif self._remembered is not None:
            self.say(f"Last used here: {self._remembered.name}. Press Enter to keep it.", "info")
        else:
            self.say(f"{plural(total, 'location')}.", "info")

    def set_error(self, headline: str, what_to_do: str = "") -> None:
        self.picker.setEnabled(bool(self.locations))
        self.retry_button.setVisible(True)
        self.say(f"{headline} {what_to_do}".strip(), "bad")

    def on_enter(self) -> None:
        self.take_focus(self.picker)
