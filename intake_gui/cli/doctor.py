"""`intake doctor`: the read-only probe IT runs on day one and attaches to a support ticket.

Exit 0 when everything Intake needs is there; 1 when something essential is missing (the text and the JSON
name the endpoint and the field) or a read a capability needs failed. It never writes to the POS.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from intake_gui.cli.output import EXIT_AUTH, EXIT_NOT_GREEN, EXIT_OK, CliError, Output


def register(sub: Any) -> None:
    d = sub.add_parser(
        "doctor",
        help="read-only probe of the POS: what it sends, what differs, what Intake can do there",
    )
    d.add_argument("--loc", type=int, help="location id to probe (default: the first one)")
    d.add_argument("--days", type=int, default=90, help="receive history to read (default 90)")
    d.set_defaults(handler=cmd_doctor, needs_context=False)


def cmd_doctor(args: argparse.Namespace, out: Output) -> int:
    from intake_gui.services.context import CredentialsNeeded, open_context
    from intake_gui.services.doctor import run_doctor

    try:
        ctx = open_context(api_base=args.api_base, pos_kind=args.pos, login=False)
    except CredentialsNeeded as need:
        if not sys.stdin.isatty():
            raise CliError(
                f"No credentials for {need.api_base}: set INTAKE_USERNAME and INTAKE_PASSWORD.",
                EXIT_AUTH,
            ) from None
        username = need.username or input("Username: ")
        password = getpass.getpass(f"Password for {username}: ")
        ctx = open_context(
            api_base=args.api_base,
            pos_kind=args.pos,
            username=username,
            password=password,
            login=False,
        )
    try:
        if ctx.is_sandbox:
            out.info("Probing the embedded SANDBOX (training data).")
        report = run_doctor(
            ctx.connector,
            pos=ctx.settings.pos_kind,
            base_url=ctx.api_base,
            location_id=args.loc,
            days=args.days,
            on_step=lambda name: out.info(f"Reading {name}…"),
        )
    finally:
        ctx.close()
    out.emit(report.to_dict(), report.text)
    return EXIT_OK if report.ok else EXIT_NOT_GREEN
