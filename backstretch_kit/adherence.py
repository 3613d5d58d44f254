"""Planned against done, week by week: how much of a program the patient did.

:func:`adherence` gives one row per program week: sessions, holds and minutes
planned and done, and the mean pain before and after. :func:`adherence_by_area`
gives the minutes by body area, one row per week and area. Both are for one person
(the program's) and a date range, and take the frames a
:class:`~backstretch_kit.log.SessionLog` returns (or :func:`log_frames` reads just
the range from a log).

What counts
-----------
* Days are the patient's: every time goes through
  :func:`~backstretch_kit.program.patient_days` (the log's timezone-aware times
  converted to the program's zone, then the date). Weeks are program weeks, from
  the start date.
* Planned: each planned session with that week's doses, weeks held by the pain
  rule included. Minutes are hold time (what the log records), not rests.
* Done: every logged hold counts, whichever routine it came from (stretching is
  stretching); a session counts as done when it has at least one hold, so a pain
  score on its own is not a session done. Holds ``completed`` ran to the timer's end.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from .program import Program
from .program_pain import mean_by_week
from .program_rules import ProgramError
from .vocab import BODY_AREAS

if TYPE_CHECKING:  # pragma: no cover
    from .log import SessionLog

__all__ = [
    "ADHERENCE_COLUMNS",
    "AREA_COLUMNS",
    "adherence",
    "adherence_by_area",
    "adherence_from_log",
    "log_frames",
    "plan_table",
    "week_table",
]

#: The columns of :func:`adherence`, in order.
ADHERENCE_COLUMNS: tuple[str, ...] = (
    "week", "first_day", "last_day", "planned_sessions", "done_sessions", "planned_holds",
    "done_holds", "completed_holds", "planned_minutes", "done_minutes", "pain_before",
    "pain_after", "dose_held",
)  # fmt: skip
#: The columns of :func:`adherence_by_area`, in order.
AREA_COLUMNS: tuple[str, ...] = ("week", "body_area", "planned_minutes", "done_minutes")

_AREA = pd.CategoricalDtype(list(BODY_AREAS), ordered=True)
_PAINS = ("pain_before", "pain_after")
_SESSION_NEEDS = ("session_id", "started_at", *_PAINS)


def _day(value: Any, field: str, default: dt.date) -> dt.date:
    if value is None:
        return default
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ProgramError(f"must be a date, got {value!r}", field=field)
    return value


def _range(program: Program, start: Any, end: Any) -> tuple[dt.date, dt.date]:
    """The days ``start <= day < end`` asked for, within the program's weeks."""
    first = _day(start, "start", program.start)
    stop = _day(end, "end", program.end)
    if stop < first:
        raise ProgramError(f"the end, {stop}, is before the start, {first}", field="end")
    return max(first, program.start), max(min(stop, program.end), max(first, program.start))


