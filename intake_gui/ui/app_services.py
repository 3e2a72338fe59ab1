"""The services one open context gives the GUI, built together so every page talks to the same POS session."""

from __future__ import annotations

from dataclasses import dataclass

from intake_gui.services.catalog import CatalogService
from intake_gui.services.context import AppContext
from intake_gui.services.receiving import ReceivingService
from intake_gui.services.setup import SetupService


@dataclass
class AppServices:
    ctx: AppContext
    setup: SetupService
    catalog: CatalogService
    receiving: ReceivingService

    @classmethod
    def from_context(cls, ctx: AppContext) -> AppServices:
        return cls(
            ctx=ctx,
            setup=SetupService(ctx),
            catalog=CatalogService(ctx),
            receiving=ReceivingService(ctx),
        )
