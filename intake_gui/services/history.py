"""Receive history for supervisors: the POS's record beside what only Intake knows (who, where, verified?).

The POS refuses long ranges, so a range is read in windows and merged; the journal then adds the clerk, the
station and the last verification for every receive made through Intake.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from intake_gui.domain.date_windows import from_store_local, merge_rows, split_range
from intake_gui.domain.models import (
    DraftLine,
    HistoryRow,
    Location,
    Package,
    ReceiveDraft,
    Room,
    Vendor,
)
from intake_gui.domain.verification import VerificationReport
from intake_gui.pos.base import ProgressFn
from intake_gui.pos.errors import PosError
from intake_gui.services.context import AppContext
from intake_gui.services.receiving import ReceivingService
from intake_gui.store.journal import AuditEvent, JournalEntry

HISTORY_WINDOW_DAYS = 31
"""The Backoffice refuses history ranges longer than this; longer ranges are split and merged."""

CSV_COLUMNS = [
    "received_at",
    "timezone",
    "receipt_id",
    "vendor",
    "vendor_id",
    "title",
    "products",
    "total_quantity",
    "status",
    "clerk",
    "station",
    "verification",
]


@dataclass(frozen=True)
class HistoryEntry:
    row: HistoryRow
    clerk: str = ""
    station: str = ""
    draft_id: str | None = None
    verification: str = "not verified by Intake"
    all_green: bool | None = None


@dataclass(frozen=True)
class PackageView:
    package: Package
    room_sellable: bool | None


def summarize_verification(entry: JournalEntry | None) -> tuple[str, bool | None]:
    """One phrase for the history table: "all green", "1 amber, 1 grey", or why there is none."""
    if entry is None:
        return "not received through Intake", None
    if not entry.last_verification:
        return "not verified yet", None
    try:
        report = VerificationReport.from_json(json.dumps(entry.last_verification))
    except ValueError:
        return "verification unreadable", None
    if report.all_green:
        return "all green", True
    counts = Counter(light.state.value for light in report.lights if light.state.value != "green")
    return ", ".join(f"{n} {state}" for state, n in sorted(counts.items())), False


class HistoryService:
    def __init__(self, ctx: AppContext, *, window_days: int = HISTORY_WINDOW_DAYS) -> None:
        self.ctx = ctx
        self.window_days = window_days

    def history(
        self,
        location: Location,
        start: datetime,
        end: datetime,
        progress: ProgressFn | None = None,
    ) -> list[HistoryEntry]:
        """Rows between two store-local wall times, newest first, each joined with the journal."""
        windows = split_range(start, end, self.window_days)
        rows: list[HistoryRow] = []
        for done, (w_start, w_end) in enumerate(windows, start=1):
            rows.extend(self.ctx.connector.receipt_history(location, w_start, w_end))
            if progress:
                progress(done, len(windows))
        merged = merge_rows(rows)
        self.ctx.writer.flush()
        journal = self.ctx.journal.by_receipt(r.receipt_id for r in merged)
        out = []
        for row in sorted(merged, key=lambda r: r.sort_key, reverse=True):
            entry = journal.get(row.receipt_id)
            words, green = summarize_verification(entry)
            out.append(
                HistoryEntry(
                    row=row,
                    clerk=entry.clerk if entry else "",
                    station=entry.station if entry else "",
                    draft_id=entry.draft.draft_id if entry else None,
                    verification=words,
                    all_green=green,
                )
            )
        return out

    def packages(self, location: Location, receipt_id: int) -> list[PackageView]:
        packages = self.ctx.connector.packages_for_receipt(location, receipt_id)
        try:
            rooms = {r.room_id: r for r in self.ctx.connector.rooms(location)}
        except PosError:
            rooms = {}
        return [
            PackageView(p, rooms[p.room_id].sellable if p.room_id in rooms else None)
            for p in packages
        ]

    def reverify(self, location: Location, entry: HistoryEntry) -> VerificationReport:
        """Re-run the three lights. A receive made elsewhere is checked against its own packages."""
        receiving = ReceivingService(self.ctx)
        receipt_id = entry.row.receipt_id
        journal_entry = self.ctx.journal.by_receipt([receipt_id]).get(receipt_id)
        if journal_entry is not None:
            draft = journal_entry.draft
            submitted_at = journal_entry.submit_started_at or journal_entry.updated_at
        else:
            draft = self._draft_from_pos(location, entry)
            when = entry.row.received_at
            # A POS row without a readable date: the receive is older than this look at it, so treat it
            # as a day old (no "still propagating" wait for stock that has had all the time it needs).
            submitted_at = (
                from_store_local(when, location.timezone)
                if when is not None
                else datetime.now(UTC) - timedelta(days=1)
            )
        return receiving.verify(
            draft,
            receipt_id,
            baseline=None,
            submitted_at=submitted_at,
            record=journal_entry is not None,
        )

    def _draft_from_pos(self, location: Location, entry: HistoryEntry) -> ReceiveDraft:
        """Expected lines for a receive Intake did not make: what the POS says it created."""
        packages = self.ctx.connector.packages_for_receipt(location, entry.row.receipt_id)
        rooms = {r.room_id: r for r in self.ctx.connector.rooms(location)}
        room_id = next((p.room_id for p in packages if p.room_id in rooms), None)
        room = (
            rooms[room_id]
            if room_id is not None
            else Room(room_id=0, name="unknown", inventory_room=True, pos_room=False)
        )
        lines = tuple(
            DraftLine(
                product_id=p.product_id or 0,
                sku=p.sku,
                name=p.product_name,
                quantity=p.quantity,
                room_id=p.room_id or room.room_id,
            )
            for p in packages
            if p.quantity > 0
        )
        return ReceiveDraft(
            location=location,
            vendor=Vendor(vendor_id=entry.row.vendor_id or 0, name=entry.row.vendor_name),
            room=room,
            title=entry.row.title or f"Receipt {entry.row.receipt_id}",
            lines=lines,
            token="",
        )

    def audit(self, draft_id: str) -> list[AuditEvent]:
        self.ctx.writer.flush()
        return self.ctx.journal.events(draft_id)


@contextmanager
def _csv_target(path: Path | TextIO) -> Iterator[TextIO]:
    """[input] A file opened for CSV (newline="" as the csv module wants), or a caller's stream as it is."""
    if isinstance(path, Path):
        with path.open("w", newline="", encoding="utf-8") as fh:
            yield fh
    else:
        yield path


