"""The words of every light rule, in one place: what the clerk reads for each `RuleId`.

A clerk at a loading dock reads `headline`, `what_happened` and `what_to_do`; support reads `detail` (the rule
id and its facts). Names of screens and of the POS come from `Speech.pos` (`PosWords`), so a BLAZE clerk is
never sent to Backoffice. Two facts shape most of the wording: a receive that came back with a receipt id is
recorded, so nothing here ever suggests sending it again; and stock can take minutes to show in some reads, so
"not visible yet" is worded as a wait, with the real time waited.
"""

from __future__ import annotations

from intake_gui.domain.diagnosis.findings import Finding, RuleId
from intake_gui.domain.diagnosis.speech import (
    Speech,
    Texts,
    Words,
    after_submit,
    as_int,
    as_tuple,
    count,
    facts_detail,
    line_note,
    listing,
    plural,
    room_access_hint,
)
from intake_gui.domain.diagnosis.words_sellable import SELLABLE_WORDS
from intake_gui.domain.verification import Basis, Light, LightKind

_WHAT_IS_READ = {
    LightKind.PACKAGES: "the packages this receive created",
    LightKind.HISTORY: "the receive history",
    LightKind.SELLABLE: "sellable inventory",
}


# ------------------------------------------------------------------------------------ failed reads


def _read(f: Finding, s: Speech) -> Texts:
    what = _WHAT_IS_READ[f.kind]
    pos, admin = s.pos.pos_name, s.pos.admin_app
    cap = pos[:1].upper() + pos[1:]
    recorded = f"The receive itself is recorded (receipt {f.facts['receipt_id']}); only this check is missing."
    said = f.facts.get("pos_message") or ""
    rule = f.rule
    if rule is RuleId.READ_NOT_PERMITTED:
        return Texts(
            "Could not be checked: this login is not permitted to read it.",
            f"This login is not permitted to read {what}. That is not fatal for intake. {recorded}",
            f"A manager can check it in {admin}.",
        )
    if rule is RuleId.READ_RATE_LIMITED:
        quoted = f" It said: “{said}”." if said else ""
        if not said and s.pos.documented_rate_per_minute:
            quoted = f" ({pos} documents about {s.pos.documented_rate_per_minute} requests a minute per login.)"
        return Texts(
            f"{cap} asked Intake to slow down; Intake will re-check shortly.",
            f"{cap} refused to read {what} for now.{quoted} {recorded}",
            "Nothing to do: Intake re-checks automatically once the limit allows.",
        )
    if rule is RuleId.READ_SESSION:
        return Texts(
            f"{cap} kept refusing this login's session; Intake will re-check.",
            f"{cap} turned away fresh sessions while Intake read {what}. The password is not the problem. "
            f"{recorded}",
            "Nothing to do: Intake re-checks automatically; if it keeps happening, contact support.",
        )
    if rule is RuleId.READ_CONNECTION:
        soon = bool(f.facts.get("within_grace"))
        return Texts(
            f"Could not reach {pos} to check this.",
            f"The network failed while reading {what}. {recorded}",
            "Check the network; Intake re-checks when it is back."
            if soon
            else "Check the network, then press Re-check.",
        )
    if rule is RuleId.READ_NOT_SUPPORTED:
        return Texts(
            "Not checked: this POS has no API for this check.",
            f"{cap} offers no way to read {what}. {recorded}",
            f"A manager can confirm it in {admin}.",
        )
    if rule is RuleId.READ_ROOM_ACCESS:
        return Texts(
            "Could not be checked: this login cannot see the room.",
            f"{cap} answered, but this login has no access to the room when reading {what}. {recorded}",
            room_access_hint(s),
        )
    if rule is RuleId.READ_NOT_FOUND:
        return Texts(
            "Could not be checked: the POS does not know this request.",
            f"{cap} answered “not found” when asked for {what}; the address may differ for this "
            f"company. {recorded}",
            f"Tell support (the technical detail names the request); a manager can check it in {admin} "
            "meanwhile.",
        )
    if rule in (RuleId.READ_SERVER, RuleId.READ_MALFORMED):
        unreadable = " (its answer could not be read)" if rule is RuleId.READ_MALFORMED else ""
        return Texts(
            "Could not be checked: the POS had a problem answering.",
            f"{cap} failed while reading {what}{unreadable}. {recorded}",
            f"Press Re-check in a few minutes; a manager can check it in {admin}.",
        )
    return Texts("Not checked.", f"Intake has no answer for {what}. {recorded}", "Press Re-check.")


