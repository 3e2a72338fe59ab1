"""What the journal hands out: drafts with their state, audit events, outbox events, and rows it cannot read.

Kept apart from `journal.py` (the storage and its state machine) so the value types can be read in one sitting.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from intake_gui.domain.models import DraftState, ReceiveDraft
from intake_gui.store import journal_payload

log = logging.getLogger("intake_gui.store.journal")


class JournalError(Exception):
    """The journal refused an operation (unknown draft, illegal state change) or the database failed."""


class JournalEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    draft: ReceiveDraft
    state: DraftState
    receipt_id: int | None = None
    clerk: str = ""
    station: str = ""
    created_at: datetime
    updated_at: datetime
    submit_started_at: datetime | None = None
    last_error: str | None = None
    last_verification: dict[str, Any] | None = None
    payload_problem: str | None = None
    """Set when the stored draft no longer passes today's checks (saved by an earlier Intake): it is kept and shown,
    and must be corrected before it is sent again."""

    @property
    def draft_id(self) -> str:
        return self.draft.draft_id


@dataclass(frozen=True)
class UnreadableDraft:
    """A row whose payload is not a draft at all (damaged): never dropped silently, listed for a person."""

    draft_id: str
    state: str
    title: str
    token: str
    error: str


@dataclass(frozen=True)
class OutboxEvent:
    """One journal event as the shared record receives it."""

    local_id: int
    """The event's position in this journal: the station's order."""
    uid: str
    """Random, unique: the idempotency key of the event in the shared record."""
    draft_id: str
    at: datetime
    actor: str
    station: str
    kind: str
    data: dict[str, Any]
    tenant: str
    location_id: int | None
    snapshot: dict[str, Any] | None


class AuditEvent(BaseModel):
    model_config = ConfigDict(frozen=True)

    draft_id: str
    at: datetime
    actor: str
    station: str
    kind: str
    data: dict[str, Any]


def entries_from_rows(rows: list[sqlite3.Row]) -> list[JournalEntry]:
    """Every row as an entry. A payload today's rules refuse is still returned, with `payload_problem` set;
    only a damaged row (not a draft at all) is left out, logged, and listed by `unreadable()`."""
    out: list[JournalEntry] = []
    for r in rows:
        try:
            draft, problem = journal_payload.decode(r["payload"])
            if problem:
                log.warning("Journal draft %s: %s", r["draft_id"], problem)
            out.append(
                JournalEntry(
                    draft=draft,
                    state=DraftState(r["state"]),
                    receipt_id=r["receipt_id"],
                    clerk=r["clerk"],
                    station=r["station"],
                    created_at=datetime.fromisoformat(r["created_at"]),
                    updated_at=datetime.fromisoformat(r["updated_at"]),
                    submit_started_at=(
                        datetime.fromisoformat(r["submit_started_at"])
                        if r["submit_started_at"]
                        else None
                    ),
                    last_error=r["last_error"],
                    last_verification=(
                        json.loads(r["last_verification"]) if r["last_verification"] else None
                    ),
                    payload_problem=problem,
                )
            )
        except (ValueError, TypeError) as exc:
            log.error(
                "Journal row %s is unreadable and was skipped (%s: %s)",
                r["draft_id"],
                type(exc).__name__,
                str(exc)[:300],
            )
    return out
