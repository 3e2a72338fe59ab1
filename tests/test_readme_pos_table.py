"""The README's table of what each POS supports must say what the drivers declare, one row per driver."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake_gui.pos.registry import registry

README = Path(__file__).resolve().parents[1] / "README.md"
COLUMNS = ["receive", "verify_packages", "verify_history", "verify_sellable", "count", "move"]


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


def row_of(display_name: str) -> list[str]:
    """The row whose POS cell is the driver's display name, maybe with the API named in brackets."""
    found = [cells for name, cells in table_rows().items() if name.split(" (")[0] == display_name]
    assert len(found) == 1, f"one README row for {display_name}"
    return found[0]


@pytest.mark.parametrize("kind", registry.kinds())
def test_readme_row_matches_the_drivers_capabilities(kind: str) -> None:
    driver = registry.get(kind)
    cells = row_of(driver.display_name)
    said = {
        col: cell.split()[0].rstrip(",—") == "yes" for col, cell in zip(COLUMNS, cells, strict=True)
    }
    assert said == {col: getattr(driver.summary, col) for col in COLUMNS}


def test_every_row_is_a_registered_pos() -> None:
    names = {d.display_name for d in registry}
    assert {name.split(" (")[0] for name in table_rows()} == names
