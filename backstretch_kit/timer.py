"""The hold-timer engine: plays a routine's schedule against a clock.

:class:`HoldTimer` knows nothing of widgets or terminals. Whoever drives it
(the notebook widget, the ``backstretch play`` command, a test with a fake
clock) calls :meth:`HoldTimer.poll` now and then and reacts to the events it
returns. Remaining time always comes from a deadline on a monotonic clock
(``deadline - clock()``), never from counting ticks, so a late or irregular
poll never makes the timer drift: it reports every phase boundary that passed
since the last poll, each at the moment it was due.

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

import math
import numbers
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .vocab import PHASE_KINDS
from .words import format_duration

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

#: Kinds of phase, in the order of the schedule's ``phase`` categories.

#: Every cue the timer can announce.
CUE_KINDS: tuple[str, ...] = ("halfway", "3", "2", "1", "end", "switch side")

#: Within this many seconds of a phase's start, :meth:`HoldTimer.back` goes to
#: the previous phase; later it restarts the current one (like a music player).
BACK_RESTART_S = 2.0

#: A hold gets a halfway cue only when it is at least this long; on a short
#: hold it would crowd the 3-2-1 countdown.
HALFWAY_MIN_S = 10.0

_STATES = ("ready", "running", "paused", "finished", "stopped")


class TimerError(ValueError):
    """A schedule the timer cannot play (no phases, negative seconds, bad scale)."""


@dataclass(frozen=True)
class Phase:
    """One phase of a routine, as the timer plays it.

    The fields mirror the columns of ``Routine.schedule()`` (see
    docs/ARCHITECTURE.md); ``kind`` is the schedule's ``phase`` column.
    """

    kind: str
    seconds: float
    item: int = 0
    stretch_id: str = ""
    name: str = ""
    body_area: str = ""
    side: str = "both"
    rep: int = 1
    reps: int = 1
    start_s: float = 0.0

    @property
    def is_hold(self) -> bool:
        """True for a hold, the phase that is logged."""
        return self.kind == "hold"


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


def cues_for(phase: Phase) -> list[tuple[float, str]]:
    """Return (remaining seconds when due, kind) for a phase, soonest first.

    The one list of a phase's cues: the engine reports them as :class:`CueDue`,
    and the notebook's timer (which runs in the browser) is sent them to play.
    """
    cues: list[tuple[float, str]] = []
    if phase.kind == "switch side":
        cues.append((phase.seconds, "switch side"))
    if phase.is_hold and phase.seconds >= HALFWAY_MIN_S:
        cues.append((phase.seconds / 2, "halfway"))
    # 3-2-1 ends every phase long enough to count it down: it leads into a hold
    # or out of one.
    cues.extend((float(n), str(n)) for n in (3, 2, 1) if n < phase.seconds)
    if phase.is_hold:
        cues.append((0.0, "end"))
    cues.sort(key=lambda cue: -cue[0])
    return cues


def _phase_from_row(row: dict[str, Any], position: int) -> Phase:
    try:
        kind = str(row["phase"])
        raw = row["seconds"]
    except KeyError as error:
        raise TimerError(f"schedule row {position} has no {error.args[0]!r} column") from None
    if isinstance(raw, bool) or not isinstance(raw, numbers.Real):
        raise TimerError(f"schedule row {position} ({kind}): seconds must be a number, got {raw!r}")
    seconds = float(raw)
    return Phase(
        kind=kind,
        seconds=seconds,
        item=int(row.get("item", 0)),
        stretch_id=str(row.get("stretch_id", "")),
        name=str(row.get("name", "")),
        body_area=str(row.get("body_area", "")),
        side=str(row.get("side", "both")),
        rep=int(row.get("rep", 1)),
        reps=int(row.get("reps", 1)),
        start_s=float(row.get("start_s", 0.0)),
    )


def as_phases(phases: Any) -> list[Phase]:
    """Turn a schedule DataFrame, a list of :class:`Phase` or of dicts into phases.

    Raises
    ------
    TimerError
        If there are no phases, a row lacks ``phase`` or ``seconds``, a kind
        is unknown, or a length is negative or not finite.
    """
    if hasattr(phases, "to_dict") and hasattr(phases, "columns"):
        rows: Iterable[Any] = phases.to_dict("records")
    else:
        rows = phases
    result: list[Phase] = []
    for position, row in enumerate(rows):
        phase = row if isinstance(row, Phase) else _phase_from_row(dict(row), position)
        if phase.kind not in PHASE_KINDS:
            raise TimerError(
                f"schedule row {position}: phase must be one of {', '.join(PHASE_KINDS)}, "
                f"got {phase.kind!r}"
            )
        if (
            isinstance(phase.seconds, bool)
            or not isinstance(phase.seconds, numbers.Real)
            or not math.isfinite(phase.seconds)
            or phase.seconds < 0
        ):
            raise TimerError(
                f"schedule row {position} ({phase.kind}): seconds must be a finite number "
                f">= 0, got {phase.seconds!r}"
            )
        result.append(phase)
    if not result:
        raise TimerError("the schedule has no phases to play")
    return result


def scale_phases(phases: Sequence[Phase], scale: float) -> list[Phase]:
    """Return the phases with every length (and start) multiplied by ``scale``.

    For demonstrations and tests: ``scale=0.1`` plays a routine ten times faster.
    """
    if not math.isfinite(scale) or scale <= 0:
        raise TimerError(f"scale must be a finite number > 0, got {scale!r}")
    return [
        Phase(**{**p.__dict__, "seconds": p.seconds * scale, "start_s": p.start_s * scale})
        for p in phases
    ]


# -- words for a phase, shared by the widget and the terminal -------------------


def _side_text(phase: Phase) -> str:
    return "" if phase.side == "both" else f"{phase.side} side"


def _rep_text(phase: Phase) -> str:
    parts = [f"rep {phase.rep} of {phase.reps}"] if phase.reps > 1 else []
    if phase.side != "both":
        parts.append(_side_text(phase))
    return ", ".join(parts)


def describe_phase(phase: Phase) -> str:
    """Say what to do in a phase, e.g. ``"Hold · rep 3 of 10, left side"`` (plain text)."""
    reps = _rep_text(phase)
    if phase.kind == "hold":
        return f"Hold · {reps}" if reps else "Hold"
    if phase.kind == "rest":
        return f"Rest · then {reps}" if reps else "Rest"
    if phase.kind == "switch side":
        return f"Switch to the {_side_text(phase) or 'other side'}"
    if phase.kind == "next stretch":
        return "Next stretch: get into position"
    return "Get ready"


def describe_next(phase: Phase | None) -> str:
    """Say what comes next, e.g. ``"Next: Rest, 10 s"`` (plain text)."""
    if phase is None:
        return "Next: the end of the routine"
    length = format_duration(phase.seconds)
    if phase.kind == "hold":
        reps = _rep_text(phase)
        return f"Next: {phase.name}, hold {length}" + (f", {reps}" if reps else "")
    if phase.kind == "next stretch":
        return f"Next: move on to {phase.name}, {length}"
    return f"Next: {describe_phase(phase)}, {length}"


def countdown_text(seconds: float) -> str:
    """Whole seconds left, rounded up (``"7"``), or ``"m:ss"`` from a minute on."""
    whole = max(0, math.ceil(seconds - 1e-9))
    return str(whole) if whole < 60 else f"{whole // 60}:{whole % 60:02d}"


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
