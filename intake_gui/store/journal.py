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

`events` is an append-only audit trail, enforced by triggers rather than by good intentions.
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

from pydantic import BaseModel, ConfigDict, ValidationError

from intake_gui.domain.models import DraftState, ReceiveDraft

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

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

MIGRATIONS: dict[int, tuple[str, ...]] = {1: _SCHEMA_V1}
"""Statements that bring the schema from version n-1 to n. Add a key (never edit an old one) to migrate."""

_SENT = frozenset(
    {
        DraftState.SUBMITTING,
        DraftState.SUBMITTED,
        DraftState.VERIFIED,
        DraftState.NEEDS_DECISION,
    }
)
"""States whose payload is evidence of what was sent: autosave must not change it any more."""


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

    @property
    def draft_id(self) -> str:
        return self.draft.draft_id


class AuditEvent(BaseModel):
    model_config = ConfigDict(frozen=True)

    draft_id: str
    at: datetime
    actor: str
    station: str
    kind: str
    data: dict[str, Any]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Journal:
    """One SQLite file in WAL mode, one connection shared under a lock (the GUI, the writer thread and the
    workers all use it; the lock keeps each call's transaction whole)."""

    def __init__(self, path: Path, *, clock: Callable[[], datetime] = _utc_now) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(
                self.path, check_same_thread=False, isolation_level=None, timeout=10.0
            )
            self._conn.row_factory = sqlite3.Row
            mode = self._conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise JournalError(f"the journal at {self.path} cannot use WAL mode (got {mode})")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise JournalError(f"the journal at {self.path} cannot be opened: {exc}") from exc
        except BaseException:
            self.close()
            raise

    # -- drafts ---------------------------------------------------------------------------------------------

    def save_draft(self, draft: ReceiveDraft, *, actor: str, station: str) -> None:
        """Insert (state OPEN) or update the payload of an editable draft; its state is left alone.

        Once the draft has been sent its payload is the record of what went out: saving it unchanged is a
        no-op (recovery code may save before re-sending), saving a changed one is refused.
        """
        now = self._now()
        payload = draft.model_dump_json()
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
                self._append_event(
                    conn,
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
                raise JournalError(
                    f"draft {draft.draft_id} is {state.value}; a sent draft cannot be changed"
                )
            conn.execute(
                "UPDATE drafts SET "
                + ", ".join(f"{c} = ?" for c in columns)
                + " WHERE draft_id = ?",
                (*columns.values(), draft.draft_id),
            )

    def get(self, draft_id: str) -> JournalEntry | None:
        return self._one("SELECT * FROM drafts WHERE draft_id = ?", (draft_id,))

    def open_drafts(self, *, include_failed: bool = False) -> list[JournalEntry]:
        """Drafts worth offering to resume, newest first: at least one line, or a vendor already chosen.

        `include_failed` adds drafts the POS refused, which are editable again too.
        """
        states = [DraftState.OPEN.value] + ([DraftState.FAILED.value] if include_failed else [])
        return self._entries(
            self._query(
                f"SELECT * FROM drafts WHERE state IN ({', '.join('?' * len(states))}) "
                "AND (line_count > 0 OR vendor_id > 0) ORDER BY updated_at DESC",
                states,
            )
        )

    def pending_submissions(self) -> list[JournalEntry]:
        """Drafts whose outcome is unknown: reconcile these before sending anything."""
        return self._entries(
            self._query(
                "SELECT * FROM drafts WHERE state = ? ORDER BY submit_started_at",
                (DraftState.SUBMITTING.value,),
            )
        )

    def needs_decision(self) -> list[JournalEntry]:
        """Sent drafts whose outcome Intake could not establish: each waits for a person (lifecycle helper)."""
        return self._entries(
            self._query(
                "SELECT * FROM drafts WHERE state = ? ORDER BY submit_started_at",
                (DraftState.NEEDS_DECISION.value,),
            )
        )

    def drafts_near(self, location_id: int, since: datetime) -> list[JournalEntry]:
        """Drafts at a location touched since `since`, plus every unsettled one there whatever its age.

        The per-delivery duplicate check (services/deliveries.py, lifecycle helper) matches these against a new
        draft before it is sent.
        """
        return self._entries(
            self._query(
                "SELECT * FROM drafts WHERE location_id = ? AND (updated_at >= ? OR state IN (?, ?)) "
                "ORDER BY updated_at",
                (
                    int(location_id),
                    since.astimezone(UTC).isoformat(timespec="microseconds"),
                    DraftState.SUBMITTING.value,
                    DraftState.NEEDS_DECISION.value,
                ),
            )
        )

    def by_receipt(self, receipt_ids: Iterable[int]) -> dict[int, JournalEntry]:
        """Journal entries for POS receipts (to label receive history); the newest wins if ids collide."""
        ids = list(dict.fromkeys(int(r) for r in receipt_ids))
        out: dict[int, JournalEntry] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self._query(
                f"SELECT * FROM drafts WHERE receipt_id IN ({', '.join('?' * len(chunk))}) "
                "ORDER BY updated_at",
                chunk,
            )
            out.update((e.receipt_id, e) for e in self._entries(rows) if e.receipt_id is not None)
        return out

    def by_token(self, token: str) -> JournalEntry | None:
        return self._one("SELECT * FROM drafts WHERE token = ?", (token,))

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
            self._append_event(conn, draft_id, kind, data, actor, station, self._now())

    def events(self, draft_id: str) -> list[AuditEvent]:
        rows = self._query(
            "SELECT draft_id, at, actor, station, kind, data FROM events WHERE draft_id = ? ORDER BY id",
            (draft_id,),
        )
        return [
            AuditEvent(
                draft_id=r["draft_id"],
                at=datetime.fromisoformat(r["at"]),
                actor=r["actor"],
                station=r["station"],
                kind=r["kind"],
                data=json.loads(r["data"]),
            )
            for r in rows
        ]

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

    def code_mappings(self) -> dict[str, tuple[int, str]]:
        rows = self._query("SELECT code, product_id, sku FROM code_mappings", ())
        return {r["code"]: (int(r["product_id"]), r["sku"]) for r in rows}

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

    def _migrate(self) -> None:
        assert self._conn is not None
        version = int(self._conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise JournalError(
                f"the journal at {self.path} was written by a newer Intake (schema {version}); "
                "update Intake before using this station"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self._tx(durable=True) as conn:
                for statement in MIGRATIONS[target]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target}")
            log.info("Journal %s migrated to schema %d", self.path, target)

    @contextmanager
    def _tx(self, *, durable: bool = False) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._connection()
            try:
                if durable:
                    conn.execute("PRAGMA synchronous=FULL")
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
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

    def _one(self, sql: str, params: Iterable[Any]) -> JournalEntry | None:
        entries = self._entries(self._query(sql, params))
        return entries[0] if entries else None

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
            self._append_event(conn, draft_id, kind, event, actor, row["station"], now)

    @staticmethod
    def _append_event(
        conn: sqlite3.Connection,
        draft_id: str,
        kind: str,
        data: dict[str, Any],
        actor: str,
        station: str,
        at: str,
    ) -> None:
        conn.execute(
            "INSERT INTO events (draft_id, at, actor, station, kind, data) VALUES (?, ?, ?, ?, ?, ?)",
            (draft_id, at, actor, station, kind, json.dumps(data, default=str)),
        )

    def _entries(self, rows: list[sqlite3.Row]) -> list[JournalEntry]:
        """Rows that parse; an unreadable one is logged and skipped so one bad row cannot hide the rest."""
        out: list[JournalEntry] = []
        for r in rows:
            try:
                out.append(
                    JournalEntry(
                        draft=ReceiveDraft.model_validate_json(r["payload"]),
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
                    )
                )
            except (ValidationError, ValueError, TypeError) as exc:
                log.error(
                    "Journal row %s is unreadable and was skipped (%s: %s)",
                    r["draft_id"],
                    type(exc).__name__,
                    str(exc)[:300],
                )
        return out
