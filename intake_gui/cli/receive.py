"""`intake receive | verify`: send a delivery through the same `ReceiveSession` as the wizard, prove it landed.

`receive` drives the session exactly as the wizard does — location, rooms (the one no-rooms rule), vendor, room
(its confirmation is `--allow-non-sellable`), lines, then submit and verification on the one re-check schedule.
Running the same command again after a crash or a `kill -9` does not receive the delivery twice: the session
finds the first one (settling it first if its answer was lost) and reports it instead; `--again` sends a second
receive on purpose, and the journal records that it was asked for.

`recover` lives in `cli/recover.py`; it is registered from here so the three receive commands stay together.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from typing import Any

from intake_gui.cli import recover
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
    r.add_argument("--manifest-ref", default="", help="the manifest or invoice number, if any")
    r.add_argument("--line", action="append", required=True, metavar="SKU=QTY[@COST]")
    r.add_argument(
        "--allow-non-sellable", action="store_true", help="receive into a room that is not sellable"
    )
    r.add_argument(
        "--again",
        action="store_true",
        help="send even though this delivery was sent before (the journal records that you asked)",
    )
    r.add_argument(
        "--verify-timeout", type=float, default=60.0, help="seconds to re-check amber lights"
    )
    r.set_defaults(handler=cmd_receive, needs_context=True)

    v = sub.add_parser("verify", help="re-run the three verification reads for a receipt")
    v.add_argument("--loc", type=int, required=True)
    v.add_argument("--receipt", type=int, required=True)
    v.set_defaults(handler=cmd_verify, needs_context=True)

    recover.register(sub)


def wait_printer(out: Output) -> Any:
    """Every wait as it starts, in the words of whoever waits (the session, or the POS connection)."""
    return lambda _seconds, words: out.info(words)


def cmd_receive(ctx: Any, args: argparse.Namespace, out: Output) -> int:
    from intake_gui.cli.receive_input import check_receive, draft_lines
    from intake_gui.domain.input_refusals import clerk_message
    from intake_gui.domain.wizard_flow import FlowError
    from intake_gui.services.deliveries import SameDelivery
    from intake_gui.services.receive_session import ReceiveSession
    from intake_gui.services.receiving import ReceivingService
    from intake_gui.services.setup import SetupService
    from intake_gui.services.submission import NeedsDecision, SubmitRefused

    # Arguments were checked before the context opened (cli/receive_input.py, app.PREFLIGHT).
    checked = getattr(args, "checked", None) or check_receive(args)
    session = ReceiveSession(ReceivingService(ctx))
    if not session.can_receive:
        raise CliError(session.receive_hint, EXIT_REFUSED, error="cannot_receive")
    setup = SetupService(ctx)
    loc = find_location(ctx, args.loc)
    flow = session.flow
    session.choose_location(loc)
    flow.advance()
    # Rooms before the vendor: a location whose rooms cannot take stock cannot receive at all.
    blocked = session.set_rooms(setup.rooms(loc))
    if blocked is not None:
        raise SubmitRefused(
            blocked
        )  # the one no-rooms rule's words, as the wizard's room page shows them
    vendor = next((v for v in setup.vendors(loc) if v.vendor_id == args.vendor), None)
    if vendor is None:
        raise CliError(f"Location {loc.loc_id} has no vendor {args.vendor}.", EXIT_NOT_FOUND)
    session.choose_vendor(vendor)
    flow.advance()
    room = next((r for r in flow.rooms or () if r.room_id == args.room), None)
    if room is None:
        raise CliError(f"Location {loc.loc_id} has no room {args.room}.", EXIT_NOT_FOUND)
    try:
        gate = session.choose_room(room, confirmed=args.allow_non_sellable)
    except FlowError as exc:
        raise CliError(exc.reason, EXIT_REFUSED, error="cannot_receive") from None
    if gate.needs_confirmation:
        raise CliError(
            f"Room {room.name} is not sellable: stock received there will not be sellable until it "
            "is moved. Pass --allow-non-sellable to receive there anyway.",
            EXIT_USAGE,
            error="needs_confirmation",  # [input]
        )
    flow.advance()
    snap = load_catalog(ctx, loc, out)
    lines = draft_lines(
        checked.lines, snap, room
    )  # unknown code exit 6, a fraction of an each exit 2
    session.title = checked.title
    session.clerk_note = checked.note
    session.manifest_ref = checked.manifest_ref
    try:
        draft = session.build_draft(lines)
    except ValueError as exc:
        raise CliError(clerk_message(exc), error="invalid_input") from None  # never pydantic's text
    assert draft is not None
    flow.set_lines(len(draft.lines))
    flow.set_problems(session.problems(draft))
    try:
        flow.advance()
    except FlowError as exc:
        raise CliError(exc.reason, EXIT_REFUSED, error="not_ready") from None
    try:
        sent = session.receive(
            draft,
            again=args.again,
            how="cli --again",
            on_phase=out.info,
            on_wait=wait_printer(out),
        )
    except SameDelivery as exc:
        return _already_received(ctx, loc, exc, args, out)
    except NeedsDecision as exc:
        d, short = exc.diagnosis, exc.facts.draft_id[:8]
        raise CliError(
            f"{d.headline} {d.what_happened} {d.what_to_do} Then record it: "
            f"`intake recover --decide {short} landed` or `intake recover --decide {short} resend`.",
            EXIT_UNCERTAIN,
            error="needs_decision",
        ) from None
    for note in sent.not_checked:
        out.info(note)
    report = session.verify_until_settled(args.verify_timeout, on_wait=wait_printer(out))
    result = sent.result
    data = (
        {"receipt_id": result.receipt_id, "reconciled": result.reconciled}
        | {"lines": _lines_json(draft), "store_time": loc.zone_words}
        | report_json(report)
    )
    out.emit(
        data,
        lambda: (
            f"Receipt {result.receipt_id}\n{_lines_text(draft)}\n"
            f"Store time: {loc.zone_words}\n" + report_text(report)
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


def _already_received(ctx: Any, loc: Any, exc: Any, args: argparse.Namespace, out: Output) -> int:
    """The delivery was sent before: say where and when, show the lights of that receipt, send nothing."""
    d = exc.diagnosis
    check = exc.check
    settled = [p for p in check.settled if p.receipt_id is not None]
    if not settled:
        drafts = " ".join(
            f"`intake recover --decide {p.draft_id} landed|resend`" for p in check.unsettled
        )
        raise CliError(
            f"{d.headline} {d.what_happened} Nothing was sent. Decide about it with {drafts}, "
            "or pass --again to send a second receive anyway.",
            EXIT_UNCERTAIN,
            error="needs_decision",
        )
    prior = settled[-1]
    out.info(f"{d.headline} {d.what_happened}")
    out.info("Nothing was sent. Pass --again to receive it a second time. Its lights:")
    report, _ = _reverify(ctx, loc, prior.receipt_id)
    data = {
        "receipt_id": prior.receipt_id,
        "already_received": True,
        "sent": False,
        "priors": [
            {
                "draft_id": p.draft_id,
                "receipt_id": p.receipt_id,
                "token": p.token,
                "state": p.state,
                "station": p.station,
                "at": p.at,
                "source": p.source,
                "matched_on": p.matched_on,
            }
            for p in check.priors
        ],
    } | report_json(report)
    out.emit(
        data,
        lambda: f"Already received: receipt {prior.receipt_id}\n" + report_text(report),
    )
    return EXIT_OK if report.all_green else EXIT_NOT_GREEN


def report_json(report: Any) -> dict:
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


def report_text(report: Any) -> str:
    rows = []
    for light in report.lights:
        rows.append(f"  {light.symbol} {light.kind.value:<9} {light.word:<6} {light.headline}")
        if light.state.value != "green":
            if light.what_happened:
                rows.append(f"      {light.what_happened}")
            if light.what_to_do:
                rows.append(f"      What to do: {light.what_to_do}")
    return "\n".join(rows)


def _reverify(ctx: Any, loc: Any, receipt_id: int) -> tuple[Any, bool]:
    """A re-check (no baseline): against the lines the journal says were sent when the receipt is Intake's,
    against its own packages otherwise; a verdict proven before is never weakened (`VerificationService`).
    Returns the report and whether Intake made the receipt."""
    from dataclasses import replace

    from intake_gui.services.verification import VerificationService

    service = VerificationService(ctx)
    target = service.target_for_receipt(loc, receipt_id)
    if target.draft is None:
        # Made elsewhere: its history row says when and from which vendor.
        target = replace(target, history_row=_find_history_row(ctx, loc, receipt_id))
    return service.verify(target), target.draft is not None


def cmd_verify(ctx: Any, args: argparse.Namespace, out: Output) -> int:
    loc = find_location(ctx, args.loc)
    report, made_by_intake = _reverify(ctx, loc, args.receipt)
    out.emit(
        {
            "receipt_id": args.receipt,
            "made_by_intake": made_by_intake,
            "store_time": loc.zone_words,
        }
        | report_json(report),
        lambda: f"Receipt {args.receipt}\nStore time: {loc.zone_words}\n" + report_text(report),
    )
    return EXIT_OK if report.all_green else EXIT_NOT_GREEN


def _find_history_row(ctx: Any, loc: Any, receipt_id: int) -> Any:
    """A receipt's history row, searched over the last 90 days in the POS's history windows."""
    from intake_gui.services.verification import speech_for

    now = datetime.now()
    start = now - timedelta(days=90)
    window = speech_for(ctx).pos.history_window_days or 31
    for s, e in _windows(start, now + timedelta(days=1), window):
        for row in ctx.connector.receipt_history(loc, s, e):
            if row.receipt_id == receipt_id:
                return row
    raise CliError(f"Receipt {receipt_id} is not in the last 90 days of history.", EXIT_NOT_FOUND)


def _windows(start: datetime, end: datetime, days: int) -> list[tuple[datetime, datetime]]:
    from intake_gui.domain.date_windows import split_range

    return split_range(start, end, days)
