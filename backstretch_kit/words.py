"""The one way to say things: a duration, a dose, a finding's level.

Every part of the workbook (handouts, widgets, the terminal, the checker) says
these the same way, so a person reading a handout and then the timer sees the
same words. Plain Python, no pandas: cheap to import anywhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

__all__ = [
    "FINDING_COLOURS",
    "FINDING_ICONS",
    "FINDING_TITLES",
    "area_text",
    "dose_text",
    "format_duration",
    "seconds_text",
    "stretch_label",
]

#: What each finding level is called, in front of its message.
FINDING_TITLES: dict[str, str] = {"stop": "Stop", "caution": "Take care", "info": "Good to know"}
#: The colour each level is shown in (readable on white, told apart without colour too,
#: since the title always comes with it).
FINDING_COLOURS: dict[str, str] = {"stop": "#B3261E", "caution": "#8A5A00", "info": "#0B5C8C"}
#: A mark for each level where space is short (the guided session's list).
FINDING_ICONS: dict[str, str] = {"stop": "⛔", "caution": "⚠️", "info": "ℹ️"}


def format_duration(seconds: float) -> str:
    """Say a duration the way a person would.

    Whole seconds from 10 s on; below that a tenth is kept when there is one, so
    a demonstration at ``--scale 0.05`` still reads sensibly.

    Examples
    --------
    >>> format_duration(260), format_duration(45), format_duration(3720)
    ('4 min 20 s', '45 s', '1 h 2 min')
    >>> format_duration(0.5), format_duration(90)
    ('0.5 s', '1 min 30 s')
    """
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"a duration must be zero or more seconds, got {seconds!r}")
    if seconds < 10 and round(seconds, 1) != round(seconds):
        return f"{round(seconds, 1):g} s"
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


def seconds_text(seconds: float) -> str:
    """Seconds spelt out for a sentence: ``"1 second"``, ``"12 seconds"``, ``"2.5 seconds"``."""
    return "1 second" if seconds == 1 else f"{seconds:g} seconds"


def dose_text(item: Any) -> str:
    """Say a routine item's dose in plain words.

    Parameters
    ----------
    item : RoutineItem
        Anything with ``hold_s``, ``reps``, ``sides`` and ``rest_s``.

    Examples
    --------
    >>> from types import SimpleNamespace as Item
    >>> dose_text(Item(hold_s=30.0, reps=2, sides="each side", rest_s=10.0))
    'Hold 30 s, 2 times on each side (left side first), resting 10 s between holds.'
    """
    times = "once" if item.reps == 1 else f"{item.reps} times"
    if item.sides == "each side":
        times += " on each side (left side first)"
    text = f"Hold {format_duration(item.hold_s)}, {times}"
    if item.reps > 1 and item.rest_s > 0:
        text += f", resting {format_duration(item.rest_s)} between holds"
    return text + "."


def area_text(
    body_area: str, secondary_areas: Iterable[str] = (), listed_for: str | None = None
) -> str:
    """Say which body area a stretch works, in a list filtered by ``listed_for``.

    A list filtered by an area also holds the stretches that work it only on the
    side (a secondary area): those say so, or a "(lower back)" stretch would seem
    to have slipped into a list of hips and glutes.

    Examples
    --------
    >>> area_text("lower back", ["hips and glutes"], listed_for="hips and glutes")
    'lower back; also hips and glutes'
    >>> area_text("lower back", ["hips and glutes"]), area_text("neck", listed_for="neck")
    ('lower back', 'neck')
    """
    main = str(body_area)
    if listed_for is not None and listed_for != main and listed_for in secondary_areas:
        return f"{main}; also {listed_for}"
    return main


def stretch_label(
    name: str, body_area: str, secondary_areas: Iterable[str] = (), listed_for: str | None = None
) -> str:
    """A stretch as a list shows it: its name and, in brackets, :func:`area_text`.

    Examples
    --------
    >>> stretch_label("Figure four", "hips and glutes", ["lower back"], listed_for="lower back")
    'Figure four (hips and glutes; also lower back)'
    """
    return f"{name} ({area_text(body_area, secondary_areas, listed_for)})"
