"""A re-check never overwrites a stronger earlier verdict with a weaker one.

Re-checks happen without the pre-submit baseline (the History window, `intake verify`), under a rate limit, or
while a read fails. Their results are weaker evidence than the first check's, and once a false green overwrote
a red proven from the package records' rooms. So every place that keeps or shows a verdict (the services, the
journal update, History) merges a new report into the stored one with `merge_reports`:

- a light that proves nothing (a failed, rate-limited or not-yet-visible read) never replaces a proven one;
- a proven light replaces a proven one unless, on an aspect both rest on, its evidence is weaker: a green from
  sellable totals does not overturn a red from the package records' rooms, and a quantity "consistent" with
  the totals does not overturn one confirmed by the baseline delta;
- the same kind of evidence saying something new wins: stock moved to a sales room after a red turns it
  green, stock moved into the Vault after a green turns it red. The world may change; evidence does not
  weaken.
"""

from __future__ import annotations

from datetime import datetime

from intake_gui.domain.diagnosis.speech import elapsed
from intake_gui.domain.verification import LIGHT_ORDER, Light, VerificationReport

_KEPT = "; A later check ("


def weaker(new: Light, old: Light) -> bool:
    """Whether `new` rests on weaker evidence than `old` on some aspect both rest on."""
    shared = old.rests_on.keys() & new.rests_on.keys()
    return any(new.rests_on[a].rank < old.rests_on[a].rank for a in shared)


def keeps_earlier(old: Light, new: Light) -> bool:
    if not old.proven:
        return False
    if not new.proven:
        return True
    return weaker(new, old)


def stronger_light(old: Light, new: Light, *, proven_at: datetime | None = None) -> Light:
    """The light to show and keep: `new`, unless `old` was proven on stronger evidence."""
    if not keeps_earlier(old, new):
        return new
    base = old.detail.split(_KEPT, 1)[0]
    note = (
        f"{_KEPT[2:]}{new.rule or new.state.value}: {new.headline}) rested on weaker evidence, so "
        "this result stands."
    )
    return old.model_copy(
        update={
            "carried_from": old.carried_from or proven_at,
            "detail": f"{base}; {note}" if base else note,
        }
    )


def merge_reports(
    previous: VerificationReport | None, new: VerificationReport
) -> VerificationReport:
    """`new` with every light that `previous` proved more strongly kept from `previous`.

    Idempotent (merging a report into itself changes nothing) and safe to apply again to an already
    merged report, so the journal may apply it on write as well.
    """
    if previous is None or previous.receipt_id != new.receipt_id:
        return new
    lights = []
    for kind in LIGHT_ORDER:
        old, fresh = previous.by_kind(kind), new.by_kind(kind)
        if old == fresh:
            lights.append(fresh)
            continue
        lights.append(stronger_light(old, fresh, proven_at=previous.checked_at))
    return new.model_copy(update={"lights": tuple(lights)})


def carried_note(light: Light, now: datetime) -> str:
    """ "Proven 3 minutes ago" for a kept light, "" for a fresh one."""
    if light.carried_from is None:
        return ""
    return f"Proven {elapsed((now - light.carried_from).total_seconds())} ago."
