"""The station's log as the two faces use it: started once per run, and the one scrubber for any text a person sees.

The faces (ui, cli) may reach past services only for types and errors (the "Faces reach the store and the POS
through services" contract in pyproject.toml), so the crash dialog, the self-test and the start-up of both faces
come here rather than to `store.logs`. One scrubber matters: "Copy details" in the crash dialog and a self-test
line must mask exactly what the log masks.
"""

from __future__ import annotations

import logging
from pathlib import Path

from intake_gui.store import logs


def configure_logging(log_dir: Path, *, level: int = logging.INFO, console: bool = False) -> Path:
    """Send Intake's logging to the rotating file in `log_dir` (see `store.logs.configure_logging`)."""
    return logs.configure_logging(log_dir, level=level, console=console)


def redact(text: str) -> str:
    """Mask every credential the log would mask; safe on anything headed for a dialog or the clipboard."""
    return logs.redact(text)
