"""The store's shared receiving record on PostgreSQL: every station's journal events in one append-only table.

`config` (where it is; stdlib only), `db` (the engine, the password from the keyring), `schema` + `migrations`
(SQLAlchemy tables, Alembic revisions), `admin` (init/upgrade/roles/status), `sender` (the outbox sender thread),
`rows` (an event as a row), `reader` (what supervisors and the duplicate guard ask). Nothing here imports Qt, and
nothing imports SQLAlchemy until a shared record is actually configured.
"""
