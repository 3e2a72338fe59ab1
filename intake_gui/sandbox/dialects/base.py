"""What a dialect is: an id space, an envelope and one table of shapes that renders the sandbox's shared
business data into one wire form, and the value renderers those tables pick from.

The handlers never know which dialect is spoken. They work in the *canonical* space (the course's ids,
snake_case records with typed values: aware datetimes, quantities in thousandths, booleans) and hand
records to `Dialect.render`; requests come in through `Dialect.inbound`, which folds key case (ASP.NET
binds JSON case-insensitively) and maps the dialect's ids back to canonical ones. So a new dialect is a
new table, never an `if` in a handler.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from starlette.responses import Response

from intake_gui.sandbox.wire import as_int, dumps, from_milli, json_response

Token = Callable[[Any, "Dialect"], Any]
"""Renders one canonical value for the wire; gets the dialect for ids, renames and nested shapes."""
Shape = tuple[tuple[str, str, Token], ...]
"""(wire key, canonical record key, renderer), in wire order."""

ID_KEYS: Mapping[str, str] = {
    "locid": "loc",
    "lspid": "lsp",
    "orgid": "org",
    "userid": "user",
    "vendorid": "vendor",
    "roomid": "room",
    "productid": "product",
    "receiveinventoryhistoryid": "receive",
}
"""Request keys (case-folded) holding ids, and their kind. A receive line's `PackageId` is the package's
state tag, not an id, and `Id` is the course's trap: neither is mapped."""

ID_KINDS = ("loc", "lsp", "org", "user", "vendor", "room", "product", "receive", "package")


@dataclass(frozen=True)
class IdSpace:
    """A dialect's ids: canonical id + a fixed offset per kind. Deterministic and invertible, and the
    offsets are chosen so no wire id of a kind equals any course id of that kind: a client that
    hard-codes 1989 or 24772 gets "not found" there. Zero stays zero (the .NET "no id" default)."""

    offsets: Mapping[str, int] = field(default_factory=dict)

    def out(self, kind: str, value: int | None) -> int | None:
        if value is None or value == 0:
            return value
        return value + self.offsets.get(kind, 0)

    def into(self, kind: str, value: Any) -> Any:
        """The canonical id of a wire value; a value that is no integer is passed on for the handler
        to refuse in its own words."""
        number = as_int(value)
        if number is None or number == 0:
            return value
        return number - self.offsets.get(kind, 0)


# ---------------------------------------------------------------- value renderers


def ident(kind: str) -> Token:
    def render(value: Any, dialect: Dialect) -> Any:
        return dialect.ids.out(kind, value)

    return render


def TEXT(value: Any, dialect: Dialect) -> Any:
    return value


def NAME(value: Any, dialect: Dialect) -> Any:
    """A store or room name, as this tenant spells it."""
    return dialect.renames.get(value, value)


def QTY(milli: int, dialect: Dialect) -> int | float:
    return from_milli(milli)


def QTY_TEXT(milli: int, dialect: Dialect) -> str:
    """ "3.000": a .NET decimal serialised as a string."""
    return str((Decimal(milli) / 1000).quantize(Decimal("0.001")))


def MONEY(value: float | None, dialect: Dialect) -> float | None:
    return value


def MONEY_TEXT(value: float | None, dialect: Dialect) -> str | None:
    return None if value is None else str(Decimal(str(value)).quantize(Decimal("0.01")))


def YESNO(value: bool, dialect: Dialect) -> str:
    return "yes" if value else "no"


def BOOL(value: bool, dialect: Dialect) -> bool:
    return bool(value)


def ISO_LOCAL(value: datetime, dialect: Dialect) -> str:
    """The course's habit: store-local wall time, no offset."""
    return value.replace(tzinfo=None, microsecond=0).isoformat()


def US_LOCAL(value: datetime, dialect: Dialect) -> str:
    """As the Backoffice web UI writes it: `03/17/2021 1:42 pm` (store-local, minutes only)."""
    hour = value.hour % 12 or 12
    return f"{value:%m/%d/%Y} {hour}:{value:%M} {'am' if value.hour < 12 else 'pm'}"


