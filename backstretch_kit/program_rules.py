"""The small rules every program obeys: its error, its value checks, the day rule, progression.

Kept apart from :mod:`backstretch_kit.program` so the program file, the adherence
tables and the calendar can share them without the whole program class:

* :class:`ProgramError`, the one error of programs and their files;
* :func:`patient_days`, the one way a logged time becomes a patient's day;
* :func:`dose_ceiling` and :class:`Progression`, the dose rules as data.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from .guidance import HOLD_RANGE_OLDER_S, HOLD_RANGE_S, REPS_RANGE
from .routine import MAX_REPS, Routine
from .vocab import MAX_HOLD_S
from .words import format_duration

__all__ = [
    "DOSES", "MAX_WEEKS", "WEEKDAYS", "ProgramError", "Progression", "dose_ceiling",
    "checked_days", "copy_routine", "dose_changes", "patient_days", "zone_of",
]  # fmt: skip

#: Weekday names, Monday first, as ``datetime.date.weekday()`` counts them.
WEEKDAYS: tuple[str, ...] = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)  # fmt: skip
#: What a progression can raise: the seconds of each hold, or the repetitions.
DOSES: tuple[str, ...] = ("hold_s", "reps")
#: A year: longer than any home program runs before a review.
MAX_WEEKS = 52
MAX_REMINDER_MINUTES = 24 * 60
MAX_NOTES_CHARS = 5_000


class ProgramError(ValueError):
    """A program, progression or program file is not valid.

    The message names what it can: the file, the field and the bad value; the same
    facts are kept as ``path`` and ``field`` (``None`` when they do not apply).
    """

    def __init__(
        self, message: str, *, path: str | Path | None = None, field: str | None = None
    ) -> None:
        self.reason = message
        self.path = None if path is None else str(path)
        self.field = field
        where = [] if self.path is None else [self.path]
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(": ".join([*where, message]))

    def located(self, *, path: str | Path | None = None, prefix: str | None = None) -> ProgramError:
        """A copy that also names the file, or puts ``prefix`` before the field."""
        field = self.field
        if prefix is not None:
            field = prefix if field is None else f"{prefix}.{field}"
        return ProgramError(self.reason, path=self.path if path is None else path, field=field)


# -- checks of single values -------------------------------------------------------------
def checked_whole(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise ProgramError(f"must be a whole number, got {value!r}", field=field)
    if not low <= value <= high:
        raise ProgramError(f"must be from {low} to {high}, got {value!r}", field=field)
    return int(value)


def _positive(value: Any, field: str, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ProgramError(f"must be a number, got {value!r}", field=field)
    if not 0 < value <= high:
        raise ProgramError(f"must be above 0 and at most {high:g}, got {value!r}", field=field)
    return float(value)


def checked_text(value: Any, field: str, limit: int, *, blank: bool = False) -> str:
    if not isinstance(value, str) or (not blank and not value.strip()):
        raise ProgramError(
            f"must be {'' if blank else 'non-blank '}text, got {value!r}", field=field
        )
    if len(value) > limit:
        raise ProgramError(f"is {len(value)} characters; at most {limit}", field=field)
    return value


def checked_date(value: Any, field: str) -> dt.date:
    # a datetime is a date too, but "which day" would depend on its zone: refused
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ProgramError(f"must be a date, got {value!r}", field=field)
    return value


def zone_of(name: Any, field: str = "time_zone") -> ZoneInfo:
    """The :class:`~zoneinfo.ZoneInfo` of an IANA name such as ``"Europe/Berlin"``."""
    if not isinstance(name, str) or not name.strip():
        raise ProgramError(
            f"must be a time zone name such as 'Europe/Berlin', got {name!r}", field=field
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # ValueError: a path such as "../x"
        raise ProgramError(
            f"{name!r} is not a known time zone; use a name such as 'Europe/Berlin'", field=field
        ) from None


def dose_ceiling(dose: str, older_adult: bool = False) -> float:
    """The most a progression may raise ``dose`` to: the guidance's upper bound.

    Examples
    --------
    >>> dose_ceiling("hold_s"), dose_ceiling("hold_s", older_adult=True), dose_ceiling("reps")
    (30.0, 60.0, 4.0)
    """
    if dose == "hold_s":
        return min((HOLD_RANGE_OLDER_S if older_adult else HOLD_RANGE_S)[1], MAX_HOLD_S)
    return float(min(REPS_RANGE[1], MAX_REPS))


def patient_days(stamps: Any, zone: str) -> pd.Series:
    """The calendar day of each timezone-aware time, in the patient's zone ``zone``.

    The one place programs and adherence turn a time into a day: convert to the
    patient's zone, then take the date, so a hold at 23:30 in Berlin counts on that
    Berlin day whatever zone the log stored it in. Returns midnight timestamps with
    no zone (``datetime64``), like ``SessionLog.daily_totals()``'s ``day``.

    Examples
    --------
    >>> stamps = pd.Series(pd.to_datetime(["2026-03-01 22:30"], utc=True))
    >>> str(patient_days(stamps, "Europe/Berlin")[0].date())
    '2026-03-01'
    >>> str(patient_days(stamps, "Asia/Tokyo")[0].date())
    '2026-03-02'
    """
    series = stamps if isinstance(stamps, pd.Series) else pd.Series(stamps)
    if series.empty:
        return pd.Series([], dtype="datetime64[ns]", index=series.index)
    if series.dtype == object and all(
        getattr(value, "tzinfo", None) is not None for value in series.dropna()
    ):
        # aware times whose offsets differ from row to row (read back from a CSV across a
        # clock change): the same instants, in one zone
        series = pd.to_datetime(series, utc=True)
    if not isinstance(series.dtype, pd.DatetimeTZDtype):
        raise ProgramError(
            "times must be timezone-aware (as the session log gives them), "
            f"got dtype {series.dtype}",
            field="started_at",
        )
    return series.dt.tz_convert(zone).dt.tz_localize(None).dt.normalize()


# -- progression rules -------------------------------------------------------------------
@dataclass(frozen=True)
class Progression:
    """A rule that raises a dose, a little each week or every few weeks.

    Parameters
    ----------
    dose : {"hold_s", "reps"}
        The seconds of each hold, or the repetitions (per side).
    step : float
        How much is added each time: seconds, or a whole number of repetitions.
    every_weeks : int
        Every how many weeks the step is added (1: every week).
    up_to : float, optional
        Where it stops. At most the guidance's upper bound (:func:`dose_ceiling`), which
        is also where it stops when not given.
    stretch_ids : tuple of str
        The stretches it applies to; empty means every static hold of the program.

    Examples
    --------
    >>> Progression("hold_s", 5, up_to=30).describe()
    'holds 5 s longer every week, up to 30 s'
    >>> Progression("reps", 1, every_weeks=2, up_to=4).describe()
    'one more repetition every 2 weeks, up to 4'
    """

    dose: str
    step: float
    every_weeks: int = 1
    up_to: float | None = None
    stretch_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.dose not in DOSES:
            raise ProgramError(
                f"must be one of {', '.join(map(repr, DOSES))}, got {self.dose!r}", field="dose"
            )
        high = MAX_HOLD_S if self.dose == "hold_s" else MAX_REPS
        step = _positive(self.step, "step", high)
        if self.dose == "reps":
            step = checked_whole(step, "step", 1, MAX_REPS)
        object.__setattr__(self, "step", step)
        object.__setattr__(
            self, "every_weeks", checked_whole(self.every_weeks, "every_weeks", 1, MAX_WEEKS)
        )
        if self.up_to is not None:
            up_to = _positive(self.up_to, "up_to", high)
            if self.dose == "reps":
                up_to = checked_whole(up_to, "up_to", 1, MAX_REPS)
            object.__setattr__(self, "up_to", up_to)
        ids = self.stretch_ids
        if isinstance(ids, str) or not all(isinstance(i, str) and i.strip() for i in ids):
            raise ProgramError(f"must be a list of stretch ids, got {ids!r}", field="stretch_ids")
        object.__setattr__(self, "stretch_ids", tuple(ids))

    def applies_to(self, stretch_id: str) -> bool:
        """Whether the rule names this stretch (or names none, so applies to all)."""
        return not self.stretch_ids or stretch_id in self.stretch_ids

    def describe(self) -> str:
        """The rule in plain words, for tables and handouts."""
        every = "every week" if self.every_weeks == 1 else f"every {self.every_weeks} weeks"
        if self.dose == "hold_s":
            text = f"holds {format_duration(self.step)} longer {every}"
            limit = None if self.up_to is None else format_duration(self.up_to)
        else:
            more = "one more repetition" if self.step == 1 else f"{self.step:g} more repetitions"
            text, limit = f"{more} {every}", None if self.up_to is None else f"{self.up_to:g}"
        return f"{text}, up to {limit}" if limit else f"{text}, up to what the guidance suggests"

    def to_dict(self) -> dict[str, Any]:
        """The rule as written in a program file."""
        return {
            "dose": self.dose, "step": self.step, "every_weeks": self.every_weeks,
            "up_to": self.up_to, "stretch_ids": list(self.stretch_ids),
        }  # fmt: skip


def copy_routine(routine: Any, index: int) -> Routine:
    """The routine by value, with its catalog: later edits to the caller's do not leak in."""
    if not isinstance(routine, Routine):
        raise ProgramError(f"must be a Routine, got {routine!r}", field=f"routines[{index}]")
    return Routine.from_dict(routine.to_dict(), routine.catalog)


