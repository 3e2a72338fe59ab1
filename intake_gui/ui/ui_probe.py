"""A state dump of the running window, written when a test harness asks for it (never in normal use).

The real-window tests drive the real `intake-gui` under Xvfb with xdotool. The journal, the log and screenshots
say what was recorded and how it looked, but not where the keyboard focus is, whether the status bar is on the
screen, or whether a label's words are cut off. With the environment variable `INTAKE_UI_PROBE` naming a folder,
the app polls that folder for a file `request` (any content; its text is echoed back as `id`) and answers with
`state.json` written atomically, then removes the request. Nothing is read or written without the variable.

The state holds: the screen's available geometry and scale, the main window's frame and whether its status
bar lies inside the screen, the wizard's step, the focused widget (class, object name, text, accessible name,
checked state, the current row of a list or table, the page it is on), the page's status line, the visible top-level windows, the verification lights, every clipped text
(`layout_check.find_clipped`) and every Alt+letter clash (`keyboard_check.mnemonic_clashes`, the wizard judged
on its current page) in each visible top-level window.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QPoint, QRect, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QMainWindow,
    QWidget,
)

from intake_gui.ui.keyboard_check import mnemonic_clashes
from intake_gui.ui.layout_check import find_clipped

log = logging.getLogger(__name__)

ENV = "INTAKE_UI_PROBE"
POLL_MS = 150


def install_from_env(window: QMainWindow) -> UiProbe | None:
    folder = os.environ.get(ENV)
    if not folder:
        return None
    probe = UiProbe(window, Path(folder))
    log.info("UI probe answering in %s", folder)
    return probe


class UiProbe(QObject):
    def __init__(self, window: QMainWindow, folder: Path) -> None:
        super().__init__(window)
        self.window = window
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def _poll(self) -> None:
        request = self.folder / "request"
        if not request.exists():
            return
        try:
            ident = request.read_text(encoding="utf-8").strip()
            state = {"id": ident, **snapshot(self.window)}
            tmp = self.folder / "state.json.tmp"
            tmp.write_text(json.dumps(state, indent=1, default=str), encoding="utf-8")
            tmp.replace(self.folder / "state.json")
        except Exception:  # a probe must never take the app down
            log.exception("UI probe failed")
        finally:
            request.unlink(missing_ok=True)


def _rect(r: QRect) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


def _text(widget: QWidget) -> str:
    if isinstance(widget, (QLabel, QAbstractButton, QLineEdit)):
        return widget.text()
    if isinstance(widget, QAbstractItemView):
        current = widget.currentIndex()
        return str(current.data() or "") if current.isValid() else ""
    return ""


def _page_of(widget: QWidget | None) -> str:
    while widget is not None:
        title = getattr(type(widget), "title", None)
        if isinstance(title, str) and title and widget.objectName() == "page":
            return title
        widget = widget.parentWidget()
    return ""


def describe_widget(widget: QWidget | None) -> dict[str, Any] | None:
    if widget is None:
        return None
    checkable = isinstance(widget, QAbstractButton) and widget.isCheckable()
    return {
        "class": type(widget).__name__,
        "name": widget.objectName(),
        "checked": widget.isChecked() if checkable else None,
        "text": _text(widget),
        "accessible": widget.accessibleName(),
        "window": widget.window().windowTitle(),
        "page": _page_of(widget),
        "rect": _rect(QRect(widget.mapTo(widget.window(), QPoint(0, 0)), widget.size())),
    }


def _page_status(wizard: Any) -> str:
    page = wizard.stack.currentWidget() if wizard is not None else None
    status = getattr(page, "status", None)
    return status.text() if isinstance(status, QLabel) and status.isVisible() else ""


def _clashes(top: QWidget, wizard: Any) -> dict[str, list[str]]:
    page = wizard.stack.currentWidget() if wizard is not None and wizard.window() is top else None
    return mnemonic_clashes(top, page)


def snapshot(window: QMainWindow) -> dict[str, Any]:
    screen = window.screen() or QGuiApplication.primaryScreen()
    available = screen.availableGeometry()
    frame = window.frameGeometry()
    bar = window.statusBar()
    bar_rect = QRect(bar.mapToGlobal(bar.rect().topLeft()), bar.size())
    wizard = getattr(window, "wizard", None)
    step = wizard.flow.step.value if wizard is not None else ""
    lights: dict[str, str] = {}
    if wizard is not None:
        for kind, card in wizard.verify_page.panel.cards.items():
            lights[str(getattr(kind, "value", kind))] = str(card.state.value)
    tops = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    focus = QApplication.focusWidget()
    active = QApplication.activeWindow()
    return {
        "screen": {
            "available": _rect(available),
            "size": _rect(screen.geometry()),
            "scale": screen.devicePixelRatio(),
        },
        "main": {
            "frame": _rect(frame),
            "maximized": window.isMaximized(),
            "status_bar": _rect(bar_rect),
            "status_bar_on_screen": bar.isVisible() and available.contains(bar_rect),
            "status_text": bar.currentMessage(),
        },
        "step": step,
        "stack_page": _page_of(wizard.stack.currentWidget()) if wizard is not None else "",
        "page_status": _page_status(wizard),
        "focus": describe_widget(focus),
        "active_window": active.windowTitle() if active is not None else "",
        "windows": [
            {"title": w.windowTitle(), "class": type(w).__name__, "rect": _rect(w.frameGeometry())}
            for w in tops
        ],
        "lights": lights,
        "clipped": [clip.as_dict() for w in tops for clip in find_clipped(w)],
        "mnemonic_clashes": {
            w.windowTitle(): clashes for w in tops if (clashes := _clashes(w, wizard))
        },
    }
