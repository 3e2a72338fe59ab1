"""The draft's lines and everything a scan, a search pick or an edit does to them, with undo and an audit trail.

The session is the single owner of the lines while a clerk is on the Products page. Every change goes through
one transaction path that (1) records how to undo it, (2) tells listeners what changed as a `ChangeEvent` (the
journal autosaves each one, the table model repaints only the affected rows). Nothing here knows about Qt.

Rules a clerk relies on:

* Never drop, misroute or double a scan. A second read of the *same raw string* within `blanking_ms` of the
  last *counted* read is a scanner double read and is reported, not counted (the window does not slide, so a
  clerk scanning a stack of identical items at a steady pace keeps every read). A GS1 serial number counted
  once is a physical unit; reading it again is reported, not counted.
* An unknown code is kept (with its quantity, including repeats) until the clerk maps it to a product, picks
  one, or dismisses it. Nothing is silently thrown away.
* Lines merge by (product, lot, package tag) as *scanned*: scanning the plain UPC ten times and then typing a
  lot on that line keeps further plain scans on the same line. A different scanned lot is a separate line.
* With a manifest loaded, expectation and count are compared per product (all lots and tags of a product
  together); rows() shows the product's expected, total and difference on its first line.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from intake_gui.domain.barcode import DEFAULT_GS_SUBSTITUTES, CodeKind, ScanCode, interpret
from intake_gui.domain.catalog_index import CatalogIndex
from intake_gui.domain.manifest import Manifest, ManifestLine
from intake_gui.domain.models import DraftLine, Product, parse_cost, parse_quantity

log = logging.getLogger(__name__)

ZERO = Decimal("0")
UNDO_DEPTH = 1000
TEXT_FIELD_MAX = 64
REASON_MAX = 200

_MULT_ALONE = re.compile(r"(\d{1,6}(?:\.\d{1,3})?)\s*\*|\*\s*(\d{1,6}(?:\.\d{1,3})?)")
_MULT_THEN_CODE = re.compile(r"(\d{1,6}(?:\.\d{1,3})?)\*(\S.*)", re.DOTALL)
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y%m%d", "%d.%m.%Y")


class OutcomeKind(StrEnum):
    ADDED = "added"
    INCREMENTED = "incremented"
    DOUBLE_READ = "double_read"
    DUPLICATE_SERIAL = "duplicate_serial"
    UNKNOWN = "unknown"
    AMBIGUOUS = "ambiguous"
    INVALID = "invalid"
    MULTIPLIER = "multiplier"
    MAPPED = "mapped"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    """What one scan (or search pick) did, for the status line, the sound and the audit trail."""

    kind: OutcomeKind
    raw: str = ""
    code: ScanCode | None = None
    line_id: str = ""
    product: Product | None = None
    quantity: Decimal = ZERO
    """How much this action added (0 when nothing was counted)."""
    candidates: tuple[Product, ...] = ()
    message: str = ""

    @property
    def counted(self) -> bool:
        return (
            self.kind in (OutcomeKind.ADDED, OutcomeKind.INCREMENTED, OutcomeKind.MAPPED)
            and self.quantity > 0
        )

    @property
    def good(self) -> bool:
        """Play the good beep: something was counted or a multiplier armed."""
        return self.counted or self.kind in (OutcomeKind.MULTIPLIER, OutcomeKind.MAPPED)

    @property
    def needs_attention(self) -> bool:
        """Play the bad buzz: the clerk has to look at the screen."""
        return self.kind in (
            OutcomeKind.UNKNOWN,
            OutcomeKind.AMBIGUOUS,
            OutcomeKind.INVALID,
            OutcomeKind.REJECTED,
            OutcomeKind.DUPLICATE_SERIAL,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "code": self.code.as_dict() if self.code else None,
            "line_id": self.line_id,
            "product_id": self.product.product_id if self.product else None,
            "quantity": str(self.quantity),
            "candidates": [p.product_id for p in self.candidates],
            "message": self.message,
        }


class RowStatus(StrEnum):
    COUNTED = "counted"
    """No manifest loaded: nothing to compare with."""
    OK = "ok"
    OVER = "over"
    SHORT = "short"
    UNEXPECTED = "unexpected"


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the merged expected/scanned view."""

    key: str
    """The line id for a line row; the group key ("p:<product id>" or "m:<code>") for an expected-only row."""
    line: DraftLine | None
    product_id: int | None
    sku: str
    name: str
    expected: Decimal | None
    """The group's expected quantity, on the group's first row only."""
    scanned: Decimal
    """This row's own quantity (0 for an expected-only row)."""
    group_scanned: Decimal
    difference: Decimal | None
    """Group total minus expected, on the group's first row only."""
    status: RowStatus
    reason: str
    group: str = ""
    head: bool = True

    @property
    def line_id(self) -> str:
        return self.line.line_id if self.line is not None else ""

    @property
    def is_variance(self) -> bool:
        return self.head and self.status in (RowStatus.OVER, RowStatus.SHORT, RowStatus.UNEXPECTED)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "line_id": self.line_id,
            "product_id": self.product_id,
            "sku": self.sku,
            "name": self.name,
            "expected": None if self.expected is None else str(self.expected),
            "scanned": str(self.scanned),
            "difference": None if self.difference is None else str(self.difference),
            "status": self.status.value,
            "reason": self.reason,
        }


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
class PendingCode:
    """An unknown (or ambiguous) code waiting for the clerk, with every read of it so far."""

    code: ScanCode
    quantity: Decimal
    candidates: tuple[Product, ...] = ()


