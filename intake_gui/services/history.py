"""Receive history for supervisors: the POS's record beside what only Intake knows (who, where, verified?).

The POS refuses long ranges, so a range is read in windows and merged. Every row is then joined with what Intake
knows of it: this station's journal first (its own receives, current to the last scan), then the store's shared
record when one is configured (receives made at every other station, and on a supervisor's PC that has no journal
of its own). A row neither knows was made outside Intake, and says so. When the shared record cannot be read, the
rows still come back — joined with the journal only — and `HistoryEntries.shared_problem` says why.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from intake_gui.domain.date_windows import merge_rows, split_range
from intake_gui.domain.models import HistoryRow, Location, Package, ReceiveDraft
from intake_gui.domain.verification import VerificationReport
from intake_gui.pos.base import ProgressFn
from intake_gui.pos.errors import PosError
from intake_gui.services.context import AppContext
from intake_gui.services.shared_record import shared_of
from intake_gui.services.verification import VerificationService
from intake_gui.store import journal_payload
from intake_gui.store.journal import AuditEvent as AuditEvent
from intake_gui.store.journal import JournalEntry
from intake_gui.store.shared_record.db import SharedRecordUnavailable

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
    "made_through",
    "scans",
    "submit_attempts",
    "verification",
]

SOURCE_WORDS = {
    "journal": "Intake, this station",
    "shared": "Intake, shared record",
    "outside": "outside Intake",
}
"""Where a row's clerk and station come from, as a supervisor reads it."""


@dataclass(frozen=True)
class HistoryEntry:
    row: HistoryRow
    clerk: str = ""
    station: str = ""
    draft_id: str | None = None
    verification: str = "not verified by Intake"
    all_green: bool | None = None
    source: str = "outside"
    """"journal" (this station's own), "shared" (the shared record: another station), "outside" (not Intake)."""
    scans: int | None = None
    submit_attempts: int | None = None

    @property
    def made_through(self) -> str:
        return SOURCE_WORDS.get(self.source, self.source)


class HistoryEntries(list[HistoryEntry]):
    """The rows of one read, and why the shared record could not add to them (empty when it did, or is off)."""

    shared_problem: str = ""


@dataclass(frozen=True)
class ReceiveFacts:
    """What Intake knows of one receive beyond the POS: its audit trail, the draft as sent, the last check."""

    events: list[AuditEvent]
    draft: ReceiveDraft | None
    last_report: VerificationReport | None
    source: str


@dataclass(frozen=True)
class PackageView:
    package: Package
    room_sellable: bool | None


def summarize_verification(entry: JournalEntry | None) -> tuple[str, bool | None]:
    """One phrase for the history table: "all green", "1 amber, 1 grey", or why there is none."""
    if entry is None:
        return "not received through Intake", None
    return summarize_report(entry.last_verification)


def summarize_report(stored: dict[str, Any] | None) -> tuple[str, bool | None]:
    """The same phrase for a stored report (the journal's or the shared record's) of a receive Intake made."""
    report = parse_report(stored)
    if stored and report is None:
        return "verification unreadable", None
    if report is None:
        return "not verified yet", None
    if report.all_green:
        return "all green", True
    counts = Counter(light.state.value for light in report.lights if light.state.value != "green")
    return ", ".join(f"{n} {state}" for state, n in sorted(counts.items())), False


def parse_report(stored: dict[str, Any] | None) -> VerificationReport | None:
    if not stored:
        return None
    try:
        return VerificationReport.from_json(json.dumps(stored))
    except ValueError:
        return None


def filter_entries(
    entries: list[HistoryEntry], *, station: str | None = None, clerk: str | None = None
) -> list[HistoryEntry]:
    """Rows made at one station and/or by one clerk (case does not matter)."""
    out = entries
    if station:
        out = [e for e in out if e.station.casefold() == station.casefold()]
    if clerk:
        out = [e for e in out if e.clerk.casefold() == clerk.casefold()]
    return out


