"""`intake`: the command-line face over the same services the GUI uses.

For IT setting up stations, for unattended use and for training: every command works against the embedded
sandbox when no tenant is configured. `--json` prints machine-readable output; exit codes say what happened.
The package holds one module per group of commands (see `app.COMMAND_MODULES`).
"""

from intake_gui.cli.app import build_parser, main
from intake_gui.cli.output import (
    EXIT_AUTH,
    EXIT_CONNECTION,
    EXIT_NOT_FOUND,
    EXIT_NOT_GREEN,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_UNCERTAIN,
    EXIT_USAGE,
    CliError,
    Output,
)

__all__ = [
    "EXIT_AUTH",
    "EXIT_CONNECTION",
    "EXIT_NOT_FOUND",
    "EXIT_NOT_GREEN",
    "EXIT_OK",
    "EXIT_REFUSED",
    "EXIT_UNCERTAIN",
    "EXIT_USAGE",
    "CliError",
    "Output",
    "build_parser",
    "main",
]
