"""`intake shared-record …`: the README's set-up, run as an administrator and a station would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import intake_gui
from intake_gui.cli.app import main
from intake_gui.store.secrets import SecretStore
from intake_gui.store.shared_record.config import parse

SRC = str(Path(intake_gui.__file__).resolve().parents[1])


pytestmark = pytest.mark.usefixtures("restore_logging")  # the CLI configures the root logger


def _run(capsys, *argv: str) -> tuple[int, dict | str, str]:  # type: ignore[no-untyped-def]
    code = main(list(argv))
    captured = capsys.readouterr()
    out = captured.out
    try:
        return code, json.loads(out), captured.err
    except ValueError:
        return code, out, captured.err


def test_set_up_a_record_then_point_a_station_at_it(
    pg_server, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    database = pg_server.create_database()
    admin_url = pg_server.url(database)
    monkeypatch.setenv("INTAKE_SHARED_RECORD_PASSWORD", pg_server.password)

    code, data, _ = _run(capsys, "--json", "shared-record", "init", "--url", admin_url)
    assert code == 0 and data["changed"] and data["before"] is None and data["record_id"]
    code, data, _ = _run(capsys, "--json", "shared-record", "upgrade", "--url", admin_url)
    assert code == 0 and not data["changed"]

    monkeypatch.setenv("NEW_PW", "dock-door-2-secret")
    code, text, _ = _run(
        capsys,
        "shared-record",
        "add-login",
        "dock2",
        "--role",
        "station",
        "--url",
        admin_url,
        "--password-env",
        "NEW_PW",
    )
    assert code == 0 and f"postgresql://dock2@127.0.0.1:{pg_server.port}/{database}" in text

    station_url = pg_server.url(database, "dock2")
    monkeypatch.setenv("INTAKE_SHARED_RECORD_PASSWORD", "dock-door-2-secret")
    code, data, _ = _run(capsys, "--json", "shared-record", "login", "--url", station_url)
    assert code == 0 and data["station"] is True
    assert SecretStore().get_password(parse(station_url).keyring_account) == "dock-door-2-secret"

    # From now on the keyring is enough: no password in the environment, none in the URL, none on disk.
    monkeypatch.delenv("INTAKE_SHARED_RECORD_PASSWORD")
    monkeypatch.setenv("INTAKE_SHARED_RECORD_URL", station_url)
    code, data, _ = _run(capsys, "--json", "shared-record", "status")
    assert code == 0
    assert data["revision"] == data["latest_revision"] and data["events"] == 0
    home = Path(os.environ["INTAKE_HOME"])
    for path in home.rglob("*"):
        if path.is_file():
            assert b"dock-door-2-secret" not in path.read_bytes(), path


def test_clear_refusals(pg_server, capsys, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    database = pg_server.create_database()
    monkeypatch.setenv("INTAKE_SHARED_RECORD_PASSWORD", pg_server.password)
    code, _, err = _run(capsys, "shared-record", "upgrade", "--url", pg_server.url(database))
    assert code == 2 and "run `intake shared-record init` first" in err

    code, _, err = _run(
        capsys, "shared-record", "status", "--url", "postgresql://a:hunter22@db.example/x"
    )
    assert code == 2 and "must not contain a password" in err and "hunter22" not in err

    code, _, err = _run(
        capsys, "shared-record", "status", "--url", "postgresql://a@db.example/x?sslmode=require"
    )
    assert code == 2 and "verify-full" in err

    monkeypatch.setenv("INTAKE_SHARED_RECORD_PASSWORD", "wrong")
    code, _, err = _run(capsys, "shared-record", "status", "--url", pg_server.url(database))
    assert code == 4 and "refused this station's database login" in err
    assert "Traceback" not in err

    monkeypatch.delenv("INTAKE_SHARED_RECORD_URL", raising=False)
    code, _, err = _run(capsys, "shared-record", "status")
    assert code == 2 and "No shared record is configured" in err


def test_the_command_runs_as_a_program(pg_server) -> None:  # type: ignore[no-untyped-def]
    database = pg_server.create_database()
    env = {
        **os.environ,
        "PYTHONPATH": SRC,
        "INTAKE_SHARED_RECORD_PASSWORD": pg_server.password,
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "intake_gui.cli",
            "shared-record",
            "init",
            "--url",
            pg_server.url(database),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "roles intake_station" in result.stdout


def test_intake_history_on_an_office_pc(
    open_station, receive, record, small_sandbox, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from datetime import date, timedelta

    from intake_gui.sandbox import TRAINING_SECRET, TRAINING_USER

    one = open_station("Receiving-1", record.station)
    two = open_station("Receiving-2", record.station2)
    _d, first = receive(one, "INV-71001")
    _d, second = receive(two, "INV-71002", count=1, first=3)
    for ctx in (one, two):
        assert ctx.shared.sender.flush(20)
    for name, value in {
        "INTAKE_API_BASE": small_sandbox.base_url,
        "INTAKE_USERNAME": TRAINING_USER,
        "INTAKE_PASSWORD": TRAINING_SECRET,
        "INTAKE_RATE_LIMIT_PER_MINUTE": "0",
        "INTAKE_SHARED_RECORD_URL": record.url(record.supervisor),
        "INTAKE_SHARED_RECORD_PASSWORD": record.supervisor.password,
    }.items():
        monkeypatch.setenv(name, value)
    since = (date.today() - timedelta(days=2)).isoformat()
    code, rows, _ = _run(capsys, "--json", "history", "--loc", "1989", "--since", since)
    assert code == 0
    by_receipt = {r["receipt_id"]: r for r in rows}
    assert (by_receipt[first.receipt_id]["station"], by_receipt[first.receipt_id]["scans"]) == (
        "Receiving-1",
        6,
    )
    assert by_receipt[second.receipt_id]["made_through"] == "Intake, shared record"
    assert any(r["made_through"] == "outside Intake" for r in rows)

    code, rows, _ = _run(
        capsys, "--json", "history", "--loc", "1989", "--since", since, "--station", "receiving-2"
    )
    assert code == 0 and [r["receipt_id"] for r in rows] == [second.receipt_id]
    code, text, _ = _run(capsys, "history", "--loc", "1989", "--since", since, "--clerk", one.clerk)
    assert (
        code == 0 and f"{one.clerk} @ Receiving-1" in text and f"{two.clerk} @ Receiving-2" in text
    )
