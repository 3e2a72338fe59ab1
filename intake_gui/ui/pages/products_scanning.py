"""The Products page's scans and catalog search: what a scan did, said in words, and the way to a product.

A mixin of `ProductsPage` (ui/pages/products_page.py). Every scan outcome is shown on the page's scan line
(with a sound and a flash of the frame), recorded in the audit trail, and, for a code the catalog does not
know, turned into a search: the clerk finds the product, Enter saves the code for it at this station.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from intake_gui.domain.models import Product
from intake_gui.domain.quantities import format_quantity
from intake_gui.ui.theme import repolish
from intake_gui.ui.wording import plural

if TYPE_CHECKING:
    from intake_gui.domain.scan_session import PendingCode, ScanOutcome
    from intake_gui.ui.pages.products_page import ProductsPage

    _Base = ProductsPage
else:
    _Base = object

SEARCH_LIMIT = 50
TYPED_MULTIPLIER = re.compile(r"\s*(\d{1,6}(?:[.,]\d{1,3})?)\s*[*xX×]\s*")
"""A quantity typed before a scan ("3*" in the search box): too short for the scanner filter to treat as a
scan, so the page reads it from the box when the next scan arrives."""


def product_text(p: Product) -> str:
    """Two lines: names repeat across sizes and batches in a 17k catalog, so the SKU line tells them apart."""
    extra = " · ".join(
        x for x in (f"SKU {p.sku}", p.brand, f"UPC {p.gtin.lstrip('0')}" if p.gtin else "") if x
    )
    return f"{p.name}\n    {extra}"


class ScanFeedbackMixin(_Base):
    def _build_search_column(self) -> QWidget:
        """The catalog search, its matches, and the buttons for a code the catalog does not know."""
        search_box = QWidget()
        search_box.setMaximumWidth(400)
        search_col = QVBoxLayout(search_box)
        search_col.setContentsMargins(0, 0, 0, 0)
        search_col.setSpacing(4)
        search_label = QLabel("&Search the catalog (Ctrl+F):")
        search_label.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setObjectName("catalog_search")
        self.search.setPlaceholderText("Name, brand, SKU or barcode")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the catalog")
        search_label.setBuddy(self.search)
        self.search.textChanged.connect(self.run_search)
        self.search.returnPressed.connect(self.pick_result)
        self.search.installEventFilter(self)
        self.results = QListWidget()
        self.results.setUniformItemSizes(True)
        # A long name ends in "…" (its tooltip has it whole) instead of running under a sideways scroll bar.
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setAccessibleName("Catalog matches")
        self.results.itemActivated.connect(lambda _item: self.pick_result())
        self.results.currentItemChanged.connect(lambda *_: self._update_map_button())
        self.no_match = QLabel("")
        self.no_match.setObjectName("hint")
        self.no_match.setWordWrap(True)
        self.no_match.setVisible(False)
        self.map_button = QPushButton()
        self.map_button.setObjectName("primary")
        # Names the SKU, not the product: a long name must not widen the window, and same-named products differ
        # by SKU. The tooltip has the name.
        self.map_button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.map_button.setVisible(False)
        self.map_button.clicked.connect(self.pick_result)
        self.map_button.installEventFilter(self)  # its words follow its width
        self.dismiss_button = QPushButton("Dismiss code (Ctrl+D)")
        self.dismiss_button.setToolTip("Dismiss the unknown code: it is not counted (Ctrl+D)")
        self.dismiss_button.setVisible(False)
        self.dismiss_button.clicked.connect(self.dismiss_unknown)
        search_col.addWidget(search_label)
        search_col.addWidget(self.search)
        search_col.addWidget(self.results, 1)
        search_col.addWidget(self.no_match)
        search_col.addWidget(self.map_button)
        search_col.addWidget(self.dismiss_button)
        return search_box

    # ---- scanning --------------------------------------------------------------------------------

    def handle_scan(self, raw: str) -> None:
        if self.session is None:
            self.queued_scans.append(raw)
            self._show_outcome_text(
                f"… {plural(len(self.queued_scans), 'scan')} waiting for the catalog; counted as soon as it "
                "is loaded.",
                "info",
            )
            return
        typed = TYPED_MULTIPLIER.fullmatch(self.search.text())
        if typed:
            # As typed: the station's decimal mark decides what "2,5" means (domain/quantities.py).
            error = self.session.set_quantity_next(typed.group(1))
            self.search.clear()
            if error:
                self._show_outcome_text(f"✖ {error}", "bad")
        outcome = self.session.scan(raw)
        self._show_outcome(outcome)

    def _show_outcome(self, outcome: ScanOutcome) -> None:
        from intake_gui.domain.scan_session import OutcomeKind

        kind = outcome.kind
        self.blanked_notice.dismiss()  # [scanner] any new outcome supersedes a waiting blanked read
        words = outcome.code.words(date.today()) if outcome.code is not None else ""
        if outcome.counted and outcome.product is not None:
            line = self.session.line(outcome.line_id) if self.session and outcome.line_id else None
            now = f" → {format_quantity(line.quantity)}" if line is not None else ""
            verb = (
                "Added"
                if kind is OutcomeKind.ADDED
                else "Saved code and added"
                if kind is OutcomeKind.MAPPED
                else "+"
            )
            self._show_outcome_text(
                f"✔ {verb} {format_quantity(outcome.quantity)} × {outcome.product.name} ({outcome.product.sku}){now}"
                + (f" — {words}" if words else ""),
                "bad" if "EXPIRED" in words else "good",
            )
        elif kind is OutcomeKind.MAPPED:
            self._show_outcome_text(f"✔ {outcome.message}", "good")
        elif kind is OutcomeKind.MULTIPLIER:
            self._show_outcome_text(f"× {outcome.message}", "info")
        elif kind is OutcomeKind.DOUBLE_READ:
            self._show_outcome_text(f"! Not counted: {outcome.message}", "bad")
            self.blanked_notice.show_for(outcome)
        elif kind in (OutcomeKind.UNKNOWN, OutcomeKind.AMBIGUOUS):
            self._offer_mapping(outcome)
        else:
            self._show_outcome_text(f"✖ {outcome.message or 'That scan was not counted.'}", "bad")
        self.sounds.play_for(outcome)
        self._flash(
            "good" if outcome.good else "bad" if outcome.needs_attention or outcome.blanked else ""
        )
        self.audit.emit("scan", outcome.as_dict())
        self.scan_handled.emit(outcome)

    def _offer_mapping(self, outcome: ScanOutcome) -> None:
        from intake_gui.domain.scan_session import OutcomeKind

        code = outcome.code
        shown = code.display if code is not None else outcome.raw
        if outcome.kind is OutcomeKind.AMBIGUOUS and outcome.candidates:
            self._show_outcome_text(
                f"? {shown} matches {len(outcome.candidates)} products. Pick the right one in the list and press "
                "Enter to count it.",
                "bad",
            )
            self._fill_results(list(outcome.candidates))
        else:
            if code is not None and code.words():
                shown = f"{shown} ({code.words(date.today())})"
            self._show_outcome_text(
                f"? Unknown code {shown}: kept, not counted. Find its product in the search and press Enter "
                "to save the code for it, or Ctrl+D to dismiss it.",
                "bad",
            )
            self.search.clear()
        self.take_focus(self.search)
        self._update_map_button()

    def count_blanked(self) -> None:
        """[scanner] Insert after a blanked read: the clerk says there were two; count the second."""
        if self.session is not None and self.session.blanked:
            self._show_outcome(self.session.count_blanked())
        else:
            self.blanked_notice.dismiss()

    def pending_unknown(self) -> tuple[PendingCode, ...]:
        return self.session.pending_unknown if self.session is not None else ()

    def _current_pending(self) -> PendingCode | None:
        pending = self.pending_unknown()
        return pending[-1] if pending else None

    def dismiss_unknown(self) -> None:
        pending = self._current_pending()
        if self.session is None or pending is None:
            return
        self.session.dismiss_unknown(pending.code.key)
        self._show_outcome_text(f"Dismissed {pending.code.display}; it is not counted.", "info")
        self._update_map_button()
        self._update_totals()
        self.clear_gate_message()

    # ---- search ----------------------------------------------------------------------------------

    def run_search(self, text: str) -> None:
        if self.index is None:
            return
        query = text.strip()
        found = self.index.search(query, limit=SEARCH_LIMIT) if query else []
        self._fill_results(found)
        self.no_match.setText(
            f"Nothing in the catalog matches “{query}”. Try part of the name, the brand or the SKU."
            if query and not found
            else ""
        )
        self.no_match.setVisible(bool(query) and not found)

    def _fill_results(self, products: list[Product]) -> None:
        self.results.clear()
        for p in products:
            item = QListWidgetItem(product_text(p))
            item.setData(Qt.ItemDataRole.UserRole, p)
            item.setToolTip(product_text(p).replace("\n    ", "\n"))
            self.results.addItem(item)
        if products:
            self.results.setCurrentRow(0)
        self._update_map_button()

    def selected_product(self) -> Product | None:
        item = self.results.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def pick_result(self) -> None:
        """Enter in the search: save a pending unknown code for the highlighted product, or add one of it."""
        product = self.selected_product()
        if self.session is None or product is None:
            return
        from intake_gui.domain.scan_session import OutcomeKind

        pending = self._current_pending()
        if pending is not None:
            outcome = self.session.map_code(pending.code, product, remember=True)
            if outcome.kind is OutcomeKind.MAPPED:
                self.code_mapped.emit(pending.code.key, product)
        else:
            outcome = self.session.add_product(product, 1)
        self._show_outcome(outcome)
        self.search.selectAll()
        self._update_map_button()

    def _update_map_button(self) -> None:
        pending = self._current_pending()
        product = self.selected_product()
        show = pending is not None and product is not None
        self.map_button.setVisible(show)
        self.dismiss_button.setVisible(pending is not None)
        if show:
            # The SKU, not the name: dozens of products share "Tommy Chong…"; the highlighted match above shows
            # the name, the tooltip both. The longest wording that fits the column's width.
            button = self.map_button
            room = button.width() - 40
            words = (
                f"Save code as {product.sku} (Enter)",
                f"Save as {product.sku} (Enter)",
                "Save code (Enter)",
            )
            fits = [w for w in words if button.fontMetrics().horizontalAdvance(w) <= room]
            button.setText(fits[0] if fits else words[-1])
            self.map_button.setToolTip(
                f"Save {pending.code.display} as {product.name} ({product.sku})"
            )

    def _show_outcome_text(self, text: str, tone: str) -> None:
        self.scan_status.setText(text)
        self.scan_status.setProperty("tone", tone)
        repolish(self.scan_status, deep=False)