def ISO_UTC_Z(value: datetime, dialect: Dialect) -> str:
    """UTC with milliseconds and `Z`, as a JavaScript service serialises a Date."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ISO_OFFSET(value: datetime, dialect: Dialect) -> str:
    """Store-local wall time with its UTC offset."""
    return value.replace(microsecond=0).isoformat()


def DATE_ONLY(value: datetime, dialect: Dialect) -> str:
    """The store-local day, nothing else."""
    return value.date().isoformat()


def DAY_ISO(value: str | None, dialect: Dialect) -> str | None:
    return value


def DAY_US(value: str | None, dialect: Dialect) -> str | None:
    if not value:
        return value
    year, month, day = value.split("-")
    return f"{month}/{day}/{year}"


def COUNT(lines: Sequence[Any], dialect: Dialect) -> int:
    return len(lines)


def LINES(lines: Sequence[Mapping[str, Any]], dialect: Dialect) -> list[dict[str, Any]]:
    """A receive's lines as objects (shape "history_line"), where others give only their number."""
    return dialect.render_all("history_line", lines)


# ---------------------------------------------------------------- the dialect


@dataclass(frozen=True)
class Dialect:
    name: str
    summary: str
    """One line for people: what differs from the course."""
    shapes: Mapping[str, Shape]
    """One shape per record kind: login, location, vendor, room, product, package, history,
    history_line, sellable."""
    ids: IdSpace = field(default_factory=IdSpace)
    envelope_keys: tuple[str, str, str] = ("Result", "Message", "Data")
    renames: Mapping[str, str] = field(default_factory=dict)
    """Store and room names as this tenant spells them (the business is the same)."""
    omit_empty: bool = False
    """Leave out keys whose value is null or "" instead of sending them empty."""
    moods: Mapping[str, Any] = field(default_factory=dict)
    """`SandboxConfig` presets this dialect turns on (settings the caller gives win)."""
    withheld: tuple[str, ...] = ()
    """Wire keys left out of every record (`SandboxConfig.withhold_fields`), sorted and case-folded."""

    def withholding(self, keys: Iterable[str]) -> Dialect:
        """This dialect without the given wire keys ("Quantity", or "package.Quantity" for one kind),
        matched without regard to case: a tenant missing a field a client may need."""
        folded = tuple(sorted({k.strip().lower() for k in keys if k.strip()}))
        if not folded:
            return self
        shapes = {
            kind: tuple(
                entry
                for entry in shape
                if entry[0].lower() not in folded and f"{kind}.{entry[0]}".lower() not in folded
            )
            for kind, shape in self.shapes.items()
        }
        return replace(self, shapes=shapes, withheld=folded)

    @property
    def cache_key(self) -> str:
        """Names what this dialect renders: its name, plus what it withholds."""
        return self.name + "".join(f" -{k}" for k in self.withheld)

    # -- rendering ---------------------------------------------------------------------------------

    def render(self, kind: str, record: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, source, token in self.shapes[kind]:
            value = token(record[source], self)
            if self.omit_empty and (value is None or value == ""):
                continue
            out[key] = value
        return out

    def render_all(self, kind: str, records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [self.render(kind, r) for r in records]

    def envelope(
        self, data: Any = None, *, result: bool = True, message: str | None = None
    ) -> dict:
        r, m, d = self.envelope_keys
        return {r: result, m: message, d: data}

    def message_only(self, message: str, *, result: bool | None = None) -> dict[str, Any]:
        """ASP.NET's own error body (`{"Message": ...}`), with Result when the API layer adds it."""
        r, m, _ = self.envelope_keys
        return {m: message} if result is None else {r: result, m: message}

    # -- responses ---------------------------------------------------------------------------------

    def ok(self, data: Any) -> Response:
        return json_response(self.envelope(data))

    def answer(self, kind: str, records: Iterable[Mapping[str, Any]]) -> Response:
        return self.ok(self.render_all(kind, records))

    def refusal(self, message: str, *, status: int = 200, data: Any = None) -> Response:
        """Result false with the POS's message. HTTP 200 unless said otherwise, as the real one does."""
        return json_response(self.envelope(data, result=False, message=message), status)

    def raw_ok(self, data_json: bytes) -> Response:
        """An envelope around Data that is already serialised (the 17k-product catalogue)."""
        r, m, d = (dumps(k).decode() for k in self.envelope_keys)
        return json_response(f"{{{r}:true,{m}:null,{d}:".encode() + data_json + b"}")

    # -- requests ----------------------------------------------------------------------------------

    def inbound(self, value: Any) -> Any:
        """A request body with keys case-folded and ids mapped to the canonical space, recursively."""
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                folded = str(key).lower()
                kind = ID_KEYS.get(folded)
                out[folded] = self.ids.into(kind, item) if kind else self.inbound(item)
            return out
        if isinstance(value, list):
            return [self.inbound(item) for item in value]
        return value
