"""The session flow, once: open it in the log, log each hold the timer reports, finish it.

The notebook's :class:`~backstretch_kit.widgets.GuidedSession` and the
terminal's ``backstretch play`` both drive a :class:`~backstretch_kit.timer.HoldTimer`
and store what it reports. :class:`LoggedSession` is the part they share, so a hold
is dated and stored the same way whichever front end played it: one timeline for
the session (the wall time at Begin plus the timer's monotonic seconds since, so
stored times keep their order even if the wall clock jumps), and one rule for which
holds are logged.

No widgets and no terminal here: front ends pass the timer's events in, and say
what happened in their own way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from .log import LogError
from .timer import PhaseFinished, PhaseStarted

__all__ = ["LOGGED_OUTCOMES", "LoggedSession"]

#: Hold outcomes that are logged. A hold left with Back (``"back"``) is played
#: again and logged then; a skipped or stopped hold is logged as not completed.
LOGGED_OUTCOMES: tuple[str, ...] = ("completed", "skipped", "stopped")


class LoggedSession:
    """One stretching session as the log sees it.

    Parameters
    ----------
    log : SessionLog
        Where the session and its holds are written.
    person : str
        Who is stretching, as the log knows them.
    routine : Routine
        What is played (stored with the session).
    clock : callable
        The timer's monotonic clock, for the session's timeline.

    Attributes
    ----------
    session_id : int or None
        The log's id once :meth:`begin` was called.
    saved : list of PhaseFinished
        The holds written to the log, in order.
    hold_ids : list of int
        Their ids in the log.
    unsaved : list of PhaseFinished
        Holds the log refused (a full disk, a closed log). :meth:`handle` raised
        the error for each, so the front end could tell the person.
    """

    def __init__(self, log: Any, person: str, routine: Any, clock: Callable[[], float]) -> None:
        self.log = log
        self.person = person
        self.routine = routine
        self.clock = clock
        self.session_id: int | None = None
        self.saved: list[PhaseFinished] = []
        self.hold_ids: list[int] = []
        self.unsaved: list[PhaseFinished] = []
        self._started: dict[int, float] = {}
        self._wall_anchor = datetime.now().astimezone()
        self._clock_anchor = clock()

    def wall(self, clock_s: float) -> datetime:
        """The wall-clock time of a timer clock reading, on the session's timeline."""
        return self._wall_anchor + timedelta(seconds=clock_s - self._clock_anchor)

    def begin(self, pain_before: float | None = None) -> int:
        """Open the session in the log (with the pain before, if asked) and return its id."""
        self._wall_anchor = datetime.now().astimezone()
        self._clock_anchor = self.clock()
        self.session_id = self.log.start_session(
            self.person,
            routine=self.routine,
            pain_before=pain_before,
            started_at=self._wall_anchor,
        )
        return self.session_id

    def handle(self, event: Any) -> int | None:
        """Take one timer event; log a finished hold and return its id (else None).

        Raises
        ------
        LogError
            When the log refuses a hold. The hold is kept in :attr:`unsaved`
            first, so nothing is dropped without a word.
        """
        if isinstance(event, PhaseStarted):
            self._started[event.index] = event.at
            return None
        if not isinstance(event, PhaseFinished) or self.session_id is None:
            return None  # a timer started without begin() has nowhere to log
        if not (event.phase.is_hold and event.outcome in LOGGED_OUTCOMES):
            return None
        started = self._started.get(event.index, event.at - event.actual_s)
        try:
            hold_id = self.log.record_timer_hold(self.session_id, event, self.wall(started))
        except LogError:
            self.unsaved.append(event)
            raise
        self.saved.append(event)
        self.hold_ids.append(hold_id)
        return hold_id

    def finish(self, pain_after: float | None = None, notes: str | None = None) -> None:
        """Close the session with the pain after and the notes, at the timer's time now."""
        if self.session_id is None:
            raise LogError("this session was never begun, so there is nothing to finish")
        self.log.finish_session(
            self.session_id,
            pain_after=pain_after,
            notes=notes,
            ended_at=self.wall(self.clock()),
        )

    @property
    def completed(self) -> int:
        """How many saved holds ran their full time."""
        return sum(event.completed for event in self.saved)

    @property
    def held_s(self) -> float:
        """Seconds held in all, over the saved holds."""
        return sum(event.actual_s for event in self.saved)
