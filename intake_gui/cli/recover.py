"""`intake recover`: settle what a crash or a lost answer left open, and record a person's decisions.

Without options it settles every draft left "sent, confirming" (found in receive history, or proven absent and
sent again — never when the same delivery landed meanwhile), looks once more at every draft that needs a
decision, and lists what still needs a person, with what is known and the commands for each choice:

    intake recover --decide DRAFT landed [--receipt N]   it is in the POS (N if you know it)
    intake recover --decide DRAFT resend [--again]       send it again (--again: even if the delivery landed)
    intake recover --decide DRAFT discard                drop a draft that was not received

DRAFT is the draft id (or its first 6+ characters) or its tag (IN-…). Exit codes: 0 nothing needs a person;
5 a draft needs a decision; 3 a draft was not received and waits to be sent again or discarded.
"""

from __future__ import annotations

import argparse
from typing import Any

from intake_gui.cli.output import (
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_UNCERTAIN,
    CliError,
    Output,
)

CHOICES = ("landed", "resend", "discard")


def register(sub: Any) -> None:
    c = sub.add_parser(
        "recover",
        help="settle receives left 'sent, confirming'; decide about those Intake cannot settle",
    )
    c.add_argument(
        "--decide",
        nargs=2,
        metavar=("DRAFT", "CHOICE"),
        help="record a decision: landed (it is in the POS), resend (send it again), discard",
    )
    c.add_argument("--receipt", type=int, help="with 'landed': the receipt id, if you know it")
    c.add_argument(
        "--again",
        action="store_true",
        help="with 'resend': send even though the same delivery landed (recorded in the journal)",
    )
    c.set_defaults(handler=cmd_recover, needs_context=True)


def _short(draft_id: str) -> str:
    return draft_id[:8]


def cmd_recover(ctx: Any, args: argparse.Namespace, out: Output) -> int:
    from intake_gui.cli.receive import wait_printer
    from intake_gui.services.receiving import ReceivingService

    receiving = ReceivingService(ctx)
    if args.decide:
        return _decide(receiving, args, out)
    outcomes = receiving.recover_pending(
        on_phase=lambda _p, words: out.info(words), on_wait=wait_printer(out)
    )
    settled = [o for o in outcomes if not o.needs_person]
    decisions = receiving.decisions()
    not_received = receiving.not_received()
    data = {
        "settled": [
            {
                "draft_id": o.draft_id,
                "title": o.title,
                "verdict": o.verdict.value,
                "state": o.state.value,
                "receipt_id": o.receipt_id,
                "message": o.message,
            }
            for o in settled
        ],
        "needs_decision": [_decision_json(d) for d in decisions],
        "not_received": [
            {
                "draft_id": e.draft_id,
                "title": e.draft.title,
                "token": e.draft.token,
                "failed_at": e.updated_at,
                "reason": e.last_error,
                "choices": ["resend", "discard"],
            }
            for e in not_received
        ],
    }
    out.emit(data, lambda: _text(settled, decisions, not_received))
    if decisions:
        return EXIT_UNCERTAIN
    return EXIT_REFUSED if not_received else EXIT_OK


def _decision_json(d: Any) -> dict:
    f = d.facts
    return {
        "draft_id": f.draft_id,
        "title": f.title,
        "token": f.token,
        "sent_at": f.sent_at,
        "sends": f.sends,
        "history_said": f.history_said,
        "station": f.station,
        "clerk": f.clerk,
        "choices": ["landed", "resend"],
        "same_delivery_landed": [
            {"receipt_id": p.receipt_id, "station": p.station, "at": p.at}
            for p in d.landed_twins.priors
        ],
    }


def _text(settled: list, decisions: list, not_received: list) -> str:
    rows = [o.message for o in settled]
    for d in decisions:
        dia, f = d.diagnosis, d.facts
        rows += [
            "",
            f"NEEDS A DECISION  {dia.headline}",
            f"  {dia.what_happened}",
            f"  Tag {f.token}, {f.lines} lines, {f.vendor} at {f.location}, station {f.station}.",
        ]
        for prior in d.landed_twins.priors:
            rows.append(f"  Note: {prior.sentence(d.entry.draft.location.timezone)}")
        rows += [
            f"  {dia.what_to_do}",
            f"    it is in the POS:  intake recover --decide {_short(f.draft_id)} landed",
            f"    send it again:     intake recover --decide {_short(f.draft_id)} resend",
        ]
    for e in not_received:
        rows += [
            "",
            f"NOT RECEIVED  “{e.draft.title}” (tag {e.draft.token}) did not reach the POS; nothing of it "
            "is there.",
            f"    send it again:     intake recover --decide {_short(e.draft_id)} resend",
            f"    or drop it:        intake recover --decide {_short(e.draft_id)} discard",
        ]
    if not rows:
        return "Nothing was left half-sent, and nothing waits for a decision."
    return "\n".join(rows).strip("\n")


def _decide(receiving: Any, args: argparse.Namespace, out: Output) -> int:
    from intake_gui.cli.receive import wait_printer
    from intake_gui.services.deliveries import SameDelivery

    ref, choice = args.decide
    if choice not in CHOICES:
        raise CliError(f"Choose one of {', '.join(CHOICES)} (not {choice!r}).")
    if args.receipt is not None and choice != "landed":
        raise CliError("--receipt goes with 'landed' only.")
    try:
        outcome = receiving.decide(
            ref,
            choice,
            again=args.again,
            how="cli --again" if args.again else "cli",
            receipt_id=args.receipt,
            on_phase=lambda _p, words: out.info(words),
            on_wait=wait_printer(out),
        )
    except SameDelivery as exc:
        d = exc.diagnosis
        raise CliError(
            f"{d.headline} {d.what_happened} Nothing was sent. Pass --again to send it anyway.",
            EXIT_REFUSED,
        ) from None
    except ValueError as exc:
        code = EXIT_NOT_FOUND if "No draft" in str(exc) else EXIT_REFUSED
        raise CliError(str(exc), code) from None
    out.emit(
        {
            "draft_id": outcome.draft_id,
            "title": outcome.title,
            "choice": choice,
            "state": outcome.state.value,
            "receipt_id": outcome.receipt_id,
            "message": outcome.message,
        },
        lambda: outcome.message,
    )
    if outcome.needs_person:
        return EXIT_UNCERTAIN
    if choice == "resend" and outcome.receipt_id is None:
        return EXIT_REFUSED
    return EXIT_OK
