"""A journal event as a row of the shared record: the event itself plus the columns queries filter on.

Text from a clerk or a scanner can hold what PostgreSQL cannot store (a NUL character, half a surrogate pair from a
broken byte sequence); it is replaced here by U+FFFD rather than allowed to make an event undeliverable. The
journal keeps the original.
"""

from __future__ import annotations

import re
from typing import Any

from intake_gui.domain.delivery import delivery_key
from intake_gui.store import journal_payload
from intake_gui.store.journal import OutboxEvent

_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(value: Any) -> Any:
    """Strings PostgreSQL can store, at any depth of a JSON value."""
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "\ufffd")
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {clean(str(k)): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def event_row(event: OutboxEvent, journal_id: str) -> dict[str, Any]:
    snapshot = event.snapshot or {}
    draft = snapshot.get("draft") if isinstance(snapshot.get("draft"), dict) else None
    report = snapshot.get("report") if isinstance(snapshot.get("report"), dict) else None
    row: dict[str, Any] = {
        "event_id": event.uid,
        "journal_id": journal_id,
        "journal_seq": event.local_id,
        "tenant": clean(event.tenant),
        "station": clean(event.station),
        "actor": clean(event.actor),
        "draft_id": clean(event.draft_id),
        "kind": clean(event.kind),
        "at": event.at,
        "location_id": event.location_id,
        "receipt_id": _int(event.data.get("receipt_id")),
        "vendor_id": None,
        "delivery_ref": None,
        "lines_fp": None,
        "package_tags": None,
        "data": clean(event.data),
        "draft": clean(draft) if draft is not None else None,
        "report": clean(report) if report is not None else None,
    }
    if draft is not None and event.kind == "submitting":
        try:
            parsed, _problem = journal_payload.decode_dict(draft)
        except ValueError:
            parsed = None
        if parsed is not None:
            key = delivery_key(parsed)
            row["vendor_id"] = key.vendor_id
            row["delivery_ref"] = clean(key.reference) or None
            row["lines_fp"] = key.lines or None
            row["package_tags"] = sorted(clean(t) for t in key.packages) or None
    return row


def placeholder_row(event: OutboxEvent, journal_id: str, reason: str) -> dict[str, Any]:
    """What is delivered instead of an event the database refuses: its place in the order, and why."""
    return {
        "event_id": event.uid,
        "journal_id": journal_id,
        "journal_seq": event.local_id,
        "tenant": clean(event.tenant),
        "station": clean(event.station),
        "actor": clean(event.actor),
        "draft_id": clean(event.draft_id),
        "kind": "undeliverable",
        "at": event.at,
        "location_id": event.location_id,
        "receipt_id": None,
        "vendor_id": None,
        "delivery_ref": None,
        "lines_fp": None,
        "package_tags": None,
        "data": {"kind": clean(event.kind), "reason": clean(reason)[:300]},
        "draft": None,
        "report": None,
    }
