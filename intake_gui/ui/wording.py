"""Counts in words: "1 line", "3 lines", "1 unit", "2.5 units" — never "1 units" or "code(s)"."""

from __future__ import annotations

from decimal import Decimal


def plural(count: int | Decimal, noun: str, nouns: str = "") -> str:
    """`count` and the noun it takes ("1 unknown code", "2 unknown codes"); `nouns` for irregular plurals."""
    number = format(count.normalize(), "f") if isinstance(count, Decimal) else str(count)
    return f"{number} {noun if count == 1 else (nouns or noun + 's')}"
