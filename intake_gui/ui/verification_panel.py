"""The three lights after a submit: Packages, History, Sellable — the clerk's proof the stock really landed.

A light is never colour alone: each shows a symbol, a word and a headline, and colour is the third cue. AMBER
lights re-check themselves with a doubling back-off (the POS can take minutes to show new stock); RED lights say
what happened and what to do; GREY says what could not be checked and that it is not fatal. The per-line
table and the technical detail stay folded until asked for, so the first screen is readable at a glance.

The cards share the row by need: a confirmed light says one line, a problem says three paragraphs and may show
its lines, so a card with words to say gets more of the width than a green one. The row sits in a scroll area:
on a short screen the diagnosis scrolls, it is never cut and never painted over itself. Times are the store's
(the location's zone, with its abbreviation), like everything else the POS records.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from intake_gui.domain.lifecycle import RECHECK_SCHEDULE_S
from intake_gui.domain.verification import (
    LIGHT_ORDER,
    Light,
    LightKind,
    LightState,
    LineCheck,
    VerificationReport,
)
from intake_gui.ui.theme import repolish
from intake_gui.ui.wording import plural

DEFAULT_BACKOFF_S: tuple[float, ...] = RECHECK_SCHEDULE_S
"""The one re-check schedule (domain.lifecycle), which the CLI walks too; the panel's timer only follows it."""

LINE_COLUMNS = ("", "SKU", "Product", "Sent", "Found", "Room", "Note")
TABLE_ROWS_SHOWN = 6
"""A card's lines table is as tall as its rows up to this many; more scroll inside it."""


def store_clock(moment: datetime, zone: str | None) -> str:
    """ "14:02:11 MST": a moment as the store's wall clock with the zone's abbreviation (the station's own
    clock when no zone is known, said as such)."""
    if zone:
        try:
            local = moment.astimezone(ZoneInfo(zone))
        except (ZoneInfoNotFoundError, ValueError):
            local = None
        if local is not None:
            return f"{local:%H:%M:%S} {local.tzname() or zone} (store time)"
    return f"{moment.astimezone():%H:%M:%S} (this station's clock)"


