"""Small pieces of the GUI: resource paths, the note composer, the command line, the crash handler."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from intake_gui.__main__ import main
from intake_gui.domain.models import NOTE_MAX, DraftLine
from intake_gui.ui import assets
from intake_gui.ui.draft_note import MARKER, clerk_part, compose_note


def _line(sku: str, qty: str, expected: str | None, reason: str = "") -> DraftLine:
    return DraftLine(
        product_id=1,
        sku=sku,
        name=sku,
        quantity=Decimal(qty),
        expected=Decimal(expected) if expected is not None else None,
        variance_reason=reason,
        expiration=date(2027, 1, 31),
    )


def test_asset_path_finds_shipped_files_unfrozen():
    assert assets.asset_path("style.qss").is_file()
    assert assets.asset_path("icons/intake.svg").is_file()
    assert assets.asset_path("icons/intake.png").is_file()


def test_asset_path_uses_the_bundle_when_frozen(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert (
        assets.asset_path("icons/intake.svg")
        == (tmp_path / "resources" / "icons" / "intake.svg").resolve()
    )


def test_asset_path_refuses_names_outside_the_resources():
    with pytest.raises(ValueError):
        assets.asset_path("../pyproject.toml")


def test_the_note_carries_clerk_words_then_reasons():
    lines = [
        _line("A1", "4", "5", "one box crushed"),
        _line("B2", "3", "3"),
        _line("C3", "2", None, "not on manifest"),
    ]
    note = compose_note("Driver: Sam", lines)
    assert note.startswith("Driver: Sam\n" + MARKER)
    assert "A1 expected 5, counted 4 (short): one box crushed" in note
    assert "C3: not on manifest" in note and "B2" not in note
    assert clerk_part(note) == "Driver: Sam"
    assert clerk_part(compose_note("", lines)) == ""
    assert compose_note("just words", []) == "just words"


def test_the_note_never_exceeds_the_pos_limit_and_says_what_was_cut():
    lines = [_line(f"SKU{i:03}", "1", "2", "x" * 60) for i in range(30)]
    note = compose_note("Driver: Sam", lines)
    assert len(note) <= NOTE_MAX
    assert note.startswith("Driver: Sam") and "more (see Intake)" in note


def test_version_flag(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("intake-gui ")


def test_contradicting_flags_are_refused(capsys):
    assert main(["--sandbox", "--api-base", "https://x.example/api/"]) == 2
    assert "contradict" in capsys.readouterr().err


def test_self_test_flag_without_the_module_says_so(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "intake_gui.ui.self_test" else real(name, *a),
    )
    assert main(["--self-test"]) == 2
    assert "not available" in capsys.readouterr().err


@pytest.mark.gui
def test_the_crash_handler_logs_redacts_saves_and_shows_words(qtbot, monkeypatch, tmp_path):
    from intake_gui.store.secrets import secret_registry
    from intake_gui.ui.dialogs import crash_dialog

    secret_registry.add("hunter2-very-secret")
    shown: list[crash_dialog.CrashDialog] = []
    monkeypatch.setattr(crash_dialog.CrashDialog, "exec", lambda self: shown.append(self) or 0)
    saved: list[bool] = []
    handler = crash_dialog.CrashHandler(
        lambda: tmp_path / "intake.log", on_crash=lambda: saved.append(True)
    )
    try:
        raise RuntimeError("login failed for password hunter2-very-secret")
    except RuntimeError as exc:
        handler(type(exc), exc, exc.__traceback__)
    assert saved == [True]
    assert len(shown) == 1
    dialog = shown[0]
    qtbot.addWidget(dialog)
    assert crash_dialog.HEADLINE == "Intake hit a bug. Your draft is saved."
    assert str(tmp_path / "intake.log") in dialog.log_label.text()
    assert "hunter2-very-secret" not in handler.last_details
    assert "RuntimeError" in handler.last_details
    assert dialog.details_view.isHidden(), (
        "the traceback is one click away, not in the clerk's face"
    )
    dialog.copy_details()
    from PySide6.QtGui import QGuiApplication

    assert "hunter2-very-secret" not in QGuiApplication.clipboard().text()


def test_the_icon_png_is_rendered_from_the_svg():
    png = Path(assets.asset_path("icons/intake.png"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = (
        int.from_bytes(png.read_bytes()[16:20], "big"),
        int.from_bytes(png.read_bytes()[20:24], "big"),
    )
    assert (width, height) == (256, 256)


def test_qt_warnings_reach_the_log_with_their_category(qapp, caplog):
    from PySide6.QtCore import QMessageLogger

    from intake_gui.ui import qt_messages

    with qt_messages.routed_to_log(), caplog.at_level("DEBUG", logger="qt"):
        QMessageLogger().warning("the pulse server is not running")
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("qt", "WARNING", "the pulse server is not running")
    ]
