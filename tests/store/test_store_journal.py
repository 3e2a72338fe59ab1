from __future__ import annotations

import itertools
import json
import logging
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

import intake_gui
from intake_gui.domain.models import DraftState, ReceiveDraft
from intake_gui.store.journal import SCHEMA_VERSION, Journal, JournalError

DraftFactory = Callable[..., ReceiveDraft]
ACTOR = {"actor": "kim", "station": "Back door"}


class Clock:
    """Deterministic time: every reading is one second after the last."""

    def __init__(self) -> None:
        self.now = datetime(2026, 4, 18, 15, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite3"


@pytest.fixture
def journal(path: Path) -> Iterator[Journal]:
    j = Journal(path, clock=Clock())
    yield j
    j.close()


def test_round_trip_keeps_every_line_field(journal: Journal, make_draft: DraftFactory) -> None:
    draft = make_draft(note="two boxes", delivered_by="Van 3")
    journal.save_draft(draft, **ACTOR)
    entry = journal.get(draft.draft_id)
    assert entry is not None
    assert entry.draft == draft
    line = entry.draft.lines[1]
    assert line.quantity == Decimal("3.5") and isinstance(line.quantity, Decimal)
    assert line.unit_cost == Decimal("4.25")
    assert line.expected == Decimal("4")
    assert line.expiration.isoformat() == "2027-01-31"  # type: ignore[union-attr]
    assert (line.package_tag, line.lot, line.variance_reason) == (
        "1A4FF0100000022000000001",
        "LOT-1",
        "one short in the case",
    )
    assert entry.state is DraftState.OPEN
    assert (entry.clerk, entry.station) == ("kim", "Back door")
    assert entry.created_at.tzinfo is not None
    assert entry.receipt_id is None and entry.submit_started_at is None


def test_saving_again_updates_payload_and_keeps_state(
    journal: Journal, make_draft: DraftFactory
) -> None:
    draft = make_draft(lines=1)
    journal.save_draft(draft, **ACTOR)
    journal.mark_submitting(draft.draft_id)
    journal.mark_failed(draft.draft_id, "Vendor is inactive")
    fixed = draft.model_copy(update={"title": "INV-1001 fixed"})
    journal.save_draft(fixed, actor="lee", station="Front")
    entry = journal.get(draft.draft_id)
    assert entry is not None
    assert entry.state is DraftState.FAILED
    assert entry.draft.title == "INV-1001 fixed"
    assert entry.clerk == "kim"  # who started it
    assert [e.kind for e in journal.events(draft.draft_id)].count("created") == 1


def test_happy_path_transitions(journal: Journal, make_draft: DraftFactory) -> None:
    draft = make_draft()
    journal.save_draft(draft, **ACTOR)
    journal.mark_submitting(draft.draft_id, actor="kim")
    entry = journal.get(draft.draft_id)
    assert entry is not None and entry.state is DraftState.SUBMITTING
    assert entry.submit_started_at is not None
    assert [e.draft_id for e in journal.pending_submissions()] == [draft.draft_id]

    journal.mark_submitted(draft.draft_id, 1379127)
    journal.mark_submitted(draft.draft_id, 1379127)  # a second reconciliation changes nothing
    assert journal.pending_submissions() == []

    journal.mark_verified(draft.draft_id, json.dumps({"packages": "amber"}), all_green=False)
    entry = journal.get(draft.draft_id)
    assert entry is not None
    assert entry.state is DraftState.SUBMITTED
    assert entry.last_verification == {"packages": "amber"}

    journal.mark_verified(draft.draft_id, json.dumps({"packages": "green"}), all_green=True)
    journal.mark_verified(draft.draft_id, json.dumps({"sellable": "amber"}), all_green=False)
    entry = journal.get(draft.draft_id)
    assert entry is not None
    assert entry.state is DraftState.VERIFIED  # a later, less green check does not demote it
    assert entry.receipt_id == 1379127
    assert entry.last_verification == {"sellable": "amber"}

    events = journal.events(draft.draft_id)
    assert [e.kind for e in events] == [
        "created",
        "submitting",
        "submitted",
        "verification",
        "verified",
        "verification",
    ]
    assert events[1].actor == "kim" and events[1].station == "Back door"
    assert events[2].data == {"from": "submitting", "to": "submitted", "receipt_id": 1379127}
    assert all(a.at < b.at for a, b in itertools.pairwise(events))


def test_refusal_reopen_and_abandon(journal: Journal, make_draft: DraftFactory) -> None:
    draft = make_draft()
    journal.save_draft(draft, **ACTOR)
    journal.mark_submitting(draft.draft_id)
    journal.mark_failed(draft.draft_id, "The POS refused it: Vendor is inactive")
    entry = journal.get(draft.draft_id)
    assert entry is not None
    assert entry.state is DraftState.FAILED
    assert entry.last_error == "The POS refused it: Vendor is inactive"
    journal.reopen(draft.draft_id)
    assert journal.get(draft.draft_id).state is DraftState.OPEN  # type: ignore[union-attr]
    journal.mark_submitting(draft.draft_id)
    assert journal.get(draft.draft_id).last_error is None  # type: ignore[union-attr]
    journal.mark_failed(draft.draft_id, "again")
    journal.mark_abandoned(draft.draft_id)
    assert journal.get(draft.draft_id).state is DraftState.ABANDONED  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("setup", "action"),
    [
        ([], lambda j, d: j.mark_submitted(d, 1)),
        ([], lambda j, d: j.mark_failed(d, "x")),
        ([], lambda j, d: j.mark_verified(d, "{}", True)),
        ([], lambda j, d: j.reopen(d)),
        (["submitting"], lambda j, d: j.mark_abandoned(d)),
        (["submitting", "submitted"], lambda j, d: j.mark_submitted(d, 2)),
        (["submitting", "submitted"], lambda j, d: j.mark_abandoned(d)),
        (["abandoned"], lambda j, d: j.mark_submitting(d)),
    ],
)
def test_illegal_transitions_are_refused(
    journal: Journal,
    make_draft: DraftFactory,
    setup: list[str],
    action: Callable[[Journal, str], None],
) -> None:
    draft = make_draft()
    journal.save_draft(draft, **ACTOR)
    steps = {
        "submitting": lambda: journal.mark_submitting(draft.draft_id),
        "submitted": lambda: journal.mark_submitted(draft.draft_id, 1),
        "abandoned": lambda: journal.mark_abandoned(draft.draft_id),
    }
    for step in setup:
        steps[step]()
    before = journal.get(draft.draft_id)
    with pytest.raises(JournalError):
        action(journal, draft.draft_id)
    assert journal.get(draft.draft_id) == before


