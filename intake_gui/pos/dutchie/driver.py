"""Dutchie Backoffice as Intake sees it: a person signs in, every read and the receive go through one session."""

from __future__ import annotations

from typing import cast

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from intake_gui.domain.counting import PackageDetail
from intake_gui.pos.base import Credentials, KeepsSession, PosConnector, ReceiptReads, Receives
from intake_gui.pos.descriptor import Connection, CredentialSchema, PosDriver, SandboxMount
from intake_gui.pos.dutchie.words import DUTCHIE_WORDS


class DutchieLogin(CredentialSchema):
    username: str = Field(title="Username", description="Your Backoffice user")
    password: SecretStr = Field(title="Password")


class DutchieOptions(BaseModel):
    """Where the tenant lists a user's locations, when not at a path Intake knows (none is public:
    `intake doctor` says which one worked). None: try the known ones (`pos/dutchie/locations.py`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    locations_path: str | None = None

    @field_validator("locations_path")
    @classmethod
    def _path(cls, v: str | None) -> str | None:
        v = (v or "").strip()
        if v and (" " in v or "://" in v):
            raise ValueError("a path below the tenant's /api/, such as user/get-locations")
        return v or None


def connect(c: Connection) -> PosConnector:
    from intake_gui.pos.dutchie.connector import DutchieConnector
    from intake_gui.pos.transport import TransportKind

    options = cast(DutchieOptions, c.options)
    return DutchieConnector(
        c.api_base,
        Credentials(c.credentials.person, c.credentials.secret("password")),
        session_cache=c.session_cache,
        locations_path=options.locations_path,
        timeout=c.timeout,
        rate_per_minute=c.rate_per_minute,
        retry=c.retry(),
        transport_kind=cast(TransportKind, c.transport),
    )


DRIVER = PosDriver(
    kind="dutchie",
    display_name="Dutchie Backoffice",
    words=DUTCHIE_WORDS,
    credentials=DutchieLogin,
    connect=connect,
    capabilities=frozenset({Receives, ReceiptReads, KeepsSession}),
    # Its only stock read is sellable inventory: per product, sales rooms only.
    count=PackageDetail.NONE,
    sandbox=SandboxMount(
        path="api/",
        training={
            "username": "intake_gui.sandbox:TRAINING_USER",
            "password": "intake_gui.sandbox:TRAINING_SECRET",
        },
    ),
    options=DutchieOptions,
    order=0,
)
