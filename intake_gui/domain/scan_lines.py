"""The lines of a receive and everything a clerk can do to them besides scanning: read them as rows (with
the manifest's expectations), edit quantity, cost, tag, lot, expiry and reasons, remove, change room, load a
manifest, undo.

`ScanLines` sits between the undoable ledger (scan_changes.py) and the scanning session (scan_session.py): every
edit here is one transaction of ledger primitives, so undo and the audit trail cover edits and scans alike.
Nothing here knows about Qt.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from intake_gui.domain.catalog_index import CatalogIndex
from intake_gui.domain.manifest import Manifest
from intake_gui.domain.models import DraftLine, parse_cost, parse_quantity
from intake_gui.domain.scan_changes import ChangeKind, Entry, LineLedger, Listener, Tx
from intake_gui.domain.scan_outcome import PendingCode, Totals
from intake_gui.domain.scan_rows import Group, Row, RowMemo, build_groups, build_rows

ZERO = Decimal("0")
TEXT_FIELD_MAX = 64
REASON_MAX = 200
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y%m%d", "%d.%m.%Y")


class ScanLines(LineLedger):
    def __init__(
        self, index: CatalogIndex, room_id: int, on_change: Listener | None = None
    ) -> None:
        super().__init__(on_change)
        self.index = index
        self.room_id = room_id
        self._manifest: Manifest | None = None
        self._groups: dict[str, Group] = {}
        self._line_group: dict[int, str] = {}
        self._row_at: dict[str, int] = {}
        self._row_memo: RowMemo = {}
        """The rows of the last build, so a row that did not change stays the same object (`build_rows`)."""

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
            groups = self._groups if self._manifest is not None else None
            self._rows = build_rows(self.lines, groups, self._reasons, self._row_memo)
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

    # -- edits -----------------------------------------------------------------------------------------

    def set_quantity(self, line_id: str, value: object) -> str | None:
        entry = self._entries.get(line_id)
        try:  # [input] the line's product counted each refuses a fraction; the station's decimal mark
            qty = parse_quantity(
                value,
                measure=entry.line.measure if entry else "unknown",
                what=entry.line.name if entry else "",
            )
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
        tx = Tx(label=f"remove {entry.line.name}", cause="edit")
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
        tx = Tx(label="reason", cause="edit")
        self._set_reason(tx, target, text)
        self._commit(tx)
        return None

    def set_room(self, room_id: int) -> None:
        """The clerk went back and chose another room: every line follows (one undoable change)."""
        if room_id == self.room_id:
            return
        tx = Tx(label="change room", cause="edit")
        tx.undo.append(("room", self.room_id))
        self.room_id = room_id
        for line_id, entry in list(self._entries.items()):
            self._set_entry(
                tx,
                line_id,
                Entry(entry.line.model_copy(update={"room_id": room_id}), entry.origin),
            )
        self._commit(tx)

    def load_expected(self, manifest: Manifest | None) -> None:
        """Compare against this manifest from now on (None: stop comparing). Undoable."""
        tx = Tx(label="load manifest" if manifest else "clear manifest", cause="edit")
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
        replay = Tx(label=tx.label, cause="undo")
        for op in reversed(tx.undo):
            self._revert(replay, op)
        self._emit(replay)
        return f"Undid: {tx.label}"

    def _edit(self, line_id: str, name: str, value: Any) -> str | None:
        entry = self._entries.get(line_id)
        if entry is None:
            return "That line is no longer in the receive."
        if getattr(entry.line, name) == value:
            return None
        tx = Tx(label=f"{name.replace('_', ' ')} of {entry.line.name}", cause="edit")
        self._set_entry(
            tx, line_id, Entry(entry.line.model_copy(update={name: value}), entry.origin)
        )
        self._commit(tx)
        return None

    # -- internals: what the ledger does not own -------------------------------------------------------

    def _revert_other(self, tx: Tx, op: tuple[Any, ...]) -> None:
        kind = op[0]
        if kind == "code":
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

    def _rebuild_groups(self) -> None:
        self._groups, self._line_group = build_groups(self._manifest, self.index)
        self._rows = None


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
