"""What the garbage collector need not walk again: objects that live until they are replaced.

A full collection walks every object alive with the GIL held. On a station most of them live as long as the
process (modules, classes, the window: ~90k objects, 50-70 ms a walk) or as long as a catalog (17k products
are ~150k objects, 200k products over a million: a walk of 10 ms to over 100 ms). The collector runs a full
walk whenever enough new objects have survived, which during a receive means in the middle of a scan
(bench/bench_scan.py saw a 100 ms scan at 200k products). Moving such objects to the permanent generation
once they are in place takes them out of every later walk. They are still freed by reference counting when
the catalog is replaced; only reference cycles among them would outlive it, and the catalog's objects form
none (tests/services/test_heap.py checks a replaced catalog is freed).
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
