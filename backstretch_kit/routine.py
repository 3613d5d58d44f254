"""Stretching routines: what is in them and how long they take.

A :class:`Routine` is a named, ordered list of :class:`RoutineItem`, each one
stretch from the catalog with its own dose. :meth:`Routine.schedule` turns it
into the phases the hold timer plays, so the total time shown to a user is the
time the timer will take. The JSON file format lives in
:mod:`backstretch_kit.routine_file`; ``routine.save(path)`` and
``Routine.load(path)`` go through it.

Inside, one module per object: :mod:`~backstretch_kit.routine_item` holds
:class:`RoutineItem`, its limits and :class:`RoutineError`;
:mod:`~backstretch_kit.routine_schedule` lays items out in play order; this
module is the :class:`Routine` itself and re-exports the other two, so every
name can still be imported from here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import routine_schedule
from .routine_item import (
    DOSE_FIELDS,
    DOSE_RULES,
    MAX_REPS,
    MAX_REST_S,
    RoutineError,
    RoutineItem,
    check_seconds,
)
from .vocab import MAX_HOLD_S, MAX_NAME_CHARS, PHASE_KINDS
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

#: Longest pause the timing settings (get ready, switch side, next stretch) accept.
MAX_PAUSE_S = 600.0


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
        self.get_ready_s = check_seconds(
            get_ready_s, "get_ready_s", low=0.0, high=MAX_PAUSE_S, positive=False
        )
        self.switch_s = check_seconds(
            switch_s, "switch_s", low=0.0, high=MAX_PAUSE_S, positive=False
        )
        self.transition_s = check_seconds(
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
    def add(self, stretch_id: str, *, position: int | None = None, **dose: Any) -> None:
        """Add a stretch, at the end or before ``position``.

        ``dose`` is what :meth:`make_item` takes (``hold_s``, ``reps``, ``sides``,
        ``rest_s``, ``note``); any dose not given is the catalog's.
        """
        item = self.make_item(stretch_id, **dose)
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
        unknown = sorted(set(dose) - set(DOSE_FIELDS) - {"note"})
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

    # -- timing (the play order itself is in routine_schedule) --------------------
    def _phases(self) -> Iterator[routine_schedule.PhaseRow]:
        """Yield (phase, item, side, rep, reps, seconds) in play order."""
        return routine_schedule.play_order(
            self._items,
            get_ready_s=self.get_ready_s,
            switch_s=self.switch_s,
            transition_s=self.transition_s,
        )

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
        rows = list(self._phases())
        return routine_schedule.schedule_frame(self._items, self._catalog, rows)

    def total_seconds(self) -> float:
        """Return the planned length in seconds; equals ``schedule()["seconds"].sum()``."""
        return routine_schedule.total_seconds(self._phases())

    def time_by_area(self) -> pd.DataFrame:
        """Return seconds by body area: hold time, everything else, and the total.

        Indexed by every area of ``vocab.BODY_AREAS`` in order (an ordered
        categorical index named ``body_area``; areas not in the routine get 0),
        with float columns ``hold_s``, ``other_s`` (get ready, rests, side
        switches and moving on, counted with the stretch they lead into) and
        ``total_s``. ``total_s`` sums to :meth:`total_seconds`.
        """
        return routine_schedule.time_by_area(self.schedule())

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
