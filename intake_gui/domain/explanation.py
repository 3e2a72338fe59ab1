"""`Diagnosis`: one explanation in the clerk's words, outside the three lights (a refused submit, a location
Intake cannot receive into).

It lives apart from the rule tables and their words in `domain.diagnosis`, so holding an explanation does not load
every rule that can make one. Who it is spoken to (`Speech`) and the values it cites (`Fact`) live in
`domain/audience.py`, without pydantic, because the wizard's flow holds a `Speech` from the window's first frame
on; both are re-exported here and from `domain.diagnosis`, the usual spelling.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from intake_gui.domain.audience import Fact as Fact
from intake_gui.domain.audience import Speech as Speech


class Diagnosis(BaseModel):
    """An explanation outside the three lights: a refused submit, or a location Intake cannot receive into."""

    model_config = ConfigDict(frozen=True)

    headline: str
    what_happened: str = ""
    what_to_do: str = ""
    detail: str = ""
    safe_to_resend: bool = False
    """True only when the POS certainly recorded nothing, so sending the corrected draft cannot double stock."""
    go_back_to: str = ""
    """A wizard step value ("vendor", "room", "products") the clerk should return to, or "" to stay."""
    rule: str = ""
    """The stable id of the rule that recognised it (`RuleId`), "" for ad-hoc explanations."""
    facts: dict[str, Fact] = Field(default_factory=dict)
