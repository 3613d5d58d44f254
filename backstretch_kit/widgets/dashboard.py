"""See progress: weekly minutes by area, the days stretched, pain, and side balance.

The charts are :mod:`backstretch_kit.charts`' own, drawn from what
:class:`backstretch_kit.log.SessionLog` reads back for one person and a date
range, and shown as PNG images so they refresh from any callback.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from ..words import format_duration
from ._callbacks import click, watch
from ._render import DEFAULT_DPI, figure_to_png, png_image

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from ..log import SessionLog

__all__ = ["PERIODS", "ProgressDashboard"]

#: The date ranges offered: label -> days back from today (``None``: everything).
PERIODS: dict[str, int | None] = {
    "Last 4 weeks": 28,
    "Last 3 months": 91,
    "Last year": 365,
    "All time": None,
}

_EMPTY = (
    "<p><b>No stretching logged yet{who}.</b> The charts appear here after the first "
    "session or logged stretch.</p>"
)


class ProgressDashboard(widgets.VBox):
    """Charts of one person's stretching and pain over a chosen period.

    Parameters
    ----------
    log : SessionLog
        The log to read.
    person : str, optional
        Whose progress to show first; the first person in the log when ``None``.
        A name not in the log yet is offered too, with a "nothing logged yet" note.
    period : str
        One of :data:`PERIODS` (``"Last 3 months"`` by default).
    today : datetime.date, optional
        The last day of every range; the machine's local date when ``None``.
        Pin it for charts that do not change from one day to the next.
    dpi : float
        Resolution of the charts.

    Attributes
    ----------
    person : ipywidgets.Dropdown
        The people in the log.
    period : ipywidgets.Dropdown
        The date range, one of the labels of :data:`PERIODS`.
    refresh_button : ipywidgets.Button
        Reads the log again (after new sessions) and redraws.
    summary : ipywidgets.HTML
        A line of totals, or the empty-log message.
    weekly, calendar, pain_chart, sides_chart : ipywidgets.Image
        The four charts.
    """

    def __init__(
        self,
        log: SessionLog,
        person: str | None = None,
        *,
        period: str = "Last 3 months",
        today: dt.date | None = None,
        dpi: float = DEFAULT_DPI,
        **kwargs: Any,
    ) -> None:
        self.session_log = log
        self._today = today
        self._dpi = dpi
        self._filling = False
        self._people: list[str] = []

        self.person = widgets.Dropdown(description="Person")
        self.person.add_class("bk-dashboard-person")
        self.period = widgets.Dropdown(options=list(PERIODS), value=period, description="Period")
        self.period.add_class("bk-dashboard-range")
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh")
        self.refresh_button.add_class("bk-dashboard-refresh")
        click(self.refresh_button, self._on_refresh, self._show_error, "refreshing the charts")
        self.summary = widgets.HTML()
        self.summary.add_class("bk-dashboard-summary")

        self.weekly = png_image("bk-dashboard-weekly")
        self.calendar = png_image("bk-dashboard-calendar")
        self.pain_chart = png_image("bk-dashboard-pain")
        self.sides_chart = png_image("bk-dashboard-sides")
        self.charts = widgets.VBox([self.weekly, self.calendar, self.pain_chart, self.sides_chart])

        super().__init__(
            [
                widgets.HBox([self.person, self.period, self.refresh_button]),
                self.summary,
                self.charts,
            ],
            **kwargs,
        )
        self.add_class("bk-dashboard")
        self._fill_people(prefer=person)
        watch(self.person, self._redraw, self._show_error, "drawing the charts")
        watch(self.period, self._redraw, self._show_error, "drawing the charts")
        self._redraw()

    @property
    def today(self) -> dt.date:
        """The last day of the ranges: the pinned date, or today's local date."""
        return self._today if self._today is not None else dt.datetime.now().astimezone().date()

    def _fill_people(self, prefer: str | None) -> None:
        self._people = self.session_log.people()
        # A person asked for by name stays on offer before their first entry, so the
        # dashboard says they have nothing yet rather than showing someone else.
        options = sorted({*self._people, prefer}) if prefer else self._people
        keep = prefer if prefer else (options[0] if options else None)
        self._filling = True
        try:
            self.person.options = options
            self.person.value = keep
        finally:
            self._filling = False

    def _show_error(self, markup: str) -> None:
        self.summary.value = markup

    def _on_refresh(self, button: widgets.Button | None = None) -> None:
        self._fill_people(prefer=self.person.value)
        self._redraw()

    def _redraw(self, change: dict | None = None) -> None:
        from ..charts import adherence_calendar, current_streak, pain_trend, side_balance
        from ..charts import weekly_minutes_by_area as weekly_chart

        if self._filling:
            return
        person = self.person.value
        if person is None or person not in self._people:
            self.summary.value = _EMPTY.format(
                who="" if person is None else f" for {html.escape(person)}"
            )
            self.charts.layout.display = "none"
            return
        self.charts.layout.display = None
        today = self.today
        days_back = PERIODS[self.period.value]
        # Ranges end after today, so whatever was logged today is in.
        start = None if days_back is None else today - dt.timedelta(days=days_back - 1)
        end = today + dt.timedelta(days=1)
        log = self.session_log
        sessions = log.sessions(person, start=start, end=end)
        holds = log.holds(person, start=start, end=end)
        # The weekly chart reads the running totals: no scan of every hold.
        weekly = log.weekly_minutes(person, start=start, end=end)

        label = self.period.value.lower()
        if sessions.empty:
            self.summary.value = (
                f"<p>{html.escape(person)}: nothing logged in the {html.escape(label)}.</p>"
            )
        else:
            streak = current_streak(sessions, end=today)
            days = "day" if streak == 1 else "days"
            count = len(sessions)
            noun = "session" if count == 1 else "sessions"
            self.summary.value = (
                f"<p><b>{html.escape(person)}</b>, {html.escape(label)}: {count} {noun}, "
                f"{format_duration(float(holds['actual_s'].sum()))} of stretching; "
                f"current streak {streak} {days}.</p>"
            )
        self.weekly.value = figure_to_png(weekly_chart(weekly), dpi=self._dpi)
        self.calendar.value = figure_to_png(adherence_calendar(sessions, end=today), self._dpi)
        self.pain_chart.value = figure_to_png(pain_trend(sessions), dpi=self._dpi)
        self.sides_chart.value = figure_to_png(side_balance(holds), dpi=self._dpi)
