"""Calibrate the scanner: scan one label a few times, and Intake learns how fast this scanner types.

Scanners differ: a corded imager types a code in 1-3 ms per key, some Bluetooth ones take 20-40 ms, some send
Tab instead of Enter, some a prefix character. Guessing wrong either splits scans into typed text or mistakes
a fast typist for a scanner. The dialog puts the application's ScannerFilter into calibrating mode (every
burst is measured, nothing is scanned or typed), shows each read, and proposes settings from what it saw.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_gui.ui.scanner_filter import GS, FilterSettings, ScannerFilter

SAMPLES_NEEDED = 3
MIN_GAP_MS = 15
"""Never propose less: the event loop alone can add a few ms of jitter between two scanner keys."""
MAX_GAP_MS = 100
"""Never propose more: people who type fast have ~60-100 ms between keys."""
DEFAULT_MIN_LENGTH = 4


def propose_settings(
    samples: Sequence[Mapping[str, Any]], current: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Scanner settings from calibration samples (the dicts `ScannerFilter.calibration_sample` emits).

    max_gap_ms: twice the slowest gap seen (plus margin), clamped to [15, 100]. suffix: the terminator all
    reads ended with ("either" when they differed, "none" when there was none). min_length: 4, or less if a
    read was shorter. prefix: control characters every read began with; otherwise the current prefix.
    """
    base = FilterSettings.from_any(current)
    if not samples:
        return _as_dict(base)
    slowest = max(int(s.get("max_gap_ms", 0)) for s in samples)
    max_gap = min(MAX_GAP_MS, max(MIN_GAP_MS, math.ceil(max(2 * slowest, slowest + 10))))
    terminators = {str(s.get("terminator", "")) for s in samples}
    if terminators == {""}:
        suffix = "none"
    elif len(terminators) == 1:
        suffix = terminators.pop()
    else:
        suffix = "either"
    prefix = _common_control_prefix([str(s.get("text", "")) for s in samples]) or base.prefix
    shortest = min(len(str(s.get("text", ""))) - len(prefix) for s in samples)
    min_length = max(1, min(DEFAULT_MIN_LENGTH, shortest))
    return {"max_gap_ms": max_gap, "min_length": min_length, "prefix": prefix, "suffix": suffix}


def _common_control_prefix(texts: list[str]) -> str:
    prefix = ""
    for chars in zip(*texts, strict=False):
        first = chars[0]
        if all(c == first for c in chars) and ord(first) < 32 and first != GS:
            prefix += first
        else:
            break
    return prefix


def _as_dict(settings: FilterSettings) -> dict[str, Any]:
    return {
        "max_gap_ms": settings.max_gap_ms,
        "min_length": settings.min_length,
        "prefix": settings.prefix,
        "suffix": settings.suffix,
    }


def _describe(n: int, sample: Mapping[str, Any]) -> str:
    text = str(sample.get("text", "")).replace(GS, "<GS>")
    shown = "".join(c if c.isprintable() else f"<{ord(c):02X}>" for c in text)
    ending = {"enter": "Enter", "tab": "Tab", "": "no suffix"}.get(
        str(sample.get("terminator", "")), "?"
    )
    return (
        f"{n}. {shown}  —  {sample.get('length', len(text))} keys, slowest gap "
        f"{sample.get('max_gap_ms', 0)} ms, ends with {ending}"
    )


class CalibrationDialog(QDialog):
    settings_proposed = Signal(dict)
    """Emitted on Save with {max_gap_ms, min_length, prefix, suffix}."""

    def __init__(
        self,
        scanner: ScannerFilter,
        parent: QWidget | None = None,
        *,
        current: Any = None,
        samples_needed: int = SAMPLES_NEEDED,
    ) -> None:
        """`current` is the station's ScannerSettings (or a dict with the same keys)."""
        super().__init__(parent)
        self.setWindowTitle("Calibrate scanner")
        self.setMinimumWidth(520)
        self._scanner = scanner
        self._current = current
        self._needed = samples_needed
        self._samples: list[dict[str, Any]] = []
        self._result: dict[str, Any] | None = None
        self._was_calibrating = scanner.calibrating

        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Scan the barcode on any product {samples_needed} times, one after the other.\n"
            "Nothing is counted while this window is open; Intake only measures how your scanner types."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.samples_list = QListWidget()
        self.samples_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.samples_list, 1)
        self.proposal_label = QLabel("Waiting for the first scan…")
        self.proposal_label.setWordWrap(True)
        self.proposal_label.setAccessibleName("Proposed scanner settings")
        layout.addWidget(self.proposal_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.restart_button = QPushButton("Start &over")
        self.buttons.addButton(self.restart_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)
        # Enter and Tab belong to the scanner here; a default button would close the dialog mid-scan.
        for button in self.buttons.buttons():
            button.setAutoDefault(False)
            button.setDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.restart_button.clicked.connect(self.restart)
        layout.addWidget(self.buttons)

        scanner.calibration_sample.connect(self.add_sample)
        self._listening = True
        scanner.calibrating = True

    @property
    def samples(self) -> list[dict[str, Any]]:
        return list(self._samples)

    def add_sample(self, sample: Mapping[str, Any]) -> None:
        if not sample.get("text"):
            return
        self._samples.append(dict(sample))
        self.samples_list.addItem(_describe(len(self._samples), sample))
        self._update_proposal()

    def restart(self) -> None:
        self._samples.clear()
        self.samples_list.clear()
        self.proposal_label.setText("Waiting for the first scan…")
        self.save_button.setEnabled(False)

    def proposal(self) -> dict[str, Any]:
        return propose_settings(self._samples, _mapping(self._current))

    def result_settings(self) -> dict[str, Any] | None:
        """The saved proposal, or None if the dialog was cancelled."""
        return self._result

    def accept(self) -> None:
        if len(self._samples) < self._needed:
            return
        self._result = self.proposal()
        self.settings_proposed.emit(dict(self._result))
        super().accept()

    def done(self, result: int) -> None:
        self._scanner.calibrating = self._was_calibrating
        if self._listening:
            self._listening = False
            with contextlib.suppress(RuntimeError, TypeError):  # the filter was deleted first
                self._scanner.calibration_sample.disconnect(self.add_sample)
        super().done(result)

    def _update_proposal(self) -> None:
        texts = {s["text"] for s in self._samples}
        remaining = self._needed - len(self._samples)
        p = self.proposal()
        suffix = {"enter": "Enter", "tab": "Tab", "either": "Enter or Tab", "none": "no suffix"}[
            p["suffix"]
        ]
        lines = [
            f"Proposed: a scan is keys at most {p['max_gap_ms']} ms apart, at least {p['min_length']} "
            f"characters, ending with {suffix}"
            + (f", after a prefix of {len(p['prefix'])} character(s)." if p["prefix"] else ".")
        ]
        if len(texts) > 1:
            lines.append(
                "The reads were not all the same: scan the same label each time, or start over."
            )
        if remaining > 0:
            lines.append(f"Scan {remaining} more time{'s' if remaining > 1 else ''}.")
        self.proposal_label.setText("\n".join(lines))
        self.save_button.setEnabled(remaining <= 0 and len(texts) == 1)


def _mapping(value: Any) -> Mapping[str, Any] | None:
    if value is None or isinstance(value, Mapping):
        return value
    return _as_dict(FilterSettings.from_any(value))
