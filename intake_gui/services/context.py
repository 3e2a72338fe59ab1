"""Everything a running Intake needs, opened once and shared by the GUI and the CLI.

Opening a context is where the "no tenant configured" rule lives: without an API base Intake starts its own
sandbox on 127.0.0.1 and logs in with the training user, so a new station can receive a delivery in a minute.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from intake_gui.domain.models import PosKind
from intake_gui.pos.base import Credentials, PosConnector
from intake_gui.pos.errors import AuthenticationError, PosError
from intake_gui.store.catalog_cache import CatalogCache
from intake_gui.store.journal import Journal
from intake_gui.store.journal_writer import JournalWriter
from intake_gui.store.paths import AppPaths, app_paths
from intake_gui.store.secrets import SecretStore
from intake_gui.store.settings import StationSettings, load_settings, save_settings

log = logging.getLogger(__name__)


class CredentialsNeeded(Exception):
    """A real tenant is configured but no password is known: the face (GUI dialog, CLI prompt) must ask."""

    def __init__(self, api_base: str, username: str) -> None:
        super().__init__(f"Credentials are needed for {api_base}")
        self.api_base = api_base
        self.username = username


@dataclass
class AppContext:
    paths: AppPaths
    settings: StationSettings
    secrets: SecretStore
    journal: Journal
    writer: JournalWriter
    catalog_cache: CatalogCache
    connector: PosConnector
    sandbox: object | None = None
    """The EmbeddedSandbox when running on training data (typed loosely: the sandbox is optional at runtime)."""
    api_base: str = ""
    shared: object | None = None
    """The store's shared record (services.shared_record.SharedRecord) when one is configured; record helper."""
    _closed: bool = field(default=False, repr=False)

    @property
    def is_sandbox(self) -> bool:
        return self.sandbox is not None

    @property
    def clerk(self) -> str:
        return self.connector.user_name or self.settings.username or "unknown"

    @property
    def station(self) -> str:
        return self.settings.station_name

    @property
    def tenant_key(self) -> str:
        """Stable name of the POS we talk to (the embedded sandbox's port changes every start)."""
        return "embedded-sandbox" if self.is_sandbox else self.api_base.rstrip("/")

    @property
    def pos_kind(self) -> PosKind:
        return PosKind(self.settings.pos_kind)

    def save_settings(self) -> None:
        save_settings(self.paths, self.settings)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self.writer.close()
            # After the writer, so the last events it wrote get one more chance to go out.
            if self.shared is not None:
                self.shared.close()  # type: ignore[attr-defined]
        finally:
            self.connector.close()
            self.journal.close()
            if self.sandbox is not None:
                self.sandbox.stop()  # type: ignore[attr-defined]


def credential_account(pos_kind: str, api_base: str, username: str) -> str:
    """The keyring account name: one password per POS, tenant and user."""
    return f"{pos_kind}|{api_base.rstrip('/')}|{username}"


def resolve_api_base(explicit: str | None, settings: StationSettings) -> str | None:
    return explicit or os.environ.get("INTAKE_API_BASE") or settings.api_base or None


def open_context(
    *,
    api_base: str | None = None,
    username: str | None = None,
    password: str | None = None,
    remember: bool = True,
    pos_kind: str | None = None,
    paths: AppPaths | None = None,
    settings: StationSettings | None = None,
    sandbox_config: object | None = None,
    login: bool = True,
) -> AppContext:
    """Open storage, pick the POS (a real tenant or the embedded sandbox), connect, and log in.

    Raises CredentialsNeeded when a real tenant has no known password, AuthenticationError when the POS refuses
    it. Nothing secret is ever written to settings: passwords go to the keyring (or stay in memory).
    """
    paths = paths or app_paths()
    paths.ensure()
    settings = settings or load_settings(paths)
    if pos_kind:
        settings = settings.model_copy(update={"pos_kind": pos_kind})
    secrets = SecretStore()
    base = resolve_api_base(api_base, settings)
    sandbox = None
    kind = settings.pos_kind
    if base is None:
        sandbox, base, creds = _start_sandbox(paths, kind, sandbox_config)
    else:
        creds = _credentials_for(secrets, kind, base, username or settings.username, password)
    journal = Journal(paths.journal_path)
    writer = JournalWriter(journal)
    cache = CatalogCache(paths.catalog_dir)
    try:
        # The embedded sandbox listens on a new port every start, so a session kept in the keyring could never
        # be used again: it would only cost keyring round trips at login and leave stale entries behind.
        connector = build_connector(
            kind, base, creds, settings, secrets, cache_sessions=sandbox is None
        )
        if login:
            connector.login()
    except BaseException:
        writer.close()
        journal.close()
        if sandbox is not None:
            sandbox.stop()
        raise
    if sandbox is None and remember and creds.password:
        secrets.set_password(credential_account(kind, base, creds.username), creds.password)
    if sandbox is None and settings.username != creds.username:
        settings = settings.model_copy(update={"username": creds.username})
    ctx = AppContext(
        paths=paths,
        settings=settings,
        secrets=secrets,
        journal=journal,
        writer=writer,
        catalog_cache=cache,
        connector=connector,
        sandbox=sandbox,
        api_base=base,
    )
    from intake_gui.services.shared_record import attach_shared_record

    ctx.shared = attach_shared_record(ctx)
    return ctx


