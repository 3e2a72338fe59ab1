"""A submit the POS refused, or did not answer: which rule recognises it, and what it found.

The POS's message wins over the error class when it is specific: a refusal carries the POS's own reason (the
course's SQL `Status` message, "… is required", "… not found", "not permitted"), and each such reason has a fix.
Only an answer that may hide a receive that landed (a lost connection, a timeout, an unreadable or message-less
server error) is "outcome unknown", and nothing is ever suggested that could send it twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum

from intake_gui.domain.diagnosis.findings import Diagnosis, RuleId, SubmitFinding
from intake_gui.domain.diagnosis.speech import Speech
from intake_gui.domain.diagnosis.submit_words import SUBMIT_WORDS


class SubmitErrorKind(StrEnum):
    VALIDATION = "validation"
    RATE_LIMITED = "rate_limited"
    SESSION = "session"
    CONNECTION = "connection"
    OUTCOME_UNKNOWN = "outcome_unknown"
    PERMISSION = "permission"
    NOT_FOUND = "not_found"
    SERVER = "server"
    NOT_SUPPORTED = "not_supported"
    UNKNOWN = "unknown"


_KIND_ALIASES = {
    # the class names in pos.errors, so services may pass type(exc).__name__ as it is
    "validationrejected": SubmitErrorKind.VALIDATION,
    "invalidrequest": SubmitErrorKind.VALIDATION,
    "ratelimited": SubmitErrorKind.RATE_LIMITED,
    "authenticationerror": SubmitErrorKind.SESSION,
    "authentication": SubmitErrorKind.SESSION,
    "sessionexpired": SubmitErrorKind.SESSION,
    "permissiondenied": SubmitErrorKind.PERMISSION,
    "notfound": SubmitErrorKind.NOT_FOUND,
    "servererror": SubmitErrorKind.SERVER,
    "malformedresponse": SubmitErrorKind.OUTCOME_UNKNOWN,
    "malformed": SubmitErrorKind.OUTCOME_UNKNOWN,
    "connectionfailed": SubmitErrorKind.CONNECTION,
    "requesttimeout": SubmitErrorKind.OUTCOME_UNKNOWN,
    "timeout": SubmitErrorKind.OUTCOME_UNKNOWN,
    "outcomeunknown": SubmitErrorKind.OUTCOME_UNKNOWN,
    "notsupported": SubmitErrorKind.NOT_SUPPORTED,
}
"""A timeout or an unreadable answer to a write may hide a receive that landed: both count as outcome unknown."""


def submit_error_kind(kind: str) -> SubmitErrorKind:
    """Accept our enum values or a pos.errors class name; anything else is UNKNOWN rather than an error."""
    key = kind.strip().casefold().replace("-", "_").replace(" ", "_")
    try:
        return SubmitErrorKind(key)
    except ValueError:
        return _KIND_ALIASES.get(key.replace("_", ""), SubmitErrorKind.UNKNOWN)


_SECRET = re.compile(
    r"""(?P<key>password|passwd|pwd|session_?id|llsession|cookie|api_?key|token)(?P<sep>["']?\s*[:=]\s*["']?)"""
    r"""[^"'\s,;}&]+""",
    re.IGNORECASE,
)


def scrub(text: str, limit: int = 600) -> str:
    """Keep a POS message fit for a detail pane: no credential-looking values, bounded length."""
    text = _SECRET.sub(lambda m: f"{m['key']}{m['sep']}***", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ----------------------------------------------------------------------------- message rules

MessageRule = Callable[[str], SubmitFinding | None]
_GONE = (
    r"not found|does not exist|doesn't exist|no longer|invalid|inactive|unknown|deleted|disabled"
)
_STEP_OF_FIELD = (
    ("vendor", "vendor"),
    ("room", "room"),
    ("product", "products"),
    ("sku", "products"),
    ("quantit", "products"),
    ("qty", "products"),
    ("lot", "products"),
    ("batch", "products"),
    ("expir", "products"),
    ("package", "products"),
    ("cost", "products"),
)


def _refusal(rule: RuleId, go_back_to: str = "", **facts: object) -> SubmitFinding:
    return SubmitFinding(rule=rule, facts=facts, safe_to_resend=True, go_back_to=go_back_to)  # type: ignore[arg-type]


def _null_column(msg: str) -> SubmitFinding | None:
    match = re.search(r"cannot insert the value null into column '([^']+)'", msg, re.I)
    if not match:
        return None
    table = re.search(r"table '([^']+)'", msg, re.I)
    column = match[1]
    rule = RuleId.SUBMIT_NULL_STATUS if column.casefold() == "status" else RuleId.SUBMIT_NULL_COLUMN
    return _refusal(rule, column=column, table=table[1] if table else None)


def _rate_limit(msg: str) -> SubmitFinding | None:
    if not re.search(r"too many requests|rate limit|per minute", msg, re.I):
        return None
    return _refusal(RuleId.SUBMIT_RATE_LIMITED)


def _session(msg: str) -> SubmitFinding | None:
    if not re.search(
        r"session (has )?(expired|timed out|invalid|not found)|invalid session|not logged in"
        r"|log ?in required|unauthori[sz]ed",
        msg,
        re.I,
    ):
        return None
    return _refusal(RuleId.SUBMIT_SESSION_EXPIRED)


def _permission(msg: str) -> SubmitFinding | None:
    if not re.search(
        r"not permitted|permission|access denied|forbidden|not authori[sz]ed", msg, re.I
    ):
        return None
    return _refusal(RuleId.SUBMIT_NOT_PERMITTED)


def _quantity(msg: str) -> SubmitFinding | None:
    if not (
        re.search(r"quantity|qty", msg, re.I)
        and re.search(
            r"invalid|must|greater|negative|zero|exceed|not allowed|range|refus", msg, re.I
        )
    ):
        return None
    return _refusal(RuleId.SUBMIT_QUANTITY_REFUSED, "products")


def _gone(subject: str, rule: RuleId, step: str, extra: str = "") -> MessageRule:
    def rule_fn(msg: str) -> SubmitFinding | None:
        if not (re.search(subject, msg, re.I) and re.search(_GONE + extra, msg, re.I)):
            return None
        return _refusal(rule, step)

    return rule_fn


_REQUIRED = (
    re.compile(
        r"(?:the\s+)?['\"“]?(?P<f>[A-Za-z][\w.]*(?: [A-Za-z][\w.]*){0,3}?)['\"”]?\s+(?:field\s+)?(?:is\s+|are\s+)?required",
        re.I,
    ),
    re.compile(r"required(?:\s+field)?\s*[:=]?\s*['\"“]?(?P<f>[A-Za-z][\w.]*)", re.I),
)


def _required(msg: str) -> SubmitFinding | None:
    if not re.search(r"\brequired\b", msg, re.I):
        return None
    field = ""
    for pattern in _REQUIRED:
        match = pattern.search(msg)
        if match and match["f"].casefold() not in {"field", "value", "is", "a", "this", "the"}:
            field = re.sub(r"^(?:the|a)\s+", "", match["f"], flags=re.I).strip()
            break
    lowered = field.casefold().replace(" ", "")
    step = next((s for key, s in _STEP_OF_FIELD if key in lowered), "")
    return _refusal(RuleId.SUBMIT_REQUIRED_FIELD, step, field=field or None, step=step or None)


def _not_found(msg: str) -> SubmitFinding | None:
    if not re.search(r"not found|does not exist|doesn't exist", msg, re.I):
        return None
    return _refusal(RuleId.SUBMIT_NOT_FOUND)


MESSAGE_RULES: tuple[MessageRule, ...] = (
    _null_column,
    _rate_limit,
    _session,
    _permission,
    _quantity,
    _gone(r"vendor", RuleId.SUBMIT_VENDOR_UNKNOWN, "vendor"),
    _gone(r"room", RuleId.SUBMIT_ROOM_UNKNOWN, "room", r"|inventory room"),
    _gone(r"product|sku", RuleId.SUBMIT_PRODUCT_UNKNOWN, "products"),
    _required,
    _not_found,
)
"""Most specific first: "Vendor not found" is about the vendor before it is a plain "not found"."""


def recognised_refusal(message: str) -> RuleId | None:
    """The rule that recognises `message` as a definite refusal, or None.

    For connectors and services deciding what a 5xx on a write means: a server error whose envelope carries
    one of these messages refused the receive (the course's SQL `Status` error is an HTTP 500), while one
    without a recognisable message may have landed after the commit.
    """
    for rule in MESSAGE_RULES:
        found = rule(message or "")
        if found is not None:
            return found.rule
    return None


_BY_KIND = {
    SubmitErrorKind.RATE_LIMITED: _refusal(RuleId.SUBMIT_RATE_LIMITED),
    SubmitErrorKind.SESSION: _refusal(RuleId.SUBMIT_SESSION_EXPIRED),
    SubmitErrorKind.PERMISSION: _refusal(RuleId.SUBMIT_NOT_PERMITTED),
    SubmitErrorKind.CONNECTION: _refusal(RuleId.SUBMIT_CONNECTION),
    SubmitErrorKind.NOT_FOUND: _refusal(RuleId.SUBMIT_NOT_FOUND),
    SubmitErrorKind.VALIDATION: _refusal(RuleId.SUBMIT_REFUSED),
    SubmitErrorKind.OUTCOME_UNKNOWN: SubmitFinding(RuleId.SUBMIT_OUTCOME_UNKNOWN),
    SubmitErrorKind.SERVER: SubmitFinding(RuleId.SUBMIT_SERVER_ERROR),
    SubmitErrorKind.NOT_SUPPORTED: SubmitFinding(RuleId.SUBMIT_NOT_SUPPORTED),
    SubmitErrorKind.UNKNOWN: SubmitFinding(RuleId.SUBMIT_UNKNOWN),
}


def classify_submit_error(kind: str, pos_message: str) -> SubmitFinding:
    """The rule for a failed submit, without words."""
    resolved = submit_error_kind(kind)
    if resolved not in (SubmitErrorKind.OUTCOME_UNKNOWN, SubmitErrorKind.CONNECTION):
        # An outcome-unknown error may carry any message; its one safe reading is "may have landed".
        for rule in MESSAGE_RULES:
            found = rule(pos_message or "")
            if found is not None:
                return found
    return _BY_KIND[resolved]


def diagnose_submit_error(
    kind: str,
    pos_message: str,
    *,
    speech: Speech | None = None,
    retry_after_s: float | None = None,
) -> Diagnosis:
    """Words for a failed submit. `kind` is a `SubmitErrorKind` value or a `pos.errors` class name.

    A definite refusal is `safe_to_resend`; anything that may have landed is not.
    """
    speech = speech or Speech()
    found = classify_submit_error(kind, pos_message)
    message = scrub(pos_message or "")
    facts = {
        **found.facts,
        "error_kind": submit_error_kind(kind).value,
        "pos_message": message or None,
        "retry_after_s": retry_after_s,
    }
    texts = SUBMIT_WORDS[found.rule](facts, speech)
    detail = f"rule {found.rule.value}; error kind: {submit_error_kind(kind).value} ({kind})"
    if message:
        detail += f"; POS said: {message}"
    return Diagnosis(
        headline=texts.headline,
        what_happened=texts.what_happened,
        what_to_do=texts.what_to_do,
        detail=detail,
        safe_to_resend=found.safe_to_resend,
        go_back_to=found.go_back_to,
        rule=found.rule.value,
        facts={k: v for k, v in facts.items() if v is not None},
    )
