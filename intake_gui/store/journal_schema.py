"""The journal's SQLite schema, and how a file gets to the current one safely while other processes open it too.

The GUI, `intake recover` and any other command may start at the same moment on a new profile. Creating the schema
is therefore one transaction taken with `BEGIN IMMEDIATE` (SQLite's write lock): whoever gets the lock first reads
`PRAGMA user_version` *inside* the transaction, applies every missing step and sets the new version before
committing; everyone else waits on the lock, then finds the schema current and does nothing. DDL is transactional
in SQLite, so a crash mid-upgrade leaves the old version intact rather than half a new one. Before that fix two
first starts raced and one failed with "table drafts already exists" (issue 13, item 9).

Schema versions (add a key, never edit an old one):

1. drafts, events (append-only by trigger), code_mappings.
2. the shared-record outbox: every event gets a random `uid` (its idempotency key in the shared record), the
   `tenant` it belongs to, its draft's `location_id` and a `snapshot` (the draft as sent, a verification report)
   captured in the same transaction as the event; `meta` holds this journal's id; `outbox_cursor` records how far
   each shared record has been sent. The events table itself is the outbox: it is append-only and ordered, so a
   cursor is all a sender needs, and nothing has to be deleted after delivery.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2

_SCHEMA_V1 = (
    """CREATE TABLE drafts (
        draft_id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        pos TEXT NOT NULL,
        location_id INTEGER NOT NULL,
        vendor_id INTEGER,
        room_id INTEGER,
        title TEXT NOT NULL,
        token TEXT NOT NULL UNIQUE,
        receipt_id INTEGER,
        clerk TEXT NOT NULL DEFAULT '',
        station TEXT NOT NULL DEFAULT '',
        line_count INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        submit_started_at TEXT,
        payload TEXT NOT NULL,
        last_error TEXT,
        last_verification TEXT
    )""",
    # Not unique: receipt ids of two tenants (or of a reset sandbox) may coincide.
    "CREATE INDEX drafts_receipt ON drafts(receipt_id) WHERE receipt_id IS NOT NULL",
    "CREATE INDEX drafts_state ON drafts(state, updated_at)",
    """CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        draft_id TEXT NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        station TEXT NOT NULL,
        kind TEXT NOT NULL,
        data TEXT NOT NULL
    )""",
    "CREATE INDEX events_draft ON events(draft_id, id)",
    """CREATE TRIGGER events_no_update BEFORE UPDATE ON events
       BEGIN SELECT RAISE(ABORT, 'events are append-only'); END""",
    """CREATE TRIGGER events_no_delete BEFORE DELETE ON events
       BEGIN SELECT RAISE(ABORT, 'events are append-only'); END""",
    """CREATE TABLE code_mappings (
        code TEXT PRIMARY KEY,
        product_id INTEGER NOT NULL,
        sku TEXT NOT NULL,
        station TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
)

_SCHEMA_V2 = (
    "ALTER TABLE events ADD COLUMN uid TEXT",
    "ALTER TABLE events ADD COLUMN tenant TEXT",
    "ALTER TABLE events ADD COLUMN location_id INTEGER",
    "ALTER TABLE events ADD COLUMN snapshot TEXT",
    "CREATE UNIQUE INDEX events_uid ON events(uid) WHERE uid IS NOT NULL",
    "CREATE INDEX events_tenant ON events(tenant, id)",
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "INSERT INTO meta (key, value) VALUES ('journal_id', lower(hex(randomblob(16))))",
    """CREATE TABLE outbox_cursor (
        target TEXT PRIMARY KEY,
        last_event_id INTEGER NOT NULL,
        updated_at TEXT NOT NULL
    )""",
)

MIGRATIONS: dict[int, tuple[str, ...]] = {1: _SCHEMA_V1, 2: _SCHEMA_V2}
"""Statements that bring the schema from version n-1 to n."""

OPEN_TIMEOUT_S = 30.0
"""How long opening waits for another process holding the write lock (a first start, a long write)."""


class SchemaError(Exception):
    """The file cannot be brought to this version's schema (newer, not a database, locked for too long)."""


def connect(path: Path) -> sqlite3.Connection:
    """A connection in WAL mode with a busy timeout, the schema current. Safe to call from many processes at once."""
    conn = sqlite3.connect(
        path, check_same_thread=False, isolation_level=None, timeout=OPEN_TIMEOUT_S
    )
    try:
        conn.row_factory = sqlite3.Row
        _use_wal(conn, path)
        conn.execute("PRAGMA synchronous=NORMAL")
        migrate(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def _use_wal(conn: sqlite3.Connection, path: Path) -> None:
    """Switching a new file to WAL needs a moment of exclusive access; another first start may hold it."""
    deadline = time.monotonic() + OPEN_TIMEOUT_S
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    if str(mode).lower() != "wal":
        raise SchemaError(f"the journal at {path} cannot use WAL mode (got {mode})")


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, path: Path) -> int:
    """Bring the schema to SCHEMA_VERSION in one write transaction; returns the version found."""
    found = user_version(conn)
    if found == SCHEMA_VERSION:
        return found  # the common case: no write lock taken at all
    _refuse_newer(found, path)
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = user_version(conn)  # again, under the lock: another process may have just done it
        _refuse_newer(found, path)
        for target in range(found + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[target]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    if found < SCHEMA_VERSION:
        log.info("Journal %s migrated from schema %d to %d", path, found, SCHEMA_VERSION)
    return found


def _refuse_newer(version: int, path: Path) -> None:
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"the journal at {path} was written by a newer Intake (schema {version}); "
            "update Intake before using this station"
        )
