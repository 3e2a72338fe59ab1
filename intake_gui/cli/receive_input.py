"""`intake receive`'s arguments, checked before anything is fetched.

A bad title or quantity used to cost a login, three reads and a 17k-product catalogue load before pydantic
refused it in its own words. `check_receive(args)` runs in `app.main` before a context is opened: every
refused value is named (the option, the limit, what to type instead) in one error, exit 2, `error:
"invalid_input"` with each refusal under `refusals` in `--json`. The values it returns are the ones the
receive uses (`args.checked`), so nothing is parsed twice in two ways.

What needs the catalogue — is the product counted each? — is checked by `draft_lines` once it is loaded.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from intake_gui.cli.output import EXIT_NOT_FOUND, EXIT_USAGE, CliError
from intake_gui.domain.input_refusals import Refusal, refusals
from intake_gui.domain.text import TextRefused, clean_text, shown

LINE_FORM = "SKU=QTY or SKU=QTY@COST, e.g. 3B4791=3@4.50"
CODE_MAX = 64
"""A SKU or a barcode (GS1 element strings included) is never longer; longer is a paste gone wrong."""


@dataclass(frozen=True)
class LineSpec:
    """One `--line`: the code as given, its quantity and cost read in the station's number style."""

    spec: str
    code: str
    quantity: Decimal
    cost: Decimal | None


@dataclass(frozen=True)
class ReceiveInput:
    title: str
    note: str
    lines: tuple[LineSpec, ...]
    manifest_ref: str = ""


def parse_line_spec(spec: str) -> LineSpec:
    """`SKU=QTY[@COST]` -> LineSpec, or CliError naming the option and what to type."""
    found: list[Refusal] = []
    line = _line(spec, found)
    if line is None:
        raise _refused(found)
    return line


def check_receive(args: argparse.Namespace) -> ReceiveInput:
    """Every free-text and number argument of `receive`, or one CliError listing every refusal."""
    from intake_gui.domain.models import NOTE_MAX, TITLE_MAX

    found: list[Refusal] = []
    title = _text(
        found,
        "--title",
        args.title,
        field="title",
        limit=TITLE_MAX,
        required="Give the receive a title with --title (for example the invoice or manifest number).",
    )
    note = _text(found, "--note", args.note, field="note", limit=NOTE_MAX, multiline=True)
    manifest_ref = _text(
        found,
        "--manifest-ref",
        getattr(args, "manifest_ref", "") or "",
        field="manifest number",
        limit=TITLE_MAX,
    )
    lines = [_line(spec, found) for spec in args.line or ()]
    if found:
        raise _refused(found)
    return ReceiveInput(
        title=title, note=note, manifest_ref=manifest_ref, lines=tuple(x for x in lines if x)
    )


def draft_lines(
    specs: tuple[LineSpec, ...] | list[LineSpec], snapshot: Any, room: Any
) -> list[Any]:
    """The receive's DraftLines from the loaded catalogue: an unknown code is exit 6, a fraction of a product
    counted each (or any other refusal the line model makes) exit 2, each naming the `--line` it came from."""
    from pydantic import ValidationError

    from intake_gui.domain.barcode import interpret
    from intake_gui.domain.models import DraftLine
    from intake_gui.domain.quantities import QuantityError, check_quantity

    lines = []
    found: list[Refusal] = []
    for spec in specs:
        product = snapshot.index.lookup(interpret(spec.code))
        if product is None:
            raise CliError(
                f"--line {shown(spec.spec)}: no product with SKU or barcode “{shown(spec.code)}” in "
                "the catalogue. Check the code, or find it with `intake products --search`.",
                EXIT_NOT_FOUND,
                error="not_found",
                details={"field": "--line", "code": spec.code},
            )
        try:
            check_quantity(spec.quantity, measure=product.measure, what=product.name)
            lines.append(
                DraftLine(
                    product_id=product.product_id,
                    sku=product.sku,
                    name=product.name,
                    quantity=spec.quantity,
                    # None when neither the clerk nor the catalogue gave a cost: sent without one.
                    unit_cost=spec.cost if spec.cost is not None else product.unit_cost,
                    unit_id=product.unit_id,
                    measure=product.measure,
                    room_id=room.room_id,
                )
            )
        except (QuantityError, ValidationError) as exc:
            found.extend(_prefixed(f"--line {shown(spec.spec)}", r) for r in refusals(exc))
    if found:
        raise _refused(found)
    return lines


# ---------------------------------------------------------------- helpers


def _text(found: list[Refusal], option: str, value: object, **rules: Any) -> str:
    try:
        return clean_text(value, **rules)
    except TextRefused as exc:
        found.append(Refusal(option, exc.code, f"{option}: {exc.message}"))
        return ""


def _line(spec: str, found: list[Refusal]) -> LineSpec | None:
    from intake_gui.domain.models import parse_cost
    from intake_gui.domain.quantities import QuantityError, parse_quantity

    option = f"--line {shown(spec)}"
    try:
        text = clean_text(spec, field="line", limit=CODE_MAX + 64)
    except TextRefused as exc:
        found.append(Refusal("--line", exc.code, f"{option}: {exc.message}"))
        return None
    code, sep, rest = text.partition("=")
    code = code.strip()
    if not sep or not code:
        found.append(Refusal("--line", "line_form", f"{option}: write {LINE_FORM}."))
        return None
    if len(code) > CODE_MAX:
        found.append(
            Refusal(
                "--line",
                "too_long",
                f"{option}: the SKU or barcode is {len(code)} characters; the limit is {CODE_MAX}.",
            )
        )
        return None
    qty_text, at, cost_text = rest.partition("@")
    quantity: Decimal | None = None
    cost: Decimal | None = None
    try:
        quantity = parse_quantity(qty_text)
    except QuantityError as exc:
        found.append(Refusal("--line", exc.code, f"{option}: quantity: {exc.message}"))
    if at:
        try:
            cost = parse_cost(cost_text)
        except QuantityError as exc:
            message = exc.message.removeprefix("Unit cost: ")
            found.append(Refusal("--line", exc.code, f"{option}: unit cost: {message}"))
    if quantity is None or (at and cost is None):
        return None
    return LineSpec(spec=spec, code=code, quantity=quantity, cost=cost)


def _prefixed(prefix: str, refusal: Refusal) -> Refusal:
    message = refusal.message
    if message.startswith("Line "):  # "Line 1: …" from the draft model: the --line says which
        message = message.split(": ", 1)[-1]
    return Refusal("--line", refusal.code, f"{prefix}: {message}")


def _refused(found: list[Refusal]) -> CliError:
    message = "\n".join(r.message for r in found)
    return CliError(
        message,
        EXIT_USAGE,
        error="invalid_input",
        details={"field": found[0].field, "refusals": [r.as_dict() for r in found]},
    )
