"""The clerk's screens in a real window: the README's walkthrough by keyboard alone, the lights that stay, the
first start, and every page and main dialog on the screens stations have — checked for cut-off text.

The real `intake-gui` runs under Xvfb and is typed at with xdotool (tests/realwindow/conftest.py). What the app
recorded comes from the journal and the sandbox; where the focus is, which step is on screen, whether the status
bar is on the screen and which texts do not fit comes from the app's own state dump (`IntakeApp.state()`,
intake_gui/ui/ui_probe.py), which walks the widget tree with `ui/layout_check.py`. Screenshots of every state are
saved under test-artifacts/realwindow/<test>/ (look at them: a check cannot see everything).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = [pytest.mark.realwindow, pytest.mark.timeout(300)]

TITLE = "Final assessment"
TOMMY = "3B4791"
DESERT_SOL = "4D2210"
GAPS_MS = (2, 8, 30)
"""Key gaps of real wedge scanners, fast to slow; every burst has capitals (a separate Shift press each)."""


# ---- helpers ---------------------------------------------------------------------------------------------

IntakeApp = Any
"""tests/realwindow/conftest.py's IntakeApp (the harness is fixtures, not an importable module)."""


def wait_until(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


def press_in(app: IntakeApp, title_regex: str, *keys: str) -> None:
    """Keys for a dialog or second window: give it the X focus first (no window manager does it here)."""
    window = app.keys.find_window(title_regex)
    app.keys.x.xdotool("windowfocus", "--sync", window)
    app.keys.x.xdotool("key", "--delay", "80", *keys)


def wait_state(app: IntakeApp, predicate: Any, what: str, timeout: float = 30.0) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        state = app.state()
        return state if predicate(state) else None

    return wait_until(check, timeout, what)


def at_step(app: IntakeApp, step: str, timeout: float = 30.0) -> dict[str, Any]:
    return wait_state(app, lambda s: s["step"] == step, f"the {step} step", timeout)


def focus_of(state: dict[str, Any]) -> dict[str, Any]:
    return state["focus"] or {}


def lights_settled(state: dict[str, Any]) -> bool:
    return bool(state["lights"]) and all(
        v not in ("checking", "amber") for v in state["lights"].values()
    )


def to_location(app: IntakeApp) -> dict[str, Any]:
    app.window()
    app.wait_log(r"get-locations \"HTTP/1.1 200", 90)
    app.keys.focus()  # no window manager gives the new window the X focus
    return wait_state(
        app,
        lambda s: s["step"] == "location" and focus_of(s).get("class") == "QLineEdit",
        "locations",
    )


class Looks:
    """Screenshots of each state with what the app says about them; problems gathered, asserted at the end
    (so a run produces every screenshot even when one state is wrong)."""

    def __init__(self, app: IntakeApp) -> None:
        self.app = app
        self.problems: list[str] = []
        self.seen: list[str] = []

    def __call__(self, name: str, *, window: str = "") -> dict[str, Any]:
        time.sleep(0.3)  # let the last repaint reach the screen before the grab
        state = self.app.state()
        self.app.screenshot(name)
        self.seen.append(name)
        screen = state["screen"]["available"]
        frame = state["main"]["frame"]
        if not state["main"]["status_bar_on_screen"]:
            self.problems.append(f"{name}: the status bar is off the screen ({state['main']})")
        if frame[2] > screen[2] or frame[3] > screen[3]:
            self.problems.append(
                f"{name}: the window ({frame}) is bigger than the screen ({screen})"
            )
        for clip in state["clipped"]:
            self.problems.append(
                f"{name}: {clip['kind']} “{clip['text'][:60]}” cut ({clip['axis']}: has {clip['has']}, "
                f"needs {clip['needs']}) at {clip['path']}"
            )
        for title, clashes in state["mnemonic_clashes"].items():
            self.problems.append(f"{name}: Alt+letter clashes in {title!r}: {clashes}")
        if window and state["active_window"] != window:
            self.problems.append(
                f"{name}: expected {window!r} active, got {state['active_window']!r}"
            )
        return state

    def check(self) -> None:
        assert not self.problems, "\n".join(self.problems)


# ---- the walkthrough -------------------------------------------------------------------------------------


def test_the_readme_walkthrough_by_keyboard_alone_ends_in_three_green_lights_that_stay(
    xserver, start_intake
):
    """README: `az` Enter → `palo` Enter → Enter on Sales Floor → type a title, then scan → Enter → Ctrl+Enter.
    The scans are wedge bursts with capitals at 2, 8 and 30 ms key gaps while the title has the focus."""
    app = start_intake(xserver)
    keys = app.keys
    state = to_location(app)
    keys.type("az")
    # Enter on the focused Next (reached with Tab) chooses the highlighted location, as the page says.
    for _ in range(4):
        if focus_of(state).get("text", "").startswith("Next"):
            break
        keys.key("Tab")
        state = app.state()
    assert focus_of(state).get("text", "").startswith("Next"), focus_of(state)
    keys.key("Return")
    at_step(app, "vendor")
    app.wait_log(r"get-vendors \"HTTP/1.1 200")
    time.sleep(0.3)
    keys.type("palo")
    keys.key("Return")
    app.wait_log(r"room/get-rooms \"HTTP/1.1 200")
    wait_state(app, lambda s: "Sales Floor" in focus_of(s).get("text", ""), "the rooms", 10)
    keys.key("Return")

    # Products opens in the title: the title is typed without Ctrl+T, as the walkthrough says.
    state = at_step(app, "products")
    assert focus_of(state).get("name") == "title_edit", focus_of(state)
    keys.type(TITLE, gap_ms=90)
    app.wait_draft(lambda d: d.title == TITLE, "the typed title saved")
    app.wait_log(r"(products|product/get|inventory)\S* \"HTTP/1.1 200", 90)
    for sku in (TOMMY, DESERT_SOL):
        for gap in GAPS_MS:
            keys.scan(sku, gap)
            time.sleep(0.4)
    draft = app.wait_draft(
        lambda d: d.lines() == {TOMMY: "3", DESERT_SOL: "3"},
        "six scans counted as two lines of three",
    )
    assert draft.title == TITLE, "a scanned key reached the focused title field"
    state = app.state()
    assert focus_of(state).get("name") == "title_edit", "the scans moved the focus"
    app.screenshot("products_after_six_scans")

    keys.key("Return")  # Enter in the title: review
    state = at_step(app, "review")
    assert focus_of(state).get("class") == "QTextBrowser", "Review must not rest on Submit"
    keys.key("ctrl+Return")
    state = wait_state(app, lambda s: s["step"] == "verify" and lights_settled(s), "the lights", 60)
    assert set(state["lights"].values()) == {"green"}, state["lights"]
    app.screenshot("three_green_lights")

    # The Enter or Ctrl+Enter pressed once too often does not skip the lights.
    keys.key("ctrl+Return", "Return", "ctrl+Return", "space")
    time.sleep(1.0)
    state = app.state()
    assert state["step"] == "verify" and set(state["lights"].values()) == {"green"}, state
    app.screenshot("lights_still_there")
    receives = app.admin().receives()
    assert len(receives) == 1
    assert TITLE in receives[0]["order_title"], receives[0]

    # The deliberate next delivery: Ctrl+N, at the vendor page, the last vendor's filter words gone.
    keys.key("ctrl+n")
    state = at_step(app, "vendor")
    assert focus_of(state).get("text") == "", focus_of(state)


def test_every_control_of_the_products_page_is_reached_by_tab_and_pressed_by_space_or_enter(
    xserver, start_intake, to_products
):
    app = start_intake(xserver)
    to_products(app, title=TITLE)
    keys = app.keys
    keys.key("ctrl+t")
    seen: list[tuple[str, str]] = []
    for _ in range(16):
        keys.key("Tab")
        focus = focus_of(app.state())
        seen.append((focus.get("name") or focus.get("class", ""), focus.get("text", "")))
        if focus.get("name") == "title_edit":
            break
    names = [name for name, _text in seen]
    texts = " | ".join(text for _name, text in seen)
    assert names[-1] == "title_edit", f"Tab did not come back round to the title: {seen}"
    for control in ("Import manifest", "Blind count", "Tag/lot/expiry", "Back", "Next"):
        assert control in texts, f"Tab never reached {control!r}: {seen}"
    assert "LinesTableView" in names and "catalog_search" in names, seen

    # Space, then Enter, on the focused Blind count check box.
    for _ in range(16):
        state = app.state()
        if "Blind count" in focus_of(state).get("text", ""):
            break
        keys.key("Tab")
    before = focus_of(state)["checked"]
    keys.key("space")
    assert wait_state(app, lambda s: focus_of(s)["checked"] is not before, "Space toggled it", 5)
    keys.key("Return")
    assert wait_state(app, lambda s: focus_of(s)["checked"] is before, "Enter toggled it back", 5)

    # Space on the focused Back goes back a step.
    for _ in range(16):
        if "Back" in focus_of(app.state()).get("text", ""):
            break
        keys.key("Tab")
    keys.key("space")
    at_step(app, "room", 10)


# ---- the first start and every screen, on the screens stations have --------------------------------------


@pytest.mark.parametrize("xserver", ["1366x768x24", "1024x600x24"], indirect=True)
def test_first_start_and_every_screen_fit_with_nothing_cut_off(xserver, start_intake):
    """From the Welcome dialog (by keyboard) through every wizard page, the mastery diagnosis (received into
    Vault), History and the main dialogs: a screenshot of each, none with cut-off text or Alt+letter clashes,
    the window inside the screen and its status bar on it."""
    app = start_intake(xserver, first_run_done=False)
    keys = app.keys
    look = Looks(app)

    # First start: the Welcome dialog opens on Start with its focus ring; Enter starts (the sandbox).
    welcome = keys.find_window("^Welcome to Intake$", timeout=90)
    keys.x.xdotool("windowfocus", "--sync", welcome)
    wait_state(app, lambda s: s["active_window"] == "Welcome to Intake", "the Welcome dialog")
    state = look("00_welcome", window="Welcome to Intake")
    assert focus_of(state).get("text") == "&Start", focus_of(state)
    press_in(app, "^Welcome to Intake$", "Return")
    state = to_location(app)
    assert not any("alibrat" in w["title"] for w in state["windows"]), state["windows"]

    keys.type("az")
    look("01_location")
    keys.key("Return")
    at_step(app, "vendor")
    app.wait_log(r"get-vendors \"HTTP/1.1 200")
    time.sleep(0.3)
    keys.type("palo")
    look("02_vendor")
    keys.key("Return")
    app.wait_log(r"room/get-rooms \"HTTP/1.1 200")
    wait_state(app, lambda s: "Sales Floor" in focus_of(s).get("text", ""), "the rooms", 10)
    look("03_room")
    keys.key("Down", "Down")  # Quarantine, Vault
    state = app.state()
    keys.key("Return")
    state = wait_state(
        app, lambda s: "anyway" in focus_of(s).get("text", ""), "the not-sellable confirmation", 10
    )
    look("04_room_not_sellable")
    keys.key("Return")
    state = at_step(app, "products")
    keys.type(TITLE, gap_ms=90)
    app.wait_log(r"(products|product/get|inventory)\S* \"HTTP/1.1 200", 90)
    for _ in range(3):
        keys.scan(TOMMY, 4)
        time.sleep(0.4)
    app.wait_draft(lambda d: d.lines() == {TOMMY: "3"}, "three scans")
    look("05_products")
    keys.scan("QX-40917B", 4)  # unknown: the search gets the focus, the page says what to do
    wait_state(app, lambda s: focus_of(s).get("name") == "catalog_search", "the search", 10)
    keys.type("tommy")
    look("06_products_unknown_code")
    keys.key("ctrl+d")
    keys.key("ctrl+t")
    keys.key("Return")
    at_step(app, "review")
    look("07_review")
    keys.key("ctrl+Return")
    state = wait_state(app, lambda s: s["step"] == "verify" and lights_settled(s), "the lights", 60)
    assert state["lights"]["sellable"] == "red", state["lights"]
    look("08_verify_mastery_diagnosis")
    keys.key("ctrl+Return", "Return")  # after a red light too, the lights stay
    time.sleep(1.0)
    assert app.state()["step"] == "verify"

    # History (Ctrl+H), closed with Esc.
    keys.key("ctrl+h")
    wait_state(app, lambda s: "History" in s["active_window"], "History", 20)
    time.sleep(1.5)  # its first read of the journal and the POS
    look("09_history")
    press_in(app, "History", "Escape")
    wait_state(app, lambda s: not any("History" in w["title"] for w in s["windows"]), "Esc", 10)

    # The main dialogs: keyboard shortcuts (F1), settings (Ctrl+,), about and calibration from the menus.
    for name, open_keys, title in (
        ("10_shortcuts", ("F1",), "Keyboard shortcuts"),
        ("11_settings", ("ctrl+comma",), "Settings"),
        ("12_about", ("alt+h", "Up", "Return"), "About"),
        ("13_calibration", ("alt+t", "Down", "Return"), "Calibrat"),
    ):
        keys.key(*open_keys)
        wait_state(app, lambda s, t=title: t in s["active_window"], title, 15)
        look(name)
        press_in(app, title, "Escape")
        wait_state(
            app,
            lambda s, t=title: not any(t in w["title"] for w in s["windows"]),
            f"{title} closed",
            10,
        )
    look.check()
    assert len(look.seen) == 14


def test_1920x1080_at_150_percent_is_maximised_with_nothing_cut_off(
    start_xserver, start_intake, to_products
):
    """A 1920×1080 screen at 150 % is 1280×720 logical pixels: the roomy density, maximised."""
    x = start_xserver("1920x1080x24")
    app = start_intake(x, env_extra={"QT_SCALE_FACTOR": "1.5"})
    look = Looks(app)
    state = look("00_location")
    assert state["screen"]["available"][2:] == [1280, 720], state["screen"]
    to_products(app, title=TITLE)
    app.keys.scan(TOMMY, 4)
    app.wait_draft(lambda d: d.lines() == {TOMMY: "1"}, "a scan")
    look("01_products")
    look.check()
