"""The session's lines as an undoable ledger: every change is a transaction that records its inverse and tells
listeners what changed.

`LineLedger` holds the lines, pending unknown codes, serials and reasons, and the primitive changes on them;
`ScanSession` (scan_session.py) builds every user action from these primitives inside one `_Tx`, so undo and the
journal's audit trail can never disagree with what the table shows. Nothing here knows about Qt.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from intake_gui.domain.models import DraftLine
from intake_gui.domain.scan_outcome import PendingCode
from intake_gui.domain.scan_rows import Row

log = logging.getLogger(__name__)

UNDO_DEPTH = 1000


class ChangeKind(StrEnum):
    LINE_ADDED = "line_added"
    LINE_CHANGED = "line_changed"
    LINE_REMOVED = "line_removed"
    EXPECTED_LOADED = "expected_loaded"
    REASON_SET = "reason_set"
    CODE_MAPPED = "code_mapped"
    CODE_UNMAPPED = "code_unmapped"
    UNKNOWN_KEPT = "unknown_kept"
    UNKNOWN_CLEARED = "unknown_cleared"
    RESET = "reset"


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    kind: ChangeKind
    line_id: str = ""
    row: Row | None = None
    """The row as it is now (None when the line is gone or the change is not about one row)."""
    line: DraftLine | None = None
    before: DraftLine | None = None
    cause: str = ""
    """"scan", "search", "edit", "map", "undo", "restore"."""
    detail: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for the journal's audit trail."""
        return {
            "kind": self.kind.value,
            "line_id": self.line_id,
            "cause": self.cause,
            "line": self.line.model_dump(mode="json") if self.line else None,
            "before": self.before.model_dump(mode="json") if self.before else None,
            "detail": _jsonable(self.detail),
        }


@dataclass(frozen=True, slots=True)
class Entry:
    line: DraftLine
    origin: tuple[int, str, str]
    """(product id, lot, tag) as first scanned: where further identical scans go."""


def _where(line: DraftLine) -> tuple[int, str, str]:
    """A line's product, lot and tag now (its origin is what they were when first scanned)."""
    return (line.product_id, line.lot, line.package_tag)


@dataclass(slots=True)
class Tx:
    label: str
    cause: str
    undo: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[ChangeKind, str, DraftLine | None, DraftLine | None, dict[str, Any]]] = (
        field(default_factory=list)
    )


Listener = Callable[[ChangeEvent], None]


