"""The background sender: the journal's events, in order, into the shared record, exactly once.

A plain thread (like the journal writer; no Qt, so the CLI and tests use it too). It reads a batch of events after
the cursor (`journal.outbox`), inserts them in one PostgreSQL transaction with `ON CONFLICT DO NOTHING` on the
event id, and only after that commit moves the cursor. So:

* a crash or `kill -9` before the commit sends the batch again later — nothing lost;
* a crash after the commit but before the cursor moved sends it again too, and the database ignores every row it
  already holds — nothing doubled;
* two processes on one profile (the GUI and `intake recover`) may both send; a per-journal advisory lock makes
  their transactions take turns, so the record receives each station's events in the station's order.

Scanning and submitting never wait for any of this: the journal commit is the only thing on their path. The
sender wakes when the journal commits (a listener), or every `poll_s` for events another process wrote; while the
database is unreachable it backs off (1 s doubling to `max_backoff_s`) and the status says since when.

One event the database refuses for its content (not for a lost connection) must not block every event behind it:
it is sent alone, and if it is still refused it is delivered as an `undeliverable` placeholder naming its kind and
the reason — the station's journal keeps the original.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from intake_gui.store.journal import Journal, JournalError, OutboxEvent
from intake_gui.store.shared_record.db import (
    SharedRecordDB,
    SharedRecordUnavailable,
    describe_error,
)
from intake_gui.store.shared_record.rows import event_row, placeholder_row

log = logging.getLogger(__name__)

BATCH = 500


@dataclass(frozen=True)
class SharedRecordStatus:
    """What the status bar says. `state`: "off", "connecting", "up_to_date", "sending", "offline",
    "read_only" (a supervisor's login: it reads the record and sends nothing)."""

    state: str
    waiting: int = 0
    offline_since: datetime | None = None
    last_error: str = ""
    last_delivered_at: datetime | None = None
    delivered: int = 0
    """Events this process delivered (for figures; the record itself is the truth)."""
    where: str = ""
    """The record's address without a password, for the tooltip."""


OFF = SharedRecordStatus("off")


def status_words(status: SharedRecordStatus, tz: Any = None) -> str:
    """ "shared record: up to date" / "shared record: 12 waiting" / "shared record: offline since 10:42"."""
    if status.state == "off":
        return ""
    if status.state == "offline":
        since = status.offline_since.astimezone(tz) if status.offline_since else None
        text = f"shared record: offline since {since:%H:%M}" if since else "shared record: offline"
        return text + (f", {status.waiting} waiting" if status.waiting else "")
    if status.state == "read_only":
        return "shared record: connected (read-only)"
    if status.state == "connecting" and not status.waiting:
        return "shared record: connecting…"
    if status.waiting:
        return f"shared record: {status.waiting} waiting"
    return "shared record: up to date"


class OutboxSender:
    def __init__(
        self,
        journal: Journal,
        db: SharedRecordDB,
        *,
        poll_s: float = 2.0,
        max_backoff_s: float = 15.0,
        batch: int = BATCH,
        on_status: Callable[[SharedRecordStatus], None] | None = None,
    ) -> None:
        """`on_status` is called on the sender thread whenever the status changes (the GUI marshals it)."""
        self.journal = journal
        self.db = db
        self.poll_s = poll_s
        self.max_backoff_s = max_backoff_s
        self.batch = batch
        self._on_status = on_status
        self._cond = threading.Condition()
        self._woken = False
        self._stopping = False
        self._rounds = 0
        self._passing = False
        """Delivery passes finished; `flush` waits for one that started after it was called."""
        self._record_id: str | None = journal.outbox.meta(self._meta_key)
        self._can_insert: bool | None = None
        self._status = SharedRecordStatus(
            "connecting", waiting=self._waiting(), where=db.config.display
        )
        self._thread = threading.Thread(target=self._run, name="intake-shared-record", daemon=True)
        journal.add_listener(self.wake)

    # ---- control --------------------------------------------------------------------------------------

    def start(self) -> OutboxSender:
        self._thread.start()
        return self

    def wake(self) -> None:
        with self._cond:
            self._woken = True
            self._cond.notify_all()

    def status(self) -> SharedRecordStatus:
        with self._cond:
            return self._status

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until a delivery pass that *began after this call* has left nothing waiting (for the CLI before it
        exits, and for tests); False on timeout. A status from before the call never counts: a pass already
        running may have read its batch before the caller's last events were written."""
        deadline = time.monotonic() + timeout
        with self._cond:
            target = self._rounds + (2 if self._passing else 1)
            self._woken = True
            self._cond.notify_all()
            return self._cond.wait_for(
                lambda: (
                    self._rounds >= target
                    and self._status.state in ("up_to_date", "read_only")
                    and self._status.waiting == 0
                ),
                max(0.0, deadline - time.monotonic()),
            )

    def stop(self, timeout: float = 3.0) -> bool:
        """Stop after at most one more attempt; True when the thread ended in time. The journal stays open."""
        self.journal.remove_listener(self.wake)
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        return not self._thread.is_alive()

    # ---- the loop -------------------------------------------------------------------------------------

    @property
    def _meta_key(self) -> str:
        return f"shared_record_id:{self.db.config.display}"

    def _target(self) -> str:
        return f"{self._record_id or 'unknown'}|{self.journal.tenant}"

    def _waiting(self) -> int:
        try:
            return self.journal.outbox.waiting(self._target())
        except JournalError:
            return 0

    def _run(self) -> None:
        backoff = 0.0
        while True:
            with self._cond:
                if not self._stopping:
                    self._cond.wait_for(
                        lambda: self._woken or self._stopping, backoff or self.poll_s
                    )
                self._woken = False
                self._passing = True
                stopping = self._stopping
            try:
                self._deliver_all()
                backoff = 0.0
            except SharedRecordUnavailable as exc:
                backoff = min(max(backoff * 2, 1.0), self.max_backoff_s)
                self._went_offline(exc.message)
            except JournalError as exc:
                backoff = min(max(backoff * 2, 1.0), self.max_backoff_s)
                log.warning("Shared record sender cannot read the journal: %s", exc)
            except Exception:
                backoff = self.max_backoff_s
                log.exception("Shared record sender failed")
                self._went_offline("the shared record sender failed; the log has the details")
            with self._cond:
                self._rounds += 1
                self._passing = False
                self._cond.notify_all()
            if stopping:
                return

    def _deliver_all(self) -> None:
        if not self.journal.tenant:
            self._set(state="up_to_date", waiting=0, offline_since=None, last_error="")
            return
        if self._record_id is None or self._can_insert is None:
            record_id = self.db.record_id()
            if record_id != self._record_id:
                self._record_id = record_id
                self.journal.outbox.set_meta(self._meta_key, record_id)
            self._can_insert = self.db.can_insert()
        if not self._can_insert:
            self._set(state="read_only", waiting=0, offline_since=None, last_error="")
            return
        while True:
            target = self._target()
            batch = self.journal.outbox.batch(target, limit=self.batch)
            if not batch:
                self._set(state="up_to_date", waiting=0, offline_since=None, last_error="")
                return
            self._set(state="sending", waiting=self._waiting())
            self._insert(batch)
            self.journal.outbox.ack(target, batch[-1].local_id)
            now = datetime.now(UTC)
            with self._cond:
                delivered = self._status.delivered + len(batch)
            self._set(
                delivered=delivered,
                last_delivered_at=now,
                offline_since=None,
                last_error="",
                waiting=self._waiting(),
            )

    def _insert(self, batch: list[OutboxEvent]) -> None:
        from sqlalchemy import exc as sa_exc

        rows = [event_row(e, self.journal.journal_id) for e in batch]
        try:
            self._write(rows)
        except (
            sa_exc.StatementError
        ) as exc:  # the content was refused (connection trouble is raised as
            # SharedRecordUnavailable by _write and never lands here)
            log.warning(
                "The shared record refused a batch (%s); sending one by one", describe_error(exc)
            )
            for event, row in zip(batch, rows, strict=True):
                try:
                    self._write([row])
                except sa_exc.StatementError as one:
                    reason = describe_error(one)
                    log.error(
                        "Event %s (%s) is undeliverable: %s", event.local_id, event.kind, reason
                    )
                    self._write([placeholder_row(event, self.journal.journal_id, reason)])

    def _write(self, rows: list[dict[str, Any]]) -> None:
        from sqlalchemy import exc as sa_exc
        from sqlalchemy import func, select
        from sqlalchemy.dialects.postgresql import insert

        from intake_gui.store.shared_record.schema import events

        try:
            with self.db.engine.begin() as conn:
                # One sender per journal at a time, so each station's events arrive in the station's order.
                conn.execute(
                    select(func.pg_advisory_xact_lock(func.hashtext(self.journal.journal_id)))
                )
                # executemany: SQLAlchemy pages it into multi-row INSERTs without compiling a statement per
                # batch (".values(rows)" compiled 500 rows in ~2 s; this sends them in ~0.2 s).
                conn.execute(insert(events).on_conflict_do_nothing(), rows)
        except (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError) as exc:
            raise SharedRecordUnavailable(describe_error(exc)) from exc
        except sa_exc.ProgrammingError as exc:
            # Privileges or a missing schema: not this batch's fault, so waiting is the only cure.
            raise SharedRecordUnavailable(describe_error(exc)) from exc

    # ---- status -----------------------------------------------------------------------------------------

    def _went_offline(self, message: str) -> None:
        with self._cond:
            since = self._status.offline_since or datetime.now(UTC)
        if self.status().state != "offline":
            log.warning("Shared record offline: %s", message)
        self._set(state="offline", offline_since=since, last_error=message, waiting=self._waiting())

    def _set(self, **changes: Any) -> None:
        with self._cond:
            new = replace(self._status, **changes)
            changed = new != self._status
            self._status = new
            self._cond.notify_all()
        if changed and self._on_status is not None:
            try:
                self._on_status(new)
            except Exception:
                log.exception("Shared record status callback failed")