def test_sent_drafts_cannot_be_edited(journal: Journal, make_draft: DraftFactory) -> None:
    draft = make_draft()
    journal.save_draft(draft, **ACTOR)
    journal.mark_submitting(draft.draft_id)
    with pytest.raises(JournalError, match="sent draft"):
        journal.save_draft(draft.model_copy(update={"title": "changed"}), **ACTOR)
    journal.save_draft(draft, **ACTOR)  # unchanged: a harmless no-op
    entry = journal.get(draft.draft_id)
    assert entry is not None
    assert entry.draft.title == "INV-1001"
    assert entry.state is DraftState.SUBMITTING


def test_resend_after_reconciliation_rearms_submitting(
    journal: Journal, make_draft: DraftFactory
) -> None:
    draft = make_draft()
    journal.save_draft(draft, **ACTOR)
    journal.mark_submitting(draft.draft_id)
    first = journal.get(draft.draft_id).submit_started_at  # type: ignore[union-attr]
    journal.mark_submitting(draft.draft_id)
    second = journal.get(draft.draft_id).submit_started_at  # type: ignore[union-attr]
    assert first is not None and second is not None and second > first
    kinds = [
        (e.kind, e.data["from"]) for e in journal.events(draft.draft_id) if e.kind == "submitting"
    ]
    assert kinds == [("submitting", "open"), ("submitting", "submitting")]


