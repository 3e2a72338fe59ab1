from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from intake_gui.domain.models import ReceiveDraft
from intake_gui.store.journal import Journal
from intake_gui.store.journal_writer import JournalWriter

DraftFactory = Callable[..., ReceiveDraft]


class SpyJournal:
    """Records what the writer asked for, in order; a gate lets a test hold the writer thread still."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.gate = threading.Event()
        self.gate.set()

    def save_draft(self, draft: ReceiveDraft, *, actor: str, station: str) -> None:
        self.gate.wait(5)
        self.calls.append(("save", draft.title))

    def record_event(
        self, draft_id: str, kind: str, data: dict[str, Any], *, actor: str, station: str
    ) -> None:
        self.gate.wait(5)
        self.calls.append(("event", (kind, data)))


@pytest.fixture
def spy() -> SpyJournal:
    return SpyJournal()


@pytest.fixture
def writer(spy: SpyJournal) -> Iterator[JournalWriter]:
    w = JournalWriter(spy)  # type: ignore[arg-type]
    yield w
    spy.gate.set()
    w.close()


def _hold(writer: JournalWriter, spy: SpyJournal) -> None:
    """Park the writer thread inside a job so later submissions queue up behind it."""
    spy.gate.clear()
    started = threading.Event()

    def park(journal: object) -> None:
        started.set()
        spy.gate.wait(5)

    writer.submit(park)
    assert started.wait(5)


def test_consecutive_saves_of_one_draft_coalesce(
    writer: JournalWriter, spy: SpyJournal, make_draft: DraftFactory
) -> None:
    draft = make_draft(title="v0")
    _hold(writer, spy)
    for i in range(1, 6):
        writer.save_draft_async(draft.model_copy(update={"title": f"v{i}"}), "kim", "s")
    assert writer.pending == 2  # the held job and one coalesced save
    spy.gate.set()
    assert writer.flush()
    assert spy.calls == [("save", "v5")]


def test_order_is_kept_across_other_work(
    writer: JournalWriter, spy: SpyJournal, make_draft: DraftFactory
) -> None:
    a, b = make_draft(title="a1"), make_draft(title="b1")
    _hold(writer, spy)
    writer.save_draft_async(a, "kim", "s")
    writer.save_draft_async(b, "kim", "s")
    data = {"code": "X"}
    writer.record_event_async(a.draft_id, "scan", data, actor="kim", station="s")
    data["code"] = "mutated later"
    writer.save_draft_async(a.model_copy(update={"title": "a2"}), "kim", "s")
    writer.save_draft_async(a.model_copy(update={"title": "a3"}), "kim", "s")
    spy.gate.set()
    assert writer.flush()
    assert spy.calls == [
        ("save", "a1"),
        ("save", "b1"),
        ("event", ("scan", {"code": "X"})),
        ("save", "a3"),
    ]


def test_flush_times_out_while_the_disk_is_stuck(writer: JournalWriter, spy: SpyJournal) -> None:
    _hold(writer, spy)
    assert writer.flush(timeout=0.05) is False
    spy.gate.set()
    assert writer.flush() is True
    assert writer.pending == 0


def test_errors_are_kept_logged_and_reported(
    spy: SpyJournal, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[BaseException] = []
    writer = JournalWriter(spy, on_error=seen.append)  # type: ignore[arg-type]
    try:

        def boom(j: object) -> None:
            raise OSError("disk I/O error")

        with caplog.at_level(logging.ERROR):
            writer.submit(boom)
            writer.record_event_async("d", "after", {}, actor="a", station="s")
            assert writer.flush()
        assert isinstance(writer.last_error, OSError)
        assert writer.error_count == 1
        assert seen == [writer.last_error]
        assert "Journal write failed" in caplog.text
        assert spy.calls == [("event", ("after", {}))]  # the queue keeps going
    finally:
        writer.close()


def test_close_drains_then_refuses(spy: SpyJournal, make_draft: DraftFactory) -> None:
    writer = JournalWriter(spy)  # type: ignore[arg-type]
    _hold(writer, spy)
    writer.save_draft_async(make_draft(title="last"), "kim", "s")
    threading.Timer(0.05, spy.gate.set).start()
    assert writer.close() is True
    assert spy.calls == [("save", "last")]
    with pytest.raises(RuntimeError, match="closed"):
        writer.submit(lambda j: None)
    assert writer.close() is True  # twice is fine


def test_flush_from_the_writer_thread_is_refused(writer: JournalWriter) -> None:
    writer.submit(lambda j: writer.flush())
    assert writer.flush()
    assert isinstance(writer.last_error, RuntimeError)
    assert "wait for itself" in str(writer.last_error)


def test_with_a_real_journal(tmp_path: Path, make_draft: DraftFactory) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    writer = JournalWriter(journal)
    try:
        draft = make_draft()
        for n in range(1, 4):
            writer.save_draft_async(draft.model_copy(update={"lines": draft.lines[:n]}), "kim", "s")
        writer.record_event_async(draft.draft_id, "scan", {"n": 3}, actor="kim", station="s")
        assert writer.flush()
        entry = journal.get(draft.draft_id)
        assert entry is not None and len(entry.draft.lines) == 2
        assert [e.kind for e in journal.events(draft.draft_id)] == ["created", "scan"]
        assert writer.last_error is None
    finally:
        writer.close()
        journal.close()
