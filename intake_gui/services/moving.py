"""Moving received stock to a sellable room, when verification finds it in a room customers cannot buy from.

A POS moves stock through the API only when its driver declares the `Transfers` capability (BLAZE), and
such a move has a life of its own: a transfer is created (nothing moves), then a supervisor accepts it (the
stock moves) or declines it (nothing moves, the transfer closes). The sellable light can therefore only
turn green after an acceptance; the caller re-runs verification then. For a POS without it the offer
carries the exact manual steps instead (the driver's `words.move_hint` plus the packages and rooms
involved), so the clerk is never left with "move it somewhere, somehow".

Every transfer write is recorded in the journal's audit trail under the draft it belongs to. Writes are
never retried blindly: when the answer to an accept or decline is lost, the transfer is read back and its
real state reported.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from intake_gui.domain.counting import Employee, Transfer, TransferItem, TransferStatus
from intake_gui.domain.models import Package, ReceiveDraft, Room
from intake_gui.domain.quantities import format_quantity
from intake_gui.domain.verification import LightKind, LightState, VerificationReport
from intake_gui.pos import errors as E
from intake_gui.pos.base import PosConnector, Transfers
from intake_gui.services.context import AppContext
from intake_gui.services.error_words import ClerkError

log = logging.getLogger(__name__)


def move_needed(
    report: VerificationReport, draft: ReceiveDraft, rooms: Mapping[int, Room] | None = None
) -> bool:
    """Whether the sellable light is red because stock sits in a room that is not a sales room.

    A red light for other reasons (still not visible after the waiting period, in a sales room) is not
    fixed by moving anything, so no move is offered for it.
    """
    light = report.by_kind(LightKind.SELLABLE)
    if light.state is not LightState.RED or not light.bad_lines:
        return False
    by_name = {r.name.casefold(): r for r in (rooms or {}).values()}
    by_name.setdefault(draft.room.name.casefold(), draft.room)
    for line in light.bad_lines:
        for name in line.room_name.split(","):
            room = by_name.get(name.strip().casefold())
            if room is not None and not room.sellable:
                return True
    return not draft.room.sellable


@dataclass(frozen=True)
class MoveLine:
    """One thing to move, with the words a clerk needs to find it."""

    item: TransferItem
    name: str
    label: str = ""
    """The package tag, when the move is by package."""

    @property
    def text(self) -> str:
        tag = f", package {self.label}" if self.label else ""
        return f"{format_quantity(self.item.quantity)} × {self.name} (SKU {self.item.sku}{tag})"


@dataclass(frozen=True)
class MoveOffer:
    draft: ReceiveDraft
    receipt_id: int
    supported: bool
    """True when the POS has an API for the move; otherwise `instructions` says where to do it by hand."""
    from_room: Room
    destinations: tuple[Room, ...]
    """The sales rooms the stock can go to, the likeliest first."""
    lines: tuple[MoveLine, ...]
    employees: tuple[Employee, ...] = ()
    instructions: str = ""
    note: str = ""
    """A caveat about this offer (e.g. the packages could not be read, so the POS picks oldest first)."""

    @property
    def items(self) -> tuple[TransferItem, ...]:
        return tuple(line.item for line in self.lines)

    @property
    def by_package(self) -> bool:
        return any(line.item.package_id is not None for line in self.lines)


class MoveError(ClerkError):
    """A move could not be made or its outcome is not what was asked; `message` is for the clerk."""


class MovingService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    @property
    def _conn(self) -> PosConnector:
        return self.ctx.connector

    @property
    def _transfers(self) -> Transfers | None:
        return self.ctx.capability(Transfers)  # type: ignore[type-abstract]  # a Protocol as a key: mypy#4717

    @property
    def supported(self) -> bool:
        return self._transfers is not None

    # ---- the offer --------------------------------------------------------------------------------

    def offer(self, draft: ReceiveDraft, receipt_id: int) -> MoveOffer:
        """What to move where: the receipt's packages in the non-sellable room, to a sales room."""
        loc = draft.location
        rooms = self._rooms(draft)
        packages, note = self._packages(draft, receipt_id)
        from_room = self._from_room(draft, packages, rooms)
        lines = self._lines(draft, packages, from_room)
        if not lines:
            raise MoveError(
                f"Nothing of receipt {receipt_id} is in {from_room.name} any more; there is nothing to move."
            )
        destinations = tuple(
            sorted(
                (r for r in rooms.values() if r.sellable and r.room_id != from_room.room_id),
                key=lambda r: r.name.casefold(),
            )
        )
        transfers = self._transfers
        supported = transfers is not None
        employees: tuple[Employee, ...] = ()
        if transfers is not None:
            employees = tuple(transfers.employees(loc))
        offer = MoveOffer(
            draft=draft,
            receipt_id=receipt_id,
            supported=supported,
            from_room=from_room,
            destinations=destinations,
            lines=lines,
            employees=employees,
            note=note,
        )
        if not supported:
            words = self.ctx.words
            offer = _with_instructions(
                offer,
                words.move_hint
                or f"{words.pos_name} has no API for moving stock between {words.room_word}s; move it "
                f"in {words.inventory_screen}.",
            )
        return offer

    def _rooms(self, draft: ReceiveDraft) -> dict[int, Room]:
        rooms = {draft.room.room_id: draft.room}
        try:
            rooms.update({r.room_id: r for r in self._conn.rooms(draft.location)})
        except E.PosError as exc:
            log.info("Rooms unavailable for the move offer: %s", exc.message)
        return rooms

    def _packages(self, draft: ReceiveDraft, receipt_id: int) -> tuple[list[Package], str]:
        try:
            return list(self._conn.packages_for_receipt(draft.location, receipt_id)), ""
        except E.PosError as exc:
            log.info("Packages unavailable for the move offer: %s", exc.message)
            return [], (
                "The receive's packages could not be read, so the move names products only; the POS "
                "takes the oldest stock of each product first, which may not be this delivery."
            )

    @staticmethod
    def _from_room(draft: ReceiveDraft, packages: list[Package], rooms: dict[int, Room]) -> Room:
        if not draft.room.sellable:
            return draft.room
        for package in packages:
            room = rooms.get(package.room_id) if package.room_id is not None else None
            if room is not None and not room.sellable:
                return room
        return draft.room

    @staticmethod
    def _lines(
        draft: ReceiveDraft, packages: list[Package], from_room: Room
    ) -> tuple[MoveLine, ...]:
        names = {ln.product_id: ln.name for ln in draft.lines}
        names_by_sku = {ln.sku.casefold(): ln.name for ln in draft.lines}
        here = [
            p
            for p in packages
            if p.quantity > 0
            and (
                p.room_id == from_room.room_id
                or (p.room_id is None and p.room_name.casefold() == from_room.name.casefold())
            )
        ]
        if here:
            out = []
            for p in here:
                product_id = p.product_id
                if product_id is None:
                    product_id = next(
                        (
                            ln.product_id
                            for ln in draft.lines
                            if ln.sku.casefold() == p.sku.casefold()
                        ),
                        None,
                    )
                if product_id is None:
                    continue
                name = names.get(product_id) or names_by_sku.get(p.sku.casefold()) or p.product_name
                out.append(
                    MoveLine(
                        TransferItem(
                            product_id=product_id,
                            quantity=p.quantity,
                            package_id=p.package_id,
                            sku=p.sku,
                        ),
                        name,
                        p.label,
                    )
                )
            return tuple(out)
        if packages:
            return ()  # the packages are known and none is in that room any more
        totals: dict[int, Decimal] = {}
        for ln in draft.lines:
            totals[ln.product_id] = totals.get(ln.product_id, Decimal(0)) + ln.quantity
        skus = {ln.product_id: ln.sku for ln in draft.lines}
        return tuple(
            MoveLine(TransferItem(product_id=pid, quantity=q, sku=skus[pid]), names[pid])
            for pid, q in totals.items()
        )

    # ---- the transfer -----------------------------------------------------------------------------

    def create(self, offer: MoveOffer, to_room: Room, employee_id: str) -> Transfer:
        """A pending transfer: nothing moves until a supervisor accepts it."""
        transfers = self._require(offer)
        if not to_room.sellable:
            raise MoveError(
                f"{to_room.name} is not a sales {self.ctx.words.room_word}; moving there would not make "
                "it sellable."
            )
        transfer = transfers.create_transfer(
            offer.draft.location, offer.from_room, to_room, offer.items, employee_id
        )
        self._record(offer, "move_created", transfer, employee_id)
        return transfer

    def accept(self, offer: MoveOffer, transfer: Transfer, employee_id: str) -> Transfer:
        """Accepting is what moves the stock. A lost answer is resolved by reading the transfer back."""
        transfers = self._require(offer)
        done = self._finish(
            transfers, transfer, employee_id, transfers.accept_transfer, TransferStatus.ACCEPTED
        )
        self._record(offer, "move_accepted", done, employee_id)
        return done

    def decline(self, offer: MoveOffer, transfer: Transfer, employee_id: str) -> Transfer:
        """Declining closes the transfer; nothing moves and the stock stays where it is."""
        transfers = self._require(offer)
        done = self._finish(
            transfers, transfer, employee_id, transfers.decline_transfer, TransferStatus.DECLINED
        )
        self._record(offer, "move_declined", done, employee_id)
        return done

    def _finish(
        self,
        transfers: Transfers,
        transfer: Transfer,
        employee_id: str,
        call: Callable[[str, str], Transfer],
        wanted: TransferStatus,
    ) -> Transfer:
        try:
            return call(transfer.id, employee_id)
        except E.OutcomeUnknown:
            log.info("Answer to %s of transfer %s lost; reading it back", wanted.value, transfer.id)
            now = transfers.transfer(transfer.id)
            if now.status is wanted:
                return now
            if now.status is TransferStatus.PENDING:
                raise MoveError(
                    f"The answer from {self._pos} was lost and transfer {transfer.number or transfer.id} "
                    "is still pending. Press the button again."
                ) from None
            raise MoveError(
                f"Transfer {transfer.number or transfer.id} is {now.status.value.lower()}, not "
                f"{wanted.value.lower()}."
            ) from None
        except E.ValidationRejected as exc:
            now = transfers.transfer(transfer.id)
            if now.status is wanted:
                return now
            if not now.open:
                raise MoveError(
                    f"Transfer {transfer.number or transfer.id} was already "
                    f"{now.status.value.lower()} in {self._pos}; nothing else was changed."
                ) from exc
            raise

    def _require(self, offer: MoveOffer) -> Transfers:
        transfers = self._transfers
        if not offer.supported or transfers is None:
            raise MoveError(offer.instructions or f"{self._pos} has no API for moving stock.")
        return transfers

    @property
    def _pos(self) -> str:
        return self.ctx.words.pos_name

    def _record(self, offer: MoveOffer, kind: str, transfer: Transfer, employee_id: str) -> None:
        self.ctx.writer.record_event_async(
            offer.draft.draft_id,
            kind,
            {
                "receipt_id": offer.receipt_id,
                "transfer_id": transfer.id,
                "transfer_number": transfer.number,
                "status": transfer.status.value,
                "from_room": transfer.from_room,
                "to_room": transfer.to_room,
                "employee_id": employee_id,
                "items": [
                    {
                        "product_id": i.product_id,
                        "sku": i.sku,
                        "quantity": str(i.quantity),
                        "package_id": None if i.package_id is None else str(i.package_id),
                    }
                    for i in transfer.items
                ],
            },
            actor=self.ctx.clerk,
            station=self.ctx.station,
        )


