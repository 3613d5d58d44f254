"""The furniture and kit around a posed figure: chairs, walls, steps, rollers, straps.

Pure arithmetic like :mod:`backstretch_kit.poses._geometry`: each prop is built as
simple shapes in floor coordinates around a body already resting on the floor,
and a prop that cannot stand where the pose puts it says why (the pose check
turns that into an error naming the row).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from ._geometry import step
from ._skeleton import FLOOR_VIEWS, SIDE_VIEWS, Body, Point, contact_radius

__all__ = ["BED_TOP", "DEFAULT_ANCHORS", "PROPS", "Prop", "place_props"]

PROPS: tuple[str, ...] = (
    "floor", "mat", "chair", "wall", "doorway", "step", "foam roller", "strap", "bed", "cushion",
)  # fmt: skip

#: Where a prop goes when the data names no anchor point.
DEFAULT_ANCHORS: dict[str, str] = {
    "chair": "hip",
    "wall": "near_hand",
    "doorway": "near_elbow",
    "step": "near_ankle",
    "foam roller": "chest",
    "strap": "near_toe",
    "bed": "hip",
    "cushion": "head",
}

CHAIR_SEAT_DEPTH = 0.24
BED_TOP = 0.3
CHAIR_BACK_HEIGHT = 0.26


@dataclass
class Prop:
    """A piece of furniture or kit, as simple shapes in floor coordinates."""

    kind: str
    # ("poly", [(x, y), ...]) closed filled shapes, ("line", [(x, y), ...]) strokes,
    # ("circle", [(x, y), (r, 0)]) rollers
    shapes: list[tuple[str, list[Point]]] = field(default_factory=list)
    behind: bool = True  # drawn behind the body (a strap goes in front)


#: A prop builder: (body, kind, anchors, facing) -> (the prop, or a message why it cannot be).
Builder = Callable[[Body, str, list[str], float], tuple[Prop, str | None]]


def place_props(
    body: Body, specs: list[tuple[str, list[str]]], facing: float
) -> tuple[list[Prop], str | None]:
    """Build the props around a placed body.

    Parameters
    ----------
    body : Body
        The figure, already resting on the floor.
    specs : list of (kind, anchors)
        Each prop (one of :data:`PROPS`) and the body points it sits under or
        against; at least one point each.
    facing : float
        +1 if the figure's front is toward +x, -1 if toward -x (for the chair back).

    Returns
    -------
    props, problem
        The props, and a message if one of them cannot be placed (else None).
    """
    props: list[Prop] = []
    for kind, anchors in specs:
        if kind in ("floor", "mat"):
            continue  # drawn with the frame, it spans the whole picture
        prop, problem = _BUILDERS[kind](body, kind, anchors, facing)
        if problem:
            return props, problem
        props.append(prop)
    return props, None


def _top(body: Body, anchor: str) -> float:
    """The height of the surface under ``anchor``: where a prop under it must reach."""
    return body.points[anchor][1] - contact_radius(body, anchor)


def _bed(body: Body, kind: str, anchors: list[str], facing: float) -> tuple[Prop, str | None]:
    x, _ = body.points[anchors[0]]
    top = _top(body, anchors[0])
    head_x = body.head_centre[0]
    # from just past the resting point to just past the head
    x0, x1 = sorted((x + math.copysign(0.06, x - head_x), head_x - math.copysign(0.15, x - head_x)))
    shapes = [
        ("poly", [(x0, top - 0.07), (x1, top - 0.07), (x1, top), (x0, top)]),
        ("line", [(x0 + 0.03, top - 0.07), (x0 + 0.03, 0.0)]),
        ("line", [(x1 - 0.03, top - 0.07), (x1 - 0.03, 0.0)]),
    ]
    return Prop(kind, shapes), None


def _wall(body: Body, kind: str, anchors: list[str], facing: float) -> tuple[Prop, str | None]:
    """A wall or a door frame touching the anchor, on the side away from the hip."""
    x, _ = body.points[anchors[0]]
    hip_x = body.points["hip"][0]
    face = x + math.copysign(contact_radius(body, anchors[0]) + 0.012, x - hip_x)
    width = 0.06 if kind == "doorway" else 0.03
    x0, x1 = (face, face + width) if x >= hip_x else (face - width, face)
    if body.view in FLOOR_VIEWS:
        y0, y1 = 0.0, 1.18
    else:  # lying: the frame stands up from the floor, seen from above
        y0, y1 = body.bounds()[1] - 0.05, body.bounds()[3] + 0.05
    return Prop(kind, [("poly", [(x0, y0), (x1, y0), (x1, y1), (x0, y1)])]), None


def _step_prop(body: Body, kind: str, anchors: list[str], facing: float) -> tuple[Prop, str | None]:
    x, _ = body.points[anchors[0]]
    top = _top(body, anchors[0])
    if top < 0.03:
        return Prop(kind), f"the step under {anchors[0]} would be {top:.2f} high"
    shape = [(x - 0.09, 0), (x + 0.12, 0), (x + 0.12, top), (x - 0.09, top)]
    return Prop(kind, [("poly", shape)]), None


def _roller(body: Body, kind: str, anchors: list[str], facing: float) -> tuple[Prop, str | None]:
    """Across the back (seen end on, a circle), or along the spine with a second anchor."""
    pts = [body.points[a] for a in anchors]
    x, _ = pts[0]
    top = _top(body, anchors[0])
    if len(anchors) == 2 and body.view not in FLOOR_VIEWS:  # along the spine, from above
        return Prop(kind, [("poly", _band(pts[0], pts[1], 0.085, 0.08, 0.0))]), None
    if len(anchors) == 2:  # along the spine: a long roller seen from its side
        x0, x1 = sorted((x, pts[1][0]))
        r = max(min(top / 2, 0.06), 0.02)
        return Prop(kind, [("poly", [(x0, 0), (x1, 0), (x1, 2 * r), (x0, 2 * r)])]), None
    r = top / 2
    if not 0.02 <= r <= 0.08:
        return Prop(kind), f"the foam roller under {anchors[0]} would be {2 * r:.2f} across"
    return Prop(kind, [("circle", [(x, r), (r, 0.0)])]), None


def _cushion(body: Body, kind: str, anchors: list[str], facing: float) -> tuple[Prop, str | None]:
    x, y = body.points[anchors[0]]
    r = contact_radius(body, anchors[0])
    if body.view in FLOOR_VIEWS:  # a low pad under the point
        top = y - r
        shape = [(x - 0.1, 0), (x + 0.1, 0), (x + 0.1, top), (x - 0.1, top)]
    else:  # seen from above: a pillow around the resting head
        shape = [
            (x - r - 0.05, y - r - 0.03),
            (x + r + 0.05, y - r - 0.03),
            (x + r + 0.05, y + r + 0.03),
            (x - r - 0.05, y + r + 0.03),
        ]
    return Prop(kind, [("poly", shape)]), None


def _strap(body: Body, kind: str, anchors: list[str], facing: float) -> tuple[Prop, str | None]:
    """A strap from the foot to each hand that holds it, drawn in front of the body."""
    foot, *hands = (body.points[a] for a in anchors)
    shapes = [("line", [foot, h]) for h in hands or [body.points["near_hand"]]]
    return Prop(kind, shapes, behind=False), None


def _band(a: Point, b: Point, half: float, past_a: float, past_b: float) -> list[Point]:
    """A straight band from ``a`` to ``b``, ``half`` wide each side, running on past each end."""
    theta = math.atan2(b[1] - a[1], b[0] - a[0])
    a2 = step(a, math.degrees(theta) + 180, past_a)
    b2 = step(b, math.degrees(theta), past_b)
    n = math.degrees(theta) + 90
    return [step(a2, n, half), step(b2, n, half), step(b2, n, -half), step(a2, n, -half)]


def _chair(body: Body, kind: str, anchors: list[str], facing: float) -> tuple[Prop, str | None]:
    """A chair under ``anchors[0]``; with a second anchor, seen from its side with the
    back rest at that point (a sitter sideways on it, seen from the front, holding the back)."""
    anchor = anchors[0]
    x, _ = body.points[anchor]
    top = _top(body, anchor) - 0.005
    back_top = top + CHAIR_BACK_HEIGHT
    if len(anchors) > 1:
        hold_x, hold_y = body.points[anchors[1]]
        gap = abs(hold_x - x)
        if not 0.08 <= gap <= CHAIR_SEAT_DEPTH - 0.04:
            return Prop(kind), (
                f"the chair back at {anchors[1]} would be {gap:.2f} from {anchor} "
                f"(0.08 to {CHAIR_SEAT_DEPTH - 0.04:.2f} puts it beside the seat)"
            )
        if not top + 0.04 <= hold_y:
            return Prop(kind), f"{anchors[1]} is below the chair's seat, not at its back"
        back_top = max(back_top, hold_y + 0.05)  # the hand holds the back, not the air above
    if body.view in SIDE_VIEWS or len(anchors) > 1:
        return _chair_from_the_side(body, anchors, facing, top, back_top), None
    # seen from the front: the back rest stands behind the seat, filling the picture
    x0, x1 = x - 0.17, x + 0.17
    back = [(x0 + 0.02, top), (x1 - 0.02, top), (x1 - 0.02, top + 0.32), (x0 + 0.02, top + 0.32)]
    shapes = [
        ("poly", back),
        ("poly", [(x0, top - 0.025), (x1, top - 0.025), (x1, top), (x0, top)]),
        ("line", [(x0 + 0.015, 0.0), (x0 + 0.015, top)]),
        ("line", [(x1 - 0.015, 0.0), (x1 - 0.015, top)]),
    ]
    return Prop(kind, shapes), None


def _chair_from_the_side(
    body: Body, anchors: list[str], facing: float, top: float, back_top: float
) -> Prop:
    """A chair seen from its side: a seat, a back leg rising to the back rest, a front leg."""
    x, _ = body.points[anchors[0]]
    if len(anchors) > 1:
        back_x = body.points[anchors[1]][0]
    elif anchors[0] == "hip":
        back_x = x - facing * 0.09  # the back rest is behind the sitter
    else:
        hip_x = body.points["hip"][0]
        back_x = x + math.copysign(0.12, x - hip_x)  # away from whoever kneels at it
    front_x = back_x + math.copysign(CHAIR_SEAT_DEPTH, x - back_x)
    x0, x1 = sorted((back_x, front_x))
    shapes = [
        ("poly", [(x0, top - 0.025), (x1, top - 0.025), (x1, top), (x0, top)]),
        ("line", [(back_x, 0.0), (back_x, back_top)]),
        ("line", [(front_x, 0.0), (front_x, top)]),
    ]
    return Prop("chair", shapes)


_BUILDERS: dict[str, Builder] = {
    "chair": _chair,
    "bed": _bed,
    "wall": _wall,
    "doorway": _wall,
    "step": _step_prop,
    "foam roller": _roller,
    "cushion": _cushion,
    "strap": _strap,
}
