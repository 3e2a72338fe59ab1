"""The look: one stylesheet with size tokens, so large-type mode is a re-render, not a second stylesheet."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication, QStyle, QWidget

from intake_gui.ui.assets import asset_path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TypeScale:
    """Point sizes. Normal is readable at arm's length on a counter; large is for a tablet across the bench."""

    base_pt: int
    h2_pt: int
    h1_pt: int


NORMAL = TypeScale(base_pt=12, h2_pt=14, h1_pt=18)
LARGE = TypeScale(base_pt=16, h2_pt=18, h1_pt=24)


def scale_for(large_type: bool) -> TypeScale:
    return LARGE if large_type else NORMAL


def stylesheet(large_type: bool = False) -> str:
    """The QSS with its size tokens filled; an unreadable file degrades to Qt's default look, not a crash."""
    scale = scale_for(large_type)
    try:
        text = asset_path("style.qss").read_text(encoding="utf-8")
    except OSError:
        log.warning("style.qss is missing; using the default look", exc_info=True)
        return ""
    for token, value in (
        ("@base_pt@", scale.base_pt),
        ("@h2_pt@", scale.h2_pt),
        ("@h1_pt@", scale.h1_pt),
    ):
        text = text.replace(token, str(value))
    return text


def apply_theme(app: QApplication, *, large_type: bool = False) -> None:
    """Set font and stylesheet on the whole application (also re-applied when large type is toggled)."""
    scale = scale_for(large_type)
    font = QFont(app.font())
    font.setPointSize(scale.base_pt)
    app.setFont(font)
    app.setStyleSheet(stylesheet(large_type))


def app_icon() -> QIcon:
    icon = QIcon()
    for name in ("icons/intake.svg", "icons/intake.png"):
        path = asset_path(name)
        if path.exists():
            icon.addFile(str(path))
    return icon


def repolish(widget: QWidget, *, deep: bool = True) -> None:
    """Dynamic properties (state="green", flash="bad") only restyle after an unpolish/polish.

    `deep` repolishes the children too, for selectors such as `QFrame#light[state="red"] QLabel` that depend
    on the parent's property; the per-scan flash passes deep=False so a scan never restyles the whole table.
    """
    for w in (widget, *widget.findChildren(QWidget)) if deep else (widget,):
        style: QStyle = w.style()
        style.unpolish(w)
        style.polish(w)
        w.update()
