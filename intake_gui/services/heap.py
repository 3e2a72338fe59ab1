"""What the garbage collector need not walk again: objects that live until they are replaced.

A full collection walks every object alive with the GIL held. On a station most of them live as long as the
process (modules, classes, the window: ~90k objects, 50-70 ms a walk) or as long as a catalog (17k products
are ~150k objects, 200k products over a million: a walk of 10 ms to over 100 ms). The collector runs a full
walk whenever enough new objects have survived, which during a receive means in the middle of a scan
(bench/bench_scan.py saw a 100 ms scan at 200k products). Moving such objects to the permanent generation
once they are in place takes them out of every later walk. They are still freed by reference counting when
the catalog is replaced; only reference cycles among them would outlive it, and the catalog's objects form
none (tests/services/test_heap.py checks a replaced catalog is freed).

What is not frozen is still collected, by generation, when allocations trip the collector's counters, and that
also tends to happen in the middle of a scan. `collect_when_quiet` runs each generation's collection early, at
a moment chosen by the caller (right after a scan's line is on screen, ui/heap_tidy.py), so the counters that
would start them do not trip inside a scan.
"""

from __future__ import annotations

import gc
import logging
import time

log = logging.getLogger(__name__)


def set_aside(what: str) -> None:
    """Freeze everything alive now (after a young collection, so recent garbage is not frozen with it)."""
    started = time.perf_counter()
    gc.collect(1)
    gc.freeze()
    log.debug(
        "Set aside %s: %d objects frozen (%.1f ms)",
        what,
        gc.get_freeze_count(),
        (time.perf_counter() - started) * 1000,
    )


def collect_when_quiet() -> int | None:
    """Run the collection the collector would soon start by itself, now, while no scan waits on it.

    CPython collects the young generation after `threshold0` (700) new container objects, the middle one after
    every `threshold1` (10) young collections, and everything not frozen after every `threshold2` (10) of those.
    A scan allocates ~90, so a young collection (0.1-0.8 ms) lands inside about one scan in eight; between
    scans on a station the middle generation holds ~6,500 objects (1.5-3 ms to walk) and the whole unfrozen
    heap ~70k (15-30 ms), and bench/bench_scan.py saw one or the other inside ~1 % of scans. Called between
    scans, this runs each generation's collection once half of what would trip it has built up (so a scan
    would need as much again to trip it itself), and everything once its count is due; the counts then start
    again. Returns the generation collected, or None.

    Unlike the collector's own trigger, a full walk here does not wait for the long-lived objects to have grown
    by a quarter: it runs at most once every ~50 young collections (hundreds of scans), between two scans.
    """
    if not gc.isenabled():
        return None
    young, young_runs, middle_runs = gc.get_count()
    young_due, middle_due, full_due = gc.get_threshold()
    generation = None
    if middle_runs >= max(1, full_due):
        generation = 2
    elif young_runs >= max(1, middle_due // 2):
        generation = 1
    elif young >= max(1, young_due // 2):
        generation = 0
    if generation is not None:
        gc.collect(generation)
    return generation
