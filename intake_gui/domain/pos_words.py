"""How one POS is spoken of in every message a clerk, a supervisor or IT reads.

Diagnoses, hints, the login dialog and the CLI never name a POS's screens themselves: they take a `PosWords`
from the POS driver in use (`pos/<kind>/words.py`), so a BLAZE clerk is never told to fix something "in
Backoffice". Adding a field: give it a default that reads well for any POS, then set it per driver.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PosWords:
    pos_name: str = "the POS"
    """The system, as a clerk names it: "Dutchie", "BLAZE", "IndicaOnline"."""
    admin_app: str = "the POS"
    """Where a manager fixes things by hand: "Backoffice", "BLAZE Retail", "IndicaOnline"."""
    room_word: str = "room"
    """What the POS calls the place stock sits in (BLAZE: "inventory")."""
    rooms_settings: str = "the POS's room settings"
    """Where rooms are configured, as a path a manager can follow."""
    inventory_screen: str = "the POS's inventory screen"
    """Where packages are looked up and moved between rooms."""
    receive_history_screen: str = "the POS's receive history"
    """Where a receipt is looked up by its id."""
    room_access_check: str = ""
    """How to give a login access to a room's stock, where the POS restricts it ("" when it does not)."""
    login_prompt: str = "Sign in with your POS user."
    history_window_days: int | None = None
    """The longest history range one read may ask for (None: no known limit)."""
    documented_rate_per_minute: int | None = None
    """The POS's documented request limit per login, quoted only when the POS itself said nothing."""
    location_word: str = "location"
    """What the POS calls a store ("shop" in BLAZE, "office" in IndicaOnline)."""
    credential_word: str = "login"
    """What signs Intake in, as a clerk would name it: "login", "partner and developer key", "API key"."""
    rooms_note: str = ""
    """Said above the room list when the POS's rooms go by another name ("" when they do not)."""
    receive_hint: str = ""
    """Where deliveries are checked in by hand, for a POS Intake cannot receive into ("" otherwise)."""
    move_hint: str = ""
    """Where stock is moved between rooms by hand, for a POS without a move API ("" otherwise)."""
    count_source: str = "the POS's stock read"
    """The read a shelf count compares against, in words for the count window and its CSV."""
    count_note: str = ""
    """A caveat of that read a counting clerk must know before comparing ("" when there is none)."""
    room_access_note: str = ""
    """More on room access after `room_access_check` (where the switch behind it lives), or ""."""
    api_base_example: str = "https://pos.example.com/api/"
    """What the POS's address looks like, for the sign-in and settings placeholders."""


GENERIC_WORDS = PosWords()
