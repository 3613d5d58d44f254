"""What the timer engine reports from :meth:`HoldTimer.poll`: one event per thing that was due."""

from __future__ import annotations

from dataclasses import dataclass

from .timer_phases import Phase


@dataclass(frozen=True)
class TimerEvent:
    """Base of every event; ``at`` is the clock time the event was due."""

    index: int
    phase: Phase
    at: float


@dataclass(frozen=True)
class PhaseStarted(TimerEvent):
    """A phase began at clock time ``at``."""


@dataclass(frozen=True)
class CueDue(TimerEvent):
    """A cue is due: ``kind`` is one of :data:`CUE_KINDS`.

    ``late_s`` says how long after its due time the cue was reported (a
    driver may drop sounds that come more than a moment late, after the
    kernel was busy, rather than play a burst of them).
    """

    kind: str = ""
    late_s: float = 0.0


@dataclass(frozen=True)
class PhaseFinished(TimerEvent):
    """A phase ended at clock time ``at``.

    ``outcome`` is ``"completed"`` (ran to its end), ``"skipped"`` (the user
    skipped on), ``"stopped"`` (the user stopped the routine during it) or
    ``"back"`` (the user went back; the phase will be played again).
    ``actual_s`` counts the running time in the phase, pauses excluded, so a
    completed phase has ``actual_s == planned_s``.
    """

    planned_s: float = 0.0
    actual_s: float = 0.0
    outcome: str = "completed"

    @property
    def completed(self) -> bool:
        """True when the phase ran to its planned end."""
        return self.outcome == "completed"

    @property
    def skipped(self) -> bool:
        """True when the user skipped the rest of the phase."""
        return self.outcome == "skipped"


@dataclass(frozen=True)
class RoutineEnded:
    """The routine is over: ``outcome`` is ``"finished"`` or ``"stopped"``."""

    outcome: str
    at: float
