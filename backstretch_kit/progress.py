"""The tables behind the charts: what the stretching adds up to, with no drawing.

Every function here takes the DataFrames a :class:`~backstretch_kit.log.SessionLog`
returns (or :func:`backstretch_kit.demo.sample_log` makes) and gives back a plain
table or number: minutes per week and body area, left against right, the days
stretched and the streak, pain per day and whether it has eased. The charts in
:mod:`backstretch_kit.charts` draw these tables; notebooks and widgets may read
them directly. Only pandas is needed, never matplotlib.

The day rule
------------
A timestamp counts on the calendar day of its own clock: a hold at 23:30 in
UTC+2 counts on that day, though it is 21:30 in UTC, and 00:30 there counts on
the new day, though UTC is still on the old one. This is the day a person would
say they stretched, and the one ``SessionLog.daily_totals()`` stores.
:func:`local_times` is the one place that rule lives; every table goes through
it. Naive timestamps are taken as wall-clock times already.

Examples
--------
>>> from backstretch_kit import demo, progress
>>> sessions, holds = demo.sample_log(days=28, start="2026-01-05")
>>> weeks = progress.weekly_minutes(holds)
>>> [str(week.date()) for week in weeks.index]
['2026-01-05', '2026-01-12', '2026-01-19', '2026-01-26']
>>> progress.current_streak(sessions, end="2026-02-01") >= 0
True
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from .guidance import NOT_EASING_WEEKS, PAIN_CHANGE_THAT_MATTERS
from .vocab import BODY_AREAS

__all__ = [
    "GUIDE_DAYS", "GUIDE_S_PER_AREA", "MEANINGFUL_CHANGE", "PAIN_PRESENT", "PAIN_WEEKS",
    "ProgressError", "as_local_day", "current_streak", "daily_pain", "days_stretched",
    "local_days", "local_times", "minutes_by_week", "one_person", "pain_baseline",
    "pain_not_eased_since", "require_columns", "side_table", "today", "weekly_guideline",
    "weekly_minutes",
]  # fmt: skip

#: Points on the 0-10 pain scale: about the smallest change that matters to a
#: person with low back pain (the guidance's figure, so it is defined once).
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

# "Not eased" looks at the mean of the last two weeks, once it has 3 scored days,
# so one bad day after a break is no trend.
_RECENT_DAYS = 14
_RECENT_MIN_SCORES = 3


class ProgressError(ValueError):
    """Data a table (and so a chart) cannot be made from: a missing column, several people.

    :class:`backstretch_kit.charts.ChartError` is this same class: the charts
    refuse exactly what their tables refuse.
    """


# -- checks shared by every table -------------------------------------------------------
def require_columns(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    """Raise :class:`ProgressError` naming the columns ``frame`` lacks, and those it has."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        have = ", ".join(map(str, frame.columns)) or "none"
        raise ProgressError(f"{what}: missing column(s) {', '.join(missing)}; the frame has {have}")


