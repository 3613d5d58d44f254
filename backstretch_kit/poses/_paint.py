"""Painting a posed figure with matplotlib: the frame, ground, props, body, arrow and labels.

matplotlib is imported inside the functions, so importing this module stays cheap.
Geometry comes from :mod:`~backstretch_kit.poses._geometry` and
:mod:`~backstretch_kit.poses._props`; this module only paints it, in the order of
:func:`draw_pose`, and leaves the body itself (capsules, tint, head, face) to
:mod:`~backstretch_kit.poses._body_paint`. The framing (:func:`picture_window`) and
the arrow's path (:func:`arrow_path`) are plain arithmetic too, so they can be
checked for every pose without drawing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._body_paint import circle, draw_body, draw_head, draw_tint, polygon
from ._props import Prop
from ._skeleton import FLOOR_VIEWS, Body, Point

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "LABEL_COLOUR",
    "LABEL_MIN_POINTS",
    "LABEL_POINTS",
    "Window",
    "PICTURE_WIDTH_IN",
    "arrow_path",
    "draw_pose",
    "label_points",
    "picture_window",
]

PROP_COLOUR = "#C9CED4"
PROP_EDGE = "#8D959E"
ARROW_COLOUR = "#111111"
#: The corner labels ("left side", "seen from above"): dark enough to read on the mat
#: (contrast above 7:1), and 10 pt on a picture of its own size, 3.5 inches wide. The
#: timer shows that picture about 200 px wide and the handout 42 mm, about half size, so
#: anything smaller than this is too small to read there.
LABEL_COLOUR = "#2F3742"
LABEL_POINTS = 10.0
#: The width of a picture drawn on its own (``draw_stretch``), in inches. A picture
#: drawn smaller (a contact sheet's cell) scales its labels with it, so they stay in
#: proportion and smaller than the stretch's name above it, but never below
#: LABEL_MIN_POINTS.
PICTURE_WIDTH_IN = 3.5
LABEL_MIN_POINTS = 8.0
WINDOW = (1.45, 1.2)  # data units shown per picture, so every figure has one scale


@dataclass(frozen=True)
class Window:
    """What a picture shows: the drawn content's bounds and the Axes limits around it."""

    bounds: tuple[float, float, float, float]  # body, arrow start and props: x0, y0, x1, y1
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    floor: bool  # a floor line under the figure; else a mat seen from above


def picture_window(body: Body, props: list[Prop], arrow_from: Point | None = None) -> Window:
    """Frame a pose: at least :data:`WINDOW` wide and high, one scale for every picture.

    The frame grows (keeping its shape) only when the body, its props or the point
    the arrow starts from would not fit. With a floor, the floor line sits just
    above the bottom edge, so figures standing and lying share a ground line.
    """
    x0, y0, x1, y1 = body.bounds()
    if arrow_from is not None:
        ax0, ay0 = arrow_from
        x0, y0, x1, y1 = min(x0, ax0), min(y0, ay0), max(x1, ax0), max(y1, ay0)
    for prop in props:
        for _, pts in prop.shapes:
            x0, x1 = min(x0, *(p[0] for p in pts)), max(x1, *(p[0] for p in pts))
            y1 = max(y1, *(p[1] for p in pts))
    floor = body.view in FLOOR_VIEWS
    width, height = WINDOW
    width, height = max(width, x1 - x0 + 0.2), max(height, y1 - y0 + 0.2)
    width, height = (
        max(width, height * WINDOW[0] / WINDOW[1]),
        max(height, width * WINDOW[1] / WINDOW[0]),
    )
    cx = (x0 + x1) / 2
    ylow = -0.08 if floor else (y0 + y1) / 2 - height / 2
    return Window(
        bounds=(x0, y0, x1, y1),
        xlim=(cx - width / 2, cx + width / 2),
        ylim=(ylow, ylow + height),
        floor=floor,
    )


def draw_pose(
    ax: Axes,
    body: Body,
    props: list[Prop],
    *,
    tint: tuple[str, ...] = (),
    colour: str | None = None,
    arrow: tuple[str, float, float, float] | None = None,
    start: Body | None = None,
    side_drawn: str = "",
) -> None:
    """Draw a posed body, its props, the area tint and the movement arrow into ``ax``.

    Parameters
    ----------
    ax : matplotlib Axes
        Where to draw; its limits are set so that every picture has one scale.
    body : Body
        The posed figure, resting on the floor.
    props : list of Prop
        Furniture and kit placed around it.
    tint : tuple of str
        Segment names to tint, in ``colour`` (no tint without a colour); ``"neck:back"``
        tints only the back half of the neck (side views), away from the face.
    colour : str, optional
        The body area's colour.
    arrow : (point, bend, shift, off), optional
        The body point whose move from ``start`` to ``body`` the arrow shows, how much
        the arrow curves, how far it slides along its own direction and how far it stands
        off the body (negative: on the other side of the point). Drawn only with ``start``.
    start : Body, optional
        The start pose, where the arrow comes from.
    side_drawn : str
        ``"left"`` or ``"right"`` for a stretch done on each side. A right side is
        drawn mirrored, as the left: pictures always show the side done first.
    """
    moving = arrow if start is not None else None
    window = picture_window(body, props, start.points[arrow[0]] if moving else None)
    _set_window(ax, window)
    _draw_ground(ax, window)
    _draw_props(ax, [p for p in props if p.behind], 2)
    if colour and tint:
        draw_tint(ax, body, tint, colour)
    draw_body(ax, body, tint, colour)
    draw_head(ax, body)
    _draw_props(ax, [p for p in props if not p.behind], 7)
    if moving is not None and start is not None:
        point, bend, shift, off = moving
        path = arrow_path(
            start.points[point], body.points[point], bend, shift, body.points["chest"], off
        )
        _draw_arrow(ax, path)
    _draw_labels(ax, body, side_drawn)


