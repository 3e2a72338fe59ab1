"""What a POS *is* to Intake: one `PosDriver` per `pos/<kind>/driver.py`, read through `pos/registry.py`.

A driver says, in one place, everything the rest of Intake used to learn by branching on the POS kind:
its name and words, which credentials it takes and which of them are secret, how to build its connector,
what it can do beyond the contract (capability protocols from `pos/base.py`), how a shelf count reads it,
and where its emulator lives in the embedded sandbox. The CLI, settings, the sign-in and settings dialogs,
the context, counting, moving and the diagnoses all read it; none of them names a POS.

Secrets: a credential field typed `SecretStr` is secret. It goes to the keyring and to the connector's
headers, and nowhere else: never to settings, logs, the journal, an exception or a keyring *account name*
(those are built from the public `username` only). pydantic's `SecretStr` keeps it out of repr and dumps.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, SecretStr, ValidationError

from intake_gui.domain.counting import PackageDetail
from intake_gui.domain.pos_words import PosWords
from intake_gui.pos.base import (
    Capabilities,
    PackagesOnDemand,
    PosConnector,
    ReceiptReads,
    Receives,
    RoomCounts,
    SessionCache,
    Transfers,
)
from intake_gui.pos.errors import PosError

_HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")


def _header_name(v: str) -> str:
    if not _HEADER_NAME.fullmatch(v):
        raise ValueError("not an HTTP header name")
    return v


HeaderName = Annotated[str, AfterValidator(_header_name)]
"""A driver option naming an HTTP header (RFC 9110 token): checked before it can reach a request."""

PERSON_FIELD = "username"
"""The one public credential field: the person signing in, where the POS signs in people (Dutchie)."""


class CredentialSchema(BaseModel):
    """A POS's credentials. Subclass with `username: str` (optional, public) and `SecretStr` fields (secret).

    Any other field type is refused when the class is defined: a non-secret setting of the POS (a header
    name, a store id) is an *option* (`PosDriver.options`), kept in settings; credentials are only who signs
    in and the secrets that prove it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        for name, info in cls.model_fields.items():
            if name == PERSON_FIELD and info.annotation is str:
                continue
            if info.annotation is not SecretStr:
                raise TypeError(
                    f"{cls.__name__}.{name}: a credential field is `username: str` or a SecretStr; put "
                    "non-secret settings in the driver's options"
                )

    @classmethod
    def secret_fields(cls) -> tuple[str, ...]:
        return tuple(n for n in cls.model_fields if n != PERSON_FIELD)

    @classmethod
    def names_person(cls) -> bool:
        """Whether signing in names a person (a username) rather than a shop's key."""
        return PERSON_FIELD in cls.model_fields

    @classmethod
    def label(cls, name: str) -> str:
        """The field as the sign-in form names it ("Partner key")."""
        info = cls.model_fields[name]
        return info.title or name.replace("_", " ").capitalize()

    @classmethod
    def hint(cls, name: str) -> str:
        return cls.model_fields[name].description or ""

    @classmethod
    def from_values(cls, values: Mapping[str, str]) -> CredentialSchema:
        """Build from plain strings (a form, the environment, the keyring). Raises MissingCredentials
        naming every empty field, never a ValidationError (whose text could quote a secret's input)."""
        missing = [n for n in cls.model_fields if not str(values.get(n) or "").strip()]
        if missing:
            raise MissingCredentials(cls, missing)
        data = {n: str(values[n]) for n in cls.model_fields}
        if PERSON_FIELD in data:
            data[PERSON_FIELD] = data[PERSON_FIELD].strip()
        return cls.model_validate(data)

    @property
    def person(self) -> str:
        """The username where the POS signs in a person; "" for a shop's key."""
        return str(getattr(self, PERSON_FIELD, "")) if self.names_person() else ""

    def secret(self, name: str) -> str:
        value = getattr(self, name)
        assert isinstance(value, SecretStr), name
        return value.get_secret_value()

    def secrets(self) -> dict[str, str]:
        """Field name -> secret value, for the keyring and the log redaction registry only."""
        return {n: self.secret(n) for n in self.secret_fields()}


class MissingCredentials(ValueError):
    """Some credential fields are empty. Names the fields (by their labels), never a value."""

    def __init__(self, schema: type[CredentialSchema], fields: list[str]) -> None:
        self.fields = tuple(fields)
        labels = ", ".join(schema.label(f) for f in fields)
        super().__init__(f"Enter: {labels}.")


class NoOptions(BaseModel):
    """A driver without settings of its own."""

    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass(frozen=True)
