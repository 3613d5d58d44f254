"""Where a routine spends its time: minutes per body area, holding and around the holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..figure_text import draws_user_text
from ..vocab import BODY_AREAS
from ..words import format_duration
from . import _style as style

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..routine import Routine

__all__ = ["routine_time_by_area"]

_BAR_HEIGHT = 0.7
# The part around the holds is the area's colour, lightened: still that area, less ink.
_AROUND_TINT = 0.65
# The legend explains solid against light, not the areas (the ticks name those).
_LEGEND_GREY = "#777777"


@draws_user_text
def routine_time_by_area(routine: Routine, ax: Axes | None = None) -> Figure:
    """Show where a routine spends its time, minutes per body area.

    Each body area is a horizontal bar, head to toe from the top: the solid part
    is time holding stretches, the light part the time around them (getting
    ready, resting between repetitions, switching sides, moving on). Areas the
    routine leaves out stay on the chart with no bar, so gaps are visible.

    Parameters
    ----------
    routine
        Anything with ``name``, ``time_by_area()`` (the
        :meth:`~backstretch_kit.routine.Routine.time_by_area` frame) and
        ``total_seconds()``.
    ax
        Axes to draw on; a new Figure when ``None``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = style.figure_and_axes(ax, (9.0, 4.2))
    table = routine.time_by_area().reindex(list(BODY_AREAS), fill_value=0.0)
    total_s = float(routine.total_seconds())
    title = f"{routine.name}: {format_duration(total_s)} in total"
    if total_s <= 0:
        style.show_empty(ax, title, "This routine has no stretches yet")
        return fig

    ends = _draw_bars(ax, table)
    _label_area_ticks(ax, table["total_s"])
    ax.invert_yaxis()  # head at the top
    ax.set_xlim(0, ends.max() * 1.18)
    style.style_axes(ax, grid_axis="x")
    style.set_labels(ax, x="Minutes")
    style.set_title(ax, title)
    style.side_legend(ax, _legend_handles())
    return fig


def _draw_bars(ax: Axes, table: pd.DataFrame) -> np.ndarray:
    """Draw each area's hold and around-the-holds minutes end to end, with its total.

    Returns the bar ends (minutes), one per area.
    """
    rows = range(len(BODY_AREAS))
    hold_min = table["hold_s"].to_numpy(dtype=float) / 60
    other_min = table["other_s"].to_numpy(dtype=float) / 60
    colours = [style.area_colour(a) for a in BODY_AREAS]
    ax.barh(rows, hold_min, color=colours, height=_BAR_HEIGHT, label="holding")
    ax.barh(
        rows,
        other_min,
        left=hold_min,
        color=[style.tint(c, _AROUND_TINT) for c in colours],
        edgecolor=colours,
        linewidth=0.8,
        height=_BAR_HEIGHT,
        label="around the holds",
    )
    ends = hold_min + other_min
    # The total sits just past the bar, a fixed share of the longest bar away.
    gap = 0.02 * ends.max()
    for row, seconds in zip(rows, table["total_s"], strict=True):
        if seconds > 0:
            ax.text(
                ends[row] + gap,
                row,
                format_duration(seconds),
                va="center",
                fontsize=style.TICK_SIZE,
                color=style.INK,
            )
    return ends


def _label_area_ticks(ax: Axes, total_s: pd.Series) -> None:
    """Name every area; grey out the ones the routine leaves out."""
    ax.set_yticks(list(range(len(BODY_AREAS))), [a.capitalize() for a in BODY_AREAS])
    for label, seconds in zip(ax.get_yticklabels(), total_s, strict=True):
        if seconds <= 0:
            label.set_color(style.MUTED)


def _legend_handles() -> list:
    from matplotlib.patches import Patch

    return [
        Patch(facecolor=_LEGEND_GREY, label="Holding the stretch"),
        Patch(
            facecolor=style.tint(_LEGEND_GREY, _AROUND_TINT),
            edgecolor=_LEGEND_GREY,
            label="Getting ready, resting,\nswitching sides",
        ),
    ]
