"""A program's weeks: sessions (or minutes, or holds) planned against done, with the pain line."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..figure_text import draws_user_text
from ..progress import ProgressError
from . import _style as style

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["MEASURES", "program_adherence"]

#: What the bars can count, and how the axis says it.
MEASURES: dict[str, str] = {
    "sessions": "Sessions",
    "minutes": "Minutes held",
    "holds": "Holds",
}

# Apart from the body-area colours, which mean "this area" in every chart.
_DONE = "#2C7FB8"
_PLANNED_EDGE = "#6B6B6B"
_PAIN = "#333333"
_HELD = "#A6471A"
_NEEDS = ("week", "first_day", "pain_after", "dose_held")


@draws_user_text
def program_adherence(
    table: pd.DataFrame,
    ax: Axes | None = None,
    *,
    measure: str = "sessions",
    person: str | None = None,
) -> Figure:
    """Draw a program's weeks: what was planned, what was done, and the pain after.

    Each week has an outlined bar for what was planned and a filled one for what was
    done; a line on the right-hand scale gives the week's mean pain after stretching
    (0 to 10). A week whose dose the pain rule kept is marked "dose kept".

    Parameters
    ----------
    table : DataFrame
        :func:`backstretch_kit.adherence.adherence`'s table.
    ax : Axes, optional
        Axes to draw on; a new Figure when ``None``.
    measure : {"sessions", "minutes", "holds"}
        What the bars count: ``planned_<measure>`` against ``done_<measure>``
        (holds done counts every hold, completed or not).
    person : str, optional
        Named in the title, drawn as plain text (a ``$`` stays a ``$``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if measure not in MEASURES:
        raise ProgressError(f"measure must be one of {', '.join(MEASURES)}, got {measure!r}")
    needs = (*_NEEDS, f"planned_{measure}", f"done_{measure}")
    missing = [c for c in needs if c not in table.columns]
    if missing:
        raise ProgressError(
            f"program_adherence: the table lacks {', '.join(missing)} (it has "
            f"{', '.join(map(str, table.columns))}); pass adherence.adherence(...)"
        )
    fig, ax = style.figure_and_axes(ax, (10.0, 4.4))
    title = f"{MEASURES[measure]} planned and done, week by week"
    if person:
        title = f"{person}: {title[0].lower()}{title[1:]}"
    if table.empty:
        style.show_empty(ax, title, "No program weeks in this range")
        _title(ax, title)
        return fig

    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    x = np.arange(len(table))
    planned = table[f"planned_{measure}"].to_numpy(dtype=float)
    done = table[f"done_{measure}"].to_numpy(dtype=float)
    ax.bar(x, planned, width=0.78, facecolor="white", edgecolor=_PLANNED_EDGE, linewidth=1.2)
    ax.bar(x, done, width=0.5, color=_DONE, zorder=3)
    top = max(float(np.nanmax(np.r_[planned, done, 0.0])), 1.0)
    ax.set_ylim(0, top * 1.22)
    for position in x[table["dose_held"].to_numpy(dtype=bool)]:
        ax.annotate(
            "dose kept",
            (position, top * 1.08),
            ha="center",
            fontsize=style.TICK_SIZE - 1,
            color=_HELD,
            annotation_clip=False,
        )
    labels = [
        f"Week {w}\n{d:%d %b}" for w, d in zip(table["week"], table["first_day"], strict=True)
    ]
    ax.set_xticks(x, labels)
    ax.set_xlim(-0.6, len(table) - 0.4)
    style.style_axes(ax, grid_axis="y")
    style.set_labels(ax, y=MEASURES[measure])

    pain_ax = ax.twinx()
    pain = table["pain_after"].to_numpy(dtype=float)
    pain_ax.plot(x, pain, color=_PAIN, marker="o", markersize=5, linewidth=2.0, zorder=4)
    pain_ax.set_ylim(0, 10.4)
    pain_ax.set_yticks(range(0, 11, 2))
    for side in ("top", "left"):
        pain_ax.spines[side].set_visible(False)
    pain_ax.spines["right"].set_color(style.MUTED)
    pain_ax.tick_params(colors=style.MUTED, labelcolor=style.INK, labelsize=style.TICK_SIZE)
    pain_ax.set_ylabel("Pain after (0-10)", fontsize=style.LABEL_SIZE, color=style.INK)

    _title(ax, title)
    handles = [
        Patch(facecolor="white", edgecolor=_PLANNED_EDGE, label="Planned"),
        Patch(facecolor=_DONE, label="Done"),
        Line2D([], [], color=_PAIN, marker="o", linewidth=2.0, label="Pain after, week's mean"),
    ]
    style.legend(pain_ax, handles, loc="upper left", bbox_to_anchor=(1.08, 1.0), borderaxespad=0.0)
    return fig


def _title(ax: Axes, text: str) -> None:
    """The house title, with a user's text drawn as it is: no mathtext (``$x$``), no LaTeX."""
    ax.set_title(
        text,
        loc="left",
        fontsize=style.TITLE_SIZE,
        color=style.INK,
        pad=10,
        parse_math=False,
        usetex=False,
    )
