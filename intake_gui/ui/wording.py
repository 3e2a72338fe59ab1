"""Counts in words: "1 line", "3 lines", "1 unit", "2.5 units" — never "1 units" or "code(s)"."""

from __future__ import annotations

from decimal import Decimal

from intake_gui.domain.quantities import format_quantity


def plural(count: int | Decimal, noun: str, nouns: str = "") -> str:
    """`count` and the noun it takes ("1 unknown code", "2 unknown codes"); `nouns` for irregular plurals."""
    number = format_quantity(count)  # the station's decimal mark, like every quantity on screen
    return f"{number} {noun if count == 1 else (nouns or noun + 's')}"
