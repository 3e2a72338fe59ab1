"""An upgraded Intake reads the journal the previous version wrote, and never drops a draft it cannot validate.

`data/journal-v1.sqlite3` was written by the code before this change (schema 1, draft payloads without a version;
see `data/make_journal_v1.py`). Each test works on a copy: opening migrates the file in place.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import field_validator

from intake_gui.domain.models import DraftState, ReceiveDraft
from intake_gui.store import journal_payload
from intake_gui.store.journal import SCHEMA_VERSION, Journal

SAVED = Path(__file__).parent / "data" / "journal-v1.sqlite3"
STATES = {
    "v1-open": DraftState.OPEN,
    "v1-confirming": DraftState.SUBMITTING,
    "v1-sent": DraftState.SUBMITTED,
    "v1-verified": DraftState.VERIFIED,
    "v1-vault": DraftState.SUBMITTED,
    "v1-refused": DraftState.FAILED,
    "v1-dropped": DraftState.ABANDONED,
    "v1-odd": DraftState.SUBMITTING,
}


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    path = tmp_path / "journal.sqlite3"
    shutil.copyfile(SAVED, path)
    return path


@pytest.fixture
def upgraded(old_file: Path) -> Iterator[Journal]:
    with Journal(old_file, tenant="dutchie|https://tenant.example/api") as journal:
        yield journal


def test_the_saved_file_is_what_the_previous_version_wrote() -> None:
    raw = sqlite3.connect(f"file:{SAVED}?immutable=1", uri=True)  # reads, never writes
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
        payloads = [json.loads(p) for (p,) in raw.execute("SELECT payload FROM drafts")]
    finally:
        raw.close()
    assert len(payloads) == len(STATES)
    assert all("payload_version" not in p for p in payloads)


def test_every_draft_comes_back_in_its_state(upgraded: Journal) -> None:
    for draft_id, state in STATES.items():
        entry = upgraded.get(draft_id)
        assert entry is not None, draft_id
        assert entry.state is state
        assert entry.clerk == "Ana" and entry.station == "Receiving-2"
    assert [e.draft_id for e in upgraded.open_drafts(include_failed=True)] == [
        "v1-refused",
        "v1-open",
    ]
    assert {e.draft_id for e in upgraded.pending_submissions()} == {"v1-confirming", "v1-odd"}
    by_receipt = upgraded.by_receipt([1379127, 1379128, 1379129])
    assert {r: e.draft_id for r, e in by_receipt.items()} == {
        1379127: "v1-sent",
        1379128: "v1-verified",
        1379129: "v1-vault",
    }
    assert by_receipt[1379128].last_verification is not None
    assert upgraded.code_mappings() == {"0850012345678": (11484911, "3B47911")}
    assert upgraded.unreadable() == []


def test_lines_keep_their_exact_values(upgraded: Journal) -> None:
    opened = upgraded.get("v1-open")
    assert opened is not None
    assert [ln.quantity for ln in opened.draft.lines] == [Decimal("3"), Decimal("2.5")]
    odd = upgraded.get("v1-odd")
    assert odd is not None
    assert odd.draft.title == "Odd \x1b[31mINV\u202e-7008"  # today's rules accept it as stored
    assert odd.payload_problem is None


def test_schema_is_upgraded_and_old_events_are_kept_but_never_sent(
    old_file: Path, upgraded: Journal
) -> None:
    raw = sqlite3.connect(old_file)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert raw.execute("SELECT count(*) FROM events").fetchone()[0] == 24
        assert raw.execute("SELECT count(*) FROM events WHERE tenant IS NULL").fetchone()[0] == 24
    finally:
        raw.close()
    assert [e.kind for e in upgraded.events("v1-verified")] == [
        "created",
        "submitting",
        "submitted",
        "verified",
    ]
    # Events written before the upgrade have no tenant: they are never delivered to a shared record (they might
    # be training data); new ones are.
    assert upgraded.outbox.waiting("record-1|" + upgraded.tenant) == 0
    upgraded.record_event("v1-open", "scan", {"code": "3B4791"}, actor="Ana", station="R-2")
    batch = upgraded.outbox.batch("record-1|" + upgraded.tenant)
    assert [(e.draft_id, e.kind, e.location_id) for e in batch] == [("v1-open", "scan", 1989)]


def test_saving_a_sent_draft_unchanged_is_still_a_no_op(upgraded: Journal) -> None:
    """Recovery saves a draft before re-sending it; the new payload format must not read as an edit."""
    entry = upgraded.get("v1-confirming")
    assert entry is not None
    upgraded.save_draft(entry.draft, actor="Ana", station="Receiving-2")
    upgraded.mark_submitting("v1-confirming")
    changed = entry.draft.model_copy(update={"title": "Something else"})
    with pytest.raises(Exception, match="sent draft cannot be changed"):
        upgraded.save_draft(changed, actor="Ana", station="Receiving-2")


def test_new_saves_carry_the_payload_version(upgraded: Journal, old_file: Path) -> None:
    entry = upgraded.get("v1-open")
    assert entry is not None
    upgraded.save_draft(
        entry.draft.model_copy(update={"note": "resumed after the upgrade"}),
        actor="Ana",
        station="R-2",
    )
    raw = sqlite3.connect(old_file)
    try:
        (payload,) = raw.execute("SELECT payload FROM drafts WHERE draft_id = 'v1-open'").fetchone()
    finally:
        raw.close()
    assert json.loads(payload)["payload_version"] == journal_payload.PAYLOAD_VERSION


class _StricterDraft(ReceiveDraft):
    """What a later version's validators may look like: control and bidi characters refused in titles."""

    @field_validator("title")
    @classmethod
    def _no_controls(cls, v: str) -> str:
        if any(ord(c) < 32 or c in "\u202a\u202b\u202c\u202d\u202e" for c in v):
            raise ValueError("the title holds control characters")
        return v


