"""The clerk's retry after a crash: `kill -9` mid-submit, the same thing again, then recovery — counted in the POS.

Two faces, one probe (the one that found that a retry doubled the receive):
- CLI: `intake receive …` is killed with SIGKILL at a random moment after it printed "Sending to the POS…"
  (the sandbox holds the receive 0.3–1.5 s, so it commits after the client died in some runs and is dropped in
  others); the clerk runs **the same command again**, then `intake recover`.
- GUI: a station window (`gui_station.py`, its own process) is killed the same way after Submit; the clerk
  reopens Intake, answers any decision as a person would after looking in the POS, and enters the same delivery
  again (pressing Cancel if Intake warns it was sent before).

Afterwards, for every run: how many receives of that delivery the sandbox committed (its admin API, never what
the client believes) — exactly one is the only good answer — and whether the station's journal still holds a
draft of it that is "submitting" or waits for a decision (a receive nobody was asked about).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from intake_gui.sandbox import AZ_LOC_ID, TRAINING_SECRET, TRAINING_USER, EmbeddedSandbox
from intake_gui.sandbox.config import FaultRule

RECEIVE = "v2/inventory/receive"
HERE = Path(__file__).parent
UNSETTLED = ("submitting", "needs_decision")


def _env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "INTAKE_HOME": str(home),
        "INTAKE_USERNAME": TRAINING_USER,
        "INTAKE_PASSWORD": TRAINING_SECRET,
        "INTAKE_REQUEST_TIMEOUT_S": "2",
        "INTAKE_RATE_LIMIT_PER_MINUTE": "0",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        "QT_QPA_PLATFORM": "offscreen",
    }


def _arm_slow_receive(box: EmbeddedSandbox, rng: random.Random) -> None:
    box.admin.set_faults(
        [
            FaultRule(
                endpoint=RECEIVE,
                kind=rng.choice(["hang", "latency"]),
                latency_ms=rng.randint(300, 1500),
            )
        ]
    )


def _kill_after(proc: subprocess.Popen, marker: str, rng: random.Random) -> bool:
    """Wait for `marker` on the process's output, then SIGKILL it within 1.6 s. False if it never came."""
    stream = proc.stderr if marker.startswith("Sending") else proc.stdout
    assert stream is not None
    deadline = time.monotonic() + 90
    seen = False
    for line in stream:
        if marker in line:
            seen = True
            break
        if time.monotonic() > deadline:
            break
    time.sleep(rng.uniform(0.0, 1.6))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for pipe in (proc.stdout, proc.stderr):  # the killed process's pipes are ours to close
        if pipe is not None:
            pipe.close()
    return seen


def landed(box: EmbeddedSandbox, title: str) -> int:
    return sum(1 for r in box.admin.receives() if (r["order_title"] or "").startswith(title + " ["))


def unsettled_drafts(home: Path, title: str) -> list[str]:
    """States of this delivery's drafts that nobody settled or was asked about, read from the journal file."""
    path = home / "data" / "journal.sqlite3"
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT state FROM drafts WHERE title = ?", (title,)).fetchall()
    return [state for (state,) in rows if state in UNSETTLED]


def _account(box: EmbeddedSandbox, home: Path, title: str, tally: Any, label: str) -> bool:
    """Count one run; True when the delivery is in the POS exactly once and nothing of it is left open."""
    count = landed(box, title)
    left = unsettled_drafts(home, title)
    if count == 0:
        tally.lost += 1
        tally.problems.append(f"{label}: lost (not in the POS)")
    elif count > 1:
        tally.duplicated += 1
        tally.problems.append(f"{label}: duplicated x{count}")
    if left:
        tally.left_without_decision += 1
        tally.problems.append(f"{label}: left {left} with nobody asked")
    return count == 1 and not left


def run_cli_kills(box: EmbeddedSandbox, home: Path, kills: int, seed: int, tally: Any) -> None:
    rng = random.Random(seed + 1)
    env = _env(home)
    cli = [sys.executable, "-m", "intake_gui.cli", "--api-base", box.base_url]
    for k in range(kills):
        title = f"Kill run {seed}-{k}"
        receive = [
            *cli,
            "receive",
            "--loc",
            str(AZ_LOC_ID),
            "--vendor",
            "39195",
            "--room",
            "24772",
            "--title",
            title,
            "--line",
            f"3B4791={k + 1}",  # every run its own delivery: other lines, other paper
            "--verify-timeout",
            "0",
        ]
        _arm_slow_receive(box, rng)
        proc = subprocess.Popen(
            receive, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        _kill_after(proc, "Sending", rng)
        tally.kills += 1
        box.admin.clear_faults()
        # The clerk does the natural thing: the same command again.
        rerun = subprocess.run(receive, env=env, capture_output=True, text=True, timeout=180)
        tally.rerun_exit_codes[str(rerun.returncode)] += 1
        if "already in the POS" in rerun.stderr:
            tally.reruns_told_already_received += 1
        rec = subprocess.run(
            [*cli, "recover"], env=env, capture_output=True, text=True, timeout=180
        )
        if rec.returncode != 0:
            tally.problems.append(f"kill {k}: recover exited {rec.returncode}: {rec.stderr[-300:]}")
        tally.kills_landed_once += _account(box, home, title, tally, f"kill {k}")


def run_gui_kills(box: EmbeddedSandbox, home: Path, kills: int, seed: int, tally: Any) -> None:
    rng = random.Random(seed + 2)
    env = _env(home)
    station = [sys.executable, str(HERE / "gui_station.py"), "--api-base", box.base_url]
    station += ["--admin", box.root_url]
    for k in range(kills):
        title = f"GUI kill run {seed}-{k}"
        args = [*station, "--title", title, "--qty", str(k + 1)]
        _arm_slow_receive(box, rng)
        proc = subprocess.Popen(
            args, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        if not _kill_after(proc, "SUBMITTING", rng):
            tally.problems.append(f"GUI kill {k}: the station never reached Submit")
        tally.gui_kills += 1
        box.admin.clear_faults()
        reopened = subprocess.run(
            [*args, "--reopen"], env=env, capture_output=True, text=True, timeout=300
        )
        lines = [ln for ln in reopened.stdout.splitlines() if ln.startswith("{")]
        if reopened.returncode != 0 or not lines:
            tally.problems.append(
                f"GUI kill {k}: reopening failed ({reopened.returncode}): {reopened.stderr[-400:]}"
            )
        else:
            seen = json.loads(lines[-1])
            tally.gui_reentries_warned += int(seen["warned"])
            tally.gui_decisions += len(seen["decisions"])
        tally.gui_landed_once += _account(box, home, title, tally, f"GUI kill {k}")
