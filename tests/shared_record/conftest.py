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


@pytest.fixture
def open_station(record: Record, small_sandbox, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Open a station's context (own profile, own name, own database login) against `small_sandbox` and `record`."""
    from intake_gui.sandbox import AZ_LOC_ID, TRAINING_SECRET, TRAINING_USER
    from intake_gui.services.context import open_context
    from intake_gui.store.paths import AppPaths
    from intake_gui.store.secrets import SecretStore
    from intake_gui.store.settings import StationSettings
    from intake_gui.store.shared_record.config import parse

    opened = []

    def open_(name: str, login: Login | None = None, *, url: str | None = None):  # type: ignore[no-untyped-def]
        login = login or record.station
        url = url or record.url(login)
        SecretStore().set_password(parse(url).keyring_account, login.password)
        root = tmp_path / name
        paths = AppPaths(root / "data", root / "config", root / "cache", root / "logs")
        ctx = open_context(
            api_base=small_sandbox.base_url,
            username=TRAINING_USER,
            password=TRAINING_SECRET,
            remember=False,
            paths=paths,
            settings=StationSettings(
                station_name=name,
                shared_record_url=url,
                rate_limit_per_minute=0,
                last_location_id=AZ_LOC_ID,
            ),
        )
        opened.append(ctx)
        return ctx

    yield open_
    for ctx in reversed(opened):
        ctx.close()


@pytest.fixture
def receive():  # type: ignore[no-untyped-def]
    """Receive through the real services: a draft of `skus` (3 each) scanned one by one, submitted, verified."""
    from decimal import Decimal

    from intake_gui.domain.models import DraftLine, ReceiveDraft
    from intake_gui.sandbox import AZ_LOC_ID
    from intake_gui.services.receiving import ReceivingService
    from intake_gui.services.setup import SetupService

    def make(ctx, title: str, count: int = 2, *, first: int = 0, submit: bool = True):  # type: ignore[no-untyped-def]
        setup = SetupService(ctx)
        location = next(x for x in setup.locations() if x.loc_id == AZ_LOC_ID)
        room = next(r for r in setup.rooms(location) if r.sellable)
        vendor = next(v for v in setup.vendors(location) if v.vendor_id == 39195)
        products = [p for p in ctx.connector.products(location) if p.is_cannabis]
        chosen = products[first : first + count]
        draft = ReceiveDraft(
            location=location,
            vendor=vendor,
            room=room,
            title=title,
            lines=tuple(
                DraftLine(product_id=p.product_id, sku=p.sku, name=p.name, quantity=Decimal(3))
                for p in chosen
            ),
        )
        service = ReceivingService(ctx, settle_s=0.1)
        ctx.journal.save_draft(draft, actor=ctx.clerk, station=ctx.station)
        for p in chosen:
            for _ in range(3):
                service.record(draft.draft_id, "scan", {"code": p.sku, "sku": p.sku})
        if not submit:
            ctx.writer.flush()
            return draft, None
        result = service.submit(draft)
        service.verify(draft, result.receipt_id, baseline=None, submitted_at=result.submitted_at)
        ctx.writer.flush()
        return draft, result

    return make