def manual_steps(offer: MoveOffer) -> str:
    """The move in words for a POS without an API: where to go, what to move, from where to where."""
    to = offer.destinations[0].name if offer.destinations else "a sales room"
    if len(offer.destinations) > 1:
        to += " (or " + ", ".join(r.name for r in offer.destinations[1:]) + ")"
    listing = "\n".join(f"• {line.text}" for line in offer.lines)
    return f"Move from {offer.from_room.name} to {to}:\n{listing}"


def _with_instructions(offer: MoveOffer, hint: str) -> MoveOffer:
    return replace(offer, instructions=f"{hint}\n\n{manual_steps(offer)}")


def transfer_words(transfer: Transfer, rooms: Iterable[Room]) -> str:
    """A transfer's state in one sentence for the dialog."""
    names = {r.room_id: r.name for r in rooms}
    frm = names.get(transfer.from_room, f"room {transfer.from_room}")
    to = names.get(transfer.to_room, f"room {transfer.to_room}")
    number = transfer.number or transfer.id
    if transfer.status is TransferStatus.PENDING:
        return f"Transfer {number} from {frm} to {to} is waiting for a supervisor. Nothing has moved yet."
    if transfer.status is TransferStatus.ACCEPTED:
        return f"Transfer {number} was accepted: the stock moved from {frm} to {to}."
    return f"Transfer {number} was declined: nothing moved, the stock is still in {frm}."