class LineLedger(ABC):
    """Lines, pending unknown codes, counted serials and reasons, changed only through undoable primitives."""

    def __init__(self, on_change: Listener | None = None) -> None:
        self.on_change = on_change
        """The simple hook; `subscribe` adds more listeners (journal and table model both listen)."""
        self._listeners: list[Listener] = []
        self._entries: dict[str, Entry] = {}
        self._pending: dict[str, PendingCode] = {}
        self._serials: dict[str, str] = {}
        self._reasons: dict[str, str] = {}
        self._last_line_id = ""
        self._last_pending_key = ""
        """Set when the last scan was unknown: a quantity typed next belongs to that code, not a line."""
        self._undo: list[Tx] = []
        self._rows: tuple[Row, ...] | None = None
        self._by_origin: dict[tuple[int, str, str], str] | None = None
        """The first line per origin (`find_line` looks here first); None when it must be built again.
        Built on first use and kept while lines are only added or counted up."""
        self._seconds: dict[tuple[int, str, str], str] = {}
        """The first line per (product, lot, tag) as the line is now: where `find_line` looks next."""

    def find_line(self, origin: tuple[int, str, str]) -> str:
        """The line a scan of `origin` (product id, lot, tag) adds to: the first line first scanned as that,
        else the first whose product, lot and tag are that now (an edited line); "" for a new line.

        A scan used to look through every line, twice for a product not yet counted: ~0.6 ms at 300
        lines, a tenth of the time a scan has to reach the screen (bench/bench_scan.py)."""
        index = self._by_origin
        if index is None:
            index = self._by_origin = {}
            for line_id, entry in self._entries.items():
                index.setdefault(entry.origin, line_id)
            seconds: dict[tuple[int, str, str], str] = {}
            for line_id, entry in self._entries.items():
                seconds.setdefault(_where(entry.line), line_id)
            self._seconds = seconds
        found = index.get(origin)
        return found if found is not None else self._seconds.get(origin, "")

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns the function that removes it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    @abstractmethod
    def row(self, key: str) -> Row | None:
        """The row a line is shown in now (the session builds rows; a change event carries its row)."""

    @abstractmethod
    def _revert_other(self, tx: Tx, op: tuple[Any, ...]) -> None:
        """Undo an operation the ledger does not own (code mappings, the manifest, the room)."""

    def _set_last(self, tx: Tx, line_id: str, pending_key: str) -> None:
        tx.undo.append(("last", self._last_line_id, self._last_pending_key))
        self._last_line_id, self._last_pending_key = line_id, pending_key

    # -- primitive changes (each records its inverse and its event) -------------------------

    def _set_entry(self, tx: Tx, line_id: str, entry: Entry | None) -> None:
        before = self._entries.get(line_id)
        position = list(self._entries).index(line_id) if before is not None else None
        tx.undo.append(("entry", line_id, before, position))
        self._put_entry(tx, line_id, entry, position)

    def _put_entry(self, tx: Tx, line_id: str, entry: Entry | None, position: int | None) -> None:
        before = self._entries.get(line_id)
        if entry is None:
            self._entries.pop(line_id, None)
            tx.events.append(
                (ChangeKind.LINE_REMOVED, line_id, None, before.line if before else None, {})
            )
        elif before is not None:
            self._entries[line_id] = entry
            tx.events.append(
                (
                    ChangeKind.LINE_CHANGED,
                    line_id,
                    entry.line,
                    before.line,
                    _diff(before.line, entry.line),
                )
            )
        else:
            if position is None or position >= len(self._entries):
                self._entries[line_id] = entry
            else:
                items = list(self._entries.items())
                items.insert(position, (line_id, entry))
                self._entries = dict(items)
            tx.events.append((ChangeKind.LINE_ADDED, line_id, entry.line, None, {}))
        self._rows = None
        self._index_after(line_id, before, entry, appended=position is None)

    def _index_after(
        self, line_id: str, before: Entry | None, entry: Entry | None, *, appended: bool
    ) -> None:
        """Keep `find_line`'s index when a line was appended or changed where scans do not look (its
        quantity, cost, expiry); otherwise drop it, to be built again on the next scan."""
        index = self._by_origin
        if index is None:
            return
        if before is None and entry is not None and appended:
            index.setdefault(entry.origin, line_id)
            self._seconds.setdefault(_where(entry.line), line_id)
        elif (
            before is None
            or entry is None
            or before.origin != entry.origin
            or _where(before.line) != _where(entry.line)
        ):
            self._by_origin = None

    def _set_pending(self, tx: Tx, key: str, pending: PendingCode | None) -> None:
        tx.undo.append(("pending", key, self._pending.get(key)))
        self._put_pending(tx, key, pending)

    def _put_pending(self, tx: Tx, key: str, pending: PendingCode | None) -> None:
        if pending is None:
            gone = self._pending.pop(key, None)
            if gone is not None:
                tx.events.append(
                    (ChangeKind.UNKNOWN_CLEARED, "", None, None, {"code": gone.code.as_dict()})
                )
        else:
            self._pending[key] = pending
            tx.events.append(
                (
                    ChangeKind.UNKNOWN_KEPT,
                    "",
                    None,
                    None,
                    {"code": pending.code.as_dict(), "quantity": pending.quantity},
                )
            )

    def _set_reason(self, tx: Tx, key: str, text: str) -> None:
        tx.undo.append(("reason", key, self._reasons.get(key)))
        self._put_reason(tx, key, text)

    def _put_reason(self, tx: Tx, key: str, text: str | None) -> None:
        if text:
            self._reasons[key] = text
        else:
            self._reasons.pop(key, None)
        line_id = key if key in self._entries else ""
        tx.events.append(
            (ChangeKind.REASON_SET, line_id, None, None, {"key": key, "reason": text or ""})
        )
        self._rows = None

    def _revert(self, tx: Tx, op: tuple[Any, ...]) -> None:
        kind = op[0]
        if kind == "entry":
            _, line_id, before, position = op
            self._put_entry(tx, line_id, before, position)
        elif kind == "pending":
            self._put_pending(tx, op[1], op[2])
        elif kind == "reason":
            self._put_reason(tx, op[1], op[2])
        elif kind == "serial":
            if op[2] is None:
                self._serials.pop(op[1], None)
            else:
                self._serials[op[1]] = op[2]
        elif kind == "last":
            self._last_line_id, self._last_pending_key = op[1], op[2]
        else:
            self._revert_other(tx, op)

    def _commit(self, tx: Tx) -> None:
        if tx.undo:
            self._undo.append(tx)
            if len(self._undo) > UNDO_DEPTH:
                del self._undo[0]
        self._emit(tx)

    def _emit(self, tx: Tx) -> None:
        self._rows = None
        listeners = [*([self.on_change] if self.on_change else []), *self._listeners]
        if not listeners:
            return
        for kind, line_id, line, before, detail in tx.events:
            event = ChangeEvent(
                kind=kind,
                line_id=line_id,
                row=self.row(line_id) if line_id and kind is not ChangeKind.LINE_REMOVED else None,
                line=line,
                before=before,
                cause=tx.cause,
                detail=detail,
            )
            for listener in listeners:
                try:
                    listener(event)
                except Exception:
                    # A failing listener must not undo a counted scan or stop the others from hearing it.
                    log.exception("change listener failed on %s", kind.value)


def _diff(before: DraftLine, after: DraftLine) -> dict[str, Any]:
    changed: dict[str, Any] = {}
    for name in (
        "quantity",
        "unit_cost",
        "package_tag",
        "lot",
        "expiration",
        "room_id",
        "variance_reason",
    ):
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            changed[name] = {"before": old, "after": new}
    return changed


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
