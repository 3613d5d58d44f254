"""Charts of routines and stretching logs, all in one look.

Every chart takes data (a :class:`~backstretch_kit.routine.Routine`, or the
DataFrames a :class:`~backstretch_kit.log.SessionLog` returns) and an optional
matplotlib Axes, and returns the Figure it drew on. Nothing is shown or saved:
display the Figure in a notebook, or call ``fig.savefig(...)``. Without an Axes
each chart makes a plain :class:`matplotlib.figure.Figure` (not pyplot), so no
global state is touched and nothing needs closing.

Every body area has one colour (:data:`backstretch_kit.vocab.AREA_COLOURS`,
safe for common colour-vision deficiencies), the same in every chart. With no
data a chart says so ("No stretching logged yet") instead of raising.

Examples
--------
>>> from backstretch_kit import charts, demo
>>> sessions, holds = demo.sample_log(days=60, start="2026-01-05")
>>> fig = charts.weekly_minutes_by_area(holds)
>>> fig.savefig("weekly.png", dpi=110)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from . import _chart_style as style
from .guidance import NOT_EASING_WEEKS, PAIN_CHANGE_THAT_MATTERS
from .vocab import BODY_AREAS

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .routine import Routine

__all__ = [
    "ChartError",
    "MEANINGFUL_CHANGE",
    "PAIN_WEEKS",
    "adherence_calendar",
    "current_streak",
    "pain_not_eased_since",
    "pain_trend",
    "routine_time_by_area",
    "save_demo_charts",
    "side_balance",
    "side_table",
    "weekly_minutes",
    "weekly_minutes_by_area",
]

#: Points on the 0-10 pain scale: about the smallest change that matters to a
#: person with low back pain.
MEANINGFUL_CHANGE = float(PAIN_CHANGE_THAT_MATTERS)

#: Pain lasting longer than this without easing is worth discussing with a
#: doctor or physiotherapist: the one figure the guidance uses too.
PAIN_WEEKS = NOT_EASING_WEEKS

#: Below this level (0-10) pain is mild enough that "not eased" raises no marker.
PAIN_PRESENT = 3.0

#: Flexibility guidance (ACSM): about 60 s per muscle group per session, on
#: 2 to 3 or more days a week.
GUIDE_S_PER_AREA = 60.0
GUIDE_DAYS = (2, 3)

_RECENT_DAYS = 14
_CALENDAR_MIN_WEEKS = 16
_WEEKLY_MIN_WEEKS = 8
_RECENT_MIN_SCORES = 3

PAIN_ADVICE = "Pain has not eased in {weeks} weeks:\ntalk to a doctor or physiotherapist"

# Calendar shades, light to dark (ColorBrewer YlGnBu, readable with colour-vision
# deficiencies), kept apart from the body-area colours so they mean "how much".
_CALENDAR_BINS: tuple[tuple[float, str, str], ...] = (
    (5.0, "#C7E9B4", "Under 5 min"),
    (10.0, "#7FCDBB", "5 to 10 min"),
    (20.0, "#2C7FB8", "10 to 20 min"),
    (math.inf, "#253494", "20 min or more"),
)

_BEFORE_COLOUR = "#333333"
_AFTER_COLOUR = "#0072B2"
_BAND_COLOUR = "#DDDDDD"
_GUIDE_COLOUR = "#222222"
_ADVICE_COLOUR = "#A6471A"


class ChartError(ValueError):
    """Data a chart cannot draw: a missing column, or several people at once."""


# -- shared helpers ---------------------------------------------------------------------
def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        have = ", ".join(map(str, frame.columns)) or "none"
        raise ChartError(f"{what}: missing column(s) {', '.join(missing)}; the frame has {have}")


def _one_person(frame: pd.DataFrame, person: str | None, what: str) -> pd.DataFrame:
    """Keep one person's rows; refuse to mix several people in one chart."""
    if "person" not in frame.columns:
        return frame
    if person is not None:
        return frame[frame["person"] == person]
    people = sorted(map(str, frame["person"].dropna().unique()))
    if len(people) > 1:
        raise ChartError(
            f"{what}: the data holds {len(people)} people ({', '.join(people)}); "
            "pass person=... to chart one of them"
        )
    return frame


def _local_days(stamps: pd.Series) -> pd.Series:
    """Calendar day (naive midnight) of each timestamp, in the timestamp's own time zone."""
    stamps = pd.to_datetime(stamps)
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    return stamps.dt.normalize()


