"""Tolerant reading of POS answers: one mechanism behind every wire row of every POS.

Why: one history field under another name (`0.ReceivedDate: Field required`) once took down the history
light, `intake verify`, History and `intake recover` at once. We cannot list every tenant's names, so the
rules are general and each wire model only *declares* what it needs:

- A wire model is a `TolerantModel`. A field without a default is essential (ids, quantities, the SKU or
  product id a line is matched by); every other field is optional and blanks to its default.
- Keys are matched after normalisation (case, `_`, `-`, spaces, dots), so `ReceivedDate`, `receivedDate`
  and `received_date` are one name. Each field is found under its canonical name, then the aliases the
  model lists (`__aliases__`, from public material); unknown keys are ignored.
- A date field the model marks in `__date_hints__` that is under no known name falls back to a key that
  looks like a date/time name (`deliveredOn`, `createdAt`, `DateAdded`…) and whose value parses as one,
  preferring the model's hint words and never a key that names another date (expiry, birth…).
- Values are coerced by the annotated types below (numbers as text, yes/no flags, a list where a count is
  expected, every date format of `tolerant_dates`).
- `read_rows` never fails on one row: an unreadable optional value is blanked, a row without an essential
  value is skipped and counted, and the read returns what it could with a `ReadReport` (fields missing,
  read under another name, unreadable, rows skipped, date formats seen). Each finding is logged once per
  endpoint and field name, never with a value. Reports also go to any `collect_reports()` block around
  the read, which is how the doctor and the verification see what a connector read without the
  connector passing reports along.

Key resolution is planned once per key layout (the tuple of keys a row has) and cached, so a 17k-row
catalogue pays for normalisation once, not per row.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from intake_gui.pos.tolerant_dates import UnreadableDate, parse_when

log = logging.getLogger(__name__)

Aliases = Mapping[str, tuple[str, ...]]
"""Field name -> other wire names for it (a model's `__aliases__`) or hint words (`__date_hints__`)."""

_NORM = re.compile(r"[\s_\-.]+")
_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\b|_|\d)|[A-Z]?[a-z]+|[A-Z]+|\d+")
_DATE_WORDS = frozenset({"date", "time", "datetime", "timestamp", "on", "at", "when", "dt", "utc"})
_NOT_A_RECEIVE_DATE = (
    "expir",
    "bestby",
    "birth",
    "dob",
    "harvest",
    "test",
    "modif",
    "updat",
    "sync",
)


def norm(key: str) -> str:
    """A key as compared: `Received_Date`, `receivedDate` and `received-date` are all `receiveddate`."""
    return _NORM.sub("", key).casefold()


def looks_like_a_date_name(key: str) -> bool:
    """True for `deliveredOn`, `created_at`, `DateAdded`, `ReceivedDateUtc`; false for `Description`."""
    words = [w.casefold() for w in _WORDS.findall(key)]
    return bool(words) and (
        words[-1] in _DATE_WORDS or any(w in _DATE_WORDS - {"on", "at"} for w in words)
    )


# ---------------------------------------------------------------- the report


