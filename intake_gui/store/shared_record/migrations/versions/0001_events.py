"""The append-only events table, the record's identity, and the triggers that keep both unchangeable.

Revision ID: 0001_events
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

revision = "0001_events"
down_revision = None
branch_labels = None
depends_on = None

S = "intake"


def upgrade() -> None:
    op.create_table(
        "record_info",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        schema=S,
    )
    op.execute(
        "INSERT INTO intake.record_info (key, value) VALUES ('record_id', gen_random_uuid()::text)"
    )
    op.create_table(
        "events",
        sa.Column("seq", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("event_id", UUID(as_uuid=False), nullable=False, unique=True),
        sa.Column("journal_id", sa.Text, nullable=False),
        sa.Column("journal_seq", sa.BigInteger, nullable=False),
        sa.Column("tenant", sa.Text, nullable=False),
        sa.Column("station", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("draft_id", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location_id", sa.BigInteger),
        sa.Column("receipt_id", sa.BigInteger),
        sa.Column("vendor_id", sa.BigInteger),
        sa.Column("delivery_ref", sa.Text),
        sa.Column("lines_fp", sa.Text),
        sa.Column("package_tags", ARRAY(sa.Text)),
        sa.Column("data", JSONB, nullable=False),
        sa.Column("draft", JSONB),
        sa.Column("report", JSONB),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.text("now()"),
        ),
        sa.Column("recorded_by", sa.Text, nullable=False, server_default=sa.text("session_user")),
        sa.UniqueConstraint("journal_id", "journal_seq", name="events_journal_order"),
        schema=S,
    )
    op.create_index("events_store_time", "events", ["tenant", "location_id", "at"], schema=S)
    op.create_index("events_draft", "events", ["draft_id", "journal_seq"], schema=S)
    op.create_index(
        "events_receipt",
        "events",
        ["tenant", "receipt_id"],
        schema=S,
        postgresql_where=sa.text("receipt_id IS NOT NULL"),
    )
    op.create_index(
        "events_delivery",
        "events",
        ["tenant", "location_id", "vendor_id", "delivery_ref"],
        schema=S,
        postgresql_where=sa.text("kind = 'submitting'"),
    )
    op.create_index(
        "events_packages",
        "events",
        ["package_tags"],
        schema=S,
        postgresql_using="gin",
        postgresql_where=sa.text("kind = 'submitting'"),
    )
    op.create_index(
        "events_lines",
        "events",
        ["tenant", "location_id", "vendor_id", "lines_fp", "at"],
        schema=S,
        postgresql_where=sa.text("kind = 'submitting'"),
    )
    # Belt and braces beside the grants: not even the owner changes history without dropping a trigger first.
    op.execute(
        """CREATE FUNCTION intake.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the shared record is append-only: % on %.% refused',
                TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END $$"""
    )
    op.execute(
        """CREATE FUNCTION intake.stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.recorded_at := now();
            NEW.recorded_by := session_user;
            RETURN NEW;
        END $$"""
    )
    for table in ("events", "record_info"):
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON intake.{table} "
            "FOR EACH ROW EXECUTE FUNCTION intake.refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON intake.{table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION intake.refuse_change()"
        )
    # Who and when are the database's word, not the station's.
    op.execute(
        "CREATE TRIGGER events_stamp BEFORE INSERT ON intake.events "
        "FOR EACH ROW EXECUTE FUNCTION intake.stamp_insert()"
    )


def downgrade() -> None:
    raise NotImplementedError("the shared record is append-only; it is never migrated down")