def test_unknown_draft(journal: Journal) -> None:
    assert journal.get("nope") is None
    with pytest.raises(JournalError, match="no draft"):
        journal.mark_submitting("nope")


def test_report_must_be_a_json_object(journal: Journal, make_draft: DraftFactory) -> None:
    draft = make_draft()
    journal.save_draft(draft, **ACTOR)
    journal.mark_submitting(draft.draft_id)
    journal.mark_submitted(draft.draft_id, 5)
    for bad in ("not json", "[1, 2]"):
        with pytest.raises(JournalError):
            journal.mark_verified(draft.draft_id, bad, True)


def test_duplicate_token_is_refused(journal: Journal, make_draft: DraftFactory) -> None:
    a = make_draft()
    journal.save_draft(a, **ACTOR)
    with pytest.raises(JournalError, match="refused"):
        journal.save_draft(make_draft(token=a.token), **ACTOR)


def test_open_drafts_newest_first(journal: Journal, make_draft: DraftFactory) -> None:
    old, new, empty_no_vendor, sent, failed = (
        make_draft(title="old"),
        make_draft(title="new"),
        make_draft(lines=0, vendor_id=0),
        make_draft(title="sent"),
        make_draft(title="failed"),
    )
    for d in (old, new, empty_no_vendor, sent, failed):
        journal.save_draft(d, **ACTOR)
    journal.mark_submitting(sent.draft_id)
    journal.mark_submitting(failed.draft_id)
    journal.mark_failed(failed.draft_id, "no")
    journal.save_draft(new.model_copy(update={"note": "touched"}), **ACTOR)
    assert [e.draft.title for e in journal.open_drafts()] == ["new", "old"]
    assert [e.draft.title for e in journal.open_drafts(include_failed=True)] == [
        "new",
        "failed",
        "old",
    ]
    journal.save_draft(make_draft(lines=0, title="vendor only"), **ACTOR)
    assert journal.open_drafts()[0].draft.title == "vendor only"


def test_lookup_by_receipt_and_token(journal: Journal, make_draft: DraftFactory) -> None:
    drafts = [make_draft(title=f"d{i}") for i in range(3)]
    for i, d in enumerate(drafts):
        journal.save_draft(d, **ACTOR)
        journal.mark_submitting(d.draft_id)
        journal.mark_submitted(d.draft_id, 100 + i)
    found = journal.by_receipt([100, 102, 999, 102])
    assert {k: v.draft.title for k, v in found.items()} == {100: "d0", 102: "d2"}
    assert journal.by_receipt([]) == {}
    assert (
        journal.by_receipt(range(0, 2000))[101].draft.title == "d1"
    )  # more ids than one query takes
    entry = journal.by_token(drafts[1].token)
    assert entry is not None and entry.receipt_id == 101
    assert journal.by_token("IN-NOPE") is None


