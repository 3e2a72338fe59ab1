"""build_http_client: HTTPS outside loopback, the OS trust store, timeouts, the optional browser TLS."""

from __future__ import annotations

import builtins
import ssl
from typing import Any

import httpx
import pytest
import truststore

from intake_gui.pos import transport as transport_mod
from intake_gui.pos.transport import BrowserTlsUnavailable, build_http_client, is_loopback_host


@pytest.mark.parametrize(
    "url",
    [
        "http://tenant.backoffice.dutchie.com/api/",
        "http://10.0.0.5/api/",
        "http://192.168.1.20:8080/api/",
        "http://127.0.0.1.evil.example/api/",
        "http://[::2]/api/",
    ],
)
def test_plain_http_refused_off_loopback(url: str) -> None:
    with pytest.raises(ValueError, match="plain HTTP"):
        build_http_client(url, timeout=5)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8123/api/",
        "http://127.8.9.10/api/",
        "http://localhost:9/api/",
        "http://[::1]:9/api/",
    ],
)
def test_plain_http_allowed_on_loopback(url: str) -> None:
    with build_http_client(url, timeout=5) as client:
        assert client.timeout.read == 5
        assert str(client.base_url).endswith("/api/")


@pytest.mark.parametrize("url", ["ftp://x.example/api/", "tenant.example/api", "", "https://"])
def test_not_a_web_address(url: str) -> None:
    with pytest.raises(ValueError):
        build_http_client(url, timeout=5)


def test_https_uses_the_system_trust_store(monkeypatch: pytest.MonkeyPatch) -> None:
    made: dict[str, Any] = {}
    real_client = httpx.Client

    def spy(**kw: Any) -> httpx.Client:
        made.update(kw)
        return real_client(**kw)

    monkeypatch.setattr(transport_mod.httpx, "Client", spy)
    with build_http_client("https://tenant.backoffice.dutchie.com/api/", timeout=7.5):
        pass
    assert isinstance(made["verify"], truststore.SSLContext)
    assert made["verify"].verify_mode == ssl.CERT_REQUIRED
    timeout = made["timeout"]
    assert (timeout.connect, timeout.read, timeout.write, timeout.pool) == (7.5, 7.5, 7.5, 7.5)
    assert made["follow_redirects"] is False


def test_plain_http_loads_no_certificate_store(monkeypatch: pytest.MonkeyPatch) -> None:
    made: dict[str, Any] = {}
    real_client = httpx.Client

    def spy(**kw: Any) -> httpx.Client:
        made.update(kw)
        return real_client(**kw)

    monkeypatch.setattr(transport_mod.httpx, "Client", spy)
    with build_http_client("http://127.0.0.1:8765/api/", timeout=5):
        pass
    assert made["verify"] is False and made["follow_redirects"] is False


def test_timeout_required() -> None:
    with pytest.raises(ValueError, match="timeout"):
        build_http_client("https://t.example/api/", timeout=0)


def test_injected_transport_is_used_and_still_checked() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json={"path": r.url.path}))
    with build_http_client("https://t.example/api/", timeout=3, transport=transport) as client:
        assert client.post("user/login").json() == {"path": "/api/user/login"}
    with pytest.raises(ValueError):
        build_http_client("http://t.example/api/", timeout=3, transport=transport)


def test_browser_tls_without_the_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_import = builtins.__import__

    def no_curl(name: str, *args: Any, **kw: Any) -> Any:
        if name.startswith("httpx_curl_cffi"):
            raise ImportError(name)
        return real_import(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", no_curl)
    with pytest.raises(BrowserTlsUnavailable, match="cloudflare"):
        build_http_client("https://t.example/api/", timeout=3, transport_kind="browser_tls")


def test_unknown_transport_kind() -> None:
    with pytest.raises(ValueError, match="transport kind"):
        build_http_client("https://t.example/api/", timeout=3, transport_kind="quic")  # type: ignore[arg-type]


def test_loopback_detection() -> None:
    assert is_loopback_host("127.0.0.1")
    assert is_loopback_host("[::1]")
    assert is_loopback_host("LOCALHOST")
    assert not is_loopback_host("128.0.0.1")
    assert not is_loopback_host("localhost.example.com")
