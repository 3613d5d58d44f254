"""Pain before and after stretching over time, with what counts as a change that matters."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..figure_text import draws_user_text
from ..progress import (
    MEANINGFUL_CHANGE,
    PAIN_WEEKS,
    daily_pain,
    local_times,
    one_person,
    pain_baseline,
    pain_not_eased_since,
)
from . import _style as style

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

__all__ = ["PAIN_ADVICE", "pain_trend"]

PAIN_ADVICE = "Pain has not eased in {weeks} weeks:\ntalk to a doctor or physiotherapist"

_BEFORE_COLOUR = "#333333"
_AFTER_COLOUR = "#0072B2"
_ADVICE_COLOUR = "#A6471A"
_LINE_WIDTH = 2.2
# Where the "talk to a doctor" marker sits, near the top of the 0-10 scale.
_MARKER_Y = 9.6
# At least two weeks wide, so a first score sits on a scale of days, not hours.
_MIN_SPAN = pd.Timedelta(days=14)

# column, colour, words, dot face, line style: before solid, after hollow dots and dashed
_SERIES = (
    ("pain_before", _BEFORE_COLOUR, "Before stretching", _BEFORE_COLOUR, "-"),
    ("pain_after", _AFTER_COLOUR, "After stretching", "white", "--"),
)


@draws_user_text
def pain_trend(
    sessions: pd.DataFrame, ax: Axes | None = None, *, person: str | None = None
) -> Figure:
    """Plot pain before and after stretching over time, with what counts as a change.

    Dots are single scores, lines their 7-day average. The grey band spans
    2 points (:data:`MEANINGFUL_CHANGE`) either side of the first week's pain
    before stretching: movement inside it may be day-to-day ups and downs, a
    line leaving it below is a change that matters. Where pain has lasted
    3 weeks without easing (:func:`backstretch_kit.progress.pain_not_eased_since`)
    a marker says to talk to a doctor or physiotherapist.

    Parameters
    ----------
    sessions
        ``SessionLog.sessions()`` (``started_at``, ``pain_before``, ``pain_after``).
    ax
        Axes to draw on; a new Figure when ``None``.
    person
        Whose pain, when the frame holds several people.

    Returns
    -------
    matplotlib.figure.Figure
    """
    sessions = one_person(
        sessions, person, "pain_trend", ("started_at", "pain_before", "pain_after")
    )
    fig, ax = style.figure_and_axes(ax, (10.0, 4.6))
    title = "Pain before and after stretching"
    scored = sessions[sessions["pain_before"].notna() | sessions["pain_after"].notna()]
    if scored.empty:
        style.show_empty(ax, title, "No pain scores logged yet")
        return fig

    # Wall-clock times, so the dates read as the person lived them.
    times = local_times(scored["started_at"])
    handles = [_draw_series(ax, scored, times, *series) for series in _SERIES]
    span_end = times.max() + pd.Timedelta(days=1)
    span = (min(times.min() - pd.Timedelta(days=1), span_end - _MIN_SPAN), span_end)
    before = daily_pain(scored, "pain_before")
    if not before.empty:
        handles.append(_draw_band(ax, pain_baseline(before)))
    since = pain_not_eased_since(scored)
    if since is not None:
        _draw_advice(ax, since, span)

    ax.set_ylim(0, 10.4)
    ax.set_yticks(range(0, 11, 2))
    ax.set_xlim(*span)
    style.date_axis(ax)
    style.style_axes(ax, grid_axis="y")
    style.set_labels(ax, y="Pain (0 = none, 10 = worst)")
    style.set_title(ax, title)
    style.side_legend(ax, handles)
    return fig


def _draw_series(
    ax: Axes,
    scored: pd.DataFrame,
    times: pd.Series,
    column: str,
    colour: str,
    label: str,
    face: str,
    dashes: str,
) -> Line2D:
    """Dots for each score in ``column`` and a line for its 7-day average; return its legend key."""
    from matplotlib.lines import Line2D

    ax.plot(
        times,
        scored[column].astype(float),
        linestyle="none",
        marker="o",
        markersize=3.5,
        markerfacecolor=face,
        markeredgecolor=colour,
        alpha=0.45,
        label=f"{label} (each session)",
    )
    daily = daily_pain(scored, column)
    if not daily.empty:
        smooth = daily.rolling("7D").mean()
        # Centre each day's average at midday so it runs through that day's dots.
        ax.plot(
            smooth.index + pd.Timedelta(hours=12),
            smooth.to_numpy(),
            color=colour,
            linewidth=_LINE_WIDTH,
            linestyle=dashes,
            label=f"{label}, 7-day average",
        )
    return Line2D(
        [],
        [],
        color=colour,
        linewidth=_LINE_WIDTH,
        linestyle=dashes,
        marker="o",
        markersize=5,
        markerfacecolor=face,
        label=label,
    )


def _draw_band(ax: Axes, baseline: float) -> Patch:
    """Shade 2 points either side of the first week's pain; return its legend key."""
    from matplotlib.patches import Patch

    ax.axhspan(
        max(0.0, baseline - MEANINGFUL_CHANGE),
        min(10.0, baseline + MEANINGFUL_CHANGE),
        color=style.BAND,
        alpha=0.6,
        linewidth=0,
        zorder=0,
    )
    return Patch(
        facecolor=style.BAND,
        label="Within 2 points of your first week:\nnot yet a change that matters",
    )


def _draw_advice(ax: Axes, since: pd.Timestamp, span: tuple[pd.Timestamp, pd.Timestamp]) -> None:
    """Mark the day pain had not eased in 3 weeks, with the advice beside it.

    The words go on whichever side of the marker has more room.
    """
    x = since + pd.Timedelta(hours=12)
    ax.axvline(x, color=_ADVICE_COLOUR, linewidth=1.5, linestyle=":", zorder=3)
    ax.plot([x], [_MARKER_Y], marker="v", markersize=9, color=_ADVICE_COLOUR, zorder=4)
    start, end = span
    right_half = x > start + (end - start) / 2
    ax.annotate(
        PAIN_ADVICE.format(weeks=PAIN_WEEKS),
        xy=(x, _MARKER_Y),
        xytext=(-10 if right_half else 10, 0),
        textcoords="offset points",
        ha="right" if right_half else "left",
        va="center",
        fontsize=style.TICK_SIZE,
        color=_ADVICE_COLOUR,
        bbox={"boxstyle": "round,pad=0.4", "facecolor": "white", "edgecolor": _ADVICE_COLOUR},
        zorder=5,
    )
