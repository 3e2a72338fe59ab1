"""Values at the BLAZE emulator's edge: its error shape, its clock (epoch milliseconds) and the numbers and
notes it accepts, shared by the state and the app."""

from __future__ import annotations

import time
from decimal import Decimal, InvalidOperation
from typing import Any


class ApiError(Exception):
    """A refusal in BLAZE's documented error shape: {"error", "message", "status"}."""

    def __init__(self, status: int, message: str, error: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error = error or {
            400: "Invalid argument",
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not Found",
            429: "Too Many Requests",
        }.get(status, "Error")


def now_ms() -> int:
    return int(time.time() * 1000)


def to_decimal(value: object, field: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ApiError(400, f"{field} must be a number")
    try:
        out = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ApiError(400, f"{field} must be a number") from None
    if not out.is_finite():
        raise ApiError(400, f"{field} must be a number")
    return out


def to_json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(round(value, 4))


def note(value: object) -> dict[str, Any] | None:
    """A ProductBatch `referenceNote` (a Note); only its message is kept."""
    if isinstance(value, dict) and isinstance(value.get("message"), str):
        return {"message": value["message"][:1000]}
    return None
