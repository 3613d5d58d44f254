"""From a stretch id to a Figure, and from a Figure to the bytes of a PNG or SVG file.

:func:`picture_bytes` is the one way the package turns a pictogram into bytes:
the handout (inline SVG, PNG in the PDF), the catalog browser and the timer
widget all call it, so a picture looks the same everywhere and the same picture
is always the same bytes. :func:`figure_bytes` below it is the one ``savefig``
call: the files written by :func:`save_stretch_picture` and
:func:`save_contact_sheet` go through it too.
"""

from __future__ import annotations

import io
import math
import textwrap
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..figure_text import draws_user_text
from ..vocab import AREA_COLOURS
from ._body_paint import NEAR_COLOUR
from ._load import default_catalog, pose_table
from ._paint import draw_pose
from ._parse import PoseError
from ._picture_cache import cached_picture

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "DPI",
    "FORMATS",
    "contact_sheet",
    "draw_stretch",
    "figure_bytes",
    "picture_bytes",
    "save_contact_sheet",
    "save_stretch_picture",
    "to_svg",
]

#: The formats a picture is written in.
FORMATS: tuple[str, ...] = ("png", "svg")
#: Dots per inch of a saved picture: a pictogram (3.5 inches wide) is 420 pixels.
DPI = 120
#: A fixed seed for the ids inside an SVG, so the same drawing is the same file.
SVG_HASH_SALT = "backstretch-kit"


@draws_user_text
def draw_stretch(
    stretch_id: str,
    ax: Axes | None = None,
    phase: str = "stretch",
    show_arrow: bool = True,
    title: bool = False,
    *,
    path: str | Path | None = None,
    stretches: pd.DataFrame | None = None,
) -> Figure:
    """Draw the pictogram of one stretch.

    Parameters
    ----------
    stretch_id : str
        A catalog stretch id, such as ``"knee-to-chest"``.
    ax : matplotlib Axes, optional
        Draw into this Axes; by default a new Figure of its own.
    phase : {"stretch", "start"}
        The stretched position (with the movement arrow) or the starting one.
    show_arrow : bool
        Draw the arrow from where the moving part was at the start to where it is.
    title : bool
        Put the stretch's name above the drawing.
    path, stretches
        Other pose data or catalog, as for :func:`~backstretch_kit.poses.load_poses`.

    Returns
    -------
    matplotlib.figure.Figure
        The Figure holding the drawing (that of ``ax`` when one was given).

    Raises
    ------
    PoseError
        For a stretch with no pose, a phase that does not exist, or pose data
        that does not pass its checks.
    """
    catalog = stretches if stretches is not None else default_catalog()
    table = pose_table(path, stretches)
    pose = table.pose(stretch_id, phase)
    if ax is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(3.5, 2.6 + (0.3 if title else 0.0)))
        ax = fig.add_axes((0, 0, 1, 0.9 if title else 1))
    area = str(catalog.loc[stretch_id, "body_area"]) if stretch_id in catalog.index else ""
    draw_pose(
        ax,
        pose.body,
        list(pose.placed),
        tint=pose.tint,
        colour=AREA_COLOURS.get(area),
        arrow=pose.arrow if (show_arrow and phase == "stretch") else None,
        start=table.pose(stretch_id, "start").body,
        side_drawn=pose.side_drawn,
    )
    if title:
        ax.set_title(textwrap.fill(_name(catalog, stretch_id), 34), fontsize=10, color=NEAR_COLOUR)
    return ax.figure


def picture_bytes(
    stretch_id: str, phase: str = "stretch", fmt: str = "png", dpi: float = DPI
) -> bytes | None:
    """Return a stretch's pictogram as the bytes of a PNG or SVG file, or ``None``.

    Parameters
    ----------
    stretch_id : str
        A stretch id. One the shipped pose data has no pose for (a catalog of
        your own, a stretch added since) gives ``None``: show it without a picture.
    phase : {"stretch", "start"}
        Which phase to draw.
    fmt : {"png", "svg"}
        The file format.
    dpi : float
        Dots per inch (PNG; an SVG's size does not depend on it).

    Returns
    -------
    bytes or None
        The file's content: the same picture is always the same bytes (no date,
        fixed SVG ids). ``None`` when the stretch has no pose.

    Raises
    ------
    PoseError
        For a format or phase that does not exist, or pose data that does not
        pass its checks: a broken pose file is shown, never hidden as "no picture".

    Examples
    --------
    >>> picture_bytes("knee-to-chest", dpi=20)[:4]
    b'\\x89PNG'
    >>> picture_bytes("a-stretch-of-my-own") is None
    True
    """
    _check_format(fmt, f"picture of {stretch_id!r}")
    table = pose_table()
    if stretch_id not in table:
        return None
    table.pose(stretch_id, phase)  # an unknown phase raises here, cached picture or not
    # Drawing is the slow part (matplotlib's import, then about 0.05 s a picture) and
    # the same picture is always the same bytes, so each is drawn once for as long as
    # the pose data and the drawing code stay the same: kept in memory for this
    # process (a handout's HTML and PDF, a program's weekly handouts and the widgets
    # share them) and on disk for the next sessions (see _picture_cache).
    drawn = _DRAWN.setdefault(table, {})
    key = (stretch_id, phase, fmt, float(dpi))
    if key not in drawn:
        if len(drawn) >= _DRAWN_MAX:
            drawn.pop(next(iter(drawn)))  # the oldest first
        drawn[key] = cached_picture(
            table,
            stretch_id,
            phase,
            fmt,
            float(dpi),
            lambda: figure_bytes(_figure(table, stretch_id, phase), fmt, dpi),
        )
    return drawn[key]


