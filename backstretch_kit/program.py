"""Patient programs: what a physiotherapist prescribes for weeks at home, not one session.

A :class:`Program` is a person (a pseudonym), one or more routines, so many days a
week for so many weeks from a start date, a review date, the patient's time zone,
and :class:`Progression` rules: "5 s longer holds every week, up to 30 s", "one
more repetition every two weeks, up to 4". :meth:`Program.routine_for` gives a
day's routine with that week's doses.

The rules that keep it safe, each in one place below:

* a progression never goes past the dose guidance (``guidance.HOLD_RANGE_S``,
  ``HOLD_RANGE_OLDER_S`` for older adults, ``REPS_RANGE``) nor the catalog's limits,
  and never lowers a dose the physiotherapist chose; a rule that asks for more is
  refused when the program is made, not quietly cut;
* repeated movements (catalog ``dose_style`` "repeated movement") keep their own dose;
* a week whose doses would give a new caution from :func:`~.guidance.check_routine`
  (too much for one body area) keeps the week before's doses instead;
* the pain rule: when the average pain after sessions rose by
  ``PAIN_CHANGE_THAT_MATTERS`` points or more from one week to the next, the week
  after keeps the dose, and :meth:`Program.advice` tells the patient to ease off and
  contact their physiotherapist.

Weeks run from the start date (a program starting on a Wednesday has Wednesday to
Tuesday weeks) and days are the patient's: :func:`patient_days` converts the log's
timezone-aware times to the program's zone before taking the date, everywhere.
The JSON file format is in :mod:`backstretch_kit.program_file`.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from . import program_pain
from .guidance import Finding, Profile, check_routine
from .program_doses import DoseLadder, check_progressions
from .program_rules import (
    DOSES,
    MAX_NOTES_CHARS,
    MAX_REMINDER_MINUTES,
    MAX_WEEKS,
    WEEKDAYS,
    ProgramError,
    Progression,
    checked_date,
    checked_days,
    checked_text,
    checked_whole,
    copy_routine,
    dose_ceiling,
    dose_changes,
    patient_days,
    zone_of,
)
from .routine import Routine
from .vocab import MAX_NAME_CHARS

__all__ = [
    "DOSES", "MAX_WEEKS", "WEEKDAYS", "Program", "ProgramError", "Progression", "dose_ceiling",
    "patient_days",
]  # fmt: skip

_WEEK = dt.timedelta(days=7)


# -- the program -------------------------------------------------------------------------
@dataclass(frozen=True)
class Program:
    """A physiotherapist's home program for one person.

    Parameters
    ----------
    person : str
        The patient's pseudonym, as in their session log.
    routines : sequence of Routine
        Kept by value, each with its catalog. Planned sessions take them in turn.
    start : datetime.date
        The first day; weeks run from it.
    weeks : int
        How many weeks, 1 to 52.
    days : int or sequence of str
        Sessions a week: a number (spread over the week from the start day: 3 from a
        Monday is Monday, Wednesday, Friday) or weekday names (``"monday"``...).
    review : datetime.date
        When the physiotherapist sees the patient again; on or after ``start``.
    time_zone : str
        The patient's IANA zone, such as ``"Europe/Berlin"``: days and reminders are theirs.
    progressions : sequence of Progression
        At most one rule per dose for any stretch.
    profile : Profile, optional
        The person's conditions (age group, intolerances...); red-flag answers are
        asked before each session, not stored in a program.
    session_time : datetime.time
        When the calendar plans each session, in the patient's zone.
    reminder_minutes : int
        How long before a session the calendar reminds the patient.
    notes : str
        A note from the physiotherapist, printed on the handout.

    Raises
    ------
    ProgramError
        Naming the field and the value, for anything out of range, a zone that does
        not exist, or a progression past the guidance or on a repeated movement.
    """

    person: str
    routines: tuple[Routine, ...]
    start: dt.date
    weeks: int
    days: int | tuple[str, ...]
    review: dt.date
    time_zone: str
    progressions: tuple[Progression, ...] = ()
    profile: Profile | None = None
    session_time: dt.time = dt.time(18, 0)
    reminder_minutes: int = 30
    notes: str = ""

    __hash__ = None  # type: ignore[assignment]  # holds routines, which are mutable

    def __post_init__(self) -> None:
        set_ = functools.partial(object.__setattr__, self)
        checked_text(self.person, "person", MAX_NAME_CHARS)
        routines = (
            (self.routines,) if isinstance(self.routines, Routine) else tuple(self.routines or ())
        )
        if not routines:
            raise ProgramError("a program needs at least one routine", field="routines")
        set_("routines", tuple(copy_routine(r, i) for i, r in enumerate(routines)))
        checked_date(self.start, "start")
        set_("weeks", checked_whole(self.weeks, "weeks", 1, MAX_WEEKS))
        set_("days", checked_days(self.days))
        if checked_date(self.review, "review") < self.start:
            raise ProgramError(f"{self.review} is before the start, {self.start}", field="review")
        zone_of(self.time_zone)
        if not isinstance(self.session_time, dt.time) or self.session_time.tzinfo is not None:
            raise ProgramError(
                f"must be a time of day with no zone (the program's zone is used), "
                f"got {self.session_time!r}",
                field="session_time",
            )
        set_(
            "reminder_minutes",
            checked_whole(self.reminder_minutes, "reminder_minutes", 0, MAX_REMINDER_MINUTES),
        )
        checked_text(self.notes, "notes", MAX_NOTES_CHARS, blank=True)
        self._check_profile()
        rules = tuple(self.progressions or ())
        for index, rule in enumerate(rules):
            if not isinstance(rule, Progression):
                raise ProgramError(
                    f"must be a Progression, got {rule!r}", field=f"progressions[{index}]"
                )
        set_("progressions", rules)
        check_progressions(self.routines, rules, self.older_adult)

    def _check_profile(self) -> None:
        profile = self.profile
        if profile is None:
            return
        if not isinstance(profile, Profile):
            raise ProgramError(f"must be a Profile, got {profile!r}", field="profile")
        if any(profile.red_flags.values()) or profile.symptom_weeks is not None:
            raise ProgramError(
                "holds red-flag answers or symptom weeks; a program keeps the person's "
                "conditions only, the warning signs are asked before every session",
                field="profile",
            )

    # -- plain facts ----------------------------------------------------------------------
    @property
    def end(self) -> dt.date:
        """The day after the last week (exclusive end)."""
        return self.start + self.weeks * _WEEK

    @property
    def older_adult(self) -> bool:
        """Whether the profile says older adult (holds may then go up to 60 s)."""
        return self.profile is not None and self.profile.older_adult

    @property
    def zone(self) -> ZoneInfo:
        """The patient's time zone."""
        return ZoneInfo(self.time_zone)

    def local_days(self, stamps: Any) -> pd.Series:
        """:func:`patient_days` in this program's zone."""
        return patient_days(stamps, self.time_zone)

    def today(self) -> dt.date:
        """Today where the patient lives."""
        return dt.datetime.now(self.zone).date()

    def week_of(self, day: dt.date) -> int:
        """The program week (1-based) ``day`` falls in; ProgramError outside the program."""
        day = checked_date(day, "date")
        if not self.start <= day < self.end:
            raise ProgramError(
                f"{day} is outside the program ({self.start} to {self.end - dt.timedelta(days=1)})",
                field="date",
            )
        return (day - self.start).days // 7 + 1

    @functools.cached_property
    def memo(self) -> dict[Any, Any]:
        """Tables derived from the program, kept by what they were made from (it never changes)."""
        return {}

    @functools.cached_property
    def _planned(self) -> dict[dt.date, int]:
        if isinstance(self.days, int):
            # spread from the start day: floor(i * 7 / n) keeps gaps even (Mon, Wed, Fri)
            wanted = {(self.start.weekday() + i * 7 // self.days) % 7 for i in range(self.days)}
        else:
            wanted = {WEEKDAYS.index(name) for name in self.days}
        days = (self.start + dt.timedelta(days=n) for n in range(7 * self.weeks))
        return {day: number for number, day in enumerate(d for d in days if d.weekday() in wanted)}

    def planned_days(self) -> list[dt.date]:
        """Every day with a planned session, in order (the same number each week)."""
        return list(self._planned)

    # -- doses (the progression itself is in program_doses) ---------------------------------
    @functools.cached_property
    def ladder(self) -> DoseLadder:
        """The routines of each week of progression (shared: read them, never edit them)."""
        return DoseLadder(self.routines, self.progressions, self.profile, self.weeks)

    def week_routines(self, week: int, sessions: pd.DataFrame | None = None) -> tuple[Routine, ...]:
        """Every routine with the doses of 1-based ``week`` (held weeks from ``sessions``)."""
        checked_whole(week, "week", 1, self.weeks)
        held = set() if sessions is None else set(self.held_weeks(sessions))
        return tuple(copy_routine(r, i) for i, r in enumerate(self.ladder.week(week, held)))

    def routine_for(self, day: dt.date, sessions: pd.DataFrame | None = None) -> Routine | None:
        """The routine planned on ``day`` with that week's doses; None on a day with none.

        With the patient's ``sessions`` (``SessionLog.sessions()``, or the log itself),
        weeks held by the pain rule keep the dose of the week before. Each routine returned passes
        :func:`~.guidance.check_routine` with no caution its first week did not have.
        """
        week = self.week_of(day)
        number = self._planned.get(day)
        if number is None:
            return None
        return self.week_routines(week, sessions)[number % len(self.routines)]

    def findings_for(self, day: dt.date, sessions: pd.DataFrame | None = None) -> list[Finding]:
        """:func:`~.guidance.check_routine` of that day's routine for the person."""
        routine = self.routine_for(day, sessions)
        return [] if routine is None else check_routine(routine, self.profile)

    # -- the pain rule (program_pain) --------------------------------------------------------
    def pain_by_week(self, sessions: pd.DataFrame) -> pd.DataFrame:
        """Mean pain before and after per week; see :func:`.program_pain.pain_by_week`."""
        return program_pain.pain_by_week(self, sessions)

    def held_weeks(self, sessions: pd.DataFrame) -> list[int]:
        """Weeks kept at the week before's dose; see :func:`.program_pain.held_weeks`."""
        return program_pain.held_weeks(self, sessions)

    def advice(self, sessions: pd.DataFrame, today: dt.date | None = None) -> list[Finding]:
        """What the patient should know today (their today by default).

        See :func:`.program_pain.advice`: the pain rule, this week's dose, the review.
        """
        today = self.today() if today is None else checked_date(today, "today")
        return program_pain.advice(self, sessions, today)

    def week_summary(self, week: int, sessions: pd.DataFrame | None = None) -> str:
        """One sentence on a week: its sessions and what changed from the week before."""
        held = set() if sessions is None else set(self.held_weeks(sessions))
        count = len(self._planned) // self.weeks
        text = f"Week {week} of {self.weeks}: {count} session{'s' if count != 1 else ''}"
        if week == 1:
            return text + ", at the starting dose."
        if week in held:
            return text + ", at last week's dose (the pain rose)."
        now = self.ladder.week(week, held)
        before = self.ladder.week(week - 1, held)
        changes = dose_changes(before, now)
        return text + (f"; {changes}." if changes else ", at the same dose as last week.")

    # -- files (the format is in program_file) ---------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The program as the JSON document :meth:`save` writes."""
        from .program_file import program_to_dict

        return program_to_dict(self)

    def save(self, path: str | Path) -> Path:
        """Write the program as an indented JSON file (UTF-8) and return its path."""
        from .program_file import save_program

        return save_program(self, path)

    @classmethod
    def load(cls, path: str | Path, catalog: pd.DataFrame | None = None) -> Program:
        """Read a program file; see :func:`~.program_file.read_program_file`."""
        from .program_file import read_program_file

        return read_program_file(path, catalog)
