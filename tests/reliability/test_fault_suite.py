"""The fault suite in its small CI form: faulted receives, kill -9 of the CLI and of the GUI mid-submit with the
clerk's retry, then recovery — 0 duplicated, 0 lost, 0 left without a decision, counted in the POS.

The full-size run (>= 200 faulted receives, 24 CLI kills, 6 GUI kills) is
`python tests/reliability/fault_suite.py`; its command and figures are in RELIABILITY.md.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def suite():
    spec = importlib.util.spec_from_file_location("fault_suite", HERE / "fault_suite.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["fault_suite"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.timeout(900)
def test_faulted_receives_and_retried_kills_land_exactly_once(suite):
    receives = int(os.environ.get("INTAKE_FAULT_RECEIVES", "30"))
    kills = int(os.environ.get("INTAKE_FAULT_KILLS", "3"))
    gui_kills = int(os.environ.get("INTAKE_FAULT_GUI_KILLS", "1"))
    tally = suite.run(receives, kills, seed=11, gui_kills=gui_kills, quick_outages=True)
    assert tally.duplicated == 0, tally.problems
    assert tally.lost == 0, tally.problems
    assert tally.left_without_decision == 0, tally.problems
    assert tally.problems == []
    assert tally.attempted == receives
    assert tally.landed_once == receives
    assert tally.kills == kills and tally.kills_landed_once == kills
    assert tally.gui_kills == gui_kills and tally.gui_landed_once == gui_kills
    assert sum(tally.faults.values()) >= receives
