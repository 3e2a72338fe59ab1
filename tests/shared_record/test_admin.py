"""Setting a shared record up, and the database keeping its promise: stations append, nobody rewrites history."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import insert, select, text

from intake_gui.store.shared_record import admin
from intake_gui.store.shared_record.config import parse
from intake_gui.store.shared_record.db import SharedRecordDB
from intake_gui.store.shared_record.schema import events


def _row(tenant: str, seq: int = 1) -> dict:
    return {
        "event_id": str(uuid.uuid4()),
        "journal_id": "j-" + tenant[-6:],
        "journal_seq": seq,
        "tenant": tenant,
        "station": "Receiving-1",
        "actor": "Ana",
        "draft_id": "d1",
        "kind": "scan",
        "at": datetime.now(UTC),
        "data": {"code": "3B4791"},
    }


def _db(record, login) -> SharedRecordDB:  # type: ignore[no-untyped-def]
    return SharedRecordDB(parse(record.url(login)), password=login.password)


def test_init_twice_at_once_then_upgrade(pg_server) -> None:  # type: ignore[no-untyped-def]
    database = pg_server.create_database()
    results: list[object] = []

    def run() -> None:
        engine = pg_server.admin_engine(database)
        try:
            results.append(admin.init(engine))
        except Exception as exc:  # collected and asserted below
            results.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not [r for r in results if isinstance(r, Exception)], results
    created = [r for r in results if r[0].current is None]  # type: ignore[index]
    assert len(created) == 1, "exactly one of the racing inits created the schema"
    engine = pg_server.admin_engine(database)
    try:
        before, after = admin.upgrade(engine)
        assert before.up_to_date and after.up_to_date and after.current == admin.head_revision()
        assert after.record_id and before.record_id == after.record_id
    finally:
        engine.dispose()


def test_upgrade_refuses_an_empty_database(pg_server) -> None:  # type: ignore[no-untyped-def]
    engine = pg_server.admin_engine(pg_server.create_database())
    try:
        with pytest.raises(admin.SharedRecordAdminError, match="init"):
            admin.upgrade(engine)
    finally:
        engine.dispose()


def test_station_may_insert_and_read_never_update_or_delete(record, tenant) -> None:  # type: ignore[no-untyped-def]
    db = _db(record, record.station)
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(events).values(_row(tenant)))
        with db.engine.connect() as conn:
            row = conn.execute(select(events).where(events.c.tenant == tenant)).one()
            assert row.recorded_by == record.station.user  # the database's word, not the station's
        for statement in (
            f"UPDATE intake.events SET actor = 'Mallory' WHERE tenant = '{tenant}'",
            f"DELETE FROM intake.events WHERE tenant = '{tenant}'",
            "TRUNCATE intake.events",
            "UPDATE intake.record_info SET value = 'x'",
            "DROP TABLE intake.events",
            "ALTER TABLE intake.events DISABLE TRIGGER events_append_only",
        ):
            with pytest.raises(sa_exc.ProgrammingError) as refused, db.engine.begin() as conn:
                conn.execute(text(statement))
            # Refused by the grants themselves ("permission denied"), before any trigger is reached.
            message = str(refused.value.orig)
            assert "permission denied" in message or "must be owner" in message, statement
        with db.engine.connect() as conn:
            assert conn.execute(select(events.c.actor).where(events.c.tenant == tenant)).all() == [
                ("Ana",)
            ]
    finally:
        db.dispose()


def test_even_the_owner_cannot_rewrite_history(record, tenant) -> None:  # type: ignore[no-untyped-def]
    engine = record.server.admin_engine(record.database)
    try:
        with engine.begin() as conn:
            conn.execute(insert(events).values(_row(tenant)))
        for statement in (
            f"UPDATE intake.events SET actor = 'Mallory' WHERE tenant = '{tenant}'",
            f"DELETE FROM intake.events WHERE tenant = '{tenant}'",
        ):
            with pytest.raises(sa_exc.DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def test_supervisor_reads_only(record, tenant) -> None:  # type: ignore[no-untyped-def]
    db = _db(record, record.supervisor)
    try:
        with db.engine.connect() as conn:
            conn.execute(select(events).limit(1)).all()
        with (
            pytest.raises(sa_exc.ProgrammingError, match="permission denied"),
            db.engine.begin() as conn,
        ):
            conn.execute(insert(events).values(_row(tenant)))
    finally:
        db.dispose()


def test_status_counts_per_station(record, tenant) -> None:  # type: ignore[no-untyped-def]
    db = _db(record, record.station)
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(events).values([_row(tenant, 1), _row(tenant, 2)]))
        state = admin.status(db.engine)
        assert state.schema.up_to_date
        mine = [s for s in state.stations if s.journal_id == "j-" + tenant[-6:]]
        assert [(s.station, s.events) for s in mine] == [("Receiving-1", 2)]
    finally:
        db.dispose()
