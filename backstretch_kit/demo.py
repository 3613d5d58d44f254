"""Seeded, realistic sample stretching logs.

:func:`sample_log` makes a few months of sessions and holds for one or several
people, shaped exactly like :meth:`SessionLog.sessions` and
:meth:`SessionLog.holds`, so charts, notebooks and tests have something to show
before anyone has stretched. The same seed always gives the same frames.

What makes it look real: people stretch most days but not all, and skipped
days come in runs (a busy week, a trip); each person has two or three routines
built from real catalog stretches at the catalog's dose, scaled a little;
each-side stretches are held left then right, and some people hold one side a
bit shorter; pain before a session starts around 4 to 6 out of 10 and eases
over the weeks, and pain after is 0 to 2 points lower than before. Some people's
pain does not ease, so the charts' "talk to a doctor or physiotherapist" marker
has something to point at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

# The log's own frame layout, so sample frames and real ones cannot drift apart.
from .log import _frames
from .log._frames import HOLD_COLUMNS, SESSION_COLUMNS

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .log import SessionLog

__all__ = ["SESSION_COLUMNS", "HOLD_COLUMNS", "sample_log", "sample_routines"]


# Routine templates: a name and the body areas it visits, in order. The
# stretches themselves are picked from the catalog per person, so two people's
# "Morning mobility" need not be identical, just as in real life.
_TEMPLATES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Morning mobility", ("mid back", "lower back", "hips and glutes", "hamstrings")),
    ("Desk break", ("neck", "chest and shoulders", "upper back", "hip flexors")),
    ("Evening wind-down", ("lower back", "hips and glutes", "hip flexors", "hamstrings")),
)

# Short gaps between phases, in seconds, close to what a routine's schedule plans.
_GET_READY_S = 10.0
_SWITCH_SIDE_S = 5.0
_NEXT_STRETCH_S = 10.0

_NOTES: tuple[str, ...] = (
    "Stiff after a long drive",
    "Felt looser today",
    "Short on time, did what I could",
    "Lower back tight first thing",
    "Did this after a walk",
    "Desk & chair day, neck sore",
    "Slept badly",
    "Hamstrings felt better than last week",
)

_KIND = "routine"


def sample_routines(
    seed: int = 0, stretches: pd.DataFrame | None = None
) -> dict[str, list[dict[str, object]]]:
    """Pick the stretches and doses of the sample routines.

    Parameters
    ----------
    seed
        Seeds the choice of stretches and the dose scaling.
    stretches
        A catalog frame as returned by
        :func:`backstretch_kit.catalog.load_stretches`; loaded when ``None``.

    Returns
    -------
    dict
        Routine name -> list of items, each a dict with ``stretch_id``,
        ``body_area``, ``sides``, ``hold_s``, ``reps`` and ``rest_s``, in
        playing order. Areas the catalog has no stretch for are left out.
    """
    if stretches is None:
        from .catalog import load_stretches

        stretches = load_stretches()
    rng = np.random.default_rng([seed, 9_999])
    return {name: _pick_items(rng, stretches, areas) for name, areas in _TEMPLATES}


def _pick_items(
    rng: np.random.Generator, stretches: pd.DataFrame, areas: Sequence[str]
) -> list[dict[str, object]]:
    items = []
    used: set[str] = set()
    for area in areas:
        candidates = sorted(
            str(i) for i in stretches.index[stretches["body_area"].astype(str) == area]
        )
        candidates = [c for c in candidates if c not in used]
        if not candidates:
            continue
        stretch_id = candidates[int(rng.integers(len(candidates)))]
        used.add(stretch_id)
        row = stretches.loc[stretch_id]
        # Physiotherapists nudge catalog doses; keep holds on 5 s steps, 5 s or more.
        hold_s = max(5.0, 5.0 * round(float(row["hold_s"]) * rng.choice([0.8, 1.0, 1.2]) / 5))
        items.append(
            {
                "stretch_id": stretch_id,
                "body_area": area,
                "sides": str(row["sides"]),
                "hold_s": hold_s,
                "reps": int(row["reps"]),
                "rest_s": float(row["rest_s"]),
            }
        )
    return items


def sample_log(
    people: Sequence[str] = ("Alex",),
    days: int = 90,
    seed: int = 0,
    start: dt.date | str | None = None,
    log: SessionLog | None = None,
    *,
    steady_pain: Iterable[str] | None = None,
    tz: str = "UTC",
    stretches: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Make a seeded, realistic log of stretching sessions.

    Parameters
    ----------
    people
        Names of the people stretching, each with their own habits.
    days
        How many calendar days the log covers (1 or more).
    seed
        The same seed (with the same other arguments) gives identical frames.
    start
        First day of the log. ``None`` ends the log today, so a first-run chart
        looks current; pass a date for frames that never change.
    log
        A :class:`~backstretch_kit.log.SessionLog` to fill as well, through its
        public ``start_session`` / ``record_hold`` / ``finish_session``. The
        returned frames then carry the ids the log gave.
    steady_pain
        Names of people whose pain does not ease. ``None`` means every second
        person (``people[1::2]``), so a two-person demo shows both stories.
    tz
        Time zone people live in (an IANA name such as ``"Europe/London"``):
        it sets their clock hours. Timestamps come back in UTC, as the log
        returns them.
    stretches
        Catalog frame to pick routines from; the shipped catalog when ``None``.

    Returns
    -------
    sessions, holds : pandas.DataFrame
        In the shape of ``SessionLog.sessions()`` and ``SessionLog.holds()``
        (same columns, order and dtypes): sessions have :data:`SESSION_COLUMNS`
        (``notes`` is ``""`` when there are none, pains NaN when not given),
        holds :data:`HOLD_COLUMNS`; timestamps are UTC.

    Raises
    ------
    ValueError
        If ``days`` is below 1 or ``people`` is empty or repeats a name.

    Examples
    --------
    >>> sessions, holds = sample_log(days=30, start="2026-01-05")
    >>> sorted(sessions["person"].unique())
    ['Alex']
    """
    people = list(people)
    if days < 1:
        raise ValueError(f"sample_log: days must be 1 or more, got {days!r}")
    if not people:
        raise ValueError("sample_log: people is empty; give at least one name")
    if len(set(people)) != len(people):
        raise ValueError(f"sample_log: people repeats a name: {people!r}")
    steady = set(people[1::2] if steady_pain is None else steady_pain)
    if stretches is None:
        from .catalog import load_stretches

        stretches = load_stretches()
    first_day = _first_day(start, days, tz)

    session_rows: list[dict[str, object]] = []
    hold_rows: list[dict[str, object]] = []
    for index, person in enumerate(people):
        rng = np.random.default_rng([seed, index])
        _person_log(
            rng,
            person,
            first_day,
            days,
            tz,
            stretches,
            person in steady,
            session_rows,
            hold_rows,
        )

    sessions, renumber = _sessions_frame(session_rows)
    holds = _holds_frame(hold_rows, renumber, stretches)
    if log is not None:
        sessions, holds = _write_to_log(log, sessions, holds)
    return sessions, holds


