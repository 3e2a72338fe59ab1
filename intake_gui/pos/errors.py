"""The small error hierarchy every connector raises, so the rest of Intake never parses a POS's messages.

`user_message` is safe to show a clerk and never contains a secret; `detail` is for the log and the
"technical detail" expander and is already scrubbed of credentials by the connector that raised it.
"""

from __future__ import annotations


class PosError(Exception):
    """Something the POS or the network did. A *known* error: shown in words, never as a traceback."""

    user_message = "The point-of-sale system could not complete the request."
    retryable = False

    def __init__(self, message: str = "", *, detail: str = "", endpoint: str = "") -> None:
        super().__init__(message or self.user_message)
        self.message = message or self.user_message
        self.detail = detail
        self.endpoint = endpoint

    def __str__(self) -> str:
        return self.message


class AuthenticationError(PosError):
    user_message = "The POS did not accept the username or password."


class PermissionDenied(PosError):
    """ "User is not permitted": this login lacks a permission. Not fatal for intake."""

    user_message = "This login is not permitted to use that part of the POS."


class NotFound(PosError):
    user_message = "The POS has no such record (or the path is wrong for this tenant)."


class InvalidRequest(PosError):
    """The POS said the id or parameter itself is malformed (IndicaOnline's 400), as opposed to NotFound."""

    user_message = "The POS said the request was malformed."


class RateLimited(PosError):
    user_message = (
        "The POS is limiting how fast we can ask (60 requests a minute). Waiting a moment."
    )
    retryable = True

    def __init__(self, message: str = "", *, retry_after: float = 5.0, **kw: str) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ValidationRejected(PosError):
    """The POS looked at our input and said no, with its own message (kept in `pos_message`)."""

    user_message = "The POS refused the receive."

    def __init__(self, pos_message: str, **kw: str) -> None:
        super().__init__(f"The POS refused it: {pos_message}", **kw)
        self.pos_message = pos_message


class ServerError(PosError):
    user_message = "The POS had an internal error."
    retryable = True


class MalformedResponse(ServerError):
    """An HTML error page, truncated JSON or a field of the wrong type where an envelope was expected."""

    user_message = "The POS sent back something Intake could not read."


class ConnectionFailed(PosError):
    user_message = "Could not reach the POS. Check the network connection."
    retryable = True


class RequestTimeout(ConnectionFailed):
    user_message = "The POS did not answer in time."


class OutcomeUnknown(PosError):
    """A write whose answer was lost after it may have reached the POS. Never re-send before reconciling."""

    user_message = (
        "The receive was sent but the answer was lost. Intake will check whether it landed."
    )

    def __init__(self, message: str = "", *, cause: PosError | None = None, **kw: str) -> None:
        super().__init__(message, **kw)
        self.cause = cause


class NotSupported(PosError):
    """The POS has no API for this (e.g. IndicaOnline documents no receive); say so instead of pretending."""

    user_message = "This point-of-sale system has no API for that."
