"""`intake doctor`: a read-only probe of a tenant, and a verdict for each thing Intake does there.

Why: against a POS nobody here has seen, the first question is "what does this tenant send, and can
Intake work with it?". The doctor answers it before the first delivery: it performs every read Intake
uses once (login, locations, rooms, vendors, products, sellable stock, 90 days of receive history, the
packages of the newest receive, a room's count), watches the HTTP answers (statuses, rate-limit answers),
collects the tolerant reader's reports (`pos.tolerant.collect_reports`: fields missing, read under another
name, date formats, rows skipped), and turns that into a verdict per capability. It never writes: the
receive capability is judged from the reads a receive needs, never by sending one.

The same `DoctorReport` is printed by `intake doctor`, returned as JSON with `--json`, and shown by the
Settings dialog's Test connection (`ui.doctor_view`).
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

import httpx

from intake_gui.domain.date_windows import merge_rows, split_range
from intake_gui.domain.models import HistoryRow, Location, Room
from intake_gui.domain.store_time import to_store_local
from intake_gui.pos.base import PosConnector, RoomCounts, capability
from intake_gui.pos.errors import NotSupported, PosError
from intake_gui.pos.registry import driver_for, registry
from intake_gui.pos.tolerant import ReadReport, collect_reports, norm
from intake_gui.services.doctor_report import DoctorReport, HttpSeen, Probe, State, Verdict

log = logging.getLogger(__name__)

T = TypeVar("T")
StepFn = Callable[[str], None]
"""Told the name of each read as it starts (the GUI shows it; the CLI prints it to stderr)."""

HISTORY_DAYS = 90
HISTORY_WINDOW_DAYS = 30
"""History is read in windows of this many days, each tried on its own (the POS limits a range anyway)."""
ATTEMPTS = 3
"""Tries per read: a retryable failure (5xx, rate limit, network) is reported, then tried again."""
MAX_RETRY_WAIT_S = 10.0
sleep: Callable[[float], None] = time.sleep
_LIMIT_HEADERS = ("ratelimit", "rate-limit", "x-ratelimit", "x-rate-limit")


def run_doctor(
    connector: PosConnector,
    *,
    pos: str,
    base_url: str,
    location_id: int | None = None,
    days: int = HISTORY_DAYS,
    now: datetime | None = None,
    on_step: StepFn | None = None,
) -> DoctorReport:
    """Probe `connector`'s tenant read by read; never raises for what the POS does (it is reported)."""
    now = now or datetime.now(UTC)
    report = DoctorReport(pos=pos, base_url=base_url, started_at=f"{now:%Y-%m-%d %H:%M} UTC")
    _observe_http(connector, report)
    step = on_step or (lambda _name: None)

    step("login")
    _probe(report, "login", connector.login)
    login = report.probes[-1]
    if not login.ok:
        report.fatal = f"login failed: {login.error}"
        report.verdicts.append(Verdict("login", State.FAIL, login.error))
        return report
    report.user = connector.user_name

    step("locations")
    locations: list[Location] = _probe(report, "locations", connector.locations, default=[])
    location = _pick(locations, location_id)
    if location is None:
        wanted = f"location {location_id}" if location_id is not None else "any location"
        report.fatal = f"this login sees no {wanted}"
        _verdicts(report, connector, None)
        return report
    report.location = f"{location.name} ({location.loc_id}), {location.state or 'state unknown'}"
    report.store_time = location.zone_words

    step("rooms")
    rooms: list[Room] = _probe(report, "rooms", lambda: connector.rooms(location), default=[])
    step("vendors")
    _probe(report, "vendors", lambda: connector.vendors(location), default=[])
    step("products")
    _probe(report, "products", lambda: connector.products(location), default=[])
    step("sellable")
    sellable = _probe(
        report, "sellable", lambda: connector.sellable_inventory(location), default=[]
    )

    step("history")
    end = to_store_local(now, location.timezone)
    start = end - timedelta(days=days)
    windows = split_range(start, end, HISTORY_WINDOW_DAYS)
    history: list[HistoryRow] = _probe(
        report,
        "history",
        [partial(connector.receipt_history, location, ws, we) for ws, we in windows],
        default=[],
    )
    history = merge_rows(history)  # windows may share an edge row when a POS's EndDate is inclusive
    if report.probes[-1].ok:
        report.probes[-1].rows = len(history)
    step("packages")
    newest = max(history, key=lambda r: r.sort_key, default=None)
    if newest is not None:
        _probe(
            report,
            "packages",
            lambda: connector.packages_for_receipt(location, newest.receipt_id),
            default=[],
        )
        report.probes[-1].note = f"of receipt {newest.receipt_id}"
    else:
        history_probe = report.probes[-1]
        why = (
            "receive history is not offered by this POS"
            if history_probe.error_kind == "NotSupported"
            else f"no receive in the last {days} days to read the packages of"
        )
        report.probes.append(Probe("packages", note=why))

    step("count")
    # drivers helper: a count read is a capability the POS's driver declares, not a method name to probe.
    declared = driver_for(pos).capabilities if pos in registry else ()
    counts = capability(connector, declared, RoomCounts)  # type: ignore[type-abstract]  # a Protocol as a key: mypy#4717
    room = next((r for r in rooms if r.sellable), rooms[0] if rooms else None)
    if counts is not None and room is not None:
        counter = counts.room_quantities
        options = _small_count(counter, sellable)
        _probe(report, "count", lambda: counter(location, room, **options), default=[])
    _verdicts(report, connector, location)
    return report


