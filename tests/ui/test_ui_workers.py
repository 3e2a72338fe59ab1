"""ui/workers: one pattern for blocking work, exceptions emitted (never swallowed), progress and phase relayed."""

from __future__ import annotations

import threading
import time

import pytest

from intake_gui.ui import workers
from intake_gui.ui.workers import (
    PHASE,
    PROGRESS,
    Worker,
    running_workers,
    start_worker,
    wait_for_workers,
)

pytestmark = pytest.mark.gui


def test_the_result_arrives_on_the_gui_thread(qtbot):
    seen: dict[str, object] = {}

    def work(a: int, b: int) -> int:
        seen["thread"] = threading.current_thread()
        return a + b

    received: list[tuple[object, object]] = []
    worker = Worker(work, 2, b=3)
    worker.signals.returned.connect(lambda v: received.append((v, threading.current_thread())))
    with qtbot.waitSignals(
        [worker.signals.started, worker.signals.returned, worker.signals.finished], timeout=5000
    ):
        worker.start()
    assert received == [(5, threading.main_thread())]
    assert seen["thread"] is not threading.main_thread()


def test_an_exception_is_emitted_not_swallowed(qtbot):
    def boom() -> None:
        raise ValueError("bad input")

    errors: list[BaseException] = []
    worker = start_worker(boom, on_errored=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert worker.done
    assert isinstance(errors[0], ValueError) and str(errors[0]) == "bad input"


def test_errored_is_followed_by_finished_and_not_by_returned(qtbot):
    events: list[str] = []

    def boom() -> None:
        raise RuntimeError("x")

    worker = Worker(boom)
    worker.signals.returned.connect(lambda _v: events.append("returned"))
    worker.signals.errored.connect(lambda _e: events.append("errored"))
    worker.signals.finished.connect(lambda: events.append("finished"))
    with qtbot.waitSignal(worker.signals.finished, timeout=5000):
        worker.start()
    assert events == ["errored", "finished"]


def test_progress_and_phase_sentinels_become_reporters(qtbot):
    def sync(location: str, progress, *, phase) -> str:
        phase("Loading…")
        for done in range(1, 4):
            progress(done, 3)
        return location

    progress: list[tuple[int, int]] = []
    phases: list[str] = []
    results: list[str] = []
    start_worker(
        sync,
        "AZ",
        PROGRESS,
        phase=PHASE,
        on_progress=lambda d, t: progress.append((d, t)),
        on_phase=phases.append,
        on_returned=results.append,
    )
    qtbot.waitUntil(lambda: results == ["AZ"], timeout=5000)
    # Reports closer together than PROGRESS_INTERVAL_S are dropped; the first and the final always arrive.
    assert progress == [(1, 3), (3, 3)]
    assert phases == ["Loading…"]


def test_progress_is_throttled_but_spaced_reports_all_arrive(qtbot, monkeypatch):
    monkeypatch.setattr(workers, "PROGRESS_INTERVAL_S", 0.02)

    def sync(progress) -> None:
        for done in range(200):  # a burst, as a body read over loopback reports it
            progress(done, 0)
        for done in (1, 2):
            time.sleep(0.03)
            progress(done, 4)
        progress(4, 4)

    progress: list[tuple[int, int]] = []
    worker = start_worker(sync, PROGRESS, on_progress=lambda d, t: progress.append((d, t)))
    qtbot.waitUntil(lambda: worker.done and progress[-1:] == [(4, 4)], timeout=5000)
    assert progress[0] == (0, 0) and len(progress) < 10
    assert progress[-3:] == [(1, 4), (2, 4), (4, 4)]


def test_running_workers_lists_work_until_it_returns(qtbot):
    gate = threading.Event()
    worker = start_worker(gate.wait, 5)
    assert worker in running_workers() and not worker.done
    assert wait_for_workers(0.05) is False
    gate.set()
    assert wait_for_workers(5) is True
    assert worker not in running_workers() and worker.done
