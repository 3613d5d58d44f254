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
has something to point at. The people themselves are :mod:`~backstretch_kit.demo_people`;
this module makes the frames and writes them to a log.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ._data import user_data_dir
from .demo_people import TEMPLATES, SamplePerson, pick_items

# The log's own frame layout, so sample frames and real ones cannot drift apart.
from .log import HOLD_COLUMNS, SESSION_COLUMNS, SessionLog, holds_frame, sessions_frame

__all__ = ["SESSION_COLUMNS", "HOLD_COLUMNS", "log_or_sample", "sample_log", "sample_routines"]

#: The file of the sample shown while your own log is empty (in your data folder).
SAMPLE_FILE = "sample-sessions.sqlite"


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
    return {name: pick_items(rng, stretches, areas) for name, areas in TEMPLATES}


def log_or_sample(
    show_sample_when_empty: bool = True, *, people: Sequence[str] = ("Alex", "Sam")
) -> tuple[SessionLog, bool]:
    """Your session log, or a sample log while yours is still empty: ``(log, is_sample)``.

    The sample (120 days of ``people``, seed 7) is written once, to
    ``user_data_dir()/sample-sessions.sqlite``, and reused after. It is written
    to a side file first and moved into place only when complete, so a kernel
    stopped halfway leaves no half sample to be shown later.

    Parameters
    ----------
    show_sample_when_empty : bool
        With ``False``, your own log is returned even when it is empty.
    people : sequence of str
        The sample's people (used only when the sample is first written).
    """
    own = SessionLog()
    if not show_sample_when_empty or not own.sessions().empty:
        return own, False
    own.close()
    sample_file = user_data_dir() / SAMPLE_FILE
    if not sample_file.exists():
        part = sample_file.with_name(f".{SAMPLE_FILE}.{os.getpid()}.part")
        try:
            with SessionLog(part) as log:
                sample_log(people=people, days=120, seed=7, log=log)
            # closed: the journal is emptied into the file, so the one file is the log
            os.replace(part, sample_file)
        finally:
            for leftover in part.parent.glob(f"{part.name}*"):
                leftover.unlink(missing_ok=True)
    return SessionLog(sample_file), True


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
        public ``record_sessions`` (the whole sample in one transaction). The
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
    for index, name in enumerate(people):
        person = SamplePerson(
            np.random.default_rng([seed, index]), name, stretches, days, name in steady
        )
        person.stretch(first_day, days, tz, session_rows, hold_rows)

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


def _sessions_frame(rows: list[dict[str, object]]) -> tuple[pd.DataFrame, dict[int, int]]:
    """Build the sessions frame; also return old id -> new id."""
    frame = pd.DataFrame(rows, columns=list(SESSION_COLUMNS))
    frame = frame.sort_values(["started_at", "person"], kind="stable").reset_index(drop=True)
    # Ids follow time across people, as a shared log would hand them out.
    renumber = dict(zip(frame["session_id"].tolist(), range(1, len(frame) + 1), strict=True))
    frame["session_id"] = np.arange(1, len(frame) + 1, dtype="int64")
    return sessions_frame(frame), renumber


def _holds_frame(
    rows: list[dict[str, object]], renumber: dict[int, int], stretches: pd.DataFrame
) -> pd.DataFrame:
    """Build the holds frame, pointing at the renumbered sessions, in time order."""
    frame = pd.DataFrame(rows, columns=list(HOLD_COLUMNS))
    frame["name"] = frame["stretch_id"].map(stretches["name"])
    frame["session_id"] = frame["session_id"].map(renumber)
    frame = frame.sort_values(["started_at", "session_id"], kind="stable").reset_index(drop=True)
    frame["hold_id"] = np.arange(1, len(frame) + 1, dtype="int64")
    return holds_frame(frame)


#: The sample's columns written to the log, in the order _write_to_log unpacks them.
_SESSION_FIELDS = (
    "session_id", "person", "routine_name", "pain_before", "started_at", "notes",
    "pain_after", "ended_at",
)  # fmt: skip
_HOLD_FIELDS = (
    "session_id", "stretch_id", "side", "rep", "planned_s", "actual_s", "completed",
    "started_at",
)  # fmt: skip


def _write_to_log(
    log: SessionLog, sessions: pd.DataFrame, holds: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Write the sample in one batch (one commit); return what the log reads back."""

    def pain(value: float) -> float | None:
        return None if pd.isna(value) else float(value)

    # Whole columns as Python values at once: row by row through pandas is most of the time.
    by_session: dict[int, list[dict[str, object]]] = {}
    for session_id, *fields in zip(*(holds[c].tolist() for c in _HOLD_FIELDS), strict=True):
        by_session.setdefault(session_id, []).append(
            dict(zip(_HOLD_FIELDS[1:], fields, strict=True))
        )
    batch = [
        {
            "person": person,
            "routine": routine,
            "pain_before": pain(before),
            "started_at": started,
            "notes": notes,
            "holds": by_session.get(session_id, []),
            "pain_after": pain(after),
            "ended_at": ended,
        }
        for session_id, person, routine, before, started, notes, after, ended in zip(
            *(sessions[c].tolist() for c in _SESSION_FIELDS), strict=True
        )
    ]
    written = log.record_sessions(batch)
    stored_sessions = log.sessions()
    stored_holds = log.holds()
    return (
        stored_sessions[stored_sessions["session_id"].isin(written)].reset_index(drop=True),
        stored_holds[stored_holds["session_id"].isin(written)].reset_index(drop=True),
    )
