"""Step 2: who delivered. Vendor names repeat with different ids, so every entry shows its id and code."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from intake_gui.domain.models import Location, Vendor
from intake_gui.ui.filter_list import Choice, FilterList
from intake_gui.ui.pages.base import Page


class VendorPage(Page):
    title = "Vendor"
    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Who delivered?",
            "Type part of the vendor's name, id or code; Enter to choose. "
            "Two vendors can share a name — check the id.",
            parent,
        )
        self.picker = FilterList("Filter vendors — e.g. “palomino” or “39195”")
        self.picker.activated.connect(self.chosen.emit)
        self.layout_.addWidget(self.picker, 1)
        self.add_status_line()
        self.vendors: list[Vendor] = []

    def set_loading(self, location: Location) -> None:
        self.heading.setText(f"Who delivered to {location.name}?")
        self.picker.set_choices(())
        self.picker.setEnabled(False)
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
        self.picker.set_choices(choices, select=select)
        self.say(
            f"{len(self.vendors)} vendors." if self.vendors else "This location has no vendors.",
            "info" if self.vendors else "bad",
        )
        self.on_enter()

    def set_error(self, text: str) -> None:
        self.picker.setEnabled(bool(self.vendors))
        self.say(text, "bad")

    def on_enter(self) -> None:
        self.picker.setFocus()
