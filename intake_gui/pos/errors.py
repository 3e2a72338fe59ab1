"""The small error hierarchy every connector raises, so the rest of Intake never parses a POS's messages.

`user_message` is safe to show a clerk and never contains a secret; `detail` is for the log and the
"technical detail" expander and is already scrubbed of credentials by the connector that raised it.
`pos_message` is the POS's own words (scrubbed), "" when it said nothing readable: quote it, never
paraphrase it into a constant.

Classes are chosen so a caller can say what happened without reading text (the CLI's exit codes map
them one to one, see `cli/app.py`):
- the login was refused (`AuthenticationError`) is not the session being refused again right after a
  fresh login (`SessionRejected`);
- the POS answered with an error (`ServerError`, 5xx) is not "could not reach it" (`ConnectionFailed`);
- a write the POS refused with a message that proves nothing was stored (`ValidationRejected`) is not one
  whose answer was lost or unreadable (`OutcomeUnknown`).
"""

from __future__ import annotations


class PosError(Exception):
    """Something the POS or the network did. A *known* error: shown in words, never as a traceback."""

    user_message = "The point-of-sale system could not complete the request."
    retryable = False

    def __init__(
        self,
        message: str = "",
        *,
        detail: str = "",
        endpoint: str = "",
        pos_message: str = "",
        status: int | None = None,
    ) -> None:
        super().__init__(message or self.user_message)
        self.message = message or self.user_message
        self.detail = detail
        self.endpoint = endpoint
        self.pos_message = pos_message
        """The POS's own words (scrubbed of secrets), "" when it said nothing readable."""
        self.status = status
        """The HTTP status of the answer, None when there was no answer."""

    def __str__(self) -> str:
        return self.message


class AuthenticationError(PosError):
    """The login itself was refused: wrong username/password or key. The clerk must fix the credentials."""

    user_message = "The POS did not accept the username or password."


class SessionRejected(PosError):
    """The login worked but the POS kept refusing the new session (it expired again right after a fresh
    login, several times). Not a credentials problem: asking for the password again would not help."""

    user_message = (
        "The POS kept refusing the session right after Intake logged in again. The username and password "
        "are fine; try again in a minute, and tell IT if it keeps happening."
    )
    retryable = True


class PermissionDenied(PosError):
    """ "User is not permitted": this login lacks a permission. Not fatal for intake."""

    user_message = "This login is not permitted to use that part of the POS."


class NotFound(PosError):
    user_message = "The POS has no such record (or the path is wrong for this tenant)."


class InvalidRequest(PosError):
    """The POS said the id or parameter itself is malformed (IndicaOnline's 400), as opposed to NotFound."""

    user_message = "The POS said the request was malformed."


class RateLimited(PosError):
    """The POS refused for its request limit and kept refusing after Intake waited a full window.

    The message quotes what the POS said (see `pos.rate_window.rate_limit_words`); the numbers are kept
    so a caller can word its own advice: `limit_per_window`/`window_s` as the POS stated them (None when
    it did not), `retry_after` the longest wait it asked for, `waited_s` how long Intake already waited.
    """

    user_message = "The POS is limiting how fast Intake may ask, and it is still refusing."
    retryable = True

    def __init__(
        self,
        message: str = "",
        *,
        retry_after: float = 5.0,
        limit_per_window: int | None = None,
        window_s: float | None = None,
        waited_s: float = 0.0,
        **kw: object,
    ) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after
        self.limit_per_window = limit_per_window
        self.window_s = window_s
        self.waited_s = waited_s


class ValidationRejected(PosError):
    """The POS looked at our input and said no, with its own message (kept in `pos_message`).

    Raised for a write whatever the HTTP status (200 `Result: false`, 4xx, or a 5xx whose message proves
    nothing was stored, e.g. the SQL NULL-insert error): the write did not land and may be fixed and sent
    again. See `pos.refusals` for which messages count as proof."""

    user_message = "The POS refused the receive."

    def __init__(self, pos_message: str, **kw: object) -> None:
        super().__init__(f"The POS refused it: {pos_message}", pos_message=pos_message, **kw)  # type: ignore[arg-type]


class ServerError(PosError):
    """The POS answered, with an error (5xx, or an envelope saying it failed). It *was* reached."""

    user_message = "The POS answered with an internal error."
    retryable = True


class MalformedResponse(ServerError):
    """An HTML error page, truncated JSON or a field of the wrong type where an envelope was expected."""

    user_message = "The POS sent back something Intake could not read."


class ConnectionFailed(PosError):
    """No answer at all: no connection, a dropped connection, a timeout. Only this is "unreachable"."""

    user_message = "Could not reach the POS. Check the network connection."
    retryable = True


class RequestTimeout(ConnectionFailed):
    user_message = "The POS did not answer in time."


class OutcomeUnknown(PosError):
    """A write whose answer was lost after it may have reached the POS. Never re-send before reconciling."""

    user_message = (
        "The receive was sent but the answer was lost. Intake will check whether it landed."
    )

    def __init__(self, message: str = "", *, cause: PosError | None = None, **kw: object) -> None:
        if cause is not None:
            kw.setdefault("pos_message", cause.pos_message)
            kw.setdefault("status", cause.status)
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.cause = cause


class NotSupported(PosError):
    """The POS has no API for this (e.g. IndicaOnline documents no receive); say so instead of pretending."""

    user_message = "This point-of-sale system has no API for that."