def _small_count(counter: Callable[..., Any], sellable: list[Any]) -> dict[str, Any]:
    """Keyword arguments that keep the count probe to a few reads: a whole-room count may cost one read
    per product (IndicaOnline's package detail), which at 60 a minute is an hour for a big store."""
    params = inspect.signature(counter).parameters
    options: dict[str, Any] = {}
    if "product_ids" in params:
        options["product_ids"] = [i.product_id for i in sellable[:3] if i.product_id is not None]
    if "labels" in params:
        options["labels"] = False
    return options


def _pick(locations: list[Location], wanted: int | None) -> Location | None:
    if wanted is not None:
        return next((loc for loc in locations if loc.loc_id == wanted), None)
    return locations[0] if locations else None


def _probe(
    report: DoctorReport,
    name: str,
    read: Callable[[], T] | list[Callable[[], list[Any]]],
    default: Any = None,
) -> Any:
    """Run one read, recording its rows, the tolerant reader's reports and any error.

    `read` may be a list of parts (history's windows): each part is tried on its own, so one flaky answer
    costs one part again, not the whole read, and the parts' rows are joined."""
    probe = Probe(name)
    report.probes.append(probe)
    before = set(report.http)
    parts = read if isinstance(read, list) else [read]
    results: list[Any] = []
    with collect_reports() as reports:
        for part in parts:
            done, value = _attempt(part, probe, reports)
            if not done:
                break
            results.append(value)
        else:
            probe.ok = True
            probe.error = probe.error_kind = ""
    result = default
    if probe.ok:
        result = results[0] if not isinstance(read, list) else [r for rows in results for r in rows]
        if isinstance(result, list):
            probe.rows = len(result)
    if reports:
        merged = ReadReport(reports[0].endpoint)
        for r in reports:
            merged.merge(r)
        probe.report = merged
        probe.endpoints = list(dict.fromkeys(r.endpoint for r in reports if r.endpoint))
    new_paths = [p for p in report.http if p not in before]
    probe.endpoints = list(dict.fromkeys([*probe.endpoints, *new_paths]))
    return result


