"""Signing in from the command line, for any POS: what to ask, and what to say when nobody can be asked.

The fields come from the POS driver's credential schema (a username and password for Dutchie, two keys for
BLAZE, one for IndicaOnline), so every command that opens a context asks the same way.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from typing import Any

from intake_gui.cli.output import EXIT_AUTH, CliError
from intake_gui.services.context import CredentialsNeeded, open_context
from intake_gui.services.credentials import env_name
from intake_gui.services.drivers import driver_for


def open_signed_in(**open_kw: Any) -> Any:
    """`open_context(**open_kw)`, asking for the POS's credentials on a terminal when they are not known.

    Without a terminal a missing credential is an error naming the INTAKE_<FIELD> variables to set.
    """
    try:
        return open_context(**open_kw)
    except CredentialsNeeded as need:
        if not sys.stdin.isatty():
            names = " and ".join(env_name(f) for f in need.missing) or "the credentials"
            raise CliError(
                f"No credentials for {need.api_base}: set {names}, or sign in once interactively.",
                EXIT_AUTH,
                error="no_credentials",
            ) from None
        return open_context(**open_kw, credentials=ask_credentials(need))


def ask_credentials(
    need: CredentialsNeeded,
    ask: Callable[[str], str] = input,
    ask_secret: Callable[[str], str] = getpass.getpass,
) -> dict[str, str]:
    """Prompt for every credential field of the POS; secret ones without echo."""
    schema = driver_for(need.pos_kind).credentials
    values = {"username": need.username} if need.username else {}
    for name in schema.model_fields:
        if not values.get(name):
            label = f"{schema.label(name)}: "
            values[name] = ask_secret(label) if name in schema.secret_fields() else ask(label)
    return values
