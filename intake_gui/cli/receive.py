"""`intake receive | verify | recover`: send a delivery, prove it landed, settle what a crash left open."""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from intake_gui.cli.lookups import find_location, load_catalog
from intake_gui.cli.output import (
    EXIT_NOT_FOUND,
    EXIT_NOT_GREEN,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_UNCERTAIN,
    EXIT_USAGE,
    CliError,
    Output,
)


def register(sub: Any) -> None:
    r = sub.add_parser("receive", help="receive a delivery and verify it")
    r.add_argument("--loc", type=int, required=True)
    r.add_argument("--vendor", type=int, required=True)
    r.add_argument("--room", type=int, required=True)
    r.add_argument("--title", required=True)
    r.add_argument("--note", default="")
    r.add_argument("--line", action="append", required=True, metavar="SKU=QTY[@COST]")
    r.add_argument(
        "--allow-non-sellable", action="store_true", help="receive into a room that is not sellable"
    )
    r.add_argument(
        "--verify-timeout", type=float, default=60.0, help="seconds to re-check amber lights"
    )
    r.set_defaults(handler=cmd_receive, needs_context=True)

    v = sub.add_parser("verify", help="re-run the three verification reads for a receipt")
    v.add_argument("--loc", type=int, required=True)
    v.add_argument("--receipt", type=int, required=True)
    v.set_defaults(handler=cmd_verify, needs_context=True)

    c = sub.add_parser("recover", help="settle receives a crash left 'sent, confirming'")
    c.set_defaults(handler=cmd_recover, needs_context=True)


def parse_line(spec: str) -> tuple[str, Decimal, Decimal | None]:
    from intake_gui.domain.models import parse_cost, parse_quantity

    code, sep, rest = spec.partition("=")
    if not sep or not code.strip():
        raise CliError(f"--line {spec!r}: write SKU=QTY or SKU=QTY@COST, e.g. 3B4791=3@4.50")
    qty_text, _, cost_text = rest.partition("@")
    try:
        qty = parse_quantity(qty_text)
        cost = parse_cost(cost_text) if cost_text else None
    except ValueError as exc:
        raise CliError(f"--line {spec!r}: {exc}") from None
    return code.strip(), qty, cost


def cmd_receive(ctx: Any, args: argparse.Namespace, out: Output) -> int:
    from intake_gui.domain.barcode import interpret
    from intake_gui.domain.models import DraftLine, ReceiveDraft
    from intake_gui.services.receiving import ReceivingService, SubmitRefused
    from intake_gui.services.setup import SetupService

    lines_spec = [parse_line(s) for s in args.line]
    setup = SetupService(ctx)
    loc = find_location(ctx, args.loc)
    rooms = setup.rooms(loc)
    if not rooms:
        from intake_gui.domain.diagnosis import no_rooms_explanation
        from intake_gui.services.verification import speech_for

        raise SubmitRefused(no_rooms_explanation(loc, speech=speech_for(ctx)))
    # Rooms before the vendor: a location without rooms cannot receive at all, whatever the vendor.
    vendor = next((v for v in setup.vendors(loc) if v.vendor_id == args.vendor), None)
    if vendor is None:
        raise CliError(f"Location {loc.loc_id} has no vendor {args.vendor}.", EXIT_NOT_FOUND)
    room = next((r for r in rooms if r.room_id == args.room), None)
    if room is None:
        raise CliError(f"Location {loc.loc_id} has no room {args.room}.", EXIT_NOT_FOUND)
    if not room.eligible:
        raise CliError(f"Room {room.name} is not an inventory room; choose another.", EXIT_REFUSED)
    if not room.sellable and not args.allow_non_sellable:
        raise CliError(
            f"Room {room.name} is not sellable: stock received there will not be sellable until it "
            "is moved. Pass --allow-non-sellable to receive there anyway.",
            EXIT_USAGE,
        )
    snap = load_catalog(ctx, loc, out)
    lines = []
    for code, qty, cost in lines_spec:
        product = snap.index.lookup(interpret(code))
        if product is None:
            raise CliError(
                f"No product with SKU or barcode {code!r} in the catalog.", EXIT_NOT_FOUND
            )
        lines.append(
            DraftLine(
                product_id=product.product_id,
                sku=product.sku,
                name=product.name,
                quantity=qty,
                # None when neither the clerk nor the catalogue gave a cost: sent without one, never 0.
                unit_cost=cost if cost is not None else product.unit_cost,
                unit_id=product.unit_id,
                room_id=room.room_id,
            )
        )
    try:
        draft = ReceiveDraft(
            location=loc,
            vendor=vendor,
            room=room,
            title=args.title,
            note=args.note,
            lines=tuple(lines),
        )
    except ValueError as exc:
        raise CliError(str(exc)) from None
    receiving = ReceivingService(ctx)
    ctx.journal.save_draft(draft, actor=ctx.clerk, station=ctx.station)
    baseline = receiving.baseline(draft)
    result = receiving.submit(draft, on_phase=lambda _p, words: out.info(words))
    report = _verify_until_settled(receiving, draft, result, baseline, args.verify_timeout, out)
    data = (
        {"receipt_id": result.receipt_id, "reconciled": result.reconciled}
        | {"lines": _lines_json(draft), "store_time": loc.zone_words}
        | _report_json(report)
    )
    out.emit(
        data,
        lambda: (
            f"Receipt {result.receipt_id}\n{_lines_text(draft)}\n"
            f"Store time: {loc.zone_words}\n" + _report_text(report)
        ),
    )
    return EXIT_OK if report.all_green else EXIT_NOT_GREEN


