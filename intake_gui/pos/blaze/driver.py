"""BLAZE as Intake sees it: two keys (partner and developer) name a shop, not a person; transfers move stock."""

from __future__ import annotations

from typing import cast

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from intake_gui.domain.counting import PackageDetail
from intake_gui.pos.base import PosConnector, ReceiptReads, Receives, RoomCounts, Transfers
from intake_gui.pos.blaze.endpoints import DEFAULT_HEADERS
from intake_gui.pos.blaze.words import BLAZE_WORDS
from intake_gui.pos.descriptor import (
    Connection,
    CredentialSchema,
    HeaderName,
    PosDriver,
    SandboxMount,
)


class BlazeKeys(CredentialSchema):
    partner_key: SecretStr = Field(
        title="Partner key", description="The key BLAZE issued for this integration"
    )
    developer_key: SecretStr = Field(
        title="Developer key", description="The shop's developer key (one per shop)"
    )


class BlazeOptions(BaseModel):
    """Which headers carry the keys. Public documentation names them; they are settings, not constants,
    because no live tenant has confirmed them yet."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    partner_header: HeaderName = DEFAULT_HEADERS[0]
    developer_header: HeaderName = DEFAULT_HEADERS[1]


def connect(c: Connection) -> PosConnector:
    from intake_gui.pos.blaze.connector import BlazeConnector
    from intake_gui.pos.transport import TransportKind

    options = cast(BlazeOptions, c.options)
    return BlazeConnector(
        c.api_base,
        c.credentials.secret("partner_key"),
        c.credentials.secret("developer_key"),
        header_names=(options.partner_header, options.developer_header),
        timeout=c.timeout,
        rate_per_minute=c.rate_per_minute,
        retry=c.retry(),
        transport_kind=cast(TransportKind, c.transport),
    )


DRIVER = PosDriver(
    kind="blaze",
    display_name="BLAZE",
    words=BLAZE_WORDS,
    credentials=BlazeKeys,
    connect=connect,
    capabilities=frozenset({Receives, ReceiptReads, RoomCounts, Transfers}),
    count=PackageDetail.FULL,
    sandbox=SandboxMount(
        path="blaze/",
        app="intake_gui.sandbox.blaze.app:create_app",
        training={
            "partner_key": "intake_gui.sandbox.blaze:TRAINING_PARTNER_KEY",
            "developer_key": "intake_gui.sandbox.blaze:TRAINING_DEVELOPER_KEY",
        },
    ),
    options=BlazeOptions,
    order=1,
)
