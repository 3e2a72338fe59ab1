"""`intake shared-record init | upgrade | status | login | add-login`: set up the store's shared record and point a
station at it.

`init` and `upgrade` are run once per store by whoever administers the database, with a URL of a database user
that may create schemas and roles (on a fresh server: `postgres`). `add-login` creates one database user per station
(role `station`: may append events and read) or per supervisor PC (role `supervisor`: read only). `login` stores a
station's own database password in this PC's keyring, after checking it works. `status` says what the record holds
and how much of this station's journal is still waiting to be sent.

No password is ever taken from the command line (it would end up in shell history and `ps`): it comes from the
keyring, from INTAKE_SHARED_RECORD_PASSWORD, or from a prompt.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from intake_gui.cli.output import EXIT_AUTH, EXIT_CONNECTION, EXIT_OK, EXIT_USAGE, CliError, Output


def register(sub: Any) -> None:
    s = sub.add_parser("shared-record", help="the store's shared receiving record (PostgreSQL)")
    verbs = s.add_subparsers(dest="verb", required=True)
    url_help = "postgresql://USER@host[:port]/database (default: the station's shared-record URL)"

    for name, helptext in (
        ("init", "create the record's schema, roles and privileges (or bring them up to date)"),
        ("upgrade", "apply newer migrations to an existing record"),
        (
            "status",
            "the record's schema, what each station sent, what this station still has to send",
        ),
        ("login", "check this station's database password and keep it in the keyring"),
    ):
        p = verbs.add_parser(name, help=helptext)
        p.add_argument("--url", help=url_help)
        p.set_defaults(handler=cmd_shared_record, needs_context=False)
    a = verbs.add_parser(
        "add-login", help="create a database user for a station or a supervisor PC"
    )
    a.add_argument("name", help="the database user to create (e.g. receiving2)")
    a.add_argument("--role", choices=["station", "supervisor"], required=True)
    a.add_argument("--url", help="an administrator's URL (" + url_help + ")")
    a.add_argument(
        "--password-env",
        metavar="VAR",
        help="read the new user's password from this environment variable instead of a prompt",
    )
    a.set_defaults(handler=cmd_shared_record, needs_context=False)


def cmd_shared_record(args: argparse.Namespace, out: Output) -> int:
    from intake_gui.store.shared_record.admin import SharedRecordAdminError
    from intake_gui.store.shared_record.db import SharedRecordUnavailable

    try:
        return int(_VERBS[args.verb](args, out))
    except SharedRecordAdminError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    except SharedRecordUnavailable as exc:
        raise CliError(exc.message[:1].upper() + exc.message[1:] + ".", _exit_for(exc)) from None


def _exit_for(exc: Any) -> int:
    return EXIT_AUTH if "login" in exc.message else EXIT_CONNECTION


def _config(args: argparse.Namespace) -> Any:
    from intake_gui.store.paths import app_paths
    from intake_gui.store.settings import load_settings
    from intake_gui.store.shared_record.config import SharedRecordConfigError, parse

    url = args.url or os.environ.get("INTAKE_SHARED_RECORD_URL")
    if not url:
        url = load_settings(app_paths()).shared_record_url
    if not url:
        raise CliError(
            "No shared record is configured: pass --url postgresql://USER@host/database, or set "
            "INTAKE_SHARED_RECORD_URL (or shared_record_url in Settings)."
        )
    try:
        return parse(url)
    except SharedRecordConfigError as exc:
        raise CliError(f"--url: {exc}") from None


def _password(config: Any, *, prompt: bool = True) -> str | None:
    from intake_gui.store.secrets import SecretStore
    from intake_gui.store.shared_record.db import resolve_password

    found = resolve_password(config, SecretStore())
    if found or not prompt or not sys.stdin.isatty():
        return found
    return getpass.getpass(f"Password for {config.display} (empty for none): ") or None


def _engine(config: Any, password: str | None) -> Any:
    from intake_gui.store.shared_record.db import SharedRecordDB

    return SharedRecordDB(config, password=password, application_name="intake admin").engine


def _guarded(fn: Any, *args: Any) -> Any:
    """Run an admin call; a connection or server failure becomes SharedRecordUnavailable with words."""
    from sqlalchemy import exc as sa_exc

    from intake_gui.store.shared_record.db import SharedRecordUnavailable, describe_error

    try:
        return fn(*args)
    except sa_exc.SQLAlchemyError as exc:
        raise SharedRecordUnavailable(describe_error(exc)) from exc


def _init_or_upgrade(args: argparse.Namespace, out: Output) -> int:
    from intake_gui.store.shared_record import admin

    config = _config(args)
    engine = _engine(config, _password(config))
    try:
        run = admin.init if args.verb == "init" else admin.upgrade
        before, after = _guarded(run, engine)
    finally:
        engine.dispose()
    changed = before.current != after.current
    out.emit(
        {
            "record": config.display,
            "record_id": after.record_id,
            "before": before.current,
            "revision": after.current,
            "changed": changed,
        },
        lambda: (
            f"Shared record at {config.display}: "
            + (
                f"schema {after.current} (was {before.current or 'empty'})"
                if changed
                else f"already at schema {after.current}"
            )
            + "; roles intake_station (append + read) and intake_supervisor (read) and their "
            "privileges are in place."
        ),
    )
    return EXIT_OK


def _status(args: argparse.Namespace, out: Output) -> int:
    from intake_gui.store.shared_record import admin

    config = _config(args)
    engine = _engine(config, _password(config, prompt=False))
    try:
        state = _guarded(admin.status, engine)
    finally:
        engine.dispose()
    waiting = _this_station_waiting(config, state.schema.record_id)
    out.emit(
        {
            "record": config.display,
            "record_id": state.schema.record_id,
            "revision": state.schema.current,
            "latest_revision": state.schema.head,
            "events": state.events,
            "stations": [
                {
                    "station": s.station,
                    "journal_id": s.journal_id,
                    "events": s.events,
                    "last_event_at": s.last_event_at,
                    "last_recorded_at": s.last_recorded_at,
                }
                for s in state.stations
            ],
            "this_station_waiting": waiting,
        },
        lambda: _status_text(config, state, waiting),
    )
    return EXIT_OK


def _status_text(config: Any, state: Any, waiting: int | None) -> str:
    schema = state.schema
    if schema.current is None:
        return f"{config.display} holds no shared record yet: run `intake shared-record init`."
    lines = [
        f"Shared record {config.display} (id {schema.record_id}), schema {schema.current}"
        + ("" if schema.up_to_date else f" — {schema.head} is available: run `upgrade`"),
        f"{state.events} events from {len(state.stations)} station journals:",
    ]
    for s in state.stations:
        last = f"{s.last_event_at:%Y-%m-%d %H:%M}" if s.last_event_at else "-"
        lines.append(f"  {s.station:<24} {s.events:>8} events, last {last} UTC")
    if waiting is not None:
        lines.append(f"This station: {waiting} events waiting to be sent.")
    return "\n".join(lines)


def _this_station_waiting(config: Any, record_id: str | None) -> int | None:
    """Events of this station's journal (for its configured tenant) the record has not confirmed yet."""
    from intake_gui.services.context import resolve_api_base
    from intake_gui.store.journal import Journal, JournalError
    from intake_gui.store.paths import app_paths
    from intake_gui.store.settings import load_settings

    paths = app_paths()
    if record_id is None or not paths.journal_path.exists():
        return None
    settings = load_settings(paths)
    base = resolve_api_base(None, settings)
    if base is None:
        return None  # the embedded sandbox: nothing of it is ever shared
    try:
        with Journal(paths.journal_path, tenant=f"{settings.pos_kind}|{base.rstrip('/')}") as j:
            return j.outbox.waiting(f"{record_id}|{j.tenant}")
    except JournalError:
        return None


