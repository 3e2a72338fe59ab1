"""`intake`: the command-line face over the same services the GUI uses.

For IT setting up stations, for unattended use and for training: every command works against the embedded
sandbox when no tenant is configured. `--json` prints machine-readable output; exit codes say what happened.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from intake_gui import __version__

EXIT_OK = 0
EXIT_NOT_GREEN = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_AUTH = 4
EXIT_UNCERTAIN = 5
EXIT_NOT_FOUND = 6
EXIT_CONNECTION = 7


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")  # type: ignore[no-any-return]
    return str(value)


class Output:
    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def emit(self, data: Any, text: Callable[[], str]) -> None:
        if self.as_json:
            print(json.dumps(data, default=_json_default, indent=2, ensure_ascii=False))
        else:
            print(text())

    def info(self, message: str) -> None:
        """Progress chatter goes to stderr so `--json` output stays parseable."""
        print(message, file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="intake", description="Receive deliveries into the POS, and prove they landed."
    )
    p.add_argument("--version", action="version", version=f"intake {__version__}")
    p.add_argument(
        "--api-base", help="POS API base URL (default: INTAKE_API_BASE, settings, else sandbox)"
    )
    p.add_argument("--pos", choices=["dutchie", "blaze", "indica"], help="POS kind")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("sandbox", help="run the training sandbox in the foreground")
    s.add_argument("--port", type=int, default=8765)
    s.add_argument("--data-dir", type=Path)
    s.add_argument(
        "--rate-limit", type=int, default=60, help="requests per minute per session (0 = off)"
    )
    s.add_argument(
        "--visibility-delay", type=float, default=0.0, help="seconds before new stock is sellable"
    )

    sub.add_parser("locations", help="list the locations this login sees")
    for name in ("vendors", "rooms"):
        c = sub.add_parser(name, help=f"list a location's {name}")
        c.add_argument("--loc", type=int, required=True)
    c = sub.add_parser("products", help="search the product catalog")
    c.add_argument("--loc", type=int, required=True)
    c.add_argument("--search", default="", help="type-ahead text, SKU or barcode")
    c.add_argument("--limit", type=int, default=25)

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

    v = sub.add_parser("verify", help="re-run the three verification reads for a receipt")
    v.add_argument("--loc", type=int, required=True)
    v.add_argument("--receipt", type=int, required=True)

    h = sub.add_parser(
        "history", help="receive history, joined with who received it at which station"
    )
    h.add_argument("--loc", type=int, required=True)
    h.add_argument(
        "--since", type=date.fromisoformat, required=True, help="YYYY-MM-DD (store-local)"
    )
    h.add_argument("--until", type=date.fromisoformat, help="YYYY-MM-DD inclusive (default today)")
    h.add_argument("--csv", metavar="PATH", help="write CSV to PATH ('-' for stdout)")

    sub.add_parser("recover", help="settle receives a crash left 'sent, confirming'")
    return p


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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out = Output(args.json)
    from intake_gui.store.logs import configure_logging
    from intake_gui.store.paths import app_paths

    paths = app_paths()
    paths.ensure()
    configure_logging(paths.log_dir)
    try:
        if args.command == "sandbox":
            return cmd_sandbox(args, out)
        return run_with_context(args, out)
    except CliError as exc:
        print(f"intake: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130


def cmd_sandbox(args: argparse.Namespace, out: Output) -> int:
    from intake_gui.sandbox import TRAINING_USER, SandboxConfig
    from intake_gui.sandbox.runner import serve_forever
    from intake_gui.store.paths import app_paths

    data_dir = args.data_dir or app_paths().sandbox_dir
    config = SandboxConfig(
        rate_limit_per_minute=args.rate_limit, visibility_delay_s=args.visibility_delay
    )
    from intake_gui.services.sandbox_mounts import extra_mounts

    def ready(base_url: str) -> None:
        out.info(
            f"Intake sandbox on {base_url}  (BLAZE under /blaze/, IndicaOnline under /indica/; "
            f"data: {data_dir}; training login: {TRAINING_USER})  Ctrl+C stops it."
        )

    serve_forever(data_dir, args.port, config, extra_mounts=extra_mounts(data_dir), on_ready=ready)
    return EXIT_OK


def run_with_context(args: argparse.Namespace, out: Output) -> int:
    from intake_gui.pos import errors as E
    from intake_gui.services.context import CredentialsNeeded, open_context
    from intake_gui.services.receiving import SubmitRefused, SubmitUncertain

    try:
        ctx = open_context(api_base=args.api_base, pos_kind=args.pos)
    except CredentialsNeeded as need:
        if not sys.stdin.isatty():
            raise CliError(
                f"No credentials for {need.api_base}: set INTAKE_USERNAME and INTAKE_PASSWORD, "
                "or log in once interactively.",
                EXIT_AUTH,
            ) from None
        username = need.username or input("Username: ")
        password = getpass.getpass(f"Password for {username}: ")
        try:
            ctx = open_context(
                api_base=args.api_base, pos_kind=args.pos, username=username, password=password
            )
        except E.AuthenticationError as exc:
            raise CliError(exc.message, EXIT_AUTH) from None
    except E.AuthenticationError as exc:
        raise CliError(exc.message, EXIT_AUTH) from None
    except E.PosError as exc:
        raise CliError(exc.message, EXIT_CONNECTION) from None
    try:
        if ctx.is_sandbox:
            out.info("Using the embedded SANDBOX (training data).")
        handler = COMMANDS[args.command]
        return handler(ctx, args, out)
    except SubmitRefused as exc:
        d = exc.diagnosis
        raise CliError(
            f"{d.headline} {d.what_happened} {d.what_to_do}".strip(), EXIT_REFUSED
        ) from None
    except SubmitUncertain as exc:
        raise CliError(
            f"Sent, but could not confirm it landed: {exc.message} Run `intake recover` later; "
            "do not send it again by hand.",
            EXIT_UNCERTAIN,
        ) from None
    except E.AuthenticationError as exc:
        raise CliError(exc.message, EXIT_AUTH) from None
    except E.NotFound as exc:
        raise CliError(exc.message, EXIT_NOT_FOUND) from None
    except E.ConnectionFailed as exc:
        raise CliError(exc.message, EXIT_CONNECTION) from None
    except E.PosError as exc:
        raise CliError(exc.message, EXIT_REFUSED) from None
    finally:
        ctx.close()


def _location(ctx: Any, loc_id: int) -> Any:
    from intake_gui.services.setup import SetupService

    for loc in SetupService(ctx).locations():
        if loc.loc_id == loc_id:
            return loc
    raise CliError(f"This login sees no location {loc_id}. Try `intake locations`.", EXIT_NOT_FOUND)


def cmd_locations(ctx: Any, args: argparse.Namespace, out: Output) -> int:
    from intake_gui.services.setup import SetupService

    locs = SetupService(ctx).locations()
    out.emit(
        [loc.model_dump(mode="json") for loc in locs],
        lambda: (
            "\n".join(f"{x.loc_id:>6}  {x.state:<3} {x.name}  ({x.timezone})" for x in locs)
            + f"\n{len(locs)} locations"
        ),
    )
    return EXIT_OK


def cmd_vendors(ctx: Any, args: argparse.Namespace, out: Output) -> int:
    from intake_gui.services.setup import SetupService

    vendors = SetupService(ctx).vendors(_location(ctx, args.loc))
    out.emit(
        [v.model_dump(mode="json") for v in vendors],
        lambda: "\n".join(f"{v.vendor_id:>7}  {v.name}  {v.code}" for v in vendors),
    )
    return EXIT_OK


def cmd_rooms(ctx: Any, args: argparse.Namespace, out: Output) -> int:
    from intake_gui.domain.diagnosis import no_rooms_explanation
    from intake_gui.services.setup import SetupService

    loc = _location(ctx, args.loc)
    rooms = SetupService(ctx).rooms(loc)

    def text() -> str:
        if not rooms:
            d = no_rooms_explanation(loc)
            return f"{d.headline}\n{d.what_happened}\n{d.what_to_do}"
        return "\n".join(
            f"{r.room_id:>7}  {r.name:<24} inventory={'yes' if r.inventory_room else 'no ':<3} "
            f"sellable={'yes' if r.sellable else 'no'}"
            for r in rooms
        )

    out.emit([r.model_dump(mode="json") | {"sellable": r.sellable} for r in rooms], text)
    return EXIT_OK


def _catalog(ctx: Any, loc: Any, out: Output) -> Any:
    from intake_gui.services.catalog import CatalogService

    service = CatalogService(ctx)
    snap = service.load_cached(loc)
    if snap is None:
        out.info("Loading the product catalog…")
        snap = service.sync(loc)
    return snap


def cmd_products(ctx: Any, args: argparse.Namespace, out: Output) -> int:
    from intake_gui.domain.barcode import interpret

    loc = _location(ctx, args.loc)
    snap = _catalog(ctx, loc, out)
    exact = snap.index.lookup(interpret(args.search)) if args.search else None
    found = [exact] if exact else snap.index.search(args.search, limit=args.limit)
    if not args.search:
        found = snap.products[: args.limit]
    out.emit(
        [p.model_dump(mode="json") for p in found],
        lambda: (
            "\n".join(f"{p.product_id:>9}  {p.sku:<8} {p.gtin or '-':<14}  {p.name}" for p in found)
            + f"\n{len(found)} shown of {len(snap.products)} products"
        ),
    )
    return EXIT_OK


def cmd_receive(ctx: Any, args: argparse.Namespace, out: Output) -> int:
    from intake_gui.domain.barcode import interpret
    from intake_gui.domain.models import DraftLine, ReceiveDraft
    from intake_gui.services.receiving import ReceivingService
    from intake_gui.services.setup import SetupService

    lines_spec = [parse_line(s) for s in args.line]
    setup = SetupService(ctx)
    loc = _location(ctx, args.loc)
    rooms = setup.rooms(loc)
    if not rooms:
        from intake_gui.domain.diagnosis import no_rooms_explanation

        d = no_rooms_explanation(loc)
        raise CliError(f"{d.headline} {d.what_to_do}", EXIT_REFUSED)
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
    snap = _catalog(ctx, loc, out)
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
                unit_cost=cost if cost is not None else (product.unit_cost or 0),
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
    data = {"receipt_id": result.receipt_id, "reconciled": result.reconciled} | _report_json(report)
    out.emit(data, lambda: f"Receipt {result.receipt_id}\n" + _report_text(report))
    return EXIT_OK if report.all_green else EXIT_NOT_GREEN


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
    from intake_gui.services.history import HistoryEntry, HistoryService

    loc = _location(ctx, args.loc)
    history = HistoryService(ctx)
    journal_entry = ctx.journal.by_receipt([args.receipt]).get(args.receipt)
    row = _find_history_row(ctx, loc, args.receipt, journal_entry)
    report = history.reverify(loc, HistoryEntry(row=row))
    out.emit(
        {"receipt_id": args.receipt} | _report_json(report),
        lambda: f"Receipt {args.receipt}\n" + _report_text(report),
    )
    return EXIT_OK if report.all_green else EXIT_NOT_GREEN


def _find_history_row(ctx: Any, loc: Any, receipt_id: int, journal_entry: Any) -> Any:
    """A receipt's history row, searched near the journal's submit time or else over the last 90 days."""
    from intake_gui.domain.models import HistoryRow

    now = datetime.now()
    start = now - timedelta(days=90)
    for s, e in _windows(start, now + timedelta(days=1)):
        for row in ctx.connector.receipt_history(loc, s, e):
            if row.receipt_id == receipt_id:
                return row
    if journal_entry is not None:
        return HistoryRow(receipt_id=receipt_id, received_at=now, title=journal_entry.draft.title)
    raise CliError(f"Receipt {receipt_id} is not in the last 90 days of history.", EXIT_NOT_FOUND)


def _windows(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    from intake_gui.domain.date_windows import split_range

    return split_range(start, end, 31)


def cmd_history(ctx: Any, args: argparse.Namespace, out: Output) -> int:
    from intake_gui.domain.date_windows import zone
    from intake_gui.services.history import HistoryService, export_csv

    loc = _location(ctx, args.loc)
    until = args.until or datetime.now(zone(loc.timezone)).date()  # "today" at the store
    if until < args.since:
        raise CliError("--until is before --since.")
    start = datetime.combine(args.since, datetime.min.time())
    end = datetime.combine(until + timedelta(days=1), datetime.min.time())
    entries = HistoryService(ctx).history(
        loc,
        start,
        end,
        progress=lambda done, total: total > 1 and out.info(f"Read {done}/{total} windows"),
    )
    if args.csv:
        if args.csv == "-":
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "history.csv"
                export_csv(entries, path, loc.timezone)
                sys.stdout.write(path.read_text(encoding="utf-8"))
        else:
            n = export_csv(entries, Path(args.csv), loc.timezone)
            out.info(f"Wrote {n} rows to {args.csv}")
        return EXIT_OK
    out.emit(
        [
            {
                "receipt_id": e.row.receipt_id,
                "received_at": e.row.received_at,
                "timezone": loc.timezone,
                "vendor": e.row.vendor_name,
                "title": e.row.title,
                "products": e.row.product_count,
                "status": e.row.status,
                "clerk": e.clerk,
                "station": e.station,
                "verification": e.verification,
            }
            for e in entries
        ],
        lambda: (
            f"Times are store-local ({loc.timezone}).\n"
            + "\n".join(
                f"{e.row.received_at:%Y-%m-%d %H:%M}  {e.row.receipt_id:>8}  {e.row.vendor_name[:22]:<22} "
                f"{e.row.title[:40]:<40} {e.row.product_count:>3}  {e.row.status:<9} {e.clerk or '-'}"
                for e in entries
            )
            + f"\n{len(entries)} receives"
        ),
    )
    return EXIT_OK


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


COMMANDS: dict[str, Callable[[Any, argparse.Namespace, Output], int]] = {
    "locations": cmd_locations,
    "vendors": cmd_vendors,
    "rooms": cmd_rooms,
    "products": cmd_products,
    "receive": cmd_receive,
    "verify": cmd_verify,
    "history": cmd_history,
    "recover": cmd_recover,
}


if __name__ == "__main__":
    sys.exit(main())
