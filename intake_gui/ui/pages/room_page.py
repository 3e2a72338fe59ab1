"""Step 3: which room the stock goes into — the step the course's mastery question is about.

Only inventory rooms can take a receive (others are listed, disabled, with the reason). A room that is an
inventory room but not a sales room is allowed, after the clerk confirms they know the stock will not be
sellable until moved. A location without rooms stops here with the explanation, because the POS would
"accept" the receive and put the stock nowhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from intake_gui.domain.models import Location, Room
from intake_gui.ui.filter_list import Choice, FilterList
from intake_gui.ui.pages.base import Page


def room_choice(room: Room) -> Choice:
    if not room.eligible:
        return Choice(
            text=f"⊘  {room.name} — not an inventory room: cannot receive here",
            data=room,
            enabled=False,
            tooltip="The POS does not keep inventory in this room, so a receive into it never reaches stock.",
            search_text=str(room.room_id),
        )
    if room.sellable:
        return Choice(
            text=f"✔  {room.name} — sellable",
            data=room,
            tooltip="A sales room: received stock can be sold right away.",
            search_text=str(room.room_id),
        )
    return Choice(
        text=f"⚠  {room.name} — NOT sellable (must be moved to a sales room before it can be sold)",
        data=room,
        tooltip="An inventory room that is not a sales room: you will be asked to confirm.",
        search_text=str(room.room_id),
    )


class RoomPage(Page):
    title = "Room"
    chosen = Signal(object)
    confirmed = Signal(object)
    change_location = Signal()

    BASE_HINT = "↑/↓ to move, Enter to choose. Only sellable rooms put stock straight on the menu."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Which room is the stock going into?", self.BASE_HINT, parent)
        self.picker = FilterList(filterable=False)
        self.picker.activated.connect(self.chosen.emit)
        self.layout_.addWidget(self.picker, 1)

        self.confirm_box = QFrame()
        self.confirm_box.setObjectName("card")
        box = QVBoxLayout(self.confirm_box)
        self.confirm_text = QLabel()
        self.confirm_text.setWordWrap(True)
        self.confirm_text.setObjectName("subheading")
        box.addWidget(self.confirm_text)
        buttons = QHBoxLayout()
        self.confirm_button = QPushButton("Receive into it anyway (Enter)")
        self.confirm_button.setObjectName("primary")
        self.confirm_button.setAutoDefault(True)
        self.cancel_button = QPushButton("Choose another room (Esc)")
        self.cancel_button.setShortcut(QKeySequence("Esc"))
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        box.addLayout(buttons)
        self.confirm_box.setVisible(False)
        self.confirm_button.clicked.connect(self._confirm)
        self.cancel_button.clicked.connect(self.cancel_confirmation)
        self.layout_.addWidget(self.confirm_box)

        self.block_box = QFrame()
        self.block_box.setObjectName("card")
        block = QVBoxLayout(self.block_box)
        self.block_headline = QLabel()
        self.block_headline.setObjectName("subheading")
        self.block_headline.setWordWrap(True)
        self.block_happened = QLabel()
        self.block_happened.setWordWrap(True)
        self.block_todo = QLabel()
        self.block_todo.setWordWrap(True)
        self.block_detail = QLabel()
        self.block_detail.setObjectName("hint")
        self.block_detail.setWordWrap(True)
        self.other_location_button = QPushButton("Choose another location (Alt+L)")
        self.other_location_button.setShortcut(QKeySequence("Alt+L"))
        self.other_location_button.setObjectName("primary")
        self.other_location_button.setAutoDefault(True)
        self.other_location_button.clicked.connect(self.change_location.emit)
        for w in (self.block_headline, self.block_happened, self.block_todo, self.block_detail):
            block.addWidget(w)
        row = QHBoxLayout()
        row.addWidget(self.other_location_button)
        row.addStretch(1)
        block.addLayout(row)
        block.addStretch(1)
        self.block_box.setVisible(False)
        self.layout_.addWidget(self.block_box, 1)
        self.add_status_line()
        self.rooms: list[Room] = []
        self.pending: Room | None = None

    def set_pos_note(self, note: str) -> None:
        """What this POS calls a room (BLAZE: the shop's inventories), so the list matches the POS's screens."""
        self.hint.setText(f"{self.BASE_HINT} {note}".strip())

    def set_loading(self, location: Location) -> None:
        self.heading.setText(f"Which room at {location.name}?")
        self.rooms = []
        self.pending = None
        self.picker.set_choices(())
        self.picker.setEnabled(False)
        self.picker.setVisible(True)
        self.confirm_box.setVisible(False)
        self.block_box.setVisible(False)
        self.say("Loading rooms…", "info")

    def set_rooms(self, rooms: Sequence[Room], *, select: Room | None = None) -> None:
        self.rooms = list(rooms)
        self.block_box.setVisible(False)
        self.hint.setVisible(True)
        self.picker.setVisible(True)
        self.picker.setEnabled(True)
        default = select or next((r for r in self.rooms if r.sellable), None)
        self.picker.set_choices((room_choice(r) for r in self.rooms), select=default)
        usable = sum(r.eligible for r in self.rooms)
        self.say(f"{usable} of {len(self.rooms)} rooms can take a receive.", "info")
        self.on_enter()

    def show_blocked(
        self, headline: str, what_happened: str, what_to_do: str, detail: str = ""
    ) -> None:
        """The no-rooms stop: nothing to choose, only the explanation and the way out."""
        self.picker.setVisible(bool(self.rooms))
        self.picker.setEnabled(False)
        self.confirm_box.setVisible(False)
        self.block_headline.setText(f"✖  {headline}")
        self.block_happened.setText(what_happened)
        self.block_todo.setText(f"What to do: {what_to_do}" if what_to_do else "")
        self.block_detail.setText(detail)
        self.block_detail.setVisible(bool(detail))
        self.block_box.setVisible(True)
        self.hint.setVisible(False)
        self.say("", "info")
        self.take_focus(self.other_location_button)

    @property
    def blocked(self) -> bool:
        return not self.block_box.isHidden()

    def ask_confirmation(self, room: Room, explanation: str) -> None:
        self.pending = room
        self.confirm_text.setText(f"⚠  {explanation}")
        self.confirm_button.setText(f"Receive into {room.name} anyway (Enter)")
        self.confirm_box.setVisible(True)
        self.picker.select_data(room)
        self.take_focus(self.confirm_button)

    def cancel_confirmation(self) -> None:
        self.pending = None
        self.confirm_box.setVisible(False)
        self.take_focus(self.picker)

    def _confirm(self) -> None:
        room = self.pending
        if room is None:
            return
        self.confirm_box.setVisible(False)
        self.pending = None
        self.confirmed.emit(room)

    def on_enter(self) -> None:
        if self.block_box.isVisibleTo(self):
            self.take_focus(self.other_location_button)
        elif self.confirm_box.isVisibleTo(self):
            self.take_focus(self.confirm_button)
        else:
            self.take_focus(self.picker)