# ---------------------------------------------------------------------------------------- packages


def _orphaned(f: Finding, s: Speech) -> Texts:
    rid, n = f.facts["receipt_id"], as_int(f.facts["products_in_history"])
    recorded = f"Receipt {rid} is in the receive history with {count(n, 'product', 'products')}, yet no packages came back."
    if not f.facts.get("made_by_intake"):
        return Texts(
            "The receive was recorded, but the POS lists no packages for it.",
            f"{recorded} This receive was not made by Intake. A receive whose lines were sent without a room "
            "(no RoomId) is recorded but creates no stock: an “orphaned” receive.",
            f"Do not receive it again blindly. A manager can open receipt {rid} in "
            f"{s.pos.receive_history_screen}; if it has no stock, receive the delivery again with a room on "
            "every line.",
        )
    return Texts(
        "The receive was recorded, but the POS lists no packages for it.",
        f"{recorded} Either the lines reached the POS without a room, so it recorded the receive but created "
        "no stock (an “orphaned” receive), or the packages were read with the wrong id (Id instead of "
        "ReceiveInventoryHistoryId), which returns an empty list without any error.",
        f"Do not send this receive again: if the stock does exist it would be doubled. Contact support with "
        f"receipt id {rid}; a manager can open the receipt in {s.pos.receive_history_screen} to see whether "
        "packages exist.",
    )


def _all_dropped(f: Finding, s: Speech) -> Texts:
    skus = as_tuple(f.facts.get("skus"))
    n = len(skus)
    return Texts(
        f"All {count(n, 'line was', 'lines were')} dropped by the POS."
        if n
        else "The POS recorded this receive with no products.",
        f"Receipt {f.facts['receipt_id']} was recorded with no products and no packages. The POS silently drops "
        f"lines that match nothing at this location{': ' + listing(skus) if skus else ''}.",
        f"Check that these products exist at this location with these SKUs ({s.pos.admin_app} product "
        "catalog), re-sync the catalog in Intake, then receive them in a new receive.",
    )


def _not_visible(f: Finding, s: Speech) -> Texts:
    rid = f.facts["receipt_id"]
    if f.rule is RuleId.PACKAGES_NOT_VISIBLE_YET:
        return Texts(
            "No packages visible yet; Intake will re-check.",
            f"The POS gave receipt {rid} but lists no packages for it "
            f"{after_submit(f.facts['seconds_since_submit'])}. New stock can take a few minutes to appear.",
            "Nothing yet: Intake re-checks automatically. Do not send the receive again.",
        )
    return Texts(
        "Still no packages for this receive.",
        f"{after_submit(f.facts['seconds_since_submit']).capitalize()}, the POS lists no packages for "
        f"receipt {rid}, and the receive history does not show it either.",
        f"Do not send it again. Contact support with receipt id {rid}; a manager can look the receipt up in "
        f"{s.pos.receive_history_screen}.",
    )


def _dropped_lines(f: Finding, s: Speech) -> Texts:
    skus = listing(as_tuple(f.facts["dropped_skus"]))
    n = as_int(f.facts["dropped_lines"])
    happened = (
        f"{skus}: not received. The POS created packages for the other lines but none for "
        f"{plural(n, 'this one', 'these')}; it silently drops lines that match nothing at this location."
    )
    wrong = as_tuple(f.facts.get("wrong_skus"))
    if wrong:
        happened += f" The quantity is also wrong for {listing(wrong)}."
    return Texts(
        f"{count(n, 'line was', 'lines were')} not received (dropped by the POS): {skus}.",
        happened,
        f"Check that each of these products exists at this location with this SKU ({s.pos.admin_app} "
        "product catalog). Then receive only the missing lines in a new receive; the other lines are "
        "already in stock, so do not send this receive again.",
    )


