"""Two charts of the range a supervisor is looking at: how many receives per store day, and units by vendor.

The numbers come from `services.history` (the same functions the CLI reports with) and are shaped here into what a
chart can show: empty days appear as zero bars (a gap is information: nobody received that day), long ranges fall
back to weeks so bars stay readable, and the smallest vendors fold into one "Other" bar so the total stays right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QHBoxLayout, QWidget

from intake_gui.domain.quantities import format_quantity
from intake_gui.services.history import HistoryEntry, quantity_by_vendor, receives_per_day
from intake_gui.ui.history_model import day_span, totals

MAX_DAY_BARS = 62
"""Above this many days a bar per day is unreadable; the chart switches to one bar per week."""

TOP_VENDORS = 10
OTHER_VENDORS = "Other vendors"
_VENDOR_LABEL_MAX = 30


@dataclass(frozen=True)
class ChartData:
    buckets: list[tuple[str, int]]
    """(label, receives) per store day or per week, in calendar order, empty ones included."""
    by_week: bool
    vendors: list[tuple[str, Decimal]]
    """(vendor, units), largest first; the tail folded into OTHER_VENDORS."""
    receives: int
    units: Decimal


def chart_data(
    entries: Sequence[HistoryEntry],
    start: datetime | None = None,
    end: datetime | None = None,
    *,
    top_vendors: int = TOP_VENDORS,
) -> ChartData:
    """What the charts show for `entries`, with the range's empty days when `start`/`end` are known."""
    per_day = receives_per_day(list(entries))
    days = day_span(start, end) if start is not None and end is not None else []
    for day in per_day:  # a receive outside the stated range must still be counted
        if day not in days:
            days.append(day)
    days.sort()
    by_week = len(days) > MAX_DAY_BARS
    # Category labels must be unique: a range across New Year needs the year to keep them apart.
    md = "%y-%m-%d" if days and days[0].year != days[-1].year else "%m-%d"
    buckets: list[tuple[str, int]] = []
    if by_week:
        weeks: dict[date, int] = {}
        for day in days:
            monday = day - timedelta(days=day.weekday())
            weeks[monday] = weeks.get(monday, 0) + per_day.get(day, 0)
        buckets = [(f"wk {monday:{md}}", n) for monday, n in sorted(weeks.items())]
    else:
        fmt = md if len(days) > 14 else f"%a {md}"
        buckets = [(f"{d:{fmt}}", per_day.get(d, 0)) for d in days]

    by_vendor = list(quantity_by_vendor(list(entries)).items())
    if len(by_vendor) > top_vendors:
        head, tail = by_vendor[: top_vendors - 1], by_vendor[top_vendors - 1 :]
        by_vendor = [*head, (OTHER_VENDORS, sum((q for _, q in tail), Decimal(0)))]
    count, units = totals(entries)
    return ChartData(buckets, by_week, by_vendor, count, units)


def vendor_labels(names: Sequence[str]) -> list[str]:
    """Axis labels: long names shortened, and kept unique (a category axis merges equal labels)."""
    out: list[str] = []
    for name in names:
        label = name if len(name) <= _VENDOR_LABEL_MAX else name[: _VENDOR_LABEL_MAX - 1] + "…"
        base, n = label, 1
        while label in out:
            n += 1
            label = f"{base} ·{n}"
        out.append(label)
    return out


