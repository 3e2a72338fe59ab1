"""Everything a running Intake needs, opened once and shared by the GUI and the CLI.

Opening a context is where the "no tenant configured" rule lives: without an API base Intake starts its own
sandbox on 127.0.0.1 and logs in with the training user, so a new station can receive a delivery in a minute.
Which POS, how to sign in to it and how to build its connector all come from its driver (`pos/registry.py`):
nothing here names a POS.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from intake_gui.domain.models import PosKind
from intake_gui.domain.pos_words import PosWords
from intake_gui.pos.base import KeepsSession, PosConnector, capability
from intake_gui.pos.descriptor import Connection, CredentialSchema, PosDriver
from intake_gui.pos.errors import AuthenticationError, PosError
from intake_gui.pos.registry import driver_for
from intake_gui.services import credentials as cred
from intake_gui.services.credentials import CredentialsNeeded
from intake_gui.services.drivers import load_station_settings
from intake_gui.store.catalog_cache import CatalogCache
from intake_gui.store.journal import Journal
from intake_gui.store.journal_writer import JournalWriter
from intake_gui.store.paths import AppPaths, app_paths
from intake_gui.store.secrets import SecretStore
from intake_gui.store.settings import StationSettings, save_settings

if (
    TYPE_CHECKING
):  # the sandbox is imported only when a station runs on training data (start-up time)
    from intake_gui.sandbox import EmbeddedSandbox, SandboxConfig

log = logging.getLogger(__name__)

__all__ = ["AppContext", "CredentialsNeeded", "open_context", "test_connection"]

C = TypeVar("C")

TRAINING_CLERK = "Training clerk"
"""Who the audit trail names on the embedded sandbox when the POS login names nobody and no name was given."""


@dataclass
class AppContext:
    paths: AppPaths
    settings: StationSettings
    secrets: SecretStore
    journal: Journal
    writer: JournalWriter
    catalog_cache: CatalogCache
    connector: PosConnector
    sandbox: EmbeddedSandbox | None = None
    """The embedded sandbox when running on training data (imported only then)."""
    api_base: str = ""
    driver: PosDriver = field(default_factory=lambda: driver_for("dutchie"))
    shared: object | None = None
    """The store's shared record (services.shared_record.SharedRecord) when one is configured; record helper."""
    _closed: bool = field(default=False, repr=False)

    @property
    def is_sandbox(self) -> bool:
        return self.sandbox is not None

    @property
    def words(self) -> PosWords:
        """How this POS is named in every message (`pos/<kind>/words.py`)."""
        return self.driver.words

    @property
    def clerk(self) -> str:
        """The person the audit trail and the journal name for what this station does.

        Where the POS signs in a person (Dutchie), that person: the POS records the same user. Where it signs
        in with a shop's keys (BLAZE, IndicaOnline), the name the clerk gave (`settings.clerk_name`), never
        the key's shop. Without one: the training clerk on the sandbox, else "unnamed clerk at <station>"
        (the faces ask for a name before that happens: see `needs_clerk_name`).
        """
        if self.driver.names_person:
            return self.connector.user_name or self.settings.username or "unknown"
        if self.settings.clerk_name:
            return self.settings.clerk_name
        return TRAINING_CLERK if self.is_sandbox else f"unnamed clerk at {self.station}"

    @property
    def needs_clerk_name(self) -> bool:
        """True when the login names nobody and nobody has said who is receiving here."""
        return not self.driver.names_person and not self.settings.clerk_name and not self.is_sandbox

    @property
    def station(self) -> str:
        return self.settings.station_name

    @property
    def tenant_key(self) -> str:
        """Stable name of the POS we talk to (the embedded sandbox's port changes every start)."""
        return "embedded-sandbox" if self.is_sandbox else self.api_base.rstrip("/")

    @property
    def pos_kind(self) -> PosKind:
        return PosKind(self.driver.kind)

    def supports(self, capability: type) -> bool:
        return self.driver.supports(capability)

    def capability(self, wanted: type[C]) -> C | None:
        """The connector as `wanted` (a protocol of `pos.base`) when this POS has it, else None."""
        return capability(self.connector, self.driver.capabilities, wanted)

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
                self.sandbox.stop()


