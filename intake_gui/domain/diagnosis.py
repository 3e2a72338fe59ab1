"""From evidence to words: which light, which colour, and what the clerk should do about it.

Every failure the course and the integrators have seen gets one small rule function here, and each rule is
tested on its own. A light is decided by running its rules in order; the first rule that recognises the
evidence wins. Plain words go into `headline`/`what_happened`/`what_to_do` (a clerk at a loading dock reads
them); ids, endpoint names and the POS's own message go into `detail` (support reads that).

Two facts shape most of the wording:
- A receive that came back with a receipt id is recorded. Re-sending it would double the stock, so no message
  here ever suggests sending the same receive again once it may have landed.
- Stock can take minutes (reported up to an hour) to show up in some reads. "Not visible yet" is AMBER during
  the grace period and only turns RED after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from intake_gui.domain.models import HistoryRow, Location, Package, Room
from intake_gui.domain.verification import (
    Light,
    LightKind,
    LightState,
    LineCheck,
    ReadFailure,
    VerificationEvidence,
    VerificationReport,
    utc_now,
)

SANDBOXES_WITHOUT_ROOMS = {2862: "Illinois", 2869: "Ohio"}
"""The course's IL and OH sandboxes: receives there "succeed" but have no room to land in."""
SANDBOX_WITH_ROOMS = 1989
"""The course's AZ sandbox, which has inventory rooms."""

_ROOM_ACCESS_CHECK = (
    "in Backoffice > Settings > Rooms, check “Room accessible by menus” / “Assign Rooms To Menus” for the "
    "room the stock is in."
)
ROOM_ACCESS_HINT = (
    "If it stays empty, this login or API key may not have access to the room: "
    + _ROOM_ACCESS_CHECK
)
"""The AIQ lesson: a sellable-inventory read only shows rooms the login (or API key) is given access to."""


class Diagnosis(BaseModel):
    """An explanation outside the three lights: a refused submit, or a location Intake cannot receive into."""

    model_config = ConfigDict(frozen=True)

    headline: str
    what_happened: str = ""
    what_to_do: str = ""
    detail: str = ""
    safe_to_resend: bool = False
    """True only when the POS certainly recorded nothing, so sending the corrected draft cannot double stock."""
    go_back_to: str = ""
    """A wizard step value ("vendor", "room", "products") the clerk should return to, or "" to stay."""


# --------------------------------------------------------------------------------------------- helpers


def _qty(value: Decimal) -> str:
    """Decimals as a clerk writes them: 3, not 3.000 or 3E+0."""
    return format(value.normalize(), "f")


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _norm(sku: str) -> str:
    return sku.strip().casefold()


@dataclass
class _SkuGroup:
    """The draft's lines for one SKU; lines of the same SKU are checked together."""

    sku: str
    name: str
    quantity: Decimal
    product_ids: set[int] = field(default_factory=set)
    room_ids: set[int] = field(default_factory=set)
    line_count: int = 0
    packages: list[Package] = field(default_factory=list)


def _groups(ev: VerificationEvidence) -> dict[str, _SkuGroup]:
    """Draft lines by SKU, with the packages that belong to each (by SKU, else by product id)."""
    groups: dict[str, _SkuGroup] = {}
    for line in ev.draft.lines:
        group = groups.setdefault(
            _norm(line.sku), _SkuGroup(sku=line.sku, name=line.name, quantity=Decimal("0"))
        )
        group.quantity += line.quantity
        group.product_ids.add(line.product_id)
        if line.room_id is not None:
            group.room_ids.add(line.room_id)
        group.line_count += 1
    by_product = {pid: g for g in groups.values() for pid in g.product_ids}
    for package in ev.packages or ():
        group = groups.get(_norm(package.sku))
        if group is None and package.product_id is not None:
            group = by_product.get(package.product_id)
        if group is not None:
            group.packages.append(package)
    return groups


def _unmatched_packages(ev: VerificationEvidence, groups: dict[str, _SkuGroup]) -> list[Package]:
    matched = {id(p) for g in groups.values() for p in g.packages}
    return [p for p in ev.packages or () if id(p) not in matched]


def _room_of(ev: VerificationEvidence, room_id: int | None, room_name: str = "") -> Room | None:
    if room_id is not None and room_id in ev.rooms:
        return ev.rooms[room_id]
    if room_id is not None and room_id == ev.draft.room.room_id:
        return ev.draft.room
    if room_name:
        for room in ev.rooms.values():
            if room.name.casefold() == room_name.casefold():
                return room
    return None


def _package_room_name(ev: VerificationEvidence, package: Package) -> str:
    if package.room_name:
        return package.room_name
    room = _room_of(ev, package.room_id)
    if room is not None:
        return room.name
    return f"room #{package.room_id}" if package.room_id is not None else ""


def _sales_room_names(ev: VerificationEvidence) -> list[str]:
    return sorted(room.name for room in ev.rooms.values() if room.sellable)


def _has_token(ev: VerificationEvidence, row: HistoryRow) -> bool:
    token = ev.draft.token.strip().casefold()
    return bool(token) and token in row.title.casefold()


def _is_ours(ev: VerificationEvidence, row: HistoryRow) -> bool:
    return row.receipt_id == ev.receipt_id or _has_token(ev, row)


def _our_row(ev: VerificationEvidence) -> HistoryRow | None:
    """Our history row: by receipt id first, else by the idempotency token echoed in the title."""
    rows = ev.history or ()
    for row in rows:
        if row.receipt_id == ev.receipt_id:
            return row
    for row in rows:
        if _is_ours(ev, row):
            return row
    return None


def _duplicates(ev: VerificationEvidence) -> list[HistoryRow]:
    """Other receipts carrying our token: the same draft was recorded more than once."""
    return [
        row for row in ev.history or () if row.receipt_id != ev.receipt_id and _has_token(ev, row)
    ]


