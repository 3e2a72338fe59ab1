"""`intake receive` run twice, `--again`, and `intake recover`'s decisions — counted from the sandbox's own record."""

from __future__ import annotations

import json

import pytest

from intake_gui.cli import EXIT_NOT_FOUND, EXIT_OK, EXIT_REFUSED, EXIT_UNCERTAIN, main
from intake_gui.sandbox import TRAINING_SECRET, TRAINING_USER, SandboxConfig
from intake_gui.sandbox.config import FaultRule
from intake_gui.services.submission import LifecyclePolicy
from tests.cli.conftest import receive_args

RECEIVE = "v2/inventory/receive"
HISTORY = "v2/inventory/get-receive-history"
TOMMY = "3B4791"


@pytest.fixture
def box(sandbox_factory, monkeypatch):
    """A sandbox of our own (so faults can be armed and receives counted), and quick settle times."""
    monkeypatch.setenv("INTAKE_USERNAME", TRAINING_USER)
    monkeypatch.setenv("INTAKE_PASSWORD", TRAINING_SECRET)
    monkeypatch.setattr(
        LifecyclePolicy,
        "for_timeout",
        classmethod(lambda cls, _t, **kw: cls(settle_s=0.3, confirm_gaps_s=(0.1, 0.1))),
    )
    return sandbox_factory(SandboxConfig(product_count=500, rate_limit_per_minute=0))


def run(capsys, box, *argv):
    code = main(["--api-base", box.base_url, "--json", *argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def receive(capsys, box, *extra, title="Invoice 4711"):
    return run(
        capsys,
        box,
        *receive_args(title, f"{TOMMY}=2"),
        "--verify-timeout",
        "0",
        *extra,
    )


def final(err: str) -> str:
    """The verdict line (progress and announced waits go to stderr before it)."""
    return next(line for line in reversed(err.splitlines()) if line.startswith("intake: "))


def landed(box, title="Invoice 4711"):
    return [r for r in box.admin.receives() if (r["order_title"] or "").startswith(title + " [")]


def journal_events(kind):
    """Audit events of one kind, read straight from the station's journal file."""
    import sqlite3

    from intake_gui.store.paths import app_paths

    with sqlite3.connect(app_paths().journal_path) as db:
        rows = db.execute("SELECT draft_id, data FROM events WHERE kind = ? ORDER BY id", (kind,))
        return [(draft_id, json.loads(data)) for draft_id, data in rows]


def test_the_same_command_twice_receives_once_and_again_receives_twice(capsys, box):
    code, first, err = receive(capsys, box)
    assert code == EXIT_OK, err
    code, second, err = receive(capsys, box)
    assert code == EXIT_OK, err
    assert second["already_received"] is True and second["sent"] is False
    assert second["receipt_id"] == first["receipt_id"] and second["all_green"]
    assert "already in the POS" in err and "--again" in err
    assert len(landed(box)) == 1

    code, third, err = receive(capsys, box, "--again")
    assert code == EXIT_OK, err
    assert third["receipt_id"] != first["receipt_id"]
    assert len(landed(box)) == 2
    (confirmed,) = journal_events("duplicate_confirmed")
    assert confirmed[1]["how"] == "cli --again"
    assert confirmed[1]["priors"][0]["receipt_id"] == first["receipt_id"]


def test_a_lost_answer_with_history_down_asks_for_a_decision_and_records_it(capsys, box):
    box.admin.set_faults(
        [
            FaultRule(endpoint=RECEIVE, kind="drop_before"),
            FaultRule(endpoint=HISTORY, kind="not_permitted", times=-1),
        ]
    )
    code, _, err = receive(capsys, box)
    assert code == EXIT_UNCERTAIN
    verdict = final(err)
    assert "needs a decision" in verdict and "--decide" in verdict and "Traceback" not in err
    assert "wait" not in verdict.lower()
    assert landed(box) == []

    code, listed, err = run(capsys, box, "recover")
    assert code == EXIT_UNCERTAIN, err
    (decision,) = listed["needs_decision"]
    assert decision["choices"] == ["landed", "resend"]
    assert "could not be read" in decision["history_said"]
    assert decision["token"].startswith("IN-") and decision["sent_at"]

    # The clerk runs the same command again meanwhile: nothing is sent, the open decision is named.
    code, _, err = receive(capsys, box)
    assert code == EXIT_UNCERTAIN and "--decide" in err
    assert landed(box) == []

    # The person looked in the POS: it is not there. Send it again (history still down: no read needed).
    code, done, err = run(capsys, box, "recover", "--decide", decision["token"], "resend")
    assert code == EXIT_OK, err
    assert done["state"] == "submitted" and done["receipt_id"]
    assert len(landed(box)) == 1
    box.admin.clear_faults()
    code, listed, _ = run(capsys, box, "recover")
    assert code == EXIT_OK and listed["needs_decision"] == [] and listed["not_received"] == []
    decided = [d for _, d in journal_events("decided")]
    assert [d["choice"] for d in decided] == ["resend"]


def test_it_is_in_the_pos_is_a_decision_too(capsys, box):
    box.admin.set_faults(
        [
            FaultRule(endpoint=RECEIVE, kind="drop_after_commit"),
            FaultRule(endpoint=HISTORY, kind="not_permitted", times=-1),
        ]
    )
    code, _, err = receive(capsys, box)
    assert code == EXIT_UNCERTAIN, err
    (receipt,) = [r["id"] for r in landed(box)]
    code, listed, _ = run(capsys, box, "recover")
    draft_id = listed["needs_decision"][0]["draft_id"]
    code, done, err = run(
        capsys, box, "recover", "--decide", draft_id[:8], "landed", "--receipt", str(receipt)
    )
    assert code == EXIT_OK, err
    assert done["receipt_id"] == receipt and done["state"] == "submitted"
    code, _, err = run(capsys, box, "recover", "--decide", draft_id[:8], "resend")
    assert code == EXIT_NOT_FOUND and "waits for a decision" in err
    code, _, err = run(capsys, box, "recover", "--decide", draft_id, "resend")
    assert code == EXIT_REFUSED and "cannot be sent again" in err
    assert len(landed(box)) == 1


def test_a_receive_that_never_lands_is_said_to_have_failed_and_recover_offers_it(capsys, box):
    box.admin.set_faults([FaultRule(endpoint=RECEIVE, kind="drop_before", times=3)])
    code, _, err = receive(capsys, box)
    assert code == EXIT_REFUSED
    verdict = final(err)
    assert "did not reach the POS" in verdict and "Send it again" in verdict
    assert "wait" not in verdict.lower() and "checking" not in verdict.lower()
    code, listed, _ = run(capsys, box, "recover")
    assert code == EXIT_REFUSED
    (failed,) = listed["not_received"]
    assert failed["choices"] == ["resend", "discard"]
    # Running the same command again is the natural way to send it again, and lands it once.
    code, _, err = receive(capsys, box)
    assert code == EXIT_OK, err
    assert len(landed(box)) == 1
    code, listed, _ = run(capsys, box, "recover")
    assert code == EXIT_OK and listed["not_received"] == []
