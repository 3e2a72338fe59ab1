"""The tenant matrix: Intake, as IT would run it, against a POS it did not write, in every sandbox dialect.

Each test starts a small sandbox in one dialect (ids, shapes and moods differ) and talks to it as a *real
tenant*: `--api-base` and a login, never the embedded training sandbox, so no hint may name sandbox ids.
The CLI runs in-process (`intake_gui.cli.main`), the same code path as the `intake` command.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from intake_gui.cli import main
from intake_gui.sandbox import DIALECT_NAMES, EmbeddedSandbox, SandboxConfig
from intake_gui.sandbox.dialects import BusinessIds

SMALL_CATALOGUE = 200
"""Every fixed product of the business is in any catalogue; 200 keeps each catalogue read cheap."""

FAST = {"rate_limit_window_s": 3.0, "rate_limit_retry_after_s": 1, "visibility_delay_s": 2.0}
"""The moody dialect's moods at test speed (as tests/conftest.py's FAST_MOODS)."""


@dataclass
class Run:
    code: int
    out: Any
    err: str

    def light(self, kind: str) -> dict[str, Any]:
        assert self.out and "lights" in self.out, f"no lights (exit {self.code}): {self.err}"
        return self.out["lights"][kind]

    def states(self) -> dict[str, str]:
        return {k: v["state"] for k, v in self.out["lights"].items()}

    def rules(self) -> dict[str, str]:
        return {k: v["rule"] for k, v in self.out["lights"].items()}

    @property
    def error(self) -> dict[str, Any]:
        assert self.out and "error" in self.out, f"no error (exit {self.code}): {self.err}"
        return self.out["error"]

    def said(self, kind: str) -> str:
        light = self.light(kind)
        return " ".join((light["headline"], light["what_happened"], light["what_to_do"]))


@dataclass
class Tenant:
    """One dialect's POS, and the commands a station runs against it."""

    box: EmbeddedSandbox
    ids: BusinessIds
    capsys: Any
    titles: list[str] = field(default_factory=list)

    @property
    def dialect(self) -> str:
        return self.ids.dialect

    @property
    def api_base(self) -> str:
        return self.box.root_url.rstrip("/") + "/api/"

    @property
    def admin(self) -> Any:
        return self.box.admin

    def cli(self, *argv: str) -> Run:
        self.capsys.readouterr()
        code = main(["--json", "--api-base", self.api_base, *argv])
        out, err = self.capsys.readouterr()
        return Run(code, json.loads(out) if out.strip() else None, err)

    def receive(
        self,
        *lines: str,
        room: int | None = None,
        title: str = "",
        extra: tuple[str, ...] = (),
        verify_timeout: float = 15.0,
    ) -> Run:
        title = title or f"Delivery {len(self.titles) + 1}"
        self.titles.append(title)
        args = [
            "receive",
            "--loc",
            str(self.ids.az_loc_id),
            "--vendor",
            str(self.ids.vendor_id),
            "--room",
            str(room if room is not None else self.ids.sales_floor_id),
            "--title",
            title,
            "--verify-timeout",
            str(verify_timeout),
            *extra,
        ]
        for line in lines:
            args += ["--line", line]
        return self.cli(*args)

    def verify(self, receipt_id: int) -> Run:
        return self.cli("verify", "--loc", str(self.ids.az_loc_id), "--receipt", str(receipt_id))

    def landed(self, title: str) -> list[dict[str, Any]]:
        """The receives the POS committed with this title (the admin API's own record)."""
        return [r for r in self.admin.receives() if title in r["order_title"]]

    def other_tool_receive(self, *lines: tuple[int, str, int], room: int | None = None) -> int:
        """A receive made by another tool, straight over HTTP: Products without RoomId unless `room`."""
        with httpx.Client(base_url=self.api_base, timeout=30) as http:
            login = http.post(
                "user/login",
                json={"Username": self.ids.user, "Password": self.ids.secret},
                headers={"appname": "Backoffice"},
            )
            data = _ci(login.json(), "data")
            session = {key: _ci(data, key) for key in ("SessionId", "UserId", "OrgId", "LspId")}
            products = []
            for product_id, sku, qty in lines:
                item: dict[str, Any] = {"ProductId": product_id, "Sku": sku, "Quantity": qty}
                if room is not None:
                    item["RoomId"] = room
                products.append(item)
            body = {
                **session,
                "LocId": self.ids.az_loc_id,
                "VendorId": self.ids.vendor_id,
                "Status": "Received",
                "OrderTitle": "From the other tool",
                "Products": products,
            }
            for _attempt in range(
                20
            ):  # the moody dialect limits and fails reads; a write is never failed
                answer = http.post("v2/inventory/receive", json=body)
                if answer.status_code == 429 or "too many" in answer.text.casefold():
                    time.sleep(1.0)
                    continue
                break
            envelope = answer.json()
            assert _ci(envelope, "result") is True, envelope
            return int(_ci(envelope, "data"))