def _set_window(ax: Axes, window: Window) -> None:
    ax.set_xlim(*window.xlim)
    ax.set_ylim(*window.ylim)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _draw_ground(ax: Axes, window: Window) -> None:
    """A floor line under a figure seen from the side or front; a mat under one seen from above."""
    if window.floor:
        ax.plot(
            [window.xlim[0] + 0.05, window.xlim[1] - 0.05],
            [-0.006, -0.006],
            color=PROP_EDGE,
            lw=2,
            solid_capstyle="round",
            zorder=1,
        )
        return
    x0, y0, x1, y1 = window.bounds
    corners = [(x0 - 0.06, y0 - 0.06), (x1 + 0.06, y0 - 0.06), (x1 + 0.06, y1 + 0.06)]
    corners.append((x0 - 0.06, y1 + 0.06))
    polygon(ax, corners, facecolor="#EEF0F2", edgecolor="none", zorder=0, gid="mat")


def _draw_props(ax: Axes, props: list[Prop], z: float) -> None:
    for prop in props:
        solid = {"facecolor": PROP_COLOUR, "edgecolor": PROP_EDGE, "lw": 1, "zorder": z}
        for kind, pts in prop.shapes:
            if kind == "poly":
                polygon(ax, pts, **solid, gid=prop.kind)
            elif kind == "line":
                xs, ys = zip(*pts, strict=True)
                strap = prop.kind == "strap"
                ax.plot(
                    xs,
                    ys,
                    color="#7A5C3E" if strap else PROP_EDGE,
                    lw=1.8 if strap else 2.2,
                    solid_capstyle="round",
                    zorder=z,
                    gid=prop.kind,
                )
            elif kind == "circle":
                (cx, cy), (r, _) = pts
                circle(ax, (cx, cy), r, **solid, gid=prop.kind)


def arrow_path(
    a: Point, b: Point, bend: float, shift: float, chest: Point, off: float
) -> tuple[Point, Point, float]:
    """Where the movement arrow runs: its tail, its head and its curve (``arc3`` radius).

    From ``a`` to ``b``, lengthened to a readable size if the move is small, stood
    ``off`` the body on the side away from the trunk (above, for a mostly sideways
    move) and slid by ``shift`` along its own direction.
    """
    dx, dy = b[0] - a[0], b[1] - a[1]
    dist = math.hypot(dx, dy)
    if dist < 1e-6:
        dx, dy, dist = 0.0, 1.0, 1.0
    need = 0.2
    if dist < need:  # a small movement still gets a readable arrow
        mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
        ux, uy = dx / dist, dy / dist
        a = (mx - ux * need / 2, my - uy * need / 2)
        b = (mx + ux * need / 2, my + uy * need / 2)
    bx, by = chest
    nx, ny = -dy / dist, dx / dist
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    if abs(ny) > 0.5:  # a mostly sideways movement: the arrow rides above it
        if ny < 0:
            nx, ny = -nx, -ny
    elif (mx - bx) * nx + (my - by) * ny < 0:
        nx, ny = -nx, -ny
    ux, uy = dx / dist, dy / dist
    a = (a[0] + nx * off + ux * shift, a[1] + ny * off + uy * shift)
    b = (b[0] + nx * off + ux * shift, b[1] + ny * off + uy * shift)
    sign = 1.0 if (nx * dy - ny * dx) > 0 else -1.0
    return a, b, sign * bend


def _draw_arrow(ax: Axes, path: tuple[Point, Point, float]) -> None:
    from matplotlib.patches import FancyArrowPatch

    tail, head, rad = path
    ax.add_patch(
        FancyArrowPatch(
            tail,
            head,
            connectionstyle=f"arc3,rad={rad}",
            arrowstyle="-|>",
            mutation_scale=13,
            lw=1.8,
            color=ARROW_COLOUR,
            zorder=8,
            gid="arrow",
        )
    )


def _draw_labels(ax: Axes, body: Body, side_drawn: str) -> None:
    """Say "seen from above" under a lying figure, and which side an each-side picture shows."""
    if body.view not in FLOOR_VIEWS:
        _corner_text(ax, "seen from above", (0.02, 0.03), ha="left", va="bottom")
    if side_drawn == "right":
        # The timer and the handout start an each-side stretch on the left, so the
        # picture shows that side: the mirror image of the side the pose was written for.
        ax.invert_xaxis()
        side_drawn = "left"
    if side_drawn:
        _corner_text(ax, f"{side_drawn} side", (0.98, 0.97), ha="right", va="top")


def label_points(ax: Axes) -> float:
    """The corner labels' size in points for a picture drawn into ``ax``."""
    # the box the Axes was given, before an equal aspect shrinks it to fit the drawing
    width_in = ax.get_position(original=True).width * ax.figure.get_figwidth()
    return round(max(LABEL_MIN_POINTS, LABEL_POINTS * width_in / PICTURE_WIDTH_IN), 1)


def _corner_text(ax: Axes, text: str, where: Point, *, ha: str, va: str) -> None:
    ax.text(
        *where,
        text,
        transform=ax.transAxes,
        ha=ha,
        va=va,
        fontsize=label_points(ax),
        color=LABEL_COLOUR,
        zorder=9,  # over the mat and any limb that reaches the corner
    )
