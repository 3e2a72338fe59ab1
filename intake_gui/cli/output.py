"""What every command shares: the exit codes, the one error type a command raises, and how output is printed.

Exit codes are part of the CLI's contract with scripts (README, "The command line"); keep them here only.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

EXIT_OK = 0
EXIT_NOT_GREEN = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_AUTH = 4
EXIT_UNCERTAIN = 5
EXIT_NOT_FOUND = 6
EXIT_CONNECTION = 7


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return str(value)


class Output:
    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def emit(self, data: Any, text: Callable[[], str]) -> None:
        if self.as_json:
            print(json.dumps(data, default=json_default, indent=2, ensure_ascii=False))
        else:
            print(text())

    def info(self, message: str) -> None:
        """Progress chatter goes to stderr so `--json` output stays parseable."""
        print(message, file=sys.stderr)
