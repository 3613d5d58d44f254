"""What the chart tests share: drawing a Figure and reading back what it shows."""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure


def render(fig: Figure) -> Figure:
    """Draw the figure with Agg, as a notebook or savefig would."""
    assert isinstance(fig, Figure)
    FigureCanvasAgg(fig).draw()
    return fig


def all_text(fig: Figure) -> str:
    """The first Axes' texts, left title and legend entries, one a line."""
    ax = fig.axes[0]
    parts = [t.get_text() for t in ax.texts] + [ax.get_title(loc="left")]
    legend = ax.get_legend()
    if legend is not None:
        parts += [t.get_text() for t in legend.get_texts()]
    return "\n".join(parts)


def hex_of(colour) -> str:
    """An artist's face colour (or a colour) as upper-case #RRGGBB."""
    if hasattr(colour, "get_facecolor"):
        colour = colour.get_facecolor()
    return to_hex(colour, keep_alpha=False).upper()
