"""From evidence to words: which light, which colour, why, and what to do about it.

The package is split by responsibility, so each part can be read in one sitting:

- `findings`: every rule's stable id (`RuleId`) and what a rule returns (`Finding`: state, facts, and the
  evidence it rests on). Tests assert ids and facts, never sentences.
- `reading`: how the rules read evidence (lines by SKU with their packages, our history row, which room the
  stock is in and what says so).
- `packages`, `history`, `sellable`, `failed_reads`: the rules of each light, run in order; the first that
  recognises the evidence decides.
- `words`, `words_sellable`, `submit_words`: the words for every rule id, in one place, taking the POS's names
  from `PosWords` and the training-sandbox flag from `Speech`.
- `submit`: refused and unanswered submits (`diagnose_submit_error`), and which messages are refusals.
- `merge`: a re-check never overwrites a stronger earlier verdict with a weaker one.
- `engine`: `diagnose()` and `no_rooms_explanation()`.

To add a rule: give it an id in `RuleId`, write the rule next to its light's others (returning a `Finding`
with the facts its words need), add its words to the words table, and test the id and facts.
"""

from __future__ import annotations

from intake_gui.domain.diagnosis.engine import (
    diagnose,
    history_finding,
    history_light,
    no_rooms_explanation,
    packages_finding,
    packages_light,
    sellable_finding,
    sellable_light,
)
from intake_gui.domain.diagnosis.findings import Diagnosis, Finding, RuleId, SubmitFinding
from intake_gui.domain.diagnosis.merge import carried_note, merge_reports, stronger_light
from intake_gui.domain.diagnosis.sellable import location_sellable_empty
from intake_gui.domain.diagnosis.speech import Speech, elapsed, room_access_hint
from intake_gui.domain.diagnosis.submit import (
    SubmitErrorKind,
    classify_submit_error,
    diagnose_submit_error,
    recognised_refusal,
    scrub,
    submit_error_kind,
)
from intake_gui.domain.diagnosis.submit_words import NOTHING_RECEIVED

ROOM_ACCESS_HINT = (
    "If it stays empty, this login or API key may not have access to the room: in Backoffice > Settings > "
    "Rooms, check “Room accessible by menus” / “Assign Rooms To Menus” for the room the stock is in."
)
"""The AIQ lesson in Dutchie's words, kept for `domain.shelf_count` (drivers helper) until it takes
`room_access_hint(Speech(words))` with the words of the POS in use. No diagnosis here uses it."""

__all__ = [
    "NOTHING_RECEIVED",
    "ROOM_ACCESS_HINT",
    "Diagnosis",
    "Finding",
    "RuleId",
    "Speech",
    "SubmitErrorKind",
    "SubmitFinding",
    "carried_note",
    "classify_submit_error",
    "diagnose",
    "diagnose_submit_error",
    "elapsed",
    "history_finding",
    "history_light",
    "location_sellable_empty",
    "merge_reports",
    "no_rooms_explanation",
    "packages_finding",
    "packages_light",
    "recognised_refusal",
    "room_access_hint",
    "scrub",
    "sellable_finding",
    "sellable_light",
    "stronger_light",
    "submit_error_kind",
]
