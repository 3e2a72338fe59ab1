"""The fault suite in its small CI form: faulted receives and kill -9 restarts, zero lost, zero duplicated.

The full-size run (>= 200 faulted receives, >= 20 kills) is `python tests/reliability/fault_suite.py`; its
figures are in RELIABILITY.md.
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


@pytest.mark.timeout(600)
def test_faulted_receives_land_exactly_once(suite):
    receives = int(os.environ.get("INTAKE_FAULT_RECEIVES", "40"))
    kills = int(os.environ.get("INTAKE_FAULT_KILLS", "3"))
    tally = suite.run(receives, kills, seed=11)
    assert tally.duplicated == 0, tally.problems
    assert tally.lost == 0, tally.problems
    assert tally.attempted == receives
    assert tally.landed_once + tally.refused_cleanly == receives, tally.problems
    assert tally.kills == kills
    assert tally.kills_landed_once + tally.kills_never_sent == kills, tally.problems
    assert sum(tally.faults.values()) >= receives