def _login(args: argparse.Namespace, out: Output) -> int:
    from intake_gui.store.secrets import SecretStore
    from intake_gui.store.shared_record.db import SharedRecordDB

    config = _config(args)
    if not sys.stdin.isatty() and not os.environ.get("INTAKE_SHARED_RECORD_PASSWORD"):
        raise CliError(
            "`login` asks for the password: run it in a terminal, or set INTAKE_SHARED_RECORD_PASSWORD."
        )
    password = os.environ.get("INTAKE_SHARED_RECORD_PASSWORD") or getpass.getpass(
        f"Password for {config.display}: "
    )
    db = SharedRecordDB(config, password=password, application_name="intake login")
    try:
        record_id = db.record_id()
        can_insert = db.can_insert()
    finally:
        db.dispose()
    secrets = SecretStore()
    secrets.set_password(config.keyring_account, password)
    where = "the keyring" if secrets.persistent else "memory only (no keyring on this PC)"
    out.emit(
        {"record": config.display, "record_id": record_id, "station": can_insert, "saved": where},
        lambda: (
            f"Connected to shared record {config.display} as a "
            + ("station (append + read)" if can_insert else "supervisor (read only)")
            + f"; password kept in {where}."
        ),
    )
    return EXIT_OK


def _add_login(args: argparse.Namespace, out: Output) -> int:
    from intake_gui.store.shared_record import admin

    config = _config(args)
    if args.password_env:
        new_password = os.environ.get(args.password_env, "")
        if not new_password:
            raise CliError(f"{args.password_env} is not set or empty.")
    elif sys.stdin.isatty():
        new_password = getpass.getpass(f"New password for {args.name}: ")
        if getpass.getpass("Again: ") != new_password:
            raise CliError("The two passwords differ.")
    else:
        raise CliError("Pass --password-env VAR, or run this in a terminal to be asked.")
    engine = _engine(config, _password(config))
    try:
        _guarded(admin.add_login, engine, args.name, args.role, new_password)
    finally:
        engine.dispose()
    out.emit(
        {"login": args.name, "role": args.role},
        lambda: (
            f"Database user {args.name} created as a {args.role}. On that PC set its shared-record URL to "
            f"postgresql://{args.name}@{config.host}:{config.port}/{config.database} and run "
            "`intake shared-record login`."
        ),
    )
    return EXIT_OK


_VERBS = {
    "init": _init_or_upgrade,
    "upgrade": _init_or_upgrade,
    "status": _status,
    "login": _login,
    "add-login": _add_login,
}
