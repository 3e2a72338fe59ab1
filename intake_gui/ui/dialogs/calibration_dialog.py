"""Calibrate the scanner: scan one label a few times, and Intake learns how this scanner types.

Scanners differ: a corded imager types a code in 1-3 ms per key, some Bluetooth ones take 20-40 ms, some send
Tab instead of Enter, some a prefix character, some are programmed for another keyboard layout than the
station's, and some read one label twice for one pull of the trigger. Guessing wrong either splits scans into
typed text, mistakes a fast typist for a scanner, garbles codes, or eats items. The dialog puts the
application's ScannerFilter into calibrating mode (every burst is measured, nothing is scanned or typed), shows
each read in *characters* (Shift, AltGr and Ctrl presses are not characters: "3B4791" is 6, not 7), and
proposes settings from what it saw:

* the key gap, from the slowest gap between characters;
* the suffix and a control-character prefix;
* the double-read window, from reads of the same label that came too close for a person (< 150 ms after the
  previous read's Enter: the scanner fired twice) and bounded by the quickest deliberate re-scan;
* the scanner's keyboard layout against the station's, when the label is a *known code*: one the catalog
  knows, or the text printed under the barcode typed into the dialog. A read that only matches after
  translating (a US scanner on a German station reads "GUMß10" for "GUM-10") names both layouts.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_gui.domain.double_read import BLANKING_DEFAULT_MS, BLANKING_MAX_MS
from intake_gui.domain.keyboard_layouts import PREFERENCE, LayoutMap, detect
from intake_gui.ui.scanner_filter import GS, PASSTHROUGH_PROPERTY, FilterSettings, ScannerFilter

log = logging.getLogger(__name__)

SAMPLES_NEEDED = 3
MIN_GAP_MS = 15
"""Never propose less: the event loop alone can add a few ms of jitter between two scanner keys."""
MAX_GAP_MS = 100
"""Never propose more: people who type fast have ~60-100 ms between keys."""
DEFAULT_MIN_LENGTH = 4
DOUBLE_READ_MAX_GAP_MS = 150
"""A second read of the same label this soon after the first one's Enter is the scanner, not the clerk."""
MIN_BLANKING_MS = 60

KnownCode = Callable[[str], bool]


def known_codes(index: Any) -> KnownCode | None:
    """ "Does the catalog know this code?" from a CatalogIndex (None when there is no catalog yet)."""
    if index is None:
        return None
    from intake_gui.domain.barcode import interpret

    def known(text: str) -> bool:
        code = interpret(text)
        return code.valid and bool(index.resolve(code).products)

    return known


def propose_settings(
    samples: Sequence[Mapping[str, Any]],
    current: Mapping[str, Any] | None = None,
    *,
    known: KnownCode | None = None,
    expected: str = "",
) -> dict[str, Any]:
    """Scanner settings from calibration samples (the dicts `ScannerFilter.calibration_sample` emits).

    max_gap_ms: twice the slowest gap seen (plus margin), clamped to [15, 100]. suffix: the terminator all
    reads ended with ("either" when they differed, "none" when there was none). min_length: 4, or less if a
    read was shorter. prefix: control characters every read began with; otherwise the current prefix.
    blanking_ms: see `propose_blanking`. scanner_layout/station_layout: see `propose_layout`.
    """
    base = dict(current or {})
    settings = FilterSettings.from_any(base)
    proposal: dict[str, Any] = {
        "max_gap_ms": settings.max_gap_ms,
        "min_length": settings.min_length,
        "prefix": settings.prefix,
        "suffix": settings.suffix,
        "blanking_ms": int(base.get("blanking_ms", BLANKING_DEFAULT_MS)),
        "scanner_layout": settings.scanner_layout,
        "station_layout": settings.station_layout,
    }
    if not samples:
        return proposal
    slowest = max(int(s.get("max_gap_ms", 0)) for s in samples)
    proposal["max_gap_ms"] = min(
        MAX_GAP_MS, max(MIN_GAP_MS, math.ceil(max(2 * slowest, slowest + 10)))
    )
    terminators = {str(s.get("terminator", "")) for s in samples}
    if terminators == {""}:
        proposal["suffix"] = "none"
    elif len(terminators) == 1:
        proposal["suffix"] = terminators.pop()
    else:
        proposal["suffix"] = "either"
    prefix = _common_control_prefix([str(s.get("text", "")) for s in samples]) or settings.prefix
    proposal["prefix"] = prefix
    shortest = min(len(str(s.get("text", ""))) - len(prefix) for s in samples)
    proposal["min_length"] = max(1, min(DEFAULT_MIN_LENGTH, shortest))
    proposal["blanking_ms"] = propose_blanking(samples)
    layout = propose_layout(samples, known=known, expected=expected, prefix=prefix)
    if layout is not None:
        proposal["scanner_layout"], proposal["station_layout"] = layout
    return proposal


