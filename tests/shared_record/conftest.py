"""A real PostgreSQL for the shared-record tests: one server per test session, a database per session (and a fresh
one for tests that set a record up themselves), login users for two stations and a supervisor."""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from pg_server import PgServer


@dataclass(frozen=True)
class Login:
    user: str
    password: str


@dataclass(frozen=True)
class Record:
    server: PgServer
    database: str
    station: Login
    station2: Login
    supervisor: Login

    def url(self, login: Login | None = None) -> str:
        return self.server.url(self.database, (login or self.station).user)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    server = PgServer()
    server.start()
    yield server
    server.close()


@pytest.fixture(scope="session")
def record(pg_server: PgServer) -> Iterator[Record]:
    """A shared record set up the way the README says (`init`, then one user per station and one supervisor)."""
    from intake_gui.store.shared_record import admin

    database = pg_server.create_database()
    engine = pg_server.admin_engine(database)
    logins = {}
    try:
        admin.init(engine)
        for name, role in (
            ("receiving1", "station"),
            ("receiving2", "station"),
            ("office", "supervisor"),
        ):
            logins[name] = Login(name, secrets.token_urlsafe(12))
            admin.add_login(engine, name, role, logins[name].password)
    finally:
        engine.dispose()
    yield Record(pg_server, database, logins["receiving1"], logins["receiving2"], logins["office"])


@pytest.fixture
def tenant(request: pytest.FixtureRequest) -> str:
    """A tenant name of this test's own: the session's record is shared, each test reads only its events."""
    return f"dutchie|http://127.0.0.1/{request.node.name}/{secrets.token_hex(3)}"


@pytest.fixture
def make_draft():  # type: ignore[no-untyped-def]
    """Drafts at AZ 1989 from PALOMINO PRINTING; `lines` is a list of (sku, quantity)."""
    from decimal import Decimal

    from intake_gui.domain.models import DraftLine, Location, ReceiveDraft, Room, Vendor

    def make(
        *,
        title: str = "INV-1001",
        lines: list[tuple[str, str]] | None = None,
        vendor_id: int = 39195,
        **kw: object,
    ) -> ReceiveDraft:
        built = tuple(
            DraftLine(
                product_id=11484902 + i,
                sku=sku,
                name=f"Product {sku}",
                quantity=Decimal(qty),
                room_id=24772,
            )
            for i, (sku, qty) in enumerate(lines or [("3B4791", "3"), ("5C7842", "3")])
        )
        fields: dict[str, object] = {
            "location": Location(
                loc_id=1989, name="AZ Sandbox", lsp_id=575, timezone="America/Phoenix"
            ),
            "vendor": Vendor(vendor_id=vendor_id, name="PALOMINO PRINTING"),
            "room": Room(room_id=24772, name="Sales Floor", inventory_room=True, pos_room=True),
            "title": title,
            "lines": built,
        }
        fields.update(kw)
        return ReceiveDraft(**fields)  # type: ignore[arg-type]

    return make
