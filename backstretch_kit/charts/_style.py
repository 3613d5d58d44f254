"""The one look shared by every chart in backstretch-kit.

Kept apart from the chart modules so they read as "what to draw", and so a
later chart can reuse the same greys and body-area colours (text typed by people
is drawn through :func:`~backstretch_kit.figure_text.draws_user_text`, shared
with the pictograms). Like the charts, it imports matplotlib only inside
functions, and it never touches pyplot or the global rcParams: every property is set on the
artists themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..vocab import AREA_COLOURS, BODY_AREAS

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Text and line greys: dark enough to read on a projector, soft enough not to shout.
INK = "#333333"
MUTED = "#6B6B6B"
GRID = "#E3E3E3"
EMPTY_DAY = "#ECECEC"
#: The shade behind "what counts": the weekly guideline, the pain band.
BAND = "#DDDDDD"

TITLE_SIZE = 13
LABEL_SIZE = 10.5
TICK_SIZE = 9.5

#: What an empty chart says, so every chart says it the same way.
NO_DATA = "No stretching logged yet"


def area_colour(area: str) -> str:
    """Return the colour of a body area, the same in every chart.

    Raises
    ------
    KeyError
        If ``area`` is not one of :data:`backstretch_kit.vocab.BODY_AREAS`; the
        message lists the known areas.
    """
    try:
        return AREA_COLOURS[area]
    except KeyError:
        known = ", ".join(BODY_AREAS)
        raise KeyError(f"unknown body area {area!r}; known areas: {known}") from None


def tint(colour: str, amount: float) -> tuple[float, float, float]:
    """Mix ``colour`` with white; ``amount`` 0 keeps the colour, 1 gives white.

    Used for the lighter half of a stacked bar, so both halves still read as
    the same body area.
    """
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def figure_and_axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    """Return the Figure and Axes to draw on: the caller's Axes, or a new Figure.

    A new figure is a plain :class:`matplotlib.figure.Figure` (not pyplot), so
    nothing is registered globally and it is garbage collected like any object.
    """
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained", facecolor="white")
    return fig, fig.add_subplot()


def style_axes(ax: Axes, *, grid_axis: str | None = "y") -> None:
    """Give an Axes the house look: no box, light grid behind the data, grey ticks."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(MUTED)
    ax.tick_params(colors=MUTED, labelcolor=INK, labelsize=TICK_SIZE)
    ax.set_axisbelow(True)
    if grid_axis is not None:
        ax.grid(axis=grid_axis, color=GRID, linewidth=0.8)


def set_title(ax: Axes, text: str) -> None:
    """Set a left-aligned title, which reads more like a sentence than a centred one."""
    ax.set_title(text, loc="left", fontsize=TITLE_SIZE, color=INK, pad=10)


def set_labels(ax: Axes, *, x: str | None = None, y: str | None = None) -> None:
    """Label the axes in the house font size and colour."""
    if x is not None:
        ax.set_xlabel(x, fontsize=LABEL_SIZE, color=INK)
    if y is not None:
        ax.set_ylabel(y, fontsize=LABEL_SIZE, color=INK)


def show_empty(ax: Axes, title: str, message: str = NO_DATA) -> None:
    """Turn ``ax`` into a calm "nothing here yet" panel instead of raising."""
    ax.set_axis_off()
    set_title(ax, title)
    ax.text(
        0.5,
        0.5,
        message,
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=LABEL_SIZE + 1,
        color=MUTED,
    )


def legend(ax: Axes, handles: list, **kwargs) -> None:
    """Draw a frameless legend with the house text style."""
    leg = ax.legend(
        handles=handles,
        frameon=False,
        fontsize=TICK_SIZE,
        labelcolor=INK,
        **kwargs,
    )
    leg.set_zorder(5)


def side_legend(ax: Axes, handles: list) -> None:
    """Draw the legend to the right of the plot, top-aligned, where every chart keeps it."""
    legend(ax, handles, loc="upper left", bbox_to_anchor=(1.01, 1.0))


def area_handles(areas: list[str]) -> list:
    """Return legend entries for body areas, each in its own colour."""
    from matplotlib.patches import Patch

    return [Patch(facecolor=area_colour(a), label=a.capitalize()) for a in areas]


def date_axis(ax: Axes) -> None:
    """Label the x axis with dates, as few and as short as reads well (3 to 10 ticks)."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
