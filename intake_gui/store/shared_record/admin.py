"""Creating, upgrading and describing the shared record: what `intake shared-record init|upgrade|status` run.

`init` and `upgrade` hold a PostgreSQL advisory lock for the whole run and do everything in one transaction
(PostgreSQL DDL is transactional), so two administrators — or a script started twice — cannot half-create the
schema. The same run (re)applies the privileges, which is where least privilege lives:

* `intake_station` (a group role: each station logs in as its own user in this group) may INSERT events and
  SELECT; it has no UPDATE, DELETE or TRUNCATE privilege, and a trigger refuses those to everyone anyway;
* `intake_supervisor` may SELECT only;
* PUBLIC gets nothing.

Creating roles needs CREATEROLE (the `postgres` user of a fresh server has it). The migrations are Alembic's,
shipped inside the package (`migrations/`), so a station PC needs no separate tool to set a record up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from intake_gui.store.shared_record.schema import SCHEMA, STATION_ROLE, SUPERVISOR_ROLE

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
LOCK_KEY = 0x1A7A4E  # pg_advisory_xact_lock key: "only one init/upgrade at a time on this server"
ROLES = {"station": STATION_ROLE, "supervisor": SUPERVISOR_ROLE}


class SharedRecordAdminError(Exception):
    """The operation cannot be done as asked (not initialised yet, a newer schema, a bad name)."""


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str
    record_id: str | None = None

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


@dataclass(frozen=True)
class StationSummary:
    station: str
    journal_id: str
    events: int
    last_event_at: datetime | None
    last_recorded_at: datetime | None


@dataclass(frozen=True)
class RecordStatus:
    schema: SchemaState
    events: int = 0
    stations: list[StationSummary] = field(default_factory=list)


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config(None)).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Any) -> str | None:
    from alembic.migration import MigrationContext

    context = MigrationContext.configure(connection, opts={"version_table_schema": SCHEMA})
    return context.get_current_revision()


def schema_state(connection: Any) -> SchemaState:
    from sqlalchemy import text

    exists = connection.execute(
        text("SELECT to_regclass('intake.alembic_version') IS NOT NULL")
    ).scalar()
    current = current_revision(connection) if exists else None
    record_id = None
    if current is not None:
        record_id = connection.execute(
            text("SELECT value FROM intake.record_info WHERE key = 'record_id'")
        ).scalar()
    return SchemaState(current, head_revision(), record_id)


def _migrate(engine: Any, *, creating: bool) -> tuple[SchemaState, SchemaState]:
    from alembic import command
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        before = schema_state(conn)
        if before.current is None and not creating:
            raise SharedRecordAdminError(
                "this database holds no shared record yet: run `intake shared-record init` first"
            )
        known = _known_revisions()
        if before.current is not None and before.current not in known:
            raise SharedRecordAdminError(
                f"the shared record is at revision {before.current}, which this Intake does not know: "
                "it was set up by a newer Intake"
            )
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
        if not before.up_to_date:
            command.upgrade(_alembic_config(conn), "head")
        _grant(conn)
        after = schema_state(conn)
    return before, after


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(_alembic_config(None)).walk_revisions()}


def init(engine: Any) -> tuple[SchemaState, SchemaState]:
    """Create the schema (or bring an existing one up to date), the two roles and their privileges."""
    return _migrate(engine, creating=True)


def upgrade(engine: Any) -> tuple[SchemaState, SchemaState]:
    """Apply newer migrations to an existing record, and re-apply the privileges."""
    return _migrate(engine, creating=False)


def _grant(conn: Any) -> None:
    from sqlalchemy import text

    for role in (STATION_ROLE, SUPERVISOR_ROLE):
        conn.execute(
            text(
                "DO $$ BEGIN "
                f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
                f"CREATE ROLE {role} NOLOGIN; END IF; END $$"
            )
        )
    statements = [
        f"REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {SCHEMA} FROM PUBLIC, {STATION_ROLE}, {SUPERVISOR_ROLE}",
        f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {SCHEMA} FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA {SCHEMA} TO {STATION_ROLE}, {SUPERVISOR_ROLE}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {SCHEMA} TO {STATION_ROLE}, {SUPERVISOR_ROLE}",
        f"GRANT INSERT ON {SCHEMA}.events TO {STATION_ROLE}",
    ]
    for statement in statements:
        conn.execute(text(statement))


def add_login(engine: Any, name: str, role: str, password: str) -> None:
    """Create (or re-password) a database user in the station or supervisor group."""
    from psycopg import sql
    from sqlalchemy import text

    group = ROLES.get(role)
    if group is None:
        raise SharedRecordAdminError(f"role must be one of {', '.join(ROLES)}")
    if not name or not name.replace("_", "").replace("-", "").isalnum() or len(name) > 63:
        raise SharedRecordAdminError(
            "a database user name is letters, digits, '-' and '_' (63 at most)"
        )
    if not password:
        raise SharedRecordAdminError("a database user needs a password")
    with engine.begin() as conn:
        raw = conn.connection.dbapi_connection
        exists = conn.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": name}
        ).scalar()
        verb = "ALTER" if exists else "CREATE"
        statement = sql.SQL("{} ROLE {} LOGIN PASSWORD {}").format(
            sql.SQL(verb), sql.Identifier(name), sql.Literal(password)
        )
        conn.exec_driver_sql(statement.as_string(raw))
        conn.exec_driver_sql(
            sql.SQL("GRANT {} TO {}")
            .format(sql.Identifier(group), sql.Identifier(name))
            .as_string(raw)
        )


def status(engine: Any) -> RecordStatus:
    """What `intake shared-record status` prints: schema revision, and per station how much arrived and when."""
    from sqlalchemy import func, select

    from intake_gui.store.shared_record.schema import events

    with engine.connect() as conn:
        state = schema_state(conn)
        if state.current is None:
            return RecordStatus(state)
        rows = conn.execute(
            select(
                events.c.station,
                events.c.journal_id,
                func.count(),
                func.max(events.c.at),
                func.max(events.c.recorded_at),
            )
            .group_by(events.c.station, events.c.journal_id)
            .order_by(events.c.station)
        ).all()
    stations = [StationSummary(r[0], r[1], int(r[2]), r[3], r[4]) for r in rows]
    return RecordStatus(state, sum(s.events for s in stations), stations)
