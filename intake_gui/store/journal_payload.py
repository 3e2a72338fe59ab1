"""A draft as the journal stores it: versioned JSON that an upgraded Intake can always read back.

Validators get stricter over time (titles refuse control characters, a unit-counted item refuses 3.5). A draft saved
by the previous version may not pass today's rules, and before payloads carried a version such a draft was logged
and silently skipped — so a receive "sent, confirming" vanished from recovery (issue 14, item 4). Now:

* every payload carries `payload_version`; `PAYLOAD_MIGRATIONS` turns an older shape into the current one, step by
  step, before validation (a payload without the key is version 1);
* validation runs with `STORED_CONTEXT`, so a validator can tell a stored draft (to be normalised and kept) from a
  clerk's fresh input (to be refused with a message);
* a payload that still fails is rebuilt without validation and returned with a `problem` saying why, so the draft
  stays in every list — resumable, reconcilable, shown to a person — and a later version can read it properly.
  Only a payload that is not JSON at all is unreadable.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ValidationError

from intake_gui.domain.models import DraftLine, Location, ReceiveDraft, Room, Vendor

PAYLOAD_VERSION = 2

STORED_CONTEXT: dict[str, Any] = {"stored": True}
"""Pydantic validation context for drafts read back from the journal or the shared record."""


def _v2_from_v1(raw: dict[str, Any]) -> dict[str, Any]:
    """Version 2 has the shape of version 1; it only starts recording the version."""
    return raw


PAYLOAD_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {2: _v2_from_v1}
"""Functions that bring a raw payload from version n-1 to n. Add a key (never edit an old one) to change the shape."""


class PayloadError(ValueError):
    """The stored text is not a draft at all (not JSON, not an object)."""


def encode(draft: ReceiveDraft) -> str:
    """The draft's JSON with its payload version first (spliced, not re-parsed: this runs on every scan)."""
    body = draft.model_dump_json()
    return f'{{"payload_version":{PAYLOAD_VERSION},{body[1:]}' if body != "{}" else body


def payload_version(raw: dict[str, Any]) -> int:
    version = raw.get("payload_version", 1)
    return version if isinstance(version, int) and version >= 1 else 1


def decode(text: str | bytes) -> tuple[ReceiveDraft, str | None]:
    """The draft, and None or a sentence saying why today's rules refuse it (it is still returned)."""
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise PayloadError(f"the stored draft is not JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise PayloadError("the stored draft is not a JSON object")
    return decode_dict(raw)


def decode_dict(raw: dict[str, Any]) -> tuple[ReceiveDraft, str | None]:
    version = payload_version(raw)
    raw = {k: v for k, v in raw.items() if k != "payload_version"}
    problem = None
    if version > PAYLOAD_VERSION:
        problem = (
            f"saved by a newer Intake (draft format {version}, this version reads {PAYLOAD_VERSION}); "
            "update Intake on this station"
        )
    else:
        for step in range(version + 1, PAYLOAD_VERSION + 1):
            raw = PAYLOAD_MIGRATIONS[step](raw)
    try:
        return ReceiveDraft.model_validate(raw, context=STORED_CONTEXT), problem
    except ValidationError as exc:
        words = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'draft'}: {e['msg']}" for e in exc.errors()
        )
        refused = f"saved by an earlier Intake, and today's checks refuse it ({words[:300]})"
        try:
            return _construct(raw), problem or refused
        except (KeyError, TypeError, ValueError, AttributeError) as construct_exc:
            raise PayloadError(f"{refused}; it cannot be rebuilt: {construct_exc}") from None


# ---- rebuilding without validation ----------------------------------------------------------------------


def _part(model: type[BaseModel], data: Any, coerce: dict[str, Callable[[Any], Any]]) -> Any:
    if isinstance(data, model):
        return data
    if not isinstance(data, dict):
        raise TypeError(f"{model.__name__} is not an object")
    try:
        return model.model_validate(data, context=STORED_CONTEXT)
    except ValidationError:
        fixed = {k: (coerce[k](v) if k in coerce and v is not None else v) for k, v in data.items()}
        known = {k: v for k, v in fixed.items() if k in model.model_fields}
        return model.model_construct(**known)


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


_LINE_COERCE: dict[str, Callable[[Any], Any]] = {
    "quantity": _decimal,
    "unit_cost": _decimal,
    "expected": _decimal,
    "expiration": _date,
    "product_id": int,
    "unit_id": int,
    "room_id": int,
}


def _construct(raw: dict[str, Any]) -> ReceiveDraft:
    """The draft as stored, each part validated where it still passes and constructed as-is where it does not."""
    fields = {k: v for k, v in raw.items() if k in ReceiveDraft.model_fields}
    for required in ("draft_id", "token", "title"):
        if not isinstance(raw.get(required), str):
            raise KeyError(required)  # a made-up id or tag would be worse than no draft
    fields["location"] = _part(Location, raw["location"], {"loc_id": int, "lsp_id": int})
    fields["vendor"] = _part(Vendor, raw["vendor"], {"vendor_id": int})
    fields["room"] = _part(Room, raw["room"], {"room_id": int})
    fields["lines"] = tuple(_part(DraftLine, line, _LINE_COERCE) for line in raw.get("lines", ()))
    if "pos" in fields:
        from intake_gui.domain.models import PosKind

        fields["pos"] = PosKind(fields["pos"])
    return ReceiveDraft.model_construct(**fields)
