"""A seeded sample of a patient doing their program at home, written to a session log.

:func:`sample_program_log` plays a patient who follows a
:class:`~backstretch_kit.program.Program`: on most planned days (and now and then on
another), at about the program's session time in the patient's zone, they do that
day's routine with that week's doses, let a hold go early now and then, and score
their pain before and after, which eases over the weeks. With ``pain_rises_in`` the
pain after sessions jumps in that week, so the pain rule has something to show.
Everything goes through the log's public calls (``start_session``,
``record_hold``, ``finish_session``), so the log cannot tell it from a real one.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

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
    count = 0
    for offset in range((stop - program.start).days):
        day = program.start + dt.timedelta(days=offset)
        chance = done_share if day in planned else 0.06
        if rng.random() >= chance:
            continue
        # the doses of the week, as the pain rule leaves them after what was logged so far
        so_far = log.sessions(program.person)
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
        session = log.start_session(
            program.person, routine, pain_before=before, started_at=clock, notes=note
        )
        for phase in routine.schedule().itertuples(index=False):
            if phase.phase != "hold":
                clock += dt.timedelta(seconds=float(phase.seconds))
                continue
            early = rng.random() < 0.06
            held = round(phase.seconds * (rng.uniform(0.5, 0.9) if early else 1.0), 1)
            log.record_hold(
                session, phase.stretch_id, phase.side, int(phase.rep), float(phase.seconds),
                held, completed=not early, started_at=clock,
            )  # fmt: skip
            clock += dt.timedelta(seconds=held)
        log.finish_session(session, pain_after=after, ended_at=clock + dt.timedelta(seconds=45))
        count += 1
    return count