def _local_times(stamps: pd.Series) -> pd.Series:
    """Wall-clock times without the zone, so matplotlib labels them as people saw them."""
    stamps = pd.to_datetime(stamps)
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    return stamps


def _today(stamps: pd.Series) -> pd.Timestamp:
    tz = getattr(pd.to_datetime(stamps).dt, "tz", None) if len(stamps) else None
    return pd.Timestamp.now(tz=tz).tz_localize(None).normalize()


def _as_day(value: dt.date | str | pd.Timestamp) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return stamp.normalize()


def _area_handles(areas: list[str]) -> list:
    from matplotlib.patches import Patch

    return [Patch(facecolor=style.area_colour(a), label=a.capitalize()) for a in areas]


# -- 1. a routine's time by body area -----------------------------------------------------
def routine_time_by_area(routine: Routine, ax: Axes | None = None) -> Figure:
    """Show where a routine spends its time, minutes per body area.

    Each body area is a horizontal bar, head to toe from the top: the solid part
    is time holding stretches, the light part the time around them (getting
    ready, resting between repetitions, switching sides, moving on). Areas the
    routine leaves out stay on the chart with no bar, so gaps are visible.

    Parameters
    ----------
    routine
        Anything with ``name``, ``time_by_area()`` (the
        :meth:`~backstretch_kit.routine.Routine.time_by_area` frame) and
        ``total_seconds()``.
    ax
        Axes to draw on; a new Figure when ``None``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.patches import Patch

    fig, ax = style.figure_and_axes(ax, (9.0, 4.2))
    table = routine.time_by_area().reindex(list(BODY_AREAS), fill_value=0.0)
    total_s = float(routine.total_seconds())
    title = f"{routine.name}: {style.format_minutes(total_s)} in total"
    if total_s <= 0:
        style.show_empty(ax, title, "This routine has no stretches yet")
        return fig

    rows = range(len(BODY_AREAS))
    hold_min = table["hold_s"].to_numpy(dtype=float) / 60
    other_min = table["other_s"].to_numpy(dtype=float) / 60
    colours = [style.area_colour(a) for a in BODY_AREAS]
    ax.barh(rows, hold_min, color=colours, height=0.7, label="holding")
    ax.barh(
        rows,
        other_min,
        left=hold_min,
        color=[style.tint(c, 0.65) for c in colours],
        edgecolor=colours,
        linewidth=0.8,
        height=0.7,
        label="around the holds",
    )
    for row, seconds in zip(rows, table["total_s"], strict=True):
        if seconds > 0:
            ax.text(
                (hold_min[row] + other_min[row]) + 0.02 * (hold_min + other_min).max(),
                row,
                style.format_minutes(seconds),
                va="center",
                fontsize=style.TICK_SIZE,
                color=style.INK,
            )
    ax.set_yticks(list(rows), [a.capitalize() for a in BODY_AREAS])
    for label, seconds in zip(ax.get_yticklabels(), table["total_s"], strict=True):
        if seconds <= 0:
            label.set_color(style.MUTED)
    ax.invert_yaxis()  # head at the top
    ax.set_xlim(0, (hold_min + other_min).max() * 1.18)
    style.style_axes(ax, grid_axis="x")
    style.set_labels(ax, x="Minutes")
    style.set_title(ax, title)
    grey = "#777777"
    style.legend(
        ax,
        [
            Patch(facecolor=grey, label="Holding the stretch"),
            Patch(
                facecolor=style.tint(grey, 0.65),
                edgecolor=grey,
                label="Getting ready, resting,\nswitching sides",
            ),
        ],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
    )
    return fig


# -- 2. weekly minutes by body area -------------------------------------------------------
def _daily_seconds(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn holds or daily totals into ``day, body_area, seconds`` rows."""
    if {"day", "seconds"} <= set(frame.columns):
        _require(frame, ("day", "body_area", "seconds"), "weekly_minutes_by_area")
        days = pd.to_datetime(frame["day"])
        if getattr(days.dt, "tz", None) is not None:
            days = days.dt.tz_localize(None)
        days = days.dt.normalize()
        seconds = frame["seconds"].astype(float)
    else:
        _require(frame, ("started_at", "body_area", "actual_s"), "weekly_minutes_by_area")
        days = _local_days(frame["started_at"])
        seconds = frame["actual_s"].astype(float)
    areas = pd.Categorical(frame["body_area"].astype(str), categories=BODY_AREAS, ordered=True)
    return pd.DataFrame({"day": days.to_numpy(), "body_area": areas, "seconds": seconds.to_numpy()})


