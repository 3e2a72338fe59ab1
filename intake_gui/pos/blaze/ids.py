"""BLAZE's string ids (24-hex ObjectIds) as the integers Intake's domain and journal use.

The domain models carry integer ids (Dutchie's are integers, and the journal stores them in SQLite INTEGER
columns, which stop at 2**63). An ObjectId is 96 bits, so it cannot be packed; instead each id gets a stable
62-bit hash of (kind, id): the same on every machine and every run, so a draft saved yesterday still names the
same product today. The way back (int -> BLAZE id) is remembered from every read; a connector that meets an
int it has not seen yet re-reads the listing it came from.

Receipts are special: Intake's own receives get the integer inside their idempotency token (IN- plus 10 hex
digits, below 2**40), so a receipt id can be turned back into the token without any memory. Hashed ids are
kept at or above 2**40 so the two kinds never collide.
"""

from __future__ import annotations

import hashlib
import re
import threading

TOKEN_RE = re.compile(r"\[(IN-[0-9A-F]{10})\]")
"""The idempotency tag as `ReceiveDraft.wire_title` writes it into the order title (our poNumber)."""
TOKEN_LIMIT = 1 << 40
_MASK = (1 << 62) - 1


def stable_id(kind: str, ext: str) -> int:
    digest = hashlib.blake2b(f"{kind}:{ext}".encode(), digest_size=8).digest()
    value = int.from_bytes(digest, "big") & _MASK
    return value if value >= TOKEN_LIMIT else value + TOKEN_LIMIT


def token_receipt_id(token: str) -> int | None:
    """The receipt id of an Intake token ("IN-0123456789" -> 0x0123456789), None for any other text."""
    match = re.fullmatch(r"IN-([0-9A-F]{10})", token)
    return int(match.group(1), 16) if match else None


def receipt_token(receipt_id: int) -> str | None:
    return f"IN-{receipt_id:010X}" if 0 <= receipt_id < TOKEN_LIMIT else None


def receipt_key(po_number: str | None, batch_id: str) -> tuple[int, str]:
    """(receipt id, what identifies it) for a batch: its Intake token, else its PO number, else itself.

    Batches entered by other tools have no token; those sharing a PO number are one receipt, and a batch
    without one is a receipt of its own.
    """
    po = (po_number or "").strip()
    match = TOKEN_RE.search(po)
    if match:
        return int(match.group(1)[3:], 16), match.group(1)
    key = f"po:{po}" if po else f"batch:{batch_id}"
    return stable_id("receipt", key), key


class IdBook:
    """int <-> BLAZE id, per kind, filled as listings are read. Thread-safe; never forgets in a session."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._back: dict[tuple[str, int], str] = {}

    def intern(self, kind: str, ext: str) -> int:
        value = stable_id(kind, ext)
        with self._lock:
            known = self._back.setdefault((kind, value), ext)
        if known != ext:  # 2**-62 per pair: report it rather than silently mixing two records up
            raise ValueError(f"BLAZE {kind} ids {known!r} and {ext!r} hash alike")
        return value

    def remember(self, kind: str, value: int, ext: str) -> None:
        with self._lock:
            self._back[(kind, value)] = ext

    def ext(self, kind: str, value: int) -> str | None:
        with self._lock:
            return self._back.get((kind, value))