def _count_axis(peak: int) -> tuple[int, int]:
    """(top, tick count) for a count axis: whole-number ticks, and room above the tallest bar for its label."""
    if peak <= 8:
        top = peak + 1
        return top, top + 1
    step = -(-peak // 5)
    top = step * 6
    return top, 7


class HistoryChart(QWidget):
    """Receives per day beside units by vendor. Feed it with `set_entries`; it does no I/O."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = ChartData([], False, [], 0, Decimal(0))
        self.timezone = "UTC"
        self.day_view = QChartView()
        self.vendor_view = QChartView()
        for view in (self.day_view, self.vendor_view):
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumSize(360, 280)
        self.day_view.setAccessibleName("Receives per day chart")
        self.vendor_view.setAccessibleName("Units by vendor chart")
        self.day_set: QBarSet | None = None
        self.vendor_set: QBarSet | None = None

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.day_view, 1)
        layout.addWidget(self.vendor_view, 1)
        self._draw()

    def set_entries(
        self,
        entries: Sequence[HistoryEntry],
        start: datetime | None,
        end: datetime | None,
        tz: str,
    ) -> None:
        self.timezone = tz
        self.data = chart_data(entries, start, end)
        self._draw()

    # -- what the bars add up to (tests and the status line read these) -------------------------------

    @property
    def day_total(self) -> int:
        return (
            round(sum(self.day_set.at(i) for i in range(self.day_set.count())))
            if self.day_set
            else 0
        )

    @property
    def vendor_total(self) -> float:
        if self.vendor_set is None:
            return 0.0
        return sum(self.vendor_set.at(i) for i in range(self.vendor_set.count()))

    # -- drawing -----------------------------------------------------------------------------------------

    @staticmethod
    def _replace(view: QChartView, title: str) -> QChart:
        """A new chart per redraw: QtCharts leaves stale axes painted when they are swapped on a live chart."""
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.legend().setVisible(False)
        chart.setMargins(QMargins(6, 6, 6, 6))
        chart.setTitle(title)
        old = view.chart()
        view.setChart(chart)
        if old is not None:
            old.deleteLater()
        return chart

    @property
    def day_chart(self) -> QChart:
        return self.day_view.chart()

    @property
    def vendor_chart(self) -> QChart:
        return self.vendor_view.chart()

    def _draw(self) -> None:
        self._draw_days()
        self._draw_vendors()

    def _draw_days(self) -> None:
        data = self.data
        unit = "week" if data.by_week else "day"
        chart = self._replace(
            self.day_view,
            f"Receives per store {unit} — {data.receives} in all<br>"
            f"<small>store days in {self.timezone}</small>",
        )
        bar_set = QBarSet("Receives")
        bar_set.setColor(QColor("#1f6f5c"))
        bar_set.setLabelColor(QColor("#1b1f1d"))
        bar_set.append([float(n) for _, n in data.buckets])
        series = QBarSeries()
        series.append(bar_set)
        series.setLabelsVisible(len(data.buckets) <= 31)
        series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        chart.addSeries(series)
        x = QBarCategoryAxis()
        x.append([label for label, _ in data.buckets] or ["(no days)"])
        if len(data.buckets) > 10:
            x.setLabelsAngle(-90)
            x.setTruncateLabels(
                False
            )  # rotated labels are otherwise cut to "…" by their column's width
        y = QValueAxis()
        top, ticks = _count_axis(max((n for _, n in data.buckets), default=0))
        y.setRange(0, top)
        y.setTickCount(ticks)
        y.setLabelFormat("%d")
        y.setTitleText("receives")
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)
        self.day_set = bar_set

    def _draw_vendors(self) -> None:
        data = self.data
        chart = self._replace(
            self.vendor_view, f"Units received by vendor — {format_quantity(data.units)} in all"
        )
        # Horizontal bars draw the first category at the bottom: reverse so the largest vendor is on top.
        rows = list(reversed(data.vendors))
        bar_set = QBarSet("Units")
        bar_set.setColor(QColor("#b07400"))
        bar_set.setLabelColor(QColor("#1b1f1d"))
        bar_set.append([float(q) for _, q in rows])
        series = QHorizontalBarSeries()
        series.append(bar_set)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsPrecision(10)
        chart.addSeries(series)
        y = QBarCategoryAxis()
        y.append(vendor_labels([name for name, _ in rows]) or ["(no vendors)"])
        x = QValueAxis()
        peak = max((float(q) for _, q in rows), default=0.0)
        x.setRange(0, max(1.0, peak) * 1.2)
        x.applyNiceNumbers()
        x.setLabelFormat("%d")
        x.setTitleText("units")
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(y)
        series.attachAxis(x)
        self.vendor_set = bar_set