class HistoryService:
    def __init__(self, ctx: AppContext, *, window_days: int | None = None) -> None:
        self.ctx = ctx
        # drivers helper: the POS's own history window (Dutchie 31 days, BLAZE 7), else the old default.
        self.window_days = window_days or ctx.words.history_window_days or HISTORY_WINDOW_DAYS

    def history(
        self,
        location: Location,
        start: datetime,
        end: datetime,
        progress: ProgressFn | None = None,
    ) -> HistoryEntries:
        """Rows between two store-local wall times, newest first, each joined with the journal and the shared
        record."""
        windows = split_range(start, end, self.window_days)
        rows: list[HistoryRow] = []
        for done, (w_start, w_end) in enumerate(windows, start=1):
            rows.extend(self.ctx.connector.receipt_history(location, w_start, w_end))
            if progress:
                progress(done, len(windows))
        return self.join(merge_rows(rows))

    def join(self, rows: list[HistoryRow]) -> HistoryEntries:
        """POS rows, newest first, each with what the journal or the shared record knows of it."""
        self.ctx.writer.flush()
        journal = self.ctx.journal.by_receipt(r.receipt_id for r in rows)
        counts = self.ctx.journal.event_counts(e.draft_id for e in journal.values())
        out = HistoryEntries()
        shared: dict[int, Any] = {}
        link = shared_of(self.ctx)
        if link is not None:
            try:
                shared = link.reader.by_receipt(
                    r.receipt_id for r in rows if r.receipt_id not in journal
                )
            except SharedRecordUnavailable as exc:
                out.shared_problem = exc.message
        for row in sorted(rows, key=lambda r: r.sort_key, reverse=True):
            entry = journal.get(row.receipt_id)
            if entry is not None:
                words, green = summarize_verification(entry)
                kinds = counts.get(entry.draft_id, {})
                out.append(
                    HistoryEntry(
                        row=row,
                        clerk=entry.clerk,
                        station=entry.station,
                        draft_id=entry.draft.draft_id,
                        verification=words,
                        all_green=green,
                        source="journal",
                        scans=kinds.get("scan", 0),
                        submit_attempts=kinds.get("submit_attempt", 0),
                    )
                )
                continue
            remote = shared.get(row.receipt_id)
            if remote is not None:
                words, green = summarize_report(remote.report)
                out.append(
                    HistoryEntry(
                        row=row,
                        clerk=remote.clerk,
                        station=remote.station,
                        draft_id=remote.draft_id,
                        verification=words,
                        all_green=green,
                        source="shared",
                        scans=remote.scans,
                        submit_attempts=remote.submit_attempts,
                    )
                )
                continue
            words, green = summarize_verification(None)
            out.append(HistoryEntry(row=row, verification=words, all_green=green))
        return out

    def facts(self, entry: HistoryEntry) -> ReceiveFacts:
        """The audit trail, the draft as sent and the last stored check, from wherever the receive was made.

        Raises SharedRecordUnavailable when the receive is another station's and the shared record cannot be read.
        """
        if entry.draft_id is None:
            return ReceiveFacts([], None, None, "outside")
        if entry.source != "shared":
            events = self.audit(entry.draft_id)
            local = self.ctx.journal.get(entry.draft_id)
            if local is not None:
                return ReceiveFacts(
                    events, local.draft, parse_report(local.last_verification), "journal"
                )
        link = shared_of(self.ctx)
        if link is None:
            return ReceiveFacts([], None, None, entry.source)
        reader = link.reader
        remote = reader.summaries([entry.draft_id]).get(entry.draft_id)
        events = [
            AuditEvent(
                draft_id=e.draft_id,
                at=e.at,
                actor=e.actor,
                station=e.station,
                kind=e.kind,
                data=e.data,
            )
            for e in reader.events(entry.draft_id)
        ]
        draft = None
        if remote is not None and remote.draft is not None:
            try:
                draft = journal_payload.decode_dict(remote.draft)[0]
            except ValueError:
                draft = None
        report = parse_report(remote.report) if remote is not None else None
        return ReceiveFacts(events, draft, report, "shared")

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
        """Re-run the three lights (`VerificationService`, verify helper). A receive this station made is
        checked against the lines its journal says were sent; one made at another station against what that
        station sent (from the shared record; its journal is not ours to write); one made elsewhere against
        its own packages, with "sent" unknown. The result never weakens a verdict proven before."""
        service = VerificationService(self.ctx)
        target = service.target_for_receipt(location, entry.row.receipt_id, row=entry.row)
        if target.draft is None:
            shared = self._shared_draft(entry)
            if shared is not None:
                draft, sent_at = shared
                return service.verify(
                    replace(target, draft=draft, submitted_at=sent_at, draft_id=draft.draft_id),
                    record=False,
                )
        return service.verify(target)

    def _shared_draft(self, entry: HistoryEntry) -> tuple[ReceiveDraft, datetime] | None:
        link = shared_of(self.ctx)
        if entry.source != "shared" or entry.draft_id is None or link is None:
            return None
        try:
            remote = link.reader.summaries([entry.draft_id]).get(entry.draft_id)
        except SharedRecordUnavailable:
            return None
        if remote is None or remote.draft is None:
            return None
        try:
            draft = journal_payload.decode_dict(remote.draft)[0]
        except ValueError:
            return None
        return draft, remote.sent_at or remote.opened_at

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
                    e.made_through,
                    "" if e.scans is None else e.scans,
                    "" if e.submit_attempts is None else e.submit_attempts,
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
