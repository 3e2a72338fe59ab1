"""What `intake doctor` found, as data (JSON) and as the text IT attaches to a support ticket.

Kept apart from the probe (`services.doctor`) so the CLI, the Settings dialog's Test connection and the
tests share one report and one wording.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from intake_gui.pos.tolerant import ReadReport


class State(StrEnum):
    OK = "ok"
    WARN = "warn"
    """Works, with a difference worth knowing (a field under another name, blank optional values)."""
    FAIL = "fail"
    """Cannot work: a read failed or an essential field is missing."""
    UNTESTED = "untested"
    """Nothing to try it on (no receive in the window for the packages read) or not offered by the POS."""


SYMBOL = {State.OK: "✔", State.WARN: "!", State.FAIL: "✖", State.UNTESTED: "·"}


@dataclass
class HttpSeen:
    """Everything the HTTP layer saw for one path (every attempt, retries included)."""

    statuses: Counter[int] = field(default_factory=Counter)
    retry_after: list[str] = field(default_factory=list)
    limit_headers: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "retry_after": self.retry_after,
            "rate_limit_headers": self.limit_headers,
        }


@dataclass
class Probe:
    """One read Intake uses, tried once."""

    name: str
    ok: bool = False
    error: str = ""
    """The POS's or Intake's words when the read failed (never a secret: PosError messages are scrubbed)."""
    error_kind: str = ""
    rows: int | None = None
    note: str = ""
    report: ReadReport | None = None
    endpoints: list[str] = field(default_factory=list)
    flaky: list[str] = field(default_factory=list)
    """Failed attempts before the one that counted (the POS's words), e.g. a 500 on one read in five."""

    @property
    def essential_missing(self) -> list[str]:
        return list(self.report.skipped_for) if self.report is not None else []

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ok": self.ok,
            "error": self.error,
            "error_kind": self.error_kind,
            "rows": self.rows,
            "note": self.note,
            "endpoints": self.endpoints,
            "flaky": self.flaky,
            "essential_missing": self.essential_missing,
            "fields": self.report.to_dict() if self.report is not None else None,
        }


@dataclass
class Verdict:
    capability: str
    state: State
    words: str

    def to_dict(self) -> dict[str, Any]:
        return {"capability": self.capability, "state": self.state.value, "words": self.words}


