"""What an operator scripting `intake` relies on: options anywhere, days in words, CSV on stdout, JSON always."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from datetime import date

import pytest

from intake_gui.cli import main
from intake_gui.cli.app import build_parser
from intake_gui.cli.dates import DayWords, day_words, join_negative_days
from tests.cli.conftest import receive_args

TOMMY = "3B4791"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "argv",
    [
        ["--json", "--pos", "blaze", "--api-base", "https://t.example/api/", "locations"],
        ["locations", "--json", "--pos", "blaze", "--api-base", "https://t.example/api/"],
        ["--json", "locations", "--pos", "blaze", "--api-base=https://t.example/api/"],
        [
            "--pos",
            "indica",
            "locations",
            "--pos",
            "blaze",
            "--json",
            "--api-base",
            "https://t.example/api/",
        ],
    ],
)
def test_common_options_before_or_after_the_command(argv):
    args = build_parser().parse_args(argv)
    assert (args.json, args.pos, args.api_base) == (True, "blaze", "https://t.example/api/")


def test_common_options_reach_every_command_and_default_when_absent():
    parser = build_parser()
    for command in ("vendors --loc 1", "history --loc 1 --since today", "recover", "sandbox"):
        args = parser.parse_args([*command.split(), "--json", "--decimal-mark", "comma"])
        assert args.json and args.decimal_mark == "comma"
    args = parser.parse_args(["locations"])
    assert (args.json, args.pos, args.api_base, args.decimal_mark) == (False, None, None, None)


def test_locations_json_after_the_command_runs(capsys):
    code, out, err = run(capsys, "locations", "--json")
    assert code == 0 and len(json.loads(out)) >= 18 and "SANDBOX" in err


def test_a_usage_error_is_one_json_object_even_before_parsing_succeeds(capsys):
    for argv in (["--json"], ["locations", "--bogus", "--json"], ["--json", "vendors"]):
        code, out, err = run(capsys, *argv)
        assert code == 2
        assert json.loads(out)["error"] == "usage"
        assert "usage:" not in err, "no argparse dump: one sentence"
    code, out, err = run(capsys, "vendors")
    assert code == 2 and out == "" and err.startswith("intake: ")


def test_day_words_are_store_local_days():
    today = date(2026, 3, 31)
    assert day_words("today").on(today) == today
    assert day_words("Yesterday").on(today) == date(2026, 3, 30)
    assert day_words("-7d").on(today) == date(2026, 3, 24)
    assert day_words("-2w").on(today) == date(2026, 3, 17)
    assert day_words("2026-01-02") == DayWords("2026-01-02", day=date(2026, 1, 2))
    for bad in ("tomorrow", "-7", "7d", "2026-13-01", "-99999d", "\udcff"):
        with pytest.raises(Exception) as info:
            day_words(bad)
        assert "day" in str(info.value) or "days back" in str(info.value)
    assert join_negative_days(["history", "--since", "-7d", "--until", "-1d"]) == [
        "history",
        "--since=-7d",
        "--until=-1d",
    ]
    assert join_negative_days(["receive", "--title", "-7d"]) == ["receive", "--title", "-7d"]


def test_history_since_words_and_csv_streamed_to_stdout(capsys, monkeypatch):
    def no_temp_files(*a, **kw):
        raise AssertionError("--csv - must stream, not go through a temporary file")

    monkeypatch.setattr(tempfile, "TemporaryDirectory", no_temp_files)
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", no_temp_files)
    code, out, err = run(capsys, "history", "--loc", "1989", "--since", "-30d", "--csv", "-")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and rows[0]["timezone"] == "America/Phoenix"
    code, out, _ = run(capsys, "history", "--loc", "1989", "--since", "yesterday", "--json")
    assert code == 0 and isinstance(json.loads(out), list)
    code, out, _ = run(
        capsys, "history", "--loc", "1989", "--since", "-1d", "--until", "-3d", "--json"
    )
    assert code == 2 and "before --since" in json.loads(out)["message"]
    code, out, _ = run(
        capsys, "history", "--loc", "1989", "--since", "today", "--csv", "-", "--json"
    )
    assert code == 2 and json.loads(out)["error"] == "usage"


def test_history_csv_to_a_file_says_so_in_json(capsys, tmp_path):
    target = tmp_path / "h.csv"
    code, out, _ = run(
        capsys, "--json", "history", "--loc", "1989", "--since", "-30d", "--csv", str(target)
    )
    assert code == 0
    summary = json.loads(out)
    assert (
        summary["csv"] == str(target)
        and summary["rows"] == len(target.read_text().splitlines()) - 1
    )


def test_bad_receive_input_is_refused_before_any_context_and_lists_every_problem(capsys):
    code, out, err = run(
        capsys,
        "receive",
        "--json",
        "--loc",
        "1989",
        "--vendor",
        "39195",
        "--room",
        "24772",
        "--title",
        "INV\x1b[31m",
        "--note",
        "n" * 501,
        "--line",
        f"{TOMMY}=1,500",
        "--line",
        f"{TOMMY}=2@12,50",
    )
    result = json.loads(out)
    assert code == 2 and result["error"] == "invalid_input"
    assert [(r["field"], r["code"]) for r in result["refusals"]] == [
        ("--title", "control_character"),
        ("--note", "too_long"),
        ("--line", "ambiguous"),
        ("--line", "decimal_mark"),
    ]
    assert "SANDBOX" not in err and "catalog" not in err, "nothing was opened or fetched"
    assert "pydantic" not in out + err


def test_comma_station_reads_comma_decimals(capsys, monkeypatch):
    monkeypatch.setenv("INTAKE_DECIMAL_MARK", "comma")
    code, out, _ = run(
        capsys,
        "--json",
        *receive_args("Comma station", f"{TOMMY}=1.5"),
    )
    assert code == 2 and "Did you mean 1,5?" in json.loads(out)["message"]


def test_a_fraction_of_a_product_counted_each_is_refused_after_the_catalogue(capsys):
    code, out, _ = run(
        capsys,
        "--json",
        *receive_args("Half a joint", f"{TOMMY}=3.5"),
    )
    result = json.loads(out)
    assert code == 2 and result["refusals"][0]["code"] == "whole_units"
    assert "Tommy Chong Joint (H) is counted in whole units (each)" in result["message"]


def test_undecodable_bytes_on_the_command_line_are_words_not_a_traceback(capsys):
    import os

    title = os.fsdecode(b"INV \xff\xfe")
    code, out, err = run(capsys, "--json", "products", "--loc", "1989", "--search", title)
    result = json.loads(out)
    assert code == 2 and result["field"] == "--search" and "\\xff" in result["message"]
    assert "Traceback" not in err
