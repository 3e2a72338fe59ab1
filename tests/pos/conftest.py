"""A scriptable in-memory Backoffice behind httpx.MockTransport, for the connector's unit tests.

It is deliberately small: it knows login, the session rules and a few canned reads. Anything a test wants
to go wrong is queued with `fake.script(path, response_or_exception, ...)` and served before the normal
handler. The full emulator (the sandbox) is exercised in tests/contract.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
import pytest

from intake_gui.domain.models import DraftLine, Location, ReceiveDraft, Room, Vendor
from intake_gui.pos.base import Credentials
from intake_gui.pos.dutchie.connector import DutchieConnector
from tests.conftest import FakeTime

PASSWORD = "hunter2-Sekret!"
USER = "clerk"
BASE = "http://127.0.0.1:9/api/"

AZ = Location(
    loc_id=1989, name="AZ Sandbox", state="AZ", lsp_id=575, org_id=7, timezone="America/Phoenix"
)
OTHER = Location(
    loc_id=2001, name="Other", state="MI", lsp_id=576, org_id=7, timezone="America/Detroit"
)
VENDOR = Vendor(vendor_id=39195, name="PALOMINO PRINTING")
SALES_FLOOR = Room(room_id=24772, name="Sales Floor", inventory_room=True, pos_room=True)


def envelope(
    data: Any = None, *, result: bool = True, message: str | None = None
) -> dict[str, Any]:
    return {"Result": result, "Message": message, "Data": data}


def reply(status: int = 200, body: Any = None, **headers: str) -> httpx.Response:
    if isinstance(body, (bytes, str)):
        return httpx.Response(status, content=body, headers=headers)
    return httpx.Response(status, json=envelope() if body is None else body, headers=headers)


@dataclass
class Seen:
    path: str
    body: dict[str, Any]
    headers: httpx.Headers


@dataclass
class FakeBackoffice:
    """Callable as a MockTransport handler."""

    password: str = PASSWORD
    sessions: set[str] = field(default_factory=set)
    seen: list[Seen] = field(default_factory=list)
    logins: int = 0
    data: dict[str, Any] = field(default_factory=dict)
    scripted: dict[str, deque[Any]] = field(default_factory=dict)

    def script(self, path: str, *items: Any) -> None:
        """Queue responses (httpx.Response), exceptions, or callables(request) for `path`."""
        self.scripted.setdefault(path, deque()).extend(items)

    def expire_all(self) -> None:
        self.sessions.clear()

    def calls(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/")
        body = json.loads(request.content or b"{}")
        self.seen.append(Seen(path, body, request.headers))
        queue = self.scripted.get(path)
        if queue:
            item = queue.popleft()
            if isinstance(item, Exception):
                raise item
            if callable(item) and not isinstance(item, httpx.Response):
                return item(request)
            return item
        if path == "user/login":
            return self._login(request, body)
        sid = body.get("SessionId")
        cookie = request.headers.get("cookie", "")
        if sid not in self.sessions or f"LLSession={sid}" not in cookie:
            return reply(401, envelope(result=False, message="Session expired"))
        if path in self.data:
            value = self.data[path]
            return reply(200, envelope(value(body) if callable(value) else value))
        if path == "v2/inventory/receive":
            return reply(200, envelope(1379127))
        return reply(404, b"Not Found")

    def _login(self, request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
        self.logins += 1
        if request.headers.get("appname") != "Backoffice":
            return reply(200, envelope(result=False, message="Missing appname"))
        if body.get("Username") != USER or body.get("Password") != self.password:
            # Like the real one: the failed login echoes the request, password included.
            return reply(
                200, envelope(body, result=False, message=f"Invalid username or password {body}")
            )
        sid = f"SID-{self.logins:04d}-abcdef"
        self.sessions.add(sid)
        data = {
            "SessionId": sid,
            "UserId": 42,
            "OrgId": 7,
            "LspId": 575,
            "LocId": 1989,
            "UserName": USER,
            "FullName": "Clerk Kent",
        }
        return httpx.Response(
            200, json=envelope(data), headers={"Set-Cookie": f"LLSession={sid}; HttpOnly; Path=/"}
        )


class MemoryCache:
    """A SessionCache in a dict."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def load(self, key: str) -> str | None:
        return self.values.get(key)

    def save(self, key: str, value: str) -> None:
        self.values[key] = value

    def clear(self, key: str) -> None:
        self.values.pop(key, None)


@pytest.fixture
def fake() -> FakeBackoffice:
    return FakeBackoffice()


@pytest.fixture
def cache() -> MemoryCache:
    return MemoryCache()


@pytest.fixture
def connect(
    fake: FakeBackoffice, fake_time: FakeTime, cache: MemoryCache
) -> Iterator[Callable[..., DutchieConnector]]:
    made: list[DutchieConnector] = []

    def make(**kw: Any) -> DutchieConnector:
        options: dict[str, Any] = {
            "transport": httpx.MockTransport(fake),
            "rate_per_minute": 0,
            "sleep": fake_time.sleep,
            "clock": fake_time.clock,
            "session_cache": cache,
        }
        options.update(kw)
        conn = DutchieConnector(BASE, Credentials(USER, PASSWORD), **options)
        made.append(conn)
        return conn

    yield make
    for conn in made:
        conn.close()


def make_draft(**kw: Any) -> ReceiveDraft:
    lines = kw.pop(
        "lines",
        (
            DraftLine(
                product_id=11484902,
                sku="3B4791",
                name="Tommy Chong Joint (H)",
                quantity=Decimal("3"),
                unit_cost=Decimal("4.10"),
            ),
            DraftLine(
                product_id=11484903,
                sku="7Q2K1Z",
                name="Gummies",
                quantity=Decimal("2.5"),
                unit_cost="12.35",
                room_id=24773,
                package_tag="1A4000000000000000001234",
                lot="LOT-9",
                expiration="2027-01-31",
            ),
        ),
    )
    fields: dict[str, Any] = {
        "location": AZ,
        "vendor": VENDOR,
        "room": SALES_FLOOR,
        "title": "INV-1001",
        "note": "two boxes",
        "delivered_by": "Sam",
        "lines": lines,
    }
    fields.update(kw)
    return ReceiveDraft(**fields)


class Kit:
    """The helpers above, handed to tests as a fixture (test modules cannot import a conftest)."""

    password = PASSWORD
    user = USER
    base = BASE
    az = AZ
    other = OTHER
    vendor = VENDOR
    room = SALES_FLOOR
    envelope = staticmethod(envelope)
    reply = staticmethod(reply)
    draft = staticmethod(make_draft)
    fake_time = FakeTime


@pytest.fixture
def kit() -> Kit:
    return Kit()
