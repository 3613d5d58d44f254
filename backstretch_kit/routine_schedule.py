"""The schedule: a routine's items laid out as the phases the timer plays.

The one place the play order lives (see docs/ARCHITECTURE.md): one ``get
ready`` before the first item; for each item and side its holds, with a
``rest`` between repetitions; ``switch side`` between left and right; ``next
stretch`` between items. :class:`~backstretch_kit.routine.Routine` calls these
with its own items, catalog and pauses; they take plain values rather than the
routine, so this module sits below it and never imports it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from .routine_item import RoutineItem
from .vocab import BODY_AREAS, PHASE_KINDS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: The sides an item is played on, in order, by its ``sides`` setting.
SIDE_NAMES = {"both together": ("both",), "each side": ("left", "right")}

#: One phase: (phase, item, side, rep, reps, seconds).
PhaseRow = tuple[str, int, str, int, int, float]


def play_order(
    items: Sequence[RoutineItem], *, get_ready_s: float, switch_s: float, transition_s: float
) -> Iterator[PhaseRow]:
    """Yield (phase, item, side, rep, reps, seconds) in play order.

    Every phase other than a hold belongs to the hold that follows it: the
    get-ready and next-stretch phases to the coming item's first hold, a
    rest to the coming repetition, a switch to the coming side. That way
    each phase has one item, and a timer can show what is coming next.
    """
    for index, item in enumerate(items):
        pause = get_ready_s if index == 0 else transition_s
        kind = "get ready" if index == 0 else "next stretch"
        for side_number, side in enumerate(SIDE_NAMES[item.sides]):
            if side_number == 0:
                if pause > 0:
                    yield kind, index, side, 1, item.reps, pause
            elif switch_s > 0:
                yield "switch side", index, side, 1, item.reps, switch_s
            for rep in range(1, item.reps + 1):
                if rep > 1 and item.rest_s > 0:
                    yield "rest", index, side, rep, item.reps, item.rest_s
                yield "hold", index, side, rep, item.reps, item.hold_s


def schedule_frame(
    items: Sequence[RoutineItem], catalog: pd.DataFrame, rows: Sequence[PhaseRow]
) -> pd.DataFrame:
    """The schedule DataFrame of :meth:`Routine.schedule`, from its :func:`play_order` rows.

    ``catalog`` supplies each item's ``name`` and ``body_area``.
    """
    import numpy as np
    import pandas as pd

    names = catalog["name"]
    areas = catalog["body_area"]
    item_names = [str(names.at[item.stretch_id]) for item in items]
    item_areas = [str(areas.at[item.stretch_id]) for item in items]
    seconds = np.fromiter((row[5] for row in rows), dtype=float, count=len(rows))
    start = np.zeros(len(rows))
    if len(rows) > 1:
        start[1:] = np.cumsum(seconds[:-1])
    phase_items = [row[1] for row in rows]
    return pd.DataFrame(
        {
            "phase": pd.Categorical([row[0] for row in rows], categories=PHASE_KINDS, ordered=True),
            "item": np.asarray(phase_items, dtype=np.int64),
            "stretch_id": [items[i].stretch_id for i in phase_items],
            "name": [item_names[i] for i in phase_items],
            "body_area": pd.Categorical(
                [item_areas[i] for i in phase_items], categories=BODY_AREAS, ordered=True
            ),
            "side": [row[2] for row in rows],
            "rep": np.asarray([row[3] for row in rows], dtype=np.int64),
            "reps": np.asarray([row[4] for row in rows], dtype=np.int64),
            "seconds": seconds,
            "start_s": start,
        }
    )


def total_seconds(rows: Iterator[PhaseRow]) -> float:
    """The planned length of the phases, summed exactly as the schedule's column is."""
    import numpy as np

    # Same numbers, same numpy summation as the schedule column, so the two agree exactly.
    seconds = np.fromiter((row[5] for row in rows), dtype=float)
    return float(seconds.sum())


def time_by_area(frame: pd.DataFrame) -> pd.DataFrame:
    """Seconds by body area of a schedule frame: hold time, everything else, the total."""
    import pandas as pd

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