def checked_days(days: Any) -> int | tuple[str, ...]:
    """A program's ``days``: 1 to 7 sessions a week, or weekday names in week order."""
    if isinstance(days, int | float) and not isinstance(days, bool):
        return checked_whole(days, "days", 1, 7)
    if isinstance(days, str) or not isinstance(days, Sequence) or not days:
        raise ProgramError(
            f"must be 1 to 7, or a list of weekday names, got {days!r}", field="days"
        )
    for name in days:
        if name not in WEEKDAYS:
            raise ProgramError(
                f"{name!r} is not a weekday; use {', '.join(WEEKDAYS)}", field="days"
            )
    if len(set(days)) != len(days):
        raise ProgramError(f"names a weekday twice: {list(days)!r}", field="days")
    return tuple(sorted(days, key=WEEKDAYS.index))


def dose_changes(before: tuple[Routine, ...], now: tuple[Routine, ...]) -> str:
    """What changed from one week's routines to the next, in words."""
    parts = []
    for old, new in zip(before, now, strict=True):
        names = old.catalog["name"]
        for a, b in zip(old, new, strict=True):
            said = []
            if b.hold_s != a.hold_s:
                said.append(
                    f"holds from {format_duration(a.hold_s)} to {format_duration(b.hold_s)}"
                )
            if b.reps != a.reps:
                said.append(f"from {a.reps} to {b.reps} times")
            if said:
                parts.append(f"{names.at[b.stretch_id]} {' and '.join(said)}")
    return "; ".join(dict.fromkeys(parts))
