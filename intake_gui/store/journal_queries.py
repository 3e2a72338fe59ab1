"""The journal's read side: drafts by state, receipt, token or place; events; learned codes; damaged rows.

A mixin of `Journal` (it uses the journal's `_query` under its lock), kept apart so the storage and its state
machine (`journal.py`) stay readable in one sitting. Every list is built by `entries_from_rows`, which returns a
draft today's rules refuse with `payload_problem` set rather than leaving it out.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from intake_gui.domain.models import DraftState
from intake_gui.store import journal_payload
from intake_gui.store.journal_records import (
    AuditEvent,
    JournalEntry,
    UnreadableDraft,
    entries_from_rows,
)


class JournalQueries:
    def _query(self, sql: str, params: Iterable[Any]) -> list[sqlite3.Row]:
        raise NotImplementedError  # provided by Journal

    def get(self, draft_id: str) -> JournalEntry | None:
        return self._one("SELECT * FROM drafts WHERE draft_id = ?", (draft_id,))

    def open_drafts(self, *, include_failed: bool = False) -> list[JournalEntry]:
        """Drafts worth offering to resume, newest first: at least one line, or a vendor already chosen.

        `include_failed` adds drafts the POS refused, which are editable again too.
        """
        states = [DraftState.OPEN.value] + ([DraftState.FAILED.value] if include_failed else [])
        return entries_from_rows(
            self._query(
                f"SELECT * FROM drafts WHERE state IN ({', '.join('?' * len(states))}) "
                "AND (line_count > 0 OR vendor_id > 0) ORDER BY updated_at DESC",
                states,
            )
        )

    def pending_submissions(self) -> list[JournalEntry]:
        """Drafts whose outcome is unknown: reconcile these before sending anything."""
        return entries_from_rows(
            self._query(
                "SELECT * FROM drafts WHERE state = ? ORDER BY submit_started_at",
                (DraftState.SUBMITTING.value,),
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
            out.update(
                (e.receipt_id, e) for e in entries_from_rows(rows) if e.receipt_id is not None
            )
        return out

    def event_counts(self, draft_ids: Iterable[str]) -> dict[str, dict[str, int]]:
        """How many events of each kind each draft has (scans, submit attempts… for the history table)."""
        ids = list(dict.fromkeys(draft_ids))
        out: dict[str, dict[str, int]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self._query(
                "SELECT draft_id, kind, count(*) AS n FROM events "
                f"WHERE draft_id IN ({', '.join('?' * len(chunk))}) GROUP BY draft_id, kind",
                chunk,
            )
            for r in rows:
                out.setdefault(r["draft_id"], {})[r["kind"]] = int(r["n"])
        return out

    def by_token(self, token: str) -> JournalEntry | None:
        return self._one("SELECT * FROM drafts WHERE token = ?", (token,))

    def needs_decision(self) -> list[JournalEntry]:
        """Sent drafts whose outcome Intake could not establish: each waits for a person (lifecycle helper)."""
        return entries_from_rows(
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
        return entries_from_rows(
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

    def code_mappings(self) -> dict[str, tuple[int, str]]:
        rows = self._query("SELECT code, product_id, sku FROM code_mappings", ())
        return {r["code"]: (int(r["product_id"]), r["sku"]) for r in rows}

    def unreadable(self) -> list[UnreadableDraft]:
        """Rows whose payload is damaged beyond reading, so start-up and `intake recover` can name them."""
        out = []
        for r in self._query(
            "SELECT draft_id, state, title, token, payload FROM drafts "
            "WHERE state NOT IN ('abandoned') ORDER BY updated_at",
            (),
        ):
            try:
                journal_payload.decode(r["payload"])
            except (ValueError, TypeError) as exc:
                out.append(
                    UnreadableDraft(r["draft_id"], r["state"], r["title"], r["token"], str(exc))
                )
        return out

    def _one(self, sql: str, params: Iterable[Any]) -> JournalEntry | None:
        entries = entries_from_rows(self._query(sql, params))
        return entries[0] if entries else None