def _cost_text(cost: Any) -> str:
    return "no cost" if cost is None else f"${cost:,.2f}"


def _lines_json(draft: Any) -> list[dict[str, Any]]:
    return [
        {
            "sku": ln.sku,
            "quantity": str(ln.quantity),
            "unit_cost": None if ln.unit_cost is None else str(ln.unit_cost),
        }
        for ln in draft.lines
    ]


def _lines_text(draft: Any) -> str:
    """One line per product with its cost, "no cost" where nobody gave one (it was sent without)."""
    rows = [f"  {ln.sku:<14} x {ln.quantity:<8} {_cost_text(ln.unit_cost)}" for ln in draft.lines]
    missing = sum(1 for ln in draft.lines if ln.unit_cost is None)
    if missing:
        rows.append(f"  {missing} line(s) sent without a unit cost (none was given).")
    return "\n".join(rows)


def _verify_until_settled(
    receiving: Any, draft: Any, result: Any, baseline: Any, timeout: float, out: Output
) -> Any:
    deadline = time.monotonic() + timeout
    delay = 1.0
    attempt = 1
    while True:
        report = receiving.verify(
            draft,
            result.receipt_id,
            baseline=baseline,
            submitted_at=result.submitted_at,
            attempt=attempt,
        )
        if not report.needs_recheck or time.monotonic() + delay > deadline:
            return report
        out.info(f"Not all visible yet; checking again in {delay:.0f}s…")
        time.sleep(delay)
        delay = min(delay * 2, 16.0)
        attempt += 1


def _report_json(report: Any) -> dict:
    return {
        "all_green": report.all_green,
        "lights": {
            light.kind.value: {
                "state": light.state.value,
                "headline": light.headline,
                "what_happened": light.what_happened,
                "what_to_do": light.what_to_do,
                # the rule that decided the light and what it found (stable, for scripts and support)
                "rule": light.rule,
                "facts": light.facts,
                "rests_on": {aspect: basis.value for aspect, basis in light.rests_on.items()},
                "judged_by": light.judged_by,
                "kept_from": light.carried_from,
                "lines": [
                    {"sku": ln.sku, "ok": ln.ok, "reason": ln.reason, "note": ln.note}
                    for ln in light.lines
                ],
            }
            for light in report.lights
        },
    }


def _report_text(report: Any) -> str:
    rows = []
    for light in report.lights:
        rows.append(f"  {light.symbol} {light.kind.value:<9} {light.word:<6} {light.headline}")
        if light.state.value != "green":
            if light.what_happened:
                rows.append(f"      {light.what_happened}")
            if light.what_to_do:
                rows.append(f"      What to do: {light.what_to_do}")
    return "\n".join(rows)


def cmd_verify(ctx: Any, args: argparse.Namespace, out: Output) -> int:
    """A re-check (no baseline): against the lines the journal says were sent when the receipt is Intake's,
    against its own packages otherwise; a verdict proven before is never weakened (`VerificationService`)."""
    from dataclasses import replace

    from intake_gui.services.verification import VerificationService

    loc = find_location(ctx, args.loc)
    service = VerificationService(ctx)
    target = service.target_for_receipt(loc, args.receipt)
    if target.draft is None:
        # Made elsewhere: its history row says when and from which vendor.
        target = replace(target, history_row=_find_history_row(ctx, loc, args.receipt))
    report = service.verify(target)
    out.emit(
        {
            "receipt_id": args.receipt,
            "made_by_intake": target.draft is not None,
            "store_time": loc.zone_words,
        }
        | _report_json(report),
        lambda: f"Receipt {args.receipt}\nStore time: {loc.zone_words}\n" + _report_text(report),
    )
    return EXIT_OK if report.all_green else EXIT_NOT_GREEN


def _find_history_row(ctx: Any, loc: Any, receipt_id: int) -> Any:
    """A receipt's history row, searched over the last 90 days."""
    now = datetime.now()
    start = now - timedelta(days=90)
    for s, e in _windows(start, now + timedelta(days=1)):
        for row in ctx.connector.receipt_history(loc, s, e):
            if row.receipt_id == receipt_id:
                return row
    raise CliError(f"Receipt {receipt_id} is not in the last 90 days of history.", EXIT_NOT_FOUND)


def _windows(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    from intake_gui.domain.date_windows import split_range

    return split_range(start, end, 31)


def cmd_recover(ctx: Any, args: argparse.Namespace, out: Output) -> int:
    from intake_gui.services.receiving import ReceivingService, Verdict

    outcomes = ReceivingService(ctx).recover_pending()
    out.emit(
        [
            {
                "draft_id": o.draft_id,
                "title": o.title,
                "verdict": o.verdict.value,
                "receipt_id": o.receipt_id,
                "message": o.message,
            }
            for o in outcomes
        ],
        lambda: "\n".join(o.message for o in outcomes) or "Nothing was waiting to be confirmed.",
    )
    return EXIT_UNCERTAIN if any(o.verdict is Verdict.UNKNOWN for o in outcomes) else EXIT_OK
