"""What supervisors and the duplicate-delivery guard ask of the shared record.

Everything is computed from the append-only events at read time: a receive's station, clerk, scans, submit attempts,
state and latest verification are aggregates over its events, so no stored summary can drift from the record.
Every query is scoped to one tenant (one POS account — a chain's stores share one): receipt numbers of two tenants
may coincide, and a station's training sandbox never shares a record with the store anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from intake_gui.domain.delivery import SETTLED_STATES, UNSETTLED_STATES, DeliveryKey
from intake_gui.store.shared_record.db import SharedRecordDB
from intake_gui.store.shared_record.schema import events

SENT_STATES = SETTLED_STATES | UNSETTLED_STATES
"""A draft in one of these states went to the POS (or is on its way): it counts as received for the guard."""

_CLERK_KINDS = ("submit_attempt", "submit_pressed", "created")


@dataclass(frozen=True)
class SharedReceive:
    """One draft as the shared record knows it, whichever station made it."""

    draft_id: str
    station: str
    clerk: str
    location_id: int | None
    receipt_id: int | None
    state: str
    opened_at: datetime
    sent_at: datetime | None
    scans: int
    edits: int
    submit_attempts: int
    verifications: int
    draft: dict[str, Any] | None
    """The draft as sent (or as opened, if it was never sent): the journal's payload."""
    report: dict[str, Any] | None
    """The latest stored verification report."""


@dataclass(frozen=True)
class SharedEvent:
    """One event of a receive's audit trail (the same fields as the journal's AuditEvent)."""

    draft_id: str
    at: datetime
    actor: str
    station: str
    kind: str
    data: dict[str, Any]
    recorded_at: datetime
    recorded_by: str


def _any(values: list[Any]) -> Any:
    """`= ANY(:array)`: one bound array however many ids, instead of an IN list with a parameter each."""
    from sqlalchemy import Text, any_, bindparam
    from sqlalchemy.dialects.postgresql import ARRAY

    return any_(bindparam(None, list(values), type_=ARRAY(Text)))


def _any_int(values: list[int]) -> Any:
    from sqlalchemy import BigInteger, any_, bindparam
    from sqlalchemy.dialects.postgresql import ARRAY

    return any_(bindparam(None, list(values), type_=ARRAY(BigInteger)))


def _first(column: Any, *, where: Any = None, newest: bool = False) -> Any:
    """The first (or newest) value of `column` in journal order among the rows `where` selects."""
    from sqlalchemy import func
    from sqlalchemy.dialects.postgresql import aggregate_order_by

    order = events.c.journal_seq.desc() if newest else events.c.journal_seq
    agg = func.array_agg(aggregate_order_by(column, order))
    return (agg.filter(where) if where is not None else agg)[1]