@dataclass
class DoctorReport:
    pos: str
    base_url: str
    user: str = ""
    started_at: str = ""
    location: str = ""
    store_time: str = ""
    probes: list[Probe] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    http: dict[str, HttpSeen] = field(default_factory=dict)
    fatal: str = ""
    """Why the probe stopped early (login refused, POS unreachable), or ""."""

    @property
    def essential_missing(self) -> list[str]:
        """ "endpoint: Field" for every essential field some rows lacked."""
        out = []
        for probe in self.probes:
            if probe.report is None:
                continue
            for name in probe.report.skipped_for:
                out.append(f"{probe.report.endpoint or probe.name}: {name}")
        return out

    @property
    def ok(self) -> bool:
        """Nothing essential missing and nothing a capability needs failing."""
        return (
            not self.fatal
            and not self.essential_missing
            and not any(v.state is State.FAIL for v in self.verdicts)
        )

    def probe(self, name: str) -> Probe | None:
        return next((p for p in self.probes if p.name == name), None)

    def differences(self) -> list[str]:
        """Every way this tenant differs from what Intake expects, one sentence each."""
        out = []
        for probe in self.probes:
            if probe.report is None:
                continue
            where = probe.report.endpoint or probe.name
            out += [f"{where}: {finding}" for finding in probe.report.findings()]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "pos": self.pos,
            "base_url": self.base_url,
            "user": self.user,
            "started_at": self.started_at,
            "location": self.location,
            "store_time": self.store_time,
            "fatal": self.fatal,
            "essential_missing": self.essential_missing,
            "verdicts": [v.to_dict() for v in self.verdicts],
            "differences": self.differences(),
            "probes": [p.to_dict() for p in self.probes],
            "http": {path: seen.to_dict() for path, seen in sorted(self.http.items())},
            "rate_limits": self.rate_limit_words(),
        }

    def rate_limit_words(self) -> list[str]:
        out = []
        for path, seen in sorted(self.http.items()):
            limited = seen.statuses.get(429, 0)
            if limited:
                waits = ", ".join(seen.retry_after) or "no Retry-After"
                out.append(
                    f"{path}: {limited} rate-limit answer(s) (HTTP 429), Retry-After {waits}"
                )
            if seen.limit_headers:
                shown = ", ".join(f"{k}: {v}" for k, v in sorted(seen.limit_headers.items()))
                out.append(f"{path}: {shown}")
        return out

    def text(self) -> str:
        lines = [
            f"Intake doctor — {self.pos} at {self.base_url}"
            + (f" as {self.user}" if self.user else "")
            + (f", {self.started_at}" if self.started_at else ""),
            "Read-only: nothing was written to the POS.",
        ]
        if self.location:
            lines.append(f"Location: {self.location}")
        if self.store_time:
            lines.append(f"Store time: {self.store_time}")
        if self.fatal:
            lines += ["", f"Stopped: {self.fatal}"]
        if self.verdicts:
            lines += ["", "What Intake can do here"]
            width = max(len(v.capability) for v in self.verdicts)
            for v in self.verdicts:
                lines.append(f"  {SYMBOL[v.state]} {v.capability:<{width}}  {v.words}")
        if self.probes:
            lines += ["", "Reads"]
            for p in self.probes:
                lines.append("  " + _probe_line(p, self.http))
                if p.report is not None:
                    formats = _formats(p.report)
                    if formats:
                        lines.append(f"      dates: {formats}")
        differences = self.differences()
        lines += ["", "Differences from what Intake expects"]
        lines += [f"  - {d}" for d in differences] or ["  none"]
        lines += ["", "Rate limits"]
        lines += [f"  - {r}" for r in self.rate_limit_words()] or ["  no rate-limit answers seen"]
        lines.append("")
        if self.ok:
            lines.append("Result: OK. Everything Intake needs is there (exit 0).")
        else:
            problems = self.essential_missing or [
                f"{v.capability}: {v.words}" for v in self.verdicts if v.state is State.FAIL
            ]
            if self.fatal:
                problems = [self.fatal, *problems]
            lines.append("Result: PROBLEM (exit 1). " + "; ".join(problems))
        return "\n".join(lines)


def _probe_line(p: Probe, http: dict[str, HttpSeen]) -> str:
    statuses = []
    for path in p.endpoints:
        seen = http.get(path)
        if seen is not None:
            codes = ", ".join(
                f"{code}×{n}" if n > 1 else str(code) for code, n in sorted(seen.statuses.items())
            )
            statuses.append(f"{path} HTTP {codes}")
    where = "; ".join(statuses) or ", ".join(p.endpoints) or "-"
    state = State.OK
    if p.ok:
        what = f"{p.rows} rows" if p.rows is not None else "ok"
        if p.report is not None and p.report.fields_seen:
            what += f", {len(p.report.fields_seen)} fields present"
        if p.report is not None and p.report.skipped:
            what += f", {p.report.skipped} skipped"
    elif p.error_kind == "NotSupported":
        state, what = State.UNTESTED, f"not offered by this POS: {p.error}"
    elif not p.error:
        state, what = State.UNTESTED, "not tried"
    else:
        state, what = State.FAIL, f"FAILED: {p.error}"
    note = f" ({p.note})" if p.note else ""
    if p.flaky:
        note += f" [after {len(p.flaky)} failed attempt(s): {p.flaky[-1]}]"
    return f"{SYMBOL[state]} {p.name:<10} {what}{note} — {where}"


def _formats(report: ReadReport) -> str:
    parts = []
    for name, formats in sorted(report.date_formats.items()):
        shown = ", ".join(f"{label} ({n})" for label, n in formats.most_common())
        parts.append(f"{name}: {shown}")
    return "; ".join(parts)