def _attempt(read: Callable[[], Any], probe: Probe, reports: list[ReadReport]) -> tuple[bool, Any]:
    """(True, value) once `read` succeeds; (False, None) with `probe.error` set when it cannot."""
    for attempt in range(1, ATTEMPTS + 1):
        mark = len(reports)
        try:
            return True, read()
        except NotSupported as exc:
            probe.error, probe.error_kind = exc.message, "NotSupported"
            return False, None
        except PosError as exc:
            probe.error, probe.error_kind = exc.message, type(exc).__name__
            if exc.detail:
                log.info("doctor %s: %s", probe.name, exc.detail)
            unusable = [r for r in reports[mark:] if r.rows and not r.read]
            if unusable:  # rows came and none was readable: the same answer again would not help
                fields = ", ".join(dict.fromkeys(f for r in unusable for f in r.skipped_for))
                probe.error = f"no row had what Intake cannot do without: {fields}"
                return False, None
            if not exc.retryable or attempt == ATTEMPTS:
                return False, None
            # A moody POS (one read in five a 500, a tight rate window) is worth knowing about, not a
            # verdict: say it happened and try again, as Intake's own reads would.
            probe.flaky.append(f"attempt {attempt}: {exc.message}")
            del reports[mark:]
            sleep(min(float(getattr(exc, "retry_after", 1.0) or 1.0), MAX_RETRY_WAIT_S))
        except Exception as exc:  # a bug in a reader must not hide the rest of the report
            log.exception("doctor %s failed", probe.name)
            probe.error, probe.error_kind = f"unexpected {type(exc).__name__}", "internal"
            return False, None
    return False, None


def _observe_http(connector: PosConnector, report: DoctorReport) -> None:
    """Record status and rate-limit headers of every HTTP answer, retries included.

    Through httpx's response hook on the connector's client (`_client`: every connector here has one).
    A connector without one still gets a full report, only without HTTP statuses."""
    client = getattr(connector, "_client", None)
    if not isinstance(client, httpx.Client):
        return

    def seen(response: httpx.Response) -> None:
        path = response.request.url.path
        base = client.base_url.path
        key = path[len(base) :] if path.startswith(base) else path
        entry = report.http.setdefault(key, HttpSeen())
        entry.statuses[response.status_code] += 1
        retry = response.headers.get("Retry-After")
        if retry is not None and response.status_code in (429, 503):
            entry.retry_after.append(retry)
        for header, value in response.headers.items():
            if header.lower().startswith(_LIMIT_HEADERS):
                entry.limit_headers[header] = value

    hooks = client.event_hooks
    hooks["response"] = [*hooks.get("response", []), seen]
    client.event_hooks = hooks


# ---------------------------------------------------------------- verdicts

DATE_NAMES = {"receiveddate", "purchaseddate", "receivedate"}
IMPORTANT_OPTIONAL = {
    "rooms": {"posroom", "inventoryroom", "type"},
    "history": {"receiveddate", "purchaseddate", "products", "ordertitle", "ponumber"},
    "packages": {"roomid", "roomname"},
    "sellable": {"roomid", "roomname"},
}
"""Optional fields whose absence weakens a capability (the sellable check reads rooms off packages);
other missing optional fields are listed as differences without downgrading a verdict."""


def _notable(probe: str, report: ReadReport | None) -> list[str]:
    if report is None:
        return []
    important = IMPORTANT_OPTIONAL.get(probe, set())
    # A field under a known alias or in another casing is read for certain: a difference, not a doubt.
    out = [f"{name} read from '{key}' (a guess)" for name, key in report.guessed.items()]
    out += [f"{name} unreadable in {n} rows" for name, n in report.unreadable.items()]
    out += [
        f"{name} not sent ({n} of {report.rows} rows)"
        for name, n in report.missing.items()
        if norm(name) in important
    ]
    return out