@dataclass
class ReadReport:
    """What one read (one endpoint, possibly several pages) found, for the doctor and the log."""

    endpoint: str
    rows: int = 0
    skipped: int = 0
    skipped_for: Counter[str] = field(default_factory=Counter)
    """Essential field -> rows skipped because it was missing or unreadable."""
    missing: Counter[str] = field(default_factory=Counter)
    """Optional field -> rows that did not have it (blanked)."""
    unreadable: Counter[str] = field(default_factory=Counter)
    """Optional field -> rows whose value could not be read (blanked)."""
    renamed: dict[str, str] = field(default_factory=dict)
    """Field -> the key it was read under, when that is another name (an alias) for it."""
    recased: dict[str, str] = field(default_factory=dict)
    """Field -> the key it was read under, when that is its own name in another case or style."""
    guessed: dict[str, str] = field(default_factory=dict)
    """Date field -> the key the date-name fallback read it from."""
    date_formats: dict[str, Counter[str]] = field(default_factory=dict)
    """Date field -> format label -> rows."""
    value_forms: dict[str, str] = field(default_factory=dict)
    """Field -> how its values came when not as the type itself ("numbers as text", "a list, counted")."""
    fields_seen: set[str] = field(default_factory=set)
    """Canonical names of the fields the rows carried (under any name)."""
    shape: str = ""
    """How the list was found when `Data` was not a plain list (e.g. "the 'items' list of an object")."""

    @property
    def read(self) -> int:
        return self.rows - self.skipped

    def merge(self, other: ReadReport) -> ReadReport:
        self.rows += other.rows
        self.skipped += other.skipped
        self.skipped_for.update(other.skipped_for)
        self.missing.update(other.missing)
        self.unreadable.update(other.unreadable)
        self.fields_seen |= other.fields_seen
        for name, key in other.renamed.items():
            self.renamed.setdefault(name, key)
        for name, key in other.recased.items():
            self.recased.setdefault(name, key)
        for name, key in other.guessed.items():
            self.guessed.setdefault(name, key)
        for name, form in other.value_forms.items():
            self.value_forms.setdefault(name, form)
        for name, formats in other.date_formats.items():
            self.date_formats.setdefault(name, Counter()).update(formats)
        self.shape = self.shape or other.shape
        return self

    def note_date(self, name: str, label: str) -> None:
        self.date_formats.setdefault(name, Counter())[label] += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "rows": self.rows,
            "read": self.read,
            "skipped": self.skipped,
            "skipped_for": dict(self.skipped_for),
            "missing": dict(self.missing),
            "unreadable": dict(self.unreadable),
            "renamed": dict(self.renamed),
            "recased": dict(self.recased),
            "guessed": dict(self.guessed),
            "date_formats": {k: dict(v) for k, v in self.date_formats.items()},
            "value_forms": dict(self.value_forms),
            "shape": self.shape,
        }

    def findings(self) -> list[str]:
        """The report in short sentences, one per finding (empty when the rows were as expected)."""
        out = []
        if self.skipped:
            why = ", ".join(f"{name} ({n})" for name, n in self.skipped_for.most_common())
            out.append(
                f"{self.skipped} of {self.rows} rows skipped, missing an essential field: {why}"
            )
        for name, key in sorted(self.renamed.items()):
            out.append(f"{name} read as '{key}'")
        for name, key in sorted(self.guessed.items()):
            out.append(f"{name} not sent under a known name; read from '{key}', which holds dates")
        for name, n in sorted(self.unreadable.items()):
            out.append(f"{name} unreadable in {n} of {self.rows} rows (left blank)")
        for name, form in sorted(self.value_forms.items()):
            out.append(f"{name} sent as {form}")
        if self.recased:
            shown = sorted(self.recased.items())
            examples = ", ".join(f"'{key}' for {name}" for name, key in shown[:3])
            more = f" and {len(shown) - 3} more" if len(shown) > 3 else ""
            out.append(f"keys in another case or style: {examples}{more}")
        if self.missing:
            parts = [
                name if n >= self.rows else f"{name} ({n} of {self.rows} rows)"
                for name, n in sorted(self.missing.items())
            ]
            out.append(f"not sent (left blank): {', '.join(parts)}")
        if self.shape:
            out.append(f"rows found in {self.shape}")
        return out


class EssentialFieldMissing(ValueError):
    """Rows came, and not one had what Intake cannot do without: the answer is unusable, and saying so
    (naming the field) is the truth; an empty list would claim "nothing there", e.g. "no rooms"."""

    def __init__(self, report: ReadReport) -> None:
        fields = ", ".join(f"{name} ({n} rows)" for name, n in report.skipped_for.most_common())
        super().__init__(
            f"{report.endpoint or 'read'}: no row had the essential field(s): {fields}"
        )
        self.report = report
        self.fields = tuple(report.skipped_for)


def check_usable(report: ReadReport) -> None:
    """Raise EssentialFieldMissing when rows came and none could be read."""
    if report.rows and not report.read:
        raise EssentialFieldMissing(report)


class Rows(list[Any]):
    """A read's rows with the `report` of how they were read; behaves as the plain list it extends."""

    report: ReadReport

    def __init__(self, items: Any = (), report: ReadReport | None = None) -> None:
        super().__init__(items)
        self.report = report if report is not None else ReadReport("")


