"""A fourth POS, "Kiosk", written the way ARCHITECTURE.md says to add one: a driver, its words, a credential
schema with a secret token, options, a connector over real loopback HTTP and an emulator mounted in the
embedded sandbox. Nothing else in Intake is edited for it; `kiosk` registers it for one test.

Also `mounted_sandbox`: a sandbox serving Dutchie with small BLAZE and IndicaOnline emulators beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, ConfigDict, Field, SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from intake_gui.domain.counting import PackageDetail, ShelfQuantity
from intake_gui.domain.models import (
    HistoryRow,
    Location,
    Package,
    Product,
    ReceiveDraft,
    Room,
    SellableItem,
    Vendor,
)
from intake_gui.domain.pos_words import PosWords
from intake_gui.pos.base import PosConnector, Receives, RoomCounts
from intake_gui.pos.descriptor import Connection, CredentialSchema, PosDriver, SandboxMount
from intake_gui.pos.errors import AuthenticationError
from intake_gui.pos.registry import registry
from tests.conftest import SMALL_SANDBOX

KIOSK_TOKEN = "kiosk-training-token-4411"
"""The emulator's one valid token (the Kiosk sandbox's "training" credential)."""

KIOSK_WORDS = PosWords(
    pos_name="Kiosk",
    admin_app="Kiosk Admin",
    room_word="bay",
    rooms_settings="Kiosk Admin > Bays",
    inventory_screen="Kiosk Admin > Stock",
    receive_history_screen="Kiosk Admin > Deliveries",
    login_prompt="Enter the kiosk's access token, and your name.",
    location_word="kiosk",
    credential_word="access token",
    move_hint="Kiosk has no API for moving stock; move it in Kiosk Admin > Stock.",
    count_source="Kiosk bay stock",
)

LOCATION = Location(loc_id=501, name="Kiosk One", lsp_id=1)
FRONT = Room(room_id=1, name="Front bay", inventory_room=True, pos_room=True)
BACK = Room(room_id=2, name="Back bay", inventory_room=True, pos_room=False)


class KioskToken(CredentialSchema):
    token: SecretStr = Field(title="Access token", description="From Kiosk Admin > API")


class KioskOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    auth_header: str = "X-Kiosk-Token"


def kiosk_app(_data_dir: Path) -> Starlette:
    """The Kiosk emulator: a token in a header, one location, two bays, stock in the front bay."""

    def guarded(handler: Callable[[], Any]) -> Callable[[Request], Any]:
        async def run(request: Request) -> JSONResponse:
            if request.headers.get("X-Kiosk-Token") != KIOSK_TOKEN:
                return JSONResponse({"error": "bad token"}, status_code=401)
            return JSONResponse(handler())

        return run

    return Starlette(
        routes=[
            Route("/whoami", guarded(lambda: {"kiosk": LOCATION.name})),
            Route("/locations", guarded(lambda: [LOCATION.model_dump()])),
            Route("/stock/{bay}", guarded(lambda: [{"id": 7, "sku": "K-7", "qty": "4"}])),
        ]
    )


class KioskConnector(PosConnector):
    def __init__(self, base_url: str, token: str, header: str) -> None:
        self._client = httpx.Client(base_url=base_url, headers={header: token}, timeout=10)

    def _get(self, path: str) -> Any:
        resp = self._client.get(path)
        if resp.status_code == 401:
            raise AuthenticationError("Kiosk did not accept that access token.")
        resp.raise_for_status()
        return resp.json()

    def login(self) -> None:
        self._get("whoami")

    def close(self) -> None:
        self._client.close()

    def locations(self) -> list[Location]:
        return [Location.model_validate(row) for row in self._get("locations")]

    def vendors(self, location: Location) -> list[Vendor]:
        return [Vendor(vendor_id=1, name="Kiosk Supply")]

    def rooms(self, location: Location) -> list[Room]:
        return [FRONT, BACK]

    def products(self, location: Location, progress: Any = None) -> list[Product]:
        return [Product(product_id=7, sku="K-7", name="Kiosk gummies")]

    def receive(self, draft: ReceiveDraft) -> int:
        return 1

    def packages_for_receipt(self, location: Location, receipt_id: int) -> list[Package]:
        return []

    def receipt_history(
        self, location: Location, start: datetime, end: datetime
    ) -> list[HistoryRow]:
        return []

    def sellable_inventory(
        self, location: Location, skus: Iterable[str] | None = None
    ) -> list[SellableItem]:
        return []

    def room_quantities(self, location: Location, room: Room) -> list[ShelfQuantity]:
        rows = self._get(f"stock/{room.room_id}") if room.room_id == FRONT.room_id else []
        return [
            ShelfQuantity(product_id=r["id"], sku=r["sku"], quantity=Decimal(r["qty"]))
            for r in rows
        ]


def connect(c: Connection) -> PosConnector:
    options = c.options
    assert isinstance(options, KioskOptions)
    return KioskConnector(c.api_base, c.credentials.secret("token"), options.auth_header)


KIOSK = PosDriver(
    kind="kiosk",
    display_name="Kiosk",
    words=KIOSK_WORDS,
    credentials=KioskToken,
    connect=connect,
    capabilities=frozenset({Receives, RoomCounts}),
    count=PackageDetail.FULL,
    sandbox=SandboxMount(
        path="kiosk/",
        app=kiosk_app,
        training={"token": lambda: KIOSK_TOKEN},
    ),
    options=KioskOptions,
    order=50,
)


@pytest.fixture
def kiosk() -> Iterator[PosDriver]:
    """The Kiosk driver, registered for this test only."""
    with registry.registered(KIOSK) as driver:
        yield driver


@pytest.fixture
def mounted_sandbox(sandbox_factory: Callable[..., Any], tmp_path: Path) -> Any:
    """A small Dutchie sandbox with small BLAZE and IndicaOnline emulators mounted as the embedded one does."""
    from intake_gui.sandbox import SandboxConfig
    from intake_gui.sandbox.blaze import BlazeConfig
    from intake_gui.sandbox.blaze import create_app as create_blaze
    from intake_gui.sandbox.indica import IndicaConfig
    from intake_gui.sandbox.indica import create_app as create_indica

    mounts = {
        "/blaze": create_blaze(
            tmp_path / "blaze",
            config=BlazeConfig(product_count=200, vendor_count=4, batches_per_shop=80),
        ),
        "/indica": create_indica(
            tmp_path / "indica",
            config=IndicaConfig(
                office_count=2, product_count=200, first_office_rows=60, other_office_rows=(10, 20)
            ),
        ),
    }
    return sandbox_factory(SandboxConfig(**SMALL_SANDBOX), extra_mounts=mounts)
