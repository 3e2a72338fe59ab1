"""One profile, many processes: the GUI, `intake recover` and other commands may all start at once on a new profile
(issue 13, item 9: two first starts raced and one failed with "table drafts already exists")."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import intake_gui
from intake_gui.sandbox import TRAINING_SECRET, TRAINING_USER
from intake_gui.store.journal import SCHEMA_VERSION, Journal

SRC = str(Path(intake_gui.__file__).resolve().parents[1])
SAVED_V1 = Path(__file__).parent / "data" / "journal-v1.sqlite3"

# Each process waits for the starting gun, so they really open the file at the same moment, then writes.
_OPENER = """
import sys, time, pathlib
from intake_gui.store.journal import Journal
path, gun, name = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
while not gun.exists():
    time.sleep(0.0005)
with Journal(path, tenant="t") as journal:
    for i in range(25):
        journal.record_event("draft-" + name, "scan", {"i": i}, actor=name, station=name)
"""


def _race(path: Path, gun: Path, count: int) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, "PYTHONPATH": SRC}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _OPENER, str(path), str(gun), f"p{i}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(count)
    ]
    time.sleep(1.0)  # every interpreter imported and waiting
    gun.touch()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=90)
        results.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return results


def _check(path: Path, count: int) -> None:
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert raw.execute("SELECT count(*) FROM meta WHERE key = 'journal_id'").fetchone()[0] == 1
        for i in range(count):
            seen = [
                json_i
                for (json_i,) in raw.execute(
                    "SELECT json_extract(data, '$.i') FROM events WHERE draft_id = ? ORDER BY id",
                    (f"draft-p{i}",),
                )
            ]
            assert seen == list(range(25)), f"p{i}'s events lost or reordered"
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        raw.close()


def test_processes_starting_together_on_a_new_profile(tmp_path: Path) -> None:
    path = tmp_path / "profile" / "journal.sqlite3"
    results = _race(path, tmp_path / "go", 6)
    for r in results:
        assert r.returncode == 0, r.stderr
    _check(path, 6)


def test_processes_upgrading_an_old_journal_together(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    shutil.copyfile(SAVED_V1, path)
    results = _race(path, tmp_path / "go", 4)
    for r in results:
        assert r.returncode == 0, r.stderr
    _check(path, 4)
    with Journal(path) as journal:
        assert len(journal.pending_submissions()) == 2  # the old drafts survived the racing upgrade


def test_intake_commands_at_once_on_a_new_profile(tmp_path: Path, sandbox) -> None:  # type: ignore[no-untyped-def]
    """The real CLI: three `intake recover` and one `intake locations`, started together on an empty profile."""
    home = tmp_path / "fresh-home"
    env = {
        **os.environ,
        "PYTHONPATH": SRC,
        "INTAKE_HOME": str(home),
        "INTAKE_API_BASE": sandbox.base_url,
        "INTAKE_USERNAME": TRAINING_USER,
        "INTAKE_PASSWORD": TRAINING_SECRET,
        "INTAKE_RATE_LIMIT_PER_MINUTE": "0",
    }
    commands = [["recover"], ["recover"], ["recover"], ["--json", "locations"]]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "intake_gui.cli", *cmd],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for cmd in commands
    ]
    for cmd, p in zip(commands, procs, strict=True):
        out, err = p.communicate(timeout=90)
        assert p.returncode == 0, f"{cmd}: {err}"
        if "locations" in cmd:
            assert "1989" in out
        assert "Traceback" not in err
    journal_files = list(home.rglob("journal.sqlite3"))
    assert len(journal_files) == 1
    raw = sqlite3.connect(journal_files[0])
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        raw.close()