_sink: ContextVar[list[ReadReport] | None] = ContextVar("intake_read_reports", default=None)


@contextmanager
def collect_reports() -> Iterator[list[ReadReport]]:
    """Every `ReadReport` made inside the block (in this thread/context), in read order."""
    reports: list[ReadReport] = []
    token = _sink.set(reports)
    try:
        yield reports
    finally:
        _sink.reset(token)


def publish(report: ReadReport) -> None:
    """Hand a finished report to the enclosing `collect_reports()` block, and log what is new in it."""
    sink = _sink.get()
    if sink is not None:
        sink.append(report)
    _log_findings(report)


_logged: set[tuple[str, str, str]] = set()
_logged_lock = threading.Lock()


def _log_findings(report: ReadReport) -> None:
    """Each finding once per endpoint and field name for the life of the process; never a value."""
    items = [
        *(("skipped", name) for name in report.skipped_for),
        *(("missing", name) for name in report.missing),
        *(("unreadable", name) for name in report.unreadable),
        *(("renamed", f"{name}->{key}") for name, key in report.renamed.items()),
        *(("recased", f"{name}->{key}") for name, key in report.recased.items()),
        *(("guessed", f"{name}->{key}") for name, key in report.guessed.items()),
    ]
    with _logged_lock:
        fresh = [
            (kind, name) for kind, name in items if (report.endpoint, kind, name) not in _logged
        ]
        _logged.update((report.endpoint, kind, name) for kind, name in fresh)
    for kind, name in fresh:
        level = logging.WARNING if kind == "skipped" else logging.INFO
        log.log(level, "%s: field %s %s", report.endpoint or "(read)", name, kind)


def reset_log_memory() -> None:
    """Forget which findings were logged (tests)."""
    with _logged_lock:
        _logged.clear()


# ---------------------------------------------------------------- tolerant values


def _report_of(info: ValidationInfo | None) -> ReadReport | None:
    context = info.context if info is not None else None
    return context.get("report") if isinstance(context, dict) else None


def to_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float | Decimal):
        return str(value)
    raise ValueError(f"expected text, got {type(value).__name__}")


def to_flag(value: object) -> bool:
    """yes/no, true/false, y/n, 1/0, on/off and real booleans."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().casefold()
        if text in ("yes", "y", "true", "t", "1", "on"):
            return True
        if text in ("no", "n", "false", "f", "0", "off"):
            return False
    raise ValueError(f"expected a yes/no flag, got {type(value).__name__}")


def to_decimal(value: object) -> Decimal:
    """Numbers, numbers as text ("1,234.50", "$4.10"), and BLAZE's "ZERO"."""
    if isinstance(value, bool):
        raise ValueError("a flag is not a number")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().replace(",", "").lstrip("$")
        if text.upper() == "ZERO":
            return Decimal(0)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError("not a number") from None
    else:
        raise ValueError(f"expected a number, got {type(value).__name__}")
    if not number.is_finite():
        raise ValueError("not a finite number")
    return number


def to_int(value: object) -> int:
    """Whole numbers, also as text or as an integral float/decimal ("12", 12.0)."""
    if type(value) is int:
        return value
    number = to_decimal(value)
    if number != number.to_integral_value():
        raise ValueError("not a whole number")
    return int(number)


def to_count(value: object) -> int:
    """A count, or a list where a count was expected (history's Products is a list in some tenants)."""
    if isinstance(value, list | tuple):
        return len(value)
    return to_int(value)


def _noting(convert: Any, form: Callable[[object], str | None]) -> Any:
    """`convert`, and a note in the read's report of how the value came (once per field)."""

    def validate(value: object, info: ValidationInfo) -> object:
        result = convert(value)
        report = _report_of(info)
        if report is not None and info.field_name is not None:
            seen = form(value)
            if seen is not None:
                report.value_forms.setdefault(_canonical_of(info, info.field_name), seen)
        return result

    return validate


def _count_form(value: object) -> str | None:
    return "a list (its length is the count)" if isinstance(value, list | tuple) else None


def _number_form(value: object) -> str | None:
    return "numbers as text" if isinstance(value, str) else None