class SharedRecordReader:
    def __init__(self, db: SharedRecordDB, tenant: str) -> None:
        self.db = db
        self.tenant = tenant

    # ---- receives ---------------------------------------------------------------------------------

    def summaries(
        self, draft_ids: Iterable[str], *, with_drafts: bool = True
    ) -> dict[str, SharedReceive]:
        """One SharedReceive per draft. `with_drafts=False` leaves the draft snapshot out (the history table
        does not need it; the guard and the drill-down do)."""
        from sqlalchemy import func, select

        ids = list(dict.fromkeys(draft_ids))
        if not ids:
            return {}
        e = events.c
        is_kind = e.kind.in_
        # A draft's events all come from one journal, so plain min/max stand in for "first"/"newest" where the
        # values cannot differ in practice; only the state needs the newest value in journal order.
        query = (
            select(
                e.draft_id,
                func.min(e.station),
                func.min(e.actor).filter(is_kind(_CLERK_KINDS[:2]) & (e.actor != "")),
                func.min(e.actor).filter((e.kind == "created") & (e.actor != "")),
                func.min(e.actor).filter(e.actor != ""),
                func.max(e.location_id),
                func.max(e.receipt_id).filter(is_kind(("submitted", "reconciled"))),
                _first(e.data["to"].astext, where=e.data.has_key("to"), newest=True),
                func.min(e.at),
                func.min(e.at).filter(e.kind == "submitting"),
                func.count().filter(e.kind == "scan"),
                func.count().filter(e.kind == "change"),
                func.count().filter(e.kind == "submit_attempt"),
                func.count().filter(e.kind == "verify"),
            )
            .where(e.tenant == self.tenant, e.draft_id == _any(ids))
            .group_by(e.draft_id)
        )
        with self.db.connect() as conn:
            rows = conn.execute(query).all()
            reports = self._latest(conn, e.report, ids)
            drafts = self._latest(conn, e.draft, ids) if with_drafts else {}
        out = {}
        for r in rows:
            out[r[0]] = SharedReceive(
                draft_id=r[0],
                station=r[1] or "",
                clerk=r[2] or r[3] or r[4] or "",
                location_id=r[5],
                receipt_id=r[6],
                state=r[7] or "open",
                opened_at=r[8],
                sent_at=r[9],
                scans=int(r[10]),
                edits=int(r[11]),
                submit_attempts=int(r[12]),
                verifications=int(r[13]),
                draft=drafts.get(r[0]),
                report=reports.get(r[0]),
            )
        return out

    def _latest(self, conn: Any, column: Any, ids: list[str]) -> dict[str, Any]:
        """The newest non-null `column` (a JSON snapshot) of each draft, found through (draft_id, journal_seq)."""
        from sqlalchemy import func, select, tuple_

        e = events.c
        newest = (
            select(e.draft_id, func.max(e.journal_seq))
            .where(e.tenant == self.tenant, e.draft_id == _any(ids), column.isnot(None))
            .group_by(e.draft_id)
        )
        rows = conn.execute(
            select(e.draft_id, column).where(
                e.tenant == self.tenant, tuple_(e.draft_id, e.journal_seq).in_(newest)
            )
        ).all()
        return {d: value for d, value in rows}

    def by_receipt(self, receipt_ids: Iterable[int]) -> dict[int, SharedReceive]:
        """The receive behind each POS receipt that Intake made (at any station); the newest wins on a collision."""
        from sqlalchemy import select

        ids = sorted({int(r) for r in receipt_ids})
        if not ids:
            return {}
        e = events.c
        with self.db.connect() as conn:
            pairs = conn.execute(
                select(e.receipt_id, e.draft_id)
                .where(
                    e.tenant == self.tenant,
                    e.receipt_id == _any_int(ids),
                    e.kind.in_(("submitted", "reconciled")),
                )
                .order_by(e.seq)
            ).all()
        summaries = self.summaries((d for _r, d in pairs), with_drafts=False)
        return {int(r): summaries[d] for r, d in pairs if d in summaries}

    def sent_between(
        self, start: datetime, end: datetime, *, location_ids: Sequence[int] | None = None
    ) -> list[SharedReceive]:
        """Receives sent in [start, end) (aware instants), at some stores or at every store of the tenant."""
        from sqlalchemy import select

        e = events.c
        query = select(e.draft_id).where(
            e.tenant == self.tenant, e.kind == "submitting", e.at >= start, e.at < end
        )
        if location_ids is not None:
            query = query.where(e.location_id == _any_int(list(location_ids)))
        with self.db.connect() as conn:
            ids = conn.execute(query.distinct()).scalars().all()
        found = self.summaries(ids, with_drafts=False)
        return sorted(found.values(), key=lambda s: s.sent_at or s.opened_at, reverse=True)

    def events(self, draft_id: str) -> list[SharedEvent]:
        from sqlalchemy import select

        e = events.c
        with self.db.connect() as conn:
            rows = conn.execute(
                select(
                    e.draft_id,
                    e.at,
                    e.actor,
                    e.station,
                    e.kind,
                    e.data,
                    e.recorded_at,
                    e.recorded_by,
                )
                .where(e.tenant == self.tenant, e.draft_id == draft_id)
                .order_by(e.journal_id, e.journal_seq)
            ).all()
        return [SharedEvent(*r) for r in rows]

    # ---- the duplicate-delivery guard ---------------------------------------------------------------

    def same_delivery_candidates(
        self, key: DeliveryKey, *, exclude_draft: str
    ) -> list[SharedReceive]:
        """Receives sent at this store that share the delivery's reference, lines (same vendor) or a package tag.

        Only candidates: `domain.delivery.match` decides, with its time windows, which of them are the same
        delivery. Drafts that never went out (failed, abandoned, reopened) are left out.
        """
        from sqlalchemy import and_, or_, select

        e = events.c
        same_vendor = []
        if key.reference:
            same_vendor.append(e.delivery_ref == key.reference)
        if key.lines:
            same_vendor.append(e.lines_fp == key.lines)
        match = [and_(e.vendor_id == key.vendor_id, or_(*same_vendor))] if same_vendor else []
        if key.packages:
            match.append(e.package_tags.overlap(sorted(key.packages)))
        if not match:
            return []
        query = select(e.draft_id).where(
            e.tenant == self.tenant,
            e.kind == "submitting",
            e.location_id == key.location_id,
            e.draft_id != exclude_draft,
            or_(*match),
        )
        with self.db.connect() as conn:
            ids = conn.execute(query.distinct()).scalars().all()
        return [s for s in self.summaries(ids).values() if s.state in SENT_STATES]
