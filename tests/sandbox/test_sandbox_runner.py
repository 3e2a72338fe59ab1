"""Starting, stopping, restarting and mounting: the sandbox as the app and the tests embed it."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

import intake_gui
from intake_gui.sandbox import TOMMY_CHONG, EmbeddedSandbox, SandboxConfig, business_ids
from intake_gui.sandbox.app import create_app
from intake_gui.sandbox.runtime import SandboxRuntime

RECEIVE = {
    "VendorId": 39195,
    "OrderTitle": "PERSIST-1",
    "Status": "Received",
    "Products": [
        {
            "ProductId": TOMMY_CHONG.product_id,
            "Sku": TOMMY_CHONG.sku,
            "Quantity": 5,
            "RoomId": 24772,
        }
    ],
}
SMALL = SandboxConfig(product_count=100)


def test_the_shared_fixture_is_a_running_default_sandbox(sandbox: EmbeddedSandbox) -> None:
    assert sandbox.running
    assert sandbox.base_url == f"http://127.0.0.1:{sandbox.port}/api/"
    assert sandbox.root_url == f"http://127.0.0.1:{sandbox.port}/"
    config = sandbox.admin.state()["config"]
    assert (config["rate_limit_per_minute"], config["product_count"]) == (60, 17_000)


def test_receives_and_sessions_survive_a_restart(tmp_path: Path, sandbox_factory, connect) -> None:
    data_dir = tmp_path / "persist"
    first = sandbox_factory(SMALL, data_dir=data_dir)
    bo = connect(first)
    receipt = bo.data("v2/inventory/receive", **RECEIVE)
    stock = bo.sellable()[TOMMY_CHONG.sku]
    first.stop()
    assert not first.running

    second = sandbox_factory(SMALL, data_dir=data_dir)
    bo.http.base_url = second.base_url  # same cookie and session block, new port
    packages = bo.data("v2/inventory/get-packages-from-receive", ReceiveInventoryHistoryId=receipt)
    assert [p["Quantity"] for p in packages] == [5]
    assert bo.sellable()[TOMMY_CHONG.sku] == stock
    assert [r["id"] for r in second.admin.receives()] == [receipt]
    assert bo.data("v2/inventory/receive", **RECEIVE) == receipt + 1


def test_reset_goes_back_to_the_seed(box: EmbeddedSandbox, bo) -> None:
    seeded = box.admin.state()["receives_including_seed"]
    bo.data("v2/inventory/receive", **RECEIVE)
    box.admin.configure(rate_limit_per_minute=5)
    box.admin.reset()
    state = box.admin.state()
    assert (state["receives"], state["receives_including_seed"], state["sessions"]) == (
        0,
        seeded,
        0,
    )
    assert state["config"]["rate_limit_per_minute"] == 60
    assert state["counters"] == {}
    bo.login()
    assert bo.data("v2/inventory/receive", **RECEIVE) == 1379127


def test_admin_receives_can_include_the_seed(box: EmbeddedSandbox) -> None:
    everything = box.admin.receives(include_seeded=True)
    assert everything and all(r["seeded"] for r in everything)
    assert box.admin.receives() == []


def test_admin_config_rejects_settings_fixed_at_start(box: EmbeddedSandbox) -> None:
    with pytest.raises(httpx.HTTPStatusError):
        box.admin._call("POST", "config", {"product_count": 5})
    with pytest.raises(httpx.HTTPStatusError):
        box.admin.configure(rate_limit_per_minute=-1)
    assert box.admin.configure(visibility_delay_s=2.5)["visibility_delay_s"] == 2.5


def test_context_manager_starts_and_stops(tmp_path: Path) -> None:
    with EmbeddedSandbox(tmp_path / "ctx", config=SMALL) as box:
        assert box.running
        url = box.root_url
        assert httpx.get(url).status_code == 200
    assert not box.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(url)
    with pytest.raises(RuntimeError):
        _ = box.base_url
    box.stop()  # twice is harmless


def test_start_twice_returns_the_same_url(sandbox_factory) -> None:
    box = sandbox_factory(SMALL)
    assert box.start() == box.base_url


def test_extra_mounts_serve_beside_the_dutchie_api(sandbox_factory, connect) -> None:
    other = Starlette(routes=[Route("/ping", lambda request: PlainTextResponse("blaze-pong"))])
    box = sandbox_factory(SMALL, extra_mounts={"/blaze": other, "api/other": other})
    assert httpx.get(box.root_url + "blaze/ping").text == "blaze-pong"
    assert httpx.get(box.root_url + "api/other/ping").text == "blaze-pong"
    assert connect(box).data("v2/room/get-rooms")


def test_the_admin_api_answers_loopback_clients_only(tmp_path: Path) -> None:
    runtime = SandboxRuntime.open(tmp_path / "remote", SMALL)
    app = create_app(runtime)

    async def status(client: tuple[str, int], method: str, path: str) -> int:
        transport = httpx.ASGITransport(app=app, client=client)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as http:
            return (await http.request(method, path)).status_code

    try:
        assert asyncio.run(status(("203.0.113.9", 50000), "GET", "/_admin/state")) == 403
        assert asyncio.run(status(("203.0.113.9", 50000), "POST", "/_admin/reset")) == 403
        assert asyncio.run(status(("127.0.0.1", 50000), "GET", "/_admin/state")) == 200
    finally:
        runtime.close()


def test_a_busy_port_is_reported(sandbox_factory, tmp_path: Path) -> None:
    box = sandbox_factory(SMALL)
    with pytest.raises(OSError):
        EmbeddedSandbox(tmp_path / "clash", port=box.port, config=SMALL).start()


def test_serve_forever_runs_in_the_foreground_until_interrupted(tmp_path: Path) -> None:
    root = Path(intake_gui.__file__).resolve().parents[1]
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from pathlib import Path\n"
        "from intake_gui.sandbox import SandboxConfig, serve_forever\n"
        "serve_forever(Path(sys.argv[2]), 0, SandboxConfig(product_count=100),\n"
        "              on_ready=lambda url: print(url, flush=True))\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script, str(root), str(tmp_path / "fg")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as proc:  # the with closes the pipe (else a ResourceWarning)
        try:
            assert proc.stdout is not None
            base_url = proc.stdout.readline().strip()
            assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/api/")
            for _ in range(
                200
            ):  # the URL is printed as soon as the port is bound; wait for uvicorn
                try:
                    response = httpx.post(
                        base_url + "user/login", json={}, headers={"appname": "Backoffice"}
                    )
                    break
                except httpx.ConnectError:
                    time.sleep(0.02)
            assert response.json()["Message"] == "Invalid username or password"
            proc.send_signal(signal.SIGINT)
            # uvicorn shuts down cleanly, then re-raises the signal for the caller (the CLI catches it).
            assert proc.wait(timeout=10) in (0, -signal.SIGINT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert (tmp_path / "fg" / "dutchie-sandbox.sqlite3").exists()
    assert not (tmp_path / "fg" / "dutchie-sandbox.sqlite3-wal").exists()  # closed cleanly


def test_intake_sandbox_serves_the_dialect_asked_for(tmp_path: Path) -> None:
    """`intake sandbox --dialect camel` in a real process: the login answer is camelCase."""
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "intake_gui.cli",
            "sandbox",
            "--dialect",
            "camel",
            "--port",
            "0",
            "--data-dir",
            str(tmp_path / "cli"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:  # the with closes the pipe (else a ResourceWarning)
        try:
            assert proc.stderr is not None
            ready = proc.stderr.readline()
            assert "dialect camel" in ready
            base_url = next(w for w in ready.split() if w.startswith("http://"))
            for _ in range(250):
                try:
                    login = {"Username": "trainer", "Password": "intake-sandbox"}
                    response = httpx.post(
                        base_url + "user/login", json=login, headers={"appname": "Backoffice"}
                    )
                    break
                except httpx.ConnectError:
                    time.sleep(0.02)
            assert set(response.json()) == {"result", "message", "data"}
            assert response.json()["data"]["locId"] == business_ids("camel").az_loc_id
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_intake_sandbox_refuses_an_unknown_dialect(capsys: pytest.CaptureFixture[str]) -> None:
    from intake_gui.cli import main

    assert main(["sandbox", "--dialect", "klingon"]) == 2
    assert "Unknown dialect 'klingon'" in capsys.readouterr().err
