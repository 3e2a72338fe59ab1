"""The sellable light: can customers buy this delivery now? Judged from evidence that cannot be fooled.

The course's mastery answer decides first: the rooms on the package records (with the rooms list's sellable
flag) say whether the stock *can* be sellable at all. A package in a room customers cannot buy from is red and
named, with or without a count from before the receive. A line with no package was not received, so it is red
too, never "wait for sellable". Only then do quantities matter: the growth since the pre-submit baseline
confirms them; without a baseline a sellable total can only be *consistent* (older stock of the same product in
a sales room would satisfy it), so a green without a baseline needs the package records' rooms behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from intake_gui.domain.diagnosis.failed_reads import failed_read
from intake_gui.domain.diagnosis.findings import Finding, RuleId
from intake_gui.domain.diagnosis.reading import (
    Placement,
    RoomVerdict,
    groups,
    norm,
    our_row,
    placement,
    sales_room_names,
)
from intake_gui.domain.verification import (
    Basis,
    Fact,
    LightKind,
    LightState,
    LineCheck,
    ReadFailure,
    VerificationEvidence,
)

SellableRule = Callable[[VerificationEvidence], Finding | None]


def _finding(rule: RuleId, state: LightState, facts: dict[str, Fact], **kw: object) -> Finding:
    return Finding(rule=rule, kind=LightKind.SELLABLE, state=state, facts=facts, **kw)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SkuCheck:
    check: LineCheck
    place: Placement
    received: bool
    """False when the package records were read and this SKU has no package."""


def sku_checks(ev: VerificationEvidence) -> list[SkuCheck]:
    after = {norm(k): v for k, v in (ev.sellable_after or {}).items()}
    before = (
        None if ev.sellable_before is None else {norm(k): v for k, v in ev.sellable_before.items()}
    )
    out: list[SkuCheck] = []
    for key, group in groups(ev).items():
        place = placement(ev, group)
        received = ev.packages is None or bool(group.packages)
        now = after.get(key)
        if before is None:
            found = now
        else:
            found = None if now is None else now - before.get(key, Decimal("0"))
        ok = found is not None and found >= group.quantity
        if not received:
            reason = "not_received"
        elif place.verdict is RoomVerdict.NOT_SELLABLE:
            # The baseline delta outweighs a package record that still names the receiving room: the stock
            # grew in sellable inventory by what was received, so it was moved (or the record is stale).
            reason = "moved_since" if ok and before is not None else "non_sellable_room"
        elif ok:
            reason = ""
        elif found is not None and found > 0:
            reason = "partial"
        else:
            reason = "not_counted"
        out.append(
            SkuCheck(
                check=LineCheck(
                    sku=group.sku,
                    name=group.name,
                    expected=group.quantity,
                    found=found,
                    room_name=", ".join(place.names),
                    ok=ok and reason in ("", "moved_since"),
                    reason=reason,
                ),
                place=place,
                received=received,
            )
        )
    return out


def _quantity_basis(ev: VerificationEvidence) -> Basis:
    return Basis.TOTALS if ev.sellable_before is None else Basis.BASELINE_DELTA


def _weakest(bases: list[Basis]) -> Basis:
    return min(bases, key=lambda b: b.rank) if bases else Basis.NONE


def _common(ev: VerificationEvidence, checks: list[SkuCheck]) -> dict[str, Fact]:
    return {
        "receipt_id": ev.receipt_id,
        "baseline": ev.sellable_before is not None,
        "rooms": tuple(dict.fromkeys(n for c in checks for n in c.place.names)),
        "seconds_since_submit": round(ev.seconds_since_submit, 3),
        "sellable_read": ev.sellable_after is not None,
    }


def _lines(checks: list[SkuCheck]) -> tuple[LineCheck, ...]:
    return tuple(c.check for c in checks)


def non_sellable_room(ev: VerificationEvidence) -> Finding | None:
    """The course's mastery case: the packages sit in a room customers cannot buy from. No read of sellable
    stock is needed, and no amount of older stock elsewhere can turn it green."""
    checks = sku_checks(ev)
    stuck = [c for c in checks if c.check.reason == "non_sellable_room"]
    if not stuck:
        return None
    basis = _weakest([c.place.basis for c in stuck])
    names = tuple(dict.fromkeys(n for c in stuck for n in c.place.names))
    chosen = ev.draft.room
    return _finding(
        RuleId.SELLABLE_NON_SELLABLE_ROOM,
        LightState.RED,
        _common(ev, checks)
        | {
            "rooms": names,
            "skus": tuple(c.check.sku for c in stuck),
            "evidence": basis.value,
            "chosen_room": chosen.name if ev.made_by_intake else None,
            "chosen_on_purpose": ev.made_by_intake and not chosen.sellable and chosen.name in names,
            "sales_rooms": sales_room_names(ev),
        },
        rests_on={"rooms": basis},
        lines=_lines(checks),
    )


def not_received(ev: VerificationEvidence) -> Finding | None:
    """Lines without a package cannot be sold: they never arrived in stock (see the packages light)."""
    if ev.packages is None:
        return None
    checks = sku_checks(ev)
    missing = [c for c in checks if not c.received]
    row = our_row(ev)
    if not missing and ev.packages:
        return None
    if not ev.packages and row is None and ev.within_grace:
        return None  # no packages and no history yet: a delay, not a verdict
    proven = bool(ev.packages) or row is not None
    return _finding(
        RuleId.SELLABLE_NOT_RECEIVED,
        LightState.RED,
        _common(ev, checks)
        | {
            "skus": tuple(c.check.sku for c in missing),
            "all_missing": not ev.packages,
            "products_in_history": row.product_count if row is not None else None,
        },
        rests_on={"packages": Basis.PACKAGE_RECORDS if proven else Basis.ELAPSED},
        lines=_lines(checks),
    )


def not_supported(ev: VerificationEvidence) -> Finding | None:
    if ev.sellable_supported:
        return None
    return failed_read(LightKind.SELLABLE, ReadFailure.NOT_SUPPORTED, "", ev)


def waiting_for_packages(ev: VerificationEvidence) -> Finding | None:
    if ev.packages is None or ev.packages:
        return None
    return _finding(
        RuleId.SELLABLE_WAITING_FOR_PACKAGES,
        LightState.AMBER,
        {"receipt_id": ev.receipt_id, "seconds_since_submit": round(ev.seconds_since_submit, 3)},
    )


def read_failed(ev: VerificationEvidence) -> Finding | None:
    if ev.sellable_after is not None:
        return None
    return failed_read(LightKind.SELLABLE, ev.sellable_failure, ev.sellable_message, ev)


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
    ours = {norm(ln.sku) for ln in ev.draft.lines} | {norm(p.sku) for p in ev.packages or ()}
    foreign = [k for k in ev.sellable_after if norm(k) not in ours]
    return bool(foreign) and not any(q > 0 for q in ev.sellable_after.values())


def room_access(ev: VerificationEvidence) -> Finding | None:
    """Nothing at all is sellable at the location though our stock is in a sales room: the AIQ lesson."""
    if not location_sellable_empty(ev):
        return None
    checks = sku_checks(ev)
    if all(c.check.ok for c in checks) or not all(
        c.place.verdict is RoomVerdict.SELLABLE for c in checks
    ):
        return None
    late = not ev.within_grace
    return _finding(
        RuleId.SELLABLE_ROOM_ACCESS,
        LightState.RED if late else LightState.AMBER,
        _common(ev, checks) | {"location_rows": ev.sellable_location_rows, "late": late},
        rests_on={"quantity": Basis.ELAPSED} if late else {},
        lines=_lines(checks),
    )


def _consistent_with_sales(ev: VerificationEvidence, c: SkuCheck) -> bool:
    """Without a baseline, long after the receive, a product counted as sellable from a sales room (but less
    than received) is what sales since the receive look like: consistent, not a fault."""
    return (
        ev.sellable_before is None
        and not ev.within_grace
        and c.check.reason == "partial"
        and c.place.verdict is RoomVerdict.SELLABLE
        and c.place.basis is Basis.PACKAGE_ROOMS
    )


def not_counted(ev: VerificationEvidence) -> Finding | None:
    """Stock in a sales room that is not counted yet: a delay during the grace period, a problem after it."""
    checks = sku_checks(ev)
    missing = [c for c in checks if not c.check.ok and not _consistent_with_sales(ev, c)]
    if not missing:
        return None
    facts = _common(ev, checks) | {
        "skus": tuple(c.check.sku for c in missing),
        "partial_skus": tuple(c.check.sku for c in missing if c.check.reason == "partial"),
        "grace_s": ev.propagation_grace_s,
    }
    if ev.within_grace:
        return _finding(
            RuleId.SELLABLE_NOT_COUNTED_YET, LightState.AMBER, facts, lines=_lines(checks)
        )
    rooms = _weakest([c.place.basis for c in checks])
    rests = {"quantity": Basis.ELAPSED} | ({"rooms": rooms} if rooms is not Basis.NONE else {})
    return _finding(
        RuleId.SELLABLE_NOT_COUNTED, LightState.RED, facts, rests_on=rests, lines=_lines(checks)
    )


def _proven_where(ev: VerificationEvidence, c: SkuCheck) -> bool:
    """A green needs evidence older stock cannot fake: the package records' rooms, or the baseline delta."""
    return (
        c.place.verdict is RoomVerdict.SELLABLE and c.place.basis is Basis.PACKAGE_ROOMS
    ) or ev.sellable_before is not None


