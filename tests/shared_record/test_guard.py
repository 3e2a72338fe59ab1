"""The duplicate-delivery guard across stations, against one sandbox and one real PostgreSQL."""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime, timedelta

from intake_gui.domain.delivery import DuplicateCheck, PriorReceive
from intake_gui.services.shared_record import SharedDeliveryGuard, shared_delivery_guard


def _delivered(ctx) -> None:  # type: ignore[no-untyped-def]
    ctx.writer.flush()
    assert ctx.shared.sender.flush(20), ctx.shared.status()


def test_the_second_station_is_told_who_received_it(open_station, receive, record) -> None:  # type: ignore[no-untyped-def]
    first = open_station("Receiving-1", record.station)
    second = open_station("Receiving-2", record.station2)
    _draft, result = receive(first, "Manifest INV-88231")
    _delivered(first)

    again, _ = receive(second, "manifest inv 88231", submit=False)  # same paper, typed differently
    check = shared_delivery_guard(second).check(again)
    assert check.found and not check.not_checked
    (prior,) = check.priors
    assert (prior.station, prior.clerk, prior.receipt_id) == (
        "Receiving-1",
        first.clerk,
        result.receipt_id,
    )
    assert prior.matched_on == "reference" and prior.state == "verified"
    assert prior.token == _draft.token and prior.title == "Manifest INV-88231"
    sentence = prior.sentence(again.location.timezone)
    assert sentence.startswith("“Manifest INV-88231” was received on ")
    assert " at station Receiving-1 " in sentence
    assert f"by {first.clerk} — receipt {result.receipt_id}" in sentence


def test_without_a_number_the_same_lines_recently(open_station, receive, record) -> None:  # type: ignore[no-untyped-def]
    first = open_station("Receiving-1", record.station)
    second = open_station("Receiving-2", record.station2)
    receive(first, "Palomino morning drop", count=3, first=10)
    _delivered(first)
    same, _ = receive(second, "palomino drop", count=3, first=10, submit=False)
    other, _ = receive(second, "palomino drop", count=2, first=10, submit=False)
    found = shared_delivery_guard(second).check(same)
    assert [(p.station, p.matched_on) for p in found.priors] == [("Receiving-1", "lines")]
    assert not shared_delivery_guard(second).check(other).found
    # Two days later the same lines are a new delivery (the earlier one certainly landed).
    later = SharedDeliveryGuard(second.shared, clock=lambda: datetime.now(UTC) + timedelta(days=2))
    assert not later.check(same).found


def test_a_draft_never_sent_is_not_a_receive(open_station, receive, record) -> None:  # type: ignore[no-untyped-def]
    first = open_station("Receiving-1", record.station)
    second = open_station("Receiving-2", record.station2)
    receive(first, "INV-4410 counting", submit=False)
    _delivered(first)
    draft, _ = receive(second, "INV-4410", submit=False)
    assert not shared_delivery_guard(second).check(draft).found
    # and a station never warns about its own draft
    own, _ = receive(second, "INV-4411")
    _delivered(second)
    assert not shared_delivery_guard(second).check(own).found


def test_an_unreachable_record_lets_submit_go_ahead_and_says_so(
    open_station, receive, record
) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    url = f"postgresql://{record.station2.user}@127.0.0.1:{closed_port}/{record.database}"
    station = open_station("Receiving-3", record.station2, url=url)
    draft, _ = receive(station, "INV-9001", submit=False)
    started = time.monotonic()
    check = shared_delivery_guard(station).check(draft)
    assert time.monotonic() - started < 8
    assert not check.found
    assert check.not_checked == (
        "Other stations could not be checked for this delivery: the shared record could not be "
        "reached.",
    )


def test_one_warning_from_both_sources() -> None:
    """The journal's own check and the shared record's merge into one list, each earlier receive once."""
    at = datetime(2026, 12, 1, 17, 42, tzinfo=UTC)
    local = PriorReceive("journal", "Receiving-2", "Ana", at, None, "d1", "submitting", "reference")
    shared = PriorReceive(
        "shared_record", "Receiving-2", "Ana", at, 1379127, "d1", "verified", "reference"
    )
    other = PriorReceive(
        "shared_record",
        "Receiving-1",
        "Bo",
        at.replace(hour=15),
        1379120,
        "d0",
        "verified",
        "lines",
    )
    merged = DuplicateCheck((local,)).merged(DuplicateCheck((shared, other), not_checked=("x",)))
    # The station's own journal knows its draft best; the shared record's copy of it is not shown twice.
    assert [(p.draft_id, p.source) for p in merged.priors] == [
        ("d0", "shared_record"),
        ("d1", "journal"),
    ]
    assert merged.not_checked == ("x",)
    assert "at station Receiving-1" in merged.priors[0].sentence("America/Phoenix")
