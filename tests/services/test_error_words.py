"""The one error → words function: what a window, a dialog and the CLI all say for the same failure."""

from __future__ import annotations

import errno

from intake_gui.cli.failures import pos_failure
from intake_gui.pos.errors import ConnectionFailed, RateLimited
from intake_gui.services.error_words import UNEXPECTED, ClerkError, error_words
from intake_gui.services.moving import MoveError


def test_expected_errors_keep_the_sentence_written_for_the_clerk() -> None:
    assert error_words(RateLimited("The POS asks Intake to slow down.")) == (
        "The POS asks Intake to slow down."
    )
    assert error_words(MoveError("The vault is not a storage room.")) == (
        "The vault is not a storage room."
    )
    assert isinstance(MoveError("x"), ClerkError)


def test_a_file_error_says_what_the_system_said_and_a_bug_says_where_to_look() -> None:
    denied = PermissionError(errno.EACCES, "Permission denied", "/secret/path.csv")
    assert error_words(denied) == "Permission denied"
    bug = KeyError("internal_field")
    assert error_words(bug) == UNEXPECTED
    assert "internal_field" not in error_words(bug)


def test_the_cli_speaks_the_same_words_with_its_own_codes() -> None:
    exc = ConnectionFailed("Intake could not reach the POS.")
    failure = pos_failure(exc)
    assert failure.message == error_words(exc)
    assert failure.error == "unreachable"
