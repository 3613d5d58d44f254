"""What the timer's page reports, read into the engine's own events, one at a time.

The page sends plain JSON (see :mod:`~backstretch_kit.widgets.timer_widget` for the
messages). Here one page event becomes the engine's event object
(:class:`~backstretch_kit.timer.PhaseStarted`,
:class:`~backstretch_kit.timer.PhaseFinished`,
:class:`~backstretch_kit.timer.RoutineEnded`), or None for what only the page acts on
(pause, resume, skip, back, stop). Whatever a page could not have meant (an unknown
kind, a phase that is not there, more held than planned) raises
:class:`~backstretch_kit.timer.TimerError` naming the event, so the widget refuses it
instead of logging it. Kept apart from the widget, which keeps the order, the ids
taken and the owner: this part needs no comm to be read and tested.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from ..timer import Phase, PhaseFinished, PhaseStarted, RoutineEnded, TimerError

__all__ = ["PAGE_EVENT_KINDS", "engine_event", "page_number"]

#: What the page reports; only ``started``, ``finished`` and ``ended`` become engine events.
PAGE_EVENT_KINDS: tuple[str, ...] = (
    "started", "finished", "pause", "resume", "skip", "back", "stop", "ended",
)  # fmt: skip

_OUTCOMES = ("completed", "skipped", "stopped", "back")


def page_number(raw: dict[str, Any], key: str) -> float:
    """``raw[key]`` as a float; a missing, boolean or non-finite value raises TimerError."""
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise TimerError(f"{key} must be a finite number, got {value!r}")
    return float(value)


def engine_event(raw: dict[str, Any], phases: list[Phase], offset: float) -> Any:
    """The engine's event for a page event (None for pause, skip and the like).

    ``offset`` turns the page's times into the widget's clock (page time + offset).
    """
    kind = raw.get("kind")
    if kind not in PAGE_EVENT_KINDS:
        raise TimerError(f"event {raw['id']}: unknown kind {kind!r}")
    at = page_number(raw, "t") + offset
    if kind == "ended":
        outcome = raw.get("outcome")
        if outcome not in ("finished", "stopped"):
            raise TimerError(f"event {raw['id']}: a routine cannot end as {outcome!r}")
        return RoutineEnded(outcome, at)
    index = raw.get("index")
    if isinstance(index, bool) or not isinstance(index, int):
        raise TimerError(f"event {raw['id']}: phase index must be a whole number")
    if not 0 <= index < len(phases):
        raise TimerError(f"event {raw['id']}: there is no phase {index}")
    phase = phases[index]
    claimed = raw.get("phase", phase.kind)
    if kind in ("started", "finished") and claimed != phase.kind:
        raise TimerError(
            f"event {raw['id']}: phase {index} is a {phase.kind}, the page played a {claimed}"
        )
    if kind == "started":
        return PhaseStarted(index, phase, at)
    if kind != "finished":
        return None
    outcome = raw.get("outcome")
    if outcome not in _OUTCOMES:
        raise TimerError(f"event {raw['id']}: unknown outcome {outcome!r}")
    actual = page_number(raw, "actual_s")
    if not -1e-6 <= actual <= phase.seconds + 1e-3:
        raise TimerError(f"event {raw['id']}: {actual} s held of a {phase.seconds} s {phase.kind}")
    actual = phase.seconds if outcome == "completed" else min(phase.seconds, max(0.0, actual))
    return PhaseFinished(index, phase, at, phase.seconds, actual, outcome)
