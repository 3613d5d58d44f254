"""The day rule: a timestamp counts on the calendar day of its own clock.

The one place the rule lives (see :mod:`backstretch_kit.progress`); every
table goes through :func:`local_times` or :func:`local_days`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd


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
