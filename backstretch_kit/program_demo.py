"""A seeded sample of a patient doing their program at home, written to a session log.

:func:`sample_program_log` plays a patient who follows a
:class:`~backstretch_kit.program.Program`: on most planned days (and now and then on
another), at about the program's session time in the patient's zone, they do that
day's routine with that week's doses, let a hold go early now and then, and score
their pain before and after, which eases over the weeks. With ``pain_rises_in`` the
pain after sessions jumps in that week, so the pain rule has something to show.
The sessions go into the log through its public ``record_sessions``, all in one
transaction (one wait for the disk), checked as the one-by-one calls check them, so
the log cannot tell them from a real patient's.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .log import sessions_frame

if TYPE_CHECKING:  # pragma: no cover
    from .log import SessionLog
    from .program import Program

__all__ = ["sample_program_log"]

_NOTES = (
    "Stiff after sitting all day",
    "Felt looser afterwards",
    "Short on time, did what I could",
    "The twist was easier today",
    "Lower back tight in the morning",
)


def sample_program_log(
    program: Program,
    log: SessionLog,
    *,
    seed: int = 0,
    until: dt.date | None = None,
    done_share: float = 0.85,
    pain_rises_in: int | None = None,
) -> int:
    """Write a patient's sessions of ``program`` into ``log``; return how many.

    Parameters
    ----------
    program : Program
    log : SessionLog
        Where the sessions go, under ``program.person``.
    seed : int
        The same seed gives the same sessions.
    until : datetime.date, optional
        The first day not played (exclusive); the program's end by default.
    done_share : float
        The share of planned sessions done (0 to 1).
    pain_rises_in : int, optional
        A program week (1-based) in which the pain after sessions rises by about
        3 points, as when a dose was too much.
    """
    if not 0 <= done_share <= 1:
        raise ValueError(f"done_share must be from 0 to 1, got {done_share!r}")
    rng = np.random.default_rng([seed, 4_242])
    stop = program.end if until is None else min(until, program.end)
    planned = set(program.planned_days())
    # The pain rule sets each day's doses from what was logged before it: the log's own
    # sessions, then those played here (written together at the end).
    logged = log.sessions(program.person)
    played: list[dict[str, Any]] = []
    for offset in range((stop - program.start).days):
        day = program.start + dt.timedelta(days=offset)
        chance = done_share if day in planned else 0.06
        if rng.random() >= chance:
            continue
        so_far = _so_far(logged, played)
        week = program.week_of(day)
        routine = program.routine_for(day, so_far) if day in planned else None
        if routine is None:  # an extra day: the week's first routine
            routine = program.week_routines(week, so_far)[0]
        eased = 1.5 + 3.5 * np.exp(-offset / 18)
        before = float(np.clip(round(eased + rng.normal(0, 0.6)), 0, 10))
        after = float(max(0.0, before - rng.choice([0, 1, 1, 2])))
        if week == pain_rises_in:
            after = float(min(10.0, before + 2 + rng.choice([0, 1])))
        minutes = program.session_time.hour * 60 + program.session_time.minute
        # wall-clock arithmetic in the patient's zone: 18:00 there, summer or winter
        clock = dt.datetime.combine(day, dt.time(), program.zone) + dt.timedelta(
            minutes=minutes + float(rng.normal(0, 20))
        )
        note = str(rng.choice(_NOTES)) if rng.random() < 0.12 else ""
        session: dict[str, Any] = {
            "person": program.person,
            "routine": routine,
            "pain_before": before,
            "started_at": clock,
            "notes": note,
            "holds": [],
        }
        for phase in routine.schedule().itertuples(index=False):
            if phase.phase != "hold":
                clock += dt.timedelta(seconds=float(phase.seconds))
                continue
            early = rng.random() < 0.06
            held = round(phase.seconds * (rng.uniform(0.5, 0.9) if early else 1.0), 1)
            session["holds"].append(
                {
                    "stretch_id": phase.stretch_id,
                    "side": phase.side,
                    "rep": int(phase.rep),
                    "planned_s": float(phase.seconds),
                    "actual_s": held,
                    "completed": not early,
                    "started_at": clock,
                }
            )
            clock += dt.timedelta(seconds=held)
        session.update(pain_after=after, ended_at=clock + dt.timedelta(seconds=45))
        played.append(session)
    return len(log.record_sessions(played))


def _so_far(logged: pd.DataFrame, played: list[dict[str, Any]]) -> pd.DataFrame:
    """The patient's sessions up to now, as ``SessionLog.sessions()`` would give them.

    The played ones are not written yet, so they have no ids (0); the pain rule
    reads only who, when and the pains.
    """
    if not played:
        return logged
    new = sessions_frame(
        {
            "session_id": [0] * len(played),
            "person": [s["person"] for s in played],
            "routine_name": [s["routine"].name for s in played],
            "kind": ["routine"] * len(played),
            "started_at": [s["started_at"] for s in played],
            "ended_at": [s["ended_at"] for s in played],
            "pain_before": [s["pain_before"] for s in played],
            "pain_after": [s["pain_after"] for s in played],
            "notes": [s["notes"] for s in played],
        }
    )
    return new if logged.empty else pd.concat([logged, new], ignore_index=True)
