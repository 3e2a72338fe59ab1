"""The no-rooms stop as the wizard's flow reports it: a `Diagnosis` that names the step it blocks.

Apart from `domain/wizard_flow.py` because it is a pydantic model: the flow exists from the window's first frame
(which imports no pydantic) while a stop is only ever made once rooms have arrived; the flow imports this module
where it makes one.
"""

from __future__ import annotations

from intake_gui.domain.explanation import Diagnosis
from intake_gui.domain.wizard_flow import Step


class Blocked(Diagnosis):
    """A stop the clerk cannot click through, with the explanation the page shows instead of its content."""

    step: Step = Step.ROOM
