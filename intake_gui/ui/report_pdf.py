"""One receive, on paper: what the POS holds, what Intake checked, and who did what — for the binder and the auditor.

`load_details` gathers everything a drill-down shows (it runs on a worker: it reads the POS and the journal);
`render_html` turns it into a document (pure, so its content is testable without Qt's printing); `write_pdf` prints
that document to a PDF with Qt's print support. Painting a QTextDocument onto a QPrinter is supported off the GUI
thread, so the file is written on a worker too.

Journal times are instants; POS times are store wall times. The report prints both in the store's zone and says so.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter

from intake_gui.domain.models import Location, ReceiveDraft
from intake_gui.domain.quantities import format_quantity
from intake_gui.domain.verification import LIGHT_ORDER, VerificationReport
from intake_gui.pos.errors import PosError
from intake_gui.services.history import AuditEvent, HistoryEntry, HistoryService, PackageView
from intake_gui.services.shared_record import SharedRecordUnavailable
from intake_gui.ui.history_model import (
    clean_title,
    format_instant,
    format_wall,
    zone_label,
)


@dataclass(frozen=True)
class OverShort:
    sku: str
    name: str
    expected: Decimal
    counted: Decimal
    reason: str

    @property
    def kind(self) -> str:
        return "over" if self.counted > self.expected else "short"


@dataclass(frozen=True)
class ReceiptDetails:
    """Everything known about one receive, read once and shared by the drill-down and the printed report."""

    entry: HistoryEntry
    location: Location
    packages: list[PackageView] | None
    """None when the POS read failed (`packages_error` says why)."""
    packages_error: str = ""
    events: list[AuditEvent] = field(default_factory=list)
    draft: ReceiveDraft | None = None
    """What Intake sent, from the journal; None for a receive made elsewhere."""
    last_report: VerificationReport | None = None
    facts_error: str = ""
    """Why the audit trail could not be read (the shared record was unreachable); "" when it was."""

    @property
    def timezone(self) -> str:
        return self.location.timezone

    @property
    def over_short(self) -> list[OverShort]:
        if self.draft is None:
            return []
        return [
            OverShort(ln.sku, ln.name, ln.expected, ln.quantity, ln.variance_reason)
            for ln in self.draft.lines
            if ln.expected is not None and ln.quantity != ln.expected
        ]


def load_details(
    history: HistoryService, location: Location, entry: HistoryEntry
) -> ReceiptDetails:
    """The drill-down's reads, in one worker call: packages from the POS; events, the draft as sent and the last
    check from this station's journal or, for another station's receive, from the shared record.

    A failed POS read is a result, not an exception: the audit trail is still worth showing without it.
    """
    packages: list[PackageView] | None
    error = ""
    try:
        packages = history.packages(location, entry.row.receipt_id)
    except PosError as exc:
        packages, error = None, exc.message
    try:
        facts = history.facts(entry)
    except SharedRecordUnavailable as exc:
        # Another station's receive while the shared record is down: the POS's side is still worth showing.
        return ReceiptDetails(entry, location, packages, error, facts_error=exc.message)
    return ReceiptDetails(
        entry, location, packages, error, facts.events, facts.draft, facts.last_report
    )


# ---- the audit trail in words ------------------------------------------------------------------------

_OUTCOMES = {
    "received": "The POS accepted it as receipt {receipt_id}.",
    "rate_limited": "The POS asked Intake to slow down; nothing was received, Intake waited and tried again.",
    "unknown": "The answer was lost ({error}); Intake checked receive history before doing anything else.",
    "refused": "The POS refused it: {message}",
}

_PLAIN = {
    "created": "Draft started: “{title}” (tag {token}).",
    "submitting": "Marked as being sent.",
    "submit_pressed": "Submit pressed ({lines} lines).",
    "submit_attempt": "Sent to the POS, attempt {attempt} ({lines} lines, tag {token}).",
    "submitted": "Recorded as receipt {receipt_id}.",
    "reconciled": "Found in receive history as receipt {receipt_id}; not sent again.",
    "failed": "Refused: {reason}",
    "reopened": "Reopened for correction.",
    "abandoned": "Discarded.",
    "room_confirmed_non_sellable": "Clerk confirmed the non-sellable room “{room}”.",
}


class _Lenient(dict[str, Any]):
    """Event data from older or newer versions may lack a field: show "?" rather than fail the whole trail."""

    def __missing__(self, key: str) -> str:
        return "?"


def _fmt(template: str, data: dict[str, Any]) -> str:
    return template.format_map(_Lenient(data))


def describe_event(event: AuditEvent) -> str:
    """One sentence per journal event. Kinds this version does not know are shown raw rather than hidden."""
    data = event.data
    kind = event.kind
    if kind == "submit_result":
        return _fmt(_OUTCOMES.get(str(data.get("outcome")), "Submit result: {outcome}."), data)
    if kind == "verify":
        lights = data.get("lights") or {}
        parts = ", ".join(f"{k} {v}" for k, v in lights.items())
        return f"Verification, attempt {data.get('attempt', '?')}: {parts or 'no lights recorded'}."
    if kind in ("verified", "verification"):
        return "Verification stored: " + (
            "all green." if data.get("all_green") else "not all green."
        )
    if kind == "duplicate_detected":
        ids = ", ".join(str(i) for i in data.get("receipt_ids", []))
        return f"DUPLICATE: the tag was found on receipts {ids}."
    if kind == "recovery":
        return "Start-up check: it had not landed" + (
            ", sent again." if data.get("resend") else "."
        )
    if kind in _PLAIN:
        return _fmt(_PLAIN[kind], data)
    shown = {k: v for k, v in data.items() if k not in ("from", "to")}
    details = ", ".join(f"{k} {v}" for k, v in shown.items())
    return kind.replace("_", " ").capitalize() + (f": {details}" if details else "")


def event_actor(event: AuditEvent) -> str:
    """State changes the journal makes on its own carry no user; say so instead of leaving a blank."""
    return event.actor or "(not recorded)"


# ---- the document ------------------------------------------------------------------------------------


def _e(value: object) -> str:
    return html.escape(str(value))


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], right: frozenset[int] = frozenset()
) -> str:
    head = "".join(f"<th align='left'>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' align=right' if i in right else ''}>{_e(cell)}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return (
        "<table width='100%' border='1' cellspacing='0' cellpadding='4' "
        "style='border-collapse: collapse; border-color: #9aa39e;'>"
        f"<thead><tr style='background-color: #e7ebe9;'>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _counts(entry: HistoryEntry) -> str:
    if entry.scans is None and entry.submit_attempts is None:
        return "—"
    return f"{entry.scans or 0} / {entry.submit_attempts or 0}"


def audit_note(details: ReceiptDetails) -> str:
    """Why a receive has no audit trail to show, in words."""
    if details.facts_error:
        return (
            "The audit trail is in the shared record, which could not be read: "
            f"{details.facts_error}."
        )
    if details.entry.source == "outside":
        return (
            "Made outside Intake: Intake has no record of this receive (not in this station's journal, "
            "nor in the shared record where one is set up)."
        )
    return "No journal events are recorded for this receive."


def sellable_word(value: bool | None) -> str:
    return {True: "yes", False: "NO — not sellable", None: "unknown"}[value]


def render_html(
    details: ReceiptDetails,
    *,
    verification: VerificationReport | None = None,
    printed_at: datetime | None = None,
    printed_by: str = "",
    station: str = "",
) -> str:
    """The receiving report as HTML for QTextDocument (its CSS subset: tables, bold, colours, no flexbox)."""
    tz = details.timezone
    printed_at = printed_at or datetime.now(UTC)
    row = details.entry.row
    entry = details.entry
    report = verification or details.last_report
    parts: list[str] = []
    parts.append(
        f"<h1>Receiving report — receipt {_e(row.receipt_id)}</h1>"
        f"<p>{_e(details.location.name)} (location {details.location.loc_id}). "
        f"All times are in the store's zone, {_e(zone_label(tz, printed_at))}.</p>"
    )
    header_rows = [
        ("Received", f"{format_wall(row.received_at)} store time"),
        ("Vendor", f"{row.vendor_name} (#{row.vendor_id})" if row.vendor_id else row.vendor_name),
        ("Title", clean_title(row.title)),
        ("Status", row.status),
        ("Products / units", f"{row.product_count} / {format_quantity(row.total_quantity) or '?'}"),
        (
            "Clerk @ station",
            f"{entry.clerk} @ {entry.station}" if entry.clerk else "not received through Intake",
        ),
        ("Made through", entry.made_through),
        ("Scans / submit attempts", _counts(entry)),
        ("Last verification", entry.verification),
    ]
    parts.append(
        "<table cellpadding='3'>"
        + "".join(f"<tr><td><b>{_e(k)}</b></td><td>{_e(v)}</td></tr>" for k, v in header_rows)
        + "</table>"
    )

    parts.append("<h2>Packages in the POS</h2>")
    if details.packages is None:
        parts.append(f"<p><b>Could not read the packages:</b> {_e(details.packages_error)}</p>")
    elif not details.packages:
        parts.append("<p><b>The POS lists no packages for this receipt.</b></p>")
    else:
        units = sum((pv.package.quantity for pv in details.packages), Decimal(0))
        parts.append(
            _table(
                ("Package", "SKU", "Product", "Qty", "Room", "Sellable"),
                [
                    (
                        pv.package.label or pv.package.package_id,
                        pv.package.sku,
                        pv.package.product_name,
                        format_quantity(pv.package.quantity),
                        pv.package.room_name or (pv.package.room_id or "none"),
                        sellable_word(pv.room_sellable),
                    )
                    for pv in details.packages
                ],
                right=frozenset({3}),
            )
            + f"<p>{len(details.packages)} packages, {_e(format_quantity(units))} units.</p>"
        )

    parts.append("<h2>Verification</h2>")
    if report is None:
        parts.append("<p>Not verified by Intake.</p>")
    else:
        checked = format_instant(report.checked_at, tz)
        lights = [report.by_kind(kind) for kind in LIGHT_ORDER]
        parts.append(
            f"<p>Checked {_e(checked)} (attempt {report.attempt}).</p>"
            + _table(
                ("Check", "Result", "What the POS showed"),
                [(lt.title, f"{lt.symbol} {lt.word}", lt.headline) for lt in lights],
            )
        )

    over_short = details.over_short
    if details.draft is not None:
        parts.append("<h2>Over / short</h2>")
        if over_short:
            parts.append(
                _table(
                    ("SKU", "Product", "Expected", "Counted", "", "Reason"),
                    [
                        (
                            o.sku,
                            o.name,
                            format_quantity(o.expected),
                            format_quantity(o.counted),
                            o.kind,
                            o.reason,
                        )
                        for o in over_short
                    ],
                    right=frozenset({2, 3}),
                )
            )
        else:
            parts.append(
                "<p>Every counted line matched its manifest line (or there was no manifest).</p>"
            )

    parts.append("<h2>Audit trail</h2>")
    if details.events:
        parts.append(
            _table(
                (f"When ({tz})", "Who", "Station", "What"),
                [
                    (format_instant(ev.at, tz), event_actor(ev), ev.station, describe_event(ev))
                    for ev in details.events
                ],
            )
        )
    else:
        parts.append(f"<p>{_e(audit_note(details))}</p>")

    parts.append(
        "<br><table width='100%' cellpadding='6'><tr>"
        "<td>Received by: ______________________</td><td>Checked by: ______________________</td>"
        "</tr></table>"
        f"<p style='color: #4a524e;'>Printed {_e(format_instant(printed_at, tz))}"
        + (f" by {_e(printed_by)}" if printed_by else "")
        + (f" at station {_e(station)}" if station else "")
        + " with Intake.</p>"
    )
    return "<html><body style='font-size: 10pt;'>" + "".join(parts) + "</body></html>"


def write_pdf(html_text: str, path: Path, *, title: str = "Receiving report") -> Path:
    """Print `html_text` to a Letter-size PDF at `path` (overwritten). Safe to call from a worker thread."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = QTextDocument()
    document.setHtml(html_text)
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setDocName(title)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    printer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    document.print_(printer)
    if not path.exists() or path.stat().st_size == 0:
        raise OSError(f"Qt did not write the report to {path}")
    return path


def save_report(
    details: ReceiptDetails,
    path: Path,
    *,
    verification: VerificationReport | None = None,
    printed_by: str = "",
    station: str = "",
) -> Path:
    """Render and write in one call, for a worker."""
    text = render_html(details, verification=verification, printed_by=printed_by, station=station)
    return write_pdf(text, path, title=f"Receiving report {details.entry.row.receipt_id}")


def save_report_for(
    history: HistoryService,
    location: Location,
    entry: HistoryEntry,
    path: Path,
    *,
    printed_by: str = "",
    station: str = "",
) -> Path:
    """Worker: read what the report needs, then print it (for a receipt whose drill-down is not open)."""
    details = load_details(history, location, entry)
    return save_report(details, path, printed_by=printed_by, station=station)


def report_file_name(details: ReceiptDetails) -> str:
    row = details.entry.row
    day = f"-{row.received_at:%Y%m%d}" if row.received_at else ""
    return f"receiving-report-{row.receipt_id}{day}.pdf"
