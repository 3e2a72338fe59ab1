"""Reading a Backoffice answer: the `{Result, Message, Data}` envelope and what a failed one means.

Why its own module: every answer goes through here (reads, writes, the login), and the rules are the part
of the Backoffice that surprises people — `Result: false` with HTTP 200, the course's SQL error as a 500
whose message proves nothing was stored, an ASP.NET error page without an envelope at all. The meaning of
the POS's words is `pos.refusals`'s; this module only finds the words and the envelope.
"""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
from pydantic import ValidationError

from intake_gui.pos import refusals
from intake_gui.pos.dutchie.wire import Envelope, read_envelope


def decimal(text: str) -> Decimal:
    """`parse_float` for every answer. A Python function on purpose, not the Decimal class itself: the
    parser holds the GIL for the whole body (tens of ms for a 17k catalog), and a call into Python code is
    where the interpreter hands the GIL to a thread that waits for it, e.g. the GUI thread."""
    return Decimal(text)


def parse_envelope(resp: httpx.Response) -> tuple[Envelope | None, str]:
    """The envelope, or None and a short reason (never the body) when there is none to read."""
    try:
        raw = json.loads(resp.content, parse_float=decimal)
    except (ValueError, RecursionError):
        kind = resp.headers.get("Content-Type", "no content type").split(";")[0]
        return None, f"not JSON ({kind}, {len(resp.content)} bytes)"
    try:
        return read_envelope(raw), ""
    except ValueError as exc:  # pydantic's ValidationError included
        return None, "envelope " + summarize(exc)


def summarize(exc: Exception) -> str:
    """A validation failure as field paths and reasons, without the offending values."""
    if isinstance(exc, ValidationError):
        parts = [
            f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}"
            for err in exc.errors(include_input=False, include_url=False)[:3]
        ]
        more = exc.error_count() - len(parts)
        return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")
    return str(exc)


def failure_message(resp: httpx.Response, env: Envelope | None) -> str:
    """The POS's words in a failed answer: the envelope's Message, else whatever `pos.refusals` can read
    (an ASP.NET `{"Message", "ExceptionMessage"}` error, a short text body). Not yet scrubbed."""
    if env is not None and env.message:
        return env.message
    return refusals.pos_message(resp)
