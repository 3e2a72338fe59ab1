"""The wizard's prerequisite reads: locations, vendors, rooms — sorted the way a clerk scans a list."""

from __future__ import annotations

from intake_gui.domain.models import Location, Room, Vendor
from intake_gui.services.context import AppContext


class SetupService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def locations(self) -> list[Location]:
        return sorted(self.ctx.connector.locations(), key=lambda loc: (loc.state, loc.name))

    def vendors(self, location: Location) -> list[Vendor]:
        return sorted(
            self.ctx.connector.vendors(location), key=lambda v: (v.name.casefold(), v.vendor_id)
        )

    def rooms(self, location: Location) -> list[Room]:
        """Eligible rooms first, sellable before not, then by name: the likely choice is at the top."""
        return sorted(
            self.ctx.connector.rooms(location),
            key=lambda r: (not r.eligible, not r.sellable, r.name.casefold()),
        )

    def remember_location(self, location: Location) -> None:
        self.ctx.settings = self.ctx.settings.model_copy(
            update={"last_location_id": location.loc_id}
        )
        self.ctx.save_settings()
