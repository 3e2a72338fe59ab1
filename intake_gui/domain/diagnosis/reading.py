"""How the rules read the evidence: lines by SKU with their packages, our history row, and where stock sits.

Shared by the packages, history and sellable rules so they agree on what "this SKU's packages" and "a
sellable room" mean. Nothing here decides a light.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from intake_gui.domain.models import HistoryRow, Package, Room
from intake_gui.domain.quantities import MACHINE, format_quantity
from intake_gui.domain.verification import Basis, VerificationEvidence


def qty(value: Decimal) -> str:
    """Decimals in facts (data, not words): 3, not 3.000 or 3E+0, with a point whatever the station."""
    return format_quantity(value, style=MACHINE)  # [input] the one formatter, machine style


def norm(sku: str) -> str:
    return sku.strip().casefold()


@dataclass
class SkuGroup:
    """The lines of one SKU (checked together), or for a receive Intake did not make, its packages."""

    sku: str
    name: str
    quantity: Decimal
    """What was sent; for a receive made elsewhere, what the packages hold (nothing else is known)."""
    product_ids: set[int] = field(default_factory=set)
    room_ids: set[int] = field(default_factory=set)
    """The rooms Intake sent for these lines."""
    line_count: int = 0
    packages: list[Package] = field(default_factory=list)


def groups(ev: VerificationEvidence) -> dict[str, SkuGroup]:
    """Lines by SKU with the packages that belong to each (by SKU, else by product id)."""
    if not ev.made_by_intake:
        return _groups_from_packages(ev)
    out: dict[str, SkuGroup] = {}
    for line in ev.draft.lines:
        group = out.setdefault(
            norm(line.sku), SkuGroup(sku=line.sku, name=line.name, quantity=Decimal("0"))
        )
        group.quantity += line.quantity
        group.product_ids.add(line.product_id)
        if line.room_id is not None:
            group.room_ids.add(line.room_id)
        group.line_count += 1
    by_product = {pid: g for g in out.values() for pid in g.product_ids}
    for package in ev.packages or ():
        owner = out.get(norm(package.sku))
        if owner is None and package.product_id is not None:
            owner = by_product.get(package.product_id)
        if owner is not None:
            owner.packages.append(package)
    return out


def _groups_from_packages(ev: VerificationEvidence) -> dict[str, SkuGroup]:
    out: dict[str, SkuGroup] = {}
    for package in ev.packages or ():
        group = out.setdefault(
            norm(package.sku),
            SkuGroup(sku=package.sku, name=package.product_name, quantity=Decimal("0")),
        )
        group.quantity += package.quantity
        if package.product_id is not None:
            group.product_ids.add(package.product_id)
        group.line_count += 1
        group.packages.append(package)
    return out


def unmatched_packages(ev: VerificationEvidence, grouped: dict[str, SkuGroup]) -> list[Package]:
    matched = {id(p) for g in grouped.values() for p in g.packages}
    return [p for p in ev.packages or () if id(p) not in matched]


def sent_line_count(ev: VerificationEvidence) -> int | None:
    """How many lines Intake sent; None when Intake did not make the receive."""
    return len(ev.draft.lines) if ev.made_by_intake else None


def rooms_sent(ev: VerificationEvidence) -> tuple[str, ...]:
    return tuple(
        str(i) for i in sorted({ln.room_id for ln in ev.draft.lines if ln.room_id is not None})
    )


# ------------------------------------------------------------------------------------- history rows


def has_token(ev: VerificationEvidence, row: HistoryRow) -> bool:
    token = ev.draft.token.strip().casefold()
    return bool(token) and token in row.title.casefold()


def our_row(ev: VerificationEvidence) -> HistoryRow | None:
    """Our history row: by receipt id first, else by the idempotency token echoed in the title."""
    rows = ev.history or ()
    for row in rows:
        if row.receipt_id == ev.receipt_id:
            return row
    for row in rows:
        if has_token(ev, row):
            return row
    return None


def duplicates(ev: VerificationEvidence) -> list[HistoryRow]:
    """Other receipts carrying our token: the same draft was recorded more than once."""
    return [
        row for row in ev.history or () if row.receipt_id != ev.receipt_id and has_token(ev, row)
    ]


# ------------------------------------------------------------------------------------------- rooms


class RoomVerdict(StrEnum):
    SELLABLE = "sellable"
    NOT_SELLABLE = "not_sellable"
    UNKNOWN = "unknown"


def room_of(ev: VerificationEvidence, room_id: int | None, room_name: str = "") -> Room | None:
    """A room by id in the rooms list, else the room Intake chose, else by name (ids differ between reads
    on some tenants; a name is the course's own evidence: "check RoomName on package records")."""
    if room_id is not None and room_id in ev.rooms:
        return ev.rooms[room_id]
    if room_id is not None and room_id == ev.draft.room.room_id and ev.made_by_intake:
        return ev.draft.room
    name = room_name.strip().casefold()
    if name:
        for room in ev.rooms.values():
            if room.name.strip().casefold() == name:
                return room
        if ev.made_by_intake and ev.draft.room.name.strip().casefold() == name:
            return ev.draft.room
    return None


def package_room_name(ev: VerificationEvidence, package: Package) -> str:
    if package.room_name:
        return package.room_name
    room = room_of(ev, package.room_id)
    if room is not None:
        return room.name
    return f"room #{package.room_id}" if package.room_id is not None else ""


def sales_room_names(ev: VerificationEvidence) -> tuple[str, ...]:
    return tuple(sorted(room.name for room in ev.rooms.values() if room.sellable))


@dataclass(frozen=True)
class Placement:
    """Where one SKU's stock is, and what says so."""

    verdict: RoomVerdict
    names: tuple[str, ...]
    basis: Basis
    """PACKAGE_ROOMS when the package records named the rooms, ROOM_SENT when only Intake's own choice
    did, NONE when nothing known says where the stock is."""


def placement(ev: VerificationEvidence, group: SkuGroup) -> Placement:
    """The package records decide when they name a room; the room Intake sent stands in only when they
    do not (unreadable, or a POS that leaves rooms off its package records)."""
    if group.packages:
        places = [
            (room_of(ev, p.room_id, p.room_name), package_room_name(ev, p)) for p in group.packages
        ]
        if any(room is not None for room, _ in places):
            return _judge(places, Basis.PACKAGE_ROOMS)
        if any(name for _, name in places):
            return Placement(
                RoomVerdict.UNKNOWN, tuple(dict.fromkeys(n for _, n in places if n)), Basis.NONE
            )
    if not ev.made_by_intake:
        return Placement(RoomVerdict.UNKNOWN, (), Basis.NONE)
    sent = sorted(group.room_ids) or [ev.draft.room.room_id]
    places = []
    for room_id in sent:
        room = room_of(ev, room_id)
        places.append((room, room.name if room else f"room #{room_id}"))
    return _judge(places, Basis.ROOM_SENT)


def _judge(places: list[tuple[Room | None, str]], basis: Basis) -> Placement:
    names = tuple(dict.fromkeys(name for _, name in places if name))
    # A room whose sellable flag the POS did not send is named, but proves nothing either way.
    rooms = [room if room is not None and room.sellable_known else None for room, _ in places]
    if any(room is not None and not room.sellable for room in rooms):
        return Placement(RoomVerdict.NOT_SELLABLE, names, basis)
    if rooms and all(room is not None and room.sellable for room in rooms):
        return Placement(RoomVerdict.SELLABLE, names, basis)
    return Placement(RoomVerdict.UNKNOWN, names, Basis.NONE)
