"""A single background thread that does the journal's writing, so the GUI thread never waits on the disk.

A scan autosaves the whole draft; a clerk scanning a case of 48 units fires 48 saves in a few seconds. Saves of
the same draft that are queued back to back collapse into the newest one (each holds the complete draft, so
nothing is lost), while anything queued in between keeps the order the caller gave. Plain `threading` and a
queue, no Qt: the CLI and tests use it too.

Before a submit the caller `flush()`es, so the draft on disk is the one that is sent.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from intake_gui.domain.models import ReceiveDraft
from intake_gui.store.journal import Journal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Job:
    fn: Callable[[Journal], None]
    draft_id: str | None = None
    """Set for draft saves only: the key on which consecutive saves coalesce."""


class JournalWriter:
    def __init__(
        self, journal: Journal, *, on_error: Callable[[BaseException], None] | None = None
    ) -> None:
        """`on_error` is called on the writer thread after a failed write (e.g. to warn the clerk)."""
        self.journal = journal
        self._on_error = on_error
        self._cond = threading.Condition()
        self._jobs: deque[_Job] = deque()
        self._busy = False
        self._closing = False
        self.last_error: BaseException | None = None
        self.error_count = 0
        self._thread = threading.Thread(target=self._run, name="intake-journal-writer", daemon=True)
        self._thread.start()
        # A daemon thread so a forgotten close() cannot hang exit; the atexit hook still drains the queue.
        atexit.register(self.close)

    def submit(self, fn: Callable[[Journal], None]) -> None:
        self._put(_Job(fn))

    def save_draft_async(self, draft: ReceiveDraft, actor: str, station: str) -> None:
        def save(journal: Journal) -> None:
            journal.save_draft(draft, actor=actor, station=station)

        self._put(_Job(save, draft.draft_id))

    def record_event_async(
        self, draft_id: str, kind: str, data: dict[str, Any], *, actor: str, station: str
    ) -> None:
        data = dict(data)  # the caller may go on mutating its dict after we return

        def record(journal: Journal) -> None:
            journal.record_event(draft_id, kind, data, actor=actor, station=station)

        self._put(_Job(record))

    @property
    def pending(self) -> int:
        with self._cond:
            return len(self._jobs) + (1 if self._busy else 0)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued so far is written (or has failed); False on timeout."""
        if threading.current_thread() is self._thread:
            raise RuntimeError(
                "flush() called from the journal writer thread would wait for itself"
            )
        with self._cond:
            return self._cond.wait_for(lambda: not self._jobs and not self._busy, timeout)

    def close(self, timeout: float = 5.0) -> bool:
        """Write what is queued, then stop the thread. True when it stopped in time. The journal stays open."""
        atexit.unregister(self.close)
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if threading.current_thread() is self._thread:
            return False
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _put(self, job: _Job) -> None:
        with self._cond:
            if self._closing:
                raise RuntimeError("the journal writer is closed")
            last = self._jobs[-1] if self._jobs else None
            if job.draft_id is not None and last is not None and last.draft_id == job.draft_id:
                self._jobs[-1] = job
            else:
                self._jobs.append(job)
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._jobs or self._closing)
                if not self._jobs:
                    return
                job = self._jobs.popleft()
                self._busy = True
            try:
                job.fn(self.journal)
            except Exception as exc:
                log.exception("Journal write failed")
                with self._cond:
                    self.last_error = exc
                    self.error_count += 1
                if self._on_error is not None:
                    try:
                        self._on_error(exc)
                    except Exception:
                        log.exception("Journal writer error callback failed")
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()
