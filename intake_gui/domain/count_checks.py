"""Shelf count, before comparing: can this room be counted at all, and is an empty read really an empty room?

Both answers depend on *how* the POS is read (its driver's count method), never on which POS it is, and
are worded with the POS's own `PosWords`, so a BLAZE clerk reads about BLAZE's inventories and screens.
"""

from __future__ import annotations

from collections.abc import Iterable

from intake_gui.domain.counting import PackageDetail
from intake_gui.domain.diagnosis import Diagnosis
from intake_gui.domain.models import Location, Room
from intake_gui.domain.pos_words import PosWords


def count_refusal(
    words: PosWords,
    method: PackageDetail | None,
    location: Location,
    room: Room,
    rooms: Iterable[Room] = (),
) -> Diagnosis | None:
    """Why this room cannot be counted against this POS, in words; None when it can.

    `method` is the driver's count method: None (no stock read at all), NONE (the only read is sellable
    inventory, which covers sales rooms only), ON_DEMAND or FULL (any inventory room).
    """
    pos = words.pos_name
    if method is None:
        return Diagnosis(
            headline=f"{pos} offers Intake no way to read a {words.room_word}'s stock.",
            what_happened="Without the POS's quantities there is nothing to compare a count with.",
            what_to_do=f"Count in {words.inventory_screen}.",
        )
    if not room.inventory_room:
        return Diagnosis(
            headline=f"{pos} keeps no stock in {room.name}: it is not marked as holding inventory.",
            what_happened=(
                f"At {location.name}, {room.name} is not marked as holding inventory; nothing can be "
                "received into it, so there is nothing to count against."
            ),
            what_to_do=f"Choose a {words.room_word} that holds stock.",
        )
    if method is PackageDetail.NONE and not room.sellable:
        sales = sorted(r.name for r in rooms if r.sellable)
        sales_text = f" ({', '.join(sales)})" if sales else ""
        return Diagnosis(
            headline=f"{pos} offers no read of what {room.name} holds, so Intake cannot count it.",
            what_happened=(
                f"The only stock read Intake has of {pos} is {words.count_source}, which shows sales "
                f"{words.room_word}s only; {room.name} is not one. Packages can be read only per receive, "
                "which says what arrived, not what is on the shelf now. Comparing with either would report "
                "a wrong difference."
            ),
            what_to_do=(
                f"Count a sales {words.room_word}{sales_text} here, or count {room.name} against "
                f"{words.inventory_screen}."
            ),
            detail=f"LocId {location.loc_id}, RoomId {room.room_id}: PosRoom=no",
        )
    return None


def room_access_warning(
    words: PosWords,
    location: Location,
    room: Room,
    *,
    room_rows: int,
    location_rows: int | None = None,
) -> Diagnosis | None:
    """Zero rows for a room the location has: say that access is the likely cause, before comparing.

    `location_rows` is how many rows the same read returned for the whole location, when the read covers
    more than this room (a sellable-inventory read does): zero there too makes the case stronger.
    """
    if room_rows > 0:
        return None
    pos, key = words.pos_name, words.credential_word
    everywhere = location_rows == 0
    happened = (
        f"Before comparing: {pos} answered, but with no rows for {room.name}, a {words.room_word} "
        f"{location.name} has"
        + (f", and none for the whole {words.location_word} either" if everywhere else "")
        + f". An empty answer usually means this {key} is not allowed to see the {words.room_word}'s "
        "stock, not that the shelf is empty; counting against it would report everything scanned as over."
    )
    if words.room_access_check:
        todo = f"If {room.name} does hold stock, {words.room_access_check}, then press Refresh."
    else:
        todo = (
            f"If {room.name} does hold stock, ask your {words.admin_app} administrator to give this {key} "
            f"access to the {room.name} {words.room_word} of {location.name}, then press Refresh."
        )
    if words.room_access_note:
        todo += " " + words.room_access_note
    return Diagnosis(
        headline=f"{pos} shows no stock in {room.name}: the likely cause is access for this {key}.",
        what_happened=happened,
        what_to_do=todo,
        detail=(
            f"LocId {location.loc_id}, {words.room_word} {room.room_id} ({room.name}): 0 rows"
            + ("" if location_rows is None else f"; {location_rows} rows for the whole location")
        ),
    )
