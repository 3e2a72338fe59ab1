"""`intake history`: receive history joined with who received it at which station, as text, JSON or CSV."""

from __future__ import annotations

import argparse
import io
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from intake_gui.cli.dates import DAY_HELP, day_words
from intake_gui.cli.lookups import find_location
from intake_gui.cli.output import EXIT_OK, CliError, Output
from intake_gui.domain.text import printable


def check_history(args: argparse.Namespace) -> None:
    """Before a context opens: `--csv -` makes CSV the document on stdout, so it cannot also be JSON."""
    if args.csv == "-" and args.json:
        raise CliError(
            "--csv - writes CSV to stdout, which --json keeps for one JSON document: leave out --json, "
            "or give --csv a file name.",
            error="usage",
        )


def register(sub: Any) -> None:
    h = sub.add_parser(
        "history", help="receive history, joined with who received it at which station"
    )
    h.add_argument("--loc", type=int, required=True)
    h.add_argument("--since", type=day_words, required=True, metavar="DAY", help=DAY_HELP)
    h.add_argument(
        "--until", type=day_words, metavar="DAY", help="inclusive, same forms (default: today)"
    )
    h.add_argument("--csv", metavar="PATH", help="write CSV to PATH ('-' streams it to stdout)")
    # record helper: the shared record names the station and clerk of every receive made through Intake
    h.add_argument("--station", help="only receives made at this station")
    h.add_argument("--clerk", dest="clerk_filter", help="only receives made by this clerk")
    h.set_defaults(handler=cmd_history, needs_context=True)


def cmd_history(ctx: Any, args: argparse.Namespace, out: Output) -> int:
    from intake_gui.domain.date_windows import zone
    from intake_gui.services.history import HistoryService, export_csv, filter_entries

    loc = find_location(ctx, args.loc)
    today = datetime.now(zone(loc.timezone)).date()  # "today" at the store, not at this station
    since = args.since.on(today)
    until = args.until.on(today) if args.until else today
    if until < since:
        raise CliError(
            f"--until {args.until} ({until}) is before --since {args.since} ({since}); swap them."
        )
    start = datetime.combine(since, datetime.min.time())
    end = datetime.combine(until + timedelta(days=1), datetime.min.time())

    def progress(done: int, total: int) -> None:
        if total > 1:
            out.info(f"Read {done}/{total} windows")

    read = HistoryService(ctx).history(loc, start, end, progress=progress)
    if read.shared_problem:
        out.info(
            f"The shared record could not be read ({read.shared_problem}): receives made at other "
            "stations show without clerk and station."
        )
    entries = filter_entries(read, station=args.station, clerk=args.clerk_filter)
    if args.csv == "-":
        _stream_csv(entries, loc.timezone, export_csv)
        out.emitted = True  # the CSV is this command's document on stdout
        return EXIT_OK
    if args.csv:
        n = export_csv(entries, Path(args.csv), loc.timezone)
        out.info(f"Wrote {n} rows to {args.csv}")
        out.emit({"csv": args.csv, "rows": n}, lambda: f"{n} receives written to {args.csv}")
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
                f"{f'{e.row.received_at:%Y-%m-%d %H:%M}' if e.row.received_at else 'date unknown':<16}  {e.row.receipt_id:>8}  {printable(e.row.vendor_name[:22]):<22} "
                f"{printable(e.row.title[:40]):<40} {e.row.product_count:>3}  {printable(e.row.status):<9} "
                + (
                    f"{printable(e.clerk)} @ {printable(e.station)}"
                    if e.clerk
                    else "outside Intake"
                )
                for e in entries
            )
            + f"\n{len(entries)} receives"
        ),
    )
    return EXIT_OK


def _stream_csv(entries: Any, tz: str, export_csv: Any) -> None:
    """Rows to stdout as they are written: UTF-8 and the csv module's own line ends (newline=""), whatever
    the console's encoding; no temporary file."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a replaced stdout without bytes underneath: write text as it is
        export_csv(entries, sys.stdout, tz)
        return
    sys.stdout.flush()
    stream = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=True)
    try:
        export_csv(entries, stream, tz)
        stream.flush()
    finally:
        stream.detach()
