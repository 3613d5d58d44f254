"""Drawing a posed figure with matplotlib: body capsules, face, props, tint and arrow.

matplotlib is imported inside the functions, so importing this module stays cheap.
Geometry comes from :mod:`backstretch_kit._figure`; this module only paints it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from . import _figure as fg

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["NEAR_COLOUR", "draw_pose"]

TRUNK_PARTS = frozenset({"lower", "mid", "upper", "neck", "shoulders", "hips"})
NEAR_COLOUR = "#3B4452"
FAR_COLOUR = "#AAB2BC"
PROP_COLOUR = "#C9CED4"
PROP_EDGE = "#8D959E"
ARROW_COLOUR = "#111111"
WINDOW = (1.45, 1.2)  # data units shown per picture, so every figure has one scale


def _capsule(seg: fg.Segment, extra: float = 0.0, n: int = 10) -> list[tuple[float, float]]:
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


def _back_half(
    points: list[tuple[float, float]], seg: fg.Segment, face_dir: float
) -> list[tuple[float, float]]:
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


def draw_pose(
    ax: Axes,
    body: fg.Body,
    props: list[fg.Prop],
    *,
    tint: tuple[str, ...] = (),
    colour: str | None = None,
    arrow: tuple[str, float, float, float] | None = None,
    start: fg.Body | None = None,
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
    arrow : (point, bend, shift, off), optional
        The body point whose move from ``start`` to ``body`` the arrow shows, how much
        the arrow curves, how far it slides along its own direction and how far it stands
        off the body (negative: on the other side of the point).
    side_drawn : str
        ``"left"`` or ``"right"`` for a stretch done on each side. A right side is
        drawn mirrored, as the left: pictures always show the side done first.
    """
    from matplotlib.patches import Circle, Polygon

    x0, y0, x1, y1 = body.bounds()
    if start is not None and arrow is not None:
        ax0, ay0 = start.points[arrow[0]]
        x0, y0, x1, y1 = min(x0, ax0), min(y0, ay0), max(x1, ax0), max(y1, ay0)
    for prop in props:
        for _, pts in prop.shapes:
            x0, x1 = min(x0, *(p[0] for p in pts)), max(x1, *(p[0] for p in pts))
            y1 = max(y1, *(p[1] for p in pts))
    floor = body.view in fg.FLOOR_VIEWS
    width, height = WINDOW
    width, height = max(width, x1 - x0 + 0.2), max(height, y1 - y0 + 0.2)
    width, height = (
        max(width, height * WINDOW[0] / WINDOW[1]),
        max(height, width * WINDOW[1] / WINDOW[0]),
    )
    cx = (x0 + x1) / 2
    ylow = -0.08 if floor else (y0 + y1) / 2 - height / 2
    ax.set_xlim(cx - width / 2, cx + width / 2)
    ax.set_ylim(ylow, ylow + height)
    ax.set_aspect("equal")
    ax.set_axis_off()

    if floor:
        ax.plot(
            [cx - width / 2 + 0.05, cx + width / 2 - 0.05],
            [-0.006, -0.006],
            color=PROP_EDGE,
            lw=2,
            solid_capstyle="round",
            zorder=1,
        )
    else:
        mat = Polygon(
            [
                (x0 - 0.06, y0 - 0.06),
                (x1 + 0.06, y0 - 0.06),
                (x1 + 0.06, y1 + 0.06),
                (x0 - 0.06, y1 + 0.06),
            ],
            closed=True,
            facecolor="#EEF0F2",
            edgecolor="none",
            zorder=0,
            gid="mat",
        )
        ax.add_patch(mat)

    def draw_prop(prop: fg.Prop, z: float) -> None:
        for kind, pts in prop.shapes:
            if kind == "poly":
                ax.add_patch(
                    Polygon(
                        pts,
                        closed=True,
                        facecolor=PROP_COLOUR,
                        edgecolor=PROP_EDGE,
                        lw=1,
                        zorder=z,
                        gid=prop.kind,
                    )
                )
            elif kind == "line":
                xs, ys = zip(*pts, strict=True)
                colour = "#7A5C3E" if prop.kind == "strap" else PROP_EDGE
                ax.plot(
                    xs,
                    ys,
                    color=colour,
                    lw=2.2 if prop.kind != "strap" else 1.8,
                    solid_capstyle="round",
                    zorder=z,
                    gid=prop.kind,
                )
            elif kind == "circle":
                (cx_, cy_), (r, _) = pts
                ax.add_patch(
                    Circle(
                        (cx_, cy_),
                        r,
                        facecolor=PROP_COLOUR,
                        edgecolor=PROP_EDGE,
                        lw=1,
                        zorder=z,
                        gid=prop.kind,
                    )
                )

    for prop in props:
        if prop.behind:
            draw_prop(prop, 2)

    backs = {t.partition(":")[0] for t in tint if t.endswith(":back")}
    if colour and tint:
        for seg in body.segments:
            if seg.name in tint or seg.name in backs:
                halo = _capsule(seg, 0.028)
                if seg.name not in tint:
                    halo = _back_half(halo, seg, body.face_dir)
                ax.add_patch(
                    Polygon(
                        halo,
                        closed=True,
                        facecolor=colour,
                        edgecolor="none",
                        alpha=0.45,
                        zorder=3,
                        gid="area-tint",
                    )
                )

    layers = {"far": (4, FAR_COLOUR), "body": (5, NEAR_COLOUR), "near": (6, NEAR_COLOUR)}
    for seg in body.segments:
        z, shade = layers[seg.layer]
        fill = colour if (colour and seg.name in tint and seg.layer != "far") else shade
        if seg.name in TRUNK_PARTS:
            edge = fill
        elif body.view == "above":
            edge = "white"  # seen from above, legs cross and fold: keep them apart
        else:
            edge = shade  # a tinted limb keeps a dark outline: a grey tint is not a far limb
        ax.add_patch(
            Polygon(
                _capsule(seg),
                closed=True,
                facecolor=fill,
                edgecolor=edge,
                lw=0.8,
                zorder=z + (0.5 if fill != shade else 0),
                gid="area-segment" if fill != shade else seg.name,
            )
        )
        if colour and seg.name in backs and seg.layer != "far":
            ax.add_patch(
                Polygon(
                    _back_half(_capsule(seg), seg, body.face_dir),
                    closed=True,
                    facecolor=colour,
                    edgecolor="none",
                    zorder=z + 0.5,
                    gid="area-segment",
                )
            )
    # a head nodding toward the viewer comes in front of its (tinted) neck and of a hand on
    # its back, with a light rim to keep its outline against them
    nodding = body.nod > 0
    ax.add_patch(
        Circle(
            body.head_centre,
            body.head_radius,
            facecolor=NEAR_COLOUR,
            edgecolor="white" if nodding else "none",
            lw=1.2 if nodding else None,
            zorder=5.6 if nodding else 5,
            gid="head",
        )
    )
    if body.view in fg.SIDE_VIEWS:
        nose = (
            body.head_centre[0] + 0.9 * body.head_radius * math.cos(math.radians(body.face_dir)),
            body.head_centre[1] + 0.9 * body.head_radius * math.sin(math.radians(body.face_dir)),
        )
        ax.add_patch(
            Circle(
                nose,
                body.head_radius * 0.3,
                facecolor=NEAR_COLOUR,
                edgecolor="none",
                zorder=5,
                gid="nose",
            )
        )
    else:
        _draw_face(ax, body)

    for prop in props:
        if not prop.behind:
            draw_prop(prop, 7)

    if start is not None and arrow is not None:
        point, bend, shift, *rest = arrow
        off = rest[0] if rest else 0.07  # the usual stand-off
        _draw_arrow(
            ax, start.points[point], body.points[point], bend, shift, body.points["chest"], off
        )
    if body.view not in fg.FLOOR_VIEWS:
        ax.text(
            0.02,
            0.03,
            "seen from above",
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            fontsize=7,
            color="#6B7480",
        )
    if side_drawn == "right":
        # The timer and the handout start an each-side stretch on the left, so the
        # picture shows that side: the mirror image of the side the pose was written for.
        ax.invert_xaxis()
        side_drawn = "left"
    if side_drawn:
        ax.text(
            0.98,
            0.97,
            f"{side_drawn} side",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=7,
            color="#6B7480",
        )