def to_id(value: object) -> int | str:
    """An id as the POS gave it: whole numbers as int, anything else non-empty as text."""
    try:
        return to_int(value)
    except ValueError:
        text = to_text(value)
        if not text:
            raise ValueError("empty id") from None
        return text


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _opt(convert: Any) -> Any:
    def optional(value: object) -> object:
        return None if _blank(value) else convert(value)

    return optional


def _when(value: object, info: ValidationInfo) -> datetime | None:
    if _blank(value):
        return None
    try:
        when, label = parse_when(value)
    except UnreadableDate as exc:
        raise ValueError(str(exc)) from None
    report = _report_of(info)
    if report is not None and info.field_name is not None:
        report.note_date(_canonical_of(info, info.field_name), label)
    return when


def _day(value: object, info: ValidationInfo) -> date | None:
    when = _when(value, info)
    return when.date() if when is not None else None


def _epoch_ms(value: object, info: ValidationInfo) -> int | None:
    """Any readable date as epoch milliseconds (BLAZE's form); a zone-less text date is taken as UTC."""
    when = _when(value, info)
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1000)


def _canonical_of(info: ValidationInfo, name: str) -> str:
    context = info.context if isinstance(info.context, dict) else {}
    model = context.get("model")
    spec = _spec(model) if isinstance(model, type) else None
    return spec.canonical.get(name, name) if spec else name


Text = Annotated[str, BeforeValidator(to_text)]
Key = Annotated[str, BeforeValidator(to_text), StringConstraints(min_length=1)]
"""Essential text (a SKU, a session id): numbers read as text, empty refused."""
Flag = Annotated[bool, BeforeValidator(to_flag)]
Int = Annotated[int, BeforeValidator(to_int)]
OptInt = Annotated[int | None, BeforeValidator(_opt(to_int))]
OptFlag = Annotated[bool | None, BeforeValidator(_opt(to_flag))]
Num = Annotated[Decimal, BeforeValidator(_noting(to_decimal, _number_form))]
OptNum = Annotated[Decimal | None, BeforeValidator(_opt(to_decimal))]
Count = Annotated[int, BeforeValidator(_noting(to_count, _count_form))]
Id = Annotated[int | str, BeforeValidator(to_id)]
When = Annotated[datetime | None, BeforeValidator(_when)]
Day = Annotated[date | None, BeforeValidator(_day)]
EpochMs = Annotated[int | None, BeforeValidator(_epoch_ms)]


# ---------------------------------------------------------------- key resolution


@dataclass(frozen=True)
class _Spec:
    names: dict[str, tuple[str, ...]]
    """Field -> normalised names to look for, canonical first."""
    canonical: dict[str, str]
    """Field -> its canonical wire spelling, for reports."""
    required: frozenset[str]
    hints: dict[str, tuple[str, ...]]


@dataclass(frozen=True, eq=False)  # cached per layout, so identity is equality and hashing is cheap
class _Plan:
    pairs: tuple[tuple[str, str], ...]
    renamed: tuple[tuple[str, str], ...]
    missing: tuple[str, ...]
    guesses: tuple[tuple[str, tuple[str, ...]], ...]
    seen: frozenset[str]
    canonical_pairs: tuple[tuple[str, str], ...]
    """(canonical wire spelling, key as sent) per present field, for fast paths keyed by wire names."""
    canonical: bool
    """Every present field is under exactly its canonical spelling: the row can be used as it is."""


_specs: dict[type, _Spec] = {}
_plans: dict[tuple[type, tuple[str, ...]], _Plan] = {}
_PLAN_CACHE_MAX = 4096


def _spec(model: type) -> _Spec:
    spec = _specs.get(model)
    if spec is not None:
        return spec
    names: dict[str, tuple[str, ...]] = {}
    canonical: dict[str, str] = {}
    extra: Mapping[str, tuple[str, ...]] = getattr(model, "__aliases__", {})
    for name, info in model.model_fields.items():  # type: ignore[attr-defined]
        spelled: list[str] = []
        if isinstance(info.validation_alias, AliasChoices):
            spelled += [c for c in info.validation_alias.choices if isinstance(c, str)]
        elif isinstance(info.validation_alias, str):
            spelled.append(info.validation_alias)
        if info.alias:
            spelled.append(info.alias)
        spelled += [name, *extra.get(name, ())]
        canonical[name] = spelled[0]
        names[name] = tuple(dict.fromkeys(norm(s) for s in spelled))
    required = frozenset(n for n, i in model.model_fields.items() if i.is_required())  # type: ignore[attr-defined]
    spec = _Spec(names, canonical, required, dict(getattr(model, "__date_hints__", {})))
    _specs[model] = spec
    return spec


