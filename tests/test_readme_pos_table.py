"""The README's table of what each POS supports must say what the connectors declare."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake_gui.pos.blaze.connector import BlazeConnector
from intake_gui.pos.dutchie.connector import DutchieConnector
from intake_gui.pos.indica.connector import IndicaConnector

README = Path(__file__).resolve().parents[1] / "README.md"
COLUMNS = ["receive", "verify_packages", "verify_history", "verify_sellable", "count", "move"]
ROWS = {
    "Dutchie Backoffice": DutchieConnector,
    "BLAZE (partner API)": BlazeConnector,
    "IndicaOnline (Open API v2.3)": IndicaConnector,
}


def table_rows() -> dict[str, list[str]]:
    lines = README.read_text(encoding="utf-8").split("## What each POS supports", 1)[1].splitlines()
    rows = {}
    for line in lines:
        if line.startswith("## "):
            break
        if line.startswith("| ") and not line.startswith("| POS") and not line.startswith("|---"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows[cells[0]] = cells[1:]
    return rows


@pytest.mark.parametrize("name", ROWS)
def test_readme_row_matches_capabilities(name):
    cells = table_rows()[name]
    caps = ROWS[name].capabilities
    said = {
        col: cell.split()[0].rstrip(",—") == "yes" for col, cell in zip(COLUMNS, cells, strict=True)
    }
    declared = {col: getattr(caps, col) for col in COLUMNS}
    assert said == declared


def test_every_row_is_a_known_pos():
    assert set(table_rows()) == set(ROWS)
