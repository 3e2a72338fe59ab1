"""The parser, `main`, and the one place where errors become exit codes.

Each command lives in its own module that exposes `register(subparsers)`; a module's parsers set
`handler` (the function) and `needs_context` (whether it needs an open AppContext, i.e. storage and a POS
login). To add a command, write its module and add it to `COMMAND_MODULES`; its arguments are checked
before a context opens by a function in `PREFLIGHT` (free text everywhere is checked for undecodable bytes).

The common options (`COMMON_OPTIONS`: `--json`, `--pos`, `--api-base`, `--clerk`, `--decimal-mark`) are accepted
before and after the subcommand, so `intake --json locations` and `intake locations --json` are the same.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from intake_gui import __version__
from intake_gui.cli import (
    doctor,
    history,
    lookups,
    receive,
    receive_input,
    sandbox_cmd,
    shared_record,
)
from intake_gui.cli.dates import join_negative_days
from intake_gui.cli.failures import exit_code_for, pos_failure
from intake_gui.cli.output import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_REFUSED,
    EXIT_UNCERTAIN,
    EXIT_USAGE,
    CliError,
    Output,
)
from intake_gui.domain.pos_words import PosWords
from intake_gui.pos.waits import WaitFn, WaitNotice
from intake_gui.services.drivers import kinds as pos_kinds

COMMAND_MODULES = (sandbox_cmd, lookups, receive, history, doctor, shared_record)
PREFLIGHT: dict[str, Callable[[argparse.Namespace], Any]] = {
    "receive": receive_input.check_receive,
    "history": history.check_history,
}
"""Per command: check its arguments before a context is opened; the result is `args.checked`."""

__all__ = ["build_parser", "exit_code_for", "main", "run_with_context"]

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing and exiting, so a usage error is told like every other
    failure (one JSON object with `--json`, exit 2)."""

    def error(self, message: str) -> NoReturn:
        from intake_gui.domain.text import shown

        raise CliError(
            f"{shown(message, limit=300).rstrip('.')}. See `{self.prog} --help`.",
            EXIT_USAGE,
            error="usage",
        )


def _add_common(parser: argparse.ArgumentParser, *, under_command: bool) -> None:
    """The options every command takes. Under a subcommand their default is "not given", so a value given
    before the subcommand is kept unless repeated after it."""
    kw: dict[str, Any] = {"default": argparse.SUPPRESS} if under_command else {}
    group = parser.add_argument_group("common options (before or after the command)")
    group.add_argument(
        "--json",
        action="store_true",
        help="one JSON document on stdout for every outcome, errors included",
        **kw,
    )
    group.add_argument(
        "--api-base",
        help="POS API base URL (default: INTAKE_API_BASE, settings, else sandbox)",
        **({"default": argparse.SUPPRESS} if under_command else {"default": None}),
    )
    group.add_argument(
        "--pos",
        choices=pos_kinds(),
        help="POS kind (default: settings)",
        **({"default": argparse.SUPPRESS} if under_command else {"default": None}),
    )
    if "--clerk" not in parser._option_string_actions:  # `history --clerk` filters; no name there
        group.add_argument(
            "--clerk",
            help="who is receiving, where the POS signs in with a key "
            "(default: INTAKE_CLERK_NAME, settings)",
            **({"default": argparse.SUPPRESS} if under_command else {"default": None}),
        )
    group.add_argument(
        "--decimal-mark",
        choices=["auto", "point", "comma"],
        help="how quantities are written (default: INTAKE_DECIMAL_MARK, settings, else the OS locale)",
        **({"default": argparse.SUPPRESS} if under_command else {"default": None}),
    )


COMMON_OPTIONS = ("--json", "--api-base", "--pos", "--clerk", "--decimal-mark")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="intake", description="Receive deliveries into the POS, and prove they landed."
    )
    p.add_argument("--version", action="version", version=f"intake {__version__}")
    _add_common(p, under_command=False)
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module in COMMAND_MODULES:
        module.register(sub)
    _add_common_to_commands(sub)
    return p


def _add_common_to_commands(sub: Any) -> None:
    seen: set[int] = set()
    for parser in sub.choices.values():
        if id(parser) in seen:  # aliases share a parser
            continue
        seen.add(id(parser))
        _add_common(parser, under_command=True)
        for action in parser._actions:  # a command group with its own subcommands (shared-record …)
            if isinstance(action, argparse._SubParsersAction):
                _add_common_to_commands(action)


