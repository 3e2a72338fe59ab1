"""The receive lifecycle's rules that are neither I/O nor Qt: when to look again, and what to tell the clerk.

Both faces drive one `services.receive_session.ReceiveSession`; the few rules it follows that are pure data live
here, so they are tested without a POS and read in one place:

- `RECHECK_SCHEDULE_S`: the one schedule of verification re-checks while a light is AMBER (the GUI's timer and
  the CLI's `--verify-timeout` loop walk the same list);
- `CONFIRM_GAPS_S`: the pauses between the history reads Intake allows itself to find out whether a receive whose
  answer was lost landed, before a person is asked to decide;
- the words for the three endings a clerk must act on: *not received* (send it again), *needs a decision* (it is
  in the POS / send it again), *already received* (the same delivery was sent before). No sentence here tells a
  clerk to wait: a wait is announced only by the code that is actually waiting (`on_wait`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from intake_gui.domain.explanation import Diagnosis
from intake_gui.domain.pos_words import GENERIC_WORDS, PosWords

RECHECK_SCHEDULE_S: tuple[float, ...] = (2, 4, 8, 16, 32, 60, 60, 120, 120, 300, 300)
"""Seconds before each automatic verification re-check while any light is AMBER: ~17 minutes in all, just past
the diagnosis' 15-minute grace, after which AMBER turns RED and waiting longer would not change the verdict."""

CONFIRM_GAPS_S: tuple[float, ...] = (2.0, 5.0)
"""After the settle time, history is read once, then again after each of these pauses while it cannot be read:
three reads in all. If none of them can tell, the draft "needs a decision"."""


def recheck_delay(done: int, schedule: Sequence[float] = RECHECK_SCHEDULE_S) -> float | None:
    """Seconds before re-check number `done + 1`, or None when the schedule is used up."""
    return float(schedule[done]) if 0 <= done < len(schedule) else None


def _at(when: datetime | None) -> str:
    if when is None:
        return "at an unknown time"
    aware = when if when.tzinfo else when.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%a %d %b %H:%M")


def not_received(sends: int, reason: str, words: PosWords = GENERIC_WORDS) -> Diagnosis:
    """Every send's answer was lost and receive history then proved it had not landed: definitely not received."""
    tries = "once" if sends == 1 else f"{sends} times"
    return Diagnosis(
        headline="The receive did not reach the POS: nothing was received.",
        what_happened=(
            f"Intake sent it {tries}; each time the answer was lost, and {words.pos_name}'s receive history "
            "showed afterwards that it had not landed."
        ),
        what_to_do=(
            f"Send it again once the connection to {words.pos_name} works. It is safe: nothing of it is in "
            "the POS."
        ),
        detail=f"{sends} sends proven absent; last error: {reason}",
        safe_to_resend=True,
    )


@dataclass(frozen=True)
class DecisionFacts:
    """What is known about a draft that needs a person's decision — all of it shown, nothing hidden."""

    draft_id: str
    title: str
    token: str
    sent_at: datetime | None
    sends: int
    history_said: str
    """The last thing receive history told Intake about it, in words (or why it could not be read)."""
    station: str = ""
    clerk: str = ""
    lines: int = 0
    location: str = ""
    vendor: str = ""


def needs_decision(facts: DecisionFacts, words: PosWords = GENERIC_WORDS) -> Diagnosis:
    """The words for a draft whose outcome could not be established: the facts and the two choices."""
    sends = "once" if facts.sends <= 1 else f"{facts.sends} times"
    return Diagnosis(
        headline=f"“{facts.title}” needs a decision: Intake cannot tell whether it landed.",
        what_happened=(
            f"It was sent {sends}, last {_at(facts.sent_at)}, and the answer was lost. "
            f"{facts.history_said} Intake will not send it again on its own."
        ),
        what_to_do=(
            f"Look for tag {facts.token} (in the title) in {words.receive_history_screen}. "
            "If it is there, choose “It is in the POS”. If it is not, choose “Send it again”."
        ),
        detail=f"draft {facts.draft_id}, tag {facts.token}",
        safe_to_resend=False,
    )


def already_received(
    sentences: Sequence[str], *, unsettled: bool, words: PosWords = GENERIC_WORDS
) -> Diagnosis:
    """The per-delivery warning: this delivery was sent before. Nothing was sent; a second needs a yes."""
    if unsettled:
        headline = "This delivery was already sent, and it is not known yet whether it landed."
        todo = (
            "Nothing was sent now. Decide about that one first — look for its tag in "
            f"{words.receive_history_screen}: if it is there, it is in the POS; if not, send it again. "
            "Send a second receive only if this is really another delivery."
        )
    else:
        headline = "This delivery is already in the POS."
        todo = (
            "Nothing was sent now. Check that receipt instead. Send a second receive only if this is "
            "really another delivery with the same paperwork."
        )
    return Diagnosis(
        headline=headline,
        what_happened=" ".join(sentences),
        what_to_do=todo,
        safe_to_resend=False,
    )
