"""The parser, `main`, and the one place where errors become exit codes.

Each command lives in its own module that exposes `register(subparsers)`; a module's parsers set
`handler` (the function) and `needs_context` (whether it needs an open AppContext, i.e. storage and a POS
login). To add a command, write its module and add it to `COMMAND_MODULES`.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence

from intake_gui import __version__
from intake_gui.cli import doctor, history, lookups, receive, sandbox_cmd, shared_record
from intake_gui.cli.output import (
    EXIT_AUTH,
    EXIT_CONNECTION,
    EXIT_NOT_FOUND,
    EXIT_REFUSED,
    EXIT_UNCERTAIN,
    CliError,
    Output,
)
from intake_gui.domain.pos_words import PosWords
from intake_gui.pos.waits import WaitFn, WaitNotice

COMMAND_MODULES = (sandbox_cmd, lookups, receive, history, doctor, shared_record)


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
    for module in COMMAND_MODULES:
        module.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out = Output(args.json)
    from intake_gui.store.logs import configure_logging
    from intake_gui.store.paths import app_paths

    paths = app_paths()
    paths.ensure()
    configure_logging(paths.log_dir)
    try:
        if not args.needs_context:
            return int(args.handler(args, out))
        return run_with_context(args, out)
    except CliError as exc:
        print(f"intake: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130


def exit_code_for(exc: BaseException) -> int:
    """The README's exit code for a POS error (http helper; the input helper owns the full contract).

    4 only when the login itself was refused; a POS that answered 5xx, refused the session again right
    after a fresh login, or kept refusing for its rate limit "refused" (3), never "unreachable" (7),
    which is kept for no answer at all."""
    from intake_gui.pos import errors as E

    if isinstance(exc, E.AuthenticationError):
        return EXIT_AUTH
    if isinstance(exc, E.OutcomeUnknown):
        return EXIT_UNCERTAIN
    if isinstance(exc, E.NotFound):
        return EXIT_NOT_FOUND
    if isinstance(exc, E.ConnectionFailed):
        return EXIT_CONNECTION
    return EXIT_REFUSED


def wait_lines(out: Output, words: PosWords) -> WaitFn:
    """Every wait a connector does, as a line on stderr, so a script's log shows why it paused."""

    def show(notice: WaitNotice) -> None:
        shortest = 2.0 if notice.reason in ("retry", "session") else 1.0
        if notice.done or notice.seconds < shortest:
            return  # the end of a wait, and short pauses, are not worth a line
        out.info(notice.describe(words))

    return show


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
        except E.PosError as exc:
            raise CliError(exc.message, exit_code_for(exc)) from None
    except E.PosError as exc:
        raise CliError(exc.message, exit_code_for(exc)) from None
    try:
        if ctx.is_sandbox:
            out.info("Using the embedded SANDBOX (training data).")
        ctx.connector.on_wait = wait_lines(out, ctx.connector.words)
        return int(args.handler(ctx, args, out))
    except SubmitRefused as exc:
        d = exc.diagnosis
        if out.as_json:
            # Scripts and support get the rule that recognised it and its facts, not only the words.
            out.emit({"error": d.model_dump(mode="json"), "exit_code": EXIT_REFUSED}, str)
        raise CliError(
            f"{d.headline} {d.what_happened} {d.what_to_do}".strip(), EXIT_REFUSED
        ) from None
    except SubmitUncertain as exc:
        raise CliError(
            f"Sent, but could not confirm it landed: {exc.message} Run `intake recover` later; "
            "do not send it again by hand.",
            EXIT_UNCERTAIN,
        ) from None
    except E.PosError as exc:
        raise CliError(exc.message, exit_code_for(exc)) from None
    finally:
        ctx.close()
