"""Where the shared record is and how a station proves who it is, without a password ever reaching a file.

A station is pointed at the shared record with a URL — `INTAKE_SHARED_RECORD_URL` or the `shared_record_url`
setting — that names the server, the database and the station's database user, and nothing secret:

    postgresql://receiving2@db.store.lan/intake          (sslmode=verify-full is implied off the station)

The password lives in the keyring (account `shared-record|<user>@<host>:<port>/<db>`, written by
`intake shared-record login`), or for an unattended station in `INTAKE_SHARED_RECORD_PASSWORD`, the way
`INTAKE_PASSWORD` works for the POS. A URL that carries a password is refused with a sentence saying where the
password goes instead, so it can never be written to settings or printed in a log.

A server that is not on this machine is reached only over TLS that verifies the server's name
(`sslmode=verify-full`); weaker modes are refused. A server on the loopback address or a Unix socket needs none.
This module parses with the standard library only: settings validation imports it, and SQLAlchemy stays out of
start-up.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

PASSWORD_ENV = "INTAKE_SHARED_RECORD_PASSWORD"
DEFAULT_PORT = 5432
CONNECT_TIMEOUT_S = 5
"""Short on purpose: the sender retries, and the duplicate guard must not hold a clerk's Submit for long."""

_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
_WEAK_TLS = frozenset({"disable", "allow", "prefer", "require", "verify-ca"})
_ALLOWED_QUERY = frozenset(
    {"sslmode", "sslrootcert", "sslcert", "sslkey", "host", "application_name", "options"}
)


class SharedRecordConfigError(ValueError):
    """The URL cannot be used; the message says what to change."""


@dataclass(frozen=True)
class SharedRecordConfig:
    user: str
    host: str
    """A host name or address, or a directory holding the server's Unix socket."""
    port: int
    database: str
    query: tuple[tuple[str, str], ...] = ()

    @property
    def local(self) -> bool:
        return self.host in _LOOPBACK or self.host.startswith("/")

    @property
    def sslmode(self) -> str:
        return dict(self.query).get("sslmode", "")

    @property
    def display(self) -> str:
        """For logs, the status line and the keyring account: no password, by construction."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.user}@{host}:{self.port}/{self.database}"

    @property
    def keyring_account(self) -> str:
        return f"shared-record|{self.display}"

    def connect_args(self, password: str | None, *, application_name: str) -> dict[str, object]:
        """Keyword arguments for psycopg: the password travels here, never inside a URL object."""
        args: dict[str, object] = {
            "user": self.user,
            "host": self.host,
            "port": self.port,
            "dbname": self.database,
            "connect_timeout": CONNECT_TIMEOUT_S,
            "application_name": application_name[:60],
        }
        args.update(dict(self.query))
        if password:
            args["password"] = password
        return args


def parse(url: str) -> SharedRecordConfig:
    """Check a shared-record URL and apply the TLS rule; raises SharedRecordConfigError with words to act on."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise SharedRecordConfigError(f"the shared record address is not a URL: {exc}") from None
    if parts.scheme not in ("postgresql", "postgres", "postgresql+psycopg"):
        raise SharedRecordConfigError(
            "the shared record address must start with postgresql:// "
            "(for example postgresql://receiving2@db.store.lan/intake)"
        )
    if parts.password is not None:
        raise SharedRecordConfigError(
            "the shared record address must not contain a password: remove it and run "
            "`intake shared-record login` to keep it in the keyring (or set "
            f"{PASSWORD_ENV} on an unattended station)"
        )
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if "password" in query:
        raise SharedRecordConfigError("the shared record address must not contain a password")
    unknown = sorted(set(query) - _ALLOWED_QUERY)
    if unknown:
        raise SharedRecordConfigError(
            f"the shared record address has options Intake does not use: {', '.join(unknown)}"
        )
    socket_dir = query.pop("host", "")
    host = unquote(parts.hostname or "") or socket_dir
    user = unquote(parts.username or "")
    database = unquote(parts.path.lstrip("/"))
    if not host:
        raise SharedRecordConfigError("the shared record address names no server")
    if not user:
        raise SharedRecordConfigError(
            "the shared record address names no database user (postgresql://USER@server/intake)"
        )
    if not database or "/" in database:
        raise SharedRecordConfigError(
            "the shared record address names no database (…/intake at the end)"
        )
    config = SharedRecordConfig(user, host, port or DEFAULT_PORT, database)
    if not config.local:
        mode = query.get("sslmode", "verify-full")
        if mode in _WEAK_TLS:
            raise SharedRecordConfigError(
                f"sslmode={mode} is not enough for a server off this station: Intake requires "
                "sslmode=verify-full (TLS with the server's name checked against its certificate)"
            )
        if mode != "verify-full":
            raise SharedRecordConfigError(f"unknown sslmode {mode!r}; use verify-full")
        query["sslmode"] = "verify-full"
    return SharedRecordConfig(
        user, host, config.port, database, tuple(sorted((k, v) for k, v in query.items()))
    )


def embedded_password(url: str) -> str | None:
    """The password a mistaken URL carries (so it can be redacted before the URL is refused)."""
    try:
        parts = urlsplit(url.strip())
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        return unquote(parts.password) if parts.password else query.get("password") or None
    except ValueError:
        return None


def safe_url(config: SharedRecordConfig) -> str:
    """The URL as it may be written to settings: no password, the TLS mode spelt out."""
    host = f"[{config.host}]" if ":" in config.host else config.host
    query = f"?{urlencode(config.query)}" if config.query else ""
    if config.host.startswith("/"):
        host = ""
        query = f"?{urlencode((('host', config.host), *config.query))}"
    return f"postgresql://{config.user}@{host}:{config.port}/{config.database}{query}"


def password_from_env() -> str | None:
    return os.environ.get(PASSWORD_ENV) or None
