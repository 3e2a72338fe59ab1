"""`intake history`: receive history joined with who received it at which station, as text, JSON or CSV."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from intake_gui.cli.lookups import find_location
from intake_gui.cli.output import EXIT_OK, CliError, Output


def register(sub: Any) -> None:
    h = sub.add_parser(
        "history", help="receive history, joined with who received it at which station"
    )
    h.add_argument("--loc", type=int, required=True)
    h.add_argument(
        "--since", type=date.fromisoformat, required=True, help="YYYY-MM-DD (store-local)"
    )
    h.add_argument("--until", type=date.fromisoformat, help="YYYY-MM-DD inclusive (default today)")
    h.add_argument("--csv", metavar="PATH", help="write CSV to PATH ('-' for stdout)")
    # record helper: the shared record names the station and clerk of every receive made through Intake
    h.add_argument("--station", help="only receives made at this station")
    h.add_argument("--clerk", help="only receives made by this clerk")
    h.set_defaults(handler=cmd_history, needs_context=True)


def cmd_history(ctx: Any, args: argparse.Namespace, out: Output) -> int:
    from intake_gui.domain.date_windows import zone
    from intake_gui.services.history import HistoryService, export_csv, filter_entries

    loc = find_location(ctx, args.loc)
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
    if entries.shared_problem:
        out.info(
            f"The shared record could not be read ({entries.shared_problem}): receives made at other "
            "stations show without clerk and station."
        )
    entries = filter_entries(entries, station=args.station, clerk=args.clerk)
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
                "timezone_source": loc.zone_source,
                "vendor": e.row.vendor_name,
                "title": e.row.title,
                "products": e.row.product_count,
                "status": e.row.status,
                "clerk": e.clerk,
                "station": e.station,
                "made_through": e.made_through,
                "scans": e.scans,
                "submit_attempts": e.submit_attempts,
                "verification": e.verification,
            }
            for e in entries
        ],
        lambda: (
            f"Times are store-local: {loc.zone_words}.\n"
            + "\n".join(
                f"{f'{e.row.received_at:%Y-%m-%d %H:%M}' if e.row.received_at else 'date unknown':<16}  {e.row.receipt_id:>8}  {e.row.vendor_name[:22]:<22} "
                f"{e.row.title[:40]:<40} {e.row.product_count:>3}  {e.row.status:<9} "
                + (f"{e.clerk} @ {e.station}" if e.clerk else "outside Intake")
                for e in entries
            )
            + f"\n{len(entries)} receives"
        ),
    )
    return EXIT_OK
