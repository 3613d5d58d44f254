"""The days stretched, with their minutes, and the streak of days in a row."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ._checks import one_person
from ._days import as_local_day, local_days, today


def _elapsed_minutes(start: pd.Series, end: pd.Series) -> pd.Series:
    """Minutes from ``start`` to ``end``, as instants (a length does not depend on the zone)."""
    length = pd.to_datetime(end, utc=True) - pd.to_datetime(start, utc=True)
    return length.dt.total_seconds() / 60


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
