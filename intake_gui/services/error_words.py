"""An error as the sentence a clerk reads: the one place a face (window, dialog, CLI) turns an exception into words.

Errors Intake expects already carry a sentence written for the clerk: a POS error's `message` (the http
helper's contract in `pos.errors`) and a service's `ClerkError` (a move that could not be made). A file
error says what the operating system said. Anything else is a bug: the worker has logged its traceback, so
the clerk gets one calm sentence pointing at the log, never the exception's own text.

The CLI keeps its exit codes and error codes in `cli/failures.py` and takes its words from here.
"""

from __future__ import annotations

from intake_gui.pos.errors import PosError

UNEXPECTED = "Intake could not complete this; the log has the details."
"""What a clerk reads for an error nobody wrote words for (its traceback is in the log)."""


class ClerkError(Exception):
    """A service's refusal whose `message` is already a sentence for the clerk, shown as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def error_words(exc: BaseException) -> str:
    """A failed read or write as a clerk or supervisor reads it: the POS's, the service's or the file
    system's own sentence, never a traceback."""
    if isinstance(exc, PosError | ClerkError):
        return exc.message
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return UNEXPECTED