def _first_day(start: dt.date | str | None, days: int, tz: str) -> dt.date:
    if start is None:
        today = pd.Timestamp.now(tz=tz).date()
        return today - dt.timedelta(days=days - 1)
    return pd.Timestamp(start).date()


def _person_log(
    rng: np.random.Generator,
    person: str,
    first_day: dt.date,
    days: int,
    tz: str,
    stretches: pd.DataFrame,
    steady: bool,
    session_rows: list[dict[str, object]],
    hold_rows: list[dict[str, object]],
) -> None:
    """Append one person's sessions and holds to the row lists."""
    routines = {name: _pick_items(rng, stretches, areas) for name, areas in _TEMPLATES}
    routines = {name: items for name, items in routines.items() if items}
    names = list(routines)
    # A favourite routine, one for some days, and a rare one.
    weights = np.array([0.6, 0.3, 0.1][: len(names)])
    weights = weights / weights.sum()
    habit_hour = float(rng.choice([7.0, 12.5, 19.5]))
    # Most people have a stiffer side, whose holds they let go of early now and then.
    short_side = str(rng.choice(["left", "right"]))
    short_factor = float(rng.uniform(0.8, 0.97))
    baseline = float(rng.uniform(4.5, 5.5))
    trip_start = int(rng.integers(days)) if days > 20 else -1
    trip_length = int(rng.integers(3, 7))

    stretched_yesterday = True
    for offset in range(days):
        day = first_day + dt.timedelta(days=offset)
        # Skipped days come in runs: after a skip, the next skip is likelier.
        chance = 0.85 if stretched_yesterday else 0.5
        on_trip = trip_start <= offset < trip_start + trip_length
        stretched_yesterday = (not on_trip) and rng.random() < chance
        if not stretched_yesterday:
            continue
        routine_name = str(rng.choice(names, p=weights))
        start_minute = habit_hour * 60 + rng.normal(0, 25)
        started_at = pd.Timestamp(day, tz=tz) + pd.Timedelta(seconds=round(start_minute * 60))
        session_id = len(session_rows) + 1
        ended_at = _session_holds(
            rng,
            session_id,
            person,
            routines[routine_name],
            started_at,
            short_side,
            short_factor,
            hold_rows,
        )
        pain_before, pain_after = _pain(rng, offset, baseline, steady)
        notes = str(rng.choice(_NOTES)) if rng.random() < 0.08 else ""
        session_rows.append(
            {
                "session_id": session_id,
                "person": person,
                "routine_name": routine_name,
                "started_at": started_at,
                "ended_at": ended_at,
                "pain_before": pain_before,
                "pain_after": pain_after,
                "notes": notes,
                "kind": _KIND,
            }
        )