def test_a_tightened_validator_never_drops_a_draft(
    upgraded: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal_payload, "ReceiveDraft", _StricterDraft)
    pending = {e.draft_id: e for e in upgraded.pending_submissions()}
    assert set(pending) == {"v1-confirming", "v1-odd"}, "the refused draft must stay in recovery"
    odd = pending["v1-odd"]
    assert odd.payload_problem is not None and "control characters" in odd.payload_problem
    assert odd.draft.token and odd.draft.title.startswith("Odd")
    assert odd.draft.location.loc_id == 1989 and odd.draft.location.timezone == "America/Phoenix"
    assert [ln.quantity for ln in odd.draft.lines] == [Decimal("3.5"), Decimal("15")]
    assert pending["v1-confirming"].payload_problem is None


def test_a_newer_payload_is_kept_with_a_problem(upgraded: Journal, make_draft) -> None:  # type: ignore[no-untyped-def]
    draft = make_draft(title="From the future")
    upgraded.save_draft(draft, actor="Ana", station="R-2")
    future = journal_payload.encode(draft).replace(
        f'"payload_version":{journal_payload.PAYLOAD_VERSION}', '"payload_version":99', 1
    )
    conn = upgraded._conn
    assert conn is not None
    conn.execute("UPDATE drafts SET payload = ? WHERE draft_id = ?", (future, draft.draft_id))
    entry = upgraded.get(draft.draft_id)
    assert entry is not None and entry.draft == draft
    assert entry.payload_problem is not None and "newer Intake" in entry.payload_problem


def test_a_damaged_payload_is_listed_not_hidden(upgraded: Journal) -> None:
    conn = upgraded._conn
    assert conn is not None
    conn.execute("UPDATE drafts SET payload = '{\"title\": ' WHERE draft_id = 'v1-confirming'")
    assert [e.draft_id for e in upgraded.pending_submissions()] == ["v1-odd"]
    (bad,) = upgraded.unreadable()
    assert (bad.draft_id, bad.state, bad.title) == (
        "v1-confirming",
        "submitting",
        "Confirming INV-7002",
    )
    assert "not JSON" in bad.error