def log_frames(
    program: Program, log: SessionLog, start: dt.date | None = None, end: dt.date | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The program person's sessions and holds from ``log``, for patient days in the range.

    The bounds are local midnights in the patient's zone, so the log reads just
    those days (through its indexes), not the whole file.
    """
    first, stop = _range(program, start, end)
    low = dt.datetime.combine(first, dt.time(), program.zone)
    high = dt.datetime.combine(stop, dt.time(), program.zone)
    return log.sessions(program.person, low, high), log.holds(program.person, low, high)


def _item_facts(routine: Any) -> list[tuple[str, str, str, int, float]]:
    """(stretch id, name, area, holds, hold seconds) of each item of a routine."""
    catalog = routine.catalog
    facts = []
    for item in routine:
        holds = item.reps * (2 if item.sides == "each side" else 1)
        name, area = catalog.at[item.stretch_id, "name"], catalog.at[item.stretch_id, "body_area"]
        facts.append((item.stretch_id, str(name), str(area), holds, holds * item.hold_s))
    return facts


def plan_table(program: Program, sessions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every planned session's stretches, with the doses of its week.

    One row per planned session and routine item: ``day`` (midnight, no zone),
    ``week``, ``session`` (1-based, over the program), ``routine``, ``stretch_id``,
    ``name``, ``body_area`` (ordered categorical), ``holds`` (hold phases, both sides
    counted) and ``hold_s`` (seconds held in all). With the patient's ``sessions``,
    weeks held by the pain rule keep the dose of the week before.
    """
    held = () if sessions is None else tuple(program.held_weeks(sessions))
    return _plan(program, held).copy()


def _plan(program: Program, held: tuple[int, ...]) -> pd.DataFrame:
    # a program never changes, so its plan for given held weeks is kept (and never edited)
    memo = program.memo
    if ("plan", held) in memo:
        return memo["plan", held]
    facts: dict[int, list] = {}  # one look-up per distinct routine object, not per session
    rows = []
    count = len(program.routines)
    for number, day in enumerate(program.planned_days()):
        week = (day - program.start).days // 7 + 1
        routine = program.ladder.week(week, held)[number % count]
        if id(routine) not in facts:
            facts[id(routine)] = _item_facts(routine)
        rows += [(day, week, number + 1, routine.name, *fact) for fact in facts[id(routine)]]
    table = pd.DataFrame(
        rows,
        columns=["day", "week", "session", "routine", "stretch_id", "name", "body_area"]
        + ["holds", "hold_s"],
    )
    table["day"] = pd.to_datetime(table["day"])
    table["body_area"] = table["body_area"].astype(_AREA)
    memo["plan", held] = table
    return table


def _own(program: Program, frame: pd.DataFrame, columns: tuple[str, ...], what: str):
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ProgramError(f"the {what} lack the columns {', '.join(missing)}", field=what)
    if "person" in frame.columns:
        frame = frame[frame["person"].to_numpy() == program.person]
    return frame


class _Window(NamedTuple):
    """What both tables start from: the person's rows, the range and its plan."""

    sessions: pd.DataFrame
    holds: pd.DataFrame
    first: dt.date
    stop: dt.date
    held: list[int]  # weeks the pain rule kept at the week before's dose
    plan: pd.DataFrame  # plan_table's rows for the days in the range


def _window(
    program: Program, sessions: pd.DataFrame, holds: pd.DataFrame, hold_needs: tuple[str, ...],
    start: Any, end: Any,
) -> _Window:  # fmt: skip
    sessions = _own(program, sessions, _SESSION_NEEDS, "sessions")
    holds = _own(program, holds, hold_needs, "holds")
    first, stop = _range(program, start, end)
    held = program.held_weeks(sessions)
    plan = _plan(program, tuple(held))
    plan = plan[(plan["day"] >= pd.Timestamp(first)) & (plan["day"] < pd.Timestamp(stop))]
    return _Window(sessions, holds, first, stop, held, plan)


def _weeks(program: Program, first: dt.date, stop: dt.date) -> list[int]:
    """The program weeks (1-based) with a day in ``[first, stop)``."""
    if stop <= first:
        return []
    last = stop - dt.timedelta(days=1)
    return list(range((first - program.start).days // 7 + 1, (last - program.start).days // 7 + 2))


def _weeks_of(program: Program, stamps: pd.Series, first: dt.date, stop: dt.date) -> np.ndarray:
    """Program week (1-based) of each time, 0 for a patient day outside ``[first, stop)``."""
    days = program.local_days(stamps).to_numpy()
    inside = (days >= np.datetime64(first)) & (days < np.datetime64(stop))
    offset = (days - np.datetime64(program.start)) // np.timedelta64(7, "D")
    return np.where(inside, offset + 1, 0)


def adherence(
    program: Program,
    sessions: pd.DataFrame,
    holds: pd.DataFrame,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """Planned against done, one row per program week in ``start <= day < end``.

    Parameters
    ----------
    program : Program
    sessions, holds : DataFrame
        ``SessionLog.sessions()`` and ``SessionLog.holds()`` (or
        :func:`~backstretch_kit.demo.sample_log`); other people's rows are left out.
    start, end : datetime.date, optional
        Patient days; the program's weeks by default. A week cut by the range counts
        only its days inside it, planned and done alike.

    Returns
    -------
    DataFrame
        :data:`ADHERENCE_COLUMNS`: ``week`` (1-based), ``first_day`` and ``last_day``
        (dates), ``planned_sessions``, ``done_sessions``, ``planned_holds``,
        ``done_holds``, ``completed_holds`` (ints), ``planned_minutes`` and
        ``done_minutes`` (hold time), ``pain_before`` and ``pain_after`` (the week's
        means, NaN with no score), ``dose_held`` (the pain rule kept the dose).

    Examples
    --------
    >>> from backstretch_kit import demo
    >>> from backstretch_kit.program_file import load_program
    >>> program = load_program("lower-back-six-weeks")
    >>> sessions, holds = demo.sample_log(("Client A",), days=42, start=program.start)
    >>> table = adherence(program, sessions, holds)
    >>> table[["week", "planned_sessions"]].values.tolist()[:2]
    [[1, 3], [2, 3]]
    """
    needs = ("session_id", "actual_s", "completed", "started_at")
    sessions, holds, first, stop, held, plan = _window(program, sessions, holds, needs, start, end)
    weeks = np.array(_weeks(program, first, stop), dtype=np.int64)
    size = program.weeks + 1  # bins 1..weeks; bin 0 takes whatever is outside the range
    plan_week = plan["week"].to_numpy()
    planned_holds = np.bincount(plan_week, plan["holds"].to_numpy(dtype=float), size)
    planned_s = np.bincount(plan_week, plan["hold_s"].to_numpy(dtype=float), size)
    planned = np.array(program.planned_days(), dtype="datetime64[D]")
    planned = planned[(planned >= np.datetime64(first)) & (planned < np.datetime64(stop))]
    start_day = np.datetime64(program.start, "D")
    planned_sessions = np.bincount((planned - start_day).astype(int) // 7 + 1, minlength=size)

    # done: weighted counts per week bin, which is all a week's sum or count is
    hold_week = _weeks_of(program, holds["started_at"], first, stop)
    done_holds = np.bincount(hold_week, minlength=size)
    completed = np.bincount(hold_week, holds["completed"].to_numpy(dtype=float), size)
    done_s = np.bincount(hold_week, holds["actual_s"].to_numpy(dtype=float), size)
    session_week = _weeks_of(program, sessions["started_at"], first, stop)
    with_holds = np.isin(sessions["session_id"].to_numpy(), holds["session_id"].to_numpy())
    done_sessions = np.bincount(session_week[with_holds], minlength=size)
    pain = {name: mean_by_week(session_week, sessions[name], size) for name in _PAINS}

    table = pd.DataFrame({"week": weeks})
    table["first_day"] = [max(first, program.start + dt.timedelta(weeks=int(w) - 1)) for w in weeks]
    table["last_day"] = [
        min(stop, program.start + dt.timedelta(weeks=int(w))) - dt.timedelta(days=1) for w in weeks
    ]
    table["planned_sessions"] = planned_sessions[weeks]
    table["done_sessions"] = done_sessions[weeks]
    table["planned_holds"] = planned_holds[weeks].round().astype(np.int64)
    table["done_holds"] = done_holds[weeks]
    table["completed_holds"] = completed[weeks].round().astype(np.int64)
    table["planned_minutes"] = planned_s[weeks] / 60
    table["done_minutes"] = done_s[weeks] / 60
    for name, values in pain.items():
        table[name] = values[weeks]
    table["dose_held"] = np.isin(weeks, held)
    return table[list(ADHERENCE_COLUMNS)]


def adherence_by_area(
    program: Program,
    sessions: pd.DataFrame,
    holds: pd.DataFrame,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """Minutes held by body area, planned against done, one row per week and area.

    The same weeks, range and counting as :func:`adherence`; areas are those planned
    or done in the range, head to toe (``body_area`` is an ordered categorical).
    Columns :data:`AREA_COLUMNS`.
    """
    needs = ("body_area", "actual_s", "started_at")
    _, holds, first, stop, _, plan = _window(program, sessions, holds, needs, start, end)
    planned = plan.groupby(["week", "body_area"], observed=True)["hold_s"].sum() / 60
    hold_week = _weeks_of(program, holds["started_at"], first, stop)
    done = pd.DataFrame(
        {
            "week": hold_week,
            "body_area": holds["body_area"].astype(_AREA).to_numpy(),
            "seconds": holds["actual_s"].to_numpy(dtype=float),
        }
    )[hold_week > 0]
    done = done.groupby(["week", "body_area"], observed=True)["seconds"].sum() / 60
    weeks = _weeks(program, first, stop)
    present = {str(a) for part in (planned, done) for a in part.index.get_level_values(1)}
    areas = [area for area in BODY_AREAS if area in present]
    index = pd.MultiIndex.from_product([weeks, areas], names=["week", "body_area"])
    table = pd.DataFrame(
        {
            "planned_minutes": planned.reindex(index, fill_value=0.0).to_numpy(),
            "done_minutes": done.reindex(index, fill_value=0.0).to_numpy(),
        },
        index=index,
    ).reset_index()
    table["body_area"] = table["body_area"].astype(_AREA)
    return table[list(AREA_COLUMNS)]


def adherence_from_log(
    program: Program, log: SessionLog, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    """:func:`adherence` over what ``log`` holds for the program's person in the range.

    Weeks held by the pain rule are judged from the sessions in the range only;
    read the whole program (the default range) to apply the rule to every week.
    """
    sessions, holds = log_frames(program, log, start, end)
    return adherence(program, sessions, holds, start, end)


def week_table(program: Program, sessions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The program's weeks as planned: one row per week, for a table to read.

    Columns ``week``, ``first_day``, ``last_day`` (dates), ``sessions`` and
    ``hold_minutes`` (planned), ``dose_held`` and ``change`` (what the week's doses
    change from the week before, in words). With the patient's ``sessions``, weeks
    held by the pain rule keep the dose of the week before.
    """
    from .program_rules import dose_changes

    held = () if sessions is None else tuple(program.held_weeks(sessions))
    plan = _plan(program, held)
    by_week = plan.groupby("week").agg(sessions=("session", "nunique"), hold_s=("hold_s", "sum"))
    rows = []
    for week in range(1, program.weeks + 1):
        first = program.start + dt.timedelta(weeks=week - 1)
        if week == 1:
            change = "the starting dose"
        elif week in held:
            change = "last week's dose: the pain rose"
        else:
            before, now = program.ladder.week(week - 1, held), program.ladder.week(week, held)
            change = dose_changes(before, now) or "same dose"
        rows.append(
            (week, first, first + dt.timedelta(days=6), int(by_week.at[week, "sessions"]))
            + (by_week.at[week, "hold_s"] / 60, week in held, change)
        )
    columns = ["week", "first_day", "last_day", "sessions", "hold_minutes", "dose_held", "change"]
    return pd.DataFrame(rows, columns=columns)
