"""Garbage collection between scans instead of inside them.

A scan allocates (rows, cells, drawing plans), so the collector's counters trip every so often in the middle of
one, and a young collection (0.1-2 ms), a walk of the middle generation (1.5-7 ms) or of the whole unfrozen
heap (15-45 ms) then sits between the scanner's Enter and the line on screen. `HeapTidy` runs each when it is
half-way due, right after the scan's line has been painted (`services.heap.collect_when_quiet`): the clerk
has the line in front of them and the next scan is a few hundred milliseconds away.

"Right after the paint" is an event posted below Qt's own priority for repaints: Qt posts a widget's update
request at `Qt.LowEventPriority` and delivers posted events by priority, so this one comes after the repaint
the scan asked for, in the same turn of the event loop, whenever it was posted.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt

from intake_gui.services.heap import collect_when_quiet
from intake_gui.ui.scanner_filter import ScannerFilter

_AFTER_THE_PAINT = QEvent.Type(QEvent.registerEventType())
_BELOW_REPAINTS = Qt.EventPriority.LowEventPriority.value - 1


class HeapTidy(QObject):
    """Watches one scanner: after each scan has been handled and painted, collects if a collection is due."""

    def __init__(self, scanner: ScannerFilter) -> None:
        super().__init__(scanner)
        self._posted = False
        scanner.scanned.connect(self._scan_handled)

    def _scan_handled(self, _read: object) -> None:
        if not self._posted:  # a burst of scans in one turn needs one look at the counters
            self._posted = True
            QCoreApplication.postEvent(self, QEvent(_AFTER_THE_PAINT), _BELOW_REPAINTS)

    def event(self, event: QEvent) -> bool:
        if event.type() == _AFTER_THE_PAINT:
            self._posted = False
            collect_when_quiet()
            return True
        return super().event(event)
