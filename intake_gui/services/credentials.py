"""Where a POS's credentials come from and where they go: the one place that handles them as values.

A driver's credential schema (`pos.descriptor.CredentialSchema`) says which fields are secret. Here a sign-in
is assembled from, in order: what the face passed (the sign-in dialog, a CLI prompt), the environment
(`INTAKE_<FIELD>`, e.g. INTAKE_USERNAME, INTAKE_PASSWORD, INTAKE_PARTNER_KEY, INTAKE_API_KEY) and the keyring.
Secret fields are remembered only in the keyring, one entry per field, under an account named by POS kind,
tenant, person and field *name* (`store.secrets.credential_account`): never by a secret. Every secret value
that passes through is given to the log redaction registry first.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from intake_gui.pos.descriptor import PERSON_FIELD, CredentialSchema, MissingCredentials, PosDriver
from intake_gui.store.secrets import SecretStore, credential_account, secret_registry


class CredentialsNeeded(Exception):
    """A real tenant is configured but its credentials are not all known: the face must ask for `missing`.

    Carries field *names* and the public username only, never a value.
    """

    def __init__(
        self,
        api_base: str,
        username: str,
        *,
        pos_kind: str = "dutchie",
        missing: tuple[str, ...] = (),
    ) -> None:
        super().__init__(f"Credentials are needed for {api_base}")
        self.api_base = api_base
        self.username = username
        self.pos_kind = pos_kind
        self.missing = missing


def env_name(field: str) -> str:
    """The environment variable that may hold one credential field (INTAKE_PASSWORD, INTAKE_API_KEY)."""
    return f"INTAKE_{field.upper()}"


def resolve(
    driver: PosDriver,
    secrets: SecretStore,
    api_base: str,
    given: Mapping[str, str],
    *,
    remembered_username: str = "",
) -> CredentialSchema:
    """The full sign-in for `driver` at `api_base`, or CredentialsNeeded naming what is missing."""
    schema = driver.credentials
    values: dict[str, str] = {}
    for name in schema.model_fields:
        value = given.get(name) or os.environ.get(env_name(name)) or ""
        if value:
            values[name] = value
    if schema.names_person():
        values.setdefault(PERSON_FIELD, remembered_username)
    person = values.get(PERSON_FIELD, "") if schema.names_person() else ""
    if schema.names_person() and not person:
        raise CredentialsNeeded(
            api_base, "", pos_kind=driver.kind, missing=tuple(schema.model_fields)
        )
    for name in schema.secret_fields():
        if not values.get(name):
            stored = secrets.get_password(credential_account(driver.kind, api_base, person, name))
            if stored:
                values[name] = stored
    for name in schema.secret_fields():
        secret_registry.add(values.get(name))
    try:
        return schema.from_values(values)
    except MissingCredentials as exc:
        raise CredentialsNeeded(
            api_base, person, pos_kind=driver.kind, missing=exc.fields
        ) from None


def register(creds: CredentialSchema) -> None:
    """Tell the log redaction about every secret of `creds` before anything can echo one."""
    for value in creds.secrets().values():
        secret_registry.add(value)


def remember(
    driver: PosDriver, secrets: SecretStore, api_base: str, creds: CredentialSchema
) -> None:
    """Keep every secret field in the keyring (or this process's memory when there is no keyring)."""
    for name, value in creds.secrets().items():
        secrets.set_password(credential_account(driver.kind, api_base, creds.person, name), value)


def forget(driver: PosDriver, secrets: SecretStore, api_base: str, username: str) -> None:
    """The "forget me" action: every secret field of this sign-in and every cached POS session."""
    for name in driver.credentials.secret_fields():
        secrets.forget(credential_account(driver.kind, api_base, username, name))


def training_values(driver: PosDriver) -> dict[str, str]:
    """The embedded sandbox's public training credentials for `driver`, field by field."""
    import importlib

    mount = driver.sandbox
    if mount is None:
        raise ValueError(f"{driver.display_name} has no emulator in the embedded sandbox")
    values = {}
    for name, ref in mount.training.items():
        if callable(ref):
            values[name] = ref()
        else:
            module, _, attr = ref.partition(":")
            values[name] = str(getattr(importlib.import_module(module), attr))
    return values


def training(driver: PosDriver) -> CredentialSchema:
    """The training credentials as the driver's schema (its emulator accepts them)."""
    return driver.credentials.from_values(training_values(driver))