def one_person(
    frame: pd.DataFrame, person: str | None, what: str, needs: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Keep one person's rows, with the columns ``what`` needs; refuse to mix people.

    A frame without a ``person`` column is taken as one person's.

    Raises
    ------
    ProgressError
        If the frame holds several people and ``person`` is not given (the
        message names them), or a column in ``needs`` is missing.
    """
    if "person" in frame.columns and person is not None:
        frame = frame[frame["person"] == person]
    elif "person" in frame.columns:
        people = sorted(map(str, frame["person"].dropna().unique()))
        if len(people) > 1:
            raise ProgressError(
                f"{what}: the data holds {len(people)} people ({', '.join(people)}); "
                "pass person=... to chart one of them"
            )
    require_columns(frame, needs, what)
    return frame


# -- the day rule -----------------------------------------------------------------------
def _parsed(stamps: Any) -> pd.Series:
    """Timestamps as a datetime Series, or an object Series of Timestamps when zones differ."""
    stamps = stamps if isinstance(stamps, pd.Series) else pd.Series(stamps)
    if pd.api.types.is_datetime64_any_dtype(stamps.dtype):
        return stamps
    try:
        return pd.to_datetime(stamps)
    except ValueError:
        # Offsets differ from row to row (a log read back from CSV across a clock
        # change, or kept while travelling): a pandas column holds one zone, so
        # each value keeps its own.
        return pd.Series([pd.Timestamp(v) for v in stamps], index=stamps.index, dtype=object)


def local_times(stamps: Any) -> pd.Series:
    """Return each timestamp's wall-clock time in its own zone, without the zone.

    This is the one day-boundary rule of the package (see the module notes):
    ``2026-03-02 23:30+02:00`` stays 23:30 on 2 March, it is not turned into
    UTC. Naive timestamps are already wall-clock times and are kept as they are.

    Parameters
    ----------
    stamps
        A Series (or anything a Series takes) of timestamps, ISO strings or
        datetimes; zone-aware, naive, or with a different offset on each row.

    Returns
    -------
    pandas.Series
        Naive ``datetime64`` values on the same index.

    Examples
    --------
    >>> import pandas as pd
    >>> stamps = pd.Series(["2026-03-28T23:30+01:00", "2026-03-29T23:30+02:00"])
    >>> [str(t) for t in local_times(stamps)]
    ['2026-03-28 23:30:00', '2026-03-29 23:30:00']
    """
    parsed = _parsed(stamps)
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        return parsed.dt.tz_localize(None)
    if parsed.dtype == object:
        walls = [t if pd.isna(t) or t.tzinfo is None else t.tz_localize(None) for t in parsed]
        return pd.Series(pd.DatetimeIndex(walls), index=parsed.index)
    return parsed


def local_days(stamps: Any) -> pd.Series:
    """Return the calendar day (a naive midnight) of each timestamp, by :func:`local_times`."""
    return local_times(stamps).dt.normalize()


def as_local_day(value: dt.date | str | pd.Timestamp) -> pd.Timestamp:
    """Return the local day of one date or timestamp, by the same rule as :func:`local_days`."""
    return local_days(pd.Series([value])).iloc[0]


def today(stamps: Any) -> pd.Timestamp:
    """Return today's date (a naive midnight) on the clock of the latest timestamp.

    So "today" is counted the way the days in ``stamps`` are: in their zone
    (the latest one's, when zones differ), or the machine's for naive or no
    timestamps.
    """
    parsed = _parsed(stamps)
    zone = None
    if len(parsed) and isinstance(parsed.dtype, pd.DatetimeTZDtype):
        zone = parsed.dt.tz
    elif parsed.dtype == object and parsed.notna().any():
        zone = max(parsed.dropna(), key=lambda t: t.tz_convert("UTC")).tzinfo
    return pd.Timestamp.now(tz=zone).tz_localize(None).normalize()


def _elapsed_minutes(start: pd.Series, end: pd.Series) -> pd.Series:
    """Minutes from ``start`` to ``end``, as instants (a length does not depend on the zone)."""
    length = pd.to_datetime(end, utc=True) - pd.to_datetime(start, utc=True)
    return length.dt.total_seconds() / 60


# -- weekly minutes by body area ----------------------------------------------------------
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


# -- left and right -----------------------------------------------------------------------
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
    :func:`backstretch_kit.charts.side_balance` draws. Names come from the
    holds' ``name`` column (``SessionLog.holds()`` has one), else from
    ``stretches`` (the shipped catalog when ``None``); a stretch neither knows
    shows its id.
    """
    holds = one_person(
        holds, person, "side_balance", ("stretch_id", "body_area", "side", "actual_s")
    )
    sided = holds[holds["side"].isin(["left", "right"])]
    if sided.empty:
        return pd.DataFrame(columns=["name", "body_area", "left_min", "right_min"])
    minutes = (
        sided.pivot_table(
            index="stretch_id", columns="side", values="actual_s", aggfunc="sum", observed=True
        )
        .reindex(columns=["left", "right"])
        .fillna(0.0)
        / 60
    )
    area = sided.groupby("stretch_id", observed=True)["body_area"].first().astype(str)
    table = pd.DataFrame(
        {
            "name": _stretch_names(sided, minutes.index, stretches),
            "body_area": pd.Categorical(area.reindex(minutes.index), categories=BODY_AREAS),
            "left_min": minutes["left"],
            "right_min": minutes["right"],
        }
    )
    return table.sort_values(["body_area", "name"], kind="stable")


# -- days stretched and the streak --------------------------------------------------------
def days_stretched(sessions: pd.DataFrame, *, person: str | None = None) -> pd.Series:
    """Return the minutes stretched on each local day that has a session.

    Parameters
    ----------
    sessions
        ``SessionLog.sessions()``: ``started_at`` (the day, by :func:`local_days`);
        ``ended_at`` for the minutes (0 without it).
    person
        Whose days, when the frame holds several people.

    Returns
    -------
    pandas.Series
        Minutes, indexed by naive midnights, oldest first.
    """
    sessions = one_person(sessions, person, "days_stretched", ("started_at",))
    if sessions.empty:
        return pd.Series(dtype=float, index=pd.DatetimeIndex([]))
    minutes = pd.Series(0.0, index=sessions.index)
    if "ended_at" in sessions.columns:
        elapsed = _elapsed_minutes(sessions["started_at"], sessions["ended_at"])
        minutes = elapsed.fillna(0.0).clip(lower=0.0)
    return minutes.groupby(local_days(sessions["started_at"]).to_numpy()).sum()


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
        The day to count back from; today (:func:`today`) when ``None``.
    person
        Whose streak, when the frame holds several people.
    """
    sessions = one_person(sessions, person, "current_streak", ("started_at",))
    stretched = set(days_stretched(sessions).index)
    day = today(sessions["started_at"]) if end is None else as_local_day(end)
    if day not in stretched:
        day -= pd.Timedelta(days=1)
    streak = 0
    while day in stretched:
        streak += 1
        day -= pd.Timedelta(days=1)
    return streak


# -- pain ---------------------------------------------------------------------------------
def daily_pain(sessions: pd.DataFrame, column: str) -> pd.Series:
    """Return the mean of ``column`` (``pain_before`` or ``pain_after``) per local day scored."""
    values = sessions[column].astype(float)
    keep = values.notna()
    days = local_days(sessions.loc[keep, "started_at"])
    return values[keep].groupby(days.to_numpy()).mean().sort_index()


def pain_baseline(daily_before: pd.Series) -> float:
    """Return the mean pain before stretching over the first week of a :func:`daily_pain`."""
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
    sessions = one_person(sessions, person, "pain_not_eased_since", ("started_at", "pain_before"))
    daily = daily_pain(sessions, "pain_before")
    if daily.empty:
        return None
    baseline = pain_baseline(daily)
    recent = daily.rolling(f"{_RECENT_DAYS}D", min_periods=_RECENT_MIN_SCORES).mean()
    due = daily.index.min() + pd.Timedelta(weeks=PAIN_WEEKS)
    recent = recent[recent.index >= due]
    flagged = recent[(recent >= PAIN_PRESENT) & (recent > baseline - MEANINGFUL_CHANGE)]
    return None if flagged.empty else pd.Timestamp(flagged.index[0])
