"""The words of every submit and location rule, in one place, each refusal with its fix.

Taken from the POS's `PosWords` (never "Backoffice" on a POS that has none) and from the facts the rule found.
Sandbox ids and the course's sandboxes are named only when `Speech.training_sandbox` says the tenant is the
embedded training sandbox.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from intake_gui.domain.diagnosis.findings import RuleId
from intake_gui.domain.diagnosis.speech import Speech, Texts, count, elapsed
from intake_gui.domain.verification import Fact

FactWords = Callable[[Mapping[str, Fact], Speech], Texts]

NOTHING_RECEIVED = (
    "Nothing was received, so correcting it and sending again cannot double the stock."
)
_KEPT = "The draft is kept."


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _null_status(f: Mapping[str, Fact], s: Speech) -> Texts:
    return Texts(
        "The POS refused the receive: it says the Status is missing.",
        "The POS could not store the receive because its Status was empty (“Cannot insert the value NULL "
        "into column 'Status'”). Intake sends Status “Received” at the top level of every receive, so this "
        "POS expects it in another form: a difference in how this company's POS is set up. "
        + NOTHING_RECEIVED,
        "The fix is on the sending side: Status “Received” at the top level of the receive, in the form this "
        f"POS expects. Contact support with the technical detail. {_KEPT}",
    )


def _null_column(f: Mapping[str, Fact], s: Speech) -> Texts:
    column = f.get("column") or "a field"
    return Texts(
        f"The POS refused the receive: a required field ({column}) is missing.",
        f"The POS could not store the receive without {column}, which Intake does not send for this "
        "company: a difference in how this company's POS is set up. " + NOTHING_RECEIVED,
        f"Contact support and show them the technical detail. {_KEPT}",
    )


def _required(f: Mapping[str, Fact], s: Speech) -> Texts:
    field = f.get("field")
    what = f"“{field}”" if field else "a field"
    step = f.get("step")
    todo = (
        f"Fill in {what} for the lines it names on the Products page, then submit again. {_KEPT}"
        if step == "products"
        else f"Go back, choose the {step} again, then submit. {_KEPT}"
        if step
        else f"If {what} is something a clerk can enter, add it and submit again; otherwise contact "
        f"support with the technical detail. {_KEPT}"
    )
    return Texts(
        f"The POS refused the receive: {what} is required.",
        f"{_cap(s.pos.pos_name)} requires {what} for this receive. " + NOTHING_RECEIVED,
        todo,
    )


def _rate_limited(f: Mapping[str, Fact], s: Speech) -> Texts:
    wait = f.get("retry_after_s")
    said = f.get("pos_message")
    if isinstance(wait, int | float) and wait > 0:
        when = f"It asked Intake to wait {elapsed(float(wait))}."
        todo = f"Wait {elapsed(float(wait))}, then submit again."
    else:
        when = f"It said: “{said}”." if said else ""
        if not said and s.pos.documented_rate_per_minute:
            when = f"{_cap(s.pos.pos_name)} documents about {s.pos.documented_rate_per_minute} requests a minute per login."
        todo = "Wait a minute, then submit again."
    return Texts(
        f"{_cap(s.pos.pos_name)} asked Intake to slow down.",
        f"{when} {NOTHING_RECEIVED}".strip(),
        todo,
    )


def _session(f: Mapping[str, Fact], s: Speech) -> Texts:
    return Texts(
        "The POS session expired.",
        f"{_cap(s.pos.pos_name)} no longer accepted this login. " + NOTHING_RECEIVED,
        f"Sign in again, then submit. {_KEPT}",
    )


def _not_permitted(f: Mapping[str, Fact], s: Speech) -> Texts:
    return Texts(
        "This login is not allowed to receive inventory.",
        f"{_cap(s.pos.pos_name)} refused the receive for this user. " + NOTHING_RECEIVED,
        f"Ask a manager to grant this user the receive-inventory permission in {s.pos.admin_app}, or sign "
        "in as a user who has it.",
    )


def _quantity(f: Mapping[str, Fact], s: Speech) -> Texts:
    return Texts(
        "The POS refused a quantity.",
        "One of the quantities is not acceptable to the POS (for example a fraction for a product counted "
        "in units). " + NOTHING_RECEIVED,
        "Check the quantities the detail names, correct them and submit again.",
    )


def _vendor(f: Mapping[str, Fact], s: Speech) -> Texts:
    return Texts(
        "The POS does not know this vendor (any more).",
        "The vendor was removed or changed in the POS after the list was loaded. "
        + NOTHING_RECEIVED,
        "Go back, reload the vendors and pick the vendor again.",
    )


def _room(f: Mapping[str, Fact], s: Speech) -> Texts:
    return Texts(
        f"The POS will not receive into this {s.pos.room_word}.",
        f"The {s.pos.room_word} is not an inventory {s.pos.room_word}, or it was removed or changed after "
        "the list was loaded. " + NOTHING_RECEIVED,
        f"Go back, reload the {s.pos.room_word}s and choose an inventory {s.pos.room_word}.",
    )


def _product(f: Mapping[str, Fact], s: Speech) -> Texts:
    return Texts(
        "The POS does not know one of the products.",
        "A product was removed or changed in the POS after the catalog was loaded. "
        + NOTHING_RECEIVED,
        "Re-sync the catalog, remove or re-scan the product the detail names, and submit again.",
    )


def _not_found(f: Mapping[str, Fact], s: Speech) -> Texts:
    said = f.get("pos_message")
    return Texts(
        "The POS did not recognise the receive request.",
        (f"It answered “{said}”. " if said else "")
        + "The receive address or an id in it is unknown to this POS. "
        + NOTHING_RECEIVED,
        "Reload the lists (vendors, rooms, catalog) and submit again; if it repeats, contact support "
        f"with the technical detail. {_KEPT}",
    )


def _connection(f: Mapping[str, Fact], s: Speech) -> Texts:
    return Texts(
        f"Could not reach {s.pos.pos_name}.",
        "The receive was not sent. " + NOTHING_RECEIVED,
        "Check the network connection, then submit again.",
    )


def _outcome_unknown(f: Mapping[str, Fact], s: Speech) -> Texts:
    return Texts(
        "The connection was lost after sending; Intake is checking whether it landed.",
        "The receive reached the POS or not: the answer never came back. Intake looks for it in the receive "
        "history before anything is sent again.",
        f"Wait for the check. Do not submit again and do not enter it in {s.pos.admin_app} by hand.",
    )


def _server(f: Mapping[str, Fact], s: Speech) -> Texts:
    return Texts(
        f"{_cap(s.pos.pos_name)} had an internal error and gave no reason.",
        "It probably recorded nothing, but Intake checks the receive history before anything is sent again.",
        "Wait for the check, then try again in a few minutes. Contact support if it repeats.",
    )


def _not_supported(f: Mapping[str, Fact], s: Speech) -> Texts:
    return Texts(
        "This POS has no API for receiving inventory.",
        f"Intake cannot send receives to {s.pos.pos_name}. Nothing was received.",
        f"Enter the delivery in {s.pos.admin_app}; Intake's draft can be printed or exported.",
    )


def _refused(f: Mapping[str, Fact], s: Speech) -> Texts:
    said = f.get("pos_message")
    return Texts(
        "The POS refused the receive.",
        (f"It said: “{said}”. " if said else "It gave no reason. ") + NOTHING_RECEIVED,
        f"Do what the POS's message asks, then submit again; if it is unclear, contact support. {_KEPT}",
    )


def _unknown(f: Mapping[str, Fact], s: Speech) -> Texts:
    return Texts(
        "The receive failed for a reason Intake does not recognise.",
        "Intake cannot tell whether the POS recorded it, so it checks the receive history before anything "
        "is sent again.",
        "Contact support with the technical detail.",
    )


# ------------------------------------------------------------------------------------ locations

_COURSE_SANDBOXES = {2862: "Illinois", 2869: "Ohio"}
"""The course's sandboxes without rooms; named only on the embedded training sandbox."""
_COURSE_SANDBOX_WITH_ROOMS = 1989


