"""`intake doctor`: on every sandbox dialect it names the dialect's differences and passes; on a tenant missing
an essential field it fails naming the field; it never writes; the GUI view shows the same report."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from intake_gui.pos.base import Credentials
from intake_gui.pos.dutchie.connector import DutchieConnector
from intake_gui.sandbox import EmbeddedSandbox
from intake_gui.services import doctor
from intake_gui.services.doctor import run_doctor
from intake_gui.services.doctor_report import DoctorReport, State

RECEIVE_PATHS = ("v2/inventory/receive", "v2/inventory/save-receive")


def _doctor_on(box: EmbeddedSandbox) -> DoctorReport:
    ids = box.ids
    connector = DutchieConnector(box.base_url, Credentials(ids.user, ids.secret), rate_per_minute=0)
    with connector:
        return run_doctor(
            connector, pos="dutchie", base_url=box.base_url, location_id=ids.az_loc_id
        )


EXPECTED_DIFFERENCES: dict[str, list[str]] = {
    "course": [],
    "webui": ["ReceivedDate read as 'ReceivedOn'", "ProductName read as 'Name'"],
    "camel": ["ReceivedDate read as 'deliveredOn'", "keys in another case or style: "],
    "sparse": [
        "not sent (left blank): ",
        "UnitCost",
        "VendorName",
        "Products sent as a list (its length is the count)",
        "Quantity sent as numbers as text",
    ],
    "moody": [],
}
EXPECTED_DATES = {
    "course": "ISO 8601 local",
    "webui": "MM/DD/YYYY h:mm am/pm",
    "camel": "ISO 8601 with zone",
    "sparse": "ISO 8601 date",
    "moody": "ISO 8601 local",
}
EXPECTED_ZONE_SOURCE = {
    "course": "from the POS",
    "webui": "from the store's state, AZ",
    "camel": "from the POS",
    "sparse": "the station's own zone",
    "moody": "from the POS",
}


def test_doctor_on_every_dialect(
    dialect: str, dialect_sandbox: EmbeddedSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        doctor, "sleep", lambda _s: None
    )  # the moody dialect's 500s are retried at once
    monkeypatch.setattr("intake_gui.domain.store_time.station_zone", lambda: "America/Chicago")
    report = _doctor_on(dialect_sandbox)
    assert report.ok, report.text()
    text = report.text()
    for difference in EXPECTED_DIFFERENCES[dialect]:
        assert difference in text, f"{dialect}: {difference!r} not named\n{text}"
    history = report.probe("history")
    assert history is not None and history.report is not None and history.rows
    assert EXPECTED_DATES[dialect] in history.report.date_formats.get("ReceivedDate", {}), text
    assert EXPECTED_ZONE_SOURCE[dialect] in report.store_time
    assert {v.capability for v in report.verdicts} >= {
        "receive", "packages light", "history light", "sellable light", "history", "count",
    }  # fmt: skip
    assert all(v.state is not State.FAIL for v in report.verdicts)
    # Read-only: the POS recorded no receive during the probe.
    assert not any(path in report.http for path in RECEIVE_PATHS)
    assert json.loads(json.dumps(report.to_dict()))["ok"] is True


# ---- a tenant nobody here wrote: camelCase, other names, other formats, one essential field missing ----

LOCATIONS = [{"locationId": 7, "name": "Tempe", "stateCode": "AZ", "lspId": 3}]
ROOMS = [{"id": 70, "roomName": "Floor", "isPosRoom": "Y", "isInventoryRoom": "Y"}]
VENDORS = [{"vendorId": 5, "vendorName": "Acme"}]
PRODUCTS = [{"productId": 11, "sku": "A-1", "productName": "Gummies", "unitCost": "4.10"}]
HISTORY = [
    {"receiveInventoryHistoryId": 900, "dateAdded": "03/17/2021 1:42 pm", "products": [{}, {}]},
    {"receiveInventoryHistoryId": 901, "dateAdded": "/Date(1616013720000)/", "products": 1},
]
SELLABLE = [{"sku": "A-1", "quantity": "3"}]


def tenant(
    packages: list[dict[str, Any]], seen: list[str]
) -> Callable[[httpx.Request], httpx.Response]:
    data = {
        "user/get-locations": LOCATIONS,
        "v2/room/get-rooms": ROOMS,
        "vendor/get-vendors": VENDORS,
        "product-master/get-products-lite": PRODUCTS,
        "v2/inventory/get-receive-history": HISTORY,
        "v2/inventory/get-packages-from-receive": packages,
        "preorder/inventory": SELLABLE,
    }

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/")
        seen.append(path)
        if path == "user/login":
            body = {"success": True, "data": {"sessionId": "s1", "userId": 1, "lspId": 3}}
            return httpx.Response(200, json=body, headers={"X-RateLimit-Limit": "60"})
        if path in data:
            return httpx.Response(200, json={"success": True, "data": data[path]})
        return httpx.Response(404, json={"success": False, "message": "no such path"})

    return handle


def _doctor_on_tenant(packages: list[dict[str, Any]]) -> tuple[DoctorReport, list[str]]:
    seen: list[str] = []
    connector = DutchieConnector(
        "http://127.0.0.1:9/api/",
        Credentials("it", "pw-123456"),
        transport=httpx.MockTransport(tenant(packages, seen)),
        rate_per_minute=0,
    )
    with connector:
        report = run_doctor(connector, pos="dutchie", base_url="http://127.0.0.1:9/api/")
    return report, seen


def test_doctor_reads_a_tenant_it_was_not_written_for() -> None:
    packages = [{"packageId": "P1", "productId": 11, "qty": "3.000", "roomId": 70}]
    report, seen = _doctor_on_tenant(packages)
    assert report.ok, report.text()
    text = report.text()
    assert "ReceivedDate not sent under a known name; read from 'dateAdded'" in text
    assert "MM/DD/YYYY h:mm am/pm" in text and ".NET /Date()/" in text
    assert "Mountain Standard Time, America/Phoenix — from the store's state, AZ" in text
    assert "Quantity read as 'qty'" in text
    assert "'locationId' for LocId" not in text and "LocId read as 'locationId'" in text
    assert "'sku' for Sku" in text  # a casing difference, said once per endpoint
    assert "x-ratelimit-limit: 60" in text.lower()
    assert report.probe("packages").note == "of receipt 901"  # type: ignore[union-attr]
    assert not set(seen) & set(RECEIVE_PATHS)


def test_doctor_fails_naming_a_missing_essential_field() -> None:
    packages = [{"packageId": "P1", "productId": 11, "roomId": 70}]  # no quantity under any name
    report, _ = _doctor_on_tenant(packages)
    assert not report.ok
    assert report.essential_missing == ["v2/inventory/get-packages-from-receive: Quantity"]
    assert (
        "Result: PROBLEM (exit 1). v2/inventory/get-packages-from-receive: Quantity"
        in report.text()
    )
    verdicts = {v.capability: v for v in report.verdicts}
    assert verdicts["packages light"].state is State.FAIL
    assert "Quantity" in verdicts["packages light"].words
    assert verdicts["receive"].state is State.OK  # the rest still works and is said so


@pytest.mark.parametrize("dialect", ["webui"])  # one dialect: the sweep above covers the rest
def test_cli_doctor_json_and_exit_codes(
    dialect_sandbox: EmbeddedSandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from intake_gui.cli.app import main

    ids = dialect_sandbox.ids
    monkeypatch.setenv("INTAKE_USERNAME", ids.user)
    monkeypatch.setenv("INTAKE_PASSWORD", ids.secret)
    code = main(
        ["--api-base", dialect_sandbox.base_url, "--json", "doctor", "--loc", str(ids.az_loc_id)]
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["ok"] is True
    assert data["verdicts"] and data["probes"] and "store_time" in data
    code = main(["--api-base", dialect_sandbox.base_url, "doctor", "--loc", "424242"])
    text = capsys.readouterr().out
    assert code == 1 and "this login sees no location 424242" in text


@pytest.mark.parametrize(
    ("dialect", "withheld", "named"),
    [
        ("course", "package.Quantity", "v2/inventory/get-packages-from-receive: Quantity"),
        (
            "camel",
            "history.ReceiveInventoryHistoryId",
            "get-receive-history: ReceiveInventoryHistoryId",
        ),
        ("sparse", "room.RoomId", "v2/room/get-rooms: RoomId"),
    ],
)
def test_cli_doctor_on_a_dialect_missing_an_essential_field_exits_non_zero_naming_it(
    dialect: str,
    withheld: str,
    named: str,
    sandbox_factory: Callable[..., EmbeddedSandbox],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from intake_gui.cli.app import main
    from intake_gui.sandbox import SandboxConfig

    box = sandbox_factory(SandboxConfig(dialect=dialect, withhold_fields=[withheld]))
    monkeypatch.setenv("INTAKE_USERNAME", box.ids.user)
    monkeypatch.setenv("INTAKE_PASSWORD", box.ids.secret)
    code = main(["--api-base", box.base_url, "doctor", "--loc", str(box.ids.az_loc_id)])
    text = capsys.readouterr().out
    assert code == 1, text
    result = text.splitlines()[-1]
    assert result.startswith("Result: PROBLEM (exit 1).") and named in result, result
