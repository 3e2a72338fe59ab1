"""Find text a window cuts off: a label, button or check box whose words do not fit the space it was given.

A layout that fits at 1920×1080 can squeeze a label to half its words at 1024×600, and nothing in Qt says so: the
text is simply painted into a smaller rectangle. This module walks a window's visible widgets and compares each
one's text with its size, the way a person would notice it on screen:

* a label that does not wrap must be as wide as its text (its `minimumSizeHint`), and as tall as one line;
* a label that wraps must be as tall as its text needs at its width (`heightForWidth`);
* a button, check box or radio button must be as wide as its text and indicator (`sizeHint`, minus the slack the
  style's padding allows before a letter is lost), and as tall as its text;
* no widget may reach past its parent's edge (a row of controls wider than its window is cut there).

What the clerk can scroll to is not cut off: a widget inside a scroll area is judged against its own rectangle,
not the viewport's. Text a widget elides on purpose (with "…", the tooltip holding the rest) declares it with
the dynamic property `elidesText`; such widgets are skipped. `find_clipped(window)` returns `Clip`s; `describe`
turns them into lines for an assertion message. The check runs in-process (pytest-qt at a given window size)
and in the real window through `ui_probe` (the harness asks for a state dump).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QCheckBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QWidget,
)

ELIDES_PROPERTY = "elidesText"
"""Set to True on a widget that shortens its own text on purpose (and shows the whole text elsewhere)."""
BUTTON_SLACK_PX = 12
"""A push button's size hint carries the stylesheet's padding (16 px a side): a button up to this much narrower
than its hint still shows every letter."""
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Clip:
    """One widget whose text does not fit: what it is, its text, and how much room it has against needs."""

    kind: str
    name: str
    text: str
    has: tuple[int, int]
    needs: tuple[int, int]
    path: str

    @property
    def axis(self) -> str:
        w = self.has[0] < self.needs[0]
        h = self.has[1] < self.needs[1]
        return "width and height" if w and h else "width" if w else "height"

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "axis": self.axis}


def find_clipped(root: QWidget) -> list[Clip]:
    """Every visible widget under `root` (itself included) whose text does not fit its size."""
    clips: list[Clip] = []
    for widget in _visible(root):
        clip = _check(widget)
        if clip is not None:
            clips.append(clip)
    return clips


def describe(clips: list[Clip]) -> str:
    return "\n".join(
        f"{c.kind} {c.name or '(unnamed)'} at {c.path}: “{c.text[:70]}” has {c.has[0]}×{c.has[1]}, "
        f"needs {c.needs[0]}×{c.needs[1]} ({c.axis})"
        for c in clips
    )


def _visible(root: QWidget) -> Iterator[QWidget]:
    if not root.isVisible():
        return
    yield root
    for child in root.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if child.isWindow():
            continue
        yield from _visible(child)


def _plain(text: str, rich: bool) -> str:
    if rich:
        text = _TAGS.sub("", text.replace("<br>", "\n"))
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip()


def _check(widget: QWidget) -> Clip | None:
    overflow = _overflow(widget)
    if overflow is not None:
        return overflow
    if widget.property(ELIDES_PROPERTY) or isinstance(widget, QAbstractScrollArea):
        return None
    if isinstance(widget, QLabel):
        return _check_label(widget)
    if isinstance(widget, (QPushButton, QCheckBox, QRadioButton)):
        return _check_button(widget)
    return None


def _overflow(widget: QWidget) -> Clip | None:
    """A widget that reaches past its parent's edge is cut there, whatever it shows (a row of buttons wider
    than its window). Scroll areas' contents are meant to reach past their viewport, and are skipped."""
    parent = widget.parentWidget()
    if widget.isWindow() or parent is None or _scrolled(widget):
        return None
    geometry = widget.geometry()
    over_w = geometry.right() - (parent.width() - 1)
    over_h = geometry.bottom() - (parent.height() - 1)
    if over_w <= 2 and over_h <= 2:
        return None
    text = getattr(widget, "text", lambda: "")
    words = text() if callable(text) else ""
    return _clip(
        widget,
        f"reaches past its parent's edge {words}".strip(),
        (parent.width() - geometry.x(), parent.height() - geometry.y()),
        (geometry.width(), geometry.height()),
    )


def _scrolled(widget: QWidget) -> bool:
    """Inside a scroll area's viewport (its content scrolls), or one of a scroll area's own parts."""
    w: QWidget | None = widget
    while w is not None and not w.isWindow():
        parent = w.parentWidget()
        if isinstance(parent, QAbstractScrollArea) or isinstance(w, QAbstractScrollArea):
            return True
        w = parent
    return False


def _check_label(label: QLabel) -> Clip | None:
    if label.pixmap() is not None and not label.pixmap().isNull():
        return None
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(label.text())
    )
    text = _plain(label.text(), rich)
    if not text:
        return None
    size = label.contentsRect().size()
    margins = label.width() - size.width(), label.height() - size.height()
    if label.wordWrap():
        needed_h = label.heightForWidth(label.width())
        if needed_h > label.height() + 1:
            return _clip(label, text, (label.width(), label.height()), (label.width(), needed_h))
        # A single word longer than the width cannot wrap: it is cut at the side.
        longest = max(
            (label.fontMetrics().horizontalAdvance(word) for word in text.split()), default=0
        )
        if longest > size.width() + 1:
            return _clip(
                label, text, (label.width(), label.height()), (longest + margins[0], label.height())
            )
        return None
    hint = label.minimumSizeHint()
    if hint.width() > label.width() + 1 or hint.height() > label.height() + 1:
        return _clip(
            label,
            text,
            (label.width(), label.height()),
            (max(hint.width(), label.width()), max(hint.height(), label.height())),
        )
    return None


def _check_button(button: QAbstractButton) -> Clip | None:
    text = _plain(button.text(), False)
    if not text:
        return None
    hint = button.sizeHint()
    slack = BUTTON_SLACK_PX if isinstance(button, QPushButton) else 2
    line_h = button.fontMetrics().height()
    if hint.width() - slack > button.width() or line_h > button.height():
        return _clip(
            button,
            text,
            (button.width(), button.height()),
            (max(hint.width() - slack, button.width()), max(line_h, button.height())),
        )
    return None


def _clip(widget: QWidget, text: str, has: tuple[int, int], needs: tuple[int, int]) -> Clip:
    return Clip(
        kind=type(widget).__name__,
        name=widget.objectName() or widget.accessibleName(),
        text=text.replace("\n", " ⏎ "),
        has=has,
        needs=needs,
        path=_path(widget),
    )


def _path(widget: QWidget) -> str:
    """The chain of named (or typed) ancestors up to the window, so a report says where on screen it is."""
    parts: list[str] = []
    w: QWidget | None = widget.parentWidget()
    while w is not None and not w.isWindow():
        name = w.objectName()
        if name and not name.startswith("qt_"):
            parts.append(name)
        elif type(w).__module__.startswith("intake_gui"):
            parts.append(type(w).__name__)
        w = w.parentWidget()
    top = widget.window()
    parts.append(top.windowTitle() or type(top).__name__)
    return " < ".join(parts)
