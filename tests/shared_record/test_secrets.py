"""The database password of the shared record lives in the keyring: never in settings, logs, the journal or the
record itself — with DEBUG logging on, through a refused login and a real delivery."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from intake_gui.store.logs import configure_logging


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    log_dir = tmp_path / "Receiving-1" / "logs"
    configure_logging(log_dir, level=logging.DEBUG)
    yield log_dir
    for h in list(root.handlers):
        if h not in handlers:
            root.removeHandler(h)
            h.close()
    root.setLevel(level)


def test_the_password_is_nowhere_on_disk(
    debug_log: Path, open_station, receive, record, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    station = open_station("Receiving-1", record.station)
    receive(station, "INV-81001")
    assert station.shared.sender.flush(20)
    station.save_settings()
    # A refused login is logged too: the message must not carry what was tried.
    tried = type(record.station2)(record.station2.user, "n0t-the-Right-one")
    wrong = open_station("Receiving-9", tried)
    wrong.shared.sender.wake()
    assert not wrong.shared.sender.flush(3)
    assert "refused this station's database login" in wrong.shared.status().last_error
    for handler in logging.getLogger().handlers:
        handler.flush()

    secrets = [record.station.password.encode(), b"n0t-the-Right-one"]
    scanned = 0
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            scanned += 1
            for secret in secrets:
                assert secret not in data, f"{path} holds a shared-record password"
    assert scanned > 5 and any(debug_log.iterdir())
    engine = record.server.admin_engine(record.database)
    try:
        with engine.connect() as conn:
            dump = conn.execute(
                text("SELECT string_agg(e::text, '') FROM intake.events e")
            ).scalar()
    finally:
        engine.dispose()
    assert all(secret.decode() not in (dump or "") for secret in secrets)