def test_events_are_append_only(path: Path, journal: Journal, make_draft: DraftFactory) -> None:
    draft = make_draft()
    journal.save_draft(draft, **ACTOR)
    journal.record_event(
        draft.draft_id, "scan", {"code": "0100850000000012", "qty": Decimal("1")}, **ACTOR
    )
    events = journal.events(draft.draft_id)
    assert events[-1].kind == "scan"
    assert events[-1].data == {"code": "0100850000000012", "qty": "1"}
    raw = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute("UPDATE events SET kind = 'forged'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute("DELETE FROM events")
    finally:
        raw.close()
    assert journal.events(draft.draft_id) == events


def test_wal_mode_and_schema_version(path: Path, journal: Journal) -> None:
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        raw.close()


def test_a_newer_schema_is_refused(path: Path) -> None:
    Journal(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(JournalError, match="newer Intake"):
        Journal(path)


def test_a_file_that_is_not_a_database(path: Path) -> None:
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(JournalError, match="cannot be opened"):
        Journal(path)


def test_survives_reopen(path: Path, make_draft: DraftFactory) -> None:
    draft = make_draft()
    with Journal(path) as j:
        j.save_draft(draft, **ACTOR)
        j.mark_submitting(draft.draft_id)
        j.save_code_mapping("0100850000000012", 11484902, "3B4791", "Back door")
    with Journal(path) as j:
        assert j.get(draft.draft_id).draft == draft  # type: ignore[union-attr]
        assert [e.draft_id for e in j.pending_submissions()] == [draft.draft_id]
        assert j.code_mappings() == {"0100850000000012": (11484902, "3B4791")}
    with pytest.raises(JournalError, match="closed"):
        j.get(draft.draft_id)


def test_code_mappings_replace(journal: Journal) -> None:
    journal.save_code_mapping("X1", 1, "A", "s")
    journal.save_code_mapping("X1", 2, "B", "s")
    journal.save_code_mapping("X2", 3, "C", "s")
    assert journal.code_mappings() == {"X1": (2, "B"), "X2": (3, "C")}


def test_corrupt_payload_is_skipped_and_logged(
    path: Path, journal: Journal, make_draft: DraftFactory, caplog: pytest.LogCaptureFixture
) -> None:
    good, bad = make_draft(title="good"), make_draft(title="bad")
    journal.save_draft(good, **ACTOR)
    journal.save_draft(bad, **ACTOR)
    raw = sqlite3.connect(path)
    raw.execute("UPDATE drafts SET payload = '{\"truncated' WHERE draft_id = ?", (bad.draft_id,))
    raw.commit()
    raw.close()
    with caplog.at_level(logging.ERROR):
        assert [e.draft.title for e in journal.open_drafts()] == ["good"]
        assert journal.get(bad.draft_id) is None
    assert bad.draft_id in caplog.text


def test_concurrent_writers(journal: Journal, make_draft: DraftFactory) -> None:
    drafts = [make_draft(title=f"t{i}") for i in range(40)]

    def work(chunk: list[ReceiveDraft]) -> None:
        for d in chunk:
            journal.save_draft(d, **ACTOR)
            journal.record_event(d.draft_id, "scan", {}, **ACTOR)

    threads = [threading.Thread(target=work, args=(drafts[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(journal.open_drafts()) == 40


_KILLED_WRITER = """
import os, sys
from intake_gui.domain.models import ReceiveDraft
from intake_gui.store.journal import Journal

committed, pending = (ReceiveDraft.model_validate_json(s) for s in sys.stdin.read().split("\\n"))
j = Journal(sys.argv[1])
j.save_draft(committed, actor="kim", station="Back door")
j.mark_submitting(committed.draft_id)
# A second write is under way when the power goes: its transaction never commits.
conn = j._conn
conn.execute("BEGIN IMMEDIATE")
conn.execute(
    "INSERT INTO drafts (draft_id, state, pos, location_id, title, token, created_at, updated_at, payload)"
    " VALUES (?, 'open', 'dutchie', 1, 't', ?, 'x', 'x', ?)",
    (pending.draft_id, pending.token, pending.model_dump_json()),
)
os._exit(1)
"""


def test_kill_mid_write_loses_nothing_committed(path: Path, make_draft: DraftFactory) -> None:
    committed, pending = make_draft(title="committed"), make_draft(title="pending")
    env = {**os.environ, "PYTHONPATH": str(Path(intake_gui.__file__).resolve().parents[1])}
    proc = subprocess.run(
        [sys.executable, "-c", _KILLED_WRITER, str(path)],
        input=committed.model_dump_json() + "\n" + pending.model_dump_json(),
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    with Journal(path) as j:
        entry = j.get(committed.draft_id)
        assert entry is not None
        assert entry.draft == committed
        assert entry.state is DraftState.SUBMITTING
        assert j.get(pending.draft_id) is None
        assert [e.kind for e in j.events(committed.draft_id)] == ["created", "submitting"]
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        raw.close()
