"""The words of the sellable rules (the rest of the light words are in `words`, in the same shape).

Every text says which evidence decided it (the rooms on the package records, the growth since the baseline,
or totals that can only be consistent); `words.render` appends that sentence to what happened.
"""

from __future__ import annotations

from intake_gui.domain.diagnosis.findings import Finding, RuleId
from intake_gui.domain.diagnosis.speech import (
    Speech,
    Texts,
    Words,
    after_submit,
    as_tuple,
    listing,
    plural,
    room_access_hint,
)

_NOT_RESEND = "Do not receive them again."


def _non_sellable_room(f: Finding, s: Speech) -> Texts:
    rooms = as_tuple(f.facts["rooms"])
    where = listing(rooms) or "a storage room"
    skus = listing(as_tuple(f.facts["skus"]))
    sales = as_tuple(f.facts.get("sales_rooms"))
    such_as = f" such as {sales[0]}" if sales else ""
    if f.facts.get("chosen_on_purpose"):
        happened = (
            f"The stock went into {where}, as chosen, which is not a sales room, so customers cannot buy "
            "it yet."
        )
    elif f.facts.get("evidence") == "room_sent":
        happened = f"The stock was sent into {where}, which is not a sales room, so customers cannot buy it."
    else:
        happened = (
            f"The packages exist, but they are in {where}, which is not a sales room, so the stock does "
            "not show as sellable."
        )
    return Texts(
        f"Not sellable: the packages are in {where}, which is not a sales room.",
        f"{happened} Affected: {skus}.",
        f"Move them to a sales room{such_as} in {s.pos.inventory_screen}, or receive into a sellable "
        f"{s.pos.room_word} next time. {_NOT_RESEND}",
    )


def _not_received(f: Finding, s: Speech) -> Texts:
    skus = as_tuple(f.facts.get("skus"))
    if not skus or f.facts.get("all_missing"):
        return Texts(
            "Nothing to sell: this receive created no stock.",
            "The POS lists no packages for this receive, so nothing from it can be sold (see the Packages "
            "light for why).",
            "Sort out the packages first (see the Packages light); this light follows.",
        )
    n = len(skus)
    return Texts(
        f"Not sellable: {listing(skus)} {plural(n, 'was', 'were')} not received.",
        f"The POS created no package for {listing(skus)}, so {plural(n, 'it is', 'they are')} not in stock "
        "and cannot be sold. This is not a delay: the other lines' packages exist.",
        "Receive only the missing products again in a new receive (see the Packages light); do not send "
        "this receive again.",
    )


def _waiting_for_packages(f: Finding, s: Speech) -> Texts:
    return Texts(
        "Waiting for the packages before sellable stock can be judged.",
        f"The POS lists no packages for this receive {after_submit(f.facts['seconds_since_submit'])}; "
        "until it does, there is nothing to look for in sellable stock.",
        "Nothing yet: Intake re-checks automatically. Do not send the receive again.",
    )


def _room_access(f: Finding, s: Speech) -> Texts:
    where = listing(as_tuple(f.facts["rooms"]))
    late = bool(f.facts.get("late"))
    return Texts(
        "Sellable inventory reads as empty for the whole location.",
        f"The packages are in {where}, a sales room, yet the POS lists nothing sellable at this location "
        "at all, not just these products. New stock can take minutes to appear, but an empty list usually "
        "means this login cannot see the room.",
        ("" if late else "Intake re-checks automatically. ") + room_access_hint(s),
    )


def _not_counted(f: Finding, s: Speech) -> Texts:
    skus = as_tuple(f.facts["skus"])
    n = len(skus)
    waited = after_submit(f.facts["seconds_since_submit"])
    if f.rule is RuleId.SELLABLE_NOT_COUNTED_YET:
        return Texts(
            "Not sellable yet; stock can take a few minutes to appear.",
            f"{listing(skus)}: the stock is in a sales room but not counted as sellable {waited}. The POS "
            "can take minutes (reported up to an hour) to show new stock.",
            "Nothing yet: Intake re-checks automatically. Do not send the receive again.",
        )
    return Texts(
        "Still not sellable after the waiting period.",
        f"{waited.capitalize()}, {listing(skus)} {plural(n, 'is', 'are')} still not counted as sellable.",
        f"Check in {s.pos.inventory_screen} which {s.pos.room_word} the packages are in and that it is a "
        f"sales room. {room_access_hint(s)}",
    )


def _unproven(f: Finding, s: Speech) -> Texts:
    skus = listing(as_tuple(f.facts["skus"]))
    return Texts(
        "Not proven: sellable totals look right, but Intake cannot tell they are this delivery's.",
        f"{skus}: the POS does not say which room the packages are in, and there is no count from before "
        "the receive, so older stock of the same products could account for what is sellable.",
        f"A manager can check the packages' {s.pos.room_word} in {s.pos.inventory_screen}. Nothing needs "
        "to be sent again.",
    )


def _counted(f: Finding, s: Speech) -> Texts:
    rooms = listing(as_tuple(f.facts.get("rooms")))
    in_rooms = f" in {rooms}" if rooms else ""
    if f.facts.get("quantities_from") == "baseline_delta":
        happened = f"Sellable stock grew by the received quantity for every product{in_rooms}."
    else:
        happened = (
            f"The packages are{in_rooms}, a sales room, and sellable stock shows at least the received "
            "quantity. With no count from before the receive, the quantities are consistent rather than "
            "proven."
        )
    moved = as_tuple(f.facts.get("moved_skus"))
    if moved:
        happened += (
            f" The package records of {listing(moved)} still name a room that is not a sales room; the "
            "growth shows the stock was moved to one since."
        )
    sold = as_tuple(f.facts.get("sold_since_skus"))
    if sold:
        happened += (
            f" {listing(sold)} {plural(len(sold), 'shows', 'show')} less than received now; sales since the "
            "receive would explain it."
        )
    return Texts("The stock is sellable.", happened)


SELLABLE_WORDS: dict[RuleId, Words] = {
    RuleId.SELLABLE_NON_SELLABLE_ROOM: _non_sellable_room,
    RuleId.SELLABLE_NOT_RECEIVED: _not_received,
    RuleId.SELLABLE_WAITING_FOR_PACKAGES: _waiting_for_packages,
    RuleId.SELLABLE_ROOM_ACCESS: _room_access,
    RuleId.SELLABLE_NOT_COUNTED_YET: _not_counted,
    RuleId.SELLABLE_NOT_COUNTED: _not_counted,
    RuleId.SELLABLE_UNPROVEN: _unproven,
    RuleId.SELLABLE_COUNTED: _counted,
}