def double_read_gaps(samples: Sequence[Mapping[str, Any]]) -> tuple[list[int], list[int]]:
    """Gaps (ms) from one read's end to the next identical read's start: (double reads, deliberate scans)."""
    doubles: list[int] = []
    deliberate: list[int] = []
    for a, b in itertools.pairwise(samples):
        if a.get("text") != b.get("text") or not a.get("ended_ms") or not b.get("started_ms"):
            continue
        gap = int(b["started_ms"]) - int(a["ended_ms"])
        (doubles if 0 <= gap < DOUBLE_READ_MAX_GAP_MS else deliberate).append(gap)
    return doubles, deliberate


def propose_blanking(samples: Sequence[Mapping[str, Any]]) -> int:
    """The double-read window: twice the slowest double read seen (the default when none was seen), never
    more than half the quickest deliberate re-scan, within [60, 300] ms."""
    doubles, deliberate = double_read_gaps(samples)
    window = max(BLANKING_DEFAULT_MS, 2 * max(doubles)) if doubles else BLANKING_DEFAULT_MS
    if deliberate:
        window = min(window, min(deliberate) // 2)
    return max(MIN_BLANKING_MS, min(BLANKING_MAX_MS, window))


def propose_layout(
    samples: Sequence[Mapping[str, Any]],
    *,
    known: KnownCode | None,
    expected: str = "",
    prefix: str = "",
) -> tuple[str, str] | None:
    """(scanner layout, station layout) that makes the reads a known code; ("", "") when they already are
    one; None when nothing known matched (keep the current setting)."""
    reads = [str(s.get("raw_text", s.get("text", "")))[len(prefix) :] for s in samples]
    if not reads or len(set(reads)) != 1:
        return None
    raw = reads[0]
    if expected:
        found = detect(raw, expected.strip())
        return found[0] if found else None
    if known is None:
        return None
    if known(raw):
        return ("", "")
    for scanner in PREFERENCE:
        for station in PREFERENCE:
            if scanner != station and known(LayoutMap(scanner, station).translate(raw)):
                return (scanner, station)
    return None


def _common_control_prefix(texts: list[str]) -> str:
    prefix = ""
    for chars in zip(*texts, strict=False):
        first = chars[0]
        if all(c == first for c in chars) and ord(first) < 32 and first != GS:
            prefix += first
        else:
            break
    return prefix


def _visible(text: str) -> str:
    text = text.replace(GS, "<GS>")
    return "".join(c if c.isprintable() else f"<{ord(c):02X}>" for c in text)


def _describe(n: int, sample: Mapping[str, Any]) -> str:
    text = str(sample.get("text", ""))
    ending = {"enter": "Enter", "tab": "Tab", "": "no suffix"}.get(
        str(sample.get("terminator", "")), "?"
    )
    chars = int(sample.get("length", len(text)))
    return (
        f"{n}. {_visible(text)}  —  {chars} character{'s' if chars != 1 else ''}, slowest gap "
        f"{sample.get('max_gap_ms', 0)} ms, ends with {ending}"
    )


class CalibrationDialog(QDialog):
    settings_proposed = Signal(dict)
    """Emitted on Save with {max_gap_ms, min_length, prefix, suffix, blanking_ms, scanner_layout,
    station_layout}."""

    def __init__(
        self,
        scanner: ScannerFilter,
        parent: QWidget | None = None,
        *,
        current: Any = None,
        samples_needed: int = SAMPLES_NEEDED,
        known: Any = None,
    ) -> None:
        """`current` is the station's ScannerSettings (or a dict with the same keys); `known` is the catalog
        (a CatalogIndex) or a callable saying whether a code is known, for detecting the keyboard layout."""
        super().__init__(parent)
        self.setWindowTitle("Calibrate scanner")
        self.setMinimumWidth(560)
        self._scanner = scanner
        self._current = _mapping(current)
        self._known: KnownCode | None = known if callable(known) else known_codes(known)
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
        form = QFormLayout()
        self.expected_edit = QLineEdit()
        self.expected_edit.setPlaceholderText("optional: to check the keyboard layout")
        self.expected_edit.setProperty(PASSTHROUGH_PROPERTY, True)
        self.expected_edit.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # scans must not land in it
        self.expected_edit.textChanged.connect(lambda _t: self._update_proposal())
        self.expected_edit.returnPressed.connect(self.expected_edit.clearFocus)
        form.addRow("Text printed under the barcode:", self.expected_edit)
        layout.addLayout(form)
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
        line = _describe(len(self._samples), sample)
        self.samples_list.addItem(line)
        log.info("Calibration read %s", line)  # in the log too: what support asks for first
        self._update_proposal()

    def restart(self) -> None:
        self._samples.clear()
        self.samples_list.clear()
        self.proposal_label.setText("Waiting for the first scan…")
        self.save_button.setEnabled(False)

    def proposal(self) -> dict[str, Any]:
        return propose_settings(
            self._samples,
            self._current,
            known=self._known,
            expected=self.expected_edit.text(),
        )

    def result_settings(self) -> dict[str, Any] | None:
        """The saved proposal, or None if the dialog was cancelled."""
        return self._result

    def accept(self) -> None:
        if not self.save_button.isEnabled():
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

    def _reads(self) -> list[str]:
        """The distinct labels read, a double read counted once."""
        return list(dict.fromkeys(str(s["text"]) for s in self._samples))

    def _update_proposal(self) -> None:
        if not self._samples:
            return
        texts = self._reads()
        doubles, _ = double_read_gaps(self._samples)
        remaining = self._needed - (len(self._samples) - len(doubles))
        p = self.proposal()
        suffix = {"enter": "Enter", "tab": "Tab", "either": "Enter or Tab", "none": "no suffix"}[
            p["suffix"]
        ]
        lines = [
            f"Proposed: a scan is characters at most {p['max_gap_ms']} ms apart, at least "
            f"{p['min_length']} characters, ending with {suffix}"
            + (f", after a prefix of {len(p['prefix'])} character(s)." if p["prefix"] else ".")
        ]
        if doubles:
            lines.append(
                f"The scanner read the label twice for one trigger ({max(doubles)} ms after the first "
                f"read): the same code within {p['blanking_ms']} ms counts once."
            )
        else:
            lines.append(
                f"The same code within {p['blanking_ms']} ms of the previous read counts once "
                "(a scanner reading one label twice)."
            )
        layout = LayoutMap(p["scanner_layout"], p["station_layout"])
        if layout.active:
            meant = layout.translate(str(self._samples[-1].get("raw_text", "")))
            lines.append(f"Keyboard: {layout.describe()}; Intake will read “{_visible(meant)}”.")
        elif self._known is not None or self.expected_edit.text():
            lines.append("Keyboard: the scanner's layout matches this station's.")
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
    if hasattr(value, "model_dump"):
        return value.model_dump()
    settings = FilterSettings.from_any(value)
    return {
        "max_gap_ms": settings.max_gap_ms,
        "min_length": settings.min_length,
        "prefix": settings.prefix,
        "suffix": settings.suffix,
        "scanner_layout": settings.scanner_layout,
        "station_layout": settings.station_layout,
    }
