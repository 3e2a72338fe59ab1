"""A regular install carries the stylesheet, icons and sounds as package data (`intake_gui.resources`).

Built from this source tree as a wheel (what `pip install .` installs), then read back through the same
`importlib.resources` lookup `ui/assets.py` uses: a file missing from the package data fails here, not on a
station.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ["style.qss", "icons/intake.svg", "icons/intake.png", "sounds/good.wav", "sounds/bad.wav"]


@pytest.mark.timeout(300)
def test_the_wheel_ships_every_resource_as_package_data(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (wheel,) = tmp_path.glob("intake_gui-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path / "site")
    for name in SHIPPED:
        assert f"intake_gui/resources/{name}" in names, name
        assert (ROOT / "resources" / name).read_bytes() == (
            tmp_path / "site" / "intake_gui" / "resources" / name
        ).read_bytes()
    assert not any(n.startswith(("share/", "intake_gui-0.1.0.data/")) for n in names)

    probe = (
        "import importlib.resources as r, sys; "
        "root = r.files('intake_gui.resources'); "
        f"sys.exit(0 if all(root.joinpath(n).is_file() for n in {SHIPPED!r}) else 1)"
    )
    env = {"PYTHONPATH": str(tmp_path / "site")}
    subprocess.run([sys.executable, "-S", "-c", probe], check=True, env=env, cwd=tmp_path)
