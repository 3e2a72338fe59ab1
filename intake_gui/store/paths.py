"""Where Intake keeps its files, and the one way it replaces a file on disk.

All locations derive from a single `AppPaths` so tests (and a support technician) can move everything at once
with INTAKE_HOME. Nothing here touches the disk at import time: a frozen or read-only install must still be
able to import the package and show an error dialog.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "Intake"
APP_AUTHOR = "Intake"
HOME_ENV = "INTAKE_HOME"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    config_dir: Path
    cache_dir: Path
    log_dir: Path

    @property
    def journal_path(self) -> Path:
        """Lives with user data, not the cache: it is the only record of drafts not yet sent."""
        return self.data_dir / "journal.sqlite3"

    @property
    def settings_path(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def catalog_dir(self) -> Path:
        """A cache in the strict sense: deleting it costs one catalog sync, nothing else."""
        return self.cache_dir / "catalog"

    @property
    def sandbox_dir(self) -> Path:
        return self.data_dir / "sandbox"

    def ensure(self) -> AppPaths:
        """Create every directory; called when Intake starts using them, never on import."""
        for d in (
            self.data_dir,
            self.config_dir,
            self.cache_dir,
            self.log_dir,
            self.catalog_dir,
            self.sandbox_dir,
        ):
            d.mkdir(parents=True, exist_ok=True)
        return self


def app_paths() -> AppPaths:
    """INTAKE_HOME (one folder holding everything) when set, the platform's conventional places otherwise."""
    home = os.environ.get(HOME_ENV, "").strip()
    if home:
        root = Path(home).expanduser().absolute()  # a later chdir must not move the data
        return AppPaths(
            data_dir=root / "data",
            config_dir=root / "config",
            cache_dir=root / "cache",
            log_dir=root / "logs",
        )
    dirs = PlatformDirs(APP_NAME, APP_AUTHOR)
    return AppPaths(
        data_dir=Path(dirs.user_data_dir),
        config_dir=Path(dirs.user_config_dir),
        cache_dir=Path(dirs.user_cache_dir),
        log_dir=Path(dirs.user_log_dir),
    )


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace `path` so a reader sees the old file or the new one, never half of either.

    `durable` fsyncs before the rename so a power cut cannot leave an empty file behind the new name; caches
    may skip it because losing one costs only a re-sync.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        _replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _replace(src: Path, dst: Path) -> None:
    # On Windows a virus scanner or the indexer briefly holding `dst` open makes os.replace fail with
    # PermissionError; a few short retries ride that out instead of losing the write.
    attempts = 5 if sys.platform == "win32" else 1
    for attempt in range(attempts):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
