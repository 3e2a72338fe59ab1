"""`intake locations | vendors | rooms | products`: the ids a receive needs, read from the POS."""

from __future__ import annotations

import argparse
from typing import Any

from intake_gui.cli.output import EXIT_NOT_FOUND, EXIT_OK, CliError, Output


def register(sub: Any) -> None:
    c = sub.add_parser("locations", help="list the locations this login sees")
    c.set_defaults(handler=cmd_locations, needs_context=True)
    c = sub.add_parser("vendors", help="list a location's vendors")
    c.add_argument("--loc", type=int, required=True)
    c.set_defaults(handler=cmd_vendors, needs_context=True)
    c = sub.add_parser("rooms", help="list a location's rooms")
    c.add_argument("--loc", type=int, required=True)
    c.set_defaults(handler=cmd_rooms, needs_context=True)
    c = sub.add_parser("products", help="search the product catalog")
    c.add_argument("--loc", type=int, required=True)
    c.add_argument("--search", default="", help="type-ahead text, SKU or barcode")
    c.add_argument("--limit", type=int, default=25)
    c.set_defaults(handler=cmd_products, needs_context=True)


def find_location(ctx: Any, loc_id: int) -> Any:
    from intake_gui.services.setup import SetupService

    for loc in SetupService(ctx).locations():
        if loc.loc_id == loc_id:
            return loc
    raise CliError(f"This login sees no location {loc_id}. Try `intake locations`.", EXIT_NOT_FOUND)


def load_catalog(ctx: Any, loc: Any, out: Output) -> Any:
    from intake_gui.services.catalog import CatalogService

    service = CatalogService(ctx)
    snap = service.load_cached(loc)
    if snap is None:
        out.info("Loading the product catalog…")
        snap = service.sync(loc)
    return snap


def cmd_locations(ctx: Any, args: argparse.Namespace, out: Output) -> int:
    from intake_gui.services.setup import SetupService

    locs = SetupService(ctx).locations()
    out.emit(
        [loc.model_dump(mode="json") for loc in locs],
        lambda: (
            "\n".join(f"{x.loc_id:>6}  {x.state:<3} {x.name}  ({x.timezone})" for x in locs)
            + f"\n{len(locs)} locations"
        ),
    )
    return EXIT_OK


def cmd_vendors(ctx: Any, args: argparse.Namespace, out: Output) -> int:
    from intake_gui.services.setup import SetupService

    vendors = SetupService(ctx).vendors(find_location(ctx, args.loc))
    out.emit(
        [v.model_dump(mode="json") for v in vendors],
        lambda: "\n".join(f"{v.vendor_id:>7}  {v.name}  {v.code}" for v in vendors),
    )
    return EXIT_OK


def cmd_rooms(ctx: Any, args: argparse.Namespace, out: Output) -> int:
    from intake_gui.domain.diagnosis import no_rooms_explanation
    from intake_gui.services.setup import SetupService

    loc = find_location(ctx, args.loc)
    rooms = SetupService(ctx).rooms(loc)

    def text() -> str:
        if not rooms:
            from intake_gui.services.verification import speech_for

            d = no_rooms_explanation(loc, speech=speech_for(ctx))
            return f"{d.headline}\n{d.what_happened}\n{d.what_to_do}"
        return "\n".join(
            f"{r.room_id:>7}  {r.name:<24} inventory={'yes' if r.inventory_room else 'no ':<3} "
            f"sellable={'yes' if r.sellable else 'no'}"
            for r in rooms
        )

    out.emit([r.model_dump(mode="json") | {"sellable": r.sellable} for r in rooms], text)
    return EXIT_OK


def cmd_products(ctx: Any, args: argparse.Namespace, out: Output) -> int:
    from intake_gui.domain.barcode import interpret

    loc = find_location(ctx, args.loc)
    snap = load_catalog(ctx, loc, out)
    exact = snap.index.lookup(interpret(args.search)) if args.search else None
    found = [exact] if exact else snap.index.search(args.search, limit=args.limit)
    if not args.search:
        found = snap.products[: args.limit]
    out.emit(
        [p.model_dump(mode="json") for p in found],
        lambda: (
            "\n".join(f"{p.product_id:>9}  {p.sku:<8} {p.gtin or '-':<14}  {p.name}" for p in found)
            + f"\n{len(found)} shown of {len(snap.products)} products"
        ),
    )
    return EXIT_OK