def _figure(table: Any, stretch_id: str, phase: str) -> Figure:
    """The drawn Figure of a picture, kept a while: a handout saves the same drawing as
    SVG for its HTML and then as PNG for its PDF, and saving one Figure in both
    formats gives the very bytes two fresh drawings would."""
    figures = _FIGURES.setdefault(table, {})
    key = (stretch_id, phase)
    if key not in figures:
        if len(figures) >= _FIGURES_MAX:
            figures.pop(next(iter(figures)))  # the oldest first
        figures[key] = draw_stretch(stretch_id, phase=phase)
    return figures[key]


#: Pictures already drawn, per pose table (a changed pose file is a new table, and the
#: pictures of the old one go with it).
_DRAWN: weakref.WeakKeyDictionary[Any, dict[tuple[str, str, str, float], bytes]] = (
    weakref.WeakKeyDictionary()
)
_DRAWN_MAX = 256  # about 10 MB of PNG and SVG at most
#: Figures drawn lately, per pose table: enough for a routine's pictures in both formats.
_FIGURES: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], Figure]] = (
    weakref.WeakKeyDictionary()
)
_FIGURES_MAX = 24


def figure_bytes(fig: Figure, fmt: str = "png", dpi: float = DPI) -> bytes:
    """Return a Figure as the bytes of a PNG or SVG file, the same bytes for the same drawing.

    On a white background, with no date in the file and, in SVG, text kept as
    text and ids from a fixed seed.
    """
    import matplotlib

    _check_format(fmt, "a picture")
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASH_SALT, "svg.fonttype": "none"}):
        metadata = {"Date": None} if fmt == "svg" else {}
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")
    return buffer.getvalue()


def to_svg(stretch_id: str, phase: str = "stretch", **kwargs: Any) -> str:
    """Return the pictogram as an SVG document (a string), for inline use in HTML.

    Keyword arguments go to :func:`draw_stretch`; a stretch with no pose raises
    :class:`PoseError`.
    """
    return figure_bytes(draw_stretch(stretch_id, phase=phase, **kwargs), "svg").decode("utf-8")


def save_stretch_picture(
    stretch_id: str, path: str | Path, phase: str = "stretch", **kwargs: Any
) -> Path:
    """Write the pictogram to ``path``: SVG or PNG, chosen by the file's suffix.

    Keyword arguments go to :func:`draw_stretch`. Returns the path written.
    """
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise PoseError(f"{target}: a picture is written as .svg or .png, not {target.suffix!r}")
    target.write_bytes(figure_bytes(draw_stretch(stretch_id, phase=phase, **kwargs), fmt))
    return target


@draws_user_text
def contact_sheet(
    ids: list[str] | None = None,
    phase: str = "stretch",
    columns: int = 6,
    *,
    path: str | Path | None = None,
    stretches: pd.DataFrame | None = None,
) -> Figure:
    """Draw many stretches in one grid, each with its name: the docs' overview picture.

    Parameters
    ----------
    ids : list of str, optional
        Stretch ids in the order to show; every stretch with a pose, in catalog
        order, by default (see :func:`sheet_ids`).
    phase : {"stretch", "start"}
        Which phase to draw.
    columns : int
        Pictures per row.
    path, stretches
        Other pose data or catalog, as for :func:`~backstretch_kit.poses.load_poses`.
    """
    from matplotlib.figure import Figure

    catalog = stretches if stretches is not None else default_catalog()
    if ids is None:
        ids = sheet_ids(path, stretches)
    rows = max(1, math.ceil(len(ids) / columns))
    height = 2.3 * rows + 0.35  # room above the first row for two-line names
    fig = Figure(figsize=(2.6 * columns, height))
    fig.subplots_adjust(
        left=0.01, right=0.99, top=1 - 0.4 / height, bottom=0.01, wspace=0.04, hspace=0.3
    )
    for i, sid in enumerate(ids):
        ax = fig.add_subplot(rows, columns, i + 1)
        draw_stretch(sid, ax=ax, phase=phase, title=False, path=path, stretches=stretches)
        ax.set_title(textwrap.fill(_name(catalog, sid), 28), fontsize=8.5, color=NEAR_COLOUR, pad=2)
    return fig


def sheet_ids(path: str | Path | None = None, stretches: pd.DataFrame | None = None) -> list[str]:
    """Every stretch with a pose, in catalog order: what a contact sheet shows by default."""
    catalog = stretches if stretches is not None else default_catalog()
    posed = set(pose_table(path, stretches).frame["stretch_id"])
    return [s for s in catalog.index if s in posed]


def save_contact_sheet(
    path: str | Path,
    phase: str = "stretch",
    *,
    dpi: int = DPI,
    ids: list[str] | None = None,
) -> Path:
    """Draw posed stretches in one grid and write it as a PNG: the docs' overview.

    ``save_contact_sheet("docs/pictograms.png")``, run from the repository's top folder,
    regenerates the overview picture in the README (every posed stretch; pass ``ids``
    for a sheet of your own). Returns the path written.
    """
    target = Path(path)
    if target.suffix.lower() != ".png":
        raise PoseError(f"{target}: the contact sheet is written as .png, not {target.suffix!r}")
    target.write_bytes(figure_bytes(contact_sheet(ids, phase=phase), "png", dpi))
    return target


def _name(catalog: pd.DataFrame, stretch_id: str) -> str:
    """The stretch's name in the catalog, or its id when the catalog has none for it."""
    if "name" in catalog.columns and stretch_id in catalog.index:
        return str(catalog.loc[stretch_id, "name"])
    return stretch_id


def _check_format(fmt: str, what: str) -> None:
    if fmt not in FORMATS:
        raise PoseError(f"{what}: fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")
