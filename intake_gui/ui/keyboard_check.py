"""Alt+letter clashes: two controls of one window answering the same mnemonic.

Qt cycles focus between controls that share a mnemonic instead of activating either, and a menu bar title
shadows a label's letter: "&Title:" beside the "&Tools" menu meant Alt+T did neither. `mnemonic_clashes(window,
scope)` collects every Alt+letter a window's controls claim — `&` in button, check box and label texts (a
label's only when it has a buddy), the menu bar's titles, and buttons' Alt+letter shortcuts — and returns
those claimed more than once. `scope` limits the walk to one page of a stack (hidden widgets included: a
button shown only in some states still takes its letter), so each wizard page is judged with the window's
chrome and menu bar, not against the other pages it never shares the screen with.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QGroupBox,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

_MNEMONIC = re.compile(r"&([^&\s])")


def mnemonic_of(text: str) -> str:
    """The letter after a single `&` ("&&" is a literal ampersand), upper-cased; "" if none."""
    match = _MNEMONIC.search(text.replace("&&", ""))
    return match.group(1).upper() if match else ""


def _alt_letter(sequence: QKeySequence) -> str:
    text = sequence.toString(QKeySequence.SequenceFormat.PortableText)
    match = re.fullmatch(r"Alt\+([A-Za-z0-9])", text)
    return match.group(1).upper() if match else ""


def claims(widgets: Iterable[QWidget]) -> list[tuple[str, str]]:
    """(letter, who) for every mnemonic or Alt+letter shortcut the given widgets claim."""
    out: list[tuple[str, str]] = []
    for widget in widgets:
        if isinstance(widget, QAbstractButton):
            who = f"{type(widget).__name__} “{widget.text()}”"
            own = mnemonic_of(widget.text())
            if own:
                out.append((own, who))
            # Qt turns a mnemonic into the button's shortcut: only a different Alt+letter is a second claim.
            if (letter := _alt_letter(widget.shortcut())) and letter != own:
                out.append((letter, f"{who} (shortcut)"))
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            if letter := mnemonic_of(widget.text()):
                out.append((letter, f"label “{widget.text()}”"))
        elif isinstance(widget, QGroupBox) and (letter := mnemonic_of(widget.title())):
            out.append((letter, f"group “{widget.title()}”"))
    return out


def mnemonic_clashes(window: QWidget, scope: QWidget | None = None) -> dict[str, list[str]]:
    """Letters claimed more than once in `window` — or, with `scope` (a page of a stack), by that page plus
    everything of the window outside any stack (menu bar, navigation, status bar)."""
    widgets: list[QWidget] = [
        window,
        *(
            w for w in window.findChildren(QWidget) if w.window() is window
        ),  # not its dialogs' controls
    ]
    if scope is not None:
        stacks = [w for w in widgets if isinstance(w, QStackedWidget)]
        in_stacks = {id(w) for stack in stacks for w in stack.findChildren(QWidget)}
        widgets = [w for w in widgets if id(w) not in in_stacks]
        widgets += [scope, *scope.findChildren(QWidget)]
    found = claims(widgets)
    if isinstance(window, QMainWindow):
        for action in window.menuBar().actions():
            if letter := mnemonic_of(action.text()):
                found.append((letter, f"menu “{action.text()}”"))
    by_letter: dict[str, list[str]] = defaultdict(list)
    for letter, who in found:
        by_letter[letter].append(who)
    return {letter: whos for letter, whos in by_letter.items() if len(whos) > 1}