def known_names(model: type) -> frozenset[str]:
    """Every normalised key `model` reads a field from (tests build rows of unrelated keys with it)."""
    return frozenset(n for names in _spec(model).names.values() for n in names)


def plan_for(model: type, keys: tuple[str, ...]) -> _Plan:
    """Where each field of `model` is in a row with these keys (cached per layout)."""
    cache_key = (model, keys)
    plan = _plans.get(cache_key)
    if plan is not None:
        return plan
    spec = _spec(model)
    by_norm: dict[str, str] = {}
    for key in keys:
        if isinstance(key, str):
            by_norm.setdefault(norm(key), key)
    claimed: set[str] = set()
    pairs, renamed, missing, guesses = [], [], [], []
    for name, wanted in spec.names.items():
        key = next((by_norm[n] for n in wanted if n in by_norm and by_norm[n] not in claimed), None)
        if key is None:
            missing.append(name)
            continue
        claimed.add(key)
        pairs.append((name, key))
        if key != spec.canonical[name]:
            renamed.append((name, key))
    for name in missing:
        hints = spec.hints.get(name)
        if hints is not None:
            candidates = [k for k in keys if k not in claimed and looks_like_a_date_name(k)]
            guesses.append((name, _rank(candidates, hints)))
    plan = _Plan(
        pairs=tuple(pairs),
        renamed=tuple(renamed),
        missing=tuple(missing),
        guesses=tuple((n, c) for n, c in guesses if c),
        seen=frozenset(spec.canonical[n] for n, _ in pairs),
        canonical_pairs=tuple((spec.canonical[name], key) for name, key in pairs),
        canonical=not renamed,
    )
    if (
        len(_plans) >= _PLAN_CACHE_MAX
    ):  # rows with ever-changing keys must not grow the cache forever
        _plans.clear()
    _plans[cache_key] = plan
    return plan


def _rank(candidates: list[str], hints: tuple[str, ...]) -> tuple[str, ...]:
    def score(key: str) -> int:
        n = norm(key)
        return next((i for i, hint in enumerate(hints) if hint in n), len(hints))

    usable = [k for k in candidates if not any(bad in norm(k) for bad in _NOT_A_RECEIVE_DATE)]
    return tuple(sorted(usable, key=score))


