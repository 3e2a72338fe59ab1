"""The outbox sender against a real PostgreSQL: in order, exactly once, through crashes and outages."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from intake_gui.store.journal import Journal
from intake_gui.store.shared_record.config import parse
from intake_gui.store.shared_record.db import SharedRecordDB
from intake_gui.store.shared_record.schema import events
from intake_gui.store.shared_record.sender import OutboxSender, SharedRecordStatus, status_words


@pytest.fixture
def journal(tmp_path: Path, tenant: str) -> Iterator[Journal]:
    with Journal(tmp_path / "journal.sqlite3", tenant=tenant) as j:
        yield j


@pytest.fixture
def db(record) -> Iterator[SharedRecordDB]:  # type: ignore[no-untyped-def]
    database = SharedRecordDB(parse(record.url()), password=record.station.password)
    yield database
    database.dispose()


@pytest.fixture
def make_sender(journal: Journal, db: SharedRecordDB) -> Iterator[Callable[..., OutboxSender]]:
    started: list[OutboxSender] = []

    def make(**kw: object) -> OutboxSender:
        kw.setdefault("poll_s", 0.2)
        kw.setdefault("max_backoff_s", 0.5)
        sender = OutboxSender(journal, db, **kw).start()  # type: ignore[arg-type]
        started.append(sender)
        return sender

    yield make
    for sender in started:
        sender.stop()


def _shared(db: SharedRecordDB, journal: Journal) -> list[tuple[int, str, str]]:
    with db.engine.connect() as conn:
        return [
            (r.journal_seq, r.kind, r.draft_id)
            for r in conn.execute(
                select(events.c.journal_seq, events.c.kind, events.c.draft_id)
                .where(events.c.journal_id == journal.journal_id)
                .order_by(events.c.seq)
            )
        ]


def _scans(journal: Journal, n: int, draft: str = "d1", start: int = 0) -> None:
    for i in range(start, start + n):
        journal.record_event(draft, "scan", {"code": f"C{i}"}, actor="Ana", station="Receiving-1")


def test_events_arrive_in_order_exactly_once(
    journal: Journal, db: SharedRecordDB, make_sender, make_draft
) -> None:  # type: ignore[no-untyped-def]
    draft = make_draft(title="INV-5501")
    journal.save_draft(draft, actor="Ana", station="Receiving-1")
    _scans(journal, 30, draft.draft_id)
    journal.mark_submitting(draft.draft_id, actor="Ana")
    journal.mark_submitted(draft.draft_id, 1379127, actor="Ana")
    sender = make_sender(batch=7)
    assert sender.flush(15), sender.status()
    got = _shared(db, journal)
    assert [seq for seq, _k, _d in got] == list(range(1, 34))
    assert [k for _s, k, _d in got][:2] == ["created", "scan"]
    assert [k for _s, k, _d in got][-2:] == ["submitting", "submitted"]
    with db.engine.connect() as conn:
        submitting = conn.execute(
            select(events).where(
                events.c.journal_id == journal.journal_id, events.c.kind == "submitting"
            )
        ).one()
        submitted = conn.execute(
            select(events.c.receipt_id).where(
                events.c.journal_id == journal.journal_id, events.c.kind == "submitted"
            )
        ).scalar_one()
    assert submitting.draft["title"] == "INV-5501" and len(submitting.draft["lines"]) == 2
    assert (submitting.vendor_id, submitting.delivery_ref) == (39195, "inv5501")
    assert submitting.location_id == 1989 and submitting.lines_fp
    assert submitted == 1379127
    with db.engine.connect() as conn:
        empty = conn.execute(
            select(events.c.kind).where(
                events.c.journal_id == journal.journal_id,
                events.c.draft.is_(None),
                events.c.report.is_(None),
            )
        ).scalars()
        assert set(empty) == {"scan", "submitted"}, "no snapshot is SQL NULL, not JSON null"
    status = sender.status()
    assert status.state == "up_to_date" and status.waiting == 0 and status.delivered == 33
    assert status_words(status) == "shared record: up to date"


def test_a_crash_between_commit_and_cursor_doubles_nothing(
    journal: Journal, db: SharedRecordDB, make_sender, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    _scans(journal, 10)
    real_ack = journal.outbox.ack
    calls = {"n": 0}

    def dying_ack(target: str, last_id: int) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("the power went after the database committed")
        real_ack(target, last_id)

    monkeypatch.setattr(journal.outbox, "ack", dying_ack)
    sender = make_sender()
    assert sender.flush(15), sender.status()
    assert calls["n"] >= 2, "the batch was sent again after the failed acknowledgement"
    assert [s for s, _k, _d in _shared(db, journal)] == list(range(1, 11))


def test_the_database_going_away_and_coming_back(
    journal: Journal, db: SharedRecordDB, make_sender, record
) -> None:  # type: ignore[no-untyped-def]
    seen: list[SharedRecordStatus] = []
    sender = make_sender(on_status=seen.append)
    _scans(journal, 5)
    assert sender.flush(15)
    record.server.stop()
    try:
        _scans(journal, 7, start=5)  # the clerk keeps scanning; nothing waits for the network
        deadline = time.monotonic() + 20
        # Each failed attempt (every ≤0.5 s here) recounts what waits.
        while (sender.status().state, sender.status().waiting) != ("offline", 7):
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        status = sender.status()
        assert status.state == "offline" and status.waiting == 7
        assert status.offline_since is not None
        words = status_words(status)
        assert words.startswith("shared record: offline since ") and words.endswith(", 7 waiting")
    finally:
        record.server.start()
    assert sender.flush(30), sender.status()
    assert [s for s, _k, _d in _shared(db, journal)] == list(range(1, 13))
    assert any(s.state == "offline" for s in seen) and seen[-1].state == "up_to_date"


def test_only_this_tenants_events_are_sent(
    journal: Journal, db: SharedRecordDB, make_sender
) -> None:  # type: ignore[no-untyped-def]
    real = journal.tenant
    journal.tenant = "embedded-sandbox"  # training data
    _scans(journal, 3, "training")
    journal.tenant = real
    _scans(journal, 2, "real")
    assert make_sender().flush(15)
    assert [(s, d) for s, _k, d in _shared(db, journal)] == [(4, "real"), (5, "real")]


def test_text_the_database_cannot_store_is_cleaned_not_stuck(
    journal: Journal, db: SharedRecordDB, make_sender
) -> None:  # type: ignore[no-untyped-def]
    journal.record_event("d1", "scan", {"raw": "3B4\x0091"}, actor="A\x00na", station="R-1")
    _scans(journal, 1)
    assert make_sender().flush(15)
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(events.c.actor, events.c.data)
            .where(events.c.journal_id == journal.journal_id)
            .order_by(events.c.journal_seq)
        ).all()
    assert rows[0] == ("A\ufffdna", {"raw": "3B4\ufffd91"})
    assert len(rows) == 2


def test_two_senders_on_one_journal(journal: Journal, db: SharedRecordDB, make_sender) -> None:  # type: ignore[no-untyped-def]
    """The GUI and `intake recover` on one profile both send: each event once, in the station's order."""
    first, second = make_sender(batch=3), make_sender(batch=5)
    for i in range(6):
        _scans(journal, 10, start=i * 10)
    assert first.flush(20) and second.flush(20)
    assert [s for s, _k, _d in _shared(db, journal)] == list(range(1, 61))


def test_flush_waits_for_events_written_just_before(
    journal: Journal, db: SharedRecordDB, make_sender
) -> None:  # type: ignore[no-untyped-def]
    """A station about to exit flushes: what it wrote a moment before must be in the record when flush says so,
    even though the sender's status still says "up to date" from its previous pass."""
    sender = make_sender(poll_s=5.0)
    assert sender.flush(15)
    for n in range(1, 21):
        _scans(journal, 1, start=n)
        assert sender.flush(15), sender.status()
        assert len(_shared(db, journal)) == n, f"flush returned before event {n} was delivered"