def _weekly_table(table: pd.DataFrame) -> pd.DataFrame:
    """Check and tidy a ready weekly table (``SessionLog.weekly_minutes()``)."""
    if not isinstance(table.index, pd.DatetimeIndex):
        raise ChartError(
            "weekly_minutes_by_area: a weekly table needs week dates (Mondays) as its index, "
            f"got a {type(table.index).__name__}"
        )
    table = table[list(BODY_AREAS)].astype(float)
    nonzero = table.index[table.sum(axis=1) > 0]
    if nonzero.empty:
        return pd.DataFrame(columns=list(BODY_AREAS), dtype=float)
    # Trim empty weeks at the ends, as for holds; keep the gaps between.
    table = table.loc[nonzero.min() : nonzero.max()]
    table.columns = pd.Index(list(BODY_AREAS), name="body_area")
    return table


def weekly_minutes(frame: pd.DataFrame, person: str | None = None) -> pd.DataFrame:
    """Return minutes stretched per week (rows, Monday dates) and body area (columns).

    Accepts a holds frame (``started_at``, ``body_area``, ``actual_s``), a
    daily totals frame (``day``, ``body_area``, ``seconds``), or a ready weekly
    table (``SessionLog.weekly_minutes()``: Monday index, one column per area,
    minutes; its ``person`` was chosen when it was read). Weeks without
    stretching between the first and last are kept, with zeros. This is the
    table :func:`weekly_minutes_by_area` draws.
    """
    if set(BODY_AREAS) <= set(map(str, frame.columns)):
        if person is not None:
            raise ChartError(
                "weekly_minutes_by_area: a weekly table has no person column to choose from; "
                f"read it for {person!r} with SessionLog.weekly_minutes(person=...)"
            )
        return _weekly_table(frame)
    frame = _one_person(frame, person, "weekly_minutes_by_area")
    daily = _daily_seconds(frame)
    daily = daily[daily["seconds"] > 0]
    if daily.empty:
        return pd.DataFrame(columns=list(BODY_AREAS), dtype=float)
    week = daily["day"] - pd.to_timedelta(daily["day"].dt.day_of_week, unit="D")
    table = (
        daily.assign(week=week)
        .pivot_table(
            index="week", columns="body_area", values="seconds", aggfunc="sum", observed=False
        )
        .reindex(columns=list(BODY_AREAS))
        .fillna(0.0)
    )
    weeks = pd.date_range(table.index.min(), table.index.max(), freq="7D")
    table = table.reindex(weeks, fill_value=0.0) / 60
    table.index.name = "week"
    table.columns = pd.Index(list(BODY_AREAS), name="body_area")
    return table


