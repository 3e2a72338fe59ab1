"""What every command shares: the exit codes, the one error type a command raises, and how output is printed.

Exit codes and error codes are the CLI's contract with scripts (README, "The command line"); keep them here
only. With `--json`, stdout carries exactly one JSON document for every outcome: the command's result, or
for a failure an object `{"error": CODE, "message": …, "exit_code": N, …}` whose `error` is one of
`ERROR_CODES`. Progress and warnings go to stderr in both modes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

EXIT_OK = 0
EXIT_NOT_GREEN = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_AUTH = 4
EXIT_UNCERTAIN = 5
EXIT_NOT_FOUND = 6
EXIT_CONNECTION = 7
EXIT_INTERNAL = 70
"""Intake itself failed (a bug, a full disk): the log has the traceback. sysexits' EX_SOFTWARE."""
EXIT_INTERRUPTED = 130
"""Ctrl+C, as shells report a SIGINT."""

ERROR_CODES: dict[str, int] = {
    "usage": EXIT_USAGE,
    "invalid_input": EXIT_USAGE,
    "needs_confirmation": EXIT_USAGE,
    "pos_refused": EXIT_REFUSED,
    "permission_denied": EXIT_REFUSED,
    "rate_limited": EXIT_REFUSED,
    "session_refused": EXIT_REFUSED,
    "pos_error": EXIT_REFUSED,
    "not_supported": EXIT_REFUSED,
    "cannot_receive": EXIT_REFUSED,
    "not_ready": EXIT_REFUSED,
    "login_failed": EXIT_AUTH,
    "no_credentials": EXIT_AUTH,
    "unconfirmed": EXIT_UNCERTAIN,
    "needs_decision": EXIT_UNCERTAIN,
    "not_found": EXIT_NOT_FOUND,
    "unreachable": EXIT_CONNECTION,
    "internal": EXIT_INTERNAL,
    "interrupted": EXIT_INTERRUPTED,
}
"""Every `error` value a failure can carry, and the exit code that goes with it. Scripts may rely on both."""

DEFAULT_ERROR = {
    EXIT_USAGE: "invalid_input",
    EXIT_REFUSED: "pos_refused",
    EXIT_AUTH: "login_failed",
    EXIT_UNCERTAIN: "unconfirmed",
    EXIT_NOT_FOUND: "not_found",
    EXIT_CONNECTION: "unreachable",
    EXIT_INTERNAL: "internal",
    EXIT_INTERRUPTED: "interrupted",
}
"""The error code of a `CliError` raised with an exit code only (commands written before error codes)."""


class CliError(Exception):
    """A command's failure: the sentence for a person, the exit code, the stable `error` code and any facts
    a script may want (`details`: e.g. `field`, `refusals`, `pos_message`)."""

    def __init__(
        self,
        message: str,
        code: int = EXIT_USAGE,
        *,
        error: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.error = error or DEFAULT_ERROR.get(code, "internal")
        self.details = dict(details or {})

    def as_json(self) -> dict[str, Any]:
        return {
            "error": self.error,
            "message": self.message,
            "exit_code": self.code,
            **self.details,
        }


def json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return str(value)


def dumps(data: Any) -> str:
    return json.dumps(data, default=json_default, indent=2, ensure_ascii=False)


class Output:
    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json
        self.emitted = False
        """True once the command's one JSON document is on stdout: a failure after it is told on stderr."""

    def emit(self, data: Any, text: Callable[[], str]) -> None:
        if self.as_json:
            if self.emitted:
                raise RuntimeError("a command emitted twice; --json promises one document")
            print(dumps(data))
        else:
            print(text())
        self.emitted = True
        sys.stdout.flush()

    def info(self, message: str) -> None:
        """Progress chatter goes to stderr so `--json` output stays parseable."""
        print(message, file=sys.stderr, flush=True)

    def fail(self, exc: CliError) -> int:
        """Tell a failure: `intake: …` on stderr, and with `--json` the error object on stdout (unless the
        command already emitted its document). Returns the exit code."""
        print(f"intake: {exc.message}", file=sys.stderr, flush=True)
        if self.as_json and not self.emitted:
            print(dumps(exc.as_json()))
            sys.stdout.flush()
            self.emitted = True
        return exc.code
