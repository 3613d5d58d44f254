"""Findings and their levels: what every part of the guidance says things with.

The bottom of :mod:`backstretch_kit.guidance`: every other part says what it
has to say as a :class:`Finding` and raises :class:`GuidanceError`.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Finding levels, least to most serious (not the catalog's difficulty levels, vocab.LEVELS).
FINDING_LEVELS: tuple[str, ...] = ("info", "caution", "stop")


class GuidanceError(ValueError):
    """A profile or red-flag answer is not valid (names the field and the value)."""


@dataclass(frozen=True)
class Finding:
    """One thing :func:`check_routine` has to say about a routine.

    Attributes
    ----------
    level : str
        ``"info"`` (good to know), ``"caution"`` (change something or take
        care) or ``"stop"`` (do not go on; seek advice or care).
    message : str
        A sentence or two the person stretching can read.
    item : int or None
        0-based position of the routine item it concerns; ``None`` for the
        routine as a whole or the red-flag screen.
    stretch_id : str or None
        The stretch it concerns, when it concerns one.
    code : str
        A short stable id for programs and tests, such as ``"hold-short"``.
    body_area : str or None
        The body area, for the per-area dose findings.
    """

    level: str
    message: str
    item: int | None = None
    stretch_id: str | None = None
    code: str = ""
    body_area: str | None = None

    def __post_init__(self) -> None:
        if self.level not in FINDING_LEVELS:
            raise GuidanceError(f"level must be one of {FINDING_LEVELS}, got {self.level!r}")
