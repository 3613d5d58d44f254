"""A calendar of the days stretched, like a contribution graph, with the current streak."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import pandas as pd

from ..figure_text import draws_user_text
from ..progress import (
    as_local_day,
    current_streak,
    days_stretched,
    one_person,
    today,
)
from . import _style as style

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["adherence_calendar"]

# Calendar shades, light to dark (ColorBrewer YlGnBu, readable with colour-vision
# deficiencies), kept apart from the body-area colours so they mean "how much".
_CALENDAR_BINS: tuple[tuple[float, str, str], ...] = (
    (5.0, "#C7E9B4", "Under 5 min"),
    (10.0, "#7FCDBB", "5 to 10 min"),
    (20.0, "#2C7FB8", "10 to 20 min"),
    (math.inf, "#253494", "20 min or more"),
)

# At least 16 weeks, so a new log still looks like a calendar, not a stripe.
_MIN_WEEKS = 16
_MAX_DAYS = 365


@draws_user_text
def adherence_calendar(
    sessions: pd.DataFrame,
    ax: Axes | None = None,
    end: dt.date | str | None = None,
    *,
    person: str | None = None,
) -> Figure:
    """Draw a calendar of the days stretched, like a contribution graph.

    Columns are weeks (Monday first), rows are weekdays; a day's shade says how
    many minutes were stretched (:func:`backstretch_kit.progress.days_stretched`).
    Up to a year ending at ``end`` is shown. The title gives the days stretched
    and the current streak (:func:`backstretch_kit.progress.current_streak`).

    Parameters
    ----------
    sessions
        ``SessionLog.sessions()`` (``started_at``; ``ended_at`` for the minutes).
    ax
        Axes to draw on; a new Figure sized to the weeks shown when ``None``.
    end
        Last day shown; today, in the sessions' time zone, when ``None``.
    person
        Whose calendar, when the frame holds several people.

    Returns
    -------
    matplotlib.figure.Figure
    """
    sessions = one_person(sessions, person, "adherence_calendar", ("started_at",))
    minutes = days_stretched(sessions)
    last = today(sessions["started_at"]) if end is None else as_local_day(end)
    minutes = minutes[minutes.index <= last]
    if minutes.empty:
        fig, ax = style.figure_and_axes(ax, (9.0, 2.8))
        style.show_empty(ax, "Days stretched")
        return fig

    # From the Monday of the first logged week (at most a year back) to `last`.
    first = max(minutes.index.min(), last - pd.Timedelta(days=_MAX_DAYS - 1))
    grid_start = _grid_start(first, last)
    weeks = (last - grid_start).days // 7 + 1
    fig, ax = style.figure_and_axes(ax, (min(10.5, max(6.5, 2.2 + 0.17 * weeks)), 2.7))

    _draw_squares(ax, minutes, grid_start, last)
    ax.set_xlim(0, weeks)
    ax.set_ylim(7, 0)  # Monday at the top
    ax.set_aspect("equal")
    ax.set_yticks([0.5, 2.5, 4.5], ["Mon", "Wed", "Fri"])
    ax.tick_params(length=0, labelsize=style.TICK_SIZE, labelcolor=style.INK)
    ax.xaxis.tick_top()
    ax.set_xticks(*_month_ticks(grid_start, last, weeks), ha="left")
    for spine in ax.spines.values():
        spine.set_visible(False)

    shown = (last - max(first, minutes.index.min())).days + 1
    done = int((minutes.index >= first).sum())
    streak = current_streak(sessions, end=last)
    day_word = "day" if streak == 1 else "days"
    style.set_title(
        ax, f"Stretched on {done} of {shown} days · current streak: {streak} {day_word}"
    )
    _legend(ax)
    return fig


def _grid_start(first: pd.Timestamp, last: pd.Timestamp) -> pd.Timestamp:
    """The Monday the grid starts on: the first day's week, or earlier for a short log."""
    last_monday = last - pd.Timedelta(days=last.weekday())
    return min(
        first - pd.Timedelta(days=first.weekday()),
        last_monday - pd.Timedelta(weeks=_MIN_WEEKS - 1),
    )


def _shade(minutes: float | None) -> str:
    if minutes is None:
        return style.EMPTY_DAY
    return next(colour for limit, colour, _ in _CALENDAR_BINS if minutes < limit)


def _draw_squares(
    ax: Axes, minutes: pd.Series, grid_start: pd.Timestamp, last: pd.Timestamp
) -> None:
    """One square per day from ``grid_start`` to ``last``: column = week, row = weekday."""
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Rectangle

    rects, colours = [], []
    for offset in range((last - grid_start).days + 1):
        rects.append(Rectangle((offset // 7, offset % 7), 1, 1))
        colours.append(_shade(minutes.get(grid_start + pd.Timedelta(days=offset))))
    ax.add_collection(
        PatchCollection(rects, facecolors=colours, edgecolors="white", linewidths=2.0)
    )


def _month_ticks(
    grid_start: pd.Timestamp, last: pd.Timestamp, weeks: int
) -> tuple[list[float], list[str]]:
    """Week columns and labels for the months, as on a contribution graph.

    A month's label sits over the week holding its 1st day. Januaries and the
    first label say the year, when there is room for it; a month too close to
    the previous label is left out.
    """
    months = pd.date_range(grid_start + pd.Timedelta(days=1), last, freq="MS")
    marks = [(0, grid_start), *(((m - grid_start).days // 7, m) for m in months)]
    ticks: list[float] = []
    labels: list[str] = []
    for index, (column, day) in enumerate(marks):
        if ticks and column - ticks[-1] < 3:
            continue  # no room under the previous label
        room = marks[index + 1][0] - column if index + 1 < len(marks) else weeks - column
        with_year = (day.month == 1 or index == 0) and room >= 5
        ticks.append(float(column))
        labels.append(day.strftime("%b %Y" if with_year else "%b"))
    return ticks, labels


def _legend(ax: Axes) -> None:
    """The shades in a row under the calendar, from no stretching to 20 minutes or more."""
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=style.EMPTY_DAY, label="No stretching")] + [
        Patch(facecolor=c, label=label) for _, c, label in _CALENDAR_BINS
    ]
    style.legend(
        ax,
        handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.02),
        ncols=len(handles),
        handlelength=1.0,
        columnspacing=1.2,
    )
