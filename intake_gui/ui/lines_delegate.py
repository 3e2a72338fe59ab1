"""How a cell of the lines table is painted: the style's cell, with its text laid out once and drawn from a cache.

A scan that lands on a row off screen scrolls the table there, and every visible cell is painted again. With
Qt's own delegate each cell's text is shaped and elided anew on every paint: ~40–80 µs a cell, 10–15 ms for a
screenful at the station's type size, which is the whole scan-to-screen budget (bench/bench_scan.py, p99 < 8 ms).
A row's words change only when the row does, so this delegate keeps each text's layout (a `QStaticText`, elided
to the cell's width) and draws it in a few microseconds; what it draws is what the style would: the cell panel
(background role, selection) and the focus frame come from the style itself, the text in the colours, font,
alignment, margins and elision `QStyledItemDelegate` uses. It reads the cell from `LinesTableModel.cell_roles`
(one Python call, no QVariant round trip per role); on any other model it paints as Qt's delegate does.
Editing, size hints and tooltips are the base class's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPalette, QStaticText
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

if TYPE_CHECKING:
    from intake_gui.ui.lines_model import LinesTableModel

_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_ALIGN = Qt.ItemDataRole.TextAlignmentRole.value
_BACKGROUND = Qt.ItemDataRole.BackgroundRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_FONT = Qt.ItemDataRole.FontRole.value

_SELECTED = QStyle.StateFlag.State_Selected.value
_ENABLED = QStyle.StateFlag.State_Enabled.value
_ACTIVE = QStyle.StateFlag.State_Active.value
_FOCUS = QStyle.StateFlag.State_HasFocus.value
_EDITING = QStyle.StateFlag.State_Editing.value
_PANEL = QStyle.PrimitiveElement.PE_PanelItemViewItem
_FOCUS_FRAME = QStyle.PrimitiveElement.PE_FrameFocusRect
_LOOK_STATES = _SELECTED | _ENABLED | _ACTIVE
_ACTIVE_GROUP = QPalette.ColorGroup.Active
_GROUPS = (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled)

_RIGHT = Qt.AlignmentFlag.AlignRight.value
_CENTRE = Qt.AlignmentFlag.AlignHCenter.value
_DEFAULT_ALIGN = (Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value

CACHE_LIMIT = 4096
"""Laid-out texts kept (one per text and font, plus one per width where a text must be elided): far more than
a long receive shows. Past it the cache
starts again; the next paint lays out what it shows, as Qt's delegate would every time."""


class _Layouts:
    """Texts laid out once per font and width: the elided string's `QStaticText` and its width.

    Fonts are told apart by identity: a cell's font is either the view's (held here until the style or font
    changes, when everything is laid out again) or the model's one bold font, so no per-cell `QFont.key()`.
    """

    def __init__(self) -> None:
        self._fonts: dict[int, tuple[QFont, QFontMetricsF]] = {}
        self._texts: dict[tuple[str, int, int], tuple[QStaticText, float]] = {}

    def metrics(self, font: QFont) -> QFontMetricsF:
        held = self._fonts.get(id(font))
        if held is None or held[0] is not font:
            held = self._fonts[id(font)] = (font, QFontMetricsF(font))
        return held[1]

    def get(
        self, text: str, font: QFont, width: int, elide: Qt.TextElideMode
    ) -> tuple[QStaticText, float]:
        """The text as shown in `width`: laid out once per font, and once more per width only if it must be
        elided there (most texts fit, so a column resized or a scroll bar appearing costs nothing)."""
        whole = self._texts.get((text, id(font), 0))
        if whole is None:
            shown = (
                text.replace("\n", " ") if "\n" in text else text
            )  # one line a cell, as Qt's delegate
            whole = self._put((text, id(font), 0), shown, font)
        if whole[1] <= width:
            return whole
        key = (text, id(font), width)
        entry = self._texts.get(key)
        if entry is None:
            shown = self.metrics(font).elidedText(whole[0].text(), elide, width)
            entry = self._put(key, shown, font)
        return entry

    def _put(self, key: tuple[str, int, int], shown: str, font: QFont) -> tuple[QStaticText, float]:
        static = QStaticText(shown)
        static.setTextFormat(Qt.TextFormat.PlainText)
        static.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
        static.prepare(font=font)
        entry = (static, self.metrics(font).horizontalAdvance(shown))
        if len(self._texts) >= CACHE_LIMIT:
            self._texts.clear()
        self._texts[key] = entry
        return entry

    def clear(self) -> None:
        self._fonts.clear()
        self._texts.clear()