def _no_rooms(f: Mapping[str, Fact], s: Speech) -> Texts:
    name, admin = f.get("location") or "This location", s.pos.rooms_settings
    rooms = f.get("rooms") or ()
    word = s.pos.room_word
    if rooms:
        names = ", ".join(str(r) for r in rooms)  # type: ignore[union-attr]
        n = len(rooms)  # type: ignore[arg-type]
        headline = f"{name} has no inventory {word}, so a receive there would put stock nowhere."
        happened = (
            f"Its {count(n, word + ' is', word + 's are')} ({names}) not marked as inventory {word}s. "
            "The POS would report the receive as a success, but no stock would appear."
        )
        admin_fix = f"ask an admin to mark a {word} as an inventory {word} (or add one) in {admin}"
    else:
        headline = f"{name} has no {word}s, so a receive there would put stock nowhere."
        happened = (
            f"The POS would report the receive as a success, but with no {word} to land in, no stock "
            "would appear."
        )
        admin_fix = f"ask an admin to add an inventory {word} in {admin}"
    switch = f"Switch to a location that has {word}s"
    loc_id = f.get("loc_id")
    if s.training_sandbox:
        sandbox = _COURSE_SANDBOXES.get(loc_id) if isinstance(loc_id, int) else None
        if sandbox:
            happened += (
                f" This is the course's {sandbox} sandbox ({loc_id}); the Illinois (2862) and Ohio (2869) "
                "sandboxes have no rooms."
            )
        switch += f" (for training, the AZ sandbox, location {_COURSE_SANDBOX_WITH_ROOMS})"
    return Texts(headline, happened, f"{switch}, or {admin_fix}.")


SUBMIT_WORDS: dict[RuleId, FactWords] = {
    RuleId.SUBMIT_NULL_STATUS: _null_status,
    RuleId.SUBMIT_NULL_COLUMN: _null_column,
    RuleId.SUBMIT_REQUIRED_FIELD: _required,
    RuleId.SUBMIT_RATE_LIMITED: _rate_limited,
    RuleId.SUBMIT_SESSION_EXPIRED: _session,
    RuleId.SUBMIT_NOT_PERMITTED: _not_permitted,
    RuleId.SUBMIT_QUANTITY_REFUSED: _quantity,
    RuleId.SUBMIT_VENDOR_UNKNOWN: _vendor,
    RuleId.SUBMIT_ROOM_UNKNOWN: _room,
    RuleId.SUBMIT_PRODUCT_UNKNOWN: _product,
    RuleId.SUBMIT_NOT_FOUND: _not_found,
    RuleId.SUBMIT_CONNECTION: _connection,
    RuleId.SUBMIT_OUTCOME_UNKNOWN: _outcome_unknown,
    RuleId.SUBMIT_SERVER_ERROR: _server,
    RuleId.SUBMIT_NOT_SUPPORTED: _not_supported,
    RuleId.SUBMIT_REFUSED: _refused,
    RuleId.SUBMIT_UNKNOWN: _unknown,
    RuleId.LOCATION_NO_ROOMS: _no_rooms,
    RuleId.LOCATION_NO_INVENTORY_ROOM: _no_rooms,
}
