"""The History window's store and date range: which store, which store days, and in which zone they are meant.

A mixin of `HistoryWindow` (it builds the range row and the zone row, and reacts to their changes), kept apart so
the window itself stays readable. Backoffice times are store-local wall times: "today" and "this month" are computed
in the store's calendar, not the station's, and the zone row names the zone every date on screen is in.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QProgressBar, QPushButton

from intake_gui.domain import date_windows
from intake_gui.domain.models import Location
from intake_gui.services.error_words import error_words
from intake_gui.ui.history_model import zone_label
from intake_gui.ui.workers import start_worker


class Preset(Enum):
    TODAY = "Today"
    LAST_7_DAYS = "Last 7 days"
    THIS_MONTH = "This month"
    CUSTOM = "Custom range"


_PRESET_FN = {
    Preset.TODAY: date_windows.today,
    Preset.LAST_7_DAYS: date_windows.last_7_days,
    Preset.THIS_MONTH: date_windows.this_month,
}


class HistoryRangeMixin:
    """Needs from the window: `ctx`, `setup`, `history`, `_now`, `_closed`, `_say`, `load`, `locations_loaded`."""

    locations: list[Location]

    def _build_range_row(self) -> QHBoxLayout:
        self.location_combo = QComboBox()
        # [screens] as wide as the row allows (at least 180 px), not as its longest store name: that made the
        # window wider than a 1024-pixel screen. The list that drops down still shows every name whole.
        self.location_combo.setMinimumWidth(180)
        self.location_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.location_combo.setMinimumContentsLength(16)
        self.location_combo.setAccessibleName("Store")
        self.location_combo.addItem("Loading stores…")
        self.location_combo.setEnabled(False)
        self.location_combo.currentIndexChanged.connect(self._location_changed)
        self.preset_combo = QComboBox()
        self.preset_combo.setAccessibleName("Date range")
        for preset in Preset:
            self.preset_combo.addItem(preset.value, preset)
        self.preset_combo.currentIndexChanged.connect(self._preset_changed)
        self.from_edit = QDateEdit()
        self.to_edit = QDateEdit()
        for edit, name in (
            (self.from_edit, "From (store date)"),
            (self.to_edit, "To (store date, included)"),
        ):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
            edit.setToolTip(name)
            edit.dateChanged.connect(self._dates_edited)
        self.load_button = QPushButton("&Load (F5)")
        self.load_button.setObjectName("primary")
        self.load_button.setToolTip("Read this range from the POS again (F5)")
        self.load_button.clicked.connect(self.reload)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setFormat("window %v of %m")
        self.progress.setVisible(False)

        row = QHBoxLayout()
        store_label = QLabel("&Store:")
        store_label.setBuddy(self.location_combo)
        range_label = QLabel("&Range:")
        range_label.setBuddy(self.preset_combo)
        row.addWidget(store_label)
        row.addWidget(self.location_combo, 2)
        row.addSpacing(12)
        row.addWidget(range_label)
        row.addWidget(self.preset_combo)
        row.addWidget(self.from_edit)
        row.addWidget(QLabel("to"))
        row.addWidget(self.to_edit)
        row.addWidget(self.load_button)
        row.addWidget(self.progress)
        return row

    def _build_zone_row(self) -> QHBoxLayout:
        self.zone_label = QLabel("")
        self.zone_label.setObjectName("hint")
        self.zone_label.setWordWrap(True)
        self.zone_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.zone_label, 1)
        return row

    # ---- locations and range -------------------------------------------------------------------------

    def load_locations(self) -> None:
        if self._closed:
            return
        self._say("Reading the stores this login can see…", "info")
        start_worker(
            self.setup.locations,
            on_returned=self._locations_ready,
            on_errored=self._locations_error,
        )

    def _effective(self, location: Location) -> Location:
        """The station may correct a zone the POS reports wrongly; the whole window then uses the corrected one."""
        from intake_gui.domain.store_time import with_station_override

        return with_station_override(location, self.ctx.settings.timezone_override)

    def _locations_ready(self, locations: list[Location]) -> None:
        if self._closed:
            return
        self.locations = [self._effective(loc) for loc in locations]
        combo = self.location_combo
        combo.blockSignals(True)
        combo.clear()
        for loc in self.locations:
            combo.addItem(f"{loc.name}  ({loc.state}, #{loc.loc_id})", loc.loc_id)
        wanted = self.ctx.settings.last_location_id
        index = next((i for i, loc in enumerate(self.locations) if loc.loc_id == wanted), 0)
        combo.setCurrentIndex(index)
        combo.setEnabled(bool(self.locations))
        combo.blockSignals(False)
        self._say("", "info")
        self.locations_loaded.emit(self.locations)
        if not self.locations:
            self._say("This login sees no stores.", "bad")
            return
        self._location_changed()

    def _locations_error(self, exc: BaseException) -> None:
        if self._closed:
            return
        self.location_combo.setItemText(0, "Stores could not be read")
        self._say(f"Could not read the stores: {error_words(exc)} Press F5 to try again.", "bad")

    def current_location(self) -> Location | None:
        index = self.location_combo.currentIndex()
        if not self.locations or not 0 <= index < len(self.locations):
            return None
        return self.locations[index]

    def set_location(self, loc_id: int) -> bool:
        """Choose a store by id (reloads). False when this login does not see it."""
        for i, loc in enumerate(self.locations):
            if loc.loc_id == loc_id:
                self.location_combo.setCurrentIndex(i)
                return True
        return False

    def _location_changed(self, *_args: Any) -> None:
        loc = self.current_location()
        if loc is None:
            return
        preset = self.preset_combo.currentData()
        if preset is not Preset.CUSTOM:
            self._apply_preset(preset)  # "today" is the store's today: it moves with the zone
        else:
            self._show_range_words()
        self.load()

    def _preset_changed(self, *_args: Any) -> None:
        preset = self.preset_combo.currentData()
        if preset is Preset.CUSTOM:
            self._show_range_words()
            return
        self._apply_preset(preset)
        self.load()

    def _apply_preset(self, preset: Preset) -> None:
        loc = self.current_location()
        tz = loc.timezone if loc else "UTC"
        start, end = _PRESET_FN[preset](self._now(), tz)
        self._set_dates(start.date(), (end - timedelta(days=1)).date())
        self._show_range_words()

    def _set_dates(self, first: date, last: date) -> None:
        for edit, day in ((self.from_edit, first), (self.to_edit, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)

    def _dates_edited(self, *_args: Any) -> None:
        index = self.preset_combo.findData(Preset.CUSTOM)
        self.preset_combo.blockSignals(True)
        self.preset_combo.setCurrentIndex(index)
        self.preset_combo.blockSignals(False)
        self._show_range_words()

    def set_preset(self, preset: Preset) -> None:
        """Choose a preset range and read it (again, if it was already chosen: "today" moves on)."""
        self.preset_combo.blockSignals(True)
        self.preset_combo.setCurrentIndex(self.preset_combo.findData(preset))
        self.preset_combo.blockSignals(False)
        self._preset_changed()

    def set_custom_range(self, first: date, last: date) -> None:
        """Store days `first` to `last`, both included; call `load()` to read them."""
        self._set_dates(first, last)
        self._dates_edited()

    def requested_range(self) -> tuple[datetime, datetime]:
        """The range the controls describe, as half-open store wall times: first day 00:00 to after the last."""
        first = self.from_edit.date().toPython()
        last = self.to_edit.date().toPython()
        assert isinstance(first, date) and isinstance(last, date)
        return datetime.combine(first, time()), datetime.combine(last + timedelta(days=1), time())

    def _show_range_words(self) -> None:
        loc = self.current_location()
        start, end = self.requested_range()
        if loc is None:
            self.zone_label.setText("")
            return
        windows = (
            len(date_windows.split_range(start, end, self.history.window_days))
            if end > start
            else 0
        )
        read = (
            f" · read in {windows} windows of up to {self.history.window_days} days"
            if windows > 1
            else ""
        )
        self.zone_label.setText(
            f"{start:%Y-%m-%d %H:%M} → {end:%Y-%m-%d %H:%M} store time · all times in this window are "
            f"{zone_label(loc.timezone)}{read}. Store time: {loc.zone_words}"
        )