def unproven(ev: VerificationEvidence) -> Finding | None:
    """Totals look right, but neither the package records' rooms nor a baseline proves they are ours."""
    checks = sku_checks(ev)
    weak = [c for c in checks if not _proven_where(ev, c)]
    if not weak:
        return None
    return _finding(
        RuleId.SELLABLE_UNPROVEN,
        LightState.GREY,
        _common(ev, checks)
        | {
            "skus": tuple(c.check.sku for c in weak),
            "package_rooms_known": False,
        },
        lines=_lines(checks),
    )


def counted(ev: VerificationEvidence) -> Finding | None:
    checks = sku_checks(ev)
    moved = [c for c in checks if c.check.reason == "moved_since"]
    rooms = Basis.NONE if moved else _weakest([c.place.basis for c in checks])
    rests = {"quantity": _quantity_basis(ev)} | (
        {"rooms": rooms} if rooms is not Basis.NONE else {}
    )
    return _finding(
        RuleId.SELLABLE_COUNTED,
        LightState.GREEN,
        _common(ev, checks)
        | {
            "rooms_from": rooms.value,
            "quantities_from": _quantity_basis(ev).value,
            "sold_since_skus": tuple(c.check.sku for c in checks if c.check.reason == "partial"),
            "moved_skus": tuple(c.check.sku for c in moved),
        },
        rests_on=rests,
        lines=_lines(checks),
    )


RULES: tuple[SellableRule, ...] = (
    non_sellable_room,
    not_received,
    not_supported,
    waiting_for_packages,
    read_failed,
    room_access,
    not_counted,
    unproven,
    counted,
)
