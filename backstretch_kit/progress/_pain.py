"""Pain per day, its first-week baseline, and whether it has eased (the 3-week rule)."""

from __future__ import annotations

import pandas as pd

from ..guidance import NOT_EASING_WEEKS, PAIN_CHANGE_THAT_MATTERS
from ._checks import one_person
from ._days import local_days

#: Points on the 0-10 pain scale: about the smallest change that matters to a
#: person with low back pain (the guidance's figure, so it is defined once).
MEANINGFUL_CHANGE = float(PAIN_CHANGE_THAT_MATTERS)

#: Pain lasting longer than this without easing is worth discussing with a
#: doctor or physiotherapist: the one figure the guidance uses too.
PAIN_WEEKS = NOT_EASING_WEEKS

#: Below this level (0-10) pain is mild enough that "not eased" raises no marker.
PAIN_PRESENT = 3.0

# "Not eased" looks at the mean of the last two weeks, once it has 3 scored days,
# so one bad day after a break is no trend.
_RECENT_DAYS = 14
_RECENT_MIN_SCORES = 3


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