def _wrong_quantity(f: Finding, s: Speech) -> Texts:
    wrong = [ln for ln in f.lines if not ln.ok]
    listed = "; ".join(f"{ln.sku}: {line_note(f, ln)}" for ln in wrong)
    return Texts(
        f"The POS recorded a different quantity for {count(len(wrong), 'product', 'products')}.",
        f"The packages exist but do not hold what was sent. {listed}.",
        f"A manager can correct the package quantity in {s.pos.inventory_screen}. Do not send the receive "
        "again: it would add the full quantity a second time.",
    )


def _match(f: Finding, s: Speech) -> Texts:
    n = as_int(f.facts["package_count"])
    if f.rule is RuleId.PACKAGES_PRESENT:
        return Texts(
            f"{count(n, 'package', 'packages')} found for this receive.",
            "Intake did not make this receive, so what was sent is unknown; the packages are listed as the "
            "POS recorded them.",
        )
    return Texts(
        f"{count(len(f.lines), 'product', 'products')} received with the right quantities.",
        "Every line sent has a package with the same product and quantity.",
    )


# ----------------------------------------------------------------------------------------- history


def _duplicate(f: Finding, s: Speech) -> Texts:
    others = listing(as_tuple(f.facts["other_receipts"]))
    return Texts(
        "This receive appears more than once in the history.",
        f"Besides receipt {f.facts['receipt_id']}, the history has receipt {others} with the same Intake tag "
        f"({f.facts['token']}), so the stock may have been added twice.",
        f"Do not send anything else. Ask a manager to compare the receipts in {s.pos.receive_history_screen} "
        "and reverse the extra one.",
    )


def _missing(f: Finding, s: Speech) -> Texts:
    rid, waited = f.facts["receipt_id"], after_submit(f.facts["seconds_since_submit"])
    if f.rule is RuleId.HISTORY_NOT_YET:
        return Texts(
            "Not in the receive history yet; Intake will re-check.",
            f"The POS gave receipt {rid} but its receive history does not show it {waited}. History can lag "
            "behind a receive by a few minutes.",
            "Nothing yet: Intake re-checks automatically. Do not send the receive again.",
        )
    return Texts(
        "The receive is still missing from the history.",
        f"{waited.capitalize()}, receipt {rid} is not in the receive history.",
        f"Do not send it again. Contact support with receipt id {rid}; a manager can search "
        f"{s.pos.receive_history_screen}.",
    )


def _wrong_status(f: Finding, s: Speech) -> Texts:
    rid = f.facts["receipt_id"]
    return Texts(
        f"The POS recorded this receive as “{f.facts['status']}”, not “Received”.",
        f"Receipt {rid} exists but is not marked Received, so its stock may not have been added.",
        f"Do not send it again. A manager can open receipt {rid} in {s.pos.receive_history_screen} and "
        "complete it; contact support if it cannot be completed there.",
    )


def _wrong_vendor(f: Finding, s: Speech) -> Texts:
    shown = f.facts.get("vendor") or f"vendor #{f.facts.get('vendor_id')}"
    rid = f.facts["receipt_id"]
    return Texts(
        f"The receive is recorded under {shown}, not {f.facts['sent_vendor']}.",
        f"Receipt {rid} names a different vendor than the one chosen.",
        f"A manager can correct the vendor on receipt {rid} in {s.pos.receive_history_screen}. The stock is "
        "received: do not send it again.",
    )


def _wrong_count(f: Finding, s: Speech) -> Texts:
    n, sent = as_int(f.facts["products"]), as_int(f.facts["lines_sent"])
    headline = f"The history shows {count(n, 'product', 'products')}; Intake sent {sent}."
    if f.rule is RuleId.HISTORY_FEWER_LINES:
        return Texts(
            headline,
            "The POS dropped some lines: it silently skips lines that match nothing at this location.",
            "See the Packages light for which products were not received, and receive only those again.",
        )
    return Texts(
        headline,
        f"The POS recorded more products on receipt {f.facts['receipt_id']} than Intake sent.",
        f"Ask a manager to check receipt {f.facts['receipt_id']} in {s.pos.receive_history_screen}.",
    )


