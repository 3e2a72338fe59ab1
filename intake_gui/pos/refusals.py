"""What a POS's own words prove: the one place Intake reads meaning into an error message.

Why this exists: a write answered with HTTP 500 may have committed (the server failed after the insert),
so by default it is "outcome unknown" and the receive is reconciled against history before anything is
sent again. But some messages prove the opposite. The course's first failure,
"Cannot insert the value NULL into column 'Status' … INSERT fails.", is a 500 whose text says the insert
did not happen; treating it as "maybe landed" throws away the real cause and sends the clerk to wait.

The rules here are deliberately few and conservative: a pattern is listed only when a message matching it
means the request was refused *before* anything was stored (a failed statement, a missing or invalid
input, a missing record, a missing permission). Anything else — "An error has occurred.", "Object
reference not set…", "Timeout expired", an HTML page, an empty body — proves nothing and stays unknown.

Nothing here knows one POS: each connector reads its envelope, then asks `classify` what the words mean.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import Enum

import httpx


class Refusal(Enum):
    """What a POS's message proves about the request it answers."""

    RATE = "rate"
    """Too many requests: refused before processing; safe to send again after waiting."""
    SESSION = "session"
    """The session is gone: refused before processing; log in again and send again."""
    PERMISSION = "permission"
    """This login may not do that: refused before processing; sending again will not help."""
    NOT_FOUND = "not_found"
    """A record the request names does not exist: nothing was stored against it."""
    INVALID = "invalid"
    """The input was refused (missing, invalid, a failed statement): nothing was stored."""


@dataclass(frozen=True)
class Rule:
    refusal: Refusal
    pattern: re.Pattern[str]
    why: str
    """Why a message matching `pattern` proves the request was not processed (kept for reviewers)."""


def _rx(text: str) -> re.Pattern[str]:
    return re.compile(text, re.IGNORECASE)


RULES: tuple[Rule, ...] = (
    # Order matters: the first match wins, so the refusals that change what Intake does next (wait, log in
    # again) are recognised before the generic "invalid"/"not found" ones ("Invalid session" is a session).
    Rule(
        Refusal.RATE,
        _rx(r"too many requests|rate.?limit|throttl|\bper minute\b"),
        "Backoffice: 'Too many requests - only 60 per minute allowed'; a throttle answers before any work.",
    ),
    Rule(
        Refusal.SESSION,
        _rx(
            r"session\b.{0,20}\b(?:expired|timed out|invalid|not valid|not found|ended)"
            r"|invalid session|not logged in|log\s?in again|login required|please log\s?in"
        ),
        "A request without a live session is turned away before it reaches the store's data.",
    ),
    Rule(
        Refusal.PERMISSION,
        _rx(r"not permitted|not authori[sz]ed|permission denied|access (?:is )?denied|forbidden"),
        "Course module 6: 'User is not permitted' — the permission check runs before the action.",
    ),
    Rule(
        Refusal.INVALID,
        _rx(r"cannot insert (?:the value )?null|does not allow nulls|insert fails"),
        "Course module 6: SQL Server's NULL-insert error; the INSERT statement failed, nothing was stored.",
    ),
    Rule(
        Refusal.INVALID,
        _rx(
            r"conflicted with the (?:foreign key|check|reference) constraint"
            r"|violation of (?:primary|unique) key|cannot insert duplicate key"
        ),
        "SQL Server constraint errors: the statement was rolled back, nothing was stored by it.",
    ),
    Rule(
        Refusal.INVALID,
        _rx(
            r"\b(?:is|are) required\b|\brequired (?:field|parameter|property|value)\b|\bfield required\b"
        ),
        "Input validation ('LocId is required') runs before the handler stores anything.",
    ),
    Rule(
        Refusal.NOT_FOUND,
        _rx(
            r"\bnot found\b|\bdoes not exist\b|\bno such\b|\bunknown (?:product|vendor|room|location)\b"
        ),
        "A lookup of the ids in the request failed, so there was nothing to store against.",
    ),
    Rule(
        Refusal.INVALID,
        _rx(
            r"\binvalid\b|\bmust (?:be|not|have)\b|\bcannot be (?:empty|null|negative|zero|blank)\b"
        ),
        "Validation of the request's values ('Invalid ProductId', 'Quantity must be > 0').",
    ),
)
"""Every message pattern Intake trusts, in one table. Add one only with a message that proves the POS
stored nothing, and a test; when in doubt, leave it out (unknown is reconciled, never re-sent blindly)."""


