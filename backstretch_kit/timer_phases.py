"""What the timer plays: phases, built from a schedule, with their cues and their words.

Below the engine (:mod:`backstretch_kit.timer`, which re-exports all of it):
:func:`as_phases` turns ``Routine.schedule()`` (or a list of dicts) into
:class:`Phase` objects and checks them, :func:`cues_for` is the one list of a
phase's cues, and :func:`describe_phase`, :func:`describe_next` and
:func:`countdown_text` say them the same way in the widget and the terminal.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .vocab import PHASE_KINDS
from .words import format_duration

#: Every cue the timer can announce.
CUE_KINDS: tuple[str, ...] = ("halfway", "3", "2", "1", "end", "switch side")

#: A hold gets a halfway cue only when it is at least this long; on a short
#: hold it would crowd the 3-2-1 countdown.
HALFWAY_MIN_S = 10.0


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
