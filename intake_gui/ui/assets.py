"""One way to find the files shipped with the code (stylesheet, icons, sounds).

The files live in the top-level `resources/` folder of the source tree and are installed as the package
`intake_gui.resources` (setup.py maps the folder; pyproject.toml lists the files as package data), so an installed
Intake reads them through `importlib.resources`. Two other places hold them: a PyInstaller bundle unpacks them
under `sys._MEIPASS/resources`, and an editable install or a plain checkout has no `intake_gui.resources`
package on the import path (setuptools' editable finder maps only top-level packages), so the source folder is
used. Every resource lookup goes through `asset_path` so the three cannot drift apart.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parents[2] / "resources"


def resources_dir() -> Path:
    """The folder that holds `style.qss`, `icons/`, `sounds/`, frozen or not."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    try:
        installed = resources.files("intake_gui.resources")
    except ModuleNotFoundError:
        return _SOURCE_ROOT
    # A wheel install is a plain directory; Intake is never run from a zip, so the Traversable is a real path.
    return Path(str(installed))


def asset_path(name: str) -> Path:
    """Absolute path of a shipped resource such as "icons/intake.svg".

    Refuses names that climb out of the resources folder: asset names come from code, and a typo that silently
    reads some other file would be worse than a loud error.
    """
    root = resources_dir()
    path = (root / name).resolve()
    if root.resolve() not in path.parents and path != root.resolve():
        raise ValueError(f"asset name {name!r} points outside the resources folder")
    return path
