"""The people of :func:`~backstretch_kit.demo.sample_log`: their habits and their sessions.

A :class:`SamplePerson` draws, from their own seeded generator, everything that
makes one person's log look like a person's: two or three routines picked from
the catalog, a usual hour, a stiffer side, where their pain starts and whether
it eases, and a trip away. :meth:`SamplePerson.stretch` then lives the days,
appending session and hold rows in the log's column names. :mod:`~backstretch_kit.demo`
turns the rows into frames and writes them to a log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["TEMPLATES", "SamplePerson", "pick_items"]

Row = dict[str, object]

#: Routine templates: a name and the body areas it visits, in order. The
#: stretches themselves are picked from the catalog per person, so two people's
#: "Morning mobility" need not be identical, just as in real life.
TEMPLATES: tuple[tuple[str, tuple[str, ...]], ...] = (
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


def pick_items(
    rng: np.random.Generator, stretches: pd.DataFrame, areas: Sequence[str]
) -> list[Row]:
    """One catalog stretch per area (none twice), at the catalog's dose nudged a little.

    Each item is a dict with ``stretch_id``, ``body_area``, ``sides``, ``hold_s``,
    ``reps`` and ``rest_s``; an area the catalog has no unused stretch for is left out.
    """
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


def _seconds(value: float) -> pd.Timedelta:
    """A Timedelta on whole milliseconds, so timestamps print cleanly."""
    return pd.Timedelta(milliseconds=round(value * 1000))


class SamplePerson:
    """One sample person's habits, drawn once from ``rng``, which keeps drawing their days.

    Parameters
    ----------
    rng : numpy.random.Generator
        This person's own generator: the same seed, the same person.
    name : str
        As in the log's ``person`` column.
    stretches : DataFrame
        The catalog their routines are picked from.
    days : int
        How many days their log covers (a trip away needs more than 20).
    steady : bool
        Whether their pain hovers where it started instead of easing.
    """

    def __init__(
        self,
        rng: np.random.Generator,
        name: str,
        stretches: pd.DataFrame,
        days: int,
        steady: bool,
    ) -> None:
        self.rng = rng
        self.name = name
        self.steady = steady
        routines = {title: pick_items(rng, stretches, areas) for title, areas in TEMPLATES}
        self.routines = {title: items for title, items in routines.items() if items}
        # A favourite routine, one for some days, and a rare one.
        weights = np.array([0.6, 0.3, 0.1][: len(self.routines)])
        self.weights = weights / weights.sum()
        self.habit_hour = float(rng.choice([7.0, 12.5, 19.5]))
        # Most people have a stiffer side, whose holds they let go of early now and then.
        self.short_side = str(rng.choice(["left", "right"]))
        self.short_factor = float(rng.uniform(0.8, 0.97))
        self.baseline = float(rng.uniform(4.5, 5.5))
        self.trip_start = int(rng.integers(days)) if days > 20 else -1
        self.trip_length = int(rng.integers(3, 7))

    def stretch(
        self, first_day: dt.date, days: int, tz: str, sessions: list[Row], holds: list[Row]
    ) -> None:
        """Live ``days`` days from ``first_day`` on the clock of ``tz``; append the rows.

        Ids count on from the rows already in ``sessions`` and ``holds``, so several
        people's rows can share the lists (the caller renumbers them in time order).
        """
        rng = self.rng
        names = list(self.routines)
        stretched_yesterday = True
        for offset in range(days):
            day = first_day + dt.timedelta(days=offset)
            # Skipped days come in runs: after a skip, the next skip is likelier.
            chance = 0.85 if stretched_yesterday else 0.5
            on_trip = self.trip_start <= offset < self.trip_start + self.trip_length
            stretched_yesterday = (not on_trip) and rng.random() < chance
            if not stretched_yesterday:
                continue
            routine_name = str(rng.choice(names, p=self.weights))
            start_minute = self.habit_hour * 60 + rng.normal(0, 25)
            started_at = pd.Timestamp(day, tz=tz) + pd.Timedelta(seconds=round(start_minute * 60))
            session_id = len(sessions) + 1
            items = self.routines[routine_name]
            ended_at = self._holds(session_id, items, started_at, holds)
            pain_before, pain_after = self._pain(offset)
            notes = str(rng.choice(_NOTES)) if rng.random() < 0.08 else ""
            sessions.append(
                {
                    "session_id": session_id,
                    "person": self.name,
                    "routine_name": routine_name,
                    "started_at": started_at,
                    "ended_at": ended_at,
                    "pain_before": pain_before,
                    "pain_after": pain_after,
                    "notes": notes,
                    "kind": _KIND,
                }
            )

    def _holds(
        self, session_id: int, items: list[Row], started_at: pd.Timestamp, holds: list[Row]
    ) -> pd.Timestamp:
        """Append the holds of one session; return when the session ended."""
        rng = self.rng
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
                    actual_s, completed = self._held(planned_s, side)
                    holds.append(
                        {
                            "hold_id": len(holds) + 1,
                            "session_id": session_id,
                            "person": self.name,
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

    def _held(self, planned_s: float, side: str) -> tuple[float, bool]:
        """How long one hold lasted, and whether it ran to the timer's end."""
        rng = self.rng
        # Most holds run to the timer's end; a stiffer side is let go early
        # more often, and by about the person's usual shortfall.
        stiff = side == self.short_side
        if rng.random() < (0.4 if stiff else 0.03):
            share = self.short_factor if stiff else float(rng.uniform(0.5, 0.9))
            return round(planned_s * min(0.97, share * rng.normal(1.0, 0.04)), 1), False
        return planned_s, True

    def _pain(self, offset: int) -> tuple[float, float]:
        """Pain before and after on the 0-10 scale, NaN when not answered."""
        rng = self.rng
        if self.steady:
            # Pain that hovers where it started, weeks on end.
            level = self.baseline + 0.3 * np.sin(offset / 9)
        else:
            # Eases over the first few weeks, then settles around 1.5.
            level = 1.5 + (self.baseline - 1.5) * np.exp(-offset / 16)
        before = float(np.clip(round(level + rng.normal(0, 0.6)), 0, 10))
        after = float(max(0.0, before - rng.choice([0, 1, 1, 2, 2])))
        if rng.random() < 0.04:
            before = float("nan")
        if rng.random() < 0.06:
            after = float("nan")
        return before, after