def weekly_minutes_by_area(
    holds: pd.DataFrame, ax: Axes | None = None, *, person: str | None = None
) -> Figure:
    """Stack each week's minutes of stretching by body area, with the guideline.

    The grey band is the flexibility guideline for the areas stretched that
    week: about 1 minute per area per session, on 2 to 3 days a week (so a week
    that works 4 areas has a band from 8 to 12 minutes). Bars reaching the band
    meet the guideline for the areas you chose.

    Parameters
    ----------
    holds
        ``SessionLog.holds()`` (``started_at``, ``body_area``, ``actual_s``),
        ``SessionLog.daily_totals()`` (``day``, ``body_area``, ``seconds``), or
        ``SessionLog.weekly_minutes()`` (the fastest on a long log: it never
        reads single holds).
    ax
        Axes to draw on; a new Figure when ``None``.
    person
        Whose weeks to show, when the frame holds several people.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ChartError
        If a needed column is missing, or several people are present and
        ``person`` is not given.
    """
    import matplotlib.dates as mdates
    import numpy as np
    from matplotlib import patheffects
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Patch

    fig, ax = style.figure_and_axes(ax, (10.0, 4.6))
    title = "Minutes of stretching each week, by body area"
    table = weekly_minutes(holds, person)
    if table.empty:
        style.show_empty(ax, title)
        return fig

    left = mdates.date2num(table.index.to_pydatetime())
    width = 6.0  # days; a one-day gap keeps the weeks apart
    x = left + 0.5
    bottom = np.zeros(len(table))
    present = [a for a in BODY_AREAS if table[a].sum() > 0]
    # Stack toes first so the neck lands on top, the way the body stands.
    # One collection of rectangles per area: a year is 400+ bars, and single bar
    # patches would cost ax.bar a limit update each (most of the drawing time).
    for area in reversed(present):
        heights = table[area].to_numpy()
        shown = heights > 0
        x0, y0, y1 = x[shown], bottom[shown], bottom[shown] + heights[shown]
        corners = np.stack(
            [
                np.column_stack([x0, y0]),
                np.column_stack([x0, y1]),
                np.column_stack([x0 + width, y1]),
                np.column_stack([x0 + width, y0]),
            ],
            axis=1,
        )
        bars = PolyCollection(
            corners, facecolors=style.area_colour(area), edgecolors="none", label=area
        )
        ax.add_collection(bars, autolim=False)
        bottom = bottom + heights

    areas_worked = (table > 0).sum(axis=1).to_numpy()
    edges = list(left) + [left[-1] + 7]
    low = list(areas_worked * GUIDE_S_PER_AREA * GUIDE_DAYS[0] / 60)
    high = list(areas_worked * GUIDE_S_PER_AREA * GUIDE_DAYS[1] / 60)
    # The band sits behind the bars (visible on short weeks); its edges are drawn
    # over them, with a white halo, so the guideline stays readable on tall weeks.
    low_edge, high_edge = low + low[-1:], high + high[-1:]
    ax.fill_between(
        edges, low_edge, high_edge, step="post", color=_BAND_COLOUR, linewidth=0, zorder=0.5
    )
    halo = [patheffects.withStroke(linewidth=3.2, foreground="white")]
    worked = areas_worked > 0
    for edge in (low, high):
        ax.hlines(
            [e for e, w in zip(edge, worked, strict=True) if w],
            x[worked] - 0.4,
            x[worked] + width + 0.4,
            color=_GUIDE_COLOUR,
            linewidth=1.3,
            linestyles=[(0, (4, 2))],
            path_effects=halo,
            zorder=3,
        )

    locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    # At least 8 weeks wide, so a first week's bar looks like a bar, not a wall.
    ax.set_xlim(min(left[0], left[-1] - 7 * (_WEEKLY_MIN_WEEKS - 1)) - 3, left[-1] + 10)
    ax.set_ylim(0, max(bottom.max(), max(high)) * 1.12)
    style.style_axes(ax, grid_axis="y")
    style.set_labels(ax, y="Minutes per week")
    style.set_title(ax, title)
    guide = Patch(
        facecolor=_BAND_COLOUR,
        edgecolor=_GUIDE_COLOUR,
        linestyle=(0, (4, 2)),
        label="Guideline: about 1 min per area\nyou stretch, 2 to 3 days a week",
    )
    style.legend(ax, [*_area_handles(present), guide], loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


# -- 3. adherence calendar ----------------------------------------------------------------
def _days_stretched(sessions: pd.DataFrame) -> pd.Series:
    """Minutes stretched per local day (index: naive midnights), for days with a session."""
    if sessions.empty:
        return pd.Series(dtype=float, index=pd.DatetimeIndex([]))
    days = _local_days(sessions["started_at"])
    minutes = pd.Series(0.0, index=sessions.index)
    if "ended_at" in sessions.columns:
        length = pd.to_datetime(sessions["ended_at"]) - pd.to_datetime(sessions["started_at"])
        minutes = (length.dt.total_seconds() / 60).fillna(0.0).clip(lower=0.0)
    return minutes.groupby(days.to_numpy()).sum()


def current_streak(
    sessions: pd.DataFrame,
    end: dt.date | str | None = None,
    *,
    person: str | None = None,
) -> int:
    """Count the days in a row, up to ``end``, with at least one session.

    A day with no session yet does not break the streak while it is still
    ``end`` (today is not over): counting then starts from the day before.

    Parameters
    ----------
    sessions
        ``SessionLog.sessions()`` (needs ``started_at``).
    end
        The day to count back from; today, in the sessions' time zone, when ``None``.
    person
        Whose streak, when the frame holds several people.
    """
    sessions = _one_person(sessions, person, "current_streak")
    _require(sessions, ("started_at",), "current_streak")
    stretched = set(_days_stretched(sessions).index)
    day = _today(sessions["started_at"]) if end is None else _as_day(end)
    if day not in stretched:
        day -= pd.Timedelta(days=1)
    streak = 0
    while day in stretched:
        streak += 1
        day -= pd.Timedelta(days=1)
    return streak


def adherence_calendar(
    sessions: pd.DataFrame,
    ax: Axes | None = None,
    end: dt.date | str | None = None,
    *,
    person: str | None = None,
) -> Figure:
    """Draw a calendar of the days stretched, like a contribution graph.

    Columns are weeks (Monday first), rows are weekdays; a day's shade says how
    many minutes were stretched. Up to a year ending at ``end`` is shown. The
    title gives the days stretched and the current streak
    (:func:`current_streak`).

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
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Patch, Rectangle

    sessions = _one_person(sessions, person, "adherence_calendar")
    _require(sessions, ("started_at",), "adherence_calendar")
    minutes = _days_stretched(sessions)
    last = _today(sessions["started_at"]) if end is None else _as_day(end)
    minutes = minutes[minutes.index <= last]
    if minutes.empty:
        fig, ax = style.figure_and_axes(ax, (9.0, 2.8))
        style.show_empty(ax, "Days stretched")
        return fig

    # From the Monday of the first logged week (at most a year back) to `last`.
    first = max(minutes.index.min(), last - pd.Timedelta(days=364))
    # At least 16 weeks, so a new log still looks like a calendar, not a stripe.
    last_monday = last - pd.Timedelta(days=last.weekday())
    grid_start = min(
        first - pd.Timedelta(days=first.weekday()),
        last_monday - pd.Timedelta(weeks=_CALENDAR_MIN_WEEKS - 1),
    )
    weeks = (last - grid_start).days // 7 + 1
    fig, ax = style.figure_and_axes(ax, (min(10.5, max(6.5, 2.2 + 0.17 * weeks)), 2.7))

    rects, colours = [], []
    for offset in range((last - grid_start).days + 1):
        day = grid_start + pd.Timedelta(days=offset)
        value = minutes.get(day)
        if value is None:
            colour = style.EMPTY_DAY
        else:
            colour = next(c for limit, c, _ in _CALENDAR_BINS if value < limit)
        rects.append(Rectangle((offset // 7, offset % 7), 1, 1))
        colours.append(colour)
    ax.add_collection(
        PatchCollection(rects, facecolors=colours, edgecolors="white", linewidths=2.0)
    )
    ax.set_xlim(0, weeks)
    ax.set_ylim(7, 0)  # Monday at the top
    ax.set_aspect("equal")
    ax.set_yticks([0.5, 2.5, 4.5], ["Mon", "Wed", "Fri"])
    ax.tick_params(length=0, labelsize=style.TICK_SIZE, labelcolor=style.INK)
    ax.xaxis.tick_top()
    # A month's label sits over the week holding its 1st day, as on a contribution graph.
    # Januaries and the first label say the year, when there is room for it.
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
    ax.set_xticks(ticks, labels, ha="left")
    for spine in ax.spines.values():
        spine.set_visible(False)

    shown = (last - max(first, minutes.index.min())).days + 1
    done = int((minutes.index >= first).sum())
    streak = current_streak(sessions, end=last)
    day_word = "day" if streak == 1 else "days"
    style.set_title(
        ax, f"Stretched on {done} of {shown} days · current streak: {streak} {day_word}"
    )
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
    return fig


# -- 4. pain trend ------------------------------------------------------------------------
def _daily_pain(sessions: pd.DataFrame, column: str) -> pd.Series:
    values = sessions[column].astype(float)
    keep = values.notna()
    days = _local_days(sessions.loc[keep, "started_at"])
    return values[keep].groupby(days.to_numpy()).mean().sort_index()


def _pain_baseline(daily_before: pd.Series) -> float:
    """Mean pain before stretching over the first week of scores."""
    first = daily_before.index.min()
    return float(daily_before[daily_before.index < first + pd.Timedelta(days=7)].mean())


def pain_not_eased_since(
    sessions: pd.DataFrame, *, person: str | None = None
) -> pd.Timestamp | None:
    """Return the first day pain had lasted 3 weeks without easing by 2 points, or None.

    The rule: take the mean pain before stretching over the first week of
    scores. From 3 weeks (:data:`PAIN_WEEKS`) after the first score on, look at
    the mean of the last 14 days (once 3 or more days in them have scores). If
    it is still at least :data:`PAIN_PRESENT` (3 out of 10) and has not dropped
    by :data:`MEANINGFUL_CHANGE` (2 points) from the first week, that day is
    returned: pain that lasts this long is worth talking over with a doctor or
    physiotherapist.

    Parameters
    ----------
    sessions
        ``SessionLog.sessions()`` (``started_at``, ``pain_before``).
    person
        Whose pain, when the frame holds several people.

    Returns
    -------
    pandas.Timestamp or None
        A naive midnight (the local day), or ``None`` when pain eased, is mild,
        or has not been logged for 3 weeks yet.
    """
    sessions = _one_person(sessions, person, "pain_not_eased_since")
    _require(sessions, ("started_at", "pain_before"), "pain_not_eased_since")
    daily = _daily_pain(sessions, "pain_before")
    if daily.empty:
        return None
    baseline = _pain_baseline(daily)
    # Two weeks of at least 3 scored days, so one bad day after a break is no trend.
    recent = daily.rolling(f"{_RECENT_DAYS}D", min_periods=_RECENT_MIN_SCORES).mean()
    due = daily.index.min() + pd.Timedelta(weeks=PAIN_WEEKS)
    recent = recent[recent.index >= due]
    flagged = recent[(recent >= PAIN_PRESENT) & (recent > baseline - MEANINGFUL_CHANGE)]
    return None if flagged.empty else pd.Timestamp(flagged.index[0])


def pain_trend(
    sessions: pd.DataFrame, ax: Axes | None = None, *, person: str | None = None
) -> Figure:
    """Plot pain before and after stretching over time, with what counts as a change.

    Dots are single scores, lines their 7-day average. The grey band spans
    2 points (:data:`MEANINGFUL_CHANGE`) either side of the first week's pain
    before stretching: movement inside it may be day-to-day ups and downs, a
    line leaving it below is a change that matters. Where pain has lasted
    3 weeks without easing (:func:`pain_not_eased_since`) a marker says to talk
    to a doctor or physiotherapist.

    Parameters
    ----------
    sessions
        ``SessionLog.sessions()`` (``started_at``, ``pain_before``, ``pain_after``).
    ax
        Axes to draw on; a new Figure when ``None``.
    person
        Whose pain, when the frame holds several people.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    sessions = _one_person(sessions, person, "pain_trend")
    _require(sessions, ("started_at", "pain_before", "pain_after"), "pain_trend")
    fig, ax = style.figure_and_axes(ax, (10.0, 4.6))
    title = "Pain before and after stretching"
    scored = sessions[sessions["pain_before"].notna() | sessions["pain_after"].notna()]
    if scored.empty:
        style.show_empty(ax, title, "No pain scores logged yet")
        return fig

    times = _local_times(scored["started_at"])
    handles = []
    for column, colour, label, face in (
        ("pain_before", _BEFORE_COLOUR, "Before stretching", _BEFORE_COLOUR),
        ("pain_after", _AFTER_COLOUR, "After stretching", "white"),
    ):
        values = scored[column].astype(float)
        ax.plot(
            times,
            values,
            linestyle="none",
            marker="o",
            markersize=3.5,
            markerfacecolor=face,
            markeredgecolor=colour,
            alpha=0.45,
            label=f"{label} (each session)",
        )
        daily = _daily_pain(scored, column)
        if not daily.empty:
            smooth = daily.rolling("7D").mean()
            # Centre each day's average at midday so it runs through that day's dots.
            ax.plot(
                smooth.index + pd.Timedelta(hours=12),
                smooth.to_numpy(),
                color=colour,
                linewidth=2.2,
                linestyle="-" if column == "pain_before" else "--",
                label=f"{label}, 7-day average",
            )
        handles.append(
            Line2D(
                [],
                [],
                color=colour,
                linewidth=2.2,
                linestyle="-" if column == "pain_before" else "--",
                marker="o",
                markersize=5,
                markerfacecolor=face,
                label=label,
            )
        )

    before = _daily_pain(scored, "pain_before")
    # At least two weeks wide, so a first score sits on a scale of days, not hours.
    span_end = times.max() + pd.Timedelta(days=1)
    span_start = min(times.min() - pd.Timedelta(days=1), span_end - pd.Timedelta(days=14))
    if not before.empty:
        baseline = _pain_baseline(before)
        ax.axhspan(
            max(0.0, baseline - MEANINGFUL_CHANGE),
            min(10.0, baseline + MEANINGFUL_CHANGE),
            color=_BAND_COLOUR,
            alpha=0.6,
            linewidth=0,
            zorder=0,
        )
        handles.append(
            Patch(
                facecolor=_BAND_COLOUR,
                label="Within 2 points of your first week:\nnot yet a change that matters",
            )
        )

    since = pain_not_eased_since(scored)
    if since is not None:
        x = since + pd.Timedelta(hours=12)
        ax.axvline(x, color=_ADVICE_COLOUR, linewidth=1.5, linestyle=":", zorder=3)
        ax.plot([x], [9.6], marker="v", markersize=9, color=_ADVICE_COLOUR, zorder=4)
        right_half = x > span_start + (span_end - span_start) / 2
        ax.annotate(
            PAIN_ADVICE.format(weeks=PAIN_WEEKS),
            xy=(x, 9.6),
            xytext=(-10 if right_half else 10, 0),
            textcoords="offset points",
            ha="right" if right_half else "left",
            va="center",
            fontsize=style.TICK_SIZE,
            color=_ADVICE_COLOUR,
            bbox={"boxstyle": "round,pad=0.4", "facecolor": "white", "edgecolor": _ADVICE_COLOUR},
            zorder=5,
        )

    ax.set_ylim(0, 10.4)
    ax.set_yticks(range(0, 11, 2))
    ax.set_xlim(span_start, span_end)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    style.style_axes(ax, grid_axis="y")
    style.set_labels(ax, y="Pain (0 = none, 10 = worst)")
    style.set_title(ax, title)
    style.legend(ax, handles, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


# -- 5. side balance ----------------------------------------------------------------------
def _stretch_names(holds: pd.DataFrame, ids: pd.Index, stretches: pd.DataFrame | None) -> pd.Series:
    """Names for stretch ids: the holds' own ``name`` column, else the catalog, else the id."""
    known: dict[str, str] = {}
    if stretches is None and "name" not in holds.columns:
        from .catalog import load_stretches

        stretches = load_stretches()
    if stretches is not None:
        known.update({str(k): str(v) for k, v in stretches["name"].items()})
    if "name" in holds.columns:
        named = holds.dropna(subset=["name"]).drop_duplicates("stretch_id")
        known.update(zip(named["stretch_id"].astype(str), named["name"].astype(str), strict=True))
    return pd.Series([known.get(str(i), str(i)) for i in ids], index=ids)


def side_table(
    holds: pd.DataFrame, *, person: str | None = None, stretches: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return minutes held on the left and right per each-side stretch.

    Rows are stretches in body-area order (head to toe), then by name; columns
    ``name``, ``body_area``, ``left_min``, ``right_min``. This is the table
    :func:`side_balance` draws. Names come from the holds' ``name`` column
    (``SessionLog.holds()`` has one), else from ``stretches`` (the shipped
    catalog when ``None``); a stretch neither knows shows its id.
    """
    holds = _one_person(holds, person, "side_balance")
    _require(holds, ("stretch_id", "body_area", "side", "actual_s"), "side_balance")
    sided = holds[holds["side"].isin(["left", "right"])]
    columns = ["name", "body_area", "left_min", "right_min"]
    if sided.empty:
        return pd.DataFrame(columns=columns)
    minutes = (
        sided.pivot_table(
            index="stretch_id", columns="side", values="actual_s", aggfunc="sum", observed=True
        )
        .reindex(columns=["left", "right"])
        .fillna(0.0)
        / 60
    )
    area = sided.groupby("stretch_id", observed=True)["body_area"].first().astype(str)
    names = _stretch_names(sided, minutes.index, stretches)
    table = pd.DataFrame(
        {
            "name": names,
            "body_area": pd.Categorical(area.reindex(minutes.index), categories=BODY_AREAS),
            "left_min": minutes["left"],
            "right_min": minutes["right"],
        }
    )
    return table.sort_values(["body_area", "name"], kind="stable")


def side_balance(
    holds: pd.DataFrame,
    ax: Axes | None = None,
    *,
    person: str | None = None,
    stretches: pd.DataFrame | None = None,
) -> Figure:
    """Compare the minutes held on the left and the right side, per stretch.

    Only stretches done one side at a time appear. Left-side minutes grow to
    the left of the centre line, right-side minutes to the right, in the body
    area's colour; where one side got noticeably less (over 5 %), the end of
    the row says which side and by how much.

    Parameters
    ----------
    holds
        ``SessionLog.holds()`` (``stretch_id``, ``body_area``, ``side``, ``actual_s``).
    ax
        Axes to draw on; a new Figure sized to the stretches when ``None``.
    person
        Whose holds, when the frame holds several people.
    stretches
        Catalog for the stretch names, when ``holds`` has no ``name`` column
        (the shipped catalog when ``None``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.ticker import FuncFormatter

    table = side_table(holds, person=person, stretches=stretches)
    title = "Left and right sides: minutes held per stretch"
    fig, ax = style.figure_and_axes(ax, (10.0, max(3.0, 1.4 + 0.42 * len(table))))
    if table.empty:
        style.show_empty(ax, title, "No stretches done one side at a time logged yet")
        return fig

    rows = list(range(len(table)))
    colours = [style.area_colour(str(a)) for a in table["body_area"]]
    left = table["left_min"].to_numpy()
    right = table["right_min"].to_numpy()
    ax.barh(rows, -left, color=colours, height=0.66, label="left")
    ax.barh(rows, right, color=colours, height=0.66, label="right")
    ax.axvline(0, color=style.INK, linewidth=1.0)
    reach = max(left.max(), right.max())
    for row, (lv, rv) in enumerate(zip(left, right, strict=True)):
        larger = max(lv, rv)
        gap = 0.0 if larger == 0 else (larger - min(lv, rv)) / larger
        if gap > 0.05:
            side = "left" if lv < rv else "right"
            note = f"{side} {gap:.0%} less"
            colour = style.INK
        else:
            note, colour = "even", style.MUTED
        ax.text(reach * 1.06, row, note, va="center", fontsize=style.TICK_SIZE, color=colour)
    ax.set_yticks(rows, list(table["name"]))
    ax.set_ylim(len(rows) - 0.5, -1.0)  # head to toe from the top, room for the side names
    ax.set_xlim(-reach * 1.08, reach * 1.5)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{abs(value):g}"))
    # The axis stops where the bars can reach; the notes column needs no scale.
    ax.set_xticks([t for t in ax.get_xticks() if abs(t) <= reach * 1.001])
    ax.spines["bottom"].set_bounds(-reach * 1.08, reach)
    style.style_axes(ax, grid_axis="x")
    style.set_labels(ax, x="Minutes held")
    for x, text, align in ((-reach, "◀ Left side", "left"), (reach, "Right side ▶", "right")):
        ax.text(
            x,
            -0.75,
            text,
            ha=align,
            va="bottom",
            fontsize=style.LABEL_SIZE,
            color=style.INK,
            transform=ax.transData,
        )
    style.set_title(ax, title)
    present = [a for a in BODY_AREAS if a in set(table["body_area"].astype(str))]
    style.legend(ax, _area_handles(present), loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


# -- the pictures in the docs -------------------------------------------------------------
def save_demo_charts(folder: str | Path, *, seed: int = 0, dpi: int = 110) -> list[Path]:
    """Draw every chart from seeded demo data and save them as PNGs in ``folder``.

    This regenerates the pictures under ``docs/charts/``. The demo log (Alex,
    whose pain eases, and Sam, whose pain does not) covers the 120 days up to a
    fixed date, so the pictures are the same on every run; the routine chart
    shows the shipped "lower-back" routine.

    Returns
    -------
    list of pathlib.Path
        The files written: ``routine-time-by-area.png``,
        ``weekly-minutes-by-area.png``, ``adherence-calendar.png``,
        ``pain-trend.png`` (Alex), ``pain-trend-not-easing.png`` (Sam) and
        ``side-balance.png``.
    """
    from . import demo
    from .routine import load_routine

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    end = pd.Timestamp("2026-03-31")
    start = end - pd.Timedelta(days=119)
    sessions, holds = demo.sample_log(("Alex", "Sam"), days=120, seed=seed, start=start)
    figures = {
        "routine-time-by-area.png": routine_time_by_area(load_routine("lower-back")),
        "weekly-minutes-by-area.png": weekly_minutes_by_area(holds, person="Alex"),
        "adherence-calendar.png": adherence_calendar(sessions, end=end, person="Alex"),
        "pain-trend.png": pain_trend(sessions, person="Alex"),
        "pain-trend-not-easing.png": pain_trend(sessions, person="Sam"),
        "side-balance.png": side_balance(holds, person="Alex"),
    }
    written = []
    for name, fig in figures.items():
        path = folder / name
        fig.savefig(path, dpi=dpi, facecolor="white")
        written.append(path)
    return written
