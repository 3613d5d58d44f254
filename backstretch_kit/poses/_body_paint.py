"""Painting the body: its capsules, the area tint, the head and the face.

The part of :mod:`~backstretch_kit.poses._paint` that knows how a posed
:class:`~backstretch_kit.poses._skeleton.Body` looks: far limbs light, near limbs and
trunk dark, tinted segments in the area's colour, a nose or a face on the head. The
picture around it (frame, ground, props, arrow, labels) is :mod:`._paint`'s, which
uses the two patch helpers :func:`polygon` and :func:`circle` from here too.
matplotlib is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ._skeleton import SIDE_VIEWS, Body, Point, Segment

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["FAR_COLOUR", "NEAR_COLOUR", "circle", "draw_body", "draw_head", "draw_tint", "polygon"]

TRUNK_PARTS = frozenset({"lower", "mid", "upper", "neck", "shoulders", "hips"})
NEAR_COLOUR = "#3B4452"
FAR_COLOUR = "#AAB2BC"
#: Drawing order: the far limbs behind the trunk, the near limbs in front of it.
LAYERS = {"far": (4, FAR_COLOUR), "body": (5, NEAR_COLOUR), "near": (6, NEAR_COLOUR)}


def draw_tint(ax: Axes, body: Body, tint: tuple[str, ...], colour: str) -> None:
    """A soft halo in the area colour round each tinted segment (only its back, for ``:back``)."""
    backs = _backs(tint)
    for seg in body.segments:
        if seg.name in tint or seg.name in backs:
            halo = capsule(seg, 0.028)
            if seg.name not in tint:
                halo = back_half(halo, seg, body.face_dir)
            style = {"facecolor": colour, "edgecolor": "none", "alpha": 0.45, "zorder": 3}
            polygon(ax, halo, **style, gid="area-tint")


def draw_body(ax: Axes, body: Body, tint: tuple[str, ...], colour: str | None) -> None:
    """Every segment as a capsule: far limbs light, tinted segments filled in the area colour."""
    backs = _backs(tint)
    for seg in body.segments:
        z, shade = LAYERS[seg.layer]
        fill = colour if (colour and seg.name in tint and seg.layer != "far") else shade
        if seg.name in TRUNK_PARTS:
            edge = fill
        elif body.view == "above":
            edge = "white"  # seen from above, legs cross and fold: keep them apart
        else:
            edge = shade  # a tinted limb keeps a dark outline: a grey tint is not a far limb
        tinted = fill != shade
        polygon(
            ax,
            capsule(seg),
            facecolor=fill,
            edgecolor=edge,
            lw=0.8,
            zorder=z + (0.5 if tinted else 0),
            gid="area-segment" if tinted else seg.name,
        )
        if colour and seg.name in backs and seg.layer != "far":
            back = back_half(capsule(seg), seg, body.face_dir)
            polygon(
                ax, back, facecolor=colour, edgecolor="none", zorder=z + 0.5, gid="area-segment"
            )


def _backs(tint: tuple[str, ...]) -> set[str]:
    """The segments tinted only on their back half (``"neck:back"`` -> ``"neck"``)."""
    return {t.partition(":")[0] for t in tint if t.endswith(":back")}


def draw_head(ax: Axes, body: Body) -> None:
    """The head, with a nose seen from the side or a face seen from the front or above."""
    # a head nodding toward the viewer comes in front of its (tinted) neck and of a hand on
    # its back, with a light rim to keep its outline against them
    nodding = body.nod > 0
    circle(
        ax,
        body.head_centre,
        body.head_radius,
        facecolor=NEAR_COLOUR,
        edgecolor="white" if nodding else "none",
        lw=1.2 if nodding else None,
        zorder=5.6 if nodding else 5,
        gid="head",
    )
    if body.view not in SIDE_VIEWS:
        _draw_face(ax, body)
        return
    nose = (
        body.head_centre[0] + 0.9 * body.head_radius * math.cos(math.radians(body.face_dir)),
        body.head_centre[1] + 0.9 * body.head_radius * math.sin(math.radians(body.face_dir)),
    )
    r = body.head_radius * 0.3
    circle(ax, nose, r, facecolor=NEAR_COLOUR, edgecolor="none", zorder=5, gid="nose")


def _draw_face(ax: Axes, body: Body) -> None:
    """Seen from the front: two eyes that slide sideways as the head turns and down as it
    nods, and a nose at the edge of the head once it is turned or nodded far enough."""
    r, (hx, hy) = body.head_radius, body.head_centre
    across = (math.cos(math.radians(body.face_dir)), math.sin(math.radians(body.face_dir)))
    up = (-across[1], across[0])
    turn, nod = math.radians(body.head_turn), math.radians(body.nod)
    z = 5.7 if body.nod > 0 else 5.5  # over the head, which comes forward when it nods

    def at(k: float, v: float, most: float) -> Point:
        reach = math.hypot(k, v)
        if reach > most:  # keep the feature on the head
            k, v = k * most / reach, v * most / reach
        return (hx + k * r * across[0] + v * r * up[0], hy + k * r * across[1] + v * r * up[1])

    for eye in (-0.38, 0.38):
        k = max(-0.82, min(0.82, eye * math.cos(turn) + 0.75 * math.sin(turn) * math.cos(nod)))
        v = 0.12 * math.cos(nod) - 0.75 * math.sin(nod)
        circle(
            ax, at(k, v, 0.85), r * 0.13, facecolor="white", edgecolor="none", zorder=z, gid="eye"
        )
    if abs(body.head_turn) > 30 or body.nod > 30:
        k = math.copysign(0.95, body.head_turn) if abs(body.head_turn) > 30 else 0.0
        v = -0.12 * math.cos(nod) - 0.95 * math.sin(nod)
        nose = at(k, v, 0.96)
        circle(
            ax, nose, r * 0.24, facecolor=NEAR_COLOUR, edgecolor="none", zorder=z - 0.5, gid="nose"
        )


def polygon(ax: Axes, points: list[Point], **style: Any) -> None:
    from matplotlib.patches import Polygon

    ax.add_patch(Polygon(points, closed=True, **style))


def circle(ax: Axes, centre: Point, radius: float, **style: Any) -> None:
    from matplotlib.patches import Circle

    ax.add_patch(Circle(centre, radius, **style))


def capsule(seg: Segment, extra: float = 0.0, n: int = 10) -> list[Point]:
    """The outline of a segment: two half circles joined, ``extra`` wider all round."""
    (x0, y0), (x1, y1) = seg.start, seg.end
    r = seg.radius + extra
    theta = math.atan2(y1 - y0, x1 - x0)
    pts = []
    for k in range(n + 1):
        a = theta - math.pi / 2 + math.pi * k / n
        pts.append((x1 + r * math.cos(a), y1 + r * math.sin(a)))
    for k in range(n + 1):
        a = theta + math.pi / 2 + math.pi * k / n
        pts.append((x0 + r * math.cos(a), y0 + r * math.sin(a)))
    return pts


def back_half(points: list[Point], seg: Segment, face_dir: float) -> list[Point]:
    """The part of a capsule outline behind the segment's axis: away from where the face points."""
    (x0, y0), (x1, y1) = seg.start, seg.end
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    nx, ny = -(y1 - y0) / length, (x1 - x0) / length
    fx, fy = math.cos(math.radians(face_dir)), math.sin(math.radians(face_dir))
    if nx * fx + ny * fy > 0:  # make the normal point to the back
        nx, ny = -nx, -ny
    # the capsule's outline runs round in order, so the kept points stay one run (closed
    # along the axis through the two tips)
    return [(x, y) for x, y in points if (x - x0) * nx + (y - y0) * ny >= -1e-9]