def _credentials_for(
    secrets: SecretStore, kind: str, base: str, username: str, password: str | None
) -> Credentials:
    username = username or os.environ.get("INTAKE_USERNAME", "")
    password = password or os.environ.get("INTAKE_PASSWORD") or None
    if not username:
        raise CredentialsNeeded(base, "")
    if password is None:
        password = secrets.get_password(credential_account(kind, base, username))
    if not password:
        raise CredentialsNeeded(base, username)
    return Credentials(username=username, password=password)


def _start_sandbox(
    paths: AppPaths, kind: str, sandbox_config: object | None
) -> tuple[object, str, Credentials]:
    from intake_gui.sandbox import TRAINING_SECRET, TRAINING_USER, EmbeddedSandbox
    from intake_gui.services.sandbox_mounts import extra_mounts

    sandbox = EmbeddedSandbox(
        paths.sandbox_dir,
        config=sandbox_config,  # type: ignore[arg-type]
        extra_mounts=extra_mounts(paths.sandbox_dir),
    )
    sandbox.start()
    base = sandbox_api_base(sandbox.root_url, kind)
    log.info("Embedded sandbox started at %s", sandbox.root_url)
    return sandbox, base, Credentials(username=TRAINING_USER, password=TRAINING_SECRET)


def sandbox_api_base(root_url: str, kind: str) -> str:
    """Where each POS emulator lives inside the embedded sandbox."""
    root = root_url.rstrip("/")
    return {
        PosKind.DUTCHIE: f"{root}/api/",
        PosKind.BLAZE: f"{root}/blaze/",
        PosKind.INDICA: f"{root}/indica/",
    }[PosKind(kind)]


def build_connector(
    kind: str,
    base: str,
    creds: Credentials,
    settings: StationSettings,
    secrets: SecretStore,
    *,
    cache_sessions: bool = True,
) -> PosConnector:
    """One place that knows which connector class serves which POS kind. `cache_sessions` False keeps a
    session in memory only (where the POS supports keeping one at all)."""
    kind = PosKind(kind)
    from intake_gui.pos.http import RetryPolicy

    common = {
        "timeout": settings.request_timeout_s,
        "rate_per_minute": settings.rate_limit_per_minute,
        "retry": RetryPolicy(window_s=settings.rate_limit_window_s),  # http helper
    }
    if kind is PosKind.DUTCHIE:
        from intake_gui.pos.dutchie.connector import DutchieConnector

        return DutchieConnector(
            base,
            creds,
            session_cache=secrets if cache_sessions else None,
            transport_kind=settings.transport,
            locations_path=settings.dutchie_locations_path,  # http helper
            **common,
        )
    if kind is PosKind.BLAZE:
        from intake_gui.pos.blaze.connector import BlazeConnector

        return BlazeConnector(base, creds.username, creds.password, **common)
    from intake_gui.pos.indica.connector import IndicaConnector

    return IndicaConnector(base, creds.password, **common)


@dataclass(frozen=True)
class ConnectionVerdict:
    ok: bool
    headline: str
    detail: str = ""
    locations: int = 0


def test_connection(
    api_base: str, username: str, password: str, pos_kind: str = "dutchie", *, timeout: float = 15.0
) -> ConnectionVerdict:
    """ReUp/AIQ-style "Test connection": log in, list locations, and say in one line what that proved."""
    settings = StationSettings(pos_kind=pos_kind, request_timeout_s=timeout)
    try:
        connector = build_connector(
            pos_kind, api_base, Credentials(username, password), settings, SecretStore()
        )
    except ValueError as exc:  # e.g. plain http to a non-loopback host
        return ConnectionVerdict(False, "That address cannot be used.", str(exc))
    try:
        connector.login()
        count = len(connector.locations())
    except AuthenticationError:
        return ConnectionVerdict(False, "Reached the POS, but it refused the username or password.")
    except PosError as exc:
        return ConnectionVerdict(False, exc.message, exc.detail)
    finally:
        connector.close()
    return ConnectionVerdict(
        True, f"Connected. This login sees {count} location{'s' if count != 1 else ''}.", "", count
    )


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test despite the name


def forget_credentials(ctx: AppContext) -> None:
    """The "forget me" action: password and cached session leave the keyring; the username stays in settings."""
    account = credential_account(ctx.settings.pos_kind, ctx.api_base, ctx.settings.username)
    ctx.secrets.forget(account)
    forget = getattr(ctx.connector, "forget_session", None)
    if callable(forget):
        forget()


def data_locations(paths: AppPaths) -> dict[str, Path]:
    """For the About and Welcome dialogs: where a clerk's data and logs live."""
    return {
        "Data": paths.data_dir,
        "Logs": paths.log_dir,
        "Settings": paths.settings_path,
        "Catalog cache": paths.catalog_dir,
    }
