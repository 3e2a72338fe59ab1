"""The packages light: did the POS create stock for every line, with the quantity sent?

The package records are the course's first read-back (`get-packages-from-receive`, by
ReceiveInventoryHistoryId). A line without a package was not received, whatever any other read says, so this
light names each such line. Rules run in order; the first that recognises the evidence decides.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from intake_gui.domain.diagnosis.failed_reads import failed_read
from intake_gui.domain.diagnosis.findings import Finding, RuleId
from intake_gui.domain.diagnosis.reading import (
    groups,
    our_row,
    package_room_name,
    qty,
    rooms_sent,
    unmatched_packages,
)
from intake_gui.domain.verification import (
    Basis,
    Fact,
    LightKind,
    LightState,
    LineCheck,
    VerificationEvidence,
)

PackageRule = Callable[[VerificationEvidence], Finding | None]
_ON_RECORDS = {"packages": Basis.PACKAGE_RECORDS}


def _finding(rule: RuleId, state: LightState, facts: dict[str, Fact], **kw: object) -> Finding:
    return Finding(rule=rule, kind=LightKind.PACKAGES, state=state, facts=facts, **kw)  # type: ignore[arg-type]


def read_failed(ev: VerificationEvidence) -> Finding | None:
    if ev.packages is not None:
        return None
    return failed_read(LightKind.PACKAGES, ev.packages_failure, ev.packages_message, ev)


def orphaned(ev: VerificationEvidence) -> Finding | None:
    """History shows products but there are no packages: the course's orphaned receive (or a wrong id)."""
    if ev.packages is None or ev.packages:
        return None
    row = our_row(ev)
    if row is None or row.product_count <= 0:
        return None
    return _finding(
        RuleId.PACKAGES_ORPHANED,
        LightState.RED,
        {
            "receipt_id": ev.receipt_id,
            "products_in_history": row.product_count,
            "history_status": row.status,
            "rooms_sent": rooms_sent(ev) if ev.made_by_intake else None,
            "made_by_intake": ev.made_by_intake,
        },
        rests_on=_ON_RECORDS,
    )


def all_dropped(ev: VerificationEvidence) -> Finding | None:
    """History shows the receive with zero products: every line matched nothing."""
    if ev.packages is None or ev.packages:
        return None
    row = our_row(ev)
    if row is None or row.product_count > 0:
        return None
    return _finding(
        RuleId.PACKAGES_ALL_DROPPED,
        LightState.RED,
        {
            "receipt_id": ev.receipt_id,
            "skus": tuple(ln.sku for ln in ev.draft.lines),
            "lines_sent": len(ev.draft.lines) if ev.made_by_intake else None,
            "history_status": row.status,
        },
        rests_on=_ON_RECORDS,
    )


def not_visible(ev: VerificationEvidence) -> Finding | None:
    """No packages and no history yet: usually a delay, until the grace period says otherwise."""
    if ev.packages is None or ev.packages:
        return None
    facts: dict[str, Fact] = {
        "receipt_id": ev.receipt_id,
        "seconds_since_submit": round(ev.seconds_since_submit, 3),
        "grace_s": ev.propagation_grace_s,
        "history_read": ev.history is not None,
    }
    if ev.within_grace:
        return _finding(RuleId.PACKAGES_NOT_VISIBLE_YET, LightState.AMBER, facts)
    return _finding(
        RuleId.PACKAGES_STILL_MISSING,
        LightState.RED,
        facts,
        rests_on={"packages": Basis.ELAPSED},
    )


def checks(ev: VerificationEvidence) -> list[LineCheck]:
    """One check per SKU: a package with the quantity sent, or why not (`reason`)."""
    out: list[LineCheck] = []
    for group in groups(ev).values():
        if not group.packages:
            out.append(
                LineCheck(
                    sku=group.sku,
                    name=group.name,
                    expected=group.quantity,
                    found=None,
                    ok=False,
                    reason="not_received",
                )
            )
            continue
        found = sum((p.quantity for p in group.packages), Decimal("0"))
        rooms = ", ".join(dict.fromkeys(package_room_name(ev, p) for p in group.packages))
        ok = found == group.quantity
        out.append(
            LineCheck(
                sku=group.sku,
                name=group.name,
                expected=group.quantity,
                found=found,
                room_name=rooms,
                ok=ok,
                reason="" if ok else "wrong_quantity",
            )
        )
    return out


def _common(ev: VerificationEvidence) -> dict[str, Fact]:
    extra = unmatched_packages(ev, groups(ev))
    return {
        "receipt_id": ev.receipt_id,
        "package_count": len(ev.packages or ()),
        "lines_sent": len(ev.draft.lines) if ev.made_by_intake else None,
        "extra_packages": tuple(f"{p.sku}×{qty(p.quantity)}" for p in extra),
    }


def dropped_lines(ev: VerificationEvidence) -> Finding | None:
    """Some lines have packages and some have none: the POS silently dropped the lines that matched nothing."""
    if not ev.packages or not ev.made_by_intake:
        return None
    lines = checks(ev)
    dropped = [c for c in lines if c.reason == "not_received"]
    if not dropped:
        return None
    grouped = groups(ev)
    return _finding(
        RuleId.PACKAGES_DROPPED_LINES,
        LightState.RED,
        _common(ev)
        | {
            "dropped_skus": tuple(c.sku for c in dropped),
            "dropped_lines": sum(grouped[c.sku.strip().casefold()].line_count for c in dropped),
            "wrong_skus": tuple(c.sku for c in lines if c.reason == "wrong_quantity"),
        },
        rests_on=_ON_RECORDS,
        lines=tuple(lines),
    )


def wrong_quantity(ev: VerificationEvidence) -> Finding | None:
    if not ev.packages or not ev.made_by_intake:
        return None
    lines = checks(ev)
    wrong = [c for c in lines if not c.ok]
    if not wrong:
        return None
    return _finding(
        RuleId.PACKAGES_WRONG_QUANTITY,
        LightState.RED,
        _common(ev) | {"wrong_skus": tuple(c.sku for c in wrong)},
        rests_on=_ON_RECORDS,
        lines=tuple(lines),
    )


def match(ev: VerificationEvidence) -> Finding | None:
    if not ev.packages or not ev.made_by_intake:
        return None
    lines = checks(ev)
    if not all(c.ok for c in lines):
        return None
    return _finding(
        RuleId.PACKAGES_MATCH,
        LightState.GREEN,
        _common(ev) | {"skus": tuple(c.sku for c in lines)},
        rests_on=_ON_RECORDS,
        lines=tuple(lines),
    )


def present(ev: VerificationEvidence) -> Finding | None:
    """A receive another tool made: its packages exist; what was sent is unknown, so nothing is compared."""
    if not ev.packages:
        return None
    lines = checks(ev)
    return _finding(
        RuleId.PACKAGES_PRESENT,
        LightState.GREEN,
        _common(ev) | {"skus": tuple(c.sku for c in lines)},
        rests_on=_ON_RECORDS,
        lines=tuple(lines),
    )


RULES: tuple[PackageRule, ...] = (
    read_failed,
    orphaned,
    all_dropped,
    not_visible,
    dropped_lines,
    wrong_quantity,
    match,
    present,
)
