"""IndicaOnline as Intake sees it: one API key names the store; reads only (no receive, no move)."""

from __future__ import annotations

from typing import cast

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from intake_gui.domain.counting import PackageDetail
from intake_gui.pos.base import PackagesOnDemand, PosConnector, RoomCounts
from intake_gui.pos.descriptor import (
    Connection,
    CredentialSchema,
    HeaderName,
    PosDriver,
    SandboxMount,
)
from intake_gui.pos.indica.endpoints import DEFAULT_KEY_HEADER
from intake_gui.pos.indica.words import INDICA_WORDS


class IndicaKey(CredentialSchema):
    api_key: SecretStr = Field(title="API key", description="The store's Open API key")


class IndicaOptions(BaseModel):
    """The header that carries the key: reference 004 does not say, so it is a setting."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key_header: HeaderName = DEFAULT_KEY_HEADER


def connect(c: Connection) -> PosConnector:
    from intake_gui.pos.indica.connector import IndicaConnector
    from intake_gui.pos.transport import TransportKind

    options = cast(IndicaOptions, c.options)
    return IndicaConnector(
        c.api_base,
        c.credentials.secret("api_key"),
        header_name=options.key_header,
        timeout=c.timeout,
        rate_per_minute=c.rate_per_minute,
        retry=c.retry(),
        transport_kind=cast(TransportKind, c.transport),
    )


DRIVER = PosDriver(
    kind="indica",
    display_name="IndicaOnline",
    words=INDICA_WORDS,
    credentials=IndicaKey,
    connect=connect,
    capabilities=frozenset({RoomCounts, PackagesOnDemand}),
    # The office's stock is one cheap read; each product's packages cost one more, so they are read as scanned.
    count=PackageDetail.ON_DEMAND,
    sandbox=SandboxMount(
        path="indica/",
        app="intake_gui.sandbox.indica.app:create_app",
        training={"api_key": "intake_gui.sandbox.indica:TRAINING_API_KEY"},
    ),
    options=IndicaOptions,
    order=2,
)