def resolve_api_base(explicit: str | None, settings: StationSettings) -> str | None:
    return explicit or os.environ.get("INTAKE_API_BASE") or settings.api_base or None


def open_context(
    *,
    api_base: str | None = None,
    username: str | None = None,
    password: str | None = None,
    credentials: Mapping[str, str] | None = None,
    remember: bool = True,
    pos_kind: str | None = None,
    clerk: str | None = None,
    paths: AppPaths | None = None,
    settings: StationSettings | None = None,
    sandbox_config: SandboxConfig | None = None,
    login: bool = True,
) -> AppContext:
    """Open storage, pick the POS (a real tenant or the embedded sandbox), connect, and log in.

    `credentials` maps the driver's credential fields to values (a sign-in form); `username`/`password`
    are the same for a POS that signs in a person with one secret (Dutchie). `clerk` names who is
    receiving, for a POS whose login names nobody. Raises UnknownPos for a kind no driver serves,
    CredentialsNeeded when a real tenant's credentials are not all known, AuthenticationError when the POS
    refuses them. Nothing secret is ever written to settings: secret fields go to the keyring (or stay in
    memory).
    """
    paths = paths or app_paths()
    paths.ensure()
    settings = settings or load_station_settings(paths)
    update: dict[str, object] = {}
    if pos_kind:
        update["pos_kind"] = pos_kind
    if clerk is not None:
        update["clerk_name"] = clerk
    if update:
        settings = settings.model_copy(update=update)
    driver = driver_for(settings.pos_kind)
    options = driver.parse_options(settings.pos_options.get(driver.kind))
    secrets = SecretStore()
    base = resolve_api_base(api_base, settings)
    sandbox: EmbeddedSandbox | None = None
    if base is None:
        sandbox, base, creds = _start_sandbox(paths, driver, sandbox_config)
    else:
        given = _given(driver, credentials, username, password)
        creds = cred.resolve(driver, secrets, base, given, remembered_username=settings.username)
    journal = Journal(paths.journal_path)
    writer = JournalWriter(journal)
    cache = CatalogCache(paths.catalog_dir)
    connector = None
    try:
        # The embedded sandbox listens on a new port every start, so a session kept in the keyring could never
        # be used again: it would only cost keyring round trips at login and leave stale entries behind.
        connector = driver.connect(
            _connection(base, creds, options, settings, secrets if sandbox is None else None)
        )
        if login:
            connector.login()
    except BaseException:
        # A refused login still opened the connector's HTTP client (and its pooled socket): close it too.
        if connector is not None:
            connector.close()
        writer.close()
        journal.close()
        if sandbox is not None:
            sandbox.stop()
        raise
    if sandbox is None and remember:
        cred.remember(driver, secrets, base, creds)
    if sandbox is None and driver.names_person and settings.username != creds.person:
        settings = settings.model_copy(update={"username": creds.person})
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
        driver=driver,
    )
    from intake_gui.services.shared_record import attach_shared_record

    ctx.shared = attach_shared_record(ctx)
    return ctx


def _given(
    driver: PosDriver,
    credentials: Mapping[str, str] | None,
    username: str | None,
    password: str | None,
) -> dict[str, str]:
    """The credential fields the caller passed, with `username`/`password` mapped onto the schema."""
    given = {k: v for k, v in (credentials or {}).items() if v}
    schema = driver.credentials
    if username and schema.names_person():
        given.setdefault("username", username)
    if password:
        secret_fields = schema.secret_fields()
        if len(secret_fields) != 1:
            raise TypeError(
                f"{driver.display_name} signs in with {', '.join(secret_fields)}: pass credentials=, "
                "not password="
            )
        given.setdefault(secret_fields[0], password)
    return given