def _recorded(f: Finding, s: Speech) -> Texts:
    n = as_int(f.facts["products"])
    rid = f.facts["receipt_id"]
    if f.rule is RuleId.HISTORY_RECORDED_SENT_UNKNOWN:
        return Texts(
            "Recorded in the receive history.",
            f"Receipt {rid} is in the history with {count(n, 'product', 'products')}. Intake did not make "
            "this receive, so how many lines were sent is unknown and is not compared.",
        )
    return Texts(
        "Recorded in the receive history as Received.",
        f"Receipt {rid} is in the history with the right vendor and {count(n, 'product', 'products')}, "
        f"as many as Intake sent.",
    )


# --------------------------------------------------------------------------------------- rendering

LIGHT_WORDS: dict[RuleId, Words] = {
    **{r: _read for r in RuleId if r.area == "read"},
    RuleId.PACKAGES_ORPHANED: _orphaned,
    RuleId.PACKAGES_ALL_DROPPED: _all_dropped,
    RuleId.PACKAGES_NOT_VISIBLE_YET: _not_visible,
    RuleId.PACKAGES_STILL_MISSING: _not_visible,
    RuleId.PACKAGES_DROPPED_LINES: _dropped_lines,
    RuleId.PACKAGES_WRONG_QUANTITY: _wrong_quantity,
    RuleId.PACKAGES_MATCH: _match,
    RuleId.PACKAGES_PRESENT: _match,
    RuleId.HISTORY_DUPLICATE: _duplicate,
    RuleId.HISTORY_NOT_YET: _missing,
    RuleId.HISTORY_STILL_MISSING: _missing,
    RuleId.HISTORY_WRONG_STATUS: _wrong_status,
    RuleId.HISTORY_WRONG_VENDOR: _wrong_vendor,
    RuleId.HISTORY_FEWER_LINES: _wrong_count,
    RuleId.HISTORY_MORE_LINES: _wrong_count,
    RuleId.HISTORY_RECORDED: _recorded,
    RuleId.HISTORY_RECORDED_SENT_UNKNOWN: _recorded,
}
"""Rule id -> its words. The sellable rules' words live in `words_sellable` (same shape, imported here)."""

_BASIS_WORDS = {
    Basis.PACKAGE_ROOMS: "the rooms on the package records",
    Basis.ROOM_SENT: "the room Intake sent (the package records did not name one)",
    Basis.BASELINE_DELTA: "the growth of sellable stock since just before the submit",
    Basis.TOTALS: (
        "the sellable totals, which can only be consistent: there is no count from before the receive, "
        "and older stock of the same products would look the same"
    ),
    Basis.PACKAGE_RECORDS: "the package records",
    Basis.HISTORY_ROW: "the receive-history row",
    Basis.ELAPSED: "the time waited",
}


_ASPECT_ORDER = ("rooms", "packages", "row", "lines", "quantity")


def judged_by(rests_on: dict[str, Basis]) -> str:
    """Which evidence decided a light, in the clerk's words ("" when no read decided it)."""
    aspects = sorted(
        rests_on, key=lambda a: _ASPECT_ORDER.index(a) if a in _ASPECT_ORDER else len(_ASPECT_ORDER)
    )
    named = list(
        dict.fromkeys(_BASIS_WORDS[rests_on[a]] for a in aspects if rests_on[a] is not Basis.NONE)
    )
    return ("Judged from " + ", and ".join(named) + ".") if named else ""


def render(finding: Finding, speech: Speech) -> Light:
    words = LIGHT_WORDS.get(finding.rule) or SELLABLE_WORDS[finding.rule]
    texts = words(finding, speech)
    said = finding.facts.get("pos_message")
    detail = facts_detail(finding.rule.value, finding.facts, skip=("pos_message",))
    if said:
        detail += f"; POS said: {said}"
    rests = dict(finding.rests_on)
    judged = judged_by(rests)
    happened = texts.what_happened
    if finding.kind is LightKind.SELLABLE and judged:
        happened = f"{happened} {judged}".strip()
    return Light(
        kind=finding.kind,
        state=finding.state,
        headline=texts.headline,
        what_happened=happened,
        what_to_do=texts.what_to_do,
        detail=detail,
        lines=tuple(
            ln.model_copy(update={"note": line_note(finding, ln)}) if not ln.note else ln
            for ln in finding.lines
        ),
        rule=finding.rule.value,
        facts=dict(finding.facts),
        rests_on=rests,
        judged_by=judged,
    )
