"""Alembic environment: always handed an open connection by `store/shared_record/admin.py`, which holds an advisory
lock and one transaction around the whole upgrade (PostgreSQL DDL is transactional: all of it or none)."""

from __future__ import annotations

from alembic import context

from intake_gui.store.shared_record.schema import SCHEMA, metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the shared record's migrations with `intake shared-record upgrade`")

context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table_schema=SCHEMA,
    include_schemas=True,
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