class LightCard(QFrame):
    """One light. `state` is a dynamic property the stylesheet keys its colours on."""

    def __init__(self, kind: LightKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName("light")
        self.setProperty("state", LightState.CHECKING.value)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.light: Light = Light.checking(kind)

        top = QHBoxLayout()
        self.symbol = QLabel()
        self.symbol.setObjectName("light_symbol")
        self.symbol.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.symbol.setMinimumWidth(40)
        names = QVBoxLayout()
        names.setSpacing(0)
        self.title = QLabel(kind.title)
        self.title.setObjectName("light_title")
        self.word = QLabel()
        self.word.setObjectName("light_word")
        names.addWidget(self.title)
        names.addWidget(self.word)
        top.addWidget(self.symbol)
        top.addLayout(names, 1)

        self.headline = QLabel()
        self.headline.setObjectName("light_headline")
        self.headline.setWordWrap(True)
        self.happened = QLabel()
        self.happened.setWordWrap(True)
        self.todo = QLabel()
        self.todo.setWordWrap(True)
        self.todo.setObjectName("light_todo")
        for label in (self.headline, self.happened, self.todo):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QHBoxLayout()
        self.lines_button = QPushButton("Lines")
        self.lines_button.setCheckable(True)
        self.lines_button.setAccessibleName(f"{kind.title}: lines")
        self.detail_button = QPushButton("Details")
        self.detail_button.setAccessibleName(f"{kind.title}: details")
        self.detail_button.setToolTip(
            "Technical detail for support: ids, endpoints, the POS's own words"
        )
        self.detail_button.setCheckable(True)
        buttons.addWidget(self.lines_button)
        buttons.addWidget(self.detail_button)
        buttons.addStretch(1)

        self.lines_table = QTableWidget(0, len(LINE_COLUMNS))
        self.lines_table.setHorizontalHeaderLabels(LINE_COLUMNS)
        self.lines_table.verticalHeader().setVisible(False)
        self.lines_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.lines_table.horizontalHeader().setStretchLastSection(True)
        self.lines_table.setVisible(False)
        self.lines_table.setTabKeyNavigation(False)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setVisible(False)
        self.detail.setMaximumHeight(140)
        self.lines_button.toggled.connect(self.lines_table.setVisible)
        self.detail_button.toggled.connect(self.detail.setVisible)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.addLayout(top)
        layout.addWidget(self.headline)
        layout.addWidget(self.happened)
        layout.addWidget(self.todo)
        layout.addLayout(buttons)
        layout.addWidget(self.lines_table)
        layout.addWidget(self.detail)
        layout.addStretch(1)
        self.show_light(self.light)

    @property
    def state(self) -> LightState:
        return self.light.state

    @property
    def need(self) -> int:
        """How much of the row this card should get: 1 for a line of words, more for a diagnosis and its
        lines."""
        if self.happened.isHidden() and self.todo.isHidden():
            return 1
        return 3 if self.lines_table.isVisibleTo(self) else 2

    def show_light(self, light: Light) -> None:
        self.light = light
        restyle = self.property("state") != light.state.value
        self.setProperty("state", light.state.value)
        self.symbol.setText(light.symbol)
        self.word.setText(light.word.upper())
        self.headline.setText(light.headline)
        show_words = light.state not in (LightState.GREEN, LightState.CHECKING)
        self.happened.setText(light.what_happened)
        self.happened.setVisible(show_words and bool(light.what_happened))
        self.todo.setText(f"What to do: {light.what_to_do}" if light.what_to_do else "")
        self.todo.setVisible(show_words and bool(light.what_to_do))
        self._fill_lines(light.lines)
        self.lines_button.setVisible(bool(light.lines))
        bad = len(light.bad_lines)
        self.lines_button.setText(
            f"Lines ({len(light.lines)}, {bad} ✖)" if bad else f"Lines ({len(light.lines)})"
        )
        checked = plural(len(light.lines), "line")
        self.lines_button.setToolTip(
            f"{checked} checked, {bad} with a problem" if bad else f"{checked} checked"
        )
        if bad and not self.lines_button.isChecked():
            self.lines_button.setChecked(True)
        self.detail.setPlainText(light.detail)
        self.detail_button.setVisible(bool(light.detail))
        if not light.detail:
            self.detail_button.setChecked(False)
        accessible = f"{light.title}: {light.word}. {light.headline}"
        self.setAccessibleName(accessible)
        self.setToolTip(accessible)
        if restyle:
            # The state selectors (style.qss) colour the frame and its labels. Repolishing only those, and only
            # when the state changed, keeps a report quick to show: a deep repolish of every descendant (the
            # lines table's header, viewport and scroll bars included) was most of the time three cards took.
            for widget in (self, *self.findChildren(QLabel)):
                repolish(widget, deep=False)

    def _fill_lines(self, lines: Sequence[LineCheck]) -> None:
        table = self.lines_table
        table.setRowCount(len(lines))
        for row, ln in enumerate(lines):
            mark = "✔ ok" if ln.ok else "✖ no"
            found = "none" if ln.found is None else str(ln.found)
            values = (mark, ln.sku, ln.name, str(ln.expected), found, ln.room_name, ln.note)
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col in (3, 4):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(row, col, item)
        table.resizeColumnsToContents()
        shown = min(len(lines), TABLE_ROWS_SHOWN)
        height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(r) for r in range(shown))
        scroll = table.horizontalScrollBar().sizeHint().height()
        table.setFixedHeight(height + scroll)


