"""The `intake` CLI against the embedded sandbox it starts itself: the course's final assessment, end to end."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from intake_gui.cli import EXIT_NOT_FOUND, EXIT_NOT_GREEN, EXIT_OK, EXIT_REFUSED, EXIT_USAGE, main
from tests.cli.conftest import receive_args

TOMMY = "3B4791"


def run(capsys, *argv):
    code = main(["--json", *argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def second_product(capsys):
    code, products, _ = run(
        capsys, "products", "--loc", "1989", "--search", "blue dream", "--limit", "1"
    )
    assert code == EXIT_OK
    return products[0]["sku"]


def test_final_assessment_all_green(capsys):
    code, locations, err = run(capsys, "locations")
    assert code == EXIT_OK and len(locations) >= 18
    assert "SANDBOX" in err
    other = second_product(capsys)
    code, result, err = run(
        capsys,
        *receive_args("Final assessment", f"{TOMMY}=3", f"{other}=3"),
    )
    assert code == EXIT_OK, err
    assert result["all_green"] is True
    assert {k: v["state"] for k, v in result["lights"].items()} == {
        "packages": "green",
        "history": "green",
        "sellable": "green",
    }
    receipt = result["receipt_id"]
    code, again, _ = run(capsys, "verify", "--loc", "1989", "--receipt", str(receipt))
    assert code == EXIT_OK and again["all_green"]
    since = (date.today() - timedelta(days=3)).isoformat()
    code, rows, _ = run(capsys, "history", "--loc", "1989", "--since", since)
    assert code == EXIT_OK
    mine = [r for r in rows if r["receipt_id"] == receipt]
    assert mine and mine[0]["clerk"] == "trainer" and mine[0]["verification"] == "all green"


def test_non_sellable_room_packages_and_history_green_sellable_not(capsys):
    other = second_product(capsys)
    code, _, err = run(
        capsys,
        *receive_args("Into the vault", f"{TOMMY}=3", f"{other}=3", room="24773"),
    )
    assert code == EXIT_USAGE and "not sellable" in err
    code, result, _ = run(
        capsys,
        *receive_args("Into the vault", f"{TOMMY}=3", f"{other}=3", room="24773"),
        "--allow-non-sellable",
        "--verify-timeout",
        "0",
    )
    assert code == EXIT_NOT_GREEN
    states = {k: v["state"] for k, v in result["lights"].items()}
    assert states == {"packages": "green", "history": "green", "sellable": "red"}
    assert (
        "Vault"
        in result["lights"]["sellable"]["headline"] + result["lights"]["sellable"]["what_happened"]
    )


def test_location_without_rooms_is_refused_with_the_course_explanation(capsys):
    code, rooms, _ = run(capsys, "rooms", "--loc", "2862")
    assert code == EXIT_OK and rooms == []
    code, _, err = run(
        capsys,
        *receive_args("t", f"{TOMMY}=1", loc="2862", vendor="1", room="1"),
    )
    assert code == EXIT_REFUSED
    assert "no rooms" in err.lower() or "has no room" in err.lower(), err


@pytest.mark.parametrize(
    "line, reason, message",
    [
        (f"{TOMMY}=0", "not_positive", "greater than zero"),
        (f"{TOMMY}=-2", "not_positive", "minus sign"),
        (f"{TOMMY}=lots", "not_a_number", "not a quantity"),
        (f"{TOMMY}=nan", "not_a_number", "not a quantity"),
        (f"{TOMMY}=1e9", "not_a_number", "not a quantity"),
        (f"{TOMMY}=1000000", "too_large", "more than 100000"),
        (f"{TOMMY}=1,5", "decimal_mark", "Did you mean 1.5?"),
        (f"{TOMMY}=1,500", "ambiguous", "1500 or 1.5"),
        ("=3", "line_form", "SKU=QTY"),
        (f"{TOMMY}=3@-1", "not_positive", "minus sign"),
    ],
)
def test_bad_quantities_get_a_clear_message_and_nothing_is_sent(capsys, line, reason, message):
    code, result, err = run(
        capsys,
        "--decimal-mark",
        "point",
        *receive_args("t", line),
    )
    assert code == EXIT_USAGE
    assert message in err and message in result["message"]
    assert result["error"] == "invalid_input"
    assert [r["code"] for r in result["refusals"]] == [reason]
    assert "Traceback" not in err and "pydantic" not in err
    assert "SANDBOX" not in err, "refused before a context (login, reads) was opened"


def test_unknown_product_and_vendor(capsys):
    code, _, err = run(
        capsys,
        *receive_args("t", "NOSUCHSKU=1"),
    )
    assert code == EXIT_NOT_FOUND and "NOSUCHSKU" in err
    code, _, err = run(
        capsys,
        *receive_args("t", f"{TOMMY}=1", vendor="1"),
    )
    assert code == EXIT_NOT_FOUND and "vendor" in err
