"""The look: one stylesheet with size tokens, so large-type mode is a re-render, not a second stylesheet.

Two axes fill the tokens. Type size (normal / large type, the clerk's choice) sets the point sizes. Density
(roomy / compact) follows the screen: a station's screen of 600-odd pixels in height (1024×600 netbooks, a
1366×768 laptop with a taskbar counts as roomy) gets tighter paddings, a smaller heading and banner and shorter
rows, so the Products page still shows its lines table. Density is decided from the screen's available height
when the theme is applied; widgets that size themselves in code (page margins, table rows) read `density()`
again when the stylesheet changes (a `QEvent.StyleChange`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtGui import QFont, QGuiApplication, QIcon
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


@dataclass(frozen=True)
class Density:
    """Spacing for the screen at hand. Pixel values are logical pixels (Qt scales them on a 150 % screen)."""

    compact: bool
    page_margins: tuple[int, int, int, int]
    page_spacing: int
    row_height: int
    """The lines table's rows: a finger's width at the dock when there is room, a little less when there is not."""
    button_min_h: int
    field_min_h: int
    item_min_h: int
    menu_pad: int
    banner_pad: int


ROOMY = Density(False, (24, 16, 24, 12), 10, 34, 36, 34, 34, 6, 6)
COMPACT = Density(True, (14, 6, 14, 6), 6, 30, 30, 30, 28, 3, 2)
COMPACT_BELOW_HEIGHT = 720
"""Screens with less available height than this (logical pixels) get the compact density: 1024×600 does,
1280×720 and 1920×1080 at 150 % (also 1280×720 logical) do not, and neither does 1366×768."""

_density = ROOMY


def density() -> Density:
    """The density of the theme applied last (roomy until a theme is applied)."""
    return _density


def scale_for(large_type: bool) -> TypeScale:
    return LARGE if large_type else NORMAL


def compact_for_screen() -> bool:
    """Whether the primary screen is too short for the roomy density."""
    screen = QGuiApplication.primaryScreen() if QGuiApplication.instance() is not None else None
    if screen is None:
        return False
    return screen.availableGeometry().height() < COMPACT_BELOW_HEIGHT


def stylesheet(large_type: bool = False, compact: bool = False) -> str:
    """The QSS with its size tokens filled; an unreadable file degrades to Qt's default look, not a crash."""
    scale = scale_for(large_type)
    dense = COMPACT if compact else ROOMY
    try:
        text = asset_path("style.qss").read_text(encoding="utf-8")
    except OSError:
        log.warning("style.qss is missing; using the default look", exc_info=True)
        return ""
    for token, value in (
        ("@base_pt@", scale.base_pt),
        ("@h2_pt@", scale.h2_pt),
        ("@h1_pt@", scale.h2_pt if compact else scale.h1_pt),
        ("@banner_pt@", scale.base_pt if compact else scale.h2_pt),
        ("@button_min_h@", dense.button_min_h),
        ("@field_min_h@", dense.field_min_h),
        ("@item_min_h@", dense.item_min_h),
        ("@menu_pad@", dense.menu_pad),
        ("@banner_pad@", dense.banner_pad),
    ):
        text = text.replace(token, str(value))
    return text


def apply_theme(
    app: QApplication, *, large_type: bool = False, compact: bool | None = None
) -> None:
    """Set font and stylesheet on the whole application (also re-applied when large type is toggled).

    `compact` None decides from the primary screen's available height (COMPACT_BELOW_HEIGHT)."""
    global _density
    if compact is None:
        compact = compact_for_screen()
    _density = COMPACT if compact else ROOMY
    scale = scale_for(large_type)
    font = QFont(app.font())
    font.setPointSize(scale.base_pt)
    app.setFont(font)
    app.setStyleSheet(stylesheet(large_type, compact))


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