def _verdicts(report: DoctorReport, connector: PosConnector, location: Location | None) -> None:
    caps = connector.capabilities
    out = report.verdicts

    def probe_state(*names: str) -> tuple[State, str]:
        worst, words = State.OK, []
        for name in names:
            p = report.probe(name)
            if p is None:
                return State.FAIL, f"{name} was not read"
            if p.essential_missing:
                return State.FAIL, f"{name}: rows without {', '.join(p.essential_missing)}"
            if not p.ok:
                if p.error_kind == "NotSupported":
                    return State.UNTESTED, p.error
                if not p.error and p.note:
                    return State.UNTESTED, p.note
                return State.FAIL, f"{name} read failed: {p.error}"
            if p.essential_missing:
                return State.FAIL, f"{name}: rows without {', '.join(p.essential_missing)}"
            notable = _notable(name, p.report)
            if notable:
                worst = State.WARN
                words.append(f"{name}: {notable[0]}")
        return worst, "; ".join(words)

    if location is None:
        out.append(Verdict("receive", State.FAIL, report.fatal))
        return
    if caps.receive:
        state, words = probe_state("locations", "vendors", "rooms", "products")
        rooms = report.probe("rooms")
        if state is not State.FAIL and rooms is not None and rooms.rows == 0:
            state, words = State.FAIL, "the location has no rooms to receive into"
        out.append(
            Verdict("receive", state, words or "every read a receive needs works (not sent)")
        )
    else:
        out.append(
            Verdict("receive", State.UNTESTED, caps.receive_hint or "not offered by this POS")
        )
    for light, names, enabled in (
        ("packages light", ("packages",), caps.verify_packages),
        ("history light", ("history",), caps.verify_history),
        ("sellable light", ("sellable", "rooms"), caps.verify_sellable),
    ):
        if not enabled:
            out.append(Verdict(light, State.UNTESTED, "not offered by this POS"))
            continue
        state, words = probe_state(*names)
        out.append(Verdict(light, state, words or "works"))
    history = report.probe("history")
    if history is not None and history.ok and caps.verify_history:
        state, words = probe_state("history")
        dates = history.report.date_formats if history.report is not None else {}
        missing_dates = history.report.missing if history.report is not None else {}
        if history.rows and not dates:
            state = State.WARN if state is State.OK else state
            words = "no readable receive date: History lists receives without their time"
        elif any(norm(name) in DATE_NAMES for name in missing_dates):
            state = State.WARN if state is State.OK else state
            words = words or "some receives have no readable date (shown as 'date unknown')"
        out.append(Verdict("history", state, words or f"{history.rows} receives in the window"))
    if caps.count:
        names = ("count",) if report.probe("count") is not None else ("sellable",)
        state, words = probe_state(*names)
        out.append(Verdict("count", state, words or "works"))


def probe_settings(settings: Any, on_step: StepFn | None = None, **open_kw: Any) -> DoctorReport:
    """The doctor for a station's settings (the tenant, POS and transport they name), with the password
    from the keyring; the Settings dialog's Test connection runs this on a worker thread.

    Never raises for what the tenant or the station lacks: no stored password, a refused login or an
    unusable address become the report's `fatal` sentence."""
    from intake_gui.services.context import CredentialsNeeded, open_context

    base = settings.api_base or "the built-in training sandbox"
    try:
        ctx = open_context(settings=settings, login=False, remember=False, **open_kw)
    except CredentialsNeeded as need:
        report = DoctorReport(pos=settings.pos_kind, base_url=need.api_base)
        who = f" for {need.username}" if need.username else ""
        report.fatal = f"no password is stored{who}: sign in once, then test again"
        return report
    except (PosError, ValueError) as exc:
        report = DoctorReport(pos=settings.pos_kind, base_url=base)
        report.fatal = exc.message if isinstance(exc, PosError) else str(exc)
        return report
    try:
        return run_doctor(
            ctx.connector, pos=ctx.settings.pos_kind, base_url=ctx.api_base, on_step=on_step
        )
    finally:
        ctx.close()
