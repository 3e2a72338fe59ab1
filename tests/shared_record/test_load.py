"""The load test of issue 15, small: five station processes against one sandbox and one PostgreSQL (6 receives each), a supervisor
reading history every second, one station `kill -9`ed while it sends and restarted, the database stopped in the
middle. Full size (200 receives a station, a 30 s outage): `tests/shared_record/load_run.py`, figures in
RELIABILITY.md. `INTAKE_LOAD_RECEIVES` / `INTAKE_LOAD_OUTAGE` scale this run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from load_run import run


@pytest.mark.timeout(900)
def test_every_event_of_every_station_exactly_once_in_order(tmp_path: Path) -> None:
    receives = int(os.environ.get("INTAKE_LOAD_RECEIVES", "6"))
    figures = run(
        stations=5,
        receives=receives,
        scans=3,
        outage_s=float(os.environ.get("INTAKE_LOAD_OUTAGE", "3")),
        kill=True,
        work=tmp_path,
        timeout_s=600,
        log=lambda _m: None,
    )
    per_station = figures["per_station"]
    assert [p["exit"] for p in per_station] == [0] * 5, per_station
    assert figures["kill"]["station"] == "Receiving-2"
    assert figures["kill"]["caught"] != "at a random moment", figures["kill"]  # it was sending
    assert [p["starts"] for p in per_station] == [1, 2, 1, 1, 1]
    assert [p["receives"] for p in per_station] == [receives] * 5
    assert figures["events_total"] >= 5 * receives * 6
    assert figures["missing_total"] == 0, per_station
    assert figures["extra_total"] == 0, per_station
    assert figures["duplicates_total"] == 0, per_station
    assert figures["all_in_order"], per_station
    assert figures["outage"]["seconds"] >= 3
    # The POS side too: every receive exactly once, none doubled by the kill and the restart.
    assert figures["pos_receives"] == 5 * receives and figures["pos_duplicate_titles"] == 0
    assert figures["supervisor_reads"] >= 3
