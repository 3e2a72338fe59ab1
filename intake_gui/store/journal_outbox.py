"""The shared record's side of the journal: a cursor over the append-only events, per shared record and tenant.

The events table is the outbox (see `journal_schema`, version 2): every event is appended with its idempotency id in
the same transaction as the change it records, so delivering is reading on from a cursor and moving the cursor once
the shared record has committed. A crash between the two re-sends a batch the database then ignores by id.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from intake_gui.store.journal_records import OutboxEvent

if TYPE_CHECKING:
    from intake_gui.store.journal import Journal

_SNAPSHOT_DRAFT = frozenset({"created", "submitting"})
"""Events that carry the draft itself: when it was opened, and exactly what was sent."""
_SNAPSHOT_REPORT = frozenset({"verified", "verification"})


def append_event(
    conn: sqlite3.Connection,
    tenant: str,
    draft_id: str,
    kind: str,
    data: dict[str, Any],
    actor: str,
    station: str,
    at: str,
) -> None:
    """Insert one event with what the shared record needs of it, inside the caller's transaction."""
    draft = conn.execute(
        "SELECT location_id, payload, last_verification FROM drafts WHERE draft_id = ?",
        (draft_id,),
    ).fetchone()
    snapshot: str | None = None
    if draft is not None and kind in _SNAPSHOT_DRAFT:
        snapshot = '{"draft":' + draft["payload"] + "}"
    elif draft is not None and kind in _SNAPSHOT_REPORT and draft["last_verification"]:
        snapshot = '{"report":' + draft["last_verification"] + "}"
    conn.execute(
        "INSERT INTO events (draft_id, at, actor, station, kind, data, uid, tenant, location_id, "
        "snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            draft_id,
            at,
            actor,
            station,
            kind,
            json.dumps(data, default=str),
            uuid.uuid4().hex,
            tenant,
            draft["location_id"] if draft is not None else None,
            snapshot,
        ),
    )


class JournalOutbox:
    """`journal.outbox`. `target` names a shared record and a tenant (the sender builds it)."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal

    def position(self, target: str) -> int:
        """The id of the last event `target` (a shared record and tenant) has confirmed; 0 before the first."""
        rows = self._journal._query(
            "SELECT last_event_id FROM outbox_cursor WHERE target = ?", (target,)
        )
        return int(rows[0]["last_event_id"]) if rows else 0

    def batch(self, target: str, *, limit: int = 200) -> list[OutboxEvent]:
        """The next events of this journal's tenant that `target` has not confirmed, oldest first."""
        if not self._journal.tenant:
            return []
        rows = self._journal._query(
            "SELECT id, uid, draft_id, at, actor, station, kind, data, tenant, location_id, snapshot "
            "FROM events WHERE id > ? AND tenant = ? ORDER BY id LIMIT ?",
            (self.position(target), self._journal.tenant, int(limit)),
        )
        return [
            OutboxEvent(
                local_id=int(r["id"]),
                uid=r["uid"],
                draft_id=r["draft_id"],
                at=datetime.fromisoformat(r["at"]),
                actor=r["actor"],
                station=r["station"],
                kind=r["kind"],
                data=json.loads(r["data"]),
                tenant=r["tenant"],
                location_id=r["location_id"],
                snapshot=json.loads(r["snapshot"]) if r["snapshot"] else None,
            )
            for r in rows
        ]

    def ack(self, target: str, last_id: int) -> None:
        """`target` holds every event up to `last_id`. Never moves backwards (two senders may race)."""
        with self._journal._tx(notify=False) as conn:
            conn.execute(
                "INSERT INTO outbox_cursor (target, last_event_id, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(target) DO UPDATE SET last_event_id = "
                "max(last_event_id, excluded.last_event_id), updated_at = excluded.updated_at",
                (target, int(last_id), self._journal._now()),
            )

    def waiting(self, target: str) -> int:
        """How many events of this journal's tenant `target` has not confirmed yet."""
        if not self._journal.tenant:
            return 0
        rows = self._journal._query(
            "SELECT count(*) AS n FROM events WHERE id > ? AND tenant = ?",
            (self.position(target), self._journal.tenant),
        )
        return int(rows[0]["n"])

    def meta(self, key: str) -> str | None:
        rows = self._journal._query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0]["value"] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._journal._tx(notify=False) as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