def _ci(mapping: Any, key: str) -> Any:
    """A key of a JSON object whatever its case (dialects differ: `Data`, `data`)."""
    for k, v in mapping.items():
        if k.casefold() == key.casefold():
            return v
    raise KeyError(key)


@pytest.fixture(params=DIALECT_NAMES)
def tenant_dialect(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def tenant_factory(
    sandbox_factory: Callable[..., EmbeddedSandbox],
    capsys: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[..., Tenant]]:
    """Start a small sandbox in a dialect, with any extra settings, and sign in to it as a tenant."""

    def start(dialect: str, **settings: Any) -> Tenant:
        from intake_gui.sandbox.dialects import mood_presets

        # The moody dialect at test speed: its 5-a-minute limit runs on a 3-s window, and the station is told
        # the real window (the POS's words still say "per minute"), as IT would set it for such a tenant.
        moods = FAST if mood_presets(dialect) else {}
        window = settings.get("rate_limit_window_s", moods.get("rate_limit_window_s"))
        if window is not None:
            monkeypatch.setenv("INTAKE_RATE_LIMIT_WINDOW_S", str(window))
        config = SandboxConfig(
            dialect=dialect, product_count=SMALL_CATALOGUE, **{**moods, **settings}
        )
        box = sandbox_factory(config)
        ids = box.ids
        monkeypatch.setenv("INTAKE_USERNAME", ids.user)
        monkeypatch.setenv("INTAKE_PASSWORD", ids.secret)
        # A lost answer is looked for after max(3 s, the request timeout): keep that short on loopback.
        monkeypatch.setenv("INTAKE_REQUEST_TIMEOUT_S", "5")
        return Tenant(box=box, ids=ids, capsys=capsys)

    yield start


@pytest.fixture
def tenant(tenant_dialect: str, tenant_factory: Callable[..., Tenant]) -> Tenant:
    return tenant_factory(tenant_dialect)


SANDBOX_MARKS = ("1989", "2862", "2869", "trainer", "for training")


def assert_no_sandbox_words(text: str) -> None:
    """A tenant that is not the embedded training sandbox is never told about our sandbox."""
    lowered = text.casefold()
    for mark in SANDBOX_MARKS:
        assert mark not in lowered, f"{mark!r} in a hint on a real tenant: {text}"


@pytest.fixture
def no_sandbox_words() -> Callable[[str], None]:
    return assert_no_sandbox_words


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The matrix's `slow` variants (two real minutes of rate-limit waiting each) are deselected unless
    INTAKE_TEST_SLOW=1, for this directory's tests only. Run them with
    `INTAKE_TEST_SLOW=1 .venv/bin/python -m pytest tests/tenant -m slow`."""
    if os.environ.get("INTAKE_TEST_SLOW") == "1":
        return
    here = os.path.dirname(__file__)
    slow = [i for i in items if i.get_closest_marker("slow") and str(i.path).startswith(here)]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [i for i in items if i not in slow]