class TolerantModel(BaseModel):
    """Base of every wire model: keys resolved by `plan_for`, unknown keys ignored, frozen."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)
    __aliases__: ClassVar[Aliases] = {}
    __date_hints__: ClassVar[Aliases] = {}
    __essential_any__: ClassVar[tuple[tuple[str, ...], ...]] = ()
    """Groups of optional fields of which each row needs at least one (a line's SKU or product id)."""

    @model_validator(mode="before")
    @classmethod
    def _resolve_keys(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict):
            return data
        plan = plan_for(cls, tuple(data))
        context = info.context if isinstance(info.context, dict) else {}
        report: ReadReport | None = context.get("report") if context.get("model") is cls else None
        blank = context.get("blank", ()) if context.get("model") is cls else ()
        # A null or blank value is no value: the field takes its default (an essential one is then missing).
        out = {
            name: value
            for name, key in plan.pairs
            if name not in blank and not _blank(value := data[key])
        }
        for name, candidates in plan.guesses:
            if name in blank:
                continue
            for key in candidates:
                try:
                    parse_when(data[key])
                except UnreadableDate:
                    continue
                out[name] = data[key]
                if report is not None:
                    report.guessed.setdefault(_spec(cls).canonical[name], key)
                break
        if report is not None:
            note_plan(cls, plan, report, 1, present=out)
        return out


def note_plan(
    model: type,
    plan: _Plan,
    report: ReadReport,
    rows: int,
    present: Mapping[str, Any] | None = None,
) -> None:
    """Count what a key layout says about `rows` rows: fields seen, read under another name, missing."""
    spec = _spec(model)
    report.fields_seen |= plan.seen
    for name, key in plan.renamed:
        canonical = spec.canonical[name]
        target = report.recased if norm(key) == norm(canonical) else report.renamed
        target.setdefault(canonical, key)
    for name in plan.missing:
        if name not in spec.required and (present is None or name not in present):
            report.missing[spec.canonical[name]] += rows


M = TypeVar("M", bound=TolerantModel)

LIST_KEYS = ("values", "items", "results", "data", "rows", "records", "searchResult", "list")
_LIST_NORMS = tuple(norm(k) for k in LIST_KEYS)


def rows_of(data: object, report: ReadReport) -> list[Any]:
    """The list of rows in `data`: the list itself, nothing for null, or the one list inside an object
    (`{"items": [...]}` and the like). Anything else raises ValueError: there is no list to read."""
    if data is None:
        return []
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        by_norm = {norm(k): k for k in data if isinstance(k, str)}
        for wanted in _LIST_NORMS:
            key = by_norm.get(wanted)
            if key is not None and isinstance(data[key], list):
                report.shape = f"the '{key}' list of an object"
                return data[key]
        lists = [k for k, v in data.items() if isinstance(v, list)]
        if len(lists) == 1:
            report.shape = f"the '{lists[0]}' list of an object"
            return data[lists[0]]
    raise ValueError(f"expected a list of rows, got {type(data).__name__}")


def read_rows(model: type[M], data: object, endpoint: str = "") -> Rows:
    """Every row of `data` that has what `model` cannot do without, and a report of the rest.

    Raises ValueError when there is no list at all (a string, a number), and EssentialFieldMissing when
    rows came but not one was readable: both are broken answers, not a tenant's way of naming things."""
    report = ReadReport(endpoint)
    out = Rows(report=report)
    for raw in rows_of(data, report):
        row = read_row(model, raw, report)
        if row is not None:
            out.append(row)
    publish(report)
    check_usable(report)
    return out


def read_row(model: type[M], raw: object, report: ReadReport) -> M | None:
    """One row, or None when it lacks an essential field (counted in `report`)."""
    report.rows += 1
    if not isinstance(raw, dict):
        report.skipped += 1
        report.skipped_for["(not an object)"] += 1
        return None
    context: dict[str, Any] = {"report": report, "model": model}
    try:
        return _essentials_present(model.model_validate(raw, context=context), report)
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False)
    spec = _spec(model)
    bad = {_field_at(model, err["loc"]) for err in errors}
    essential = sorted(n for n in bad if n is None or n in spec.required)
    if not essential:
        blanked = frozenset(n for n in bad if n is not None)
        try:
            row = model.model_validate(raw, context={**context, "blank": blanked, "report": None})
        except ValidationError:
            row = None
        if row is not None:
            for name in blanked:
                report.unreadable[spec.canonical[name]] += 1
            return _essentials_present(row, report)
    report.skipped += 1
    for name in essential or sorted(n for n in bad if n):
        report.skipped_for[spec.canonical.get(name, name) if name else "(row)"] += 1
    return None


def _essentials_present(row: M, report: ReadReport) -> M | None:
    for group in row.__essential_any__:
        if not any(getattr(row, name) not in (None, "") for name in group):
            spec = _spec(type(row))
            report.skipped += 1
            report.skipped_for[" or ".join(spec.canonical[n] for n in group)] += 1
            return None
    return row


def _field_at(model: type, loc: tuple[Any, ...]) -> str | None:
    if not loc:
        return None
    head = loc[0]
    spec = _spec(model)
    if head in spec.names:
        return str(head)
    wanted = norm(str(head))
    return next((name for name, names in spec.names.items() if wanted in names), None)


def read_object(model: type[M], data: object, endpoint: str = "") -> M:
    """A single object (a login answer, a shop): read like a row; raises ValueError naming the
    essential field when it cannot be read."""
    report = ReadReport(endpoint)
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    row = read_row(model, data, report)
    publish(report)
    if row is None:
        missing = ", ".join(report.skipped_for) or "the object"
        raise ValueError(
            f"{endpoint or model.__name__}: essential field missing or unreadable: {missing}"
        )
    return row