class Connection:
    """Everything a driver needs to build its connector; secrets only inside `credentials`."""

    api_base: str
    credentials: CredentialSchema
    options: BaseModel
    timeout: float = 20.0
    rate_per_minute: int = 60
    rate_window_s: float | None = None
    """The POS's rate window when its refusals misstate it (`RetryPolicy.window_s`); None: as it says."""
    transport: str = "default"
    session_cache: SessionCache | None = None
    """Where a connector that keeps sessions may keep them (the keyring); None keeps them in memory."""

    def retry(self) -> Any:
        """The HTTP retry policy every connector takes (`pos.http.RetryPolicy`), with this station's window."""
        from intake_gui.pos.http import RetryPolicy

        return RetryPolicy(window_s=self.rate_window_s)


Ref = str
"""`"package.module:attribute"`, imported only when the embedded sandbox starts (the client never imports
the sandbox at module level, and a driver stays cheap to load)."""


@dataclass(frozen=True)
class SandboxMount:
    """Where this POS's emulator lives inside the embedded sandbox, and how to sign in to it."""

    path: str
    """Below the sandbox's root URL, with a trailing slash ("api/", "blaze/")."""
    training: Mapping[str, Ref | Callable[[], str]]
    """Credential field -> the training value: a reference, or a function returning it (public training
    keys of the emulator, never a real secret)."""
    app: Ref | Callable[[Path], Any] | None = None
    """The ASGI app factory, called with its data dir on the first request; None: the sandbox's root app."""


@dataclass(frozen=True)
class PosDriver:
    """One POS, described once. See ARCHITECTURE.md, "Adding a POS"."""

    kind: str
    """The name in settings, on the command line and in drafts: lower-case letters, digits, "_"."""
    display_name: str
    """As Settings and the CLI list it ("Dutchie Backoffice")."""
    words: PosWords
    credentials: type[CredentialSchema]
    connect: Callable[[Connection], PosConnector]
    """Build (not log in) the connector. Import the connector module inside, so loading drivers stays cheap."""
    capabilities: frozenset[type] = frozenset()
    """Capability protocols of `pos/base.py` the connector has beyond the contract."""
    count: PackageDetail | None = None
    """How a shelf count reads this POS: FULL (RoomCounts, whole room with packages), ON_DEMAND (sellable
    stock, then packages per scanned product through PackagesOnDemand), NONE (sellable stock, sales rooms
    only, per product); None when it cannot be counted."""
    sandbox: SandboxMount | None = None
    options: type[BaseModel] = NoOptions
    """Non-secret settings of this POS, kept under `settings.pos_options[kind]` (header names and the like)."""
    order: int = 100
    """Where the driver is listed (Settings, `--pos`); the built-ins come first."""

    def __post_init__(self) -> None:
        from intake_gui.domain.models import PosKind

        PosKind(self.kind)  # raises ValueError for a malformed kind name
        if PackagesOnDemand in self.capabilities and self.count is not PackageDetail.ON_DEMAND:
            raise ValueError(
                f"{self.kind}: PackagesOnDemand is how an ON_DEMAND count reads packages"
            )
        if self.count is PackageDetail.FULL and RoomCounts not in self.capabilities:
            raise ValueError(f"{self.kind}: a FULL count reads RoomCounts; declare it")
        if self.count is PackageDetail.ON_DEMAND and PackagesOnDemand not in self.capabilities:
            raise ValueError(f"{self.kind}: an ON_DEMAND count reads PackagesOnDemand; declare it")

    def supports(self, capability: type) -> bool:
        return capability in self.capabilities

    @property
    def names_person(self) -> bool:
        """True when signing in names a person; otherwise the station's clerk names themselves."""
        return self.credentials.names_person()

    @property
    def summary(self) -> Capabilities:
        """The capabilities as flags and hints, for the screens and the README table."""
        return Capabilities(
            receive=self.supports(Receives),
            verify_packages=self.supports(ReceiptReads),
            verify_history=self.supports(ReceiptReads),
            verify_sellable=True,
            count=self.count is not None,
            move=self.supports(Transfers),
            move_hint="" if self.supports(Transfers) else self.words.move_hint,
            receive_hint="" if self.supports(Receives) else self.words.receive_hint,
        )

    def parse_options(self, raw: Mapping[str, Any] | None) -> BaseModel:
        """This POS's options from settings; raises InvalidOptions naming the bad option (never its value)."""
        try:
            return self.options.model_validate(dict(raw or {}))
        except ValidationError as exc:
            where = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
            raise InvalidOptions(
                f"The station's settings for {self.words.pos_name} are not valid: "
                f"settings.pos_options.{self.kind} ({where}). Fix or remove them in settings.json.",
                detail=f"pos_options.{self.kind}: {where}",
            ) from None


class InvalidOptions(PosError, ValueError):
    """A driver's options in settings do not validate: the station's configuration, shown in words."""
