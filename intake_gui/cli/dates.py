"""Days as an operator writes them on a command line: `today`, `yesterday`, `-7d`, `-2w` or `2026-03-31`.

A day word is parsed when the command line is read (a typo is exit 2 before anything is fetched) and
resolved later against the *store's* today, which is only known once the location (and its zone) is: at
23:30 in Phoenix a station in New York already has tomorrow's date.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

_RELATIVE = re.compile(r"-(\d{1,4})([dw])")
MAX_DAYS_BACK = 3660
DAY_HELP = "today, yesterday, -7d (days ago), -2w (weeks ago) or YYYY-MM-DD; store-local"
DAY_OPTIONS = ("--since", "--until")


@dataclass(frozen=True)
class DayWords:
    """A day as written; `on(today)` is the date it names, given the store's today."""

    text: str
    days_back: int | None = None
    day: date | None = None

    def on(self, today: date) -> date:
        if self.day is not None:
            return self.day
        return today - timedelta(days=self.days_back or 0)

    def __str__(self) -> str:
        return self.text


def day_words(text: str) -> DayWords:
    """The argparse `type` of a day option: refuses anything else with the forms it takes."""
    word = text.strip().lower()
    if word == "today":
        return DayWords(word, days_back=0)
    if word == "yesterday":
        return DayWords(word, days_back=1)
    relative = _RELATIVE.fullmatch(word)
    if relative:
        count = int(relative.group(1)) * (7 if relative.group(2) == "w" else 1)
        if count > MAX_DAYS_BACK:
            raise argparse.ArgumentTypeError(
                f"{text!r} is more than {MAX_DAYS_BACK} days back; give a date instead."
            )
        return DayWords(word, days_back=count)
    try:
        return DayWords(word, day=date.fromisoformat(word))
    except ValueError:
        pass
    from intake_gui.domain.text import shown

    raise argparse.ArgumentTypeError(f"“{shown(text)}” is not a day: write {DAY_HELP}.")


def join_negative_days(argv: Sequence[str]) -> list[str]:
    """`--since -7d` as `--since=-7d`: argparse would take "-7d" for an option and refuse it."""
    out: list[str] = []
    items = list(argv)
    i = 0
    while i < len(items):
        item = items[i]
        if item == "--":
            out.extend(items[i:])
            break
        nxt = items[i + 1] if i + 1 < len(items) else None
        if item in DAY_OPTIONS and nxt is not None and _RELATIVE.fullmatch(nxt.strip().lower()):
            out.append(f"{item}={nxt}")
            i += 2
            continue
        out.append(item)
        i += 1
    return out