def _draw_arrow(
    ax: Axes,
    a: tuple[float, float],
    b: tuple[float, float],
    bend: float,
    shift: float,
    chest: tuple[float, float],
    off: float = 0.07,
) -> None:
    """An arrow from ``a`` to ``b``, lengthened if short, stood ``off`` the body, slid by
    ``shift``."""
    from matplotlib.patches import FancyArrowPatch

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
    # stand the arrow off the body, on the side away from the trunk
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
    ax.add_patch(
        FancyArrowPatch(
            a,
            b,
            connectionstyle=f"arc3,rad={sign * bend}",
            arrowstyle="-|>",
            mutation_scale=13,
            lw=1.8,
            color=ARROW_COLOUR,
            zorder=8,
            gid="arrow",
        )
    )


def _draw_face(ax: Axes, body: fg.Body) -> None:
    """Seen from the front: two eyes that slide sideways as the head turns and down as it
    nods, and a nose at the edge of the head once it is turned or nodded far enough."""
    from matplotlib.patches import Circle

    r, (hx, hy) = body.head_radius, body.head_centre
    across = (math.cos(math.radians(body.face_dir)), math.sin(math.radians(body.face_dir)))
    up = (-across[1], across[0])
    turn, nod = math.radians(body.head_turn), math.radians(body.nod)
    z = 5.7 if body.nod > 0 else 5.5  # over the head, which comes forward when it nods

    def at(k: float, v: float, most: float) -> tuple[float, float]:
        reach = math.hypot(k, v)
        if reach > most:  # keep the feature on the head
            k, v = k * most / reach, v * most / reach
        return (hx + k * r * across[0] + v * r * up[0], hy + k * r * across[1] + v * r * up[1])

    for eye in (-0.38, 0.38):
        k = max(-0.82, min(0.82, eye * math.cos(turn) + 0.75 * math.sin(turn) * math.cos(nod)))
        v = 0.12 * math.cos(nod) - 0.75 * math.sin(nod)
        ax.add_patch(
            Circle(
                at(k, v, 0.85), r * 0.13, facecolor="white", edgecolor="none", zorder=z, gid="eye"
            )
        )
    if abs(body.head_turn) > 30 or body.nod > 30:
        k = math.copysign(0.95, body.head_turn) if abs(body.head_turn) > 30 else 0.0
        v = -0.12 * math.cos(nod) - 0.95 * math.sin(nod)
        ax.add_patch(
            Circle(
                at(k, v, 0.96),
                r * 0.24,
                facecolor=NEAR_COLOUR,
                edgecolor="none",
                zorder=z - 0.5,
                gid="nose",
            )
        )
