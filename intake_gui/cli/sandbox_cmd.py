"""`intake sandbox`: the training sandbox in the foreground, for training or to point another tool at."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from intake_gui.cli.output import EXIT_OK, Output


def register(sub: Any) -> None:
    s = sub.add_parser("sandbox", help="run the training sandbox in the foreground")
    s.add_argument("--port", type=int, default=8765)
    s.add_argument("--data-dir", type=Path)
    s.add_argument(
        "--rate-limit", type=int, default=60, help="requests per minute per session (0 = off)"
    )
    s.add_argument(
        "--visibility-delay", type=float, default=0.0, help="seconds before new stock is sellable"
    )
    s.set_defaults(handler=cmd_sandbox, needs_context=False)


def cmd_sandbox(args: argparse.Namespace, out: Output) -> int:
    from intake_gui.sandbox import TRAINING_USER, SandboxConfig
    from intake_gui.sandbox.runner import serve_forever
    from intake_gui.services.sandbox_mounts import extra_mounts
    from intake_gui.store.paths import app_paths

    data_dir = args.data_dir or app_paths().sandbox_dir
    config = SandboxConfig(
        rate_limit_per_minute=args.rate_limit, visibility_delay_s=args.visibility_delay
    )

    def ready(base_url: str) -> None:
        out.info(
            f"Intake sandbox on {base_url}  (BLAZE under /blaze/, IndicaOnline under /indica/; "
            f"data: {data_dir}; training login: {TRAINING_USER})  Ctrl+C stops it."
        )

    serve_forever(data_dir, args.port, config, extra_mounts=extra_mounts(data_dir), on_ready=ready)
    return EXIT_OK
