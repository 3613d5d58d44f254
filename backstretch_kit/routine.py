"""Stretching routines: what is in them and how long they take.

A :class:`Routine` is a named, ordered list of :class:`RoutineItem`, each one
stretch from the catalog with its own dose. :meth:`Routine.schedule` turns it
into the phases the hold timer plays, so the total time shown to a user is the
time the timer will take. The JSON file format lives in
:mod:`backstretch_kit.routine_file`; ``routine.save(path)`` and
``Routine.load(path)`` go through it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .vocab import BODY_AREAS, MAX_HOLD_S, MAX_NAME_CHARS, PHASE_KINDS, SIDES
from .words import format_duration  # re-exported: notebooks import it from here

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "DOSE_RULES",
    "MAX_HOLD_S",
    "MAX_REPS",
    "MAX_REST_S",
    "PHASES",
    "Routine",
    "RoutineError",
    "RoutineItem",
]

PHASES = PHASE_KINDS  # the schedule's phase column uses the one vocabulary

#: Limits beyond which a dose is taken to be a typing slip, not a plan (the hold's is
#: vocab.MAX_HOLD_S, shared with the catalog and the log).
MAX_REST_S = 600.0
MAX_REPS = 50
#: Longest pause the timing settings (get ready, switch side, next stretch) accept.
MAX_PAUSE_S = 600.0

_DOSE_FIELDS = ("hold_s", "reps", "sides", "rest_s")

#: What each dose field accepts, said to the person typing it: the widgets show this
#: beside the field a value was refused in (the RoutineError message is for programs
#: and files). The limits are the ones RoutineItem checks.
DOSE_RULES: dict[str, str] = {
    "hold_s": f"A hold must be more than 0 and at most {MAX_HOLD_S:g} seconds.",
    "reps": f"Repetitions must be a whole number from 1 to {MAX_REPS}.",
    "rest_s": f"A rest must be from 0 to {MAX_REST_S:g} seconds.",
    "sides": f"Sides must be {' or '.join(SIDES)}.",
}
_SIDE_NAMES = {"both together": ("both",), "each side": ("left", "right")}


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


def _seconds(
    value: Any,
    field: str,
    *,
    low: float,
    high: float,
    positive: bool,
    stretch_id: str | None = None,
) -> float:
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
        hold = _seconds(
            self.hold_s, "hold_s", low=0.0, high=MAX_HOLD_S, positive=True, stretch_id=sid
        )
        rest = _seconds(
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


def _default_catalog() -> pd.DataFrame:
    from .catalog import load_stretches

    return load_stretches()


class Routine:
    """A named, ordered list of stretches, each with its own dose.

    Parameters
    ----------
    name : str
        Shown on the timer, the log and the handout.
    items : iterable of RoutineItem
        The stretches in play order.
    notes : str
        Free text for the whole routine.
    catalog : DataFrame, optional
        The stretch catalog (``load_stretches()`` shape); loaded when not given.
        Every item's stretch id must be in it.
    get_ready_s, switch_s, transition_s : float
        Seconds to get into the first stretch, to change sides, and to move
        on to the next stretch. Zero leaves the phase out of the schedule.

    Raises
    ------
    RoutineError
        For an unknown stretch id (naming it and the item) or bad timing.

    Examples
    --------
    >>> r = Routine.from_stretches(["knee-to-chest", "lying-spinal-twist"], name="Evening")
    >>> r.add("childs-pose", hold_s=30)
    >>> r
    Routine('Evening', 3 items, 7 min 15 s)
    >>> bool(r.total_seconds() == r.schedule()["seconds"].sum())
    True
    """

    __hash__ = None  # type: ignore[assignment]  # mutable, so not hashable

    def __init__(
        self,
        name: str,
        items: Iterable[RoutineItem] = (),
        notes: str = "",
        catalog: pd.DataFrame | None = None,
        get_ready_s: float = 5.0,
        switch_s: float = 5.0,
        transition_s: float = 10.0,
    ) -> None:
        self.name = name  # checked by the property below
        if not isinstance(notes, str):
            raise RoutineError(f"must be text, got {notes!r}", field="notes")
        self.notes = notes
        self._catalog = _default_catalog() if catalog is None else catalog
        self.get_ready_s = _seconds(
            get_ready_s, "get_ready_s", low=0.0, high=MAX_PAUSE_S, positive=False
        )
        self.switch_s = _seconds(switch_s, "switch_s", low=0.0, high=MAX_PAUSE_S, positive=False)
        self.transition_s = _seconds(
            transition_s, "transition_s", low=0.0, high=MAX_PAUSE_S, positive=False
        )
        self._items: list[RoutineItem] = []
        for index, item in enumerate(items):
            if not isinstance(item, RoutineItem):
                raise RoutineError(f"must be a RoutineItem, got {item!r}", item=index)
            self._check_known(item.stretch_id, index)
            self._items.append(item)

    # -- construction -------------------------------------------------------------
    @property
    def name(self) -> str:
        """The routine's name: text, not blank, at most ``MAX_NAME_CHARS`` characters."""
        return self._name

    @name.setter
    def name(self, name: str) -> None:
        if not isinstance(name, str) or not name.strip():
            raise RoutineError(f"a routine needs a name, got {name!r}", field="name")
        if len(name) > MAX_NAME_CHARS:
            raise RoutineError(
                f"is {len(name)} characters; a routine name has at most {MAX_NAME_CHARS}",
                field="name",
            )
        self._name = name

    @classmethod
    def from_stretches(
        cls,
        ids: Iterable[str],
        catalog: pd.DataFrame | None = None,
        *,
        name: str = "My routine",
        notes: str = "",
        hold_s: float | None = None,
        reps: int | None = None,
        sides: str | None = None,
        rest_s: float | None = None,
    ) -> Routine:
        """Build a routine from stretch ids, each with the catalog's dose.

        Any dose given here (``hold_s``, ``reps``, ``sides``, ``rest_s``)
        replaces the catalog's for every item.
        """
        routine = cls(name, (), notes=notes, catalog=catalog)
        for stretch_id in ids:
            routine.add(stretch_id, hold_s=hold_s, reps=reps, sides=sides, rest_s=rest_s)
        return routine

    def make_item(
        self,
        stretch_id: str,
        *,
        hold_s: float | None = None,
        reps: int | None = None,
        sides: str | None = None,
        rest_s: float | None = None,
        note: str = "",
    ) -> RoutineItem:
        """Return an item for ``stretch_id``, taking any dose not given from the catalog."""
        self._check_known(stretch_id, None)
        row = self._catalog.loc[stretch_id]
        return RoutineItem(
            stretch_id=stretch_id,
            hold_s=float(row["hold_s"]) if hold_s is None else hold_s,
            reps=int(row["reps"]) if reps is None else reps,
            sides=str(row["sides"]) if sides is None else sides,
            rest_s=float(row["rest_s"]) if rest_s is None else rest_s,
            note=note,
        )

    # -- editing ------------------------------------------------------------------
    def add(
        self,
        stretch_id: str,
        *,
        hold_s: float | None = None,
        reps: int | None = None,
        sides: str | None = None,
        rest_s: float | None = None,
        note: str = "",
        position: int | None = None,
    ) -> None:
        """Add a stretch, at the end or before ``position``; dose defaults to the catalog's."""
        item = self.make_item(
            stretch_id, hold_s=hold_s, reps=reps, sides=sides, rest_s=rest_s, note=note
        )
        if position is None:
            self._items.append(item)
        else:
            self._items.insert(self._position(position, insert=True), item)

    def remove(self, which: int | str) -> RoutineItem:
        """Remove and return an item, by 0-based position or by stretch id (first match)."""
        return self._items.pop(self._index(which))

    def move(self, source: int | str, destination: int) -> None:
        """Move an item (by position or stretch id) so that it ends up at ``destination``."""
        index = self._index(source)
        destination = self._position(destination, insert=False)
        self._items.insert(destination, self._items.pop(index))

    def change(self, which: int | str, **dose: Any) -> RoutineItem:
        """Change an item's dose or note, such as ``change(0, hold_s=30, reps=2)``.

        Returns the new item. Only ``hold_s``, ``reps``, ``sides``, ``rest_s``
        and ``note`` can be changed; other names raise :class:`RoutineError`.
        """
        index = self._index(which)
        unknown = sorted(set(dose) - set(_DOSE_FIELDS) - {"note"})
        if unknown:
            raise RoutineError(
                f"cannot change {', '.join(unknown)}; only hold_s, reps, sides, rest_s "
                "and note can be changed",
                item=index,
                stretch_id=self._items[index].stretch_id,
            )
        try:
            new = dataclasses.replace(self._items[index], **dose)
        except RoutineError as error:
            raise error.located(item=index) from None
        self._items[index] = new
        return new

    def _check_known(self, stretch_id: str, index: int | None) -> None:
        if stretch_id not in self._catalog.index:
            raise RoutineError(
                f"unknown stretch id {stretch_id!r}; it is not in the catalog",
                item=index,
                stretch_id=stretch_id,
                field="stretch_id",
            )

    def _index(self, which: int | str) -> int:
        if isinstance(which, str):
            for index, item in enumerate(self._items):
                if item.stretch_id == which:
                    return index
            raise RoutineError(f"stretch {which!r} is not in routine {self.name!r}")
        if isinstance(which, bool) or not isinstance(which, int):
            raise RoutineError(f"an item is chosen by position or stretch id, got {which!r}")
        if not -len(self._items) <= which < len(self._items):
            raise RoutineError(
                f"no item at position {which}; routine {self.name!r} has {len(self)} items"
            )
        return which % len(self._items)

    def _position(self, position: int, *, insert: bool) -> int:
        limit = len(self._items) if insert else len(self._items) - 1
        if isinstance(position, bool) or not isinstance(position, int):
            raise RoutineError(f"a position must be a whole number, got {position!r}")
        if not 0 <= position <= limit:
            raise RoutineError(f"position {position} is outside 0..{limit}")
        return position

    # -- the container protocol ---------------------------------------------------
    @property
    def items(self) -> tuple[RoutineItem, ...]:
        """The items in play order (a tuple: edit with add, remove, move, change)."""
        return tuple(self._items)

    @property
    def catalog(self) -> pd.DataFrame:
        """The stretch catalog this routine draws names, areas and steps from."""
        return self._catalog

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[RoutineItem]:
        return iter(tuple(self._items))

    def __getitem__(self, index: int) -> RoutineItem:
        return self._items[index]

    def _content(self) -> tuple[Any, ...]:
        return (
            self.name,
            self.notes,
            self.get_ready_s,
            self.switch_s,
            self.transition_s,
            tuple(self._items),
        )

    def __eq__(self, other: object) -> bool:
        # Content only: two routines loaded against different catalog objects are equal.
        if not isinstance(other, Routine):
            return NotImplemented
        return self._content() == other._content()

    def __repr__(self) -> str:
        count = len(self._items)
        noun = "item" if count == 1 else "items"
        return f"Routine({self.name!r}, {count} {noun}, {format_duration(self.total_seconds())})"

    # -- timing -------------------------------------------------------------------
    def _phases(self) -> Iterator[tuple[str, int, str, int, int, float]]:
        """Yield (phase, item, side, rep, reps, seconds) in play order.

        Every phase other than a hold belongs to the hold that follows it: the
        get-ready and next-stretch phases to the coming item's first hold, a
        rest to the coming repetition, a switch to the coming side. That way
        each phase has one item, and a timer can show what is coming next.
        """
        for index, item in enumerate(self._items):
            pause = self.get_ready_s if index == 0 else self.transition_s
            kind = "get ready" if index == 0 else "next stretch"
            for side_number, side in enumerate(_SIDE_NAMES[item.sides]):
                if side_number == 0:
                    if pause > 0:
                        yield kind, index, side, 1, item.reps, pause
                elif self.switch_s > 0:
                    yield "switch side", index, side, 1, item.reps, self.switch_s
                for rep in range(1, item.reps + 1):
                    if rep > 1 and item.rest_s > 0:
                        yield "rest", index, side, rep, item.reps, item.rest_s
                    yield "hold", index, side, rep, item.reps, item.hold_s

    def schedule(self) -> pd.DataFrame:
        """Return the phases the timer plays, one row each, in order.

        Columns (see docs/ARCHITECTURE.md): ``phase`` (ordered categorical of
        :data:`PHASES`), ``item`` (0-based), ``stretch_id``, ``name``,
        ``body_area`` (ordered categorical of ``vocab.BODY_AREAS``), ``side``
        (``both``, ``left``, ``right``), ``rep`` and ``reps``, ``seconds`` and
        ``start_s``. A phase other than a hold carries the item, side and
        repetition of the hold that comes after it. Pauses set to zero (rest,
        get ready, switch side, next stretch) are left out.
        """
        import numpy as np
        import pandas as pd

        rows = list(self._phases())
        names = self._catalog["name"]
        areas = self._catalog["body_area"]
        item_names = [str(names.at[item.stretch_id]) for item in self._items]
        item_areas = [str(areas.at[item.stretch_id]) for item in self._items]
        seconds = np.fromiter((row[5] for row in rows), dtype=float, count=len(rows))
        start = np.zeros(len(rows))
        if len(rows) > 1:
            start[1:] = np.cumsum(seconds[:-1])
        items = [row[1] for row in rows]
        return pd.DataFrame(
            {
                "phase": pd.Categorical([row[0] for row in rows], categories=PHASES, ordered=True),
                "item": np.asarray(items, dtype=np.int64),
                "stretch_id": [self._items[i].stretch_id for i in items],
                "name": [item_names[i] for i in items],
                "body_area": pd.Categorical(
                    [item_areas[i] for i in items], categories=BODY_AREAS, ordered=True
                ),
                "side": [row[2] for row in rows],
                "rep": np.asarray([row[3] for row in rows], dtype=np.int64),
                "reps": np.asarray([row[4] for row in rows], dtype=np.int64),
                "seconds": seconds,
                "start_s": start,
            }
        )

    def total_seconds(self) -> float:
        """Return the planned length in seconds; equals ``schedule()["seconds"].sum()``."""
        import numpy as np

        # Same numbers, same numpy summation as the schedule column, so the two agree exactly.
        seconds = np.fromiter((row[5] for row in self._phases()), dtype=float)
        return float(seconds.sum())

    def time_by_area(self) -> pd.DataFrame:
        """Return seconds by body area: hold time, everything else, and the total.

        Indexed by every area of ``vocab.BODY_AREAS`` in order (an ordered
        categorical index named ``body_area``; areas not in the routine get 0),
        with float columns ``hold_s``, ``other_s`` (get ready, rests, side
        switches and moving on, counted with the stretch they lead into) and
        ``total_s``. ``total_s`` sums to :meth:`total_seconds`.
        """
        import pandas as pd

        frame = self.schedule()
        is_hold = frame["phase"] == "hold"
        hold = frame["seconds"].where(is_hold, 0.0)
        other = frame["seconds"].where(~is_hold, 0.0)
        table = (
            pd.DataFrame({"body_area": frame["body_area"], "hold_s": hold, "other_s": other})
            .groupby("body_area", observed=False, sort=True)[["hold_s", "other_s"]]
            .sum()
        )
        table = table.reindex(pd.CategoricalIndex(BODY_AREAS, categories=BODY_AREAS, ordered=True))
        table.index.name = "body_area"
        table = table.fillna(0.0).astype(float)
        table["total_s"] = table["hold_s"] + table["other_s"]
        return table

    # -- files (the format is in routine_file) ------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Return the routine as the JSON document :meth:`save` writes."""
        from .routine_file import routine_to_dict

        return routine_to_dict(self)

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        catalog: pd.DataFrame | None = None,
        *,
        source: str | Path | None = None,
    ) -> Routine:
        """Build a routine from a routine-file document (see :mod:`.routine_file`)."""
        from .routine_file import routine_from_dict

        return routine_from_dict(data, catalog, source=source)

    def save(self, path: str | Path) -> Path:
        """Write the routine as an indented JSON file (UTF-8) and return its path."""
        from .routine_file import save_routine

        return save_routine(self, path)

    @classmethod
    def load(cls, path: str | Path, catalog: pd.DataFrame | None = None) -> Routine:
        """Read a routine file; see :func:`~.routine_file.read_routine_file`."""
        from .routine_file import read_routine_file

        return read_routine_file(path, catalog)


def __getattr__(name: str) -> Any:
    # The file functions moved to routine_file; old imports from here keep working.
    if name in ("load_routine", "ready_routines", "FILE_FORMAT", "FILE_VERSION"):
        from . import routine_file

        return getattr(routine_file, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
