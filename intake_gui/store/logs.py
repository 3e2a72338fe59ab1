"""Logging that is safe to attach to a support ticket: rotated, and scrubbed of every credential.

The redaction runs on the fully formatted record (message with its arguments, exception text, stack) because
secrets leak through arguments and tracebacks far more often than through format strings. Two nets: patterns
for the shapes credentials take on the wire (JSON fields, form fields, cookies, headers), and the registry of
every secret value this process has handled, which catches a password a POS echoes back in free text.
"""

from __future__ import annotations

import logging
import re
import string
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from intake_gui.store.secrets import secret_registry

MASK = "***"
LOG_NAME = "intake.log"
_MAX_BYTES = 1_000_000
_BACKUPS = 5
_FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"
_MARK = "_intake_handler"

_KEY = (
    r"(?:pass(?:word|wd|phrase)|\bpass|\bpwd|session[_-]?id|llsession"
    r"|(?:api|partner|dev(?:eloper)?)[_-]?key"
    r"|(?:access|refresh|auth|id|bearer)[_-]?token|secret"
    r"|authorization|set-cookie|cookie)"
)
"""The end of a name whose value is a credential ("user_password", "client_secret", "SessionId" all match).
The journal's idempotency "token" is deliberately absent. The match starts at the telling part rather than
at the start of the name, since a variable-length prefix makes the scan quadratic on a large dump."""

_KV = rf"(?:{_KEY}[\"']?\s*[:=]\s*)"
"""The name, an optional closing quote (JSON, dict repr) and the separator."""

_PATTERNS = tuple(
    re.compile(p)
    for p in (
        # `Authorization: Bearer x` / `Cookie: a=b; c=d` as header lines: everything to the end of the line.
        r"\b(?:proxy-authorization|authorization|set-cookie|cookie|x-api-key|partner[_-]?key"
        r"|dev(?:eloper)?[_-]?key)\s*:[ \t]*(?P<v>[^\r\n\"'}]+)",
        # `"Password": "x"`, `'SessionId': 'x'`, `password='x'` (JSON, dict and pydantic reprs).
        rf"{_KV}(?P<q>[\"'])(?P<v>(?:\\.|(?!(?P=q)).)*)(?P=q)",
        # `password=x&...`, `LLSession=x;`, `"SessionId": 12345`, `session_id: x`.
        rf"{_KV}(?P<v>(?![\"'])[^\s&;,\"'\]}})]+)",
        r"\bbearer\s+(?P<v>[a-z0-9._~+/=-]+)",
    )
)
"""Matched against an ASCII-lowercased copy of the text (same length, so spans carry over): case-sensitive
patterns run several times faster than re.IGNORECASE, which matters on the GUI thread."""

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def redact(text: str) -> str:
    """Mask every credential in `text`; safe to call on anything headed for a log, a file or a dialog."""
    if not text:
        return text
    for value in secret_registry.values():
        if value in text:
            text = text.replace(value, MASK)
    for pattern in _PATTERNS:
        text = _mask_values(text, pattern)
    return text


def _mask_values(text: str, pattern: re.Pattern[str]) -> str:
    parts: list[str] = []
    last = 0
    for m in pattern.finditer(text.translate(_ASCII_LOWER)):
        start, end = m.span("v")
        if text[start:end] == MASK:
            continue
        parts += (text[last:start], MASK)
        last = end
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


class RedactionFilter(logging.Filter):
    """Rewrites the record in place so every handler after this one sees only the scrubbed text."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            # Mismatched arguments: logging's own error path would print msg and args raw to stderr.
            message = f"{record.msg} (log arguments could not be formatted)"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
            # Drop the live traceback: a custom formatter further on would render it again, unredacted.
            # Standard formatters print exc_text, which now carries the scrubbed version.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def configure_logging(log_dir: Path, *, level: int = logging.INFO, console: bool = False) -> Path:
    """Send Intake's (and its libraries') logging to a rotating file; returns the file's path.

    Calling it again replaces the handlers it installed before instead of adding a second set, so a test or a
    settings change can reconfigure freely.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_NAME
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(handler)
        handler.close()

    handlers: list[logging.Handler] = [
        RotatingFileHandler(
            path, maxBytes=_MAX_BYTES, backupCount=_BACKUPS, encoding="utf-8", delay=True
        )
    ]
    if console:
        handlers.append(logging.StreamHandler(sys.stderr))
    formatter = logging.Formatter(_FORMAT)
    for handler in handlers:
        setattr(handler, _MARK, True)
        handler.addFilter(RedactionFilter())
        handler.setFormatter(formatter)
        handler.setLevel(level)
        root.addHandler(handler)
    root.setLevel(level)
    return path
