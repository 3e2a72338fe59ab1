"""What one tolerant read found: `ReadReport`, the rows it came with, and where reports go.

Why apart from the reader: the doctor, the verification and the log consume reports without caring how a
row was read; `collect_reports()` hands them every report made inside a block (a context variable, so a
worker thread collects only its own reads), and each finding is logged once per endpoint and field name,
never with a value.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("intake_gui.pos.tolerant")


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
            "present": sorted(self.fields_seen),
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