def _session_holds(
    rng: np.random.Generator,
    session_id: int,
    person: str,
    items: list[dict[str, object]],
    started_at: pd.Timestamp,
    short_side: str,
    short_factor: float,
    hold_rows: list[dict[str, object]],
) -> pd.Timestamp:
    """Append the holds of one session; return when the session ended."""
    clock = started_at + _seconds(_GET_READY_S)
    # Now and then a session is cut short part-way (the phone rang).
    stop_after = int(rng.integers(1, len(items))) if rng.random() < 0.05 else len(items)
    for position, item in enumerate(items[:stop_after]):
        if position:
            clock += _seconds(_NEXT_STRETCH_S)
        sides = ("left", "right") if item["sides"] == "each side" else ("both",)
        for side_index, side in enumerate(sides):
            if side_index:
                clock += _seconds(_SWITCH_SIDE_S)
            reps = int(item["reps"])
            for rep in range(1, reps + 1):
                planned_s = float(item["hold_s"])
                # Most holds run to the timer's end; a stiffer side is let go early
                # more often, and by about the person's usual shortfall.
                stiff = side == short_side
                if rng.random() < (0.4 if stiff else 0.03):
                    share = short_factor if stiff else float(rng.uniform(0.5, 0.9))
                    actual_s = round(planned_s * min(0.97, share * rng.normal(1.0, 0.04)), 1)
                    completed = False
                else:
                    actual_s, completed = planned_s, True
                hold_rows.append(
                    {
                        "hold_id": len(hold_rows) + 1,
                        "session_id": session_id,
                        "person": person,
                        "stretch_id": item["stretch_id"],
                        "body_area": item["body_area"],
                        "side": side,
                        "rep": rep,
                        "planned_s": planned_s,
                        "actual_s": actual_s,
                        "completed": completed,
                        "started_at": clock,
                    }
                )
                clock += _seconds(actual_s)
                if rep < reps:
                    clock += _seconds(float(item["rest_s"]))
    # A minute or so to answer "how is the pain now?" and close the session.
    return clock + _seconds(float(rng.uniform(20, 90)))


