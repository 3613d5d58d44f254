"""Turn a chart's Figure into PNG bytes for an ``ipywidgets.Image``.

The widgets show charts and pictograms as PNG images rather than through an
``Output`` widget: setting an Image's ``value`` is an ordinary trait change, so
it updates live from any callback (a button, an observer, an asyncio task) and
never depends on where output is being captured. Pictograms come as bytes
already, from :func:`backstretch_kit.poses.picture_bytes`; :func:`figure_to_png`
is for the charts, which return Figures.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import ipywidgets as widgets

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.figure import Figure

__all__ = ["DEFAULT_DPI", "figure_to_png", "png_image"]

#: Sharp enough on a laptop screen, small enough to send on every change.
DEFAULT_DPI = 90


def figure_to_png(fig: Figure, dpi: float = DEFAULT_DPI) -> bytes:
    """Return the figure drawn as PNG bytes.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to draw, as returned by the chart functions.
    dpi : float
        Dots per inch; a 6-inch-wide figure at 90 dpi is 540 pixels wide.
        Tests pass a low value to stay fast.

    Returns
    -------
    bytes
        A PNG file's content, ready for ``ipywidgets.Image(value=..., format="png")``.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def png_image(css_class: str) -> widgets.Image:
    """Return an empty PNG Image widget that shows pictures at their own size.

    Left to the defaults, an image in a VBox is stretched to the box's width
    (flex items stretch), which blows a small calendar up to poster size; this
    one keeps its drawn size and only shrinks to fit a narrow screen.
    """
    image = widgets.Image(
        format="png", layout=widgets.Layout(align_self="flex-start", max_width="100%")
    )
    image.add_class(css_class)
    return image