def main(argv: Sequence[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    _tolerant_streams()
    out = Output(_wants_json(raw))
    try:
        args = build_parser().parse_args(join_negative_days(raw))
        out = Output(bool(args.json))
        _use_decimal_mark(args)
        _check_text_arguments(args)
        check = PREFLIGHT.get(args.command)
        if check is not None:
            args.checked = check(args)
        _start_logging()
        if not args.needs_context:
            return int(args.handler(args, out))
        return run_with_context(args, out)
    except CliError as exc:
        return out.fail(exc)
    except KeyboardInterrupt:
        return out.fail(CliError("Interrupted.", EXIT_INTERRUPTED, error="interrupted"))
    except Exception as exc:  # the last net: never a traceback in a person's face
        return out.fail(_unexpected(exc))


def _wants_json(argv: Sequence[str]) -> bool:
    """`--json` anywhere before `--`: known even when the command line cannot be parsed."""
    for item in argv:
        if item == "--":
            return False
        if item == "--json":
            return True
    return False


def _tolerant_streams() -> None:
    """A console that cannot encode a character (cp1252 and “ ”, a title in Thai) gets an escape, not a
    UnicodeEncodeError after the work is done."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def _start_logging() -> None:
    from intake_gui.services.station_log import configure_logging
    from intake_gui.store.paths import app_paths

    paths = app_paths()
    paths.ensure()
    configure_logging(paths.log_dir)


def _use_decimal_mark(args: argparse.Namespace) -> None:
    """The station's decimal mark for every quantity this run reads or writes: `--decimal-mark`, else the
    settings (file or INTAKE_DECIMAL_MARK), else the OS locale."""
    from intake_gui.domain.quantities import use_decimal_mark

    mark = getattr(args, "decimal_mark", None)
    if mark is None:
        mark = _settings_decimal_mark()
    use_decimal_mark(mark)


def _settings_decimal_mark() -> str:
    from intake_gui.store.paths import app_paths
    from intake_gui.store.settings import load_settings

    try:
        return str(getattr(load_settings(app_paths()), "decimal_mark", "auto"))
    except Exception:  # unreadable settings are the context's to report, with its own words
        log.warning("settings unreadable while reading decimal_mark", exc_info=True)
        return "auto"


def _check_text_arguments(args: argparse.Namespace) -> None:
    """Bytes that are not UTF-8 in any argument (they arrive as lone surrogates) end here, in words."""
    from intake_gui.domain.text import shown

    for name, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, str) and any("\ud800" <= ch <= "\udfff" for ch in item):
                option = "--" + name.replace("_", "-")
                raise CliError(
                    f"{option} “{shown(item)}” contains bytes that are not text in UTF-8 (the "
                    "terminal or script uses another encoding). Retype it, or run the command from a "
                    "UTF-8 terminal.",
                    EXIT_USAGE,
                    error="invalid_input",
                    details={"field": option},
                )


def _unexpected(exc: BaseException) -> CliError:
    """A failure no rule foresaw: logged with its traceback, told in words, exit 70 (never 1, which means
    "sent, not all green"). A pydantic refusal that slipped past the checks is still bad input, in words."""
    from pydantic import ValidationError

    from intake_gui.domain.input_refusals import clerk_message, refusals
    from intake_gui.domain.quantities import QuantityError
    from intake_gui.domain.text import TextRefused

    if isinstance(exc, ValidationError | QuantityError | TextRefused):
        found = refusals(exc)
        return CliError(
            clerk_message(exc),
            EXIT_USAGE,
            error="invalid_input",
            details={"refusals": [r.as_dict() for r in found]},
        )
    log.exception("intake: unexpected failure")
    where = ""
    try:
        from intake_gui.store.paths import app_paths

        where = f" The log has the details: {app_paths().log_dir}."
    except Exception:
        pass
    return CliError(
        f"Intake could not finish: {type(exc).__name__}: {exc}.{where}",
        EXIT_INTERNAL,
        error="internal",
    )


def wait_lines(out: Output, words: PosWords) -> WaitFn:
    """Every wait a connector does, as a line on stderr, so a script's log shows why it paused."""

    def show(notice: WaitNotice) -> None:
        shortest = 2.0 if notice.reason in ("retry", "session") else 1.0
        if notice.done or notice.seconds < shortest:
            return  # the end of a wait, and short pauses, are not worth a line
        out.info(notice.describe(words))

    return show


def run_with_context(args: argparse.Namespace, out: Output) -> int:
    from intake_gui.cli.signin import open_signed_in
    from intake_gui.pos import errors as E
    from intake_gui.services.receiving import SubmitRefused, SubmitUncertain

    common = {"api_base": args.api_base, "pos_kind": args.pos, "clerk": args.clerk}
    try:
        ctx = open_signed_in(**common)
    except E.PosError as exc:
        raise pos_failure(exc) from None
    if ctx.needs_clerk_name:
        _name_the_clerk(ctx, out)
    try:
        if ctx.is_sandbox:
            out.info("Using the embedded SANDBOX (training data).")
        ctx.connector.on_wait = wait_lines(out, ctx.words)
        return int(args.handler(ctx, args, out))
    except SubmitRefused as exc:
        d = exc.diagnosis
        # Scripts and support get the rule that recognised it and its facts, not only the words (verify
        # helper), under `diagnosis`: `error` stays one stable code.
        raise CliError(
            f"{d.headline} {d.what_happened} {d.what_to_do}".strip(),
            EXIT_REFUSED,
            error="cannot_receive" if str(d.rule).startswith("location.") else "pos_refused",
            details={"diagnosis": d.model_dump(mode="json")},
        ) from None
    except SubmitUncertain as exc:
        raise CliError(
            f"Sent, but could not confirm it landed: {exc.message} Run `intake recover` later; "
            "do not send it again by hand.",
            EXIT_UNCERTAIN,
            error="unconfirmed",
        ) from None
    except E.PosError as exc:
        raise pos_failure(exc) from None
    finally:
        ctx.close()


def _name_the_clerk(ctx: object, out: Output) -> None:
    """A POS whose login is a shop's key names nobody: ask who is receiving (interactive runs), or say that
    the record will name the station only (scripts: pass --clerk or INTAKE_CLERK_NAME)."""
    from intake_gui.services.context import AppContext

    assert isinstance(ctx, AppContext)
    name = " ".join(input("Who is receiving? ").split()) if sys.stdin.isatty() else ""
    if name:
        ctx.settings = ctx.settings.model_copy(update={"clerk_name": name})
    else:
        out.info(
            f"No clerk named: the receiving record will say “{ctx.clerk}”. "
            "Pass --clerk NAME or set INTAKE_CLERK_NAME."
        )