INPUT_REFUSALS = frozenset({Refusal.INVALID, Refusal.NOT_FOUND})
"""Refusals of what the request said (as opposed to who sent it, or when): a write refused so is
`ValidationRejected`, with the POS's words, and can be fixed and sent again."""


def classify(message: str) -> Refusal | None:
    """What `message` proves, or None when it proves nothing."""
    if not message:
        return None
    for rule in RULES:
        if rule.pattern.search(message):
            return rule.refusal
    return None


_MESSAGE_KEYS = (
    "ExceptionMessage",  # ASP.NET Web API's detailed error: the real cause, "Message" is generic there
    "Message",
    "message",
    "error_description",
    "error",
    "detail",
    "title",
    "errorMessage",
    "ErrorMessage",
)
_SMALL_BODY = 65_536
"""Refusals are small (an ASP.NET error with its stack trace is a few kB); a bigger body is data."""
_MAX_MESSAGE = 500


def pos_message(resp: httpx.Response) -> str:
    """The POS's own words in an answer, whatever shape it uses; "" when there are none to read.

    Reads JSON objects under the usual keys (the ASP.NET exception chain included, innermost cause
    first), a list of error strings/objects, or a short plain-text body. An HTML page is not a message.
    The caller scrubs secrets before keeping or logging the result.
    """
    content = resp.content
    if not content or len(content) > _SMALL_BODY:
        return ""
    try:
        body = json.loads(content)
    except (ValueError, RecursionError):
        text = content.decode("utf-8", "replace").strip()
        kind = resp.headers.get("Content-Type", "").lower()
        if "html" in kind or text.lstrip().startswith("<"):
            return ""
        return _short(text)
    return _short(_message_in(body, depth=0))


def _message_in(body: object, depth: int) -> str:
    if depth > 4:
        return ""
    if isinstance(body, str):
        return body
    if isinstance(body, list):
        # Only a short list of errors reads as a message; a long list is data.
        if len(body) > 5:
            return ""
        parts = [_message_in(item, depth + 1) for item in body]
        return "; ".join(p for p in parts if p)
    if not isinstance(body, dict):
        return ""
    inner = body.get("InnerException") or body.get("innerException")
    if isinstance(inner, dict):
        deeper = _message_in(inner, depth + 1)
        if deeper:
            return deeper
    for key in _MESSAGE_KEYS:
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            return value
        if isinstance(value, dict | list) and key in ("error", "detail"):
            found = _message_in(value, depth + 1)
            if found:
                return found
    errors = body.get("errors") or body.get("Errors")
    if errors:
        return _message_in(errors, depth + 1)
    return ""


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def refusal_in(resp: httpx.Response) -> Refusal | None:
    """What the answer's own words prove (see `classify`); None for data or an unreadable answer."""
    return classify(pos_message(resp))


_FAILURE_FLAGS = ("Result", "result", "success", "Success", "ok")
_FAILURE_FLAG_RE = re.compile(rb'"(?:Result|result|success|Success|ok)"\s*:\s*false')


def says_it_failed(resp: httpx.Response) -> bool:
    """A 2xx whose JSON object says it failed (`{"Result": false, ...}`): a refusal wearing HTTP 200."""
    content = resp.content
    if not content or len(content) > _SMALL_BODY or not _FAILURE_FLAG_RE.search(content):
        return False
    try:
        body = json.loads(content)
    except (ValueError, RecursionError):
        return False
    return isinstance(body, dict) and any(body.get(flag) is False for flag in _FAILURE_FLAGS)


def is_rate_refusal(resp: httpx.Response) -> bool:
    """A "too many requests" whatever the status: 429, an error status saying so, or a 200 whose
    envelope says it failed and why (the Backoffice's second form). Data is never read as a refusal."""
    if resp.status_code == 429:
        return True
    if resp.status_code < 300 and not says_it_failed(resp):
        return False
    return refusal_in(resp) is Refusal.RATE


def proves_not_processed(resp: httpx.Response) -> bool:
    """True when a failed answer proves the request was not processed (any refusal above)."""
    if resp.status_code < 300 and not says_it_failed(resp):
        return False
    return refusal_in(resp) is not None
