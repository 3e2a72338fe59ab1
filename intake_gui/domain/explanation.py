"""An explanation in the clerk's words, and who it is spoken to: the two small types every explaining module shares.

`Diagnosis` (one explanation outside the three lights) and `Speech` (the POS's names and whether the tenant is
the training sandbox) are what the wizard's flow (`domain.wizard_flow`) and the receive lifecycle's rules
(`domain.lifecycle`) hold and pass on. They live here, apart from the rule tables and their words in
`domain.diagnosis`, so that holding an explanation does not load every rule that can make one: the window's
first frame builds a flow (a `Speech`, the `Blocked` type) long before any rule runs, and the rules are imported
by the context's worker meanwhile. `domain.diagnosis` re-exports both names, so
`from intake_gui.domain.diagnosis import Diagnosis, Speech` keeps working and stays the usual spelling.
`Speech` and `Fact` themselves live in `domain/audience.py` (no pydantic), so the flow's first frame does not
import this module at all; they are re-exported here.
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