def _minutes(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return f"{minutes} {_plural(minutes, 'minute', 'minutes')}"


def _waited(ev: VerificationEvidence) -> str:
    return (
        f"{_minutes(ev.seconds_since_submit)} after the submit"
        if ev.seconds_since_submit
        else "yet"
    )


# ------------------------------------------------------------------------------- failed reads


_WHAT_IS_READ = {
    LightKind.PACKAGES: "the packages a receive created",
    LightKind.HISTORY: "the receive history",
    LightKind.SELLABLE: "sellable inventory",
}


def failed_read_light(
    kind: LightKind, failure: ReadFailure | None, message: str, ev: VerificationEvidence
) -> Light:
    """A read that produced no data says nothing about the receive: grey, or amber when time may help."""
    what = _WHAT_IS_READ[kind]
    recorded = (
        f"The receive itself is recorded (receipt {ev.receipt_id}); only this check is missing."
    )
    detail = f"read failure: {failure.value if failure else 'not read'}"
    if message:
        detail += f"; POS said: {message}"

    def light(state: LightState, headline: str, happened: str, todo: str) -> Light:
        return Light(
            kind=kind,
            state=state,
            headline=headline,
            what_happened=happened,
            what_to_do=todo,
            detail=detail,
        )

    if failure is ReadFailure.NOT_PERMITTED:
        return light(
            LightState.GREY,
            "Could not be checked: this login is not permitted to read it.",
            f"This login is not permitted to read {what}. That is not fatal for intake. {recorded}",
            "A manager can check it in Backoffice.",
        )
    if failure is ReadFailure.RATE_LIMITED:
        return light(
            LightState.AMBER,
            "The POS asked Intake to slow down; it will re-check shortly.",
            f"The POS allows about 60 requests a minute per login and refused to read {what} "
            f"for now. {recorded}",
            "Nothing to do: Intake re-checks automatically in a moment.",
        )
    if failure is ReadFailure.CONNECTION:
        return light(
            LightState.AMBER if ev.within_grace else LightState.GREY,
            "Could not reach the POS to check this.",
            f"The network failed while reading {what}. {recorded}",
            "Check the network; Intake re-checks when it is back."
            if ev.within_grace
            else "Check the network, then press Re-check.",
        )
    if failure is ReadFailure.NOT_SUPPORTED:
        return light(
            LightState.GREY,
            "Not checked: this POS has no API for this check.",
            f"This point-of-sale system offers no way to read {what}. {recorded}",
            "A manager can confirm it in the POS itself.",
        )
    if failure is ReadFailure.ROOM_ACCESS:
        return light(
            LightState.GREY,
            "Could not be checked: this login cannot see the room.",
            f"The POS answered, but this login has no access to the room when reading {what}. "
            f"{recorded}",
            "This login or API key may not have access to the room: " + _ROOM_ACCESS_CHECK,
        )
    if failure is ReadFailure.NOT_FOUND:
        return light(
            LightState.GREY,
            "Could not be checked: the POS does not know this request.",
            f"The POS answered “not found” when asked for {what}; the address may differ for this "
            f"company. {recorded}",
            "Tell support (the technical detail names the request); a manager can check it in "
            "Backoffice meanwhile.",
        )
    if failure in (ReadFailure.SERVER, ReadFailure.MALFORMED):
        return light(
            LightState.GREY,
            "Could not be checked: the POS had a problem answering.",
            f"The POS failed while reading {what}"
            + (" (its answer could not be read)" if failure is ReadFailure.MALFORMED else "")
            + f". {recorded}",
            "Press Re-check in a few minutes; a manager can check it in Backoffice.",
        )
    return light(
        LightState.GREY,
        "Not checked.",
        f"Intake has no answer for {what}. {recorded}",
        "Press Re-check.",
    )


# ------------------------------------------------------------------------------------ packages

LightRule = Callable[[VerificationEvidence], Light | None]


def packages_read_failed(ev: VerificationEvidence) -> Light | None:
    if ev.packages is not None:
        return None
    return failed_read_light(LightKind.PACKAGES, ev.packages_failure, ev.packages_message, ev)


def _rooms_sent(ev: VerificationEvidence) -> str:
    ids = sorted({ln.room_id for ln in ev.draft.lines if ln.room_id is not None})
    return ", ".join(str(i) for i in ids) or "none"


def packages_orphaned(ev: VerificationEvidence) -> Light | None:
    """History shows products but there are no packages: the course's orphaned receive (or a wrong id)."""
    if ev.packages is None or ev.packages:
        return None
    row = _our_row(ev)
    if row is None or row.product_count <= 0:
        return None
    rid = ev.receipt_id
    return Light(
        kind=LightKind.PACKAGES,
        state=LightState.RED,
        headline="The receive was recorded, but the POS lists no packages for it.",
        what_happened=(
            f"Receipt {rid} is in the receive history with {row.product_count} "
            f"{_plural(row.product_count, 'product', 'products')}, yet no packages came back. Either the "
            "lines reached the POS without a room, so it recorded the receive but created no stock (an "
            "“orphaned” receive), or the packages were read with the wrong id (Id instead of "
            "ReceiveInventoryHistoryId), which returns an empty list without any error."
        ),
        what_to_do=(
            f"Do not send this receive again: if the stock does exist it would be doubled. Contact "
            f"support with receipt id {rid}; a manager can open the receipt in Backoffice to see "
            "whether packages exist."
        ),
        detail=(
            f"get-packages-from-receive(ReceiveInventoryHistoryId={rid}) returned []; history row "
            f"{row.receipt_id}: Status={row.status!r}, Products={row.product_count}; Intake sent "
            f"RoomId {_rooms_sent(ev)} on every line."
        ),
    )


def packages_all_dropped(ev: VerificationEvidence) -> Light | None:
    """History shows the receive with zero products: every line matched nothing."""
    if ev.packages is None or ev.packages:
        return None
    row = _our_row(ev)
    if row is None or row.product_count > 0:
        return None
    n = len(ev.draft.lines)
    skus = ", ".join(ln.sku for ln in ev.draft.lines)
    return Light(
        kind=LightKind.PACKAGES,
        state=LightState.RED,
        headline=f"All {n} {_plural(n, 'line was', 'lines were')} dropped by the POS.",
        what_happened=(
            f"Receipt {ev.receipt_id} was recorded with no products and no packages. The POS silently "
            f"drops lines that match nothing at this location: {skus}."
        ),
        what_to_do=(
            "Check that these products exist at this location with these SKUs (Backoffice product "
            "catalog), re-sync the catalog in Intake, then receive them in a new receive."
        ),
        detail=f"history row {row.receipt_id}: Products=0, Status={row.status!r}; packages: []",
    )


def packages_not_visible_yet(ev: VerificationEvidence) -> Light | None:
    """No packages and no history yet: usually a delay, until the grace period says otherwise."""
    if ev.packages is None or ev.packages:
        return None
    if ev.within_grace:
        return Light(
            kind=LightKind.PACKAGES,
            state=LightState.AMBER,
            headline="No packages visible yet; Intake will re-check.",
            what_happened=(
                f"The POS gave receipt {ev.receipt_id} but lists no packages for it {_waited(ev)}. "
                "New stock can take a few minutes to appear."
            ),
            what_to_do="Nothing yet: Intake re-checks automatically. Do not send the receive again.",
            detail=(
                f"get-packages-from-receive({ev.receipt_id}) returned []; history: "
                + ("unavailable" if ev.history is None else "no row for this receipt yet")
            ),
        )
    return Light(
        kind=LightKind.PACKAGES,
        state=LightState.RED,
        headline="Still no packages for this receive.",
        what_happened=(
            f"{_minutes(ev.seconds_since_submit)} after the submit the POS lists no packages for "
            f"receipt {ev.receipt_id}, and the receive history does not show it either."
        ),
        what_to_do=(
            f"Do not send it again. Contact support with receipt id {ev.receipt_id}; a manager can look "
            "the receipt up in Backoffice."
        ),
        detail=(
            f"get-packages-from-receive({ev.receipt_id}) returned [] after "
            f"{ev.seconds_since_submit:.0f}s (grace {ev.propagation_grace_s:.0f}s)"
        ),
    )


def _package_checks(ev: VerificationEvidence) -> list[LineCheck]:
    checks: list[LineCheck] = []
    for group in _groups(ev).values():
        if not group.packages:
            checks.append(
                LineCheck(
                    sku=group.sku,
                    name=group.name,
                    expected=group.quantity,
                    found=None,
                    ok=False,
                    note="no package: dropped by the POS",
                )
            )
            continue
        found = sum((p.quantity for p in group.packages), Decimal("0"))
        rooms = ", ".join(dict.fromkeys(_package_room_name(ev, p) for p in group.packages))
        ok = found == group.quantity
        checks.append(
            LineCheck(
                sku=group.sku,
                name=group.name,
                expected=group.quantity,
                found=found,
                room_name=rooms,
                ok=ok,
                note="" if ok else f"sent {_qty(group.quantity)}, package has {_qty(found)}",
            )
        )
    return checks


def _package_detail(ev: VerificationEvidence) -> str:
    groups = _groups(ev)
    parts = [
        f"receipt {ev.receipt_id}: {len(ev.packages or ())} packages for {len(ev.draft.lines)} lines"
    ]
    extra = _unmatched_packages(ev, groups)
    if extra:
        parts.append(
            "packages matching no line: " + ", ".join(f"{p.sku}×{_qty(p.quantity)}" for p in extra)
        )
    return "; ".join(parts)


def packages_dropped_lines(ev: VerificationEvidence) -> Light | None:
    """Fewer packages than lines: the POS silently dropped the lines that matched nothing."""
    if not ev.packages:
        return None
    checks = _package_checks(ev)
    groups = _groups(ev)
    dropped = [g for g in groups.values() if not g.packages]
    if not dropped:
        return None
    n = sum(g.line_count for g in dropped)
    skus = ", ".join(g.sku for g in dropped)
    wrong = [c for c in checks if c.found is not None and not c.ok]
    happened = (
        f"The POS created packages for the other lines but none for {skus}. It silently drops lines that "
        "match nothing at this location."
    )
    if wrong:
        happened += " The quantity is also wrong for " + ", ".join(c.sku for c in wrong) + "."
    return Light(
        kind=LightKind.PACKAGES,
        state=LightState.RED,
        headline=f"{n} {_plural(n, 'line was', 'lines were')} dropped by the POS: {skus}.",
        what_happened=happened,
        what_to_do=(
            "Check that each of these products exists at this location with this SKU (Backoffice product "
            "catalog). Then receive only the missing lines in a new receive; the other lines are already "
            "in stock, so do not send this receive again."
        ),
        detail=_package_detail(ev),
        lines=tuple(checks),
    )


def packages_wrong_quantity(ev: VerificationEvidence) -> Light | None:
    if not ev.packages:
        return None
    checks = _package_checks(ev)
    wrong = [c for c in checks if not c.ok]
    if not wrong:
        return None
    listing = "; ".join(f"{c.sku}: {c.note}" for c in wrong)
    return Light(
        kind=LightKind.PACKAGES,
        state=LightState.RED,
        headline=(
            f"The POS recorded a different quantity for {len(wrong)} "
            f"{_plural(len(wrong), 'product', 'products')}."
        ),
        what_happened=f"The packages exist but do not hold what was sent. {listing}.",
        what_to_do=(
            "A manager can correct the package quantity in Backoffice. Do not send the receive again: it "
            "would add the full quantity a second time."
        ),
        detail=_package_detail(ev),
        lines=tuple(checks),
    )


def packages_match(ev: VerificationEvidence) -> Light | None:
    if not ev.packages:
        return None
    checks = _package_checks(ev)
    if not all(c.ok for c in checks):
        return None
    n = len(checks)
    return Light(
        kind=LightKind.PACKAGES,
        state=LightState.GREEN,
        headline=f"{n} {_plural(n, 'package', 'packages')} created with the right quantities.",
        what_happened="Every line sent has a package with the same product and quantity.",
        detail=_package_detail(ev),
        lines=tuple(checks),
    )


PACKAGE_RULES: tuple[LightRule, ...] = (
    packages_read_failed,
    packages_orphaned,
    packages_all_dropped,
    packages_not_visible_yet,
    packages_dropped_lines,
    packages_wrong_quantity,
    packages_match,
)


# ------------------------------------------------------------------------------------- history


def history_read_failed(ev: VerificationEvidence) -> Light | None:
    if ev.history is not None:
        return None
    return failed_read_light(LightKind.HISTORY, ev.history_failure, ev.history_message, ev)


def history_duplicate(ev: VerificationEvidence) -> Light | None:
    """Our idempotency token on another receipt: this draft was received twice."""
    dups = _duplicates(ev)
    if not dups:
        return None
    ids = ", ".join(str(r.receipt_id) for r in dups)
    return Light(
        kind=LightKind.HISTORY,
        state=LightState.RED,
        headline="This receive appears more than once in the history.",
        what_happened=(
            f"Besides receipt {ev.receipt_id}, the history has receipt {ids} with the same Intake tag "
            f"({ev.draft.token}), so the stock may have been added twice."
        ),
        what_to_do=(
            "Do not send anything else. Ask a manager to compare the receipts in Backoffice and reverse "
            "the extra one."
        ),
        detail=f"token {ev.draft.token} on receipts {ev.receipt_id}, {ids}",
    )


def history_missing(ev: VerificationEvidence) -> Light | None:
    if ev.history is None or _our_row(ev) is not None:
        return None
    looked = (
        f"looked at {len(ev.history)} history rows for receipt {ev.receipt_id} / {ev.draft.token}"
    )
    if ev.within_grace:
        return Light(
            kind=LightKind.HISTORY,
            state=LightState.AMBER,
            headline="Not in the receive history yet; Intake will re-check.",
            what_happened=(
                f"The POS gave receipt {ev.receipt_id} but its receive history does not show it "
                f"{_waited(ev)}. History can lag behind a receive by a few minutes."
            ),
            what_to_do="Nothing yet: Intake re-checks automatically. Do not send the receive again.",
            detail=looked,
        )
    return Light(
        kind=LightKind.HISTORY,
        state=LightState.RED,
        headline="The receive is still missing from the history.",
        what_happened=(
            f"{_minutes(ev.seconds_since_submit)} after the submit, receipt {ev.receipt_id} is not in the "
            "receive history."
        ),
        what_to_do=(
            f"Do not send it again. Contact support with receipt id {ev.receipt_id}; a manager can search "
            "the receive history in Backoffice."
        ),
        detail=looked,
    )


def history_wrong_status(ev: VerificationEvidence) -> Light | None:
    row = _our_row(ev)
    if row is None or row.status.strip().casefold() == "received":
        return None
    return Light(
        kind=LightKind.HISTORY,
        state=LightState.RED,
        headline=f"The POS recorded this receive as “{row.status or 'no status'}”, not “Received”.",
        what_happened=(
            f"Receipt {row.receipt_id} exists but is not marked Received, so its stock may not have "
            "been added."
        ),
        what_to_do=(
            f"Do not send it again. A manager can open receipt {row.receipt_id} in Backoffice and "
            "complete it; contact support if it cannot be completed there."
        ),
        detail=f"history row {row.receipt_id}: Status={row.status!r}, expected 'Received'",
    )


def _vendor_matches(ev: VerificationEvidence, row: HistoryRow) -> bool:
    vendor = ev.draft.vendor
    if row.vendor_id is not None:
        return row.vendor_id == vendor.vendor_id
    if row.vendor_name:
        return row.vendor_name.strip().casefold() == vendor.name.strip().casefold()
    return True


def history_wrong_vendor(ev: VerificationEvidence) -> Light | None:
    row = _our_row(ev)
    if row is None or _vendor_matches(ev, row):
        return None
    vendor = ev.draft.vendor
    shown = row.vendor_name or f"vendor #{row.vendor_id}"
    return Light(
        kind=LightKind.HISTORY,
        state=LightState.RED,
        headline=f"The receive is recorded under {shown}, not {vendor.name}.",
        what_happened=f"Receipt {row.receipt_id} names a different vendor than the one chosen.",
        what_to_do=(
            f"A manager can correct the vendor on receipt {row.receipt_id} in Backoffice. The stock is "
            "received: do not send it again."
        ),
        detail=(
            f"history row {row.receipt_id}: VendorId={row.vendor_id}, VendorName={row.vendor_name!r}; "
            f"sent VendorId={vendor.vendor_id} ({vendor.name!r})"
        ),
    )


def history_wrong_count(ev: VerificationEvidence) -> Light | None:
    row = _our_row(ev)
    sent = len(ev.draft.lines)
    if row is None or row.product_count == sent:
        return None
    fewer = row.product_count < sent
    return Light(
        kind=LightKind.HISTORY,
        state=LightState.RED,
        headline=(
            f"The history shows {row.product_count} {_plural(row.product_count, 'product', 'products')}; "
            f"{sent} {_plural(sent, 'was', 'were')} sent."
        ),
        what_happened=(
            "The POS dropped some lines: it silently skips lines that match nothing at this location."
            if fewer
            else "The POS recorded more products than were sent."
        ),
        what_to_do=(
            "See the Packages light for which products are missing and receive only those again."
            if fewer
            else f"Ask a manager to check receipt {row.receipt_id} in Backoffice."
        ),
        detail=f"history row {row.receipt_id}: Products={row.product_count}; lines sent={sent}",
    )


def history_match(ev: VerificationEvidence) -> Light | None:
    row = _our_row(ev)
    if row is None:
        return None
    detail = (
        f"history row {row.receipt_id}: Status={row.status!r}, Vendor={row.vendor_name!r}, "
        f"Products={row.product_count}, "
        f"received_at={row.received_at.isoformat() if row.received_at else 'unknown'}"
    )
    title = row.title.strip()
    if title and title != ev.draft.wire_title and ev.draft.token.casefold() not in title.casefold():
        detail += f"; title differs: {title!r} (sent {ev.draft.wire_title!r})"
    return Light(
        kind=LightKind.HISTORY,
        state=LightState.GREEN,
        headline="Recorded in the receive history as Received.",
        what_happened=(
            f"Receipt {row.receipt_id} is in the history with the right vendor and "
            f"{row.product_count} {_plural(row.product_count, 'product', 'products')}."
        ),
        detail=detail,
    )


HISTORY_RULES: tuple[LightRule, ...] = (
    history_read_failed,
    history_duplicate,
    history_missing,
    history_wrong_status,
    history_wrong_vendor,
    history_wrong_count,
    history_match,
)


# ------------------------------------------------------------------------------------ sellable


class RoomVerdict(StrEnum):
    SELLABLE = "sellable"
    NOT_SELLABLE = "not_sellable"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class _SellableCheck:
    check: LineCheck
    verdict: RoomVerdict
    room_names: tuple[str, ...]


def _rooms_for(ev: VerificationEvidence, group: _SkuGroup) -> tuple[RoomVerdict, tuple[str, ...]]:
    """Where this SKU's stock is, from the package records when there are any, else from the draft."""
    places: list[tuple[Room | None, str]] = []
    if group.packages:
        for p in group.packages:
            places.append((_room_of(ev, p.room_id, p.room_name), _package_room_name(ev, p)))
    else:
        for room_id in sorted(group.room_ids) or [ev.draft.room.room_id]:
            room = _room_of(ev, room_id)
            places.append((room, room.name if room else f"room #{room_id}"))
    names = tuple(dict.fromkeys(name for _, name in places if name))
    rooms = [room for room, _ in places]
    if any(room is not None and not room.sellable for room in rooms):
        return RoomVerdict.NOT_SELLABLE, names
    if rooms and all(room is not None and room.sellable for room in rooms):
        return RoomVerdict.SELLABLE, names
    return RoomVerdict.UNKNOWN, names


def _sellable_checks(ev: VerificationEvidence) -> list[_SellableCheck]:
    after = {_norm(k): v for k, v in (ev.sellable_after or {}).items()}
    before = (
        None if ev.sellable_before is None else {_norm(k): v for k, v in ev.sellable_before.items()}
    )
    out: list[_SellableCheck] = []
    for key, group in _groups(ev).items():
        now = after.get(key)
        verdict, names = _rooms_for(ev, group)
        if before is None:
            found = now
            ok = now is not None and now >= group.quantity
            note = "no baseline: compared the total on hand"
        else:
            found = None if now is None else now - before.get(key, Decimal("0"))
            ok = found is not None and found >= group.quantity
            note = ""
            if found is not None and Decimal("0") < found < group.quantity:
                note = f"grew by {_qty(found)} of {_qty(group.quantity)}; a sale since the receive would explain it"
        if not ok and now is None:
            note = "not in sellable inventory"
        out.append(
            _SellableCheck(
                check=LineCheck(
                    sku=group.sku,
                    name=group.name,
                    expected=group.quantity,
                    found=found,
                    room_name=", ".join(names),
                    ok=ok,
                    note=note,
                ),
                verdict=verdict,
                room_names=names,
            )
        )
    return out


def _sellable_detail(ev: VerificationEvidence, checks: list[_SellableCheck]) -> str:
    base = "baseline read before submit" if ev.sellable_before is not None else "no baseline"
    rows = "; ".join(
        f"{c.check.sku}: expected +{_qty(c.check.expected)}, found "
        f"{'none' if c.check.found is None else _qty(c.check.found)} in {c.check.room_name or '?'} "
        f"({c.verdict.value})"
        for c in checks
    )
    return f"{base}; {len(ev.sellable_after or {})} SKUs in the sellable read; {rows}"


def sellable_not_supported(ev: VerificationEvidence) -> Light | None:
    if ev.sellable_supported:
        return None
    return failed_read_light(LightKind.SELLABLE, ReadFailure.NOT_SUPPORTED, "", ev)


def sellable_read_failed(ev: VerificationEvidence) -> Light | None:
    if ev.sellable_after is not None:
        return None
    return failed_read_light(LightKind.SELLABLE, ev.sellable_failure, ev.sellable_message, ev)


def sellable_in_non_sellable_room(ev: VerificationEvidence) -> Light | None:
    """The course's mastery case: packages exist but sit in a room customers cannot buy from."""
    if ev.sellable_after is None:
        return None
    checks = _sellable_checks(ev)
    stuck = [c for c in checks if not c.check.ok and c.verdict is RoomVerdict.NOT_SELLABLE]
    if not stuck:
        return None
    names = tuple(dict.fromkeys(n for c in stuck for n in c.room_names))
    where = ", ".join(names) or "a storage room"
    sales = _sales_room_names(ev)
    sales_hint = f" such as {sales[0]}" if sales else ""
    chosen = ev.draft.room
    if not chosen.sellable and chosen.name in names:
        happened = (
            f"The stock went into {where}, as chosen, which is not a sales room, so customers cannot "
            "buy it yet."
        )
    else:
        happened = (
            f"The packages exist, but they are in {where}, which is not a sales room, so the stock does "
            "not show as sellable."
        )
    skus = ", ".join(c.check.sku for c in stuck)
    return Light(
        kind=LightKind.SELLABLE,
        state=LightState.RED,
        headline=f"Not sellable: the packages are in {where}, which is not a sales room.",
        what_happened=f"{happened} Affected: {skus}.",
        what_to_do=(
            f"Move them to a sales room{sales_hint} in Backoffice > Inventory, or receive into a sellable "
            "room next time. Do not receive them again."
        ),
        detail=_sellable_detail(ev, checks) + "; room taken from the package records (RoomName)",
        lines=tuple(c.check for c in checks),
    )


def location_sellable_empty(ev: VerificationEvidence) -> bool:
    """Whether nothing at all is sellable at the location, as far as the evidence can tell.

    Known for sure from `sellable_location_rows`. Without it, only a read that evidently covered the
    whole location (it lists SKUs we did not receive) can show it; an empty read filtered to our own SKUs
    proves nothing beyond "not there yet".
    """
    if ev.sellable_after is None:
        return False
    if ev.sellable_location_rows is not None:
        return ev.sellable_location_rows == 0
    ours = {_norm(ln.sku) for ln in ev.draft.lines}
    foreign = [k for k in ev.sellable_after if _norm(k) not in ours]
    return bool(foreign) and not any(q > 0 for q in ev.sellable_after.values())


def sellable_room_access(ev: VerificationEvidence) -> Light | None:
    """Nothing at all is sellable at the location though our stock is in a sales room: the AIQ lesson."""
    if not location_sellable_empty(ev):
        return None
    checks = _sellable_checks(ev)
    if all(c.check.ok for c in checks) or not all(
        c.verdict is RoomVerdict.SELLABLE for c in checks
    ):
        return None
    where = ", ".join(dict.fromkeys(n for c in checks for n in c.room_names))
    state = LightState.AMBER if ev.within_grace else LightState.RED
    return Light(
        kind=LightKind.SELLABLE,
        state=state,
        headline="Sellable inventory reads as empty for the whole location.",
        what_happened=(
            f"The packages are in {where}, a sales room, yet the POS lists nothing sellable at this "
            "location at all — not just these products. New stock can take minutes to appear, but an "
            "empty list usually means this login cannot see the room."
        ),
        what_to_do=(
            ("Intake re-checks automatically. " if state is LightState.AMBER else "")
            + ROOM_ACCESS_HINT
        ),
        detail=_sellable_detail(ev, checks),
        lines=tuple(c.check for c in checks),
    )


def sellable_propagation(ev: VerificationEvidence) -> Light | None:
    """Stock in a sales room that is not counted yet: a delay during the grace period, a problem after it."""
    if ev.sellable_after is None:
        return None
    checks = _sellable_checks(ev)
    missing = [c for c in checks if not c.check.ok]
    if not missing:
        return None
    skus = ", ".join(c.check.sku for c in missing)
    lines = tuple(c.check for c in checks)
    if ev.within_grace:
        return Light(
            kind=LightKind.SELLABLE,
            state=LightState.AMBER,
            headline="Not sellable yet; stock can take a few minutes to appear.",
            what_happened=(
                f"{skus}: the stock is in a sales room but not counted as sellable {_waited(ev)}. The POS "
                "can take minutes (reported up to an hour) to show new stock."
            ),
            what_to_do="Nothing yet: Intake re-checks automatically. Do not send the receive again.",
            detail=_sellable_detail(ev, checks),
            lines=lines,
        )
    return Light(
        kind=LightKind.SELLABLE,
        state=LightState.RED,
        headline="Still not sellable after the waiting period.",
        what_happened=(
            f"{_minutes(ev.seconds_since_submit)} after the submit, {skus} "
            f"{_plural(len(missing), 'is', 'are')} still not counted as sellable."
        ),
        what_to_do=(
            "Check in Backoffice > Inventory which room the packages are in and that it is a sales room. "
            + ROOM_ACCESS_HINT
        ),
        detail=_sellable_detail(ev, checks),
        lines=lines,
    )


def sellable_grown(ev: VerificationEvidence) -> Light | None:
    if ev.sellable_after is None:
        return None
    checks = _sellable_checks(ev)
    if not all(c.check.ok for c in checks):
        return None
    weaker = ev.sellable_before is None
    return Light(
        kind=LightKind.SELLABLE,
        state=LightState.GREEN,
        headline="The stock is sellable.",
        what_happened=(
            "Every product shows at least the received quantity in sellable inventory. The count before "
            "the receive could not be read, so this compares the total on hand, which is a weaker check."
            if weaker
            else "Sellable inventory grew by the received quantity for every product."
        ),
        detail=_sellable_detail(ev, checks),
        lines=tuple(c.check for c in checks),
    )


SELLABLE_RULES: tuple[LightRule, ...] = (
    sellable_not_supported,
    sellable_read_failed,
    sellable_in_non_sellable_room,
    sellable_room_access,
    sellable_propagation,
    sellable_grown,
)


# ------------------------------------------------------------------------------------- entry points


def _first(rules: Iterable[LightRule], ev: VerificationEvidence) -> Light:
    for rule in rules:
        light = rule(ev)
        if light is not None:
            return light
    raise AssertionError("the last rule of every light always answers")  # pragma: no cover


def packages_light(ev: VerificationEvidence) -> Light:
    return _first(PACKAGE_RULES, ev)


def history_light(ev: VerificationEvidence) -> Light:
    return _first(HISTORY_RULES, ev)


def sellable_light(ev: VerificationEvidence) -> Light:
    return _first(SELLABLE_RULES, ev)


def diagnose(
    evidence: VerificationEvidence, *, attempt: int = 1, checked_at: datetime | None = None
) -> VerificationReport:
    """The three lights for one verification attempt."""
    return VerificationReport(
        receipt_id=evidence.receipt_id,
        lights=(packages_light(evidence), history_light(evidence), sellable_light(evidence)),
        checked_at=checked_at or utc_now(),
        attempt=attempt,
    )


# ------------------------------------------------------------------------------------ submit errors


class SubmitErrorKind(StrEnum):
    VALIDATION = "validation"
    RATE_LIMITED = "rate_limited"
    SESSION = "session"
    CONNECTION = "connection"
    OUTCOME_UNKNOWN = "outcome_unknown"
    PERMISSION = "permission"
    NOT_FOUND = "not_found"
    SERVER = "server"
    NOT_SUPPORTED = "not_supported"
    UNKNOWN = "unknown"


_KIND_ALIASES = {
    # the class names in pos.errors, so services may pass type(exc).__name__ as it is
    "validationrejected": SubmitErrorKind.VALIDATION,
    "invalidrequest": SubmitErrorKind.VALIDATION,
    "ratelimited": SubmitErrorKind.RATE_LIMITED,
    "authenticationerror": SubmitErrorKind.SESSION,
    "authentication": SubmitErrorKind.SESSION,
    "permissiondenied": SubmitErrorKind.PERMISSION,
    "notfound": SubmitErrorKind.NOT_FOUND,
    "servererror": SubmitErrorKind.SERVER,
    "malformedresponse": SubmitErrorKind.OUTCOME_UNKNOWN,
    "malformed": SubmitErrorKind.OUTCOME_UNKNOWN,
    "connectionfailed": SubmitErrorKind.CONNECTION,
    "requesttimeout": SubmitErrorKind.OUTCOME_UNKNOWN,
    "timeout": SubmitErrorKind.OUTCOME_UNKNOWN,
    "outcomeunknown": SubmitErrorKind.OUTCOME_UNKNOWN,
    "notsupported": SubmitErrorKind.NOT_SUPPORTED,
}
"""A timeout or an unreadable answer to a write may hide a receive that landed: both count as outcome unknown."""


def submit_error_kind(kind: str) -> SubmitErrorKind:
    """Accept our enum values or a pos.errors class name; anything else is UNKNOWN rather than an error."""
    key = kind.strip().casefold().replace("-", "_").replace(" ", "_")
    try:
        return SubmitErrorKind(key)
    except ValueError:
        return _KIND_ALIASES.get(key.replace("_", ""), SubmitErrorKind.UNKNOWN)


_SECRET = re.compile(
    r"""(?P<key>password|passwd|pwd|session_?id|llsession|cookie|api_?key|token)(?P<sep>["']?\s*[:=]\s*["']?)"""
    r"""[^"'\s,;}&]+""",
    re.IGNORECASE,
)


def scrub(text: str, limit: int = 600) -> str:
    """Keep a POS message fit for a detail pane: no credential-looking values, bounded length."""
    text = _SECRET.sub(lambda m: f"{m['key']}{m['sep']}***", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


NOTHING_RECEIVED = (
    "Nothing was received, so correcting it and sending again cannot double the stock."
)


def _null_status(msg: str) -> Diagnosis | None:
    if not re.search(r"cannot insert the value null into column '?status", msg, re.I):
        return None
    return Diagnosis(
        headline="The POS refused the receive: it says the Status is missing.",
        what_happened=(
            "Intake always sends Status “Received”, so this POS account expects something different — "
            "a difference in how this company's POS is set up. " + NOTHING_RECEIVED
        ),
        what_to_do="Contact support and show them the technical detail. The draft is kept.",
        safe_to_resend=True,
    )


def _null_column(msg: str) -> Diagnosis | None:
    match = re.search(r"cannot insert the value null into column '([^']+)'", msg, re.I)
    if not match:
        return None
    return Diagnosis(
        headline=f"The POS refused the receive: a required field ({match[1]}) is missing.",
        what_happened=(
            "The POS expects a field Intake does not send for this company — a difference in how this "
            "POS is set up. " + NOTHING_RECEIVED
        ),
        what_to_do="Contact support and show them the technical detail. The draft is kept.",
        safe_to_resend=True,
    )


def _rate_limit_msg(msg: str) -> Diagnosis | None:
    if not re.search(r"too many requests|rate limit|per minute", msg, re.I):
        return None
    return _rate_limited()


def _rate_limited() -> Diagnosis:
    return Diagnosis(
        headline="The POS asked Intake to slow down.",
        what_happened="It allows about 60 requests a minute per login. " + NOTHING_RECEIVED,
        what_to_do="Wait a minute, then submit again.",
        safe_to_resend=True,
    )


def _session_msg(msg: str) -> Diagnosis | None:
    if not re.search(
        r"session (has )?(expired|timed out|invalid|not found)|invalid session|not logged in"
        r"|log ?in required|unauthori[sz]ed",
        msg,
        re.I,
    ):
        return None
    return _session_expired()


def _session_expired() -> Diagnosis:
    return Diagnosis(
        headline="The POS session expired.",
        what_happened="The POS no longer accepted this login. " + NOTHING_RECEIVED,
        what_to_do="Sign in again, then submit. The draft is kept.",
        safe_to_resend=True,
    )


def _permission_msg(msg: str) -> Diagnosis | None:
    if not re.search(r"not permitted|permission|access denied|forbidden", msg, re.I):
        return None
    return _permission()


def _permission() -> Diagnosis:
    return Diagnosis(
        headline="This login is not allowed to receive inventory.",
        what_happened="The POS refused the receive for this user. " + NOTHING_RECEIVED,
        what_to_do="Ask a manager to grant the receive-inventory permission, or sign in as a user who has it.",
        safe_to_resend=True,
    )


_GONE = (
    r"not found|does not exist|doesn't exist|no longer|invalid|inactive|unknown|deleted|disabled"
)


def _vendor_msg(msg: str) -> Diagnosis | None:
    if not (re.search(r"vendor", msg, re.I) and re.search(_GONE, msg, re.I)):
        return None
    return Diagnosis(
        headline="The POS does not know this vendor (any more).",
        what_happened="The vendor was removed or changed in the POS after the list was loaded. "
        + NOTHING_RECEIVED,
        what_to_do="Go back, reload the vendors and pick the vendor again.",
        safe_to_resend=True,
        go_back_to="vendor",
    )


def _room_msg(msg: str) -> Diagnosis | None:
    if not (re.search(r"room", msg, re.I) and re.search(_GONE + r"|inventory room", msg, re.I)):
        return None
    return Diagnosis(
        headline="The POS will not receive into this room.",
        what_happened="The room is not an inventory room, or it was removed or changed after the list was "
        "loaded. " + NOTHING_RECEIVED,
        what_to_do="Go back, reload the rooms and choose an inventory room.",
        safe_to_resend=True,
        go_back_to="room",
    )


def _product_msg(msg: str) -> Diagnosis | None:
    if not (re.search(r"product|sku", msg, re.I) and re.search(_GONE, msg, re.I)):
        return None
    return Diagnosis(
        headline="The POS does not know one of the products.",
        what_happened="A product was removed or changed in the POS after the catalog was loaded. "
        + NOTHING_RECEIVED,
        what_to_do="Re-sync the catalog, remove or re-scan the product the detail names, and submit again.",
        safe_to_resend=True,
        go_back_to="products",
    )


def _quantity_msg(msg: str) -> Diagnosis | None:
    if not (
        re.search(r"quantity|qty", msg, re.I)
        and re.search(
            r"invalid|must|greater|negative|zero|exceed|not allowed|range|refus", msg, re.I
        )
    ):
        return None
    return Diagnosis(
        headline="The POS refused a quantity.",
        what_happened="One of the quantities is not acceptable to the POS (for example a fraction for a "
        "product counted in units). " + NOTHING_RECEIVED,
        what_to_do="Check the quantities the detail names, correct them and submit again.",
        safe_to_resend=True,
        go_back_to="products",
    )


_MESSAGE_RULES: tuple[Callable[[str], Diagnosis | None], ...] = (
    _null_status,
    _null_column,
    _rate_limit_msg,
    _session_msg,
    _permission_msg,
    _quantity_msg,
    _vendor_msg,
    _room_msg,
    _product_msg,
)


def _by_kind(kind: SubmitErrorKind) -> Diagnosis:
    if kind is SubmitErrorKind.RATE_LIMITED:
        return _rate_limited()
    if kind is SubmitErrorKind.SESSION:
        return _session_expired()
    if kind is SubmitErrorKind.PERMISSION:
        return _permission()
    if kind is SubmitErrorKind.CONNECTION:
        return Diagnosis(
            headline="Could not reach the POS.",
            what_happened="The receive was not sent. " + NOTHING_RECEIVED,
            what_to_do="Check the network connection, then submit again.",
            safe_to_resend=True,
        )
    if kind is SubmitErrorKind.OUTCOME_UNKNOWN:
        return Diagnosis(
            headline="The connection was lost after sending; Intake is checking whether it landed.",
            what_happened=(
                "The receive reached the POS or not — the answer never came back. Intake looks for it in "
                "the receive history before anything is sent again."
            ),
            what_to_do="Wait for the check. Do not submit again and do not enter it in Backoffice by hand.",
            safe_to_resend=False,
        )
    if kind is SubmitErrorKind.SERVER:
        return Diagnosis(
            headline="The POS had an internal error.",
            what_happened=(
                "It probably recorded nothing, but Intake checks the receive history before anything is "
                "sent again."
            ),
            what_to_do="Wait for the check, then try again in a few minutes. Contact support if it repeats.",
            safe_to_resend=False,
        )
    if kind is SubmitErrorKind.NOT_FOUND:
        return Diagnosis(
            headline="The POS did not recognise the receive request.",
            what_happened="The receive address or an id in it is unknown to this POS. "
            + NOTHING_RECEIVED,
            what_to_do="Contact support and show them the technical detail. The draft is kept.",
            safe_to_resend=True,
        )
    if kind is SubmitErrorKind.NOT_SUPPORTED:
        return Diagnosis(
            headline="This POS has no API for receiving inventory.",
            what_happened="Intake cannot send receives to this point-of-sale system. Nothing was received.",
            what_to_do="Enter the delivery in the POS itself; Intake's draft can be printed or exported.",
            safe_to_resend=False,
        )
    if kind is SubmitErrorKind.VALIDATION:
        return Diagnosis(
            headline="The POS refused the receive.",
            what_happened="It gave a reason Intake does not recognise (in the detail). "
            + NOTHING_RECEIVED,
            what_to_do="Read the POS's message in the detail; if it is unclear, contact support. The draft "
            "is kept.",
            safe_to_resend=True,
        )
    return Diagnosis(
        headline="The receive failed for a reason Intake does not recognise.",
        what_happened=(
            "Intake cannot tell whether the POS recorded it, so it checks the receive history before "
            "anything is sent again."
        ),
        what_to_do="Contact support with the technical detail.",
        safe_to_resend=False,
    )


def diagnose_submit_error(kind: str, pos_message: str) -> Diagnosis:
    """Words for a failed submit. The POS's message wins over the error class when it is specific.

    `kind` is a `SubmitErrorKind` value or a `pos.errors` class name (e.g. "ValidationRejected").
    A definite refusal is `safe_to_resend`; anything that may have landed is not.
    """
    resolved = submit_error_kind(kind)
    message = pos_message or ""
    diagnosis: Diagnosis | None = None
    if resolved not in (SubmitErrorKind.OUTCOME_UNKNOWN, SubmitErrorKind.CONNECTION):
        # An outcome-unknown error may carry any message; its one safe reading is "may have landed".
        for rule in _MESSAGE_RULES:
            diagnosis = rule(message)
            if diagnosis is not None:
                break
    if diagnosis is None:
        diagnosis = _by_kind(resolved)
    detail = f"error kind: {resolved.value} ({kind})"
    if message:
        detail += f"; POS said: {scrub(message)}"
    return diagnosis.model_copy(update={"detail": detail})


# ------------------------------------------------------------------------------------ no rooms


def no_rooms_explanation(location: Location, rooms: Iterable[Room] = ()) -> Diagnosis:
    """Why Intake refuses to receive at a location whose rooms cannot take stock, and where to go instead."""
    rooms = tuple(rooms)
    sandbox = SANDBOXES_WITHOUT_ROOMS.get(location.loc_id)
    if rooms:
        names = ", ".join(r.name for r in rooms)
        headline = (
            f"{location.name} has no inventory room, so a receive there would put stock nowhere."
        )
        happened = (
            f"Its {len(rooms)} {_plural(len(rooms), 'room is', 'rooms are')} ({names}) not marked as "
            "inventory rooms. The POS would report the receive as a success, but no stock would appear."
        )
        admin = "ask an admin to mark a room as an inventory room (or add one) in Backoffice > Settings > Rooms"
    else:
        headline = f"{location.name} has no rooms, so a receive there would put stock nowhere."
        happened = (
            "The POS would report the receive as a success, but with no room to land in, no stock would "
            "appear."
        )
        admin = "ask an admin to add an inventory room in Backoffice > Settings > Rooms"
    if sandbox:
        happened += (
            f" This is the {sandbox} sandbox ({location.loc_id}); the Illinois (2862) and Ohio (2869) "
            "sandboxes have no rooms."
        )
    todo = (
        f"Switch to a location that has rooms (for testing, the AZ sandbox, location {SANDBOX_WITH_ROOMS}), "
        f"or {admin}."
    )
    detail = (
        f"LocId {location.loc_id}: get-rooms returned {len(rooms)} rooms, "
        f"{sum(1 for r in rooms if r.inventory_room)} with InventoryRoom == yes"
    )
    return Diagnosis(headline=headline, what_happened=happened, what_to_do=todo, detail=detail)
