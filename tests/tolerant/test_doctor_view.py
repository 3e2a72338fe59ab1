"""Settings → Test connection shows the doctor's report, run on a worker thread."""

from __future__ import annotations

import threading
from typing import Any

from intake_gui.services.doctor_report import DoctorReport, Probe, State, Verdict
from intake_gui.store.settings import StationSettings
from intake_gui.ui.doctor_view import DoctorDialog, DoctorView


def _report(ok: bool) -> DoctorReport:
    report = DoctorReport(pos="dutchie", base_url="https://tenant.example/api/", user="it")
    report.store_time = "Mountain Standard Time, America/Phoenix — from the store's state, AZ"
    report.probes.append(Probe("rooms", ok=True, rows=4, endpoints=["v2/room/get-rooms"]))
    state = State.OK if ok else State.FAIL
    report.verdicts.append(
        Verdict("receive", state, "works" if ok else "rooms: rows without RoomId")
    )
    if not ok:
        report.fatal = "login failed: refused"
    return report


def test_the_view_runs_the_probe_off_the_gui_thread_and_shows_the_report(qtbot: Any) -> None:
    view = DoctorView()
    qtbot.addWidget(view)
    threads: list[str] = []
    steps: list[str] = []

    def probe(step: Any) -> DoctorReport:
        threads.append(threading.current_thread().name)
        step("rooms")
        steps.append("rooms")
        return _report(ok=True)

    with qtbot.waitSignal(view.finished_report, timeout=5000) as blocker:
        view.run(probe)
    assert threads and threads[0] != threading.main_thread().name
    assert blocker.args[0].ok
    assert "Everything Intake needs is there" in view.status.text()
    assert "store's state, AZ" in view.text.toPlainText()
    assert view.copy_button.isEnabled()


def test_a_failing_report_names_the_problem(qtbot: Any) -> None:
    view = DoctorView()
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.finished_report, timeout=5000):
        view.run(lambda _step: _report(ok=False))
    assert view.status.text().startswith("✖ login failed: refused")
    assert "PROBLEM" in view.text.toPlainText()


def test_settings_test_connection_opens_the_doctor(qtbot: Any, monkeypatch: Any) -> None:
    from intake_gui.services import doctor
    from intake_gui.ui.dialogs.settings_dialog import SettingsDialog

    seen: list[StationSettings] = []

    def fake_probe(settings: StationSettings, on_step: Any = None) -> DoctorReport:
        seen.append(settings)
        return _report(ok=True)

    monkeypatch.setattr(doctor, "probe_settings", fake_probe)
    dialog = SettingsDialog(StationSettings(api_base="https://tenant.example/api/"))
    qtbot.addWidget(dialog)
    dialog.require_costs.setChecked(True)
    dialog.test_button.click()
    opened = dialog.doctor_dialog
    assert isinstance(opened, DoctorDialog)
    qtbot.addWidget(opened)
    qtbot.waitUntil(lambda: opened.view.report is not None, timeout=5000)
    assert seen[0].api_base == "https://tenant.example/api/" and seen[0].require_costs
    assert dialog.values()["require_costs"] is True
