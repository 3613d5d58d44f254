"""The tables behind the charts: what the stretching adds up to, with no drawing.

Every function here takes the DataFrames a :class:`~backstretch_kit.log.SessionLog`
returns (or :func:`backstretch_kit.demo.sample_log` makes) and gives back a plain
table or number: minutes per week and body area, left against right, the days
stretched and the streak, pain per day and whether it has eased. The charts in
:mod:`backstretch_kit.charts` draw these tables; notebooks and widgets may read
them directly. Only pandas is needed, never matplotlib.

Inside, one module per table, as :mod:`backstretch_kit.charts` has one per
chart: ``_checks`` (:class:`ProgressError`, the column and person checks) and
``_days`` (the day rule) sit below ``_weekly``, ``_sides``, ``_streak`` and
``_pain``. Import from here, not from them.

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

from ._checks import ProgressError, one_person, require_columns
from ._days import as_local_day, local_days, local_times, today
from ._pain import (
    MEANINGFUL_CHANGE,
    PAIN_PRESENT,
    PAIN_WEEKS,
    daily_pain,
    pain_baseline,
    pain_not_eased_since,
)
from ._sides import side_table
from ._streak import current_streak, days_stretched
from ._weekly import GUIDE_DAYS, GUIDE_S_PER_AREA, minutes_by_week, weekly_guideline, weekly_minutes

# Tracebacks name the error where users import it from (charts.ChartError is the same class).
ProgressError.__module__ = __name__

__all__ = [
    "GUIDE_DAYS", "GUIDE_S_PER_AREA", "MEANINGFUL_CHANGE", "PAIN_PRESENT", "PAIN_WEEKS",
    "ProgressError", "as_local_day", "current_streak", "daily_pain", "days_stretched",
    "local_days", "local_times", "minutes_by_week", "one_person", "pain_baseline",
    "pain_not_eased_since", "require_columns", "side_table", "today", "weekly_guideline",
    "weekly_minutes",
]  # fmt: skip
