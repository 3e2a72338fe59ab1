"""The other POS emulators, mounted beside the Dutchie one so one embedded sandbox serves all three kinds."""

from __future__ import annotations

from pathlib import Path


def extra_mounts(sandbox_dir: Path) -> dict[str, object]:
    from intake_gui.sandbox.blaze.app import create_app as create_blaze
    from intake_gui.sandbox.indica.app import create_app as create_indica

    return {
        "/blaze": create_blaze(sandbox_dir / "blaze"),
        "/indica": create_indica(sandbox_dir / "indica"),
    }
