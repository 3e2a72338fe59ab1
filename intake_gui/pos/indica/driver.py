"""IndicaOnline as Intake sees it: one API key names the store; reads only (no receive, no move)."""

from __future__ import annotations

import re
from typing import cast

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from intake_gui.domain.counting import PackageDetail
from intake_gui.pos.base import PackagesOnDemand, PosConnector, RoomCounts
from intake_gui.pos.descriptor import Connection, CredentialSchema, PosDriver, SandboxMount
from intake_gui.pos.indica.endpoints import DEFAULT_KEY_HEADER
from intake_gui.pos.indica.words import INDICA_WORDS

_HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")


class IndicaKey(CredentialSchema):
    api_key: SecretStr = Field(title="API key", description="The store's Open API key")


class IndicaOptions(BaseModel):
    """The header that carries the key: reference 004 does not say, so it is a setting."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key_header: str = DEFAULT_KEY_HEADER

    @field_validator("key_header")
    @classmethod
    def _header(cls, v: str) -> str:
        if not _HEADER_NAME.fullmatch(v):
            raise ValueError("not an HTTP header name")
        return v


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
