"""Each error class says what happened, and the CLI's exit code says the same (README: 3 the POS refused,
4 login failed, 5 sent but unconfirmed, 6 not found, 7 POS unreachable)."""

from __future__ import annotations

from typing import Any

import pytest

from intake_gui.cli.app import exit_code_for, main, wait_lines
from intake_gui.cli.output import Output
from intake_gui.pos import errors as E
from intake_gui.pos.dutchie.words import DUTCHIE_WORDS
from intake_gui.pos.waits import WaitNotice
from intake_gui.sandbox import EmbeddedSandbox


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (E.AuthenticationError(), 4),
        (E.SessionRejected(), 3),  # the credentials worked: not "login failed"
        (E.ServerError(status=500), 3),  # the POS answered: not "unreachable"
        (E.MalformedResponse(), 3),
        (E.RateLimited(), 3),
        (E.PermissionDenied(), 3),
        (E.ValidationRejected("LocId is required"), 3),
        (E.InvalidRequest(), 3),
        (E.NotSupported(), 3),
        (E.OutcomeUnknown(), 5),
        (E.NotFound(), 6),
        (E.ConnectionFailed(), 7),
        (E.RequestTimeout(), 7),
    ],
)
def test_exit_code_for_each_error_class(error: E.PosError, code: int) -> None:
    assert exit_code_for(error) == code


def test_session_rejected_is_not_a_login_failure() -> None:
    assert not issubclass(E.SessionRejected, E.AuthenticationError)
    assert not issubclass(E.ServerError, E.ConnectionFailed)
    assert "are fine" in E.SessionRejected().message  # says so, so nobody re-types a password


def test_outcome_unknown_keeps_what_its_cause_said() -> None:
    cause = E.ServerError(pos_message="Object reference not set", status=500)
    err = E.OutcomeUnknown(cause=cause)
    assert err.pos_message == "Object reference not set" and err.status == 500


def test_every_error_has_the_new_attributes_with_defaults() -> None:
    for cls in (E.PosError, E.AuthenticationError, E.SessionRejected, E.ServerError, E.NotFound):
        err = cls()
        assert err.pos_message == "" and err.status is None and err.message


def test_wait_lines_show_what_the_clerk_should_see(capsys: pytest.CaptureFixture[str]) -> None:
    show = wait_lines(Output(as_json=True), DUTCHIE_WORDS)
    show(WaitNotice(57, "rate_limit", pos_said="Too many requests - only 5 per minute allowed"))
    show(WaitNotice(0.5, "retry", pos_said="HTTP 500", attempt=1))  # short backoff: no line
    show(WaitNotice(8, "retry", pos_said="HTTP 500", attempt=4))
    show(WaitNotice(0, "rate_limit"))  # the end of a wait: no line
    show(WaitNotice(0.02, "pacing", limit_per_window=5))  # a blink of pacing: no line
    out, err = capsys.readouterr()
    assert out == ""  # --json output stays parseable
    lines = err.strip().splitlines()
    assert len(lines) == 2
    assert "only 5 per minute" in lines[0] and "57 s" in lines[0]
    assert "trying again in 8 s" in lines[1]


def test_the_cli_shows_a_rate_limit_wait_and_still_succeeds(
    sandbox: EmbeddedSandbox, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    """End to end: `intake locations` against a POS that refuses once for its limit (Retry-After 2):
    a line on stderr quotes the POS, the command waits and succeeds (exit 0)."""
    ids = sandbox.ids
    monkeypatch.setenv("INTAKE_USERNAME", ids.user)
    monkeypatch.setenv("INTAKE_PASSWORD", ids.secret)
    sandbox.admin.set_faults(
        [{"endpoint": "user/get-locations", "kind": "rate_limit_429", "retry_after_s": 2}]
    )
    code = main(["--api-base", sandbox.base_url, "--json", "locations"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert str(ids.az_loc_id) in out
    assert "Too many requests - only 60 per minute allowed" in err and "Waiting 2 s" in err


def test_the_cli_says_refused_not_unreachable_when_the_pos_answers_errors(
    sandbox: EmbeddedSandbox, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    ids = sandbox.ids
    monkeypatch.setenv("INTAKE_USERNAME", ids.user)
    monkeypatch.setenv("INTAKE_PASSWORD", ids.secret)
    sandbox.admin.set_faults([{"endpoint": "user/get-locations", "kind": "not_permitted"}])
    code = main(["--api-base", sandbox.base_url, "locations"])
    _out, err = capsys.readouterr()
    assert code == 3 and "not permitted" in err
