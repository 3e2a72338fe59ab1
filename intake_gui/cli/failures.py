"""Every failure a command can meet, as the CliError a script sees: exit code, stable `error` code, words.

The words come from `services.error_words` (the same sentence the windows show); this module adds the codes.
One table for all paths (`open_context`'s login, a command's reads, a receive), so the README's exit codes
hold whichever step failed. The "http" helper's refinement stands: 4 only when the login itself was refused;
a POS that answered 5xx, refused a fresh session again, or kept refusing for its rate limit is "refused" (3),
never "unreachable" (7), which is kept for no answer at all.
"""

from __future__ import annotations

from typing import Any

from intake_gui.cli.output import (
    EXIT_AUTH,
    EXIT_CONNECTION,
    EXIT_NOT_FOUND,
    EXIT_REFUSED,
    EXIT_UNCERTAIN,
    CliError,
)
from intake_gui.services.error_words import error_words

# (class name in pos.errors, exit code, error code), most specific first. By name, so a class another
# helper adds (SessionRejected) is picked up when it exists and skipped while it does not.
POS_ERRORS: tuple[tuple[str, int, str], ...] = (
    ("AuthenticationError", EXIT_AUTH, "login_failed"),
    ("OutcomeUnknown", EXIT_UNCERTAIN, "unconfirmed"),
    ("NotFound", EXIT_NOT_FOUND, "not_found"),
    ("ConnectionFailed", EXIT_CONNECTION, "unreachable"),
    ("SessionRejected", EXIT_REFUSED, "session_refused"),
    ("PermissionDenied", EXIT_REFUSED, "permission_denied"),
    ("RateLimited", EXIT_REFUSED, "rate_limited"),
    ("NotSupported", EXIT_REFUSED, "not_supported"),
    ("ServerError", EXIT_REFUSED, "pos_error"),
    ("PosError", EXIT_REFUSED, "pos_refused"),
)


def classify(exc: BaseException) -> tuple[int, str]:
    """(exit code, error code) of a POS error."""
    from intake_gui.pos import errors as E

    for name, code, error in POS_ERRORS:
        cls = getattr(E, name, None)
        if cls is not None and isinstance(exc, cls):
            return code, error
    return EXIT_REFUSED, "pos_refused"


def exit_code_for(exc: BaseException) -> int:
    """The README's exit code for a POS error."""
    return classify(exc)[0]


def pos_failure(exc: BaseException) -> CliError:
    code, error = classify(exc)
    details: dict[str, Any] = {}
    for name in ("pos_message", "status", "endpoint"):
        value = getattr(exc, name, None)
        if value not in (None, ""):
            details[name] = value
    return CliError(error_words(exc), code, error=error, details=details)
