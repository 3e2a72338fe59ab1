"""The shared record's tables (SQLAlchemy Core), in their own PostgreSQL schema `intake`.

One append-only table of events, one row per journal event of every station, exactly as the station's journal
recorded it (`journal_id`, `journal_seq` = the station's own order; `event_id` = the idempotency key), plus the
columns a supervisor's query or the duplicate-delivery guard filters on, filled from the event when it is inserted:
the tenant (the POS account: a chain's stores share one), the store, the receipt, and for the event that records a
submit, the vendor and the delivery's reference, line fingerprint and package tags (`domain.delivery`).

Nothing in this table is ever updated or deleted: the stations' database role has no such privilege, and a trigger
refuses it even to the owner (see the migration). Summaries (a receive's clerk, scans, latest verification) are
computed by queries, never stored, so there is nothing a later event has to correct.

Changing this file means a new Alembic revision in `migrations/versions/`.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

SCHEMA = "intake"
STATION_ROLE = "intake_station"
"""May INSERT events and SELECT; never UPDATE, DELETE or TRUNCATE."""
SUPERVISOR_ROLE = "intake_supervisor"
"""May SELECT only."""

metadata = MetaData(schema=SCHEMA)

record_info = Table(
    "record_info",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)
"""`record_id`: this database's identity, so a station knows when it is pointed at a different record."""

events = Table(
    "events",
    metadata,
    Column("seq", BigInteger, Identity(always=True), primary_key=True),
    Column("event_id", UUID(as_uuid=False), nullable=False, unique=True),
    Column("journal_id", Text, nullable=False),
    Column("journal_seq", BigInteger, nullable=False),
    Column("tenant", Text, nullable=False),
    Column("station", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("draft_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("location_id", BigInteger),
    Column("receipt_id", BigInteger),
    Column("vendor_id", BigInteger),
    Column("delivery_ref", Text),
    Column("lines_fp", Text),
    Column("package_tags", ARRAY(Text)),
    Column("data", JSONB, nullable=False),
    Column("draft", JSONB(none_as_null=True)),
    Column("report", JSONB(none_as_null=True)),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("recorded_by", Text, nullable=False, server_default=text("session_user")),
    UniqueConstraint("journal_id", "journal_seq", name="events_journal_order"),
)

Index("events_store_time", events.c.tenant, events.c.location_id, events.c.at)
Index("events_draft", events.c.draft_id, events.c.journal_seq)
Index(
    "events_receipt",
    events.c.tenant,
    events.c.receipt_id,
    postgresql_where=events.c.receipt_id.isnot(None),
)
Index(
    "events_delivery",
    events.c.tenant,
    events.c.location_id,
    events.c.vendor_id,
    events.c.delivery_ref,
    postgresql_where=events.c.kind == "submitting",
)
Index(
    "events_packages",
    events.c.package_tags,
    postgresql_using="gin",
    postgresql_where=events.c.kind == "submitting",
)
Index(
    "events_lines",
    events.c.tenant,
    events.c.location_id,
    events.c.vendor_id,
    events.c.lines_fp,
    events.c.at,
    postgresql_where=events.c.kind == "submitting",
)
