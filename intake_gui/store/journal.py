"""The SQLite journal: nothing a clerk scanned is lost, and nothing is received twice.

Every draft is saved as its full `ReceiveDraft` JSON on each change, so a crash, a power cut or a closed laptop
lid costs at most the last scan. Submission is a small state machine recorded *before* the network call:

    OPEN --mark_submitting--> SUBMITTING --mark_submitted--> SUBMITTED --mark_verified(all green)--> VERIFIED
      ^                            |
      +--reopen-- FAILED <--mark_failed (the POS definitely refused)
    OPEN / FAILED --mark_abandoned--> ABANDONED
    SUBMITTING --mark_needs_decision--> NEEDS_DECISION --decide(landed)--> SUBMITTED
                                                       --decide(resend)--> SUBMITTING

A draft found in SUBMITTING at start-up may or may not have reached the POS; the services reconcile it against
receive history (by its idempotency token) before anything is sent again. State changes are written with
synchronous=FULL so they survive a power cut, not only a crash; autosaves use NORMAL, which in WAL mode still
survives a crash of the app.

`events` is an append-only audit trail, enforced by triggers rather than by good intentions. It is also the
shared record's outbox: each event is written with its idempotency id, its tenant and what a supervisor elsewhere
needs to read it (the draft as sent, a verification report) in the same transaction as the change it records, and
`outbox_batch` / `outbox_ack` let a sender (`store/shared_record/sender.py`) walk it in order with a cursor.
The schema and its safe creation live in `journal_schema`, the versioned draft payload in `journal_payload`.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from intake_gui.domain.models import DraftState, ReceiveDraft
from intake_gui.store import journal_payload
from intake_gui.store.journal_outbox import JournalOutbox, append_event
from intake_gui.store.journal_queries import JournalQueries
from intake_gui.store.journal_records import (
    AuditEvent,
    JournalEntry,
    JournalError,
    OutboxEvent,
    UnreadableDraft,
)
from intake_gui.store.journal_schema import SCHEMA_VERSION, SchemaError, connect

__all__ = [
    "SCHEMA_VERSION",
    "AuditEvent",
    "Journal",
    "JournalEntry",
    "JournalError",
    "OutboxEvent",
    "UnreadableDraft",
]

log = logging.getLogger(__name__)

_SENT = frozenset(
    {
        DraftState.SUBMITTING,
        DraftState.SUBMITTED,
        DraftState.VERIFIED,
        DraftState.NEEDS_DECISION,
    }
)
"""States whose payload is evidence of what was sent: autosave must not change it any more."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Journal(JournalQueries):
    """One SQLite file in WAL mode, one connection shared under a lock (the GUI, the writer thread and the
    workers all use it; the lock keeps each call's transaction whole)."""

    def __init__(
        self, path: Path, *, clock: Callable[[], datetime] = _utc_now, tenant: str = ""
    ) -> None:
        """`tenant` names the POS tenant this process works for; every event is stamped with it, and a shared
        record only ever receives the events of its own tenant (never the training sandbox's)."""
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self.tenant = tenant
        self.outbox = JournalOutbox(self)
        self._listeners: list[Callable[[], None]] = []
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = connect(self.path)
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'journal_id'").fetchone()
            self.journal_id: str = row[0]
        except SchemaError as exc:
            raise JournalError(str(exc)) from exc
        except sqlite3.DatabaseError as exc:
            raise JournalError(f"the journal at {self.path} cannot be opened: {exc}") from exc

    # -- drafts ---------------------------------------------------------------------------------------------

    def save_draft(self, draft: ReceiveDraft, *, actor: str, station: str) -> None:
        """Insert (state OPEN) or update the payload of an editable draft; its state is left alone.

        Once the draft has been sent its payload is the record of what went out: saving it unchanged is a
        no-op (recovery code may save before re-sending), saving a changed one is refused.
        """
        now = self._now()
        payload = journal_payload.encode(draft)
        columns = {
            "pos": str(draft.pos),
            "location_id": draft.location.loc_id,
            "vendor_id": draft.vendor.vendor_id,
            "room_id": draft.room.room_id,
            "title": draft.title,
            "token": draft.token,
            "line_count": len(draft.lines),
            "payload": payload,
            "updated_at": now,
        }
        with self._tx() as conn:
            row = conn.execute(
                "SELECT state, payload FROM drafts WHERE draft_id = ?", (draft.draft_id,)
            ).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO drafts (draft_id, state, clerk, station, created_at, "
                    + ", ".join(columns)
                    + ") VALUES (?, ?, ?, ?, ?, "
                    + ", ".join("?" * len(columns))
                    + ")",
                    (draft.draft_id, DraftState.OPEN.value, actor, station, now, *columns.values()),
                )
                append_event(
                    conn,
                    self.tenant,
                    draft.draft_id,
                    "created",
                    {
                        "title": draft.title,
                        "token": draft.token,
                        "location_id": draft.location.loc_id,
                    },
                    actor,
                    station,
                    now,
                )
                return
            state = DraftState(row["state"])
            if row["payload"] == payload:
                return
            if state in _SENT:
                if self._same_draft(row["payload"], draft):
                    return  # stored by an earlier version in an older format: the same draft all the same
                raise JournalError(
                    f"draft {draft.draft_id} is {state.value}; a sent draft cannot be changed"
                )
            conn.execute(
                "UPDATE drafts SET "
                + ", ".join(f"{c} = ?" for c in columns)
                + " WHERE draft_id = ?",
                (*columns.values(), draft.draft_id),
            )

    @staticmethod
    def _same_draft(stored: str, draft: ReceiveDraft) -> bool:
        try:
            return journal_payload.decode(stored)[0] == draft
        except journal_payload.PayloadError:
            return False

    # -- state transitions ----------------------------------------------------------------------------------

    def mark_submitting(self, draft_id: str, *, actor: str = "") -> None:
        """Record the intent to send, durably, before the request leaves.

        Allowed again on a SUBMITTING draft for a re-send, which callers may do only after reconciliation
        proved the previous attempt did not land; each attempt gets its own event and start time.
        """
        now = self._now()
        self._transition(
            draft_id,
            "submitting",
            allowed={DraftState.OPEN, DraftState.FAILED, DraftState.SUBMITTING},
            to=DraftState.SUBMITTING,
            updates={"submit_started_at": now, "last_error": None},
            data={},
            actor=actor,
            now=now,
        )

    def mark_submitted(self, draft_id: str, receipt_id: int, *, actor: str = "") -> None:
        """The POS accepted it as `receipt_id`. Repeating the same call (a second reconciliation) is a no-op."""
        receipt_id = int(receipt_id)
        with self._lock:
            current = self._state_row(draft_id)
            if (
                DraftState(current["state"]) in {DraftState.SUBMITTED, DraftState.VERIFIED}
                and current["receipt_id"] == receipt_id
            ):
                return
            self._transition(
                draft_id,
                "submitted",
                allowed={DraftState.SUBMITTING, DraftState.NEEDS_DECISION},
                to=DraftState.SUBMITTED,
                updates={"receipt_id": receipt_id},
                data={"receipt_id": receipt_id},
                actor=actor,
            )

    def mark_failed(self, draft_id: str, reason: str, *, actor: str = "") -> None:
        """The POS definitely refused it (never for a lost answer): the draft becomes editable again."""
        self._transition(
            draft_id,
            "failed",
            allowed={DraftState.SUBMITTING},
            to=DraftState.FAILED,
            updates={"last_error": reason},
            data={"reason": reason},
            actor=actor,
        )

    def mark_needs_decision(self, draft_id: str, reason: str, *, actor: str = "") -> None:
        """Intake could not find out whether a sent draft landed: from now on only a person's decision moves it."""
        self._transition(
            draft_id,
            "needs_decision",
            allowed={DraftState.SUBMITTING},
            to=DraftState.NEEDS_DECISION,
            updates={"last_error": reason},
            data={"reason": reason},
            actor=actor,
        )

    def decide(
        self, draft_id: str, choice: str, *, receipt_id: int | None = None, actor: str = ""
    ) -> None:
        """A person's decision on a NEEDS_DECISION draft: "landed" (it is in the POS; `receipt_id` if they
        know it) or "resend" (send it again: back to SUBMITTING with a new start time)."""
        now = self._now()
        if choice == "landed":
            self._transition(
                draft_id,
                "decided",
                allowed={DraftState.NEEDS_DECISION},
                to=DraftState.SUBMITTED,
                updates={"receipt_id": int(receipt_id) if receipt_id is not None else None},
                data={"choice": choice, "receipt_id": receipt_id},
                actor=actor,
                now=now,
            )
        elif choice == "resend":
            self._transition(
                draft_id,
                "decided",
                allowed={DraftState.NEEDS_DECISION},
                to=DraftState.SUBMITTING,
                updates={"submit_started_at": now, "last_error": None},
                data={"choice": choice},
                actor=actor,
                now=now,
            )
        else:
            raise JournalError(f"unknown decision {choice!r}: expected 'landed' or 'resend'")

    def mark_verified(
        self, draft_id: str, report_json: str, all_green: bool, *, actor: str = ""
    ) -> None:
        """Store a verification report; only an all-green one moves the draft to VERIFIED.

        A later, less green report on a VERIFIED draft (stock sold since) is stored without demoting it.
        """
        try:
            report = json.loads(report_json)
        except ValueError as exc:
            raise JournalError(f"verification report is not JSON: {exc}") from None
        if not isinstance(report, dict):
            raise JournalError("verification report must be a JSON object")
        with self._lock:
            current = DraftState(self._state_row(draft_id)["state"])
            self._transition(
                draft_id,
                "verified" if all_green else "verification",
                allowed={DraftState.SUBMITTED, DraftState.VERIFIED},
                to=DraftState.VERIFIED if all_green else current,
                updates={"last_verification": json.dumps(report)},
                data={"all_green": bool(all_green)},
                actor=actor,
            )

    def mark_abandoned(self, draft_id: str, *, actor: str = "") -> None:
        self._transition(
            draft_id,
            "abandoned",
            allowed={DraftState.OPEN, DraftState.FAILED},
            to=DraftState.ABANDONED,
            updates={},
            data={},
            actor=actor,
        )

    def reopen(self, draft_id: str, *, actor: str = "") -> None:
        """FAILED (or ABANDONED, e.g. superseded) -> OPEN, so the draft shows among the open ones again."""
        self._transition(
            draft_id,
            "reopened",
            allowed={DraftState.FAILED, DraftState.ABANDONED},
            to=DraftState.OPEN,
            updates={},
            data={},
            actor=actor,
        )

    # -- audit ----------------------------------------------------------------------------------------------

    def record_event(
        self, draft_id: str, kind: str, data: dict[str, Any], *, actor: str, station: str
    ) -> None:
        with self._tx() as conn:
            append_event(conn, self.tenant, draft_id, kind, data, actor, station, self._now())

    # -- learned barcodes -----------------------------------------------------------------------------------

    def save_code_mapping(self, code: str, product_id: int, sku: str, station: str) -> None:
        """Remember that a barcode the catalog did not know means this product (the clerk told us once)."""
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO code_mappings (code, product_id, sku, station, created_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET product_id = excluded.product_id, "
                "sku = excluded.sku, station = excluded.station, created_at = excluded.created_at",
                (code, int(product_id), sku, station, self._now()),
            )

    # -- lifecycle ------------------------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ------------------------------------------------------------------------------------------

    def _now(self) -> str:
        return self._clock().astimezone(UTC).isoformat(timespec="microseconds")

    @contextmanager
    def _tx(self, *, durable: bool = False, notify: bool = True) -> Iterator[sqlite3.Connection]:
        appended = False
        with self._lock:
            conn = self._connection()
            try:
                if durable:
                    conn.execute("PRAGMA synchronous=FULL")
                conn.execute("BEGIN IMMEDIATE")
                before = conn.total_changes
                try:
                    yield conn
                    appended = conn.total_changes != before
                    conn.execute("COMMIT")
                except BaseException:
                    appended = False
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                finally:
                    if durable:
                        conn.execute("PRAGMA synchronous=NORMAL")
            except sqlite3.IntegrityError as exc:
                raise JournalError(f"journal refused the change: {exc}") from exc
            except sqlite3.Error as exc:
                raise JournalError(f"journal write failed: {exc}") from exc
        if appended and notify:
            self._notify()

    def _query(self, sql: str, params: Iterable[Any]) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._connection().execute(sql, tuple(params)).fetchall()
            except sqlite3.Error as exc:
                raise JournalError(f"journal read failed: {exc}") from exc

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise JournalError("the journal is closed")
        return self._conn

    def _state_row(self, draft_id: str) -> sqlite3.Row:
        rows = self._query("SELECT state, receipt_id FROM drafts WHERE draft_id = ?", (draft_id,))
        if not rows:
            raise JournalError(f"no draft {draft_id} in the journal")
        return rows[0]

    def _transition(
        self,
        draft_id: str,
        kind: str,
        *,
        allowed: set[DraftState],
        to: DraftState,
        updates: dict[str, Any],
        data: dict[str, Any],
        actor: str,
        now: str | None = None,
    ) -> None:
        now = now or self._now()
        with self._tx(durable=True) as conn:
            row = conn.execute(
                "SELECT state, station FROM drafts WHERE draft_id = ?", (draft_id,)
            ).fetchone()
            if row is None:
                raise JournalError(f"no draft {draft_id} in the journal")
            state = DraftState(row["state"])
            if state not in allowed:
                raise JournalError(f"cannot mark draft {draft_id} {kind}: it is {state.value}")
            values = {"state": to.value, "updated_at": now, **updates}
            conn.execute(
                "UPDATE drafts SET "
                + ", ".join(f"{c} = ?" for c in values)
                + " WHERE draft_id = ?",
                (*values.values(), draft_id),
            )
            event = {"from": state.value, "to": to.value, **data}
            append_event(conn, self.tenant, draft_id, kind, event, actor, row["station"], now)

    # -- listeners ------------------------------------------------------------------------------------------

    def add_listener(self, callback: Callable[[], None]) -> None:
        """`callback()` runs (on the writing thread, outside the lock) after each commit that changed something:
        the shared-record sender uses it to wake up instead of polling."""
        with self._lock:
            self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[], None]) -> None:
        with self._lock:
            if callback in self._listeners:
                self._listeners.remove(callback)

    def _notify(self) -> None:
        for callback in list(self._listeners):
            try:
                callback()
            except Exception:
                log.exception("Journal listener failed")
