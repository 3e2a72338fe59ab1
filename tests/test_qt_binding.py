"""Guard against a Qt binding that leaks references to None (PySide6 6.12.0 on Python 3.11 did).

A clerk's session calls void Qt methods tens of thousands of times; a leak of one None reference per call aborts
the interpreter ("none_dealloc") mid-delivery. pyproject caps PySide6 below 6.12 for this reason.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLineEdit


def test_void_qt_calls_do_not_leak_none(qapp):
    edit = QLineEdit()
    before = sys.getrefcount(None)
    for _ in range(2000):
        edit.setText("x")
        edit.setEnabled(True)
    assert sys.getrefcount(None) - before > -100
