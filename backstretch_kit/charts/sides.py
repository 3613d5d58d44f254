"""Left against right: minutes held on each side, per stretch done one side at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..figure_text import draws_user_text
from ..progress import side_table
from ..vocab import BODY_AREAS
from . import _style as style

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["side_balance"]

#: A side that got more than this share less than the other is named at the row's end.
UNEVEN = 0.05

_BAR_HEIGHT = 0.66


@draws_user_text
def side_balance(
    holds: pd.DataFrame,
    ax: Axes | None = None,
    *,
    person: str | None = None,
    stretches: pd.DataFrame | None = None,
) -> Figure:
    """Compare the minutes held on the left and the right side, per stretch.

    Only stretches done one side at a time appear. Left-side minutes grow to
    the left of the centre line, right-side minutes to the right, in the body
    area's colour; where one side got noticeably less (over 5 %), the end of
    the row says which side and by how much. The numbers are
    :func:`backstretch_kit.progress.side_table`.

    Parameters
    ----------
    holds
        ``SessionLog.holds()`` (``stretch_id``, ``body_area``, ``side``, ``actual_s``).
    ax
        Axes to draw on; a new Figure sized to the stretches when ``None``.
    person
        Whose holds, when the frame holds several people.
    stretches
        Catalog for the stretch names, when ``holds`` has no ``name`` column
        (the shipped catalog when ``None``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    table = side_table(holds, person=person, stretches=stretches)
    title = "Left and right sides: minutes held per stretch"
    fig, ax = style.figure_and_axes(ax, (10.0, max(3.0, 1.4 + 0.42 * len(table))))
    if table.empty:
        style.show_empty(ax, title, "No stretches done one side at a time logged yet")
        return fig

    left = table["left_min"].to_numpy()
    right = table["right_min"].to_numpy()
    reach = max(left.max(), right.max())
    _draw_bars(ax, table, left, right)
    for row, (lv, rv) in enumerate(zip(left, right, strict=True)):
        note, uneven = balance_note(lv, rv)
        colour = style.INK if uneven else style.MUTED
        ax.text(reach * 1.06, row, note, va="center", fontsize=style.TICK_SIZE, color=colour)
    ax.set_yticks(list(range(len(table))), list(table["name"]))
    ax.set_ylim(len(table) - 0.5, -1.0)  # head to toe from the top, room for the side names
    _minutes_axis(ax, reach)
    _name_the_sides(ax, reach)
    style.set_title(ax, title)
    present = [a for a in BODY_AREAS if a in set(table["body_area"].astype(str))]
    style.side_legend(ax, style.area_handles(present))
    return fig


def balance_note(left_min: float, right_min: float) -> tuple[str, bool]:
    """Say which side got less and by how much ("right 20% less"), or "even".

    Returns the words and whether the gap is over :data:`UNEVEN`.

    Examples
    --------
    >>> balance_note(3.0, 2.4)
    ('right 20% less', True)
    >>> balance_note(3.0, 2.9)
    ('even', False)
    """
    larger = max(left_min, right_min)
    gap = 0.0 if larger == 0 else (larger - min(left_min, right_min)) / larger
    if gap > UNEVEN:
        side = "left" if left_min < right_min else "right"
        return f"{side} {gap:.0%} less", True
    return "even", False


def _draw_bars(ax: Axes, table: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> None:
    """Left minutes leftwards, right minutes rightwards, from a centre line."""
    rows = list(range(len(table)))
    colours = [style.area_colour(str(a)) for a in table["body_area"]]
    ax.barh(rows, -left, color=colours, height=_BAR_HEIGHT, label="left")
    ax.barh(rows, right, color=colours, height=_BAR_HEIGHT, label="right")
    ax.axvline(0, color=style.INK, linewidth=1.0)


def _minutes_axis(ax: Axes, reach: float) -> None:
    """A minutes scale both ways from zero, stopping where the bars can reach.

    The notes column beyond the bars needs no scale.
    """
    from matplotlib.ticker import FuncFormatter

    ax.set_xlim(-reach * 1.08, reach * 1.5)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{abs(value):g}"))
    ax.set_xticks([t for t in ax.get_xticks() if abs(t) <= reach * 1.001])
    ax.spines["bottom"].set_bounds(-reach * 1.08, reach)
    style.style_axes(ax, grid_axis="x")
    style.set_labels(ax, x="Minutes held")


def _name_the_sides(ax: Axes, reach: float) -> None:
    """Name the sides over the bars' outer ends, above the first row."""
    for x, text, align in ((-reach, "◀ Left side", "left"), (reach, "Right side ▶", "right")):
        ax.text(
            x,
            -0.75,
            text,
            ha=align,
            va="bottom",
            fontsize=style.LABEL_SIZE,
            color=style.INK,
            transform=ax.transData,
        )
