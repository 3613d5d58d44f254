"""One stretch of a routine with its dose, the dose limits, and RoutineError.

Below :mod:`backstretch_kit.routine` (which re-exports all of it): the
routine file format, the programs and the widgets check a dose through
:class:`RoutineItem`, so every place refuses the same values with the same
words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .vocab import MAX_HOLD_S, SIDES

#: Limits beyond which a dose is taken to be a typing slip, not a plan (the hold's is
#: vocab.MAX_HOLD_S, shared with the catalog and the log).
MAX_REST_S = 600.0
MAX_REPS = 50

#: The dose fields of an item, in the order a routine file writes them.
DOSE_FIELDS = ("hold_s", "reps", "sides", "rest_s")

#: What each dose field accepts, said to the person typing it: the widgets show this
#: beside the field a value was refused in (the RoutineError message is for programs
#: and files). The limits are the ones RoutineItem checks.
DOSE_RULES: dict[str, str] = {
    "hold_s": f"A hold must be more than 0 and at most {MAX_HOLD_S:g} seconds.",
    "reps": f"Repetitions must be a whole number from 1 to {MAX_REPS}.",
    "rest_s": f"A rest must be from 0 to {MAX_REST_S:g} seconds.",
    "sides": f"Sides must be {' or '.join(SIDES)}.",
}


class RoutineError(ValueError):
    """A routine, routine item or routine file is not valid.

    The message names what it can: the file, the item (counted from 1, with
    its stretch id), the field and the bad value. The same facts are kept as
    attributes for programs: ``path``, ``item`` (0-based, like the schedule's
    ``item`` column), ``stretch_id`` and ``field``; each is ``None`` when it
    does not apply.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        item: int | None = None,
        stretch_id: str | None = None,
        field: str | None = None,
    ) -> None:
        self.reason = message
        self.path = None if path is None else str(path)
        self.item = item
        self.stretch_id = stretch_id
        self.field = field
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = []
        if self.path is not None:
            where.append(self.path)
        if self.item is not None or self.stretch_id is not None:
            label = "item" if self.item is None else f"item {self.item + 1}"
            if self.stretch_id is not None:
                label += f" ({self.stretch_id})"
            where.append(label)
        if self.field is not None:
            where.append(f"field {self.field!r}")
        return ": ".join([*where, self.reason])

    def located(
        self,
        *,
        path: str | Path | None = None,
        item: int | None = None,
        stretch_id: str | None = None,
    ) -> RoutineError:
        """Return a copy of this error that also names the file and/or item."""
        return RoutineError(
            self.reason,
            path=self.path if path is None else path,
            item=self.item if item is None else item,
            stretch_id=self.stretch_id if stretch_id is None else stretch_id,
            field=self.field,
        )


def _number(value: Any, field: str, *, stretch_id: str | None = None) -> float:
    """Coerce a dose number to float, refusing text, booleans, NaN and infinity."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RoutineError(
            f"must be a number of seconds, got {value!r}", stretch_id=stretch_id, field=field
        )
    number = float(value)
    if not math.isfinite(number):
        raise RoutineError(
            f"must be a finite number, got {value!r}", stretch_id=stretch_id, field=field
        )
    return number


def check_seconds(
    value: Any,
    field: str,
    *,
    low: float,
    high: float,
    positive: bool,
    stretch_id: str | None = None,
) -> float:
    """Return a number of seconds as a float, refused when outside ``low``..``high``.

    ``positive`` makes ``low`` itself refused (a hold); otherwise ``low`` is
    allowed (a rest, a pause). The error names ``field`` and the stretch.
    """
    number = _number(value, field, stretch_id=stretch_id)
    if positive and number <= low:
        raise RoutineError(
            f"must be a positive number of seconds, got {value!r}",
            stretch_id=stretch_id,
            field=field,
        )
    if not positive and number < low:
        raise RoutineError(
            f"must not be negative, got {value!r}", stretch_id=stretch_id, field=field
        )
    if number > high:
        raise RoutineError(
            f"{value!r} s is more than the {high:g} s limit; is it a typing slip?",
            stretch_id=stretch_id,
            field=field,
        )
    return number


@dataclass(frozen=True)
class RoutineItem:
    """One stretch in a routine, with its dose.

    Parameters
    ----------
    stretch_id : str
        The catalog id, such as ``"knee-to-chest"``.
    hold_s : float
        Seconds of each hold; more than 0 and at most 600.
    reps : int
        Holds per side, a whole number from 1 to 50. For an ``"each side"``
        stretch the left side gets ``reps`` holds, then the right side.
    sides : str
        ``"both together"`` or ``"each side"`` (see ``vocab.SIDES``).
    rest_s : float
        Seconds of rest between holds on the same side; 0 to 600. Zero means
        no rest phase at all.
    note : str
        Free text for the person stretching, shown on the handout.

    Raises
    ------
    RoutineError
        On creation, naming the stretch id and the field, when a value is
        out of range or of the wrong type. Items are immutable; use
        :func:`dataclasses.replace` or :meth:`Routine.change` for a new dose.
    """

    stretch_id: str
    hold_s: float
    reps: int
    sides: str
    rest_s: float
    note: str = ""

    def __post_init__(self) -> None:
        sid = self.stretch_id
        if not isinstance(sid, str) or not sid.strip():
            raise RoutineError(f"must be a non-empty stretch id, got {sid!r}", field="stretch_id")
        hold = check_seconds(
            self.hold_s, "hold_s", low=0.0, high=MAX_HOLD_S, positive=True, stretch_id=sid
        )
        rest = check_seconds(
            self.rest_s, "rest_s", low=0.0, high=MAX_REST_S, positive=False, stretch_id=sid
        )
        reps = self.reps
        if isinstance(reps, bool) or not isinstance(reps, int | float):
            raise RoutineError(
                f"must be a whole number, got {reps!r}", stretch_id=sid, field="reps"
            )
        if not math.isfinite(reps) or reps != int(reps):
            raise RoutineError(
                f"must be a whole number, got {reps!r}", stretch_id=sid, field="reps"
            )
        if not 1 <= reps <= MAX_REPS:
            raise RoutineError(
                f"must be from 1 to {MAX_REPS}, got {reps!r}", stretch_id=sid, field="reps"
            )
        if self.sides not in SIDES:
            raise RoutineError(
                f"must be one of {', '.join(map(repr, SIDES))}, got {self.sides!r}",
                stretch_id=sid,
                field="sides",
            )
        if not isinstance(self.note, str):
            raise RoutineError(f"must be text, got {self.note!r}", stretch_id=sid, field="note")
        object.__setattr__(self, "hold_s", hold)
        object.__setattr__(self, "rest_s", rest)
        object.__setattr__(self, "reps", int(reps))

    def to_dict(self) -> dict[str, Any]:
        """Return the item as it is written in a routine file (note only if set)."""
        data: dict[str, Any] = {
            "stretch_id": self.stretch_id,
            "hold_s": self.hold_s,
            "reps": self.reps,
            "sides": self.sides,
            "rest_s": self.rest_s,
        }
        if self.note:
            data["note"] = self.note
        return data
