"""What the hold timer's page is sent for each phase: its words, its cues and their tones.

:class:`~backstretch_kit.widgets.timer_widget.TimerWidget` sends the page (``timer.js``)
the whole schedule once; this is the part of it made of each phase alone and the one
after it: what to show, what the voice says as it starts, what a screen reader is told
once a phase (never each second), and which tone each cue plays; and the first step
of each stretch, shown under its name.
"""

from __future__ import annotations

from typing import Any

from ..timer import Phase, cues_for, describe_next, describe_phase
from ..words import format_duration

__all__ = ["TONES", "first_steps", "page_phases"]

#: The tones the page can play (their notes are in timer.js).
TONES: tuple[str, ...] = ("count", "halfway", "switch", "rest", "end", "done")


def page_phases(phases: list[Phase]) -> list[dict[str, Any]]:
    """Each phase as the page plays it, with its start on the routine's own clock."""
    out = []
    start = 0.0
    for i, phase in enumerate(phases):
        following = phases[i + 1] if i + 1 < len(phases) else None
        out.append(
            {
                "kind": phase.kind,
                "seconds": phase.seconds,
                "start_s": start,
                "item": phase.item,
                "stretch_id": phase.stretch_id,
                "name": phase.name,
                "side": phase.side,
                "rep": phase.rep,
                "reps": phase.reps,
                "status": describe_phase(phase),
                "next": describe_next(following),
                "say": _spoken(phase),
                "announce": _announced(phase),
                "cues": [
                    [remaining, kind, _tone(kind, following)] for remaining, kind in cues_for(phase)
                ],
            }
        )
        start += phase.seconds
    return out


def first_steps(phases: list[Phase], stretches: Any = None) -> dict[str, str]:
    """The first instruction step of each stretch played, by stretch id.

    ``stretches`` is the catalog to read them from (``load_stretches()`` when None,
    loaded only if a phase has a stretch); a stretch it lacks, or one with no
    steps, is left out.
    """
    ids = {p.stretch_id for p in phases if p.stretch_id}
    if not ids:
        return {}
    if stretches is None:
        from ..catalog import load_stretches

        stretches = load_stretches()
    steps = {}
    for stretch_id in ids & set(stretches.index):
        instructions = stretches.loc[stretch_id, "instructions"]
        if len(instructions):
            steps[stretch_id] = str(instructions[0])
    return steps


def _tone(kind: str, following: Phase | None) -> str | None:
    """The tone of a cue; the end of a hold says what comes next."""
    if kind in ("3", "2", "1"):
        return "count"
    if kind == "halfway":
        return "halfway"
    if kind == "switch side":
        return "switch"
    if kind == "end":
        if following is None:
            return "done"
        if following.kind == "switch side":
            return None  # the switch phase's own cue sounds at the same moment
        return "rest" if following.kind == "rest" else "end"
    return None


def _spoken_seconds(seconds: float) -> str:
    """A length as it is said aloud: "30 seconds", "1 minute 15 seconds"."""
    whole = max(1, round(seconds))
    minutes, rest = divmod(whole, 60)
    parts = [f"{minutes} minute{'s' if minutes != 1 else ''}"] if minutes else []
    if rest or not parts:
        parts.append(f"{rest} second{'s' if rest != 1 else ''}")
    return " ".join(parts)


def _spoken(phase: Phase) -> str:
    """What the voice says as a phase starts: the stretch and the hold, or the pause."""
    name = phase.name or "the stretch"
    if phase.kind == "hold":
        if phase.rep == phase.reps and phase.reps > 1:
            return "Last one."
        if phase.rep > 1:
            return "Hold."
        side = f", {phase.side} side" if phase.side != "both" else ""
        return f"{name}. Hold {_spoken_seconds(phase.seconds)}{side}."
    if phase.kind == "switch side":
        side = f"the {phase.side} side" if phase.side != "both" else "the other side"
        return f"Switch to {side}."
    if phase.kind == "rest":
        return "Rest."
    if phase.kind == "next stretch":
        return f"Next: {name}."
    return f"Get ready: {name}."


def _announced(phase: Phase) -> str:
    """What the aria-live region reads as a phase starts (once a phase, never each second)."""
    what = describe_phase(phase).replace(" · ", ", ")
    length = format_duration(phase.seconds)
    return f"{phase.name}: {what}, {length}." if phase.name else f"{what}, {length}."
