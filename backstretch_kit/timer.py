"""The hold-timer engine: plays a routine's schedule against a clock.

:class:`HoldTimer` knows nothing of widgets or terminals. Whoever drives it
(the notebook widget, the ``backstretch play`` command, a test with a fake
clock) calls :meth:`HoldTimer.poll` now and then and reacts to the events it
returns. Remaining time always comes from a deadline on a monotonic clock
(``deadline - clock()``), never from counting ticks, so a late or irregular
poll never makes the timer drift: it reports every phase boundary that passed
since the last poll, each at the moment it was due.

Inside, the engine sits on two modules it re-exports: :mod:`~backstretch_kit.timer_phases`
(the phases, their cues and their words) and :mod:`~backstretch_kit.timer_events`
(what :meth:`HoldTimer.poll` returns).

Examples
--------
>>> from backstretch_kit.timer import HoldTimer
>>> now = [0.0]
>>> timer = HoldTimer.single_hold(5.0, clock=lambda: now[0])
>>> timer.start()
>>> [type(e).__name__ for e in timer.poll()]
['PhaseStarted']
>>> now[0] = 7.0  # polled late: the hold ended at 5.0 all the same
>>> [getattr(e, "kind", "") for e in timer.poll() if type(e).__name__ == "CueDue"]
['3', '2', '1', 'end']
>>> timer.state
'finished'
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .timer_events import CueDue, PhaseFinished, PhaseStarted, RoutineEnded, TimerEvent
from .timer_phases import (
    CUE_KINDS,
    HALFWAY_MIN_S,  # noqa: F401  (public before the split; still importable from here)
    Phase,
    TimerError,
    as_phases,
    countdown_text,
    cues_for,
    describe_next,
    describe_phase,
    scale_phases,
)

__all__ = [
    "BACK_RESTART_S",
    "CUE_KINDS",
    "CueDue",
    "HoldTimer",
    "Phase",
    "PhaseFinished",
    "PhaseStarted",
    "RoutineEnded",
    "TimerError",
    "TimerEvent",
    "countdown_text",
    "cues_for",
    "describe_next",
    "describe_phase",
]

#: Within this many seconds of a phase's start, :meth:`HoldTimer.back` goes to
#: the previous phase; later it restarts the current one (like a music player).
BACK_RESTART_S = 2.0

_STATES = ("ready", "running", "paused", "finished", "stopped")


@dataclass
class _Running:
    """Clock bookkeeping for the current phase."""

    deadline: float = 0.0  # clock time the phase ends, while running
    remaining_s: float = 0.0  # frozen remaining time, while paused
    cue_next: int = 0  # index into the phase's cues of the next one due
    cues: list[tuple[float, str]] = field(default_factory=list)


class HoldTimer:
    """Play a routine's phases against a monotonic clock, and report events.

    Parameters
    ----------
    phases : pandas.DataFrame or sequence of Phase
        ``Routine.schedule()`` (columns ``phase``, ``seconds`` and the rest of
        the schedule contract), or :class:`Phase` records, in play order.
    clock : callable, default time.monotonic
        Returns seconds as a float; inject a fake clock in tests.
    scale : float, default 1.0
        Multiplies every phase length (0.1 plays ten times faster).

    Notes
    -----
    States: ``"ready"`` -> :meth:`start` -> ``"running"`` <-> ``"paused"``
    (:meth:`pause`, :meth:`resume`) -> ``"finished"`` at the end of the last
    phase, or ``"stopped"`` after :meth:`stop`. :meth:`skip` and :meth:`back`
    work while running or paused and keep that state. Commands in a state
    where they mean nothing (pause before start, skip after the end) do
    nothing, so a double click in a widget is harmless.

    Events are collected as they happen and handed out by :meth:`poll`, in
    order: for each phase a :class:`PhaseStarted`, its :class:`CueDue` events,
    then one :class:`PhaseFinished`; after the last, one :class:`RoutineEnded`.
    """

    def __init__(
        self,
        phases: Any,
        clock: Callable[[], float] = time.monotonic,
        *,
        scale: float = 1.0,
    ) -> None:
        self.phases: list[Phase] = scale_phases(as_phases(phases), scale)
        self.clock = clock
        self._state = "ready"
        self._index = 0
        self._run = _Running()
        self._pending: list[Any] = []
        # planned start of each phase within the routine, and the total
        self._offsets: list[float] = []
        total = 0.0
        for phase in self.phases:
            self._offsets.append(total)
            total += phase.seconds
        self.total_s: float = total

    @classmethod
    def single_hold(
        cls,
        seconds: float,
        *,
        name: str = "Hold",
        stretch_id: str = "",
        side: str = "both",
        get_ready_s: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> HoldTimer:
        """A timer for one hold, optionally after a get-ready countdown."""
        phases = []
        if get_ready_s > 0:
            phases.append(Phase("get ready", get_ready_s, stretch_id=stretch_id, name=name))
        phases.append(
            Phase(
                "hold",
                float(seconds),
                stretch_id=stretch_id,
                name=name,
                side=side,
                start_s=max(0.0, get_ready_s),
            )
        )
        return cls(phases, clock)

    # -- what a driver reads -------------------------------------------------

    @property
    def state(self) -> str:
        """One of ``"ready"``, ``"running"``, ``"paused"``, ``"finished"``, ``"stopped"``."""
        return self._state

    @property
    def index(self) -> int:
        """Position of the current phase (the last one once the routine is over)."""
        return self._index

    @property
    def current(self) -> Phase:
        """The current phase (the first before start, the last after the end)."""
        return self.phases[self._index]

    @property
    def next_phase(self) -> Phase | None:
        """The phase after the current one, or None at the last phase or after the end."""
        if self._state in ("finished", "stopped") or self._index + 1 >= len(self.phases):
            return None
        return self.phases[self._index + 1]

    @property
    def remaining_s(self) -> float:
        """Seconds left in the current phase, from its deadline (0 once over).

        This reads the clock but does not advance the timer: call
        :meth:`poll` to process phase boundaries.
        """
        if self._state == "running":
            # clamped both ways: a clock that steps backward (a bad injected clock,
            # a suspended machine) never shows more than the phase's own length
            return min(self.current.seconds, max(0.0, self._run.deadline - self.clock()))
        if self._state == "paused":
            return self._run.remaining_s
        if self._state == "ready":
            return self.current.seconds
        return 0.0

    @property
    def elapsed_s(self) -> float:
        """Running seconds spent in the current phase, pauses excluded."""
        if self._state in ("finished", "stopped"):
            return 0.0
        return min(self.current.seconds, self.current.seconds - self.remaining_s)

    @property
    def position_s(self) -> float:
        """Planned seconds of the routine behind us: earlier phases plus this one's elapsed."""
        if self._state == "finished":
            return self.total_s
        if self._state == "stopped":
            return self._offsets[self._index]
        return self._offsets[self._index] + self.elapsed_s

    @property
    def progress(self) -> float:
        """Share of the routine's planned time done, 0 to 1 (skipped phases count as done)."""
        if self._state == "finished" or self.total_s == 0:
            return 1.0 if self._state == "finished" else 0.0
        return min(1.0, max(0.0, self.position_s / self.total_s))

    def next_due_s(self) -> float | None:
        """Seconds until the next cue or phase end, for a driver to sleep on.

        None unless running. Sleeping ``min(tick, next_due_s())`` lets a
        driver poll right at each cue without polling more often.
        """
        if self._state != "running":
            return None
        run = self._run
        remaining = run.deadline - self.clock()
        due = remaining  # the phase end
        if run.cue_next < len(run.cues):
            due = min(due, remaining - run.cues[run.cue_next][0])
        return max(0.0, due)

    # -- commands --------------------------------------------------------------

    def start(self) -> None:
        """Start the first phase now (only from ``"ready"``)."""
        if self._state != "ready":
            return
        self._state = "running"
        self._begin(0, self.clock())

    def pause(self) -> None:
        """Freeze the remaining time of the current phase (only while running)."""
        if self._state != "running":
            return
        now = self.clock()
        self._advance(now)  # boundaries already passed belong before the pause
        if self._state != "running":
            return
        self._run.remaining_s = max(0.0, self._run.deadline - now)
        self._state = "paused"

    def resume(self) -> None:
        """Carry on with exactly the remaining time kept at :meth:`pause`."""
        if self._state != "paused":
            return
        self._run.deadline = self.clock() + self._run.remaining_s
        self._state = "running"

    def toggle_pause(self) -> None:
        """Pause when running, resume when paused."""
        if self._state == "running":
            self.pause()
        elif self._state == "paused":
            self.resume()

    def skip(self) -> None:
        """Finish the current phase as skipped and start the next one now.

        Skipping the last phase ends the routine as ``"finished"``.
        """
        if not self._settle():
            return
        now = self.clock()
        self._finish(now, "skipped")
        self._begin(self._index + 1, now)

    def back(self) -> None:
        """Go back: restart this phase, or go to the previous one near its start.

        More than :data:`BACK_RESTART_S` seconds into a phase (or at the first
        phase) the current phase starts again; within that time the previous
        phase starts again. The abandoned phase finishes with outcome
        ``"back"``; cues of the phase played again are announced again.
        """
        if not self._settle():
            return
        now = self.clock()
        target = self._index
        if self.elapsed_s <= BACK_RESTART_S and self._index > 0:
            target = self._index - 1
        self._finish(now, "back")
        self._begin(target, now)

    def stop(self) -> None:
        """End the routine now; the current phase finishes as ``"stopped"``."""
        if not self._settle():
            return
        now = self.clock()
        self._finish(now, "stopped")
        self._state = "stopped"
        self._pending.append(RoutineEnded("stopped", now))

    def poll(self) -> list[Any]:
        """Advance to the clock's time and return the events since the last poll.

        Every phase boundary and cue that passed is reported, each with the
        clock time it was due (``at``), so a late poll catches up exactly.
        """
        if self._state == "running":
            self._advance(self.clock())
        events, self._pending = self._pending, []
        return events

    update = poll

    # -- the machinery -----------------------------------------------------------

    def _settle(self) -> bool:
        """Process passed boundaries; True if a command may act on the current phase."""
        if self._state == "running":
            self._advance(self.clock())
        return self._state in ("running", "paused")

    def _begin(self, index: int, start: float) -> None:
        """Make phase ``index`` current from clock time ``start``, or end the routine.

        Its cues are reported by the next :meth:`_advance` while running (a
        phase entered while paused announces them when resumed).
        """
        if index >= len(self.phases):
            self._state = "finished"
            self._pending.append(RoutineEnded("finished", start))
            return
        self._index = index
        phase = self.phases[index]
        self._run = _Running(
            deadline=start + phase.seconds, remaining_s=phase.seconds, cues=cues_for(phase)
        )
        self._pending.append(PhaseStarted(index, phase, start))

    def _finish(self, now: float, outcome: str) -> None:
        phase = self.current
        remaining = self._run.remaining_s if self._state == "paused" else self._run.deadline - now
        actual = phase.seconds - min(phase.seconds, max(0.0, remaining))
        self._pending.append(PhaseFinished(self._index, phase, now, phase.seconds, actual, outcome))

    def _release_cues(self, remaining: float, due_base: float, now: float) -> None:
        """Report the cues due at ``remaining`` seconds left; ``due_base`` is the deadline."""
        run = self._run
        while run.cue_next < len(run.cues) and remaining <= run.cues[run.cue_next][0]:
            cue_remaining, kind = run.cues[run.cue_next]
            due = due_base - cue_remaining
            self._pending.append(CueDue(self._index, self.current, due, kind, max(0.0, now - due)))
            run.cue_next += 1

    def _advance(self, now: float) -> None:
        """Report every cue and boundary up to ``now``, each at its own due time."""
        while self._state == "running":
            run = self._run
            self._release_cues(run.deadline - now, run.deadline, now)
            if now < run.deadline:
                return
            end = run.deadline
            phase = self.current
            self._pending.append(
                PhaseFinished(self._index, phase, end, phase.seconds, phase.seconds, "completed")
            )
            # the next phase starts at the old deadline, not at poll time: no drift
            self._begin(self._index + 1, end)
