"""Every registered driver keeps its promises: the capabilities it declares are really on its connector (with
the protocol's parameter names), its flags agree with what the connector class says of itself, its credential
schema keeps secrets secret, its options reach the connector, and its sandbox mount resolves."""

from __future__ import annotations

import inspect

import pytest
from pydantic import SecretStr

from intake_gui.pos.base import CAPABILITIES, PosConnector
from intake_gui.pos.descriptor import Connection, CredentialSchema, MissingCredentials
from intake_gui.pos.registry import UnknownPos, driver_for, registry
from intake_gui.services.credentials import training_values
from intake_gui.services.sandbox_mounts import extra_mounts
from intake_gui.store.settings import StationSettings, _secret_paths

BUILTIN = ("dutchie", "blaze", "indica")


def _connector(kind: str) -> PosConnector:
    """The driver's connector, built (not logged in) against an address nothing listens on."""
    driver = driver_for(kind)
    creds = driver.credentials.from_values(
        {n: f"value-{n}-0001" for n in driver.credentials.model_fields}
    )
    return driver.connect(
        Connection(
            api_base="http://127.0.0.1:9/", credentials=creds, options=driver.parse_options(None)
        )
    )


def _parameters(fn: object) -> list[str]:
    return [p for p in inspect.signature(fn).parameters if p != "self"]  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", BUILTIN)
def test_declared_capabilities_are_on_the_connector_with_the_protocols_parameters(
    kind: str,
) -> None:
    driver = driver_for(kind)
    conn = _connector(kind)
    try:
        for proto in driver.capabilities:
            assert isinstance(conn, proto), f"{kind} declares {proto.__name__}"
            for name, member in vars(proto).items():
                if name.startswith("_") or not callable(member):
                    continue
                have = _parameters(getattr(type(conn), name))
                want = _parameters(member)
                assert have[: len(want)] == want, (kind, name, have, want)
    finally:
        conn.close()


@pytest.mark.parametrize("kind", BUILTIN)
def test_the_flags_agree_with_what_the_connector_class_says(kind: str) -> None:
    conn = _connector(kind)
    try:
        assert driver_for(kind).summary == type(conn).capabilities
    finally:
        conn.close()


def test_undeclared_capabilities_are_not_offered() -> None:
    indica = driver_for("indica")
    conn = _connector("indica")
    try:
        from intake_gui.pos.base import Receives, Transfers, capability

        # The contract's receive raises NotSupported on IndicaOnline: only the declaration tells.
        assert (
            isinstance(conn, Receives) and capability(conn, indica.capabilities, Receives) is None
        )
        assert capability(conn, indica.capabilities, Transfers) is None
        assert (
            not indica.summary.receive and indica.summary.receive_hint == indica.words.receive_hint
        )
    finally:
        conn.close()
    assert set(CAPABILITIES) >= set().union(*(d.capabilities for d in registry))


@pytest.mark.parametrize("kind", BUILTIN)
def test_secrets_stay_secret_in_the_schema(kind: str) -> None:
    schema: type[CredentialSchema] = driver_for(kind).credentials
    values = {n: f"s3cr3t-{n}-value" for n in schema.model_fields}
    creds = schema.from_values(values)
    shown = " ".join((repr(creds), str(creds), creds.model_dump_json(), repr(creds.model_dump())))
    for name in schema.secret_fields():
        assert schema.model_fields[name].annotation is SecretStr
        assert values[name] not in shown
        assert creds.secret(name) == values[name]
        assert _secret_paths({name: "x"}), f"the settings guard refuses a key named {name}"
        assert name not in StationSettings.model_fields
    with pytest.raises(MissingCredentials) as missing:
        schema.from_values({})
    assert missing.value.fields == tuple(schema.model_fields)
    assert "s3cr3t" not in str(missing.value)


def test_a_credential_schema_takes_only_a_username_and_secrets() -> None:
    with pytest.raises(TypeError, match="non-secret settings"):

        class Leaky(CredentialSchema):
            api_key: str


def test_options_reach_the_connector_and_bad_ones_are_named() -> None:
    blaze = driver_for("blaze")
    options = blaze.parse_options({"partner_header": "X-Partner"})
    creds = blaze.credentials.from_values({"partner_key": "p-0001", "developer_key": "d-0001"})
    conn = blaze.connect(Connection("http://127.0.0.1:9/", creds, options))
    try:
        headers = conn._client.headers  # type: ignore[attr-defined]
        assert headers["X-Partner"] == "p-0001" and headers["Authorization"] == "d-0001"
    finally:
        conn.close()
    with pytest.raises(ValueError, match=r"pos_options\.blaze"):
        blaze.parse_options({"partner_header": "not a header"})
    with pytest.raises(ValueError, match=r"pos_options\.indica"):
        driver_for("indica").parse_options({"office_id": 7})


def test_each_sandbox_mount_resolves(tmp_path) -> None:
    mounts = extra_mounts(tmp_path)
    for driver in registry:
        assert driver.sandbox is not None
        values = training_values(driver)
        driver.credentials.from_values(values)
        if driver.sandbox.app is not None:
            assert "/" + driver.sandbox.path.strip("/") in mounts


def test_an_unknown_kind_is_a_pos_error_in_words() -> None:
    with pytest.raises(UnknownPos, match="Choose one in Settings") as unknown:
        driver_for("square")
    assert "dutchie, blaze, indica" in unknown.value.message


@pytest.mark.parametrize(
    ("kind", "asked", "hidden"),
    [
        ("dutchie", ["Username: "], ["Password: "]),
        ("blaze", [], ["Partner key: ", "Developer key: "]),
        ("indica", [], ["API key: "]),
    ],
)
def test_the_command_line_asks_each_drivers_fields_secret_ones_unechoed(kind, asked, hidden):
    from intake_gui.cli.signin import ask_credentials
    from intake_gui.services.credentials import CredentialsNeeded

    shown: list[str] = []
    unechoed: list[str] = []
    need = CredentialsNeeded("https://pos.example/", "", pos_kind=kind)
    values = ask_credentials(
        need,
        ask=lambda p: shown.append(p) or "kim",
        ask_secret=lambda p: unechoed.append(p) or "s3cr3t",
    )
    assert (shown, unechoed) == (asked, hidden)
    assert set(values) == set(driver_for(kind).credentials.model_fields)
