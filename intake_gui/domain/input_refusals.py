"""Refused input in a clerk's words: never pydantic's text, never an errors.pydantic.dev link.

The domain's own validators already raise sentences (`QuantityError`, `TextRefused`, plain `ValueError`s
with words); pydantic wraps them as "1 validation error for ReceiveDraft … Value error, …". This module
unwraps them, and words pydantic's own checks (a missing field, a wrong type) by field, so the GUI's
message boxes and the CLI's errors can show any refusal as it is.

`clerk_message(exc)` is the one call faces make; `refusals(exc)` gives the same as data for `--json`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

FIELD_WORDS = {
    "title": "title",
    "note": "note",
    "delivered_by": "“delivered by” name",
    "manifest_ref": "manifest number",
    "quantity": "quantity",
    "unit_cost": "unit cost",
    "lines": "lines",
    "sku": "SKU",
    "name": "product name",
    "product_id": "product id",
    "package_tag": "package tag",
    "lot": "lot",
    "expiration": "expiry date",
    "variance_reason": "reason",
    "room_id": "room",
    "room": "room",
    "vendor": "vendor",
    "location": "location",
}

_TYPE_WORDS = {
    "int": "a whole number",
    "float": "a number",
    "decimal": "a number",
    "string": "text",
    "bool": "yes or no",
    "date": "a date such as 2026-03-31",
    "datetime": "a date and time",
    "list": "a list",
    "tuple": "a list",
    "dict": "a set of named values",
    "model": "a set of named values",
    "enum": "one of the listed choices",
    "literal": "one of the listed choices",
    "uuid": "an id",
}


@dataclass(frozen=True)
class Refusal:
    """One refused value: which field (`field`, dotted path such as "lines.2.quantity"), a stable `code`,
    and the sentence to show."""

    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


def refusals(exc: BaseException) -> list[Refusal]:
    """Every refusal inside `exc` (a pydantic ValidationError, or one of the domain's ValueErrors)."""
    if isinstance(exc, ValidationError):
        return [_from_error(err) for err in exc.errors(include_url=False)]
    field = str(getattr(exc, "field", "") or "")
    code = str(getattr(exc, "code", "") or "invalid")
    return [Refusal(field, code, str(exc) or "That value was refused.")]


def clerk_message(exc: BaseException, *, limit: int = 5) -> str:
    """All refusals in `exc` as sentences, one per line (the first `limit`, then "and N more")."""
    found = refusals(exc)
    lines = [r.message for r in found[:limit]]
    if len(found) > limit:
        lines.append(f"… and {len(found) - limit} more.")
    return "\n".join(dict.fromkeys(lines))


def _from_error(err: Any) -> Refusal:
    loc = tuple(err.get("loc", ()))
    path = ".".join(str(p) for p in loc)
    ctx = err.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, BaseException) and str(cause):
        code = str(getattr(cause, "code", "") or "invalid")
        return Refusal(path, code, _placed(loc, str(cause), own_words=True))
    kind = str(err.get("type", "invalid"))
    return Refusal(path, kind, _placed(loc, _words(kind, ctx, loc), own_words=False))


def _label(loc: tuple[Any, ...]) -> str:
    names = [p for p in loc if isinstance(p, str)]
    if not names:
        return "value"
    last = names[-1]
    return FIELD_WORDS.get(last, last.replace("_", " "))


def _placed(loc: tuple[Any, ...], message: str, *, own_words: bool) -> str:
    """ "Line 3: …" for a draft line's refusal, so the clerk knows which row to fix."""
    where = ""
    if len(loc) >= 2 and loc[0] == "lines" and isinstance(loc[1], int):
        where = f"Line {loc[1] + 1}: "
    if own_words:
        return where + message
    return where + message[:1].upper() + message[1:]


def _words(kind: str, ctx: dict[str, Any], loc: tuple[Any, ...]) -> str:
    label = _label(loc)
    if kind == "missing":
        return f"the {label} is missing; give one."
    if kind in ("too_long", "string_too_long"):
        limit = ctx.get("max_length")
        return f"the {label} is too long; the limit is {limit}. Shorten it."
    if kind in ("too_short", "string_too_short"):
        return f"the {label} is too short; give at least {ctx.get('min_length')}."
    if kind in ("greater_than", "greater_than_equal"):
        bound = ctx.get("gt", ctx.get("ge"))
        return f"the {label} must be more than {bound}."
    if kind in ("less_than", "less_than_equal"):
        bound = ctx.get("lt", ctx.get("le"))
        return f"the {label} must be at most {bound}; check it."
    if kind in ("extra_forbidden",):
        return f"“{label}” is not something Intake knows here; remove it."
    for prefix, words in _TYPE_WORDS.items():
        if kind.startswith(prefix):
            return f"the {label} must be {words}."
    return f"the {label} has a value Intake cannot use; check it and type it again."
