"""Who an explanation is spoken to, and the plain values it cites: `Speech` and `Fact`, without pydantic.

The wizard's flow holds a `Speech` from the first frame on (the POS's names, whether this is the training
sandbox), long before any explanation exists; `Diagnosis` itself is a pydantic model (`domain/explanation.py`)
and pydantic costs ~300 ms to import. Keeping these two here lets the flow, and so the window's first frame,
exist without it. `domain.explanation` and `domain.diagnosis` re-export both names.
"""

from __future__ import annotations

from dataclasses import dataclass

from intake_gui.domain.pos_words import GENERIC_WORDS, PosWords

Fact = str | int | float | bool | None | tuple[str, ...]
"""A value a diagnosis rule found. Plain data, so facts survive the journal and tests can assert on them."""


@dataclass(frozen=True)
class Speech:
    pos: PosWords = GENERIC_WORDS
    training_sandbox: bool = False
    """True only when the service knows the tenant is the embedded training sandbox."""
