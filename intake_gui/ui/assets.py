"""One way to find the files shipped next to the code (stylesheet, icons, sounds).

A PyInstaller bundle unpacks data under `sys._MEIPASS`; a source checkout (and an editable install) keeps them in
`resources/` at the repo root; a regular pip install puts them under `<prefix>/share/intake/resources` (see
`[tool.setuptools.data-files]` in pyproject.toml). Every resource lookup goes through `asset_path` so the three
cannot drift apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parents[2] / "resources"
_INSTALLED_ROOT = Path(sys.prefix) / "share" / "intake" / "resources"


def resources_dir() -> Path:
    """The folder that holds `style.qss`, `icons/`, `sounds/`, frozen or not."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    if (_SOURCE_ROOT / "style.qss").is_file():
        return _SOURCE_ROOT
    return _INSTALLED_ROOT


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
