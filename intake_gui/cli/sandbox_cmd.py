"""`intake sandbox`: the training sandbox in the foreground, for training or to point another tool at."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from intake_gui.cli.output import EXIT_OK, CliError, Output

DIALECT_HELP = "course (default), webui, camel, sparse or moody"
"""Named here rather than imported: building the parser must not load the sandbox (uvicorn) on every
command; `cmd_sandbox` checks the name against the sandbox's own list."""


def register(sub: Any) -> None:
    s = sub.add_parser("sandbox", help="run the training sandbox in the foreground")
    s.add_argument("--port", type=int, default=8765)
    s.add_argument("--data-dir", type=Path)
    s.add_argument(
        "--dialect",
        default="course",
        help="wire shape and ids of the same data: " + DIALECT_HELP,
    )
    s.add_argument(
        "--rate-limit",
        type=int,
        help="requests per minute per session (0 = off; default 60, or the dialect's)",
    )
    s.add_argument(
        "--visibility-delay",
        type=float,
        help="seconds before new stock is sellable (default 0, or the dialect's)",
    )
    s.set_defaults(handler=cmd_sandbox, needs_context=False)


def cmd_sandbox(args: argparse.Namespace, out: Output) -> int:
    from intake_gui.sandbox import DIALECT_NAMES, TRAINING_USER, SandboxConfig
    from intake_gui.sandbox.runner import serve_forever
    from intake_gui.services.sandbox_mounts import extra_mounts
    from intake_gui.store.paths import app_paths

    if args.dialect.strip().lower() not in DIALECT_NAMES:
        raise CliError(f"Unknown dialect '{args.dialect}': choose {', '.join(DIALECT_NAMES)}.")
    data_dir = args.data_dir or app_paths().sandbox_dir
    settings: dict[str, Any] = {"dialect": args.dialect}
    if args.rate_limit is not None:
        settings["rate_limit_per_minute"] = args.rate_limit
    if args.visibility_delay is not None:
        settings["visibility_delay_s"] = args.visibility_delay
    config = SandboxConfig(**settings)

    def ready(base_url: str) -> None:
        out.info(
            f"Intake sandbox on {base_url}  (dialect {config.dialect}; BLAZE under /blaze/, "
            f"IndicaOnline under /indica/; data: {data_dir}; training login: {TRAINING_USER})  "
            "Ctrl+C stops it."
        )
        if out.as_json:  # a script that started it reads where it listens, as one JSON document
            out.emit(
                {
                    "base_url": base_url,
                    "dialect": config.dialect,
                    "data_dir": str(data_dir),
                    "training_user": TRAINING_USER,
                },
                lambda: base_url,
            )

    serve_forever(data_dir, args.port, config, extra_mounts=extra_mounts(data_dir), on_ready=ready)
    return EXIT_OK
