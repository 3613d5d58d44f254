"""The pain rule of a program, and what the patient is told today.

When the average pain after sessions rose by
:data:`~backstretch_kit.guidance.PAIN_CHANGE_THAT_MATTERS` points or more from one
program week to the next, the week after keeps the dose and the patient is told to
ease off and contact their physiotherapist. Holding is the cautious choice: a dose
that is not raised cannot be what made it worse, and one bad week of scores is
reason enough to ask. Weeks and days are the patient's (:func:`patient_days`).

The :class:`~backstretch_kit.program.Program` methods ``pain_by_week``,
``held_weeks`` and ``advice`` call these functions.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .guidance import NOT_EASING_WEEKS, PAIN_CHANGE_THAT_MATTERS, Finding
from .program_rules import ProgramError

if TYPE_CHECKING:  # pragma: no cover
    from .log import SessionLog
    from .program import Program
    from .routine import Routine

__all__ = [
    "advice",
    "held_weeks",
    "mean_by_week",
    "own_sessions",
    "pain_by_week",
    "todays_session",
    "week_bins",
]

_LEVELS = ("stop", "caution", "info")
_PAINS = ("pain_before", "pain_after")


def own_sessions(program: Program, sessions: pd.DataFrame | SessionLog) -> pd.DataFrame:
    """The program's person's rows of a ``SessionLog.sessions()`` frame, checked.

    A :class:`~backstretch_kit.log.SessionLog` itself may be given: its sessions of
    the program's person are read.
    """
    if not isinstance(sessions, pd.DataFrame) and callable(getattr(sessions, "sessions", None)):
        sessions = sessions.sessions(program.person)
    missing = [c for c in ("started_at", "pain_before", "pain_after") if c not in sessions.columns]
    if missing:
        raise ProgramError(f"the sessions lack the columns {', '.join(missing)}", field="sessions")
    if "person" in sessions.columns:
        sessions = sessions[sessions["person"] == program.person]
    return sessions


def mean_by_week(week: np.ndarray, values: pd.Series, size: int) -> np.ndarray:
    """Mean of the scored ``values`` in each week bin (0 to ``size - 1``); NaN with no score."""
    scores = values.to_numpy(dtype=float)
    scored = ~np.isnan(scores)
    total = np.bincount(week[scored], scores[scored], size)
    count = np.bincount(week[scored], minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def week_bins(program: Program, stamps: pd.Series) -> np.ndarray:
    """The program week (1-based) of each time's patient day; 0 outside the program."""
    days = program.local_days(stamps).to_numpy().astype("datetime64[D]")
    offset = (days - np.datetime64(program.start, "D")).astype(np.int64)
    week = offset // 7 + 1
    return np.where((offset >= 0) & (week <= program.weeks), week, 0)


def pain_by_week(program: Program, sessions: pd.DataFrame) -> pd.DataFrame:
    """Mean ``pain_before`` and ``pain_after`` per program week (index ``week``, 1-based).

    NaN for a week with no score. Sessions outside the program's weeks are left out.
    """
    sessions = own_sessions(program, sessions)
    bins = week_bins(program, sessions["started_at"])
    size = program.weeks + 1
    means = {name: mean_by_week(bins, sessions[name], size)[1:] for name in _PAINS}
    return pd.DataFrame(means, index=pd.RangeIndex(1, size, name="week"))


def held_weeks(program: Program, sessions: pd.DataFrame) -> list[int]:
    """The weeks (1-based) that keep the week before's dose because the pain rose.

    Week ``w`` is held when the mean pain after sessions in week ``w - 1`` was
    ``PAIN_CHANGE_THAT_MATTERS`` points or more above that of week ``w - 2``; a week
    with no score holds nothing.
    """
    after = pain_by_week(program, sessions)["pain_after"]
    return [
        week
        for week in range(3, program.weeks + 1)
        if after[week - 1] - after[week - 2] >= PAIN_CHANGE_THAT_MATTERS  # NaN compares False
    ]


def advice(program: Program, sessions: pd.DataFrame, today: dt.date) -> list[Finding]:
    """What the patient should know on ``today``, most serious first.

    Codes: ``pain-rose`` (caution: this week keeps last week's dose; ease off and
    contact the physiotherapist), ``pain-not-eased`` (caution: 3 weeks without
    easing, talk to the physiotherapist or doctor), ``this-week`` (info: the week's
    sessions and what changed), ``program-ended``, ``review-due`` and
    ``review-soon`` (info).
    """
    from .progress import pain_not_eased_since

    sessions = own_sessions(program, sessions)
    days = program.local_days(sessions["started_at"])
    sessions = sessions[(days <= pd.Timestamp(today)).to_numpy()]  # nothing from the future
    findings: list[Finding] = []
    if program.start <= today < program.end:
        week = program.week_of(today)
        if week in held_weeks(program, sessions):
            pain = pain_by_week(program, sessions)["pain_after"]
            before, after = pain[week - 2], pain[week - 1]
            findings.append(Finding(
                "caution",
                f"Your pain after stretching rose last week, from about {before:.1f} to "
                f"{after:.1f} out of 10. Keep last week's dose this week rather than "
                "increasing it, and ease off: gentler, shorter holds, and leave out any "
                "stretch that made it worse. Please contact your physiotherapist.",
                code="pain-rose",
            ))  # fmt: skip
        findings.append(Finding("info", program.week_summary(week, sessions), code="this-week"))
    elif today >= program.end:
        findings.append(Finding(
            "info",
            "The program's weeks are over: keep to the last week's dose until your review.",
            code="program-ended",
        ))  # fmt: skip
    # the shared rule counts days on each time's own clock: give it the patient's clock
    local = sessions.assign(started_at=sessions["started_at"].dt.tz_convert(program.zone))
    if not local.empty and pain_not_eased_since(local) is not None:
        findings.append(Finding(
            "caution",
            f"Your pain has not eased in {NOT_EASING_WEEKS} weeks: talk to your "
            "physiotherapist or doctor.",
            code="pain-not-eased",
        ))  # fmt: skip
    if today >= program.review:
        findings.append(
            Finding("info", f"Your review was due on {program.review}.", code="review-due")
        )
    elif (program.review - today).days <= 7:
        findings.append(Finding("info", f"Your review is on {program.review}.", code="review-soon"))
    return sorted(findings, key=lambda finding: _LEVELS.index(finding.level))


def todays_session(
    program: Program, sessions: pd.DataFrame | SessionLog, today: dt.date | None = None
) -> tuple[Routine | None, list[Finding]]:
    """Today's routine of a program (None on a rest day) and what the patient should know.

    For the guided session: the dose is this week's, held where the pain rule
    says so, and the findings are :func:`advice`'s (the pain rule, this week's
    dose, the review). ``today`` is the patient's today by default.
    """
    own = own_sessions(program, sessions)
    day = program.today() if today is None else today
    return program.routine_for(day, own), advice(program, own, day)
