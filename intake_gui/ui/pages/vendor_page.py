"""Step 2: who delivered. Vendor names repeat with different ids, so every entry shows its id and code.

A location whose vendor list comes back empty is not a dead end: a receive must name its vendor, so the page
says that, where the list comes from, and offers the two ways on (load it again once the vendor exists in the
POS, or pick another location), both on the keyboard.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from intake_gui.domain.models import Location, Vendor
from intake_gui.ui.filter_list import Choice, FilterList
from intake_gui.ui.pages.base import Page
from intake_gui.ui.wording import plural


class VendorPage(Page):
    title = "Vendor"
    chosen = Signal(object)
    reload_requested = Signal()
    change_location = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Who delivered?",
            "Type part of the vendor's name, id or code; Enter to choose. "
            "Two vendors can share a name — check the id.",
            parent,
        )
        self.picker = FilterList("Filter vendors — e.g. “palomino” or “39195”")
        self.picker.filter.setAccessibleName("Filter vendors")
        self.picker.activated.connect(self.chosen.emit)
        self.picker.filtered.connect(self._count_shown)
        self.layout_.addWidget(self.picker, 1)

        self.empty_box = QFrame()
        self.empty_box.setObjectName("card")
        box = QVBoxLayout(self.empty_box)
        self.empty_headline = QLabel()
        self.empty_headline.setObjectName("subheading")
        self.empty_headline.setWordWrap(True)
        self.empty_text = QLabel()
        self.empty_text.setWordWrap(True)
        self.reload_button = QPushButton("Load the vendors again (F5)")
        self.reload_button.setObjectName("primary")
        self.reload_button.setShortcut(QKeySequence("F5"))
        self.reload_button.setAutoDefault(True)
        self.reload_button.clicked.connect(self.reload_requested.emit)
        self.other_location_button = QPushButton("Choose another location (Alt+L)")
        self.other_location_button.setShortcut(QKeySequence("Alt+L"))
        self.other_location_button.clicked.connect(self.change_location.emit)
        row = QHBoxLayout()
        row.addWidget(self.reload_button)
        row.addWidget(self.other_location_button)
        row.addStretch(1)
        box.addWidget(self.empty_headline)
        box.addWidget(self.empty_text)
        box.addLayout(row)
        self.empty_box.setVisible(False)
        self.layout_.addWidget(self.empty_box)
        # Stretch 0: takes the spare height only while the list (stretch 1) is hidden, so the card stays on top.
        self.layout_.addStretch(0)
        self.add_status_line()
        self.vendors: list[Vendor] = []
        self.location: Location | None = None
        self.pos_name = "the POS"
        """Set by the wizard for the station's POS, so the empty-list explanation names it."""

    def set_loading(self, location: Location) -> None:
        self.location = location
        self.heading.setText(f"Who delivered to {location.name}?")
        self.picker.clear_filter()
        self.picker.set_choices(())
        self.picker.setEnabled(False)
        self.picker.setVisible(True)
        self.empty_box.setVisible(False)
        self.say("Loading vendors…", "info")

    def set_vendors(self, vendors: Sequence[Vendor], *, select: Vendor | None = None) -> None:
        self.vendors = list(vendors)
        names = [v.name.casefold() for v in self.vendors]
        repeated = {n for n in names if names.count(n) > 1}
        choices = []
        for v in self.vendors:
            same = v.name.casefold() in repeated
            choices.append(
                Choice(
                    text=("⚠ " if same else "") + v.label,
                    data=v,
                    tooltip=(
                        "Another vendor has the same name: make sure the id matches your paperwork."
                        if same
                        else f"Vendor #{v.vendor_id}"
                    ),
                    search_text=f"{v.vendor_id} {v.code}",
                )
            )
        self.picker.setEnabled(True)
        if select is None:
            # A new list or a new delivery: the last delivery's filter words must not pre-select its vendor.
            self.picker.clear_filter()
        self.picker.set_choices(choices, select=select)
        if not self.vendors:
            self._show_empty()
            return
        self.picker.setVisible(True)
        self.empty_box.setVisible(False)
        self.on_enter()

    def _count_shown(self, shown: int, total: int, text: str) -> None:
        if not total:
            return
        if text:
            self.say(
                f"{shown} of {plural(total, 'vendor')} match “{text}”."
                + (" Enter chooses the highlighted one." if shown else ""),
                "info",
            )
        else:
            self.say(f"{plural(total, 'vendor')}.", "info")

    def _show_empty(self) -> None:
        where = self.location.name if self.location is not None else "this location"
        self.picker.setVisible(False)
        self.empty_headline.setText(f"✖  {self.pos_name} lists no vendors for {where}.")
        self.empty_text.setText(
            "Every receive must name the vendor who delivered it, so this delivery cannot go on from here "
            f"yet. Add the vendor in {self.pos_name} (or ask an administrator to), then press F5 to load the "
            "list again — or choose another location with Alt+L."
        )
        self.empty_box.setVisible(True)
        self.say("", "info")
        self.take_focus(self.reload_button)

    @property
    def empty(self) -> bool:
        return not self.empty_box.isHidden()

    def set_error(self, text: str) -> None:
        self.picker.setEnabled(bool(self.vendors))
        self.say(text, "bad")

    def on_enter(self) -> None:
        if self.empty_box.isVisibleTo(self):
            self.take_focus(self.reload_button)
        else:
            self.take_focus(self.picker)
