"""The one way Intake runs blocking work off the GUI thread.

Every network or disk call (services are blocking by design) goes through `Worker`, so the window stays
responsive and errors surface as signals instead of disappearing in a thread. The shape follows superqt/napari:
a `QRunnable` on the global pool with a separate `QObject` carrying typed signals, because a QRunnable cannot emit.

Progress and phase reports: pass the `PROGRESS` / `PHASE` sentinels where the function expects a callback and
the worker substitutes its own reporters, e.g. `start_worker(catalog.sync, loc, progress=PROGRESS)`.

Progress is throttled to one signal per `PROGRESS_INTERVAL_S` (the first and the final report always go out).
Every signal is a queued call that runs Python on the GUI thread, and a 17k catalog arriving over loopback
reports a hundred chunks in a few milliseconds: unthrottled, that backlog stalls the window (and a scan).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Sentinel:
    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


PROGRESS: Any = _Sentinel("PROGRESS")
"""Replaced by a `(done: int, total: int) -> None` callback that emits `progress`."""

PHASE: Any = _Sentinel("PHASE")
"""Replaced by a `(text: str) -> None` callback that emits `phase`."""

PROGRESS_INTERVAL_S = 0.1
"""At most this often a progress signal: ten updates a second is smooth for a bar and cheap for the GUI."""


class WorkerSignals(QObject):
    """Lives in the GUI thread; emissions from the pool thread are queued to receivers there."""

    started = Signal()
    progress = Signal(int, int)
    phase = Signal(str)
    returned = Signal(object)
    errored = Signal(object)
    finished = Signal()


_lock = threading.Lock()
_running: set[Worker] = set()
_alive: set[Worker] = set()


class Worker(QRunnable):
    """Runs `fn(*args, **kwargs)` once on a pool thread and reports through `signals`.

    Exceptions are emitted on `errored` (and logged with their traceback) — never swallowed, never raised into
    Qt's thread where they would vanish. `finished` always follows `returned` or `errored`.
    """

    def __init__(
        self, fn: Callable[..., Any], *args: Any, job_name: str = "", **kwargs: Any
    ) -> None:
        super().__init__()
        # Python owns the object: Qt deleting it after run() would leave the signals object dangling while
        # queued emissions are still on their way to the GUI thread.
        self.setAutoDelete(False)
        self.fn = fn
        self.args = tuple(self._substitute(a) for a in args)
        self.kwargs = {k: self._substitute(v) for k, v in kwargs.items()}
        self.name = job_name or getattr(fn, "__qualname__", repr(fn))
        self.signals = WorkerSignals()
        self.started_at: float | None = None
        self._progress_at = float("-inf")
        self._done = threading.Event()
        self.signals.finished.connect(self._release)

    def _substitute(self, value: Any) -> Any:
        if value is PROGRESS:
            return self.report_progress
        if value is PHASE:
            return self.report_phase
        return value

    def report_progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        final = 0 < total <= done
        if not final and now - self._progress_at < PROGRESS_INTERVAL_S:
            return
        self._progress_at = now
        self.signals.progress.emit(int(done), int(total))

    def report_phase(self, text: str) -> None:
        self.signals.phase.emit(str(text))

    @property
    def done(self) -> bool:
        """True once `fn` has returned or raised (the queued signals may still be on their way)."""
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def start(self) -> Worker:
        """Queue on the global pool. Connect to `signals` before calling this or early emissions are missed."""
        with _lock:
            _running.add(self)
            _alive.add(self)
        self.started_at = time.monotonic()
        QThreadPool.globalInstance().start(self)
        return self

    def run(self) -> None:
        self.signals.started.emit()
        error: BaseException | None = None
        result: Any = None
        try:
            result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:
            log.warning("worker %s failed", self.name, exc_info=exc)
            error = exc
        # Done before the result is announced: whoever reacts to `returned` sees no running work left.
        with _lock:
            _running.discard(self)
        self._done.set()
        if error is not None:
            self.signals.errored.emit(error)
        else:
            self.signals.returned.emit(result)
        self.signals.finished.emit()

    def _release(self) -> None:
        with _lock:
            _alive.discard(self)

    def __repr__(self) -> str:
        state = "done" if self.done else "running"
        return f"<Worker {self.name} {state}>"


def start_worker(
    fn: Callable[..., Any],
    *args: Any,
    on_returned: Callable[[Any], None] | None = None,
    on_errored: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    on_phase: Callable[[str], None] | None = None,
    on_finished: Callable[[], None] | None = None,
    on_started: Callable[[], None] | None = None,
    **kwargs: Any,
) -> Worker:
    """Build a Worker, connect the given callbacks (before it starts), and start it on the global pool."""
    worker = Worker(fn, *args, **kwargs)
    hooks = (
        (worker.signals.started, on_started),
        (worker.signals.progress, on_progress),
        (worker.signals.phase, on_phase),
        (worker.signals.returned, on_returned),
        (worker.signals.errored, on_errored),
        (worker.signals.finished, on_finished),
    )
    for signal, hook in hooks:
        if hook is not None:
            signal.connect(hook)
    return worker.start()


def running_workers() -> list[Worker]:
    """Workers whose function has not returned yet (for shutdown and for the test fixture)."""
    with _lock:
        return list(_running)


def wait_for_workers(timeout_s: float) -> bool:
    """Block until every worker's function has returned; False if some are still running after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    for worker in running_workers():
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not worker.wait(remaining):
            return False
    return True
