"""A history row without a readable date still proves a receive: every user of the date copes with None."""

from __future__ import annotations

from datetime import datetime

from intake_gui.domain.date_windows import merge_rows
from intake_gui.domain.models import HistoryRow
from intake_gui.services.history import HistoryEntry, receives_per_day
from intake_gui.ui.history_model import format_wall

DATED = HistoryRow(receipt_id=2, received_at=datetime(2026, 3, 17, 13, 42), title="A")
DATELESS = HistoryRow(receipt_id=1, title="B [IN-ABC]")


def test_sorting_and_merging_put_a_dateless_row_first_instead_of_failing() -> None:
    assert sorted([DATED, DATELESS], key=lambda r: r.sort_key) == [DATELESS, DATED]
    assert merge_rows([DATED, DATELESS, DATED]) == [DATELESS, DATED]
    assert merge_rows([DATED, DATELESS], newest_first=True) == [DATED, DATELESS]


def test_words_and_counts() -> None:
    assert format_wall(None) == "date unknown"
    assert format_wall(DATED.received_at) == "2026-03-17 13:42:00"
    days = receives_per_day([HistoryEntry(row=DATED), HistoryEntry(row=DATELESS)])
    assert days == {datetime(2026, 3, 17).date(): 1}