class VerificationPanel(QWidget):
    """Shows a VerificationReport and asks for the next one (automatically while AMBER, or on demand).

    The panel does no I/O: `recheck_requested` tells its owner to run the next verification on a worker and hand
    the result back with `set_report`. `auto` distinguishes the back-off timer from the clerk's button.
    """

    recheck_requested = Signal(bool)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        backoff_s: Sequence[float] = DEFAULT_BACKOFF_S,
    ) -> None:
        super().__init__(parent)
        self.backoff_s = tuple(backoff_s)
        self.report: VerificationReport | None = None
        self._auto_index = 0
        self._checking = False

        self.store_zone: str | None = None
        """The location's IANA zone: the "checked at" time is shown in it (set by the Verify page)."""

        self.summary = QLabel("Waiting for the receive to be sent…")
        self.summary.setObjectName("subheading")
        self.summary.setWordWrap(True)
        # The keyboard rests here after a submit: words to read, nothing that a second Enter could press.
        self.summary.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.summary.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.summary.setAccessibleName("Verification summary")
        self.next_check = QLabel("")
        self.next_check.setObjectName("hint")
        self.next_check.setWordWrap(True)

        # The scroll area and its holder first, then the cards made straight into it: reparenting finished
        # cards (their tables and all) into a scroll area polishes every one of their widgets a second time.
        self.cards_area = QScrollArea(self)
        self.cards_area.setObjectName("lights_area")
        self.cards_area.setWidgetResizable(True)
        self.cards_area.setFrameShape(QFrame.Shape.NoFrame)
        self.cards_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.cards_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        holder = QWidget()
        holder.setObjectName("lights")
        self.cards_row = QHBoxLayout(holder)
        self.cards_row.setSpacing(12)
        self.cards_row.setContentsMargins(0, 0, 0, 0)
        self.cards_area.setWidget(holder)
        self.cards: dict[LightKind, LightCard] = {}
        for kind in LIGHT_ORDER:
            card = LightCard(kind, holder)
            self.cards[kind] = card
            # Top-aligned: a confirmed light stays a short card beside a long diagnosis, not an empty box.
            self.cards_row.addWidget(card, 1, Qt.AlignmentFlag.AlignTop)
            card.lines_button.toggled.connect(lambda _on: self._share_the_row())

        self.check_button = QPushButton("&Check again (F5)")
        self.check_button.setShortcut(QKeySequence("F5"))
        self.check_button.setToolTip("Read the POS again now (F5)")
        self.check_button.clicked.connect(self.request_check)
        self.check_button.setEnabled(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.next_check, 1)
        bottom.addWidget(self.check_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.cards_area, 1)
        layout.addLayout(bottom)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._auto_check)
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._show_countdown)

    # ---- state in --------------------------------------------------------------------------------

    def reset(self) -> None:
        """A new receive: forget the previous report and any pending re-check."""
        self.stop()
        self.report = None
        self._auto_index = 0
        self._checking = False
        for card in self.cards.values():
            card.show_light(Light.checking(card.kind))
        self._share_the_row()
        self.summary.setText("Waiting for the receive to be sent…")
        self.check_button.setEnabled(False)

    def set_checking(self) -> None:
        """A verification read is under way: the lights say so instead of showing stale colours."""
        self._checking = True
        self._timer.stop()
        self._countdown.stop()
        self.next_check.setText("Reading the POS…")
        self.check_button.setEnabled(False)
        if self.report is None:
            for card in self.cards.values():
                card.show_light(Light.checking(card.kind))
            self._share_the_row()
            self.summary.setText("Checking that the receive landed…")

    def set_report(self, report: VerificationReport) -> None:
        self._checking = False
        self.report = report
        for light in report.lights:
            self.cards[light.kind].show_light(light)
        self._share_the_row()
        self.summary.setText(self._summary_text(report))
        self.check_button.setEnabled(True)
        if report.needs_recheck and self._auto_index < len(self.backoff_s):
            delay = self.backoff_s[self._auto_index]
            self._auto_index += 1
            self._timer.start(int(delay * 1000))
            self._countdown.start()
            self._show_countdown()
        else:
            self._timer.stop()
            self._countdown.stop()
            self.next_check.setText(self._final_hint(report))

    def set_failed(self, headline: str, detail: str = "") -> None:
        """The verification itself could not run (not a light's read: the whole attempt)."""
        self._checking = False
        self.check_button.setEnabled(True)
        self.summary.setText(headline)
        self.next_check.setText(detail or "Press Check again to retry.")

    def stop(self) -> None:
        self._timer.stop()
        self._countdown.stop()

    # ---- state out -------------------------------------------------------------------------------

    @property
    def auto_check_pending(self) -> bool:
        return self._timer.isActive()

    @property
    def seconds_to_next_check(self) -> float | None:
        return self._timer.remainingTime() / 1000 if self._timer.isActive() else None

    def state_of(self, kind: LightKind) -> LightState:
        return self.cards[LightKind(kind)].state

    def request_check(self) -> None:
        if self._checking:
            return
        self._timer.stop()
        self._countdown.stop()
        self.recheck_requested.emit(False)

    # ---- internals -------------------------------------------------------------------------------

    def _share_the_row(self) -> None:
        for index, kind in enumerate(LIGHT_ORDER):
            self.cards_row.setStretch(index, self.cards[kind].need)

    def _auto_check(self) -> None:
        self._countdown.stop()
        if not self._checking:
            self.recheck_requested.emit(True)

    def _show_countdown(self) -> None:
        left = self.seconds_to_next_check
        if left is None:
            return
        self.next_check.setText(
            f"Some reads are not confirmed yet; checking again in {max(1, round(left))} s "
            f"(check {self._auto_index} of {len(self.backoff_s)}). Press F5 to check now."
        )

    @staticmethod
    def _summary_text(report: VerificationReport) -> str:
        if report.all_green:
            return (
                f"✔ Receipt {report.receipt_id}: all three confirmed. The stock is in and sellable."
            )
        if report.has_problem:
            return f"✖ Receipt {report.receipt_id}: the POS accepted it, but something is wrong — see below."
        if report.needs_recheck:
            return f"! Receipt {report.receipt_id}: sent; waiting for the POS to show everything."
        return f"? Receipt {report.receipt_id}: sent; some things could not be checked from this login."

    def _final_hint(self, report: VerificationReport) -> str:
        if report.needs_recheck:
            return (
                "Automatic checks have stopped. Press F5 to check again, or look in History later."
            )
        return (
            f"Checked {store_clock(report.checked_at, self.store_zone)}, attempt {report.attempt}."
        )
