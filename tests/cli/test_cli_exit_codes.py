"""Every exit code in the README, by the situation that should produce it, against a real sandbox over HTTP.

Each row runs `intake --json …` in-process against a Dutchie sandbox on 127.0.0.1 (as a configured tenant,
so a wrong password or an unreachable address can be tried), with the sandbox's faults making the POS
refuse, drop an answer or hide history. Each checks the exit code and that stdout is exactly one JSON
document, with, for a failure, the stable `error` code that goes with that exit code.
"""

from __future__ import annotations

import json
import re
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from intake_gui.cli import main
from intake_gui.cli.output import ERROR_CODES, EXIT_INTERNAL, EXIT_INTERRUPTED
from intake_gui.pos.http import RetryPolicy
from intake_gui.sandbox import (
    STATUS_NULL,
    TRAINING_SECRET,
    TRAINING_USER,
    EmbeddedSandbox,
    SandboxConfig,
)
from tests.cli.conftest import receive_args

ROOT = Path(__file__).resolve().parents[2]
AZ, PALOMINO, SALES_FLOOR, VAULT = "1989", "39195", "24772", "24773"


@pytest.fixture(scope="module")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedSandbox]:
    box = EmbeddedSandbox(tmp_path_factory.mktemp("tenant"), config=SandboxConfig())
    box.start()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def station_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One profile for the module: the catalogue is loaded once, not per row."""
    return tmp_path_factory.mktemp("station")


def receive(room: str, line: str, *extra: str) -> list[str]:
    title = f"Exit code table {uuid.uuid4().hex[:8]}"  # each row its own delivery
    return [*receive_args(title, line, room=room), "--verify-timeout", "0", *extra]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def no_permission(endpoint: str) -> dict[str, Any]:
    return {"endpoint": endpoint, "kind": "not_permitted", "times": -1}


ROWS = [
    # (id, argv, faults, environment changes, exit code, error code or None for a result)
    ("ok", ["vendors", "--loc", AZ], [], {}, 0, None),
    (
        "not_all_green",
        receive(VAULT, "3B4791=2", "--allow-non-sellable"),
        [],
        {},
        1,
        None,
    ),
    ("bad_input", receive(SALES_FLOOR, "3B4791=1,5"), [], {}, 2, "invalid_input"),
    ("usage", ["vendors", "--loc"], [], {}, 2, "usage"),
    ("needs_confirmation", receive(VAULT, "3B4791=1"), [], {}, 2, "needs_confirmation"),
    (
        "pos_refused_receive",
        receive(SALES_FLOOR, "5C7842=1"),
        [{"endpoint": "v2/inventory/receive", "kind": "not_permitted", "times": 1}],
        {},
        3,
        "pos_refused",
    ),
    (
        "pos_refused_sql_status",  # the course's SQL Status text on a 500: proven refused, nothing stored
        receive(SALES_FLOOR, "5C7842=2"),
        [{"endpoint": "v2/inventory/receive", "kind": "http_error", "message": STATUS_NULL}],
        {},
        3,
        "pos_refused",
    ),
    (
        "pos_error_unreadable",
        ["vendors", "--loc", AZ],
        [{"endpoint": "vendor/get-vendors", "kind": "malformed_html", "status": 200, "times": -1}],
        {},
        3,
        "pos_error",
    ),
    (
        "pos_refused_read",
        ["vendors", "--loc", AZ],
        [no_permission("vendor/get-vendors")],
        {},
        3,
        "permission_denied",
    ),
    ("login_failed", ["locations"], [], {"INTAKE_PASSWORD": "not-the-password"}, 4, "login_failed"),
    ("no_credentials", ["locations"], [], {"INTAKE_PASSWORD": None}, 4, "no_credentials"),
    (
        "sent_needs_decision",
        receive(SALES_FLOOR, "2C1108=1"),
        [
            {"endpoint": "v2/inventory/receive", "kind": "drop_after_commit", "times": 1},
            no_permission("v2/inventory/get-receive-history"),
        ],
        {},
        5,
        "needs_decision",
    ),
    (
        "cannot_receive",
        receive(SALES_FLOOR, "3B4791=1", "--loc", "2862"),
        [],
        {},
        3,
        "cannot_receive",
    ),
    ("not_found", ["vendors", "--loc", "424242"], [], {}, 6, "not_found"),
    ("unreachable", ["locations"], [], {"api_base": "closed"}, 7, "unreachable"),
]


@pytest.mark.parametrize(
    "argv, faults, env, code, error", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS]
)
def test_each_readme_exit_code_in_its_situation(
    tenant, station_home, monkeypatch, capsys, argv, faults, env, code, error
):
    monkeypatch.setenv("INTAKE_HOME", str(station_home))
    monkeypatch.setenv("INTAKE_USERNAME", TRAINING_USER)
    monkeypatch.setenv("INTAKE_PASSWORD", TRAINING_SECRET)
    monkeypatch.setenv("INTAKE_REQUEST_TIMEOUT_S", "3")  # the settle time before reconciling
    # The retries themselves are the http helper's to test; here only where they end matters, so the
    # half minute of backoff before "unreachable" is not slept through.
    monkeypatch.setattr(RetryPolicy, "backoff", lambda self, attempt, rng: 0.01)
    api_base = tenant.base_url
    for name, value in env.items():
        if name == "api_base":
            api_base = f"http://127.0.0.1:{closed_port()}/api/"
        elif value is None:
            monkeypatch.delenv(name)
        else:
            monkeypatch.setenv(name, value)
    tenant.admin.set_faults(faults)
    before = tenant.admin.state()
    try:
        exit_code = main(["--json", "--api-base", api_base, *argv])
    finally:
        tenant.admin.clear_faults()
    out, err = capsys.readouterr()
    document = json.loads(out)  # exactly one JSON document, for every outcome
    assert exit_code == code, err
    assert "Traceback" not in err
    if error is None:
        assert "error" not in document if isinstance(document, dict) else document
        if code == 1:
            assert document["all_green"] is False
            assert document["lights"]["sellable"]["state"] == "red"
        return
    assert document["error"] == error and document["exit_code"] == code
    assert ERROR_CODES[error] == code
    assert document["message"] and document["message"] in err
    if error in ("invalid_input", "usage"):
        after = tenant.admin.state()
        assert after["counters"] == before["counters"], "refused before anything was fetched"


def test_an_unforeseen_failure_is_exit_70_in_words_and_ctrl_c_is_130(monkeypatch, capsys):
    from intake_gui.cli import sandbox_cmd

    def broken(args, out):
        raise RuntimeError("the disk fell off")

    monkeypatch.setattr(sandbox_cmd, "cmd_sandbox", broken)
    assert main(["sandbox", "--json"]) == EXIT_INTERNAL
    out, err = capsys.readouterr()
    assert json.loads(out)["error"] == "internal" and "the disk fell off" in err
    assert "Traceback" not in err

    def interrupted(args, out):
        raise KeyboardInterrupt

    monkeypatch.setattr(sandbox_cmd, "cmd_sandbox", interrupted)
    assert main(["sandbox", "--json"]) == EXIT_INTERRUPTED
    assert json.loads(capsys.readouterr().out)["error"] == "interrupted"


def test_the_readme_lists_every_exit_code_and_error_code():
    """The README's command-line section is the contract: its tables and `cli/output.py` agree."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The command line", 1)[1].split("\n## ", 1)[0]
    codes = {int(m.group(1)) for m in re.finditer(r"^\| (\d+) \|", section, re.M)}
    assert codes == {*range(8), EXIT_INTERNAL, EXIT_INTERRUPTED}
    documented = {
        m.group(1): int(m.group(2)) for m in re.finditer(r"^\| `(\w+)` \| (\d+) \|", section, re.M)
    }
    assert documented == ERROR_CODES