def _connection(
    base: str,
    creds: CredentialSchema,
    options: object,
    settings: StationSettings,
    session_cache: SecretStore | None,
) -> Connection:
    return Connection(
        api_base=base,
        credentials=creds,
        options=options,  # type: ignore[arg-type]
        timeout=settings.request_timeout_s,
        rate_per_minute=settings.rate_limit_per_minute,
        rate_window_s=settings.rate_limit_window_s,
        transport=settings.transport,
        session_cache=session_cache,
    )


def _start_sandbox(
    paths: AppPaths, driver: PosDriver, sandbox_config: SandboxConfig | None
) -> tuple[EmbeddedSandbox, str, CredentialSchema]:
    from intake_gui.sandbox import EmbeddedSandbox
    from intake_gui.services.sandbox_mounts import extra_mounts

    creds = cred.training(driver)
    sandbox = EmbeddedSandbox(
        paths.sandbox_dir,
        config=sandbox_config,
        extra_mounts=extra_mounts(paths.sandbox_dir),
    )
    sandbox.start()
    base = sandbox_api_base(sandbox.root_url, driver.kind)
    log.info("Embedded sandbox started at %s", sandbox.root_url)
    return sandbox, base, creds


def sandbox_api_base(root_url: str, kind: str) -> str:
    """Where a POS's emulator lives inside the embedded sandbox (its driver's `sandbox.path`)."""
    mount = driver_for(kind).sandbox
    if mount is None:
        raise ValueError(f"{kind} has no emulator in the embedded sandbox")
    return f"{root_url.rstrip('/')}/{mount.path}"


@dataclass(frozen=True)
class ConnectionVerdict:
    ok: bool
    headline: str
    detail: str = ""
    locations: int = 0


def test_connection(
    api_base: str,
    credentials: Mapping[str, str],
    pos_kind: str = "dutchie",
    *,
    timeout: float = 15.0,
    station: StationSettings | None = None,
) -> ConnectionVerdict:
    """ReUp/AIQ-style "Test connection": log in, list locations, and say in one line what that proved.

    `station` lends its transport and the POS's options (header names), so the test signs in the way the
    station will; its timeout is replaced by `timeout` and nothing is paced.
    """
    base_settings = station or StationSettings()
    settings = base_settings.model_copy(
        update={"pos_kind": pos_kind, "request_timeout_s": timeout, "rate_limit_per_minute": 0}
    )
    try:
        driver = driver_for(pos_kind)
        creds = driver.credentials.from_values(credentials)
        options = driver.parse_options(settings.pos_options.get(pos_kind))
    except (PosError, ValueError) as exc:
        return ConnectionVerdict(False, str(exc))
    cred.register(creds)
    words = driver.words
    try:
        connector = driver.connect(_connection(api_base, creds, options, settings, None))
    except ValueError as exc:  # e.g. plain http to a non-loopback host
        return ConnectionVerdict(False, "That address cannot be used.", str(exc))
    try:
        connector.login()
        count = len(connector.locations())
    except AuthenticationError:
        return ConnectionVerdict(
            False, f"Reached {words.pos_name}, but it refused the {words.credential_word}."
        )
    except PosError as exc:
        return ConnectionVerdict(False, exc.message, exc.detail)
    finally:
        connector.close()
    place = words.location_word
    return ConnectionVerdict(
        True,
        f"Connected. This {words.credential_word} sees {count} {place}{'s' if count != 1 else ''}.",
        "",
        count,
    )


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test despite the name


def forget_credentials(ctx: AppContext) -> None:
    """The "forget me" action: every secret field and cached session leave the keyring; a username stays."""
    cred.forget(
        ctx.driver,
        ctx.secrets,
        ctx.api_base,
        ctx.settings.username if ctx.driver.names_person else "",
    )
    keeper = ctx.capability(KeepsSession)  # type: ignore[type-abstract]  # a Protocol as a key: mypy#4717
    if keeper is not None:
        keeper.forget_session()


def data_locations(paths: AppPaths) -> dict[str, Path]:
    """For the About and Welcome dialogs: where a clerk's data and logs live."""
    return {
        "Data": paths.data_dir,
        "Logs": paths.log_dir,
        "Settings": paths.settings_path,
        "Catalog cache": paths.catalog_dir,
    }
