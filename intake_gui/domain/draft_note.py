"""The note sent with a receive: the clerk's own words, then the over/short reasons, within the POS's limit.

Reasons are written by the session per product; the POS has one free-text note per receive, so they are
folded into it under a fixed marker. The marker also lets a resumed draft give the clerk back only their own
words to edit, while the reasons are rebuilt from the lines.
"""

from __future__ import annotations

from collections.abc import Iterable

from intake_gui.domain.models import NOTE_MAX, DraftLine
from intake_gui.domain.quantities import MACHINE, format_quantity

MARKER = "Over/short:"


def variance_sentences(lines: Iterable[DraftLine]) -> list[str]:
    """One sentence per SKU whose count differs from the manifest and that has a reason (deduplicated)."""
    out: list[str] = []
    seen: set[str] = set()
    for ln in lines:
        reason = ln.variance_reason.strip()
        if not reason or ln.sku in seen:
            continue
        seen.add(ln.sku)
        if ln.expected is not None:
            kind = (
                "over"
                if ln.quantity > ln.expected
                else "short"
                if ln.quantity < ln.expected
                else "as expected"
            )
            out.append(
                f"{ln.sku} expected {format_quantity(ln.expected, style=MACHINE)}, "
                f"counted {format_quantity(ln.quantity, style=MACHINE)} ({kind}): {reason}"
            )
        else:
            out.append(f"{ln.sku}: {reason}")
    return out


def compose_note(clerk_note: str, lines: Iterable[DraftLine], limit: int = NOTE_MAX) -> str:
    """Clerk's note first (never cut), then as many reasons as fit; the rest summarised as "+N more"."""
    own = clerk_note.strip()[:limit]
    sentences = variance_sentences(lines)
    if not sentences:
        return own
    head = f"{own}\n{MARKER} " if own else f"{MARKER} "
    body: list[str] = []
    for i, sentence in enumerate(sentences):
        rest = len(sentences) - i - 1
        more = f"; +{rest} more (see Intake)" if rest else ""
        candidate = "; ".join([*body, sentence])
        if len(head) + len(candidate) + len(more) <= limit:
            body.append(sentence)
            continue
        more = f"+{len(sentences) - i} more (see Intake)"
        joined = "; ".join([*body, more]) if body else more
        return (head + joined)[:limit] if len(head + joined) <= limit else own
    return head + "; ".join(body)


def clerk_part(note: str) -> str:
    """The clerk's own words from a composed note (for a resumed draft)."""
    if note.startswith(MARKER):
        return ""
    cut = note.find(f"\n{MARKER}")
    return note if cut < 0 else note[:cut]
