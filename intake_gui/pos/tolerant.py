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

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from intake_gui.pos.tolerant_dates import UnreadableDate, parse_when
from intake_gui.pos.tolerant_report import EssentialFieldMissing as EssentialFieldMissing
from intake_gui.pos.tolerant_report import ReadReport as ReadReport
from intake_gui.pos.tolerant_report import Rows as Rows
from intake_gui.pos.tolerant_report import check_usable as check_usable
from intake_gui.pos.tolerant_report import collect_reports as collect_reports
from intake_gui.pos.tolerant_report import publish as publish
from intake_gui.pos.tolerant_report import reset_log_memory as reset_log_memory
from intake_gui.pos.tolerant_values import Count as Count
from intake_gui.pos.tolerant_values import Day as Day
from intake_gui.pos.tolerant_values import EpochMs as EpochMs
from intake_gui.pos.tolerant_values import Flag as Flag
from intake_gui.pos.tolerant_values import Id as Id
from intake_gui.pos.tolerant_values import Int as Int
from intake_gui.pos.tolerant_values import Key as Key
from intake_gui.pos.tolerant_values import Num as Num
from intake_gui.pos.tolerant_values import OptFlag as OptFlag
from intake_gui.pos.tolerant_values import OptInt as OptInt
from intake_gui.pos.tolerant_values import OptNum as OptNum
from intake_gui.pos.tolerant_values import Text as Text
from intake_gui.pos.tolerant_values import When as When
from intake_gui.pos.tolerant_values import blank as _blank
from intake_gui.pos.tolerant_values import to_count as to_count
from intake_gui.pos.tolerant_values import to_decimal as to_decimal
from intake_gui.pos.tolerant_values import to_flag as to_flag
from intake_gui.pos.tolerant_values import to_int as to_int
from intake_gui.pos.tolerant_values import to_text as to_text

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
    pairs: list[tuple[str, str]] = []
    renamed: list[tuple[str, str]] = []
    missing: list[str] = []
    guesses: list[tuple[str, tuple[str, ...]]] = []
    for name, wanted in spec.names.items():
        found = next(
            (by_norm[n] for n in wanted if n in by_norm and by_norm[n] not in claimed), None
        )
        if found is None:
            missing.append(name)
            continue
        claimed.add(found)
        pairs.append((name, found))
        if found != spec.canonical[name]:
            renamed.append((name, found))
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
                found: list[Any] = data[key]
                return found
        lists = [k for k, v in data.items() if isinstance(v, list)]
        if len(lists) == 1:
            report.shape = f"the '{lists[0]}' list of an object"
            only: list[Any] = data[lists[0]]
            return only
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
    spec = _spec(model)
    context: dict[str, Any] = {"report": report, "model": model, "canonical": spec.canonical}
    try:
        return _essentials_present(model.model_validate(raw, context=context), report)
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False)
    spec = _spec(model)
    bad = {_field_at(model, err["loc"]) for err in errors}
    # None is an error on the whole row; the key keeps it sortable beside field names (it goes first)
    essential = sorted((n for n in bad if n is None or n in spec.required), key=_none_first)
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
    for field_name in essential or sorted(n for n in bad if n):
        report.skipped_for[
            spec.canonical.get(field_name, field_name) if field_name else "(row)"
        ] += 1
    return None


def _essentials_present(row: M, report: ReadReport) -> M | None:
    for group in row.__essential_any__:
        if not any(getattr(row, name) not in (None, "") for name in group):
            spec = _spec(type(row))
            report.skipped += 1
            report.skipped_for[" or ".join(spec.canonical[n] for n in group)] += 1
            return None
    return row


def _none_first(name: str | None) -> tuple[bool, str]:
    return (name is not None, name or "")


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
