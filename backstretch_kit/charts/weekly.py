"""Minutes of stretching each week, stacked by body area, against the flexibility guideline."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..figure_text import draws_user_text
from ..progress import weekly_guideline, weekly_minutes
from ..vocab import BODY_AREAS
from . import _style as style

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

__all__ = ["weekly_minutes_by_area"]

_GUIDE_COLOUR = "#222222"
_GUIDE_DASHES = (0, (4, 2))
# A bar is 6 days wide, so a one-day gap keeps the weeks apart.
_BAR_DAYS = 6.0
# At least 8 weeks wide, so a first week's bar looks like a bar, not a wall.
_MIN_WEEKS = 8


@draws_user_text
def weekly_minutes_by_area(
    holds: pd.DataFrame, ax: Axes | None = None, *, person: str | None = None
) -> Figure:
    """Stack each week's minutes of stretching by body area, with the guideline.

    The grey band is the flexibility guideline for the areas stretched that
    week: about 1 minute per area per session, on 2 to 3 days a week (so a week
    that works 4 areas has a band from 8 to 12 minutes). Bars reaching the band
    meet the guideline for the areas you chose. The numbers are
    :func:`backstretch_kit.progress.weekly_minutes` and
    :func:`backstretch_kit.progress.weekly_guideline`.

    Parameters
    ----------
    holds
        ``SessionLog.holds()`` (``started_at``, ``body_area``, ``actual_s``),
        ``SessionLog.daily_totals()`` (``day``, ``body_area``, ``seconds``), or
        ``SessionLog.weekly_minutes()`` (the fastest on a long log: it never
        reads single holds).
    ax
        Axes to draw on; a new Figure when ``None``.
    person
        Whose weeks to show, when the frame holds several people.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ChartError
        If a needed column is missing, or several people are present and
        ``person`` is not given.
    """
    import matplotlib.dates as mdates

    fig, ax = style.figure_and_axes(ax, (10.0, 4.6))
    title = "Minutes of stretching each week, by body area"
    table = weekly_minutes(holds, person)
    if table.empty:
        style.show_empty(ax, title)
        return fig

    left = mdates.date2num(table.index.to_pydatetime())
    present = [a for a in BODY_AREAS if table[a].sum() > 0]
    top = _stack_bars(ax, table, present, left + 0.5)
    guide = weekly_guideline(table)
    _draw_guideline(ax, guide, left)

    style.date_axis(ax)
    ax.set_xlim(min(left[0], left[-1] - 7 * (_MIN_WEEKS - 1)) - 3, left[-1] + 10)
    ax.set_ylim(0, max(top.max(), guide["high_min"].max()) * 1.12)
    style.style_axes(ax, grid_axis="y")
    style.set_labels(ax, y="Minutes per week")
    style.set_title(ax, title)
    style.side_legend(ax, [*style.area_handles(present), _guideline_handle()])
    return fig


def _stack_bars(ax: Axes, table: pd.DataFrame, present: list[str], x: np.ndarray) -> np.ndarray:
    """Stack the areas' minutes into one bar per week; return the bar tops.

    Stacked toes first so the neck lands on top, the way the body stands. One
    collection of rectangles per area: a year is 400+ bars, and single bar
    patches would cost ``ax.bar`` a limit update each (most of the drawing time).
    """
    from matplotlib.collections import PolyCollection

    bottom = np.zeros(len(table))
    for area in reversed(present):
        heights = table[area].to_numpy()
        shown = heights > 0
        bars = PolyCollection(
            _rectangles(x[shown], bottom[shown], bottom[shown] + heights[shown]),
            facecolors=style.area_colour(area),
            edgecolors="none",
            label=area,
        )
        ax.add_collection(bars, autolim=False)
        bottom = bottom + heights
    return bottom


def _rectangles(x0: np.ndarray, y0: np.ndarray, y1: np.ndarray) -> np.ndarray:
    """Corners of bars ``_BAR_DAYS`` wide from ``x0``, from ``y0`` up to ``y1``: (n, 4, 2)."""
    x1 = x0 + _BAR_DAYS
    corners = [(x0, y0), (x0, y1), (x1, y1), (x1, y0)]
    return np.stack([np.column_stack(corner) for corner in corners], axis=1)


def _draw_guideline(ax: Axes, guide: pd.DataFrame, left: np.ndarray) -> None:
    """Shade each week's guideline band and dash its edges over the bars.

    The band sits behind the bars (visible on short weeks); its edges are drawn
    over them, with a white halo, so the guideline stays readable on tall weeks.
    Weeks with nothing stretched get no edges: their guideline is zero.
    """
    from matplotlib import patheffects

    low, high = list(guide["low_min"]), list(guide["high_min"])
    # A step needs the last week's level once more, at the end of that week.
    edges = [*left, left[-1] + 7]
    low_edge, high_edge = low + low[-1:], high + high[-1:]
    ax.fill_between(
        edges, low_edge, high_edge, step="post", color=style.BAND, linewidth=0, zorder=0.5
    )
    halo = [patheffects.withStroke(linewidth=3.2, foreground="white")]
    worked = guide["areas"].to_numpy() > 0
    x = left[worked] + 0.5
    for level in (low, high):
        ax.hlines(
            [e for e, w in zip(level, worked, strict=True) if w],
            x - 0.4,
            x + _BAR_DAYS + 0.4,
            color=_GUIDE_COLOUR,
            linewidth=1.3,
            linestyles=[_GUIDE_DASHES],
            path_effects=halo,
            zorder=3,
        )


def _guideline_handle() -> Patch:
    from matplotlib.patches import Patch

    return Patch(
        facecolor=style.BAND,
        edgecolor=_GUIDE_COLOUR,
        linestyle=_GUIDE_DASHES,
        label="Guideline: about 1 min per area\nyou stretch, 2 to 3 days a week",
    )
