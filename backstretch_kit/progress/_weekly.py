"""Minutes per week and body area, and the flexibility guideline for each week."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..vocab import BODY_AREAS
from ._checks import ProgressError, one_person, require_columns
from ._days import as_local_day, local_days

#: Flexibility guidance (ACSM): about 60 s per muscle group per session, on
#: 2 to 3 or more days a week.
GUIDE_S_PER_AREA = 60.0
GUIDE_DAYS = (2, 3)


def _week_of(days: pd.Series) -> pd.Series:
    """The Monday of each day's week."""
    return days - pd.to_timedelta(days.dt.day_of_week, unit="D")


def _monday(value: dt.date | str | pd.Timestamp) -> pd.Timestamp:
    day = as_local_day(value)
    return day - pd.Timedelta(days=day.weekday())


def minutes_by_week(
    daily: pd.DataFrame,
    *,
    first: dt.date | str | pd.Timestamp | None = None,
    last: dt.date | str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Sum ``day, body_area, seconds`` rows into minutes per week and body area.

    This is the one week-by-area sum: :func:`weekly_minutes` uses it, and a
    reader that has already summed its rows (per week or per day, as a log's
    running totals are) can hand them over as they are.

    Parameters
    ----------
    daily
        ``day`` (naive midnights, local days; any day of a week stands for it),
        ``body_area`` (rows with none, such as a stretch no longer in the
        catalog, are left out) and ``seconds``.
    first, last
        Days whose weeks start and end the table, so weeks with nothing logged
        at either end are kept. By default the table runs from the first to
        the last week with any seconds.

    Returns
    -------
    pandas.DataFrame
        Index ``week`` (Mondays, every week in the span, with zeros where
        nothing was held); one column per :data:`~backstretch_kit.vocab.BODY_AREAS`
        entry, head to toe; values in minutes.
    """
    daily = daily[daily["seconds"] > 0]
    week = _week_of(pd.to_datetime(daily["day"]))
    start = week.min() if first is None else _monday(first)
    end = week.max() if last is None else _monday(last)
    columns = pd.Index(list(BODY_AREAS), name="body_area")
    if pd.isna(start) or pd.isna(end) or end < start:
        return pd.DataFrame(columns=columns, index=pd.DatetimeIndex([], name="week"), dtype=float)
    areas = pd.Categorical(daily["body_area"].astype(str), categories=BODY_AREAS, ordered=True)
    table = (
        pd.DataFrame(
            {"week": week.to_numpy(), "body_area": areas, "seconds": daily["seconds"].to_numpy()}
        )
        .pivot_table(
            index="week", columns="body_area", values="seconds", aggfunc="sum", observed=False
        )
        .reindex(columns=list(BODY_AREAS))
        .fillna(0.0)
    )
    table = table.reindex(pd.date_range(start, end, freq="7D"), fill_value=0.0) / 60
    table.index.name = "week"
    table.columns = columns
    return table


def _daily_seconds(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn holds or daily totals into ``day, body_area, seconds`` rows."""
    if {"day", "seconds"} <= set(frame.columns):
        require_columns(frame, ("day", "body_area", "seconds"), "weekly_minutes_by_area")
        days, seconds = local_days(frame["day"]), frame["seconds"]
    else:
        require_columns(frame, ("started_at", "body_area", "actual_s"), "weekly_minutes_by_area")
        days, seconds = local_days(frame["started_at"]), frame["actual_s"]
    return pd.DataFrame(
        {
            "day": days.to_numpy(),
            "body_area": frame["body_area"].to_numpy(),
            "seconds": seconds.astype(float).to_numpy(),
        }
    )


def _weekly_rows(table: pd.DataFrame) -> pd.DataFrame:
    """A ready weekly table (``SessionLog.weekly_minutes()``) as ``day, body_area, seconds``."""
    if not isinstance(table.index, pd.DatetimeIndex):
        raise ProgressError(
            "weekly_minutes_by_area: a weekly table needs week dates (Mondays) as its index, "
            f"got a {type(table.index).__name__}"
        )
    cells = table[list(BODY_AREAS)].astype(float).rename_axis(index="day", columns="body_area")
    return (cells.stack() * 60).rename("seconds").reset_index()


def weekly_minutes(frame: pd.DataFrame, person: str | None = None) -> pd.DataFrame:
    """Return minutes stretched per week (rows, Monday dates) and body area (columns).

    Accepts a holds frame (``started_at``, ``body_area``, ``actual_s``), a
    daily totals frame (``day``, ``body_area``, ``seconds``), or a ready weekly
    table (``SessionLog.weekly_minutes()``: Monday index, one column per area,
    minutes; its ``person`` was chosen when it was read). Holds count on their
    local day (:func:`local_days`). Weeks without stretching between the first
    and last are kept, with zeros. This is the table
    :func:`backstretch_kit.charts.weekly_minutes_by_area` draws.

    Raises
    ------
    ProgressError
        If a needed column is missing, the frame holds several people and
        ``person`` is not given, or ``person`` is given for a weekly table.
    """
    if set(BODY_AREAS) <= set(map(str, frame.columns)):
        if person is not None:
            raise ProgressError(
                "weekly_minutes_by_area: a weekly table has no person column to choose from; "
                f"read it for {person!r} with SessionLog.weekly_minutes(person=...)"
            )
        # Through the same sum as holds: empty weeks at the ends go, gaps stay.
        return minutes_by_week(_weekly_rows(frame))
    frame = one_person(frame, person, "weekly_minutes_by_area")
    return minutes_by_week(_daily_seconds(frame))


def weekly_guideline(table: pd.DataFrame) -> pd.DataFrame:
    """Return the flexibility guideline for each week of a :func:`weekly_minutes` table.

    About 1 minute (:data:`GUIDE_S_PER_AREA`) per area stretched that week per
    session, on 2 to 3 days (:data:`GUIDE_DAYS`): a week that works 4 areas
    has a guideline of 8 to 12 minutes.

    Returns
    -------
    pandas.DataFrame
        Same index; ``areas`` (how many areas were stretched), ``low_min`` and
        ``high_min``.
    """
    areas = (table > 0).sum(axis=1)
    per_day = areas * GUIDE_S_PER_AREA / 60
    return pd.DataFrame(
        {"areas": areas, "low_min": per_day * GUIDE_DAYS[0], "high_min": per_day * GUIDE_DAYS[1]},
        index=table.index,
    )
