"""The draft's lines and everything a scan, a search pick or an edit does to them, with undo and an audit trail.

The session is the single owner of the lines while a clerk is on the Products page. Every change goes through
one transaction path that (1) records how to undo it, (2) tells listeners what changed as a `ChangeEvent` (the
journal autosaves each one, the table model repaints only the affected rows). Nothing here knows about Qt.

Rules a clerk relies on:

* Never drop, misroute or double a scan. A second read of the *same code* starting within `blanking_ms` of the
  end of the last *counted* read, on the scanner's own key timestamps, is the scanner firing twice for one
  trigger (domain/double_read.py): it is reported on screen and by ear, kept, and counted with one key
  (`count_blanked`) if there really were two. A GS1 serial number counted once is a physical unit; reading it
  again is reported, not counted.
* An unknown code is kept (with its quantity, including repeats) until the clerk maps it to a product, picks
  one, or dismisses it. Nothing is silently thrown away.
* Lines merge by (product, lot, package tag) as *scanned*: scanning the plain UPC ten times and then typing a
  lot on that line keeps further plain scans on the same line. A different scanned lot is a separate line.
* With a manifest loaded, expectation and count are compared per product (all lots and tags of a product
  together); rows() shows the product's expected, total and difference on its first line.

The module is the session's behaviour; its parts live beside it: outcomes (scan_outcome.py), the undoable
ledger of lines and its change events (scan_changes.py), expected-vs-scanned rows (scan_rows.py) and the
double-read guard (double_read.py). Their public names are re-exported here.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from intake_gui.domain import quantities
from intake_gui.domain.barcode import DEFAULT_GS_SUBSTITUTES, CodeKind, ScanCode, interpret
from intake_gui.domain.catalog_index import CatalogIndex
from intake_gui.domain.double_read import BLANKING_DEFAULT_MS, Blanked, DoubleReadGuard
from intake_gui.domain.input_refusals import clerk_message
from intake_gui.domain.manifest import Manifest
from intake_gui.domain.models import DraftLine, Product, parse_quantity
from intake_gui.domain.quantities import MACHINE, NumberStyle, format_quantity
from intake_gui.domain.scan_changes import (
    UNDO_DEPTH,
    ChangeEvent,
    ChangeKind,
    Entry,
    Listener,
    Tx,
)
from intake_gui.domain.scan_lines import ScanLines
from intake_gui.domain.scan_outcome import OutcomeKind, PendingCode, ScanOutcome, Totals
from intake_gui.domain.scan_rows import Row, RowStatus

__all__ = [
    "UNDO_DEPTH",
    "ChangeEvent",
    "ChangeKind",
    "Listener",
    "OutcomeKind",
    "PendingCode",
    "Row",
    "RowStatus",
    "ScanOutcome",
    "ScanSession",
    "Totals",
    "quantities_by_product",
]

ZERO = Decimal("0")

_MULT_ALONE = re.compile(r"(\d{1,6}(?:\.\d{1,3})?)\s*\*|\*\s*(\d{1,6}(?:\.\d{1,3})?)")
_MULT_THEN_CODE = re.compile(r"(\d{1,6}(?:\.\d{1,3})?)\*(\S.*)", re.DOTALL)


class ScanSession(ScanLines):
    def __init__(
        self,
        index: CatalogIndex,
        room_id: int,
        *,
        blanking_ms: int = BLANKING_DEFAULT_MS,
        clock: Callable[[], float] = time.monotonic,
        gs_substitutes: Sequence[str] = DEFAULT_GS_SUBSTITUTES,
        on_change: Listener | None = None,
    ) -> None:
        super().__init__(index, room_id, on_change)
        self.gs_substitutes = tuple(gs_substitutes)
        self._guard = DoubleReadGuard(blanking_ms, clock)
        self._blanked: Blanked | None = None
        self._armed: Decimal | None = None

    @property
    def blanking_ms(self) -> int:
        return self._guard.window_ms

    @blanking_ms.setter
    def blanking_ms(self, value: int) -> None:
        self._guard.window_ms = int(value)

    @property
    def armed_quantity(self) -> Decimal | None:
        """The multiplier waiting for the next scan, if any."""
        return self._armed

    # -- scanning --------------------------------------------------------------------------------------

    def scan(self, raw: str) -> ScanOutcome:
        """One complete read from the scanner (a `ScanRead`, carrying its key timestamps) or a code typed into
        the scan box and confirmed (plain text)."""
        text = raw.strip() if isinstance(raw, str) else ""
        self._blanked = None
        blanked = self._guard.check(text, raw)
        if blanked is not None:
            self._blanked = blanked
            return ScanOutcome(
                OutcomeKind.DOUBLE_READ,
                raw=text,
                message=(
                    f"{_shown(text)} was read twice {blanked.gap_ms} ms apart: counted once "
                    "(one trigger of the scanner)."
                ),
            )
        return self._scan_text(text)

    @property
    def blanked(self) -> str:
        """The code of the read just taken for a double read ("" when the last scan was not blanked)."""
        return self._blanked.text if self._blanked is not None else ""

    def count_blanked(self) -> ScanOutcome:
        """The clerk says the blanked read was a real item: count it like any scan (once)."""
        blanked, self._blanked = self._blanked, None
        if blanked is None:
            return ScanOutcome(
                OutcomeKind.REJECTED, message="No read is waiting to be counted: scan the item."
            )
        return self._scan_text(blanked.text)

    def _scan_text(self, text: str) -> ScanOutcome:
        alone = _MULT_ALONE.fullmatch(text)
        if alone:
            # [input] a scanned "2.5*" is a barcode's text: machine style, whatever the station's mark
            error = self.set_quantity_next(alone.group(1) or alone.group(2), style=MACHINE)
            if error:
                return ScanOutcome(OutcomeKind.REJECTED, raw=text, message=error)
            return ScanOutcome(
                OutcomeKind.MULTIPLIER,
                raw=text,
                quantity=self._armed or ZERO,
                message=f"Next scan counts ×{format_quantity(self._armed)}.",
            )
        explicit: Decimal | None = None
        joined = _MULT_THEN_CODE.fullmatch(text)
        if joined:
            try:
                explicit = quantities.parse_quantity(joined.group(1), style=MACHINE)  # [input]
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
            self._guard.forget()
            self._last_line_id = self._last_pending_key = ""
            return ScanOutcome(OutcomeKind.INVALID, raw=text, code=code, message=code.message)
        qty = explicit if explicit is not None else (self._armed or Decimal(1))
        self._armed = None
        if match.ambiguous or match.product is None:
            return self._keep_pending(code, qty, match.products)
        return self._count(match.product, code, qty, cause="scan", raw=text)

    def set_quantity_next(self, value: object, *, style: NumberStyle | None = None) -> str | None:
        """Arm a multiplier for the next scan ("3*" scanned or typed before the code). Error text or None.
        Typed text is read in the station's style; a scanned multiplier passes `style=MACHINE`."""
        try:
            self._armed = quantities.parse_quantity(value, style=style)
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
            tx = Tx(label=f"quantity of {pending.code.display}", cause="edit")
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
        tx = Tx(label=f"map {code.display} to {product.name}", cause="map")
        line_id = ""
        quantity = pending.quantity if pending else ZERO
        message = (
            f"{code.display} is now {product.name}."
            if remember
            else f"+{format_quantity(quantity)} {product.name}"
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
        tx = Tx(label=f"dismiss {self._pending[key].code.display}", cause="edit")
        self._set_pending(tx, key, None)
        self._commit(tx)
        return True

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
        entries: dict[str, Entry] = {}
        for item in snapshot.get("lines", ()):
            line = DraftLine.model_validate(item["line"])
            origin = item.get("origin") or (line.product_id, line.lot, line.package_tag)
            entries[line.line_id] = Entry(line, (int(origin[0]), str(origin[1]), str(origin[2])))
        self._entries = entries
        self._by_origin = None
        self._reasons = {str(k): str(v) for k, v in dict(snapshot.get("reasons", {})).items()}
        manifest = snapshot.get("manifest")
        self._manifest = Manifest.model_validate(manifest) if manifest else None
        self._pending = {}
        for item in snapshot.get("pending", ()):
            code = interpret(item["raw"], gs_substitutes=self.gs_substitutes)
            # [input] a snapshot's quantity is stored text: machine style, never the station's
            quantity = quantities.parse_quantity(item["quantity"], style=MACHINE)
            self._pending[code.key] = PendingCode(code, quantity)
        self._serials = {str(k): str(v) for k, v in dict(snapshot.get("serials", {})).items()}
        self._undo.clear()
        self._armed = None
        self._last_line_id = next(reversed(self._entries), "") if self._entries else ""
        self._rebuild_groups()
        self._emit(
            Tx(label="restore", cause="restore", events=[(ChangeKind.RESET, "", None, None, {})])
        )

    # -- internals: counting ---------------------------------------------------------------------------

    def _keep_pending(
        self, code: ScanCode, qty: Decimal, candidates: tuple[Product, ...]
    ) -> ScanOutcome:
        key = code.key
        before = self._pending.get(key)
        total = (before.quantity if before else ZERO) + qty
        tx = Tx(label=f"unknown {code.display}", cause="scan")
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
                self._guard.forget()
                return ScanOutcome(
                    OutcomeKind.DUPLICATE_SERIAL,
                    raw=raw,
                    code=code,
                    line_id=self._serials[serial_key],
                    product=product,
                    message=f"Serial {code.serial} of {product.name} was already counted.",
                )
        tx = Tx(label=f"+{format_quantity(qty)} {product.name}", cause=cause)
        error, line_id, added = self._apply_count(tx, product, code, qty)
        if error:
            self._guard.forget()
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
            message=f"+{format_quantity(qty)} {product.name}",
        )

    def _apply_count(
        self, tx: Tx, product: Product, code: ScanCode | None, qty: Decimal
    ) -> tuple[str, str, bool]:
        """Add `qty` of `product` into `tx`: (error, line id, whether a new line was made)."""
        lot = code.lot if code else ""
        tag = code.package_tag if code else ""
        expiry = code.expiry if code else None
        origin = (product.product_id, lot, tag)
        line_id = self.find_line(origin)
        if line_id:
            entry = self._entries[line_id]
            try:  # [input] a product counted each stays whole
                new_qty = quantities.check_quantity(
                    entry.line.quantity + qty, measure=entry.line.measure, what=product.name
                )
            except ValueError as exc:
                return _count_refusal(product, exc), line_id, False
            update: dict[str, Any] = {"quantity": new_qty}
            if expiry is not None and entry.line.expiration is None:
                update["expiration"] = expiry
            self._set_entry(tx, line_id, Entry(entry.line.model_copy(update=update), entry.origin))
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
                    measure=product.measure,  # [input]
                    room_id=self.room_id,
                    package_tag=tag,
                    lot=lot,
                    expiration=expiry,
                )
            except ValueError as exc:
                return _count_refusal(product, exc), "", False
            line_id = line.line_id
            self._set_entry(tx, line_id, Entry(line, origin))
            added = True
        if code is not None and code.serial and code.gtin:
            serial_key = f"{code.gtin}/{code.serial}"
            tx.undo.append(("serial", serial_key, self._serials.get(serial_key)))
            self._serials[serial_key] = line_id
        self._set_last(tx, line_id, "")
        return "", line_id, added


def _code_detail(code: ScanCode, product_id: int) -> dict[str, Any]:
    return {"code": code.key, "kind": code.kind.value, "product_id": product_id}


def quantities_by_product(lines: Iterable[DraftLine]) -> dict[int, Decimal]:
    """Total counted per product id; what verification compares against the POS's packages."""
    out: dict[int, Decimal] = {}
    for ln in lines:
        out[ln.product_id] = out.get(ln.product_id, ZERO) + ln.quantity
    return out


def _shown(text: str) -> str:
    return text.replace("\x1d", "<GS>")[:40]


def _count_refusal(product: Product, exc: ValueError) -> str:
    """[input] A refused count in words (never pydantic's), naming the product once."""
    text = clerk_message(exc)
    return text if product.name in text else f"{product.name}: {text}"
