"""The one place an httpx.Client for a POS is built, so every connector gets the same safety rules.

Credentials and session cookies travel in every request, so plain HTTP is refused except to this machine
(the embedded sandbox). Certificates are checked against the operating system's trust store (truststore),
because dispensary networks often sit behind a corporate proxy whose root CA is installed in the OS but
is unknown to certifi's bundle. Cloudflare in front of the real Backoffice has refused Python's own TLS
fingerprint; `transport_kind="browser_tls"` swaps in a browser-like TLS stack for those tenants.
"""

from __future__ import annotations

import ipaddress
import ssl
from typing import Literal

import httpx
import truststore

TransportKind = Literal["default", "browser_tls"]

USER_AGENT = "Intake/0.1 (receiving station)"


class BrowserTlsUnavailable(RuntimeError):
    """`browser_tls` was chosen but its optional dependency is not installed."""


def is_loopback_host(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 — the only hosts we talk to without TLS."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(base_url: str) -> httpx.URL:
    """Refuse a URL that would send credentials in clear text (or is not a URL at all)."""
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise ValueError(f"“{base_url}” is not a valid address for the POS.") from exc
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(
            f"“{base_url}” is not a web address; it should look like https://<tenant>.backoffice.dutchie.com/api/."
        )
    if url.scheme == "http" and not is_loopback_host(url.host):
        raise ValueError(
            f"Refusing to send the POS login over plain HTTP to {url.host}: use an https:// address "
            "(plain http is only allowed to this computer, for the sandbox)."
        )
    return url


def _browser_tls_transport() -> httpx.BaseTransport:
    try:
        from httpx_curl_cffi import CurlTransport  # type: ignore[import-not-found]
    except ImportError as exc:
        raise BrowserTlsUnavailable(
            "The browser-like TLS transport needs the optional package httpx-curl-cffi; install Intake "
            "with the `cloudflare` extra (pip install 'intake-gui[cloudflare]') or switch the transport "
            "back to default."
        ) from exc
    transport: httpx.BaseTransport = CurlTransport(impersonate="chrome", default_headers=True)
    return transport


def build_http_client(
    base_url: str,
    *,
    timeout: float,
    transport_kind: TransportKind = "default",
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """An httpx.Client bound to `base_url` with a timeout on every phase of every call.

    `transport` is for tests (httpx.MockTransport); it still goes through the URL check so a test
    cannot accidentally exercise a configuration production would refuse.
    """
    url = check_base_url(base_url)
    if timeout <= 0:
        raise ValueError(
            "timeout must be positive: a POS call without a timeout can hang the wizard"
        )
    if transport_kind not in ("default", "browser_tls"):
        raise ValueError(
            f"Unknown transport kind {transport_kind!r}; use 'default' or 'browser_tls'."
        )
    loopback = is_loopback_host(url.host)
    if transport is None and transport_kind == "browser_tls":
        transport = _browser_tls_transport()
    verify: ssl.SSLContext | bool = True
    if url.scheme == "https" and transport is None:
        verify = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    elif url.scheme == "http":
        # Loopback only (check_base_url) and no redirects followed: no TLS is ever negotiated, so no
        # certificate store is loaded either (httpx's default costs 25-45 ms per client, at every start).
        verify = False
    return httpx.Client(
        base_url=url,
        timeout=httpx.Timeout(timeout),
        verify=verify,
        transport=transport,
        follow_redirects=False,
        # A proxy must never see sandbox traffic, and env proxies are ignored by httpx anyway
        # whenever a custom transport is given; keeping loopback off the env makes both cases equal.
        trust_env=not loopback,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
    )