class LinesDelegate(QStyledItemDelegate):
    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view
        self._layouts = _Layouts()
        self._lines: LinesTableModel | None = None
        self._looks: _Looks | None = None
        self._plans: dict[tuple[int, int, int, int], tuple[dict[int, Any], CellPlan]] = {}
        """Per cell (its roles, held so its id stays its own), size and state: how to draw it."""

    @property
    def lines(self) -> LinesTableModel | None:
        """The lines model this delegate reads directly, if the view shows one."""
        return self._lines

    def watch(self, model: QAbstractItemModel | None) -> None:
        """The model whose cells this delegate reads directly (set by the view with its model)."""
        from intake_gui.ui.lines_model import LinesTableModel

        self._lines = model if isinstance(model, LinesTableModel) else None

    def style_changed(self) -> None:
        """The style, palette or font changed: look everything up and lay every text out again."""
        self._looks = None
        self._plans.clear()
        self._layouts.clear()

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        lines = self._lines
        cells = lines.cell_roles(index.row(), index.column()) if lines is not None else None
        if cells is None:
            super().paint(painter, option, index)
            return
        state = option.state.value
        rect = option.rect
        x, y, w, h = cast(tuple[int, int, int, int], rect.getRect())  # one call, not four
        plan = self.plan(cells, w, h, state)
        if state & _SELECTED:
            # The style's own selected panel (the view already drew the row under it).
            opt = QStyleOptionViewItem(option)
            if plan.background is not None:
                opt.backgroundBrush = QBrush(plan.background)
            self._looks_now().style.drawPrimitive(_PANEL, opt, painter, self._view)
        elif plan.background is not None:
            # What the style's panel does with a background role.
            painter.fillRect(rect, plan.background)
        if plan.text is not None and not state & _EDITING:
            painter.save()
            painter.setFont(plan.font)
            painter.setPen(plan.colour)
            painter.drawStaticText(x + plan.dx, y + plan.dy, plan.text)
            painter.restore()
        if state & _FOCUS:
            self._looks_now().style.drawPrimitive(_FOCUS_FRAME, option, painter, self._view)

    def plan(self, cells: dict[int, Any], w: int, h: int, state: int) -> CellPlan:
        """How a cell with these roles is drawn at this size and state (`QStyle.StateFlag` bits): the same
        plan for as long as the cell's roles, size and look stay the same. `ui/lines_painter` draws an
        ordinary cell straight from it."""
        key = (id(cells), w, h, state & _LOOK_STATES)
        held = self._plans.get(key)
        if held is None or held[0] is not cells:
            held = self._plan(key, cells, w, h, state)
        return held[1]

    def _looks_now(self) -> _Looks:
        looks = self._looks
        if looks is None:
            view = self._view
            palette = view.palette()
            style = view.style()
            looks = self._looks = _Looks(
                style=style,
                font=view.font(),
                margin=style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1,
                elide=view.textElideMode(),
                text={g: palette.color(g, QPalette.ColorRole.Text) for g in _GROUPS},
                selected_text={
                    g: palette.color(g, QPalette.ColorRole.HighlightedText) for g in _GROUPS
                },
            )
        return looks

    def _plan(
        self, key: tuple[int, int, int, int], cells: dict[int, Any], w: int, h: int, state: int
    ) -> tuple[dict[int, Any], CellPlan]:
        """How one cell is drawn at this size and state, worked out as QCommonStyle's item view does: the
        focus frame's margin plus one each side, vertically centred, the role's alignment, elided to fit,
        selected text in the highlighted-text colour, the foreground role otherwise."""
        looks = self._looks_now()
        background = cells.get(_BACKGROUND)
        text = cells.get(_DISPLAY)
        margin = looks.margin
        width = w - 2 * margin
        font: QFont = cells.get(_FONT) or looks.font
        if not text or width <= 0:
            plan = CellPlan(background, None, font, looks.text[_ACTIVE_GROUP], 0, 0)
        else:
            static, advance = self._layouts.get(str(text), font, width, looks.elide)
            if not state & _ENABLED:
                group = QPalette.ColorGroup.Disabled
            elif not state & _ACTIVE:
                group = QPalette.ColorGroup.Inactive
            else:
                group = _ACTIVE_GROUP
            if state & _SELECTED:
                colour = looks.selected_text[group]
            else:
                colour = cells.get(_FOREGROUND) or looks.text[group]
            align = int(cells.get(_ALIGN, _DEFAULT_ALIGN))
            if align & _RIGHT:
                dx = margin + width - advance
            elif align & _CENTRE:
                dx = margin + (width - advance) / 2
            else:
                dx = margin
            dy = (h - self._layouts.metrics(font).height()) / 2
            plan = CellPlan(background, static, font, colour, round(dx), round(dy))
        if len(self._plans) >= CACHE_LIMIT:
            self._plans.clear()
        held = self._plans[key] = (cells, plan)
        return held


@dataclass(frozen=True, slots=True)
class CellPlan:
    """One cell's drawing, ready: its background, its laid-out text and where it goes in the cell."""

    background: QColor | None
    text: QStaticText | None
    font: QFont
    colour: QColor
    dx: int
    dy: int


@dataclass(frozen=True)
class _Looks:
    """What every cell shares, looked up once per style, palette or font change instead of once a cell."""

    style: QStyle
    font: QFont
    margin: int
    elide: Qt.TextElideMode
    text: dict[QPalette.ColorGroup, QColor]
    selected_text: dict[QPalette.ColorGroup, QColor]
