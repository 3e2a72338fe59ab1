"""Qt's own messages (qWarning and friends) go to Intake's log, with their category, instead of stderr.

A station runs without a console: a Qt warning printed to stderr is lost, and in the self-test it lands between
the report lines. Routed through `logging` it is kept in the rotating log with everything else a support
ticket needs. Installed once by `app.run` for the whole run, and around the self-test.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def qt_to_log(mode: QtMsgType, context: QMessageLogContext | None, message: str) -> None:
    category = getattr(context, "category", None) or "default"
    logger = logging.getLogger("qt" if category == "default" else f"qt.{category}")
    logger.log(_LEVELS.get(mode, logging.ERROR), "%s", message)


def install() -> Any:
    """Route Qt's messages to the log from now on; returns the handler that was installed before."""
    return qInstallMessageHandler(qt_to_log)


@contextmanager
def routed_to_log() -> Iterator[None]:
    previous = install()
    try:
        yield
    finally:
        qInstallMessageHandler(previous)