@dataclass(frozen=True, slots=True)
class Totals:
    lines: int
    units: Decimal
    cost: Decimal
    expected_units: Decimal | None
    pending_unknown: int


@dataclass(frozen=True, slots=True)
class _Entry:
    line: DraftLine
    origin: tuple[int, str, str]
    """(product id, lot, tag) as first scanned: where further identical scans go."""


@dataclass(slots=True)
class _Group:
    key: str
    product: Product | None
    name: str
    sku: str
    expected: Decimal
    manifest_lines: list[ManifestLine]


@dataclass(slots=True)
class _Tx:
    label: str
    cause: str
    undo: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[ChangeKind, str, DraftLine | None, DraftLine | None, dict[str, Any]]] = (
        field(default_factory=list)
    )


Listener = Callable[[ChangeEvent], None]


class ScanSession:
    def __init__(
        self,
        index: CatalogIndex,
        room_id: int,
        *,
        blanking_ms: int = 700,
        clock: Callable[[], float] = time.monotonic,
        gs_substitutes: Sequence[str] = DEFAULT_GS_SUBSTITUTES,
        on_change: Listener | None = None,
    ) -> None:
        self.index = index
        self.room_id = room_id
        self.blanking_ms = blanking_ms
        self.gs_substitutes = tuple(gs_substitutes)
        self.on_change = on_change
        """The simple hook; `subscribe` adds more listeners (journal and table model both listen)."""
        self._clock = clock
        self._listeners: list[Listener] = []
        self._entries: dict[str, _Entry] = {}
        self._pending: dict[str, PendingCode] = {}
        self._serials: dict[str, str] = {}
        self._reasons: dict[str, str] = {}
        self._manifest: Manifest | None = None
        self._groups: dict[str, _Group] = {}
        self._line_group: dict[int, str] = {}
        self._armed: Decimal | None = None
        self._last_line_id = ""
        self._last_pending_key = ""
        """Set when the last scan was unknown: a quantity typed next belongs to that code, not a line."""
        self._last_raw = ""
        self._last_raw_at = float("-inf")
        self._undo: list[_Tx] = []
        self._rows: tuple[Row, ...] | None = None
        self._row_at: dict[str, int] = {}

    # -- listeners -------------------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns the function that removes it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    # -- reading ---------------------------------------------------------------------------------------

    @property
    def lines(self) -> tuple[DraftLine, ...]:
        return tuple(e.line for e in self._entries.values())

    def line(self, line_id: str) -> DraftLine | None:
        entry = self._entries.get(line_id)
        return entry.line if entry else None

    @property
    def manifest(self) -> Manifest | None:
        return self._manifest

    @property
    def armed_quantity(self) -> Decimal | None:
        """The multiplier waiting for the next scan, if any."""
        return self._armed

    @property
    def last_line_id(self) -> str:
        return self._last_line_id

    @property
    def pending_unknown(self) -> tuple[PendingCode, ...]:
        return tuple(self._pending.values())

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def undo_label(self) -> str:
        return self._undo[-1].label if self._undo else ""

    def totals(self) -> Totals:
        units = sum((e.line.quantity for e in self._entries.values()), ZERO)
        cost = sum((e.line.line_total for e in self._entries.values()), ZERO)
        expected = None
        if self._manifest is not None:
            expected = sum((g.expected for g in self._groups.values()), ZERO)
        return Totals(
            lines=len(self._entries),
            units=units,
            cost=cost,
            expected_units=expected,
            pending_unknown=len(self._pending),
        )

    def rows(self) -> tuple[Row, ...]:
        """Expected and scanned merged: manifest order first (each product's lines, or an expected-only row),
        then lines nobody expected. Without a manifest: the lines in the order they were first scanned."""
        if self._rows is None:
            self._rows = self._build_rows()
            self._row_at = {row.key: i for i, row in enumerate(self._rows)}
        return self._rows

    def row_index(self, key: str) -> int:
        """Position of a row (line id or group key) in `rows()`, -1 if absent."""
        self.rows()
        return self._row_at.get(key, -1)

    def row(self, key: str) -> Row | None:
        i = self.row_index(key)
        return self._rows[i] if i >= 0 and self._rows is not None else None

    def variances(self) -> list[Row]:
        """Every over/short/unexpected product (head rows only), for review and the audit trail."""
        if self._manifest is None:
            return []
        return [row for row in self.rows() if row.is_variance]

    def variances_missing_reason(self) -> list[Row]:
        return [row for row in self.variances() if not row.reason.strip()]

    def draft_lines(self) -> tuple[DraftLine, ...]:
        """The lines as they go into a ReceiveDraft: room set, and `expected` / `variance_reason` filled.

        `expected` goes on a line only when its product has exactly that one line; for a product split over
        lots the comparison is the group's, which the session (not DraftLine) checks, and every line of the
        group carries the group's reason.
        """
        if self._manifest is None:
            return self.lines
        per_product: dict[int, int] = {}
        for entry in self._entries.values():
            per_product[entry.line.product_id] = per_product.get(entry.line.product_id, 0) + 1
        out: list[DraftLine] = []
        for entry in self._entries.values():
            ln = entry.line
            group_key = self._line_group.get(ln.product_id)
            if group_key is None:
                update: dict[str, Any] = {
                    "expected": None,
                    "variance_reason": self._reasons.get(ln.line_id, ""),
                }
            else:
                update = {
                    "expected": self._groups[group_key].expected
                    if per_product[ln.product_id] == 1
                    else None,
                    "variance_reason": self._reasons.get(group_key, ""),
                }
            out.append(ln.model_copy(update=update))
        return tuple(out)

    # -- scanning --------------------------------------------------------------------------------------

    def scan(self, raw: str) -> ScanOutcome:
        """One complete read from the scanner (or a code typed into the scan box and confirmed)."""
        text = raw.strip() if isinstance(raw, str) else ""
        now = self._clock()
        if text and text == self._last_raw and (now - self._last_raw_at) * 1000 < self.blanking_ms:
            return ScanOutcome(
                OutcomeKind.DOUBLE_READ,
                raw=text,
                message="Same code read twice in a row; counted once.",
            )
        self._last_raw, self._last_raw_at = text, now

        alone = _MULT_ALONE.fullmatch(text)
        if alone:
            error = self.set_quantity_next(alone.group(1) or alone.group(2))
            if error:
                return ScanOutcome(OutcomeKind.REJECTED, raw=text, message=error)
            return ScanOutcome(
                OutcomeKind.MULTIPLIER,
                raw=text,
                quantity=self._armed or ZERO,
                message=f"Next scan counts ×{self._armed}.",
            )
        explicit: Decimal | None = None
        joined = _MULT_THEN_CODE.fullmatch(text)
        if joined:
            try:
                explicit = parse_quantity(joined.group(1))
            except ValueError as exc:
                return ScanOutcome(OutcomeKind.REJECTED, raw=text, message=str(exc))
            text = joined.group(2)

        code = interpret(text, gs_substitutes=self.gs_substitutes)
        match = self.index.resolve(code)
        shipment_label = (
            code.kind is CodeKind.GS1 and not code.gtin
        )  # an SSCC: a pallet, not a product
        if not match.products and (not code.valid or shipment_label):
            # A misread keeps the multiplier armed: the clerk rescans the same item. A quantity typed now
            # must not land on the previous product's line.
            self._last_raw = ""
            self._last_line_id = self._last_pending_key = ""
            return ScanOutcome(OutcomeKind.INVALID, raw=text, code=code, message=code.message)
        qty = explicit if explicit is not None else (self._armed or Decimal(1))
        self._armed = None
        if match.ambiguous or match.product is None:
            return self._keep_pending(code, qty, match.products)
        return self._count(match.product, code, qty, cause="scan", raw=text)

    def set_quantity_next(self, value: object) -> str | None:
        """Arm a multiplier for the next scan ("3*" scanned or typed before the code). Error text or None."""
        try:
            self._armed = parse_quantity(value)
        except ValueError as exc:
            return str(exc)
        return None

    def clear_quantity_next(self) -> None:
        self._armed = None

    def set_last_quantity(self, value: object) -> str | None:
        """The "quantity key afterwards" flow: set the quantity of whatever the last scan counted.

        After an unknown code that is the code's pending quantity, never the previous product's line.
        """
        try:
            qty = parse_quantity(value)
        except ValueError as exc:
            return str(exc)
        pending = self._pending.get(self._last_pending_key)
        if pending is not None:
            tx = _Tx(label=f"quantity of {pending.code.display}", cause="edit")
            self._set_pending(
                tx, self._last_pending_key, PendingCode(pending.code, qty, pending.candidates)
            )
            self._commit(tx)
            return None
        if not self._last_line_id or self._last_line_id not in self._entries:
            return "Scan a product first, then type its quantity."
        return self.set_quantity(self._last_line_id, qty)

    def add_product(
        self, product: Product, qty: object = 1, *, code: ScanCode | None = None
    ) -> ScanOutcome:
        """Count a product picked from search (or chosen for an ambiguous code)."""
        try:
            quantity = parse_quantity(qty)
        except ValueError as exc:
            return ScanOutcome(OutcomeKind.REJECTED, product=product, message=str(exc))
        return self._count(product, code, quantity, cause="search")

    def map_code(self, code: ScanCode, product: Product, *, remember: bool = True) -> ScanOutcome:
        """Resolve a pending unknown/ambiguous code to `product`: count its reads and (if `remember`) save
        the mapping in the index so the next scan of it just works."""
        if not code.valid or not code.key:
            return ScanOutcome(
                OutcomeKind.REJECTED, code=code, message="A misread code cannot be mapped."
            )
        pending = self._pending.get(code.key)
        tx = _Tx(label=f"map {code.display} to {product.name}", cause="map")
        line_id = ""
        quantity = pending.quantity if pending else ZERO
        message = (
            f"{code.display} is now {product.name}." if remember else f"+{quantity} {product.name}"
        )
        if pending is not None:
            # Counting first: it is the only step that can refuse, and it changes nothing when it does.
            error, line_id, _added = self._apply_count(tx, product, pending.code, quantity)
            if error:
                return ScanOutcome(OutcomeKind.REJECTED, code=code, product=product, message=error)
            self._set_pending(tx, code.key, None)
        if remember:
            before = self.index.codes.get(code.key)
            self.index.add_code(code, product.product_id)
            tx.undo.append(("code", code.key, before))
            tx.events.append(
                (ChangeKind.CODE_MAPPED, "", None, None, _code_detail(code, product.product_id))
            )
            if self._manifest is not None:
                self._rebuild_groups()
        self._commit(tx)
        return ScanOutcome(
            OutcomeKind.MAPPED,
            code=code,
            line_id=line_id,
            product=product,
            quantity=quantity,
            message=message,
        )

    def dismiss_unknown(self, key: str) -> bool:
        """Drop a pending unknown code (a shipping label scanned by mistake). Undoable."""
        if key not in self._pending:
            return False
        tx = _Tx(label=f"dismiss {self._pending[key].code.display}", cause="edit")
        self._set_pending(tx, key, None)
        self._commit(tx)
        return True

    # -- edits -----------------------------------------------------------------------------------------

    def set_quantity(self, line_id: str, value: object) -> str | None:
        try:
            qty = parse_quantity(value)
        except ValueError as exc:
            return str(exc)
        return self._edit(line_id, "quantity", qty)

    def set_cost(self, line_id: str, value: object) -> str | None:
        """A blank value clears the cost (the line is then sent without one)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return self._edit(line_id, "unit_cost", None)
        try:
            cost = parse_cost(value)
        except ValueError as exc:
            return str(exc)
        return self._edit(line_id, "unit_cost", cost)

    def set_field(self, line_id: str, name: str, value: object) -> str | None:
        """Edit package_tag, lot or expiration. Returns the reason a value was refused, or None."""
        if name == "package_tag":
            text, error = _clean_text(value, "Package tag")
            return error or self._edit(line_id, "package_tag", text.upper())
        if name == "lot":
            text, error = _clean_text(value, "Lot")
            return error or self._edit(line_id, "lot", text)
        if name == "expiration":
            when, error = _parse_date(value)
            return error or self._edit(line_id, "expiration", when)
        return f"“{name}” cannot be edited here."

    def remove(self, line_id: str) -> str | None:
        entry = self._entries.get(line_id)
        if entry is None:
            return "That line is no longer in the receive."
        tx = _Tx(label=f"remove {entry.line.name}", cause="edit")
        self._set_entry(tx, line_id, None)
        self._commit(tx)
        return None

    def set_reason(self, key: str, reason: str) -> str | None:
        """Why a product is over/short/unexpected. `key` is a row key (a line id or an expected row's key)."""
        text = " ".join(str(reason).split())
        if len(text) > REASON_MAX:
            return f"Keep the reason under {REASON_MAX} characters."
        target = key
        entry = self._entries.get(key)
        if entry is not None:
            target = self._line_group.get(entry.line.product_id, key)
        elif key not in self._groups:
            return "That row is no longer in the receive."
        before = self._reasons.get(target, "")
        if before == text:
            return None
        tx = _Tx(label="reason", cause="edit")
        self._set_reason(tx, target, text)
        self._commit(tx)
        return None

    def set_room(self, room_id: int) -> None:
        """The clerk went back and chose another room: every line follows (one undoable change)."""
        if room_id == self.room_id:
            return
        tx = _Tx(label="change room", cause="edit")
        tx.undo.append(("room", self.room_id))
        self.room_id = room_id
        for line_id, entry in list(self._entries.items()):
            self._set_entry(
                tx,
                line_id,
                _Entry(entry.line.model_copy(update={"room_id": room_id}), entry.origin),
            )
        self._commit(tx)

    def load_expected(self, manifest: Manifest | None) -> None:
        """Compare against this manifest from now on (None: stop comparing). Undoable."""
        tx = _Tx(label="load manifest" if manifest else "clear manifest", cause="edit")
        tx.undo.append(("manifest", self._manifest))
        self._manifest = manifest
        self._rebuild_groups()
        detail = {
            "source": manifest.source if manifest else "",
            "transfer_id": manifest.transfer_id if manifest else "",
            "lines": len(manifest.lines) if manifest else 0,
        }
        tx.events.append((ChangeKind.EXPECTED_LOADED, "", None, None, detail))
        self._commit(tx)

    def undo(self) -> str | None:
        """Undo the last change of any kind; returns what was undone, or None when there is nothing."""
        if not self._undo:
            return None
        tx = self._undo.pop()
        replay = _Tx(label=tx.label, cause="undo")
        for op in reversed(tx.undo):
            self._revert(replay, op)
        self._emit(replay)
        return f"Undid: {tx.label}"

    # -- persistence -----------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Everything needed to rebuild this session after a crash (JSON-ready)."""
        return {
            "room_id": self.room_id,
            "lines": [
                {"line": e.line.model_dump(mode="json"), "origin": list(e.origin)}
                for e in self._entries.values()
            ],
            "reasons": dict(self._reasons),
            "manifest": self._manifest.model_dump(mode="json") if self._manifest else None,
            "pending": [
                {"raw": p.code.raw, "quantity": str(p.quantity)} for p in self._pending.values()
            ],
            "serials": dict(self._serials),
        }

    def restore(self, snapshot: Mapping[str, Any]) -> None:
        """Replace the state with a snapshot (from `snapshot()`); clears undo history."""
        self.room_id = int(snapshot.get("room_id", self.room_id))
        entries: dict[str, _Entry] = {}
        for item in snapshot.get("lines", ()):
            line = DraftLine.model_validate(item["line"])
            origin = item.get("origin") or (line.product_id, line.lot, line.package_tag)
            entries[line.line_id] = _Entry(line, (int(origin[0]), str(origin[1]), str(origin[2])))
        self._entries = entries
        self._reasons = {str(k): str(v) for k, v in dict(snapshot.get("reasons", {})).items()}
        manifest = snapshot.get("manifest")
        self._manifest = Manifest.model_validate(manifest) if manifest else None
        self._pending = {}
        for item in snapshot.get("pending", ()):
            code = interpret(item["raw"], gs_substitutes=self.gs_substitutes)
            self._pending[code.key] = PendingCode(code, parse_quantity(item["quantity"]))
        self._serials = {str(k): str(v) for k, v in dict(snapshot.get("serials", {})).items()}
        self._undo.clear()
        self._armed = None
        self._last_line_id = next(reversed(self._entries), "") if self._entries else ""
        self._rebuild_groups()
        self._emit(
            _Tx(label="restore", cause="restore", events=[(ChangeKind.RESET, "", None, None, {})])
        )

    # -- internals: counting ---------------------------------------------------------------------------

    def _keep_pending(
        self, code: ScanCode, qty: Decimal, candidates: tuple[Product, ...]
    ) -> ScanOutcome:
        key = code.key
        before = self._pending.get(key)
        total = (before.quantity if before else ZERO) + qty
        tx = _Tx(label=f"unknown {code.display}", cause="scan")
        self._set_pending(tx, key, PendingCode(code, total, candidates))
        self._set_last(tx, "", key)
        self._commit(tx)
        if candidates:
            names = ", ".join(p.name for p in candidates[:3])
            return ScanOutcome(
                OutcomeKind.AMBIGUOUS,
                raw=code.raw,
                code=code,
                quantity=ZERO,
                candidates=candidates,
                message=f"{code.display} matches {len(candidates)} products ({names}); pick one.",
            )
        return ScanOutcome(
            OutcomeKind.UNKNOWN,
            raw=code.raw,
            code=code,
            message=code.message
            or f"{code.display} is not in the catalog. Find the product to link this code.",
        )

    def _count(
        self, product: Product, code: ScanCode | None, qty: Decimal, *, cause: str, raw: str = ""
    ) -> ScanOutcome:
        if code is not None and code.serial and code.gtin:
            serial_key = f"{code.gtin}/{code.serial}"
            if serial_key in self._serials:
                self._last_raw = ""
                return ScanOutcome(
                    OutcomeKind.DUPLICATE_SERIAL,
                    raw=raw,
                    code=code,
                    line_id=self._serials[serial_key],
                    product=product,
                    message=f"Serial {code.serial} of {product.name} was already counted.",
                )
        tx = _Tx(label=f"+{qty} {product.name}", cause=cause)
        error, line_id, added = self._apply_count(tx, product, code, qty)
        if error:
            self._last_raw = ""
            return ScanOutcome(
                OutcomeKind.REJECTED, raw=raw, code=code, product=product, message=error
            )
        self._commit(tx)
        return ScanOutcome(
            OutcomeKind.ADDED if added else OutcomeKind.INCREMENTED,
            raw=raw,
            code=code,
            line_id=line_id,
            product=product,
            quantity=qty,
            message=f"+{qty} {product.name}",
        )

    def _apply_count(
        self, tx: _Tx, product: Product, code: ScanCode | None, qty: Decimal
    ) -> tuple[str, str, bool]:
        """Add `qty` of `product` into `tx`: (error, line id, whether a new line was made)."""
        lot = code.lot if code else ""
        tag = code.package_tag if code else ""
        expiry = code.expiry if code else None
        origin = (product.product_id, lot, tag)
        line_id = self._find_line(origin)
        if line_id:
            entry = self._entries[line_id]
            try:
                new_qty = parse_quantity(entry.line.quantity + qty)
            except ValueError as exc:
                return f"{product.name}: {exc}", line_id, False
            update: dict[str, Any] = {"quantity": new_qty}
            if expiry is not None and entry.line.expiration is None:
                update["expiration"] = expiry
            self._set_entry(tx, line_id, _Entry(entry.line.model_copy(update=update), entry.origin))
            added = False
        else:
            try:
                line = DraftLine(
                    product_id=product.product_id,
                    sku=product.sku,
                    name=product.name,
                    quantity=qty,
                    unit_cost=product.unit_cost,  # None stays None: never a cost nobody gave
                    unit_id=product.unit_id,
                    room_id=self.room_id,
                    package_tag=tag,
                    lot=lot,
                    expiration=expiry,
                )
            except ValueError as exc:
                return f"{product.name}: {exc}", "", False
            line_id = line.line_id
            self._set_entry(tx, line_id, _Entry(line, origin))
            added = True
        if code is not None and code.serial and code.gtin:
            serial_key = f"{code.gtin}/{code.serial}"
            tx.undo.append(("serial", serial_key, self._serials.get(serial_key)))
            self._serials[serial_key] = line_id
        self._set_last(tx, line_id, "")
        return "", line_id, added

    def _set_last(self, tx: _Tx, line_id: str, pending_key: str) -> None:
        tx.undo.append(("last", self._last_line_id, self._last_pending_key))
        self._last_line_id, self._last_pending_key = line_id, pending_key

    def _find_line(self, origin: tuple[int, str, str]) -> str:
        for line_id, entry in self._entries.items():
            if entry.origin == origin:
                return line_id
        for line_id, entry in self._entries.items():
            ln = entry.line
            if (ln.product_id, ln.lot, ln.package_tag) == origin:
                return line_id
        return ""

    def _edit(self, line_id: str, name: str, value: Any) -> str | None:
        entry = self._entries.get(line_id)
        if entry is None:
            return "That line is no longer in the receive."
        if getattr(entry.line, name) == value:
            return None
        tx = _Tx(label=f"{name.replace('_', ' ')} of {entry.line.name}", cause="edit")
        self._set_entry(
            tx, line_id, _Entry(entry.line.model_copy(update={name: value}), entry.origin)
        )
        self._commit(tx)
        return None

    # -- internals: primitive changes (each records its inverse and its event) -------------------------

    def _set_entry(self, tx: _Tx, line_id: str, entry: _Entry | None) -> None:
        before = self._entries.get(line_id)
        position = list(self._entries).index(line_id) if before is not None else None
        tx.undo.append(("entry", line_id, before, position))
        self._put_entry(tx, line_id, entry, position)

    def _put_entry(self, tx: _Tx, line_id: str, entry: _Entry | None, position: int | None) -> None:
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

    def _set_pending(self, tx: _Tx, key: str, pending: PendingCode | None) -> None:
        tx.undo.append(("pending", key, self._pending.get(key)))
        self._put_pending(tx, key, pending)

    def _put_pending(self, tx: _Tx, key: str, pending: PendingCode | None) -> None:
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

    def _set_reason(self, tx: _Tx, key: str, text: str) -> None:
        tx.undo.append(("reason", key, self._reasons.get(key)))
        self._put_reason(tx, key, text)

    def _put_reason(self, tx: _Tx, key: str, text: str | None) -> None:
        if text:
            self._reasons[key] = text
        else:
            self._reasons.pop(key, None)
        line_id = key if key in self._entries else ""
        tx.events.append(
            (ChangeKind.REASON_SET, line_id, None, None, {"key": key, "reason": text or ""})
        )
        self._rows = None

    def _revert(self, tx: _Tx, op: tuple[Any, ...]) -> None:
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
        elif kind == "code":
            _, key, before = op
            if before is None:
                self.index.remove_code(key)
                tx.events.append((ChangeKind.CODE_UNMAPPED, "", None, None, {"code": key}))
            else:
                self.index.add_code(key, before)
                tx.events.append(
                    (ChangeKind.CODE_MAPPED, "", None, None, {"code": key, "product_id": before})
                )
            if self._manifest is not None:
                self._rebuild_groups()
        elif kind == "manifest":
            self._manifest = op[1]
            self._rebuild_groups()
            tx.events.append((ChangeKind.EXPECTED_LOADED, "", None, None, {"undo": True}))
        elif kind == "room":
            self.room_id = op[1]

    def _commit(self, tx: _Tx) -> None:
        if tx.undo:
            self._undo.append(tx)
            if len(self._undo) > UNDO_DEPTH:
                del self._undo[0]
        self._emit(tx)

    def _emit(self, tx: _Tx) -> None:
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

    # -- internals: expected vs scanned ----------------------------------------------------------------

    def _rebuild_groups(self) -> None:
        self._groups = {}
        self._line_group = {}
        self._rows = None
        if self._manifest is None:
            return
        for ml in self._manifest.lines:
            product = self._resolve_manifest_line(ml)
            if product is not None:
                key = f"p:{product.product_id}"
            else:
                key = f"m:{ml.gtin or ml.sku or ml.package_tag}"
            group = self._groups.get(key)
            if group is None:
                group = _Group(
                    key=key,
                    product=product,
                    name=product.name if product else ml.name or ml.label,
                    sku=product.sku if product else ml.sku or ml.gtin or ml.package_tag,
                    expected=ZERO,
                    manifest_lines=[],
                )
                self._groups[key] = group
                if product is not None:
                    self._line_group[product.product_id] = key
            group.expected += ml.quantity
            group.manifest_lines.append(ml)

    def _resolve_manifest_line(self, ml: ManifestLine) -> Product | None:
        if ml.gtin:
            found = self.index.resolve(
                ScanCode(kind=CodeKind.GTIN, raw=ml.gtin, text=ml.gtin, gtin=ml.gtin)
            )
            if found.product:
                return found.product
        if ml.package_tag:
            found = self.index.resolve(
                ScanCode(kind=CodeKind.PACKAGE_TAG, raw=ml.package_tag, package_tag=ml.package_tag)
            )
            if found.product:
                return found.product
        if ml.sku:
            found = self.index.resolve(
                ScanCode(kind=CodeKind.SKU, raw=ml.sku, text=ml.sku, sku=ml.sku)
            )
            if found.product:
                return found.product
        return None

    def _build_rows(self) -> tuple[Row, ...]:
        entries = list(self._entries.values())
        if self._manifest is None:
            return tuple(
                Row(
                    key=e.line.line_id,
                    line=e.line,
                    product_id=e.line.product_id,
                    sku=e.line.sku,
                    name=e.line.name,
                    expected=None,
                    scanned=e.line.quantity,
                    group_scanned=e.line.quantity,
                    difference=None,
                    status=RowStatus.COUNTED,
                    reason=self._reasons.get(e.line.line_id, ""),
                )
                for e in entries
            )
        by_product: dict[int, list[DraftLine]] = {}
        for e in entries:
            by_product.setdefault(e.line.product_id, []).append(e.line)
        rows: list[Row] = []
        for group in self._groups.values():
            lines = by_product.pop(group.product.product_id, []) if group.product else []
            total = sum((ln.quantity for ln in lines), ZERO)
            diff = total - group.expected
            status = RowStatus.OK if diff == 0 else RowStatus.OVER if diff > 0 else RowStatus.SHORT
            reason = self._reasons.get(group.key, "")
            if not lines:
                rows.append(
                    Row(
                        key=group.key,
                        line=None,
                        product_id=group.product.product_id if group.product else None,
                        sku=group.sku,
                        name=group.name,
                        expected=group.expected,
                        scanned=ZERO,
                        group_scanned=ZERO,
                        difference=diff,
                        status=status,
                        reason=reason,
                        group=group.key,
                    )
                )
                continue
            for i, ln in enumerate(lines):
                rows.append(
                    Row(
                        key=ln.line_id,
                        line=ln,
                        product_id=ln.product_id,
                        sku=ln.sku,
                        name=ln.name,
                        expected=group.expected if i == 0 else None,
                        scanned=ln.quantity,
                        group_scanned=total,
                        difference=diff if i == 0 else None,
                        status=status,
                        reason=reason,
                        group=group.key,
                        head=i == 0,
                    )
                )
        for e in entries:
            ln = e.line
            if ln.product_id in by_product:
                rows.append(
                    Row(
                        key=ln.line_id,
                        line=ln,
                        product_id=ln.product_id,
                        sku=ln.sku,
                        name=ln.name,
                        expected=None,
                        scanned=ln.quantity,
                        group_scanned=ln.quantity,
                        difference=None,
                        status=RowStatus.UNEXPECTED,
                        reason=self._reasons.get(ln.line_id, ""),
                    )
                )
        return tuple(rows)


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


def _code_detail(code: ScanCode, product_id: int) -> dict[str, Any]:
    return {"code": code.key, "kind": code.kind.value, "product_id": product_id}


def _clean_text(value: object, what: str) -> tuple[str, str]:
    text = "" if value is None else " ".join(str(value).split())
    if len(text) > TEXT_FIELD_MAX:
        return "", f"{what} is {len(text)} characters; keep it to {TEXT_FIELD_MAX}."
    if not text.isprintable():
        return "", f"{what} contains characters that cannot be sent."
    return text, ""


def _parse_date(value: object) -> tuple[date | None, str]:
    if value is None:
        return None, ""
    if isinstance(value, datetime):
        return value.date(), ""
    if isinstance(value, date):
        return value, ""
    text = str(value).strip()
    if not text:
        return None, ""
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date(), ""
        except ValueError:
            continue
    return None, f"“{text[:40]}” is not a date. Type it as YYYY-MM-DD, for example 2026-03-31."


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


def quantities_by_product(lines: Iterable[DraftLine]) -> dict[int, Decimal]:
    """Total counted per product id; what verification compares against the POS's packages."""
    out: dict[int, Decimal] = {}
    for ln in lines:
        out[ln.product_id] = out.get(ln.product_id, ZERO) + ln.quantity
    return out
