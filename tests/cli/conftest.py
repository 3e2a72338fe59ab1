"""What the CLI tests share: a receive's command line, written once."""

from __future__ import annotations

AZ, PALOMINO, SALES_FLOOR = "1989", "39195", "24772"
"""The course's sandbox location, vendor and sellable room."""


def receive_args(
    title: str, *lines: str, loc: str = AZ, vendor: str = PALOMINO, room: str = SALES_FLOOR
) -> list[str]:
    """`receive --loc … --vendor … --room … --title T --line L …`; other options go after it."""
    args = ["receive", "--loc", loc, "--vendor", vendor, "--room", room, "--title", title]
    for line in lines:
        args += ["--line", line]
    return args