def export_csv(entries: list[HistoryEntry], path: Path | TextIO, tz: str) -> int:
    """UTF-8 with a header row and ISO dates; the timezone column says what the wall times mean.
    `path` may be an open text stream (`intake history --csv -` streams to stdout): it is not closed."""
    with _csv_target(path) as fh:  # [input] a path or a stream
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for e in entries:
            r = e.row
            writer.writerow(
                [
                    r.received_at.isoformat(timespec="seconds") if r.received_at else "",
                    tz,
                    r.receipt_id,
                    r.vendor_name,
                    r.vendor_id if r.vendor_id is not None else "",
                    r.title,
                    r.product_count,
                    "" if r.total_quantity is None else str(r.total_quantity),
                    r.status,
                    e.clerk,
                    e.station,
                    e.verification,
                ]
            )
    return len(entries)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def receives_per_day(entries: list[HistoryEntry]) -> dict[date, int]:
    days: dict[date, int] = defaultdict(int)
    for e in entries:
        if e.row.received_at is not None:  # a row without a date is in no day's bar
            days[e.row.received_at.date()] += 1
    return dict(sorted(days.items()))


def quantity_by_vendor(entries: list[HistoryEntry]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for e in entries:
        totals[e.row.vendor_name or "(no vendor)"] += e.row.total_quantity or Decimal(0)
    return dict(sorted(totals.items(), key=lambda kv: kv[1], reverse=True))
