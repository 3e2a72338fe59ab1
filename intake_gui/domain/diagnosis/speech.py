"""Who is being spoken to, and the small helpers every piece of wording shares.

`Speech` carries the POS's names (`PosWords`, from the driver in use) and whether the tenant is the embedded
training sandbox. Only then may a hint name sandbox ids or the course's sandboxes; a hint never guesses that
from an id. Delays are worded from the real elapsed time ("12 seconds after the submit"), never rounded up
to a minute that has not passed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from intake_gui.domain.diagnosis.findings import Finding
from intake_gui.domain.explanation import Speech as Speech
from intake_gui.domain.quantities import format_quantity
from intake_gui.domain.verification import Fact, LightKind, LineCheck


@dataclass(frozen=True)
class Texts:
    headline: str
    what_happened: str = ""
    what_to_do: str = ""


Words = Callable[[Finding, Speech], Texts]
"""The words of one rule: its finding and the audience in, the clerk's three sentences out."""


def plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def count(n: int, one: str, many: str) -> str:
    return f"{n} {plural(n, one, many)}"


def elapsed(seconds: float) -> str:
    """A duration as it really was: "less than a second", "12 seconds", "2 minutes 5 seconds", "1 hour"."""
    if seconds < 1:
        return "less than a second"
    whole = int(seconds)
    if whole < 60:
        return count(whole, "second", "seconds")
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        text = count(minutes, "minute", "minutes")
        if minutes < 10 and secs:
            text += " " + count(secs, "second", "seconds")
        return text
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        text = count(hours, "hour", "hours")
        return text + (" " + count(minutes, "minute", "minutes") if minutes else "")
    return count(hours // 24, "day", "days")


def after_submit(seconds: Fact) -> str:
    """ "12 seconds after the submit", or "yet" when the time of the submit is not known."""
    if not isinstance(seconds, int | float) or seconds <= 0:
        return "yet"
    return f"{elapsed(float(seconds))} after the submit"


def listing(items: Iterable[object]) -> str:
    return ", ".join(str(i) for i in items)


def as_int(value: Fact) -> int:
    """A count fact as a number: no value (None, "", 0) is 0. A list of names is not a count."""
    if not value:
        return 0
    if isinstance(value, tuple):
        raise TypeError(f"a count fact holds names, not a number: {value!r}")
    return int(value)


def as_tuple(value: Fact) -> tuple[str, ...]:
    if isinstance(value, tuple | list):
        return tuple(str(v) for v in value)
    return () if value in (None, "") else (str(value),)


def qty_text(value: Decimal | None) -> str:
    # [input] words for a clerk: the one quantity formatter, in the station's decimal mark
    return "none" if value is None else format_quantity(value)


def facts_detail(rule: str, facts: Mapping[str, Fact], *, skip: Iterable[str] = ()) -> str:
    """The technical line support reads: the rule id and every fact that has a value."""
    skipped = set(skip)
    parts = []
    for key, value in facts.items():
        if key in skipped or value in (None, "", ()):
            continue
        if isinstance(value, tuple | list):
            value = "[" + ", ".join(str(v) for v in value) + "]"
        parts.append(f"{key}={value}")
    return f"rule {rule}" + (": " + "; ".join(parts) if parts else "")


def room_access_hint(s: Speech) -> str:
    """The AIQ lesson: a sellable-inventory read only shows rooms the login (or API key) may see."""
    check = (
        s.pos.room_access_check or f"in {s.pos.rooms_settings}, give this login access to the room"
    )
    return f"If it stays empty, this login or API key may not have access to the room: {check}."


def line_note(f: Finding, ln: LineCheck) -> str:
    """One product's result in a few words, from its reason code."""
    sent, found = qty_text(ln.expected), qty_text(ln.found)
    where = ln.room_name or "an unnamed room"
    baseline = bool(f.facts.get("baseline"))
    if ln.reason == "not_received":
        return "not received: the POS created no package for it"
    if ln.reason == "wrong_quantity":
        return f"sent {sent}, package has {found}"
    if ln.reason == "non_sellable_room":
        return f"in {where}, which is not a sales room"
    if ln.reason == "moved_since":
        return f"the package record names {where}, but sellable stock grew by {sent}: moved since"
    if ln.reason == "partial":
        if baseline:
            return f"grew by {found} of {sent}; a sale since the receive would explain it"
        return (
            f"{found} of {sent} counted as sellable now; sales since the receive would explain it"
        )
    if ln.reason == "not_counted":
        return "not in sellable inventory"
    if f.kind is LightKind.SELLABLE and ln.ok and not baseline:
        return "no count from before the receive: the total on hand is consistent with it"
    return ""