def _pain(
    rng: np.random.Generator, offset: int, baseline: float, steady: bool
) -> tuple[float, float]:
    """Pain before and after on the 0-10 scale, NaN when not answered."""
    if steady:
        # Pain that hovers where it started, weeks on end.
        level = baseline + 0.3 * np.sin(offset / 9)
    else:
        # Eases over the first few weeks, then settles around 1.5.
        level = 1.5 + (baseline - 1.5) * np.exp(-offset / 16)
    before = float(np.clip(round(level + rng.normal(0, 0.6)), 0, 10))
    after = float(max(0.0, before - rng.choice([0, 1, 1, 2, 2])))
    if rng.random() < 0.04:
        before = float("nan")
    if rng.random() < 0.06:
        after = float("nan")
    return before, after


def _seconds(value: float) -> pd.Timedelta:
    """A Timedelta on whole milliseconds, so timestamps print cleanly."""
    return pd.Timedelta(milliseconds=round(value * 1000))


def _sessions_frame(rows: list[dict[str, object]]) -> tuple[pd.DataFrame, dict[int, int]]:
    """Build the sessions frame; also return old id -> new id."""
    frame = pd.DataFrame(rows, columns=list(SESSION_COLUMNS))
    frame = frame.sort_values(["started_at", "person"], kind="stable").reset_index(drop=True)
    # Ids follow time across people, as a shared log would hand them out.
    renumber = dict(zip(frame["session_id"].tolist(), range(1, len(frame) + 1), strict=True))
    frame["session_id"] = np.arange(1, len(frame) + 1, dtype="int64")
    return _frames.sessions_frame(frame), renumber


def _holds_frame(
    rows: list[dict[str, object]], renumber: dict[int, int], stretches: pd.DataFrame
) -> pd.DataFrame:
    """Build the holds frame, pointing at the renumbered sessions, in time order."""
    frame = pd.DataFrame(rows, columns=list(HOLD_COLUMNS))
    frame["name"] = frame["stretch_id"].map(stretches["name"])
    frame["session_id"] = frame["session_id"].map(renumber)
    frame = frame.sort_values(["started_at", "session_id"], kind="stable").reset_index(drop=True)
    frame["hold_id"] = np.arange(1, len(frame) + 1, dtype="int64")
    return _frames.holds_frame(frame)


def _write_to_log(
    log: SessionLog, sessions: pd.DataFrame, holds: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Write the sample through the log's public API; return what the log reads back."""

    def pain(value: float) -> float | None:
        return None if pd.isna(value) else float(value)

    by_session = dict(iter(holds.groupby("session_id", sort=False)))
    written: list[int] = []
    for session in sessions.itertuples(index=False):
        session_id = log.start_session(
            session.person,
            routine=session.routine_name,
            pain_before=pain(session.pain_before),
            started_at=session.started_at.to_pydatetime(),
            notes=session.notes,
        )
        session_holds = by_session.get(session.session_id, holds.iloc[:0])
        for hold in session_holds.itertuples(index=False):
            log.record_hold(
                session_id,
                hold.stretch_id,
                hold.side,
                int(hold.rep),
                float(hold.planned_s),
                float(hold.actual_s),
                completed=bool(hold.completed),
                started_at=hold.started_at.to_pydatetime(),
            )
        log.finish_session(
            session_id,
            pain_after=pain(session.pain_after),
            ended_at=session.ended_at.to_pydatetime(),
        )
        written.append(session_id)
    stored_sessions = log.sessions()
    stored_holds = log.holds()
    return (
        stored_sessions[stored_sessions["session_id"].isin(written)].reset_index(drop=True),
        stored_holds[stored_holds["session_id"].isin(written)].reset_index(drop=True),
    )
